//! Tolerant building blocks for reading AuditData.
//!
//! Real exports give booleans and numbers as strings, nested arrays as strings holding JSON (or
//! PowerShell-style text), and the occasional object where a list was expected. Each type here
//! accepts every such shape and falls back to "absent" rather than failing the whole record: the
//! raw text is kept, so nothing is lost by ignoring a shape we cannot read.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{FolderAccess, NameValue, Text};

/// Implements the scalar `visit_*` methods of a visitor as "nothing here" (`Default`).
macro_rules! ignore_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}

/// Implements `visit_map` / `visit_seq` as "drain and ignore".
macro_rules! ignore_map {
    () => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
}
macro_rules! ignore_seq {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
}

/// A JSON value read as a scalar; objects and arrays are skipped and read as [`Scalar::Complex`].
#[derive(Debug, Default)]
pub(super) enum Scalar<'de> {
    /// null or absent.
    #[default]
    Null,
    /// true / false.
    Bool(bool),
    /// A negative integer.
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string, borrowed when it had no escapes.
    Str(Cow<'de, str>),
    /// An object or an array.
    Complex,
}

impl<'de> Scalar<'de> {
    /// The value as text; numbers and booleans are rendered, empty strings read as absent.
    pub(super) fn into_text(self) -> Text<'de> {
        match self {
            Scalar::Str(s) if is_blank(&s) => None,
            Scalar::Str(s) => Some(s),
            Scalar::Bool(b) => Some(Cow::Borrowed(if b { "True" } else { "False" })),
            Scalar::Int(n) => Some(Cow::Owned(n.to_string())),
            Scalar::UInt(n) => Some(Cow::Owned(n.to_string())),
            Scalar::Float(f) => Some(Cow::Owned(f.to_string())),
            Scalar::Null | Scalar::Complex => None,
        }
    }

    /// The value as text with surrounding white space (and the `\r\n` some servers append) removed.
    pub(super) fn into_trimmed_text(self) -> Text<'de> {
        self.into_text().map(trim_cow)
    }

    /// The value as a boolean: `true`, `"True"`, `"false"`, `1`, `"0"`...
    pub(super) fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Int(n) => Some(*n != 0),
            Scalar::UInt(n) => Some(*n != 0),
            Scalar::Str(s) => parse_bool(s),
            _ => None,
        }
    }

    /// The value as an integer: a number, or a string holding one.
    pub(super) fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::Int(n) => Some(*n),
            Scalar::UInt(n) => i64::try_from(*n).ok(),
            Scalar::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            Scalar::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// True when the text is empty or only white space. Most values start with a visible ASCII
/// character, which answers without scanning (this runs for every field of every record).
#[inline]
fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// True when the text may have white space to trim at either end.
#[inline]
fn needs_trim(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => !(first.is_ascii_graphic() && last.is_ascii_graphic()),
        _ => false,
    }
}

/// Reads `True`/`False`/`1`/`0`/`yes`/`no` in any case.
pub(super) fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" || t.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" || t.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::UInt(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Complex)
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON value read straight into [`Text`]: like [`Scalar::into_text`] without the
/// intermediate enum, for the many fields that are plain text.
pub(super) struct TextValue<'de>(pub(super) Text<'de>);

/// The text without surrounding white space; an owned text is trimmed in place.
#[inline(always)]
pub(super) fn trim_cow(t: Cow<'_, str>) -> Cow<'_, str> {
    if !needs_trim(&t) {
        return t;
    }
    match t {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(mut o) => {
            let end = o.trim_end().len();
            o.truncate(end);
            let start = o.len() - o.trim_start().len();
            o.drain(..start);
            Cow::Owned(o)
        }
    }
}

/// A string value as text: `None` when blank (see [`TextValue`]).
#[inline(always)]
pub(super) fn text_of(s: Cow<'_, str>) -> Text<'_> {
    (!is_blank(&s)).then_some(s)
}

impl<'de> Deserialize<'de> for TextValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TextValue(text_of(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextValue((!is_blank(v)).then(|| Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextValue(text_of(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TextValue(Scalar::Bool(v).into_text()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TextValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TextValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TextValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TextValue(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TextValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextValue(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TextValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object key, borrowed when it had no escapes.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

fn own_text(t: Text<'_>) -> Text<'static> {
    t.map(|t| Cow::Owned(t.into_owned()))
}

/// `AppAccessContext`: only `AADSessionId` is kept (the rest stays in the raw text).
#[derive(Debug, Default)]
pub(super) struct AppAccessContext<'de> {
    pub(super) aad_session_id: Text<'de>,
}

impl<'de> Deserialize<'de> for AppAccessContext<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AppAccessContext<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an AppAccessContext object")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = AppAccessContext::default();
                while let Some(Key(k)) = map.next_key()? {
                    if k.eq_ignore_ascii_case("AADSessionId") {
                        out.aad_session_id = map.next_value::<Scalar>()?.into_trimmed_text();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(serde_json::from_str::<AppAccessContext>(v)
                    .map(|c| AppAccessContext {
                        aad_session_id: own_text(c.aad_session_id),
                    })
                    .unwrap_or_default())
            }
        }
        d.deserialize_any(V)
    }
}

/// One entry of `AffectedItems`, an `Item`, a `Folder` or a `DestFolder`.
#[derive(Debug, Default)]
pub(super) struct ItemParts<'de> {
    pub(super) subject: Text<'de>,
    pub(super) internet_message_id: Text<'de>,
    pub(super) folder: Text<'de>,
}

impl ItemParts<'_> {
    fn is_empty(&self) -> bool {
        self.subject.is_none() && self.internet_message_id.is_none() && self.folder.is_none()
    }
    fn into_owned(self) -> ItemParts<'static> {
        ItemParts {
            subject: own_text(self.subject),
            internet_message_id: own_text(self.internet_message_id),
            folder: own_text(self.folder),
        }
    }
}

/// `ParentFolder` / `Folder` objects: only their `Path`.
#[derive(Default)]
struct PathOnly<'de>(Text<'de>);

impl<'de> Deserialize<'de> for PathOnly<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PathOnly<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a folder")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PathOnly(Scalar::Str(Cow::Borrowed(v)).into_text()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PathOnly(Scalar::Str(Cow::Owned(v.to_owned())).into_text()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut path = None;
                while let Some(Key(k)) = map.next_key()? {
                    if k == "Path" {
                        path = map.next_value::<Scalar>()?.into_text();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(PathOnly(path))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ItemParts<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ItemParts<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(ItemParts::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = ItemParts::default();
                while let Some(Key(k)) = map.next_key()? {
                    match k.as_ref() {
                        "Subject" => out.subject = map.next_value::<Scalar>()?.into_text(),
                        "InternetMessageId" => {
                            out.internet_message_id =
                                map.next_value::<Scalar>()?.into_trimmed_text()
                        }
                        "ParentFolder" => {
                            // An item's folder; a `Path` key (folders) takes precedence.
                            let PathOnly(p) = map.next_value()?;
                            if out.folder.is_none() {
                                out.folder = p;
                            }
                        }
                        "Path" => out.folder = map.next_value::<Scalar>()?.into_text(),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// `AffectedItems` (a list), `Item`, `Folder` or `DestFolder` (one object), in any of their
/// shapes: a list, a single object, or a string holding either as JSON.
#[derive(Debug, Default)]
pub(super) struct Items<'de>(pub(super) Vec<ItemParts<'de>>);

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("items")
            }
            ignore_scalars!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<ItemParts>()? {
                    if !item.is_empty() {
                        out.push(item);
                    }
                }
                Ok(Items(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let item = ItemParts::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Items(if item.is_empty() { vec![] } else { vec![item] }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(serde_json::from_str::<Items>(v)
                    .map(|Items(v)| Items(v.into_iter().map(ItemParts::into_owned).collect()))
                    .unwrap_or_default())
            }
        }
        d.deserialize_any(V)
    }
}

/// `Parameters`, `OperationProperties`, `DeviceProperties`: a list of `{Name, Value}`, a plain
/// object of names to values, or a string holding JSON or PowerShell-style text.
#[derive(Debug, Default)]
pub(super) struct NameValues<'de>(pub(super) Vec<NameValue<'de>>);

impl<'de> NameValues<'de> {
    /// The value of the first entry with this name (case-insensitive).
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|nv| nv.name.eq_ignore_ascii_case(name))
            .map(|nv| nv.value.as_ref())
    }
}

/// One `{Name, Value}` object.
#[derive(Default)]
struct NameValueEntry<'de>(Option<NameValue<'de>>);

impl<'de> Deserialize<'de> for NameValueEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameValueEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a {Name, Value} object")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(NameValueEntry(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut name, mut value) = (None, None);
                while let Some(Key(k)) = map.next_key()? {
                    if k.eq_ignore_ascii_case("Name") {
                        name = map.next_value::<Scalar>()?.into_text();
                    } else if k.eq_ignore_ascii_case("Value") {
                        value = map.next_value::<Scalar>()?.into_text();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(NameValueEntry(name.map(|name| NameValue {
                    name,
                    value: value.unwrap_or(Cow::Borrowed("")),
                })))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for NameValues<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameValues<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of {Name, Value}")
            }
            ignore_scalars!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(NameValueEntry(entry)) = seq.next_element()? {
                    out.extend(entry);
                }
                Ok(NameValues(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // `{"MailAccessType": "Bind", "IsThrottled": "False"}`
                let mut out = Vec::new();
                while let Some(Key(name)) = map.next_key()? {
                    let value = map.next_value::<Scalar>()?.into_text();
                    out.push(NameValue {
                        name,
                        value: value.unwrap_or(Cow::Borrowed("")),
                    });
                }
                Ok(NameValues(out))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(parse_name_values_text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `{Name, Value}` pairs from text: JSON, `@{Name=X; Value=Y}` (PowerShell's rendering of
/// objects), or `Name:Value` / `Name=Value` entries separated by lines, `;`, `,` or spaces.
pub(super) fn parse_name_values_text(text: &str) -> NameValues<'static> {
    let t = text.trim();
    if (t.starts_with('[') || t.starts_with('{'))
        && let Ok(NameValues(v)) = serde_json::from_str::<NameValues>(t)
    {
        return NameValues(v.into_iter().map(NameValue::into_owned).collect());
    }
    let pair = |name: &str, value: &str| NameValue {
        name: Cow::Owned(name.trim().to_owned()),
        value: Cow::Owned(value.trim().to_owned()),
    };
    let mut out = Vec::new();
    if t.contains("@{") {
        for chunk in t.split("@{").skip(1) {
            let body = chunk.split('}').next().unwrap_or("");
            let (mut name, mut value) = (None, "");
            for field in body.split(';') {
                if let Some((k, v)) = field.split_once('=') {
                    match k.trim() {
                        k if k.eq_ignore_ascii_case("Name") => name = Some(v),
                        k if k.eq_ignore_ascii_case("Value") => value = v,
                        _ => {}
                    }
                }
            }
            if let Some(name) = name {
                out.push(pair(name, value));
            }
        }
        return NameValues(out);
    }
    let separators: &[char] = &['\n', '\r', ';', ','];
    let pieces: Vec<&str> = t
        .split(separators)
        .filter(|p| !p.trim().is_empty())
        .collect();
    // `MailAccessType:Bind IsThrottled:False` on one line: split on spaces too, but only when
    // every word is itself a pair (a value with spaces stays whole otherwise).
    let words: Vec<&str> = pieces.iter().flat_map(|p| p.split_whitespace()).collect();
    let pieces = if words.iter().all(|w| w.contains([':', '='])) {
        words
    } else {
        pieces
    };
    for piece in pieces {
        if let Some((k, v)) = piece.split_once([':', '='])
            && !k.trim().is_empty()
        {
            out.push(pair(k, v));
        }
    }
    NameValues(out)
}

/// MailItemsAccessed `Folders`: a list of `{Path, FolderItems: [{InternetMessageId}]}`, or a string
/// holding it as JSON.
#[derive(Debug, Default)]
pub(super) struct Folders<'de>(pub(super) Vec<FolderAccess<'de>>);

#[derive(Default)]
struct FolderEntry<'de>(Option<FolderAccess<'de>>);

/// `FolderItems`: only their `InternetMessageId`s.
#[derive(Default)]
pub(super) struct MessageIds<'de>(pub(super) Vec<Cow<'de, str>>);

#[derive(Default)]
struct MessageIdEntry<'de>(Text<'de>);

impl<'de> Deserialize<'de> for MessageIdEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MessageIdEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a folder item")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MessageIdEntry(
                    Scalar::Str(Cow::Borrowed(v)).into_trimmed_text(),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MessageIdEntry(
                    Scalar::Str(Cow::Owned(v.to_owned())).into_trimmed_text(),
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut id = None;
                while let Some(Key(k)) = map.next_key()? {
                    if k == "InternetMessageId" {
                        id = map.next_value::<Scalar>()?.into_trimmed_text();
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(MessageIdEntry(id))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for MessageIds<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MessageIds<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("folder items")
            }
            ignore_scalars!();
            ignore_map!();
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(MessageIds::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(MessageIdEntry(id)) = seq.next_element()? {
                    out.extend(id);
                }
                Ok(MessageIds(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for FolderEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FolderEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a folder")
            }
            ignore_scalars!();
            ignore_seq!();
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(FolderEntry(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut folder = FolderAccess {
                    path: None,
                    message_ids: Vec::new(),
                };
                while let Some(Key(k)) = map.next_key()? {
                    match k.as_ref() {
                        "Path" => folder.path = map.next_value::<Scalar>()?.into_text(),
                        "FolderItems" => folder.message_ids = map.next_value::<MessageIds>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let empty = folder.path.is_none() && folder.message_ids.is_empty();
                Ok(FolderEntry((!empty).then_some(folder)))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Folders<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Folders<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of folders")
            }
            ignore_scalars!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(FolderEntry(entry)) = seq.next_element()? {
                    out.extend(entry);
                }
                Ok(Folders(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let FolderEntry(entry) =
                    FolderEntry::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Folders(entry.into_iter().collect()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(serde_json::from_str::<Folders>(v)
                    .map(|Folders(v)| {
                        Folders(v.into_iter().map(FolderAccess::into_owned).collect())
                    })
                    .unwrap_or_default())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(nv: &NameValues) -> Vec<(String, String)> {
        nv.0.iter()
            .map(|p| (p.name.to_string(), p.value.to_string()))
            .collect()
    }

    #[test]
    fn property_text_forms() {
        let want = vec![
            ("MailAccessType".to_owned(), "Sync".to_owned()),
            ("IsThrottled".to_owned(), "True".to_owned()),
        ];
        for text in [
            "MailAccessType:Sync\r\nIsThrottled:True",
            "MailAccessType:Sync IsThrottled:True",
            "MailAccessType=Sync;IsThrottled=True",
            "@{Name=MailAccessType; Value=Sync} @{Name=IsThrottled; Value=True}",
            r#"[{"Name":"MailAccessType","Value":"Sync"},{"Name":"IsThrottled","Value":"True"}]"#,
            r#"{"MailAccessType":"Sync","IsThrottled":true}"#,
        ] {
            assert_eq!(names(&parse_name_values_text(text)), want, "{text}");
        }
        assert!(parse_name_values_text("").0.is_empty());
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool(" True "), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
