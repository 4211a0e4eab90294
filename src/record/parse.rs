//! AuditData JSON to [`AuditRecord`].
//!
//! One pass with serde_json over a hand-written visitor: known fields are read into their
//! normalized form (borrowing where the JSON had no escapes), unknown fields are skipped without
//! allocating, and every shape variation falls back to "absent" rather than failing the record.
//! Only text that is not a JSON object at all is an error.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::flat::{FlatProperties, aggregated_folders, split_list};
use super::lenient::ItemParts;
use super::lenient::{
    AppAccessContext, Folders, Items, Key, NameValues, Scalar, TextValue, parse_bool,
};
use super::types::{LogonType, MailAccessType, record_type_code, record_type_name, user_type_name};
use super::{AuditRecord, FolderAccess, ItemRef, ItemRole};
use crate::ip::parse_client_address;
use crate::time::{DateOrder, parse_culture_datetime, parse_iso_utc};

/// Why a document could not be read as an audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, in words.
    pub message: String,
    /// 1-based line inside the document, 0 when unknown.
    pub line: usize,
    /// 1-based column inside the document, 0 when unknown.
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{} (at line {}, column {})",
                self.message, self.line, self.column
            )
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for ParseError {}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> Self {
        // serde_json appends " at line L column C"; keep the bare reason and the position apart.
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if e.line() > 0 => text[..i].to_owned(),
            _ => text,
        };
        ParseError {
            message: format!("AuditData is not valid JSON: {message}"),
            line: e.line(),
            column: e.column(),
        }
    }
}

/// Parses one AuditData JSON document.
///
/// The record borrows from `raw` wherever possible and keeps `raw` itself. Errors only when the
/// text is not a single JSON object.
pub fn parse_record(raw: &str) -> Result<AuditRecord<'_>, ParseError> {
    let body = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let mut record = match serde_json::from_str::<Fields>(body) {
        Ok(Fields(record)) => record,
        Err(error) => match replace_lone_surrogates(body) {
            // .NET strings may hold a lone UTF-16 surrogate (a subject cut inside an emoji), which
            // serde_json refuses; read such a record with U+FFFD in its place, raw text untouched.
            Some(repaired) => match serde_json::from_str::<Fields>(&repaired) {
                Ok(Fields(record)) => record.into_owned(),
                Err(_) => return Err(error.into()),
            },
            None => return Err(error.into()),
        },
    };
    record.raw = Cow::Borrowed(raw);
    Ok(record)
}

/// The text with every `\uD800`-`\uDFFF` escape that is not half of a surrogate pair written as
/// `\uFFFD`; `None` when there is none.
pub(crate) fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let surrogate_at = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        let code = u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()?;
        (0xD800..=0xDFFF).contains(&code).then_some(code)
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        let i = at + found;
        match surrogate_at(i) {
            Some(0xD800..=0xDBFF) if surrogate_at(i + 6).is_some_and(|low| low >= 0xDC00) => {
                at = i + 12;
            }
            Some(_) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push_str("\\uFFFD");
                copied = i + 6;
                at = i + 6;
            }
            // Any other escape: skip the escaped character so `\\u` is not read as `\u`.
            None => at = i + 2,
        }
        if at >= bytes.len() {
            break;
        }
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// The top-level visitor's output, before the raw text is attached.
struct Fields<'de>(AuditRecord<'de>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AuditData JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut r = AuditRecord::default();
        let mut creation_text: Option<Cow<'de, str>> = None;
        let mut fallback_time: Option<Cow<'de, str>> = None;
        let mut operation_properties = NameValues::default();
        let mut device_aad_session: Option<Cow<'de, str>> = None;
        let mut items_affected = Items::default();
        let mut item = Items::default();
        let mut folder = Items::default();
        let mut dest_folder = Items::default();
        let mut flat = FlatProperties::default();
        let mut operation_result: Option<Cow<'de, str>> = None;

        while let Some(Key(key)) = map.next_key()? {
            macro_rules! text {
                () => {
                    map.next_value::<TextValue>()?.0
                };
            }
            macro_rules! trimmed {
                () => {
                    map.next_value::<TextValue>()?.trimmed()
                };
            }
            match key.as_ref() {
                "CreationTime" => creation_text = trimmed!(),
                // Sentinel's OfficeActivity rows carry the time here when CreationTime is gone.
                "TimeGenerated" => fallback_time = trimmed!(),
                "Id" | "OfficeId" => {
                    let id = trimmed!();
                    if r.id.is_none() || key == "Id" {
                        r.id = id;
                    }
                }
                "Operation" => r.operation = trimmed!(),
                "RecordType" => {
                    let v = map.next_value::<Scalar>()?;
                    match v.as_i64() {
                        Some(n) if n >= 0 => {
                            r.record_type = Some(n as u32);
                            r.record_type_name = record_type_name(n as u32).map(Cow::Borrowed);
                        }
                        _ => {
                            r.record_type_name = v.into_trimmed_text();
                            r.record_type =
                                r.record_type_name.as_deref().and_then(record_type_code);
                        }
                    }
                }
                "Workload" | "OfficeWorkload" => r.workload = trimmed!(),
                "ResultStatus" => r.result_status = trimmed!(),
                "UserId" | "UserId_" => r.user_id = trimmed!(),
                "UserKey" => r.user_key = trimmed!(),
                "UserType" => {
                    let v = map.next_value::<Scalar>()?;
                    r.user_type = match v.as_i64().and_then(user_type_name) {
                        Some(name) => Some(Cow::Borrowed(name)),
                        None => v.into_trimmed_text(),
                    };
                }
                "OrganizationId" => r.organization_id = trimmed!(),
                "ClientIP" => r.client_ip = trimmed!(),
                "SessionId" => r.session_id = trimmed!(),
                "AppAccessContext" => {
                    let ctx: AppAccessContext = map.next_value()?;
                    if ctx.aad_session_id.is_some() {
                        r.aad_session_id = ctx.aad_session_id;
                    }
                }
                // Entra ID sign-ins carry their session as DeviceProperties' `SessionId`.
                "DeviceProperties" => {
                    let props: NameValues = map.next_value()?;
                    device_aad_session = props
                        .0
                        .into_iter()
                        .find(|p| {
                            p.name.eq_ignore_ascii_case("SessionId") && !p.value.trim().is_empty()
                        })
                        .map(|p| match p.value {
                            Cow::Borrowed(v) => Cow::Borrowed(v.trim()),
                            Cow::Owned(v) => Cow::Owned(v.trim().to_owned()),
                        });
                }
                "ClientIPAddress" | "Client_IPAddress" => r.client_ip_address = trimmed!(),
                "ClientInfoString" => r.client_info_string = text!(),
                "LogonType" | "Logon_Type" => {
                    let v = map.next_value::<Scalar>()?;
                    r.logon_type = match v.as_i64() {
                        Some(n) => Some(LogonType::from_code(n)),
                        None => v.into_text().as_deref().and_then(LogonType::from_text),
                    };
                }
                "ExternalAccess" => r.external_access = map.next_value::<Scalar>()?.as_bool(),
                "MailboxOwnerUPN" => r.mailbox_owner_upn = trimmed!(),
                "MailboxGuid" => r.mailbox_guid = trimmed!(),
                "LogonUserSid" => r.logon_user_sid = trimmed!(),
                "AppId" => r.app_id = trimmed!(),
                "ClientAppId" => r.client_app_id = trimmed!(),
                "OriginatingServer" => r.originating_server = trimmed!(),
                "AffectedItems" => items_affected = map.next_value()?,
                "Item" => item = map.next_value()?,
                "Folder" => folder = map.next_value()?,
                "DestFolder" => dest_folder = map.next_value()?,
                "Parameters" => r.parameters = map.next_value::<NameValues>()?.0,
                "OperationProperties" => operation_properties = map.next_value()?,
                "Folders" => r.folders = map.next_value::<Folders>()?.0,
                // Search-MailboxAuditLog -ShowDetails properties (see `flat`).
                "LastAccessed" => flat.last_accessed = trimmed!(),
                "OperationResult" => operation_result = trimmed!(),
                "FolderPathName" => flat.folder_path_name = text!(),
                "DestFolderPathName" => flat.dest_folder_path_name = text!(),
                "ItemSubject" => flat.item_subject = text!(),
                "ItemInternetMessageId" => flat.item_internet_message_id = trimmed!(),
                "SourceItemInternetMessageIdsList" => flat.source_ids = text!(),
                "SourceItemSubjectsList" => flat.source_subjects = text!(),
                "SourceItemFolderPathNamesList" => flat.source_folders = text!(),
                "AggregatedRecordFoldersData" => flat.aggregated_folders = text!(),
                "OperationCount" | "AuditOperationsCountInAggregatedRecord" => {
                    r.operation_count = map
                        .next_value::<Scalar>()?
                        .as_i64()
                        .and_then(|n| u64::try_from(n).ok())
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }

        r.creation_time = creation_text
            .as_deref()
            .or(fallback_time.as_deref())
            .and_then(parse_iso_utc);
        if r.result_status.is_none() {
            r.result_status = operation_result;
        }
        // Before the flat mapping: a Search-MailboxAuditLog Sync names its folder in Folders.
        r.mail_access_type = operation_properties
            .get("MailAccessType")
            .and_then(MailAccessType::from_text);
        r.is_throttled = operation_properties.get("IsThrottled").and_then(parse_bool);
        if flat.present() {
            apply_flat(
                &mut r,
                flat,
                &mut items_affected,
                &mut item,
                &mut folder,
                &mut dest_folder,
            );
        }
        if r.aad_session_id.is_none() {
            r.aad_session_id = device_aad_session;
        }
        r.client_address = r
            .client_ip
            .as_deref()
            .or(r.client_ip_address.as_deref())
            .and_then(parse_client_address);
        for (role, Items(list)) in [
            (ItemRole::Affected, items_affected),
            (ItemRole::Item, item),
            (ItemRole::Folder, folder),
            (ItemRole::DestFolder, dest_folder),
        ] {
            r.items.extend(list.into_iter().map(|p| ItemRef {
                role,
                subject: p.subject,
                internet_message_id: p.internet_message_id,
                folder: p.folder,
            }));
        }
        Ok(Fields(r))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(E::custom("AuditData is a JSON string, not an object"))
    }
}

/// Maps the flat properties of a Search-MailboxAuditLog record onto the AuditData shape.
fn apply_flat<'de>(
    r: &mut AuditRecord<'de>,
    flat: FlatProperties<'de>,
    affected: &mut Items<'de>,
    item: &mut Items<'de>,
    folder: &mut Items<'de>,
    dest_folder: &mut Items<'de>,
) {
    if r.creation_time.is_none()
        && let Some((t, order)) = flat
            .last_accessed
            .as_deref()
            .and_then(parse_culture_datetime)
    {
        r.creation_time = Some(t);
        r.creation_time_ambiguous = order == DateOrder::AmbiguousReadMonthFirst;
    }
    if r.workload.is_none() {
        r.workload = Some(Cow::Borrowed("Exchange"));
    }
    if r.user_id.is_none() {
        r.user_id = r.mailbox_owner_upn.clone();
    }
    if r.folders.is_empty() {
        if let Some(text) = flat.aggregated_folders.as_deref() {
            r.folders = aggregated_folders(text, flat.folder_path_name.as_deref());
        } else if r.mail_access_type.is_some() {
            // A Sync names only its folder.
            if let Some(path) = &flat.folder_path_name {
                r.folders = vec![FolderAccess {
                    path: Some(path.clone()),
                    message_ids: Vec::new(),
                }];
            }
        }
    }
    let owned = |s: &str| Some(Cow::Owned(s.to_owned()));
    if affected.0.is_empty() {
        let ids = flat
            .source_ids
            .as_deref()
            .map(|t| split_list(t, true))
            .unwrap_or_default();
        let subjects = flat
            .source_subjects
            .as_deref()
            .map(|t| split_list(t, false))
            .unwrap_or_default();
        let folders = flat
            .source_folders
            .as_deref()
            .map(|t| split_list(t, false))
            .unwrap_or_default();
        let n = ids.len().max(subjects.len()).max(folders.len());
        // Lists of unequal length cannot be zipped reliably: then keep each list on its own.
        let zip = ids.len() == n
            && (subjects.len() == n || subjects.is_empty())
            && (folders.len() == n || folders.is_empty());
        for i in 0..n {
            let pick = |list: &Vec<String>| {
                if zip || list.len() == n {
                    list.get(i).and_then(|s| owned(s))
                } else {
                    None
                }
            };
            affected.0.push(ItemParts {
                subject: pick(&subjects),
                internet_message_id: pick(&ids),
                folder: pick(&folders),
            });
        }
    }
    if item.0.is_empty() && (flat.item_subject.is_some() || flat.item_internet_message_id.is_some())
    {
        item.0.push(ItemParts {
            subject: flat.item_subject,
            internet_message_id: flat.item_internet_message_id,
            folder: None,
        });
    }
    if folder.0.is_empty()
        && r.folders.is_empty()
        && let Some(path) = flat.folder_path_name
    {
        folder.0.push(ItemParts {
            folder: Some(path),
            ..Default::default()
        });
    }
    if dest_folder.0.is_empty()
        && let Some(path) = flat.dest_folder_path_name
    {
        dest_folder.0.push(ItemParts {
            folder: Some(path),
            ..Default::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::replace_lone_surrogates;

    #[test]
    fn only_lone_surrogates_are_replaced() {
        assert_eq!(replace_lone_surrogates(r#"{"a":"\ud83d\ude00 ok"}"#), None);
        assert_eq!(replace_lone_surrogates(r#"{"a":"\\ud83d"}"#), None);
        assert_eq!(
            replace_lone_surrogates(r#"{"a":"x\ud83d","b":"\udc00\ud83d\ude00\\"}"#).as_deref(),
            Some(r#"{"a":"x\uFFFD","b":"\uFFFD\ud83d\ude00\\"}"#)
        );
        assert_eq!(
            replace_lone_surrogates(r#"{"a":"\uD800\uD800"}"#).as_deref(),
            Some(r#"{"a":"\uFFFD\uFFFD"}"#)
        );
    }
}
