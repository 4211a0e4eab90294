//! Wrapped records: what collection tools put around AuditData.
//!
//! * `{"AuditData": {...}}` and `{"AuditData": "<JSON text>"}` (tools that save
//!   Search-UnifiedAuditLog objects as JSON also keep `CreationDate`, `RecordType`, `UserIds`,
//!   `Operations`, `Identity` next to it);
//! * Microsoft Graph `auditLogRecord`s: `{"id": ..., "createdDateTime": ..., "auditData": {...}}`;
//! * Graph response pages: `{"@odata.context": ..., "value": [records...]}`.
//!
//! The wrapper's own fields become [`Fallback`](super::Fallback) values.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::value::RawValue;

use super::fallback::{FALLBACK_FIELDS, FallbackField};

/// A record taken out of its wrapper.
#[derive(Debug)]
pub(crate) struct Inner<'a> {
    /// The AuditData text: borrowed when it was a JSON object, unescaped when it was a string.
    pub text: Cow<'a, str>,
    /// The wrapper's fields, by [`FallbackField`].
    pub fallback: [Option<Cow<'a, str>>; FALLBACK_FIELDS],
}

/// What a document turned out to be.
#[derive(Debug)]
pub(crate) enum Unwrapped<'a> {
    /// Not a wrapper: the document is AuditData itself.
    Plain,
    /// One wrapped record.
    One(Inner<'a>),
    /// A Graph response page: its records (each unwrapped when wrapped).
    Page(Vec<Inner<'a>>),
    /// A wrapper whose AuditData is missing, null or not JSON text.
    Invalid(String),
}

/// The wrapper keys read, and the fallback field each stands for (first present wins).
const FALLBACK_KEYS: [(&str, FallbackField); 13] = [
    ("CreationDate", FallbackField::CreationDate),
    ("createdDateTime", FallbackField::CreationDate),
    ("RecordType", FallbackField::RecordType),
    ("auditLogRecordType", FallbackField::RecordType),
    ("UserIds", FallbackField::UserId),
    ("UserId", FallbackField::UserId),
    ("userPrincipalName", FallbackField::UserId),
    ("Identity", FallbackField::Id),
    ("RecordId", FallbackField::Id),
    ("id", FallbackField::Id),
    ("Operations", FallbackField::Operation),
    ("Operation", FallbackField::Operation),
    ("operation", FallbackField::Operation),
];

/// Takes a record out of its wrapper, if it is one. Text that is not a JSON object, or an object
/// without an `AuditData`/`auditData` key, is [`Unwrapped::Plain`] (the record parser then reads
/// or rejects it).
pub(crate) fn unwrap_document(doc: &str) -> Unwrapped<'_> {
    let Ok(fields) = serde_json::from_str::<HashMap<Cow<'_, str>, &RawValue>>(doc) else {
        return Unwrapped::Plain;
    };
    if let Some(audit) = audit_data(&fields) {
        return match inner_text(audit) {
            Some(text) => Unwrapped::One(Inner {
                text,
                fallback: fallback_of(&fields),
            }),
            None => Unwrapped::Invalid(
                "the wrapper's AuditData is empty or neither an object nor JSON text".to_owned(),
            ),
        };
    }
    let Some(page) = fields
        .get("value")
        .and_then(|v| serde_json::from_str::<Vec<&RawValue>>(v.get()).ok())
    else {
        return Unwrapped::Plain;
    };
    let records = page
        .into_iter()
        .map(|element| match unwrap_document(element.get()) {
            Unwrapped::One(inner) => inner,
            // A record of a page that is not wrapped (or is broken) goes to the parser as it is.
            _ => Inner {
                text: Cow::Borrowed(element.get()),
                fallback: Default::default(),
            },
        })
        .collect();
    Unwrapped::Page(records)
}

fn audit_data<'a>(fields: &HashMap<Cow<'a, str>, &'a RawValue>) -> Option<&'a RawValue> {
    fields
        .get("AuditData")
        .or_else(|| fields.get("auditData"))
        .copied()
}

/// The AuditData of a wrapper: an object as it is, a string unescaped; `None` for anything else
/// (null, empty text, numbers).
fn inner_text(value: &RawValue) -> Option<Cow<'_, str>> {
    let raw = value.get();
    match raw.as_bytes().first() {
        Some(b'{') => Some(Cow::Borrowed(raw)),
        Some(b'"') => {
            let text = string_value(raw)?;
            (!text.trim().is_empty()).then_some(text)
        }
        _ => None,
    }
}

/// A JSON string's value, borrowed when it has no escapes.
fn string_value(raw: &str) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(raw) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(_) => serde_json::from_str::<String>(raw).ok().map(Cow::Owned),
    }
}

/// The wrapper's fields that stand in for AuditData fields: strings unescaped, numbers and
/// booleans as written, null and empty values left out.
fn fallback_of<'a>(
    fields: &HashMap<Cow<'a, str>, &'a RawValue>,
) -> [Option<Cow<'a, str>>; FALLBACK_FIELDS] {
    let mut out: [Option<Cow<'a, str>>; FALLBACK_FIELDS] = Default::default();
    for (key, field) in FALLBACK_KEYS {
        let slot = &mut out[field as usize];
        if slot.is_some() {
            continue;
        }
        let Some(value) = fields.get(key) else {
            continue;
        };
        let raw = value.get();
        let text = match raw.as_bytes().first() {
            Some(b'"') => string_value(raw),
            Some(b'{' | b'[' | b'n') | None => None,
            Some(_) => Some(Cow::Borrowed(raw)),
        };
        *slot = text.filter(|t| !t.trim().is_empty());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(doc: &str) -> Inner<'_> {
        match unwrap_document(doc) {
            Unwrapped::One(inner) => inner,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn object_audit_data_is_borrowed() {
        let doc = r#"{"AuditData": {"Id":"x"} , "Identity":"x"}"#;
        let inner = one(doc);
        assert_eq!(inner.text, r#"{"Id":"x"}"#);
        assert!(matches!(inner.text, Cow::Borrowed(_)));
        assert_eq!(
            inner.fallback[FallbackField::Id as usize].as_deref(),
            Some("x")
        );
    }

    #[test]
    fn string_audit_data_is_unescaped() {
        let inner = one(r#"{"RecordType":50,"AuditData":"{\"Id\":\"y\"}"}"#);
        assert_eq!(inner.text, r#"{"Id":"y"}"#);
        assert_eq!(
            inner.fallback[FallbackField::RecordType as usize].as_deref(),
            Some("50")
        );
    }

    #[test]
    fn graph_records_and_pages() {
        let inner = one(
            r#"{"id":"g","createdDateTime":"2026-03-02T07:00:00Z","userPrincipalName":"a@b","auditLogRecordType":"exchangeItem","operation":"Send","auditData":{"Id":"g"}}"#,
        );
        assert_eq!(inner.text, r#"{"Id":"g"}"#);
        assert_eq!(
            inner.fallback[FallbackField::UserId as usize].as_deref(),
            Some("a@b")
        );
        let empty = r#"{"@odata.context":"x","value":[]}"#;
        assert!(matches!(unwrap_document(empty), Unwrapped::Page(v) if v.is_empty()));
        let page = r#"{"@odata.context":"x","value":[{"auditData":{"Id":"1"}},{"Id":"2"}]}"#;
        match unwrap_document(page) {
            Unwrapped::Page(records) => {
                let texts: Vec<_> = records.iter().map(|r| r.text.as_ref()).collect();
                assert_eq!(texts, [r#"{"Id":"1"}"#, r#"{"Id":"2"}"#]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_and_invalid() {
        assert!(matches!(
            unwrap_document(r#"{"Id":"z","Subject":"see \"AuditData\""}"#),
            Unwrapped::Plain
        ));
        assert!(matches!(unwrap_document("{broken"), Unwrapped::Plain));
        assert!(matches!(
            unwrap_document(r#"{"AuditData":""}"#),
            Unwrapped::Invalid(_)
        ));
        assert!(matches!(
            unwrap_document(r#"{"AuditData":42}"#),
            Unwrapped::Invalid(_)
        ));
    }
}
