//! The TREE table: every AuditData field as rows, written straight from the JSON in document order
//! (the order a user sees in the raw text and ConvertFrom-Json keeps), without building a
//! `serde_json::Value`, whose map is sorted by key.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::result::{AuditsiftNodeKind, AuditsiftTable, Encoder};

/// Writes the tree of one JSON document as rows of `record`; returns false (and writes no row)
/// when the text is not JSON.
pub(crate) fn write_tree(encoder: &mut Encoder, record: i64, json: &str) -> bool {
    let rows_before = encoder.table_len(AuditsiftTable::Tree);
    let text_before = encoder.text_len();
    let body = json.strip_prefix('\u{feff}').unwrap_or(json);
    let mut de = serde_json::Deserializer::from_str(body);
    let node = Node {
        encoder: &mut *encoder,
        record,
        parent: -1,
        key: [-1, 0],
    };
    if node.deserialize(&mut de).and_then(|()| de.end()).is_ok() {
        return true;
    }
    encoder.truncate(AuditsiftTable::Tree, rows_before, text_before);
    false
}

/// One JSON value to be written as a row under `parent` with the key text at `key`.
struct Node<'e> {
    encoder: &'e mut Encoder,
    record: i64,
    parent: i64,
    key: [i64; 2],
}

impl Node<'_> {
    /// Writes this node's row and returns its row number.
    fn row(&mut self, kind: AuditsiftNodeKind, value: Option<&str>) -> i64 {
        let me = (self.encoder.table_len(AuditsiftTable::Tree) / 7) as i64;
        let [v0, v1] = self.encoder.text(value);
        let [k0, k1] = self.key;
        self.encoder.row(
            AuditsiftTable::Tree,
            &[self.record, self.parent, kind as i64, k0, k1, v0, v1],
        );
        me
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.row(AuditsiftNodeKind::Null, None);
        Ok(())
    }

    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<(), E> {
        self.row(
            AuditsiftNodeKind::Bool,
            Some(if v { "true" } else { "false" }),
        );
        Ok(())
    }

    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<(), E> {
        self.row(AuditsiftNodeKind::Number, Some(&v.to_string()));
        Ok(())
    }

    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<(), E> {
        self.row(AuditsiftNodeKind::Number, Some(&v.to_string()));
        Ok(())
    }

    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        self.row(AuditsiftNodeKind::Number, Some(&v.to_string()));
        Ok(())
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.row(AuditsiftNodeKind::String, Some(v));
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let me = self.row(AuditsiftNodeKind::Object, None);
        while let Some(key) = map.next_key_seed(KeyText(&mut *self.encoder))? {
            map.next_value_seed(Node {
                encoder: &mut *self.encoder,
                record: self.record,
                parent: me,
                key,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let me = self.row(AuditsiftNodeKind::Array, None);
        while seq
            .next_element_seed(Node {
                encoder: &mut *self.encoder,
                record: self.record,
                parent: me,
                key: [-1, 0],
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// An object key, written to the text buffer as it is read; gives its text reference.
struct KeyText<'e>(&'e mut Encoder);

impl<'de> DeserializeSeed<'de> for KeyText<'_> {
    type Value = [i64; 2];

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<[i64; 2], D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyText<'_> {
    type Value = [i64; 2];

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<[i64; 2], E> {
        Ok(self.0.text(Some(v)))
    }
}
