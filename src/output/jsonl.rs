//! Records and sessions as JSON objects with AuditData's own field names.
//!
//! [`RecordJson`] serializes an [`AuditRecord`] straight from its fields (no intermediate
//! `serde_json::Value`), always with the same keys in the same order: an absent value is `null`,
//! an absent list `[]`. Items, parameters and folders are arrays of objects:
//! `Items: [{"Role", "Subject", "InternetMessageId", "Folder"}]` (Role is the AuditData field the
//! item came from: `AffectedItems`, `Item`, `Folder`, `DestFolder`), `Parameters: [{"Name",
//! "Value"}]`, `Folders: [{"Path", "MessageIds"}]`. `AuditData` holds the raw text.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use crate::record::AuditRecord;
use crate::session::SessionSummary;
use crate::time::format_utc;

/// A record as a JSON object; see the [module documentation](self).
#[derive(Debug, Clone, Copy)]
pub struct RecordJson<'r, 'a> {
    record: &'r AuditRecord<'a>,
    include_raw: bool,
}

impl<'r, 'a> RecordJson<'r, 'a> {
    /// The record's JSON form; `include_raw` adds the raw AuditData text as `AuditData`.
    pub fn new(record: &'r AuditRecord<'a>, include_raw: bool) -> Self {
        RecordJson {
            record,
            include_raw,
        }
    }
}

/// Items as an array of `{"Role","Subject","InternetMessageId","Folder"}`.
struct ItemsJson<'r, 'a>(&'r AuditRecord<'a>);

impl Serialize for ItemsJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Item<'x> {
            role: &'static str,
            subject: Option<&'x str>,
            internet_message_id: Option<&'x str>,
            folder: Option<&'x str>,
        }
        let mut seq = s.serialize_seq(Some(self.0.items.len()))?;
        for i in &self.0.items {
            seq.serialize_element(&Item {
                role: i.role.field_name(),
                subject: i.subject.as_deref(),
                internet_message_id: i.internet_message_id.as_deref(),
                folder: i.folder.as_deref(),
            })?;
        }
        seq.end()
    }
}

/// Parameters as an array of `{"Name","Value"}`.
struct ParametersJson<'r, 'a>(&'r AuditRecord<'a>);

impl Serialize for ParametersJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Parameter<'x> {
            name: &'x str,
            value: &'x str,
        }
        let mut seq = s.serialize_seq(Some(self.0.parameters.len()))?;
        for p in &self.0.parameters {
            seq.serialize_element(&Parameter {
                name: &p.name,
                value: &p.value,
            })?;
        }
        seq.end()
    }
}

/// Folders as an array of `{"Path","MessageIds"}`.
struct FoldersJson<'r, 'a>(&'r AuditRecord<'a>);

impl Serialize for FoldersJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Folder<'x> {
            path: Option<&'x str>,
            message_ids: Vec<&'x str>,
        }
        let mut seq = s.serialize_seq(Some(self.0.folders.len()))?;
        for f in &self.0.folders {
            seq.serialize_element(&Folder {
                path: f.path.as_deref(),
                message_ids: f.message_ids.iter().map(AsRef::as_ref).collect(),
            })?;
        }
        seq.end()
    }
}

/// The `RecordType` value: AuditData's number when known, else the name the input gave.
enum RecordType<'x> {
    Code(u32),
    Name(&'x str),
}

impl Serialize for RecordType<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RecordType::Code(c) => s.serialize_u32(*c),
            RecordType::Name(n) => s.serialize_str(n),
        }
    }
}

impl Serialize for RecordJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.record;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("CreationTime", &r.creation_time.as_ref().map(format_utc))?;
        m.serialize_entry("Id", &r.id.as_deref())?;
        m.serialize_entry("Operation", &r.operation.as_deref())?;
        m.serialize_entry("Workload", &r.workload.as_deref())?;
        let record_type = match (r.record_type, r.record_type_name.as_deref()) {
            (Some(code), _) => Some(RecordType::Code(code)),
            (None, Some(name)) => Some(RecordType::Name(name)),
            (None, None) => None,
        };
        m.serialize_entry("RecordType", &record_type)?;
        m.serialize_entry("RecordTypeName", &r.record_type_name.as_deref())?;
        m.serialize_entry("ResultStatus", &r.result_status.as_deref())?;
        m.serialize_entry("UserId", &r.user_id.as_deref())?;
        m.serialize_entry("UserType", &r.user_type.as_deref())?;
        m.serialize_entry("OrganizationId", &r.organization_id.as_deref())?;
        m.serialize_entry("SessionId", &r.session_id.as_deref())?;
        m.serialize_entry("AADSessionId", &r.aad_session_id.as_deref())?;
        m.serialize_entry("ClientIP", &r.client_ip.as_deref())?;
        m.serialize_entry("ClientIPAddress", &r.client_ip_address.as_deref())?;
        m.serialize_entry("ClientInfoString", &r.client_info_string.as_deref())?;
        m.serialize_entry("LogonType", &r.logon_type.map(|l| l.to_string()))?;
        m.serialize_entry("ExternalAccess", &r.external_access)?;
        m.serialize_entry("MailboxOwnerUPN", &r.mailbox_owner_upn.as_deref())?;
        m.serialize_entry("MailboxGuid", &r.mailbox_guid.as_deref())?;
        m.serialize_entry("AppId", &r.app_id.as_deref())?;
        m.serialize_entry("ClientAppId", &r.client_app_id.as_deref())?;
        m.serialize_entry("OriginatingServer", &r.originating_server.as_deref())?;
        m.serialize_entry("MailAccessType", &r.mail_access_type.map(|t| t.as_str()))?;
        m.serialize_entry("IsThrottled", &r.is_throttled)?;
        m.serialize_entry("OperationCount", &r.operation_count)?;
        m.serialize_entry("Items", &ItemsJson(r))?;
        m.serialize_entry("Parameters", &ParametersJson(r))?;
        m.serialize_entry("Folders", &FoldersJson(r))?;
        if self.include_raw {
            m.serialize_entry("AuditData", r.raw.as_ref())?;
        }
        m.end()
    }
}

/// `Items`, `Parameters` and `Folders` of a record as compact JSON text (for CSV cells); empty
/// text when the list is empty.
pub fn record_lists_json(r: &AuditRecord<'_>) -> [String; 3] {
    fn text<T: Serialize>(empty: bool, value: &T) -> String {
        if empty {
            String::new()
        } else {
            serde_json::to_string(value).unwrap_or_default()
        }
    }
    [
        text(r.items.is_empty(), &ItemsJson(r)),
        text(r.parameters.is_empty(), &ParametersJson(r)),
        text(r.folders.is_empty(), &FoldersJson(r)),
    ]
}

/// Writes one record as a JSON line.
pub fn write_record_jsonl(
    out: &mut impl Write,
    record: &AuditRecord<'_>,
    include_raw: bool,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &RecordJson::new(record, include_raw))?;
    out.write_all(b"\n")
}

/// A session summary as a JSON object: `SessionId`, `FirstSeen`, `LastSeen`, `Records`,
/// `Users`, `MailboxOwners`, `ClientIPs`, `ClientInfoStrings`, `AADSessionIds`, `Operations`
/// (name to record count).
#[derive(Debug, Clone, Copy)]
pub struct SessionJson<'s>(pub &'s SessionSummary);

impl Serialize for SessionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("SessionId", &x.session_id)?;
        m.serialize_entry("FirstSeen", &x.first_seen.as_ref().map(format_utc))?;
        m.serialize_entry("LastSeen", &x.last_seen.as_ref().map(format_utc))?;
        m.serialize_entry("Records", &x.records)?;
        m.serialize_entry("Users", &x.users)?;
        m.serialize_entry("MailboxOwners", &x.mailbox_owners)?;
        m.serialize_entry("ClientIPs", &x.client_ips)?;
        m.serialize_entry("ClientInfoStrings", &x.client_info_strings)?;
        m.serialize_entry("AADSessionIds", &x.aad_session_ids)?;
        m.serialize_entry("Operations", &x.operations)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn record_keys_and_values() {
        let raw = r#"{"CreationTime":"2026-03-02T07:01:05","Id":"x","Operation":"HardDelete","RecordType":2,"LogonType":0,"SessionId":"S","AffectedItems":[{"Subject":"Hi \"there\"","InternetMessageId":"<a@b>","ParentFolder":{"Path":"\\Inbox"}}]}"#;
        let r = parse_record(raw).unwrap();
        let line = serde_json::to_string(&RecordJson::new(&r, true)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["CreationTime"], "2026-03-02T07:01:05Z");
        assert_eq!(v["RecordType"], 2);
        assert_eq!(v["LogonType"], "Owner");
        assert_eq!(v["Items"][0]["Role"], "AffectedItems");
        assert_eq!(v["Items"][0]["Subject"], "Hi \"there\"");
        assert_eq!(v["Items"][0]["Folder"], "\\Inbox");
        assert_eq!(v["AuditData"], raw);
        assert!(v["AADSessionId"].is_null());
        assert_eq!(v["Parameters"], serde_json::json!([]));
        let without: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&RecordJson::new(&r, false)).unwrap())
                .unwrap();
        assert!(without.get("AuditData").is_none());
        let [items, params, folders] = record_lists_json(&r);
        assert!(items.starts_with("[{\"Role\":\"AffectedItems\""));
        assert!(params.is_empty() && folders.is_empty());
    }
}
