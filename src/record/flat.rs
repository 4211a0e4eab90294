//! Search-MailboxAuditLog -ShowDetails records.
//!
//! That cmdlet has no AuditData: its objects carry flat properties (`LastAccessed`,
//! `OperationResult`, `AuditOperationsCountInAggregatedRecord`, `FolderPathName`, lists as text...).
//! Hosts hand such an object over as a flat JSON object of its properties, and the record parser
//! maps the properties it recognises here into the same [`AuditRecord`](super::AuditRecord) shape.

use std::borrow::Cow;

use super::lenient::Folders;
use super::{FolderAccess, Text};

/// Message ids from `AggregatedRecordFoldersData`: JSON shaped like AuditData's `Folders`, or the
/// cmdlet's text rendering in which each id appears as a quoted `"<id>"`.
pub(super) fn aggregated_folders(text: &str, folder: Option<&str>) -> Vec<FolderAccess<'static>> {
    let t = text.trim();
    if (t.starts_with('[') || t.starts_with('{'))
        && let Ok(Folders(list)) = serde_json::from_str::<Folders>(t)
        && !list.is_empty()
    {
        return list.into_iter().map(FolderAccess::into_owned).collect();
    }
    // One line per folder, `\\Inbox: "<id1>","<id2>"`, or the ids alone.
    let mut out: Vec<FolderAccess<'static>> = Vec::new();
    for line in t.lines() {
        let ids = message_ids_in_text(line);
        let path = line
            .split_once(':')
            .filter(|(p, _)| !p.contains('"') && !p.contains('<') && !p.trim().is_empty())
            .map(|(p, _)| p.trim().trim_start_matches(['{', ' ']).to_owned());
        if ids.is_empty() && path.is_none() {
            continue;
        }
        out.push(FolderAccess {
            path: path.or_else(|| folder.map(str::to_owned)).map(Cow::Owned),
            message_ids: ids.into_iter().map(Cow::Owned).collect(),
        });
    }
    if out.is_empty() && folder.is_some() {
        out.push(FolderAccess {
            path: folder.map(|f| Cow::Owned(f.to_owned())),
            message_ids: Vec::new(),
        });
    }
    out
}

/// Every `<...>` token of a text, in order: InternetMessageIds are written in angle brackets.
pub(super) fn message_ids_in_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let id = &rest[start..start + len + 1];
        if id.len() > 2 && !id[1..].contains('<') {
            out.push(id.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    out
}

/// A list property (`SourceItemInternetMessageIdsList`...) split into entries. Ids are found by
/// their angle brackets when present; other lists split on line breaks, or on commas when there are
/// no line breaks.
pub(super) fn split_list(text: &str, ids: bool) -> Vec<String> {
    if ids {
        let found = message_ids_in_text(text);
        if !found.is_empty() {
            return found;
        }
    }
    let t = text.trim();
    let parts: Vec<&str> = if t.contains('\n') {
        t.lines().collect()
    } else {
        t.split(',').collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The flat properties of one record that need joining after the whole object was read.
#[derive(Debug, Default)]
pub(super) struct FlatProperties<'de> {
    pub(super) last_accessed: Text<'de>,
    pub(super) folder_path_name: Text<'de>,
    pub(super) dest_folder_path_name: Text<'de>,
    pub(super) item_subject: Text<'de>,
    pub(super) item_internet_message_id: Text<'de>,
    pub(super) source_ids: Text<'de>,
    pub(super) source_subjects: Text<'de>,
    pub(super) source_folders: Text<'de>,
    pub(super) aggregated_folders: Text<'de>,
}

impl FlatProperties<'_> {
    /// True when any Search-MailboxAuditLog-only property was present.
    pub(super) fn present(&self) -> bool {
        self.last_accessed.is_some()
            || self.folder_path_name.is_some()
            || self.aggregated_folders.is_some()
            || self.source_ids.is_some()
            || self.item_subject.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_cmdlet_text() {
        let text = r#"{ "<a@contoso.com>", "<b@contoso.com>" }"#;
        assert_eq!(
            message_ids_in_text(text),
            ["<a@contoso.com>", "<b@contoso.com>"]
        );
        let f = aggregated_folders(text, Some("\\Inbox"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path.as_deref(), Some("\\Inbox"));
        assert_eq!(f[0].message_ids.len(), 2);
    }

    #[test]
    fn one_line_per_folder() {
        let text = "\\Inbox: \"<a@b>\",\"<c@d>\"\n\\Sent Items: \"<e@f>\"";
        let f = aggregated_folders(text, Some("\\Ignored"));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].path.as_deref(), Some("\\Inbox"));
        assert_eq!(f[0].message_ids, ["<a@b>", "<c@d>"]);
        assert_eq!(f[1].path.as_deref(), Some("\\Sent Items"));
        assert_eq!(f[1].message_ids, ["<e@f>"]);
    }

    #[test]
    fn ids_from_json_folders() {
        let text = r#"[{"Path":"\\Sent","FolderItems":[{"InternetMessageId":"<x@y>"}]}]"#;
        let f = aggregated_folders(text, None);
        assert_eq!(f[0].path.as_deref(), Some("\\Sent"));
        assert_eq!(f[0].message_ids, ["<x@y>"]);
    }

    #[test]
    fn lists() {
        assert_eq!(split_list("<a@b>, <c@d>", true), ["<a@b>", "<c@d>"]);
        assert_eq!(split_list("one, two", false), ["one", "two"]);
        assert_eq!(split_list("one, two\nthree", false), ["one, two", "three"]);
        assert!(split_list("  ", false).is_empty());
    }
}
