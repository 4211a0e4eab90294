//! The normalized audit record.
//!
//! [`AuditRecord`] holds the fields an investigation needs, borrowed from the AuditData text
//! where no unescaping was required, plus the raw text itself so that every other field stays
//! reachable. [`parse_record`] builds one from an AuditData JSON document, or from a flat JSON
//! object of a Search-MailboxAuditLog -ShowDetails record's properties.

mod flat;
mod lenient;
mod parse;
mod types;

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};

pub(crate) use parse::replace_lone_surrogates;
pub use parse::{ParseError, parse_record};
pub use types::{LogonType, MailAccessType, record_type_name, user_type_name};

/// Optional text: `None` when the field is absent, null or empty.
pub type Text<'a> = Option<Cow<'a, str>>;

/// One audit record, normalized. Field names follow AuditData's own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditRecord<'a> {
    /// `CreationTime` in UTC; `None` when the record had none that could be read.
    pub creation_time: Option<DateTime<Utc>>,
    /// True when `creation_time` came from a culture-formatted date (`3/12/2025 7:31:34 AM`)
    /// whose day and month could be swapped; it was read month first.
    pub creation_time_ambiguous: bool,
    /// `Id`: the record's GUID, used to de-duplicate repeated pages.
    pub id: Text<'a>,
    /// `Operation`, e.g. `MailItemsAccessed`, `HardDelete`, `New-InboxRule`.
    pub operation: Text<'a>,
    /// `RecordType` as a number, when given as one or as a known name.
    pub record_type: Option<u32>,
    /// `RecordType` as a name (`ExchangeItem`), when given as one or the number is known.
    pub record_type_name: Text<'a>,
    /// `Workload`: `Exchange`, `SharePoint`, `OneDrive`, `AzureActiveDirectory`, ...
    pub workload: Text<'a>,
    /// `ResultStatus` as given (`Succeeded`, `success`, `failed`, ...).
    pub result_status: Text<'a>,
    /// `UserId`: the acting user's UPN, or a service name.
    pub user_id: Text<'a>,
    /// `UserKey`.
    pub user_key: Text<'a>,
    /// `UserType` as a name (`Regular`, `Admin`, ...), numbers translated.
    pub user_type: Text<'a>,
    /// `OrganizationId`.
    pub organization_id: Text<'a>,
    /// `ClientIP` exactly as given (may carry a port or brackets).
    pub client_ip: Text<'a>,
    /// The bare address derived from `ClientIP`, or from `ClientIPAddress` when `ClientIP` is
    /// absent.
    pub client_address: Option<std::net::IpAddr>,
    /// Exchange `SessionId`: ties one client session's actions together.
    pub session_id: Text<'a>,
    /// `AppAccessContext.AADSessionId`: the Entra ID session, shared across workloads.
    pub aad_session_id: Text<'a>,
    /// Exchange `ClientIPAddress` as given.
    pub client_ip_address: Text<'a>,
    /// `ClientInfoString` (`Client=OWA;...`).
    pub client_info_string: Text<'a>,
    /// `LogonType`, numbers and names alike.
    pub logon_type: Option<LogonType>,
    /// `ExternalAccess`.
    pub external_access: Option<bool>,
    /// `MailboxOwnerUPN`.
    pub mailbox_owner_upn: Text<'a>,
    /// `MailboxGuid`.
    pub mailbox_guid: Text<'a>,
    /// `LogonUserSid`.
    pub logon_user_sid: Text<'a>,
    /// `AppId`.
    pub app_id: Text<'a>,
    /// `ClientAppId`.
    pub client_app_id: Text<'a>,
    /// `OriginatingServer`, trimmed of its trailing `\r\n`.
    pub originating_server: Text<'a>,
    /// Items and folders the operation touched: `AffectedItems`, `Item`, `Folder`, `DestFolder`.
    pub items: Vec<ItemRef<'a>>,
    /// `Parameters` of admin cmdlets (`New-InboxRule`, `Set-Mailbox`...), in order.
    pub parameters: Vec<NameValue<'a>>,
    /// MailItemsAccessed: `MailAccessType` from `OperationProperties`.
    pub mail_access_type: Option<MailAccessType>,
    /// MailItemsAccessed: `IsThrottled` from `OperationProperties`.
    pub is_throttled: Option<bool>,
    /// `OperationCount`: how many operations an aggregated record stands for.
    pub operation_count: Option<u64>,
    /// MailItemsAccessed `Folders`: each folder with the message ids bound in it.
    pub folders: Vec<FolderAccess<'a>>,
    /// The AuditData text exactly as received.
    pub raw: Cow<'a, str>,
}

/// Which field of the record an [`ItemRef`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemRole {
    /// An entry of `AffectedItems` (HardDelete, SoftDelete, MoveToDeletedItems...).
    Affected,
    /// The `Item` of Send, Create, Update...
    Item,
    /// The `Folder` an operation acted in.
    Folder,
    /// The `DestFolder` of a move or copy.
    DestFolder,
}

impl ItemRole {
    /// The AuditData field name this role comes from.
    pub fn field_name(self) -> &'static str {
        match self {
            ItemRole::Affected => "AffectedItems",
            ItemRole::Item => "Item",
            ItemRole::Folder => "Folder",
            ItemRole::DestFolder => "DestFolder",
        }
    }
}

/// A message or folder an operation touched.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRef<'a> {
    /// Which field it came from.
    pub role: ItemRole,
    /// `Subject` (attacker-chosen text).
    pub subject: Text<'a>,
    /// `InternetMessageId`.
    pub internet_message_id: Text<'a>,
    /// The folder path: `ParentFolder.Path` for items, `Path` for folders.
    pub folder: Text<'a>,
}

/// A `{Name, Value}` pair from `Parameters` or `OperationProperties`.
#[derive(Debug, Clone, PartialEq)]
pub struct NameValue<'a> {
    /// `Name`.
    pub name: Cow<'a, str>,
    /// `Value`, scalars rendered as text.
    pub value: Cow<'a, str>,
}

/// One entry of MailItemsAccessed `Folders`.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderAccess<'a> {
    /// `Path`, e.g. `\Inbox`.
    pub path: Text<'a>,
    /// `FolderItems[].InternetMessageId`, in order.
    pub message_ids: Vec<Cow<'a, str>>,
}

fn own(text: Text<'_>) -> Text<'static> {
    text.map(|t| Cow::Owned(t.into_owned()))
}

impl AuditRecord<'_> {
    /// Copies every borrowed field so the record outlives its input buffer.
    pub fn into_owned(self) -> AuditRecord<'static> {
        AuditRecord {
            creation_time: self.creation_time,
            creation_time_ambiguous: self.creation_time_ambiguous,
            id: own(self.id),
            operation: own(self.operation),
            record_type: self.record_type,
            record_type_name: own(self.record_type_name),
            workload: own(self.workload),
            result_status: own(self.result_status),
            user_id: own(self.user_id),
            user_key: own(self.user_key),
            user_type: own(self.user_type),
            organization_id: own(self.organization_id),
            client_ip: own(self.client_ip),
            client_address: self.client_address,
            session_id: own(self.session_id),
            aad_session_id: own(self.aad_session_id),
            client_ip_address: own(self.client_ip_address),
            client_info_string: own(self.client_info_string),
            logon_type: self.logon_type,
            external_access: self.external_access,
            mailbox_owner_upn: own(self.mailbox_owner_upn),
            mailbox_guid: own(self.mailbox_guid),
            logon_user_sid: own(self.logon_user_sid),
            app_id: own(self.app_id),
            client_app_id: own(self.client_app_id),
            originating_server: own(self.originating_server),
            items: self.items.into_iter().map(ItemRef::into_owned).collect(),
            parameters: self
                .parameters
                .into_iter()
                .map(NameValue::into_owned)
                .collect(),
            mail_access_type: self.mail_access_type,
            is_throttled: self.is_throttled,
            operation_count: self.operation_count,
            folders: self
                .folders
                .into_iter()
                .map(FolderAccess::into_owned)
                .collect(),
            raw: Cow::Owned(self.raw.into_owned()),
        }
    }

    /// The text of a field by its AuditData name, for the fields that are plain text.
    pub fn text(&self, field: &str) -> Option<&str> {
        let t = match field {
            "Id" => &self.id,
            "Operation" => &self.operation,
            "Workload" => &self.workload,
            "ResultStatus" => &self.result_status,
            "UserId" => &self.user_id,
            "UserKey" => &self.user_key,
            "UserType" => &self.user_type,
            "OrganizationId" => &self.organization_id,
            "ClientIP" => &self.client_ip,
            "SessionId" => &self.session_id,
            "AADSessionId" => &self.aad_session_id,
            "ClientIPAddress" => &self.client_ip_address,
            "ClientInfoString" => &self.client_info_string,
            "MailboxOwnerUPN" => &self.mailbox_owner_upn,
            "MailboxGuid" => &self.mailbox_guid,
            "LogonUserSid" => &self.logon_user_sid,
            "AppId" => &self.app_id,
            "ClientAppId" => &self.client_app_id,
            "OriginatingServer" => &self.originating_server,
            _ => return None,
        };
        t.as_deref()
    }

    /// The Exchange `SessionId`, or `None`.
    pub fn session(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// True for MailItemsAccessed records.
    pub fn is_mail_items_accessed(&self) -> bool {
        self.operation
            .as_deref()
            .is_some_and(|op| op.eq_ignore_ascii_case("MailItemsAccessed"))
    }

    /// The mailbox a record is about: `MailboxOwnerUPN`, else the acting `UserId`.
    pub fn mailbox(&self) -> Option<&str> {
        self.mailbox_owner_upn
            .as_deref()
            .or(self.user_id.as_deref())
    }

    /// A short human summary of what was touched: rule name, subjects, folders, message ids.
    pub fn detail(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_detail(&mut out);
        out
    }

    /// Writes [`AuditRecord::detail`] to `out` without building it first.
    pub fn write_detail(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let mut first = true;
        let mut part = |out: &mut dyn fmt::Write, args: fmt::Arguments<'_>| {
            if !std::mem::take(&mut first) {
                out.write_str("; ")?;
            }
            out.write_fmt(args)
        };
        if let Some(name) = self
            .parameters
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case("Name"))
        {
            part(out, format_args!("Name={}", name.value))?;
        }
        if let Some(kind) = self.mail_access_type {
            part(out, format_args!("{}", kind.as_str()))?;
        }
        if self.is_throttled == Some(true) {
            part(out, format_args!("THROTTLED"))?;
        }
        for item in &self.items {
            if let Some(text) = item.subject.as_deref().or(item.folder.as_deref()) {
                part(out, format_args!("{text}"))?;
            }
        }
        for folder in &self.folders {
            let path = folder.path.as_deref().unwrap_or("?");
            if folder.message_ids.is_empty() {
                part(out, format_args!("{path}"))?;
            } else {
                part(
                    out,
                    format_args!("{path} ({} items)", folder.message_ids.len()),
                )?;
            }
        }
        Ok(())
    }
}

impl ItemRef<'_> {
    /// Copies every borrowed field.
    pub fn into_owned(self) -> ItemRef<'static> {
        ItemRef {
            role: self.role,
            subject: own(self.subject),
            internet_message_id: own(self.internet_message_id),
            folder: own(self.folder),
        }
    }
}

impl NameValue<'_> {
    /// Copies every borrowed field.
    pub fn into_owned(self) -> NameValue<'static> {
        NameValue {
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

impl FolderAccess<'_> {
    /// Copies every borrowed field.
    pub fn into_owned(self) -> FolderAccess<'static> {
        FolderAccess {
            path: own(self.path),
            message_ids: self
                .message_ids
                .into_iter()
                .map(|m| Cow::Owned(m.into_owned()))
                .collect(),
        }
    }
}
