//! The prefilter: proving, without parsing, that a document cannot match a session filter.
//!
//! Written once over [`Unit`], so that a document read as UTF-8 bytes and the same document read
//! as UTF-16 units (a .NET string, before it is ever encoded) get the same answer.

use std::sync::LazyLock;

use super::units::{AnyOf, Needle, Unit};

/// Finds any of the session ids in a document, ignoring ASCII case, without parsing it.
///
/// One or a few ids are searched one by one in place, with no folded copy of the document (see
/// `search.rs`); many ids share one case-insensitive automaton. When no id is found, a document
/// with a `\u` escape is checked for an escape of an id character, which would hide an id from
/// the search.
#[derive(Debug, Clone)]
pub(super) struct SessionPrefilter {
    ids: IdSearch,
    /// The characters of the ids (both cases), as a bit set over ASCII.
    id_chars: u128,
}

/// Few ids are searched one by one; many at once with aho-corasick.
#[derive(Debug, Clone)]
enum IdSearch {
    Few(Vec<Vec<u8>>),
    Many(AnyOf),
}

/// Up to this many ids, one pass per id beats an automaton.
const FEW_IDS: usize = 4;

impl SessionPrefilter {
    /// `None` when there are no ids, or when an id has a character that JSON may write in more
    /// than one way besides `\u00XX` (the caller then parses everything).
    pub(super) fn new<'a>(ids: impl IntoIterator<Item = &'a String>) -> Option<SessionPrefilter> {
        let ids: Vec<&String> = ids.into_iter().collect();
        if ids.is_empty() || !ids.iter().all(|id| id.bytes().all(is_plain_json_byte)) {
            return None;
        }
        let id_chars = ids
            .iter()
            .flat_map(|id| id.bytes())
            .flat_map(|b| [b.to_ascii_lowercase(), b.to_ascii_uppercase()])
            .fold(0u128, |set, b| set | (1u128 << b));
        let ids = if ids.len() <= FEW_IDS {
            IdSearch::Few(ids.iter().map(|id| id.as_bytes().to_vec()).collect())
        } else {
            let texts: Vec<&[u8]> = ids.iter().map(|id| id.as_bytes()).collect();
            IdSearch::Many(AnyOf::new(&texts).ok()?)
        };
        Some(SessionPrefilter { ids, id_chars })
    }

    /// False only when none of the ids can be in the document.
    pub(super) fn may_occur_in<U: Unit>(&self, document: &[U]) -> bool {
        let maybe_escape = match &self.ids {
            IdSearch::Few(ids) => {
                // The first search also tells whether the document may hold an escape.
                let mut passes = ids.iter().map(|id| U::find_ignoring_case(document, id));
                let Some(first) = passes.next() else {
                    return false;
                };
                if first.found || passes.any(|pass| pass.found) {
                    return true;
                }
                first.maybe_escape
            }
            IdSearch::Many(set) => {
                if U::contains_any(document, set) {
                    return true;
                }
                has_backslash_u(document)
            }
        };
        maybe_escape && self.escapes_hide_id_chars(document)
    }

    /// True when the document writes one of the ids' characters as `\u00XX`.
    fn escapes_hide_id_chars<U: Unit>(&self, document: &[U]) -> bool {
        static ESCAPE: LazyLock<Needle> = LazyLock::new(|| Needle::new(b"\\u00"));
        U::find_iter(document, &ESCAPE).any(|at| {
            let hex = |i: usize| {
                document
                    .get(at + i)
                    .and_then(|u| u.ascii())
                    .and_then(|a| (a as char).to_digit(16))
            };
            let code = hex(4).zip(hex(5)).map(|(high, low)| high * 16 + low);
            code.is_some_and(|c| c < 128 && self.id_chars & (1u128 << c) != 0)
        })
    }
}

/// True unless the document cannot be a throttled record: `IsThrottled` followed closely by
/// `true` in any case (`"IsThrottled","Value":"True"`, the same inside a string holding JSON, or
/// Search-MailboxAuditLog's `IsThrottled:True`). A document with `\u` escapes may spell either
/// word otherwise, so it is not ruled out.
pub(super) fn may_be_throttled<U: Unit>(document: &[U]) -> bool {
    /// How far after the name `true` is looked for, in bytes of UTF-8.
    const NEAR: usize = 48;
    const NAME: &[u8] = b"IsThrottled";
    static FINDER: LazyLock<Needle> = LazyLock::new(|| Needle::new(NAME));
    let found = U::find_iter(document, &FINDER).any(|at| {
        let start = at + NAME.len();
        let end = U::utf8_window_end(document, start, NEAR);
        document.get(start..end).is_some_and(|after| {
            after
                .windows(4)
                .any(|w| U::eq_ignore_ascii_case(w, b"true"))
        })
    });
    found || has_backslash_u(document)
}

/// True for the bytes a JSON string holds as themselves unless written as `\u00XX`: printable
/// ASCII but `"` and `\\` (always escaped) and `/` (may be `\/`). A non-ASCII character may be
/// written as `\uXXXX`, which the search would miss. Real session ids are GUIDs.
fn is_plain_json_byte(b: u8) -> bool {
    matches!(b, b' '..=b'~') && !matches!(b, b'"' | b'\\' | b'/')
}

/// True when `\u` occurs.
fn has_backslash_u<U: Unit>(document: &[U]) -> bool {
    static BACKSLASH_U: LazyLock<Needle> = LazyLock::new(|| Needle::new(b"\\u"));
    U::find_iter(document, &BACKSLASH_U).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }

    #[test]
    fn backslash_u_detection() {
        assert!(has_backslash_u(br"a\u0041"));
        assert!(!has_backslash_u(br"\\Inbox u"));
        assert!(!has_backslash_u(b""));
        assert!(!has_backslash_u(b"\\"));
        assert!(has_backslash_u(&wide(r"a\u0041")));
        assert!(!has_backslash_u(&wide(r"\ u")));
        // U+755C is bytes 5C 75 in memory (little-endian): not a backslash and a u.
        assert!(!has_backslash_u(&[0x755cu16, 0x0030]));
    }

    #[test]
    fn throttling_is_looked_for_within_48_bytes_of_utf8() {
        let at = |gap: &str| format!(r#"{{"IsThrottled{gap}true"}}"#);
        for gap in ["", &"x".repeat(44), &"é".repeat(22), &"😀".repeat(11)] {
            let doc = at(gap);
            assert!(may_be_throttled(doc.as_bytes()), "{doc}");
            assert!(may_be_throttled(&wide(&doc)), "{doc}");
        }
        for gap in [
            &"x".repeat(45),
            &"é".repeat(23),
            &"€".repeat(15),
            &"😀".repeat(12),
        ] {
            let doc = at(gap);
            assert!(!may_be_throttled(doc.as_bytes()), "{doc}");
            assert!(!may_be_throttled(&wide(&doc)), "{doc}");
        }
        // A lone surrogate is U+FFFD in UTF-8: 3 bytes.
        let mut lone = wide(r#"{"IsThrottled"#);
        lone.extend(std::iter::repeat_n(0xd800u16, 14));
        lone.extend(wide(r#"..true"}"#));
        assert!(may_be_throttled(&lone));
        lone.insert(14, 0xdc00);
        assert!(!may_be_throttled(&lone));
    }

    #[test]
    fn escapes_of_id_characters_are_found_in_both_forms() {
        let ids = ["ab-1".to_owned()];
        let p = SessionPrefilter::new(&ids).unwrap();
        for doc in [
            r#"{"SessionId":"\u0061b-1"}"#,
            r#"{"SessionId":"AB\u002d1"}"#,
        ] {
            assert!(p.may_occur_in(doc.as_bytes()), "{doc}");
            assert!(p.may_occur_in(&wide(doc)), "{doc}");
        }
        for doc in [
            r#"{"SessionId":"\u00e9"}"#,
            r#"{"SessionId":"\u007a"}"#,
            "{}",
        ] {
            assert!(!p.may_occur_in(doc.as_bytes()), "{doc}");
            assert!(!p.may_occur_in(&wide(doc)), "{doc}");
        }
    }
}
