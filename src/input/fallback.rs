//! The values a file gives next to a record's AuditData (CSV columns, wrapper fields), and how
//! they fill in what the AuditData lacks.

use std::borrow::Cow;

use crate::record::{AuditRecord, record_type_name};
use crate::time::{DateOrder, parse_culture_datetime};

/// The values a file gives next to a document's AuditData, by the AuditData field they stand in
/// for. They are used only where the AuditData itself lacks the field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fallback<'a> {
    /// `CreationDate` (CSV, Search-UnifiedAuditLog objects) or Graph's `createdDateTime`; may be
    /// in a host's culture (`3/12/2025 7:31:34 AM`).
    pub creation_date: Option<&'a str>,
    /// `RecordType` (often a name such as `ExchangeItem`) or Graph's `auditLogRecordType`.
    pub record_type: Option<&'a str>,
    /// `UserId`/`UserIds`, or Graph's `userPrincipalName`.
    pub user_id: Option<&'a str>,
    /// `RecordId`/`Identity`, or Graph's `id`.
    pub id: Option<&'a str>,
    /// `Operation`/`Operations`, or Graph's `operation`.
    pub operation: Option<&'a str>,
}

impl<'a> Fallback<'a> {
    /// True when the file gave no value at all.
    pub fn is_empty(&self) -> bool {
        *self == Fallback::default()
    }

    /// Fills in what the record's AuditData lacks (`CreationTime`, `Id`, `Operation`, `UserId`,
    /// `RecordType`) from these values; what the AuditData has is never replaced. Returns the
    /// date text when the time came from a culture-formatted date whose day and month could be
    /// swapped (it was read month first, and `creation_time_ambiguous` is set).
    pub fn apply_to(&self, record: &mut AuditRecord<'a>) -> Option<&'a str> {
        if self.is_empty() {
            return None;
        }
        let mut ambiguous = None;
        if record.creation_time.is_none()
            && let Some(text) = self.creation_date
            && let Some((time, order)) = parse_culture_datetime(text)
        {
            record.creation_time = Some(time);
            if order == DateOrder::AmbiguousReadMonthFirst {
                record.creation_time_ambiguous = true;
                ambiguous = Some(text);
            }
        }
        let fill = |slot: &mut Option<Cow<'a, str>>, value: Option<&'a str>| {
            if slot.is_none()
                && let Some(v) = value.map(str::trim).filter(|v| !v.is_empty())
            {
                *slot = Some(Cow::Borrowed(v));
            }
        };
        fill(&mut record.id, self.id);
        fill(&mut record.operation, self.operation);
        fill(&mut record.user_id, self.user_id);
        if record.record_type.is_none()
            && record.record_type_name.is_none()
            && let Some(text) = self.record_type.map(str::trim).filter(|t| !t.is_empty())
        {
            match text.parse::<u32>() {
                Ok(code) => {
                    record.record_type = Some(code);
                    record.record_type_name = record_type_name(code).map(Cow::Borrowed);
                }
                Err(_) => record.record_type_name = Some(Cow::Borrowed(text)),
            }
        }
        ambiguous
    }
}

/// The fields of [`Fallback`], as indices of a document's fallback spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FallbackField {
    CreationDate = 0,
    RecordType = 1,
    UserId = 2,
    Id = 3,
    Operation = 4,
}

/// Number of [`FallbackField`]s.
pub(crate) const FALLBACK_FIELDS: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_fills_only_what_is_missing() {
        let mut r = crate::record::parse_record(r#"{"Id":"x","Operation":"Send"}"#).unwrap();
        let fallback = Fallback {
            creation_date: Some("3/12/2025 7:31:34 PM"),
            record_type: Some("ExchangeItem"),
            user_id: Some(" u@x "),
            id: Some("y"),
            operation: Some("Create"),
        };
        assert_eq!(fallback.apply_to(&mut r), Some("3/12/2025 7:31:34 PM"));
        assert!(r.creation_time_ambiguous);
        assert_eq!(
            crate::time::format_utc(&r.creation_time.unwrap()),
            "2025-03-12T19:31:34Z"
        );
        assert_eq!(
            (r.id.as_deref(), r.operation.as_deref()),
            (Some("x"), Some("Send"))
        );
        assert_eq!(r.user_id.as_deref(), Some("u@x"));
        assert_eq!(r.record_type_name.as_deref(), Some("ExchangeItem"));
        let mut numbered = crate::record::parse_record("{}").unwrap();
        let fallback = Fallback {
            creation_date: Some("2026-03-02T07:00:00.0000000Z "),
            record_type: Some("50"),
            ..Fallback::default()
        };
        assert_eq!(fallback.apply_to(&mut numbered), None);
        assert_eq!(numbered.record_type, Some(50));
        assert_eq!(
            numbered.record_type_name.as_deref(),
            Some("ExchangeItemAggregated")
        );
    }
}
