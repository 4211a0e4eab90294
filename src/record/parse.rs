//! AuditData JSON to [`AuditRecord`].
//!
//! One pass over the text: known fields are read into their normalized form (borrowing where the
//! JSON had no escapes), unknown fields are skipped without allocating, and every shape variation
//! falls back to "absent" rather than failing the record. Only text that is not a JSON object at
//! all is an error.
//!
//! [`read_record`] holds what each member means, once, for two readers: a strict fast reader
//! (`scan`) that handles the usual text, and serde_json with the tolerant visitors of `lenient`,
//! which reads whatever the fast reader gives up on and words the errors. The tests below check
//! that both give the same record.

mod scan;

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::flat::{FlatProperties, aggregated_folders, split_list};
use super::lenient::ItemParts;
use super::lenient::{
    AppAccessContext, Folders, Items, Key, NameValues, Scalar, TextValue, parse_bool, trim_cow,
};
use super::types::{LogonType, MailAccessType, record_type_code, record_type_name, user_type_name};
use super::{AuditRecord, FolderAccess, ItemRef, ItemRole, Text};
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
    let mut record = AuditRecord::default();
    if let Err(error) = read_fields(body, &mut record) {
        // .NET strings may hold a lone UTF-16 surrogate (a subject cut inside an emoji), which
        // serde_json refuses; read such a record with U+FFFD in its place, raw text untouched.
        let Some(repaired) = replace_lone_surrogates(body) else {
            return Err(error.into());
        };
        let mut owned = AuditRecord::default();
        if read_with_serde_json(&repaired, &mut owned).is_err() {
            return Err(error.into());
        }
        record = owned.into_owned();
    }
    record.raw = Cow::Borrowed(raw);
    Ok(record)
}

/// The record's fields: by the fast path when it reads the text, else by serde_json (which then
/// also gives the error).
fn read_fields<'de>(
    body: &'de str,
    record: &mut AuditRecord<'de>,
) -> Result<(), serde_json::Error> {
    if scan::read_document(body, |fields| read_record(fields, record)).is_ok() {
        return Ok(());
    }
    *record = AuditRecord::default();
    read_with_serde_json(body, record)
}

/// The reference path: serde_json reads the document (and describes what is wrong with it).
fn read_with_serde_json<'de>(
    body: &'de str,
    record: &mut AuditRecord<'de>,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    RecordSeed(record).deserialize(&mut de)?;
    de.end()
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

/// Where [`read_record`] takes the members of the top-level object from: serde_json's map (the
/// reference path) or the fast path's scanner. Values read with [`FieldSource::value`], and by
/// default the nested values, go through the same serde visitors on both; the scanner reads the
/// usual shapes of the nested values directly.
pub(super) trait FieldSource<'de> {
    /// Why reading stopped.
    type Error;
    /// The next member's name, `None` after the last one.
    fn next_key(&mut self) -> Result<Option<Cow<'de, str>>, Self::Error>;
    /// The member's value as text, read like [`TextValue`].
    fn text(&mut self) -> Result<Text<'de>, Self::Error>;
    /// The member's value as text without surrounding white space.
    fn trimmed_text(&mut self) -> Result<Text<'de>, Self::Error> {
        Ok(self.text()?.map(trim_cow))
    }
    /// The member's value read by its serde visitor.
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, Self::Error>;
    /// Skips the member's value.
    fn skip(&mut self) -> Result<(), Self::Error>;
    /// `AppAccessContext`.
    fn app_access_context(&mut self) -> Result<AppAccessContext<'de>, Self::Error> {
        self.value()
    }
    /// `Parameters`, `OperationProperties`, `DeviceProperties`.
    fn name_values(&mut self) -> Result<NameValues<'de>, Self::Error> {
        self.value()
    }
    /// `Folders`.
    fn folders(&mut self) -> Result<Folders<'de>, Self::Error> {
        self.value()
    }
}

/// The serde_json path: the members of a serde map.
struct MapFields<A>(A);

impl<'de, A: MapAccess<'de>> FieldSource<'de> for MapFields<A> {
    type Error = A::Error;

    fn next_key(&mut self) -> Result<Option<Cow<'de, str>>, A::Error> {
        Ok(self.0.next_key::<Key>()?.map(|Key(k)| k))
    }

    fn text(&mut self) -> Result<Text<'de>, A::Error> {
        Ok(self.0.next_value::<TextValue>()?.0)
    }

    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, A::Error> {
        self.0.next_value()
    }

    fn skip(&mut self) -> Result<(), A::Error> {
        self.0.next_value::<IgnoredAny>().map(drop)
    }
}

/// Reads the top-level object into `r` with serde_json (the reference path).
struct RecordSeed<'r, 'de>(&'r mut AuditRecord<'de>);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AuditData JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        read_record(&mut MapFields(map), self.0)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("AuditData is a JSON string, not an object"))
    }
}

/// Reads the members of an AuditData object into `r` (all of whose fields start empty): every
/// known member into its normalized field, the others skipped; then derives what depends on
/// several members.
fn read_record<'de, S: FieldSource<'de>>(
    fields: &mut S,
    r: &mut AuditRecord<'de>,
) -> Result<(), S::Error> {
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

    while let Some(key) = fields.next_key()? {
        macro_rules! text {
            () => {
                fields.text()?
            };
        }
        macro_rules! trimmed {
            () => {
                fields.trimmed_text()?
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
                let v = fields.value::<Scalar>()?;
                match v.as_i64() {
                    Some(n) if n >= 0 => {
                        r.record_type = Some(n as u32);
                        r.record_type_name = record_type_name(n as u32).map(Cow::Borrowed);
                    }
                    _ => {
                        r.record_type_name = v.into_trimmed_text();
                        r.record_type = r.record_type_name.as_deref().and_then(record_type_code);
                    }
                }
            }
            "Workload" | "OfficeWorkload" => r.workload = trimmed!(),
            "ResultStatus" => r.result_status = trimmed!(),
            "UserId" | "UserId_" => r.user_id = trimmed!(),
            "UserKey" => r.user_key = trimmed!(),
            "UserType" => {
                let v = fields.value::<Scalar>()?;
                r.user_type = match v.as_i64().and_then(user_type_name) {
                    Some(name) => Some(Cow::Borrowed(name)),
                    None => v.into_trimmed_text(),
                };
            }
            "OrganizationId" => r.organization_id = trimmed!(),
            "ClientIP" => r.client_ip = trimmed!(),
            "SessionId" => r.session_id = trimmed!(),
            "AppAccessContext" => {
                let ctx = fields.app_access_context()?;
                if ctx.aad_session_id.is_some() {
                    r.aad_session_id = ctx.aad_session_id;
                }
            }
            // Entra ID sign-ins carry their session as DeviceProperties' `SessionId`.
            "DeviceProperties" => {
                let props = fields.name_values()?;
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
                let v = fields.value::<Scalar>()?;
                r.logon_type = match v.as_i64() {
                    Some(n) => Some(LogonType::from_code(n)),
                    None => v.into_text().as_deref().and_then(LogonType::from_text),
                };
            }
            "ExternalAccess" => r.external_access = fields.value::<Scalar>()?.as_bool(),
            "MailboxOwnerUPN" => r.mailbox_owner_upn = trimmed!(),
            "MailboxGuid" => r.mailbox_guid = trimmed!(),
            "LogonUserSid" => r.logon_user_sid = trimmed!(),
            "AppId" => r.app_id = trimmed!(),
            "ClientAppId" => r.client_app_id = trimmed!(),
            "OriginatingServer" => r.originating_server = trimmed!(),
            "AffectedItems" => items_affected = fields.value()?,
            "Item" => item = fields.value()?,
            "Folder" => folder = fields.value()?,
            "DestFolder" => dest_folder = fields.value()?,
            "Parameters" => r.parameters = fields.name_values()?.0,
            "OperationProperties" => operation_properties = fields.name_values()?,
            "Folders" => r.folders = fields.folders()?.0,
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
                r.operation_count = fields
                    .value::<Scalar>()?
                    .as_i64()
                    .and_then(|n| u64::try_from(n).ok())
            }
            _ => fields.skip()?,
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
            r,
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
    Ok(())
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
    use super::*;

    /// The fast path's record (`None` when it gave up) and serde_json's, for one text.
    fn both_paths(text: &str) -> (Option<AuditRecord<'_>>, Option<AuditRecord<'_>>) {
        let mut fast = AuditRecord::default();
        let fast = scan::read_document(text, |fields| read_record(fields, &mut fast))
            .ok()
            .map(|()| fast);
        let mut reference = AuditRecord::default();
        let reference = read_with_serde_json(text, &mut reference)
            .ok()
            .map(|()| reference);
        (fast, reference)
    }

    /// Documents of every shape the parser knows: the fixtures and a few more.
    fn corpus() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records");
        let mut docs: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixture folder")
            .map(|entry| std::fs::read_to_string(entry.expect("fixture").path()).expect("fixture"))
            .map(|text| text.trim_start_matches('\u{feff}').to_owned())
            .collect();
        docs.sort();
        docs.extend(
            [
                r#"{"CreationTime":"2026-03-02T07:01:05","Id":"x","Operation":"MailItemsAccessed","RecordType":50,"UserType":0,"ClientIP":"185.73.124.135:19823","SessionId":" 6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11 ","AppAccessContext":{"AADSessionId":"a","aadsessionid":"B","IssuedAtTime":"t"},"ExternalAccess":false,"LogonType":0,"OperationProperties":[{"Name":"MailAccessType","Value":"Bind"},{"name":"IsThrottled","value":true},{"Value":"no name"},{"Name":"Count","Value":3}],"OriginatingServer":"AM0PR01MB1234 (15.20.7339.000)\r\n","Folders":[{"FolderItems":[{"InternetMessageId":" <a@b> ","SizeInBytes":10521},{"SizeInBytes":1},{"InternetMessageId":null}],"Id":"LgAAAAAAB2","Path":"\\Inbox\\Caf\u00e9"},{},{"Path":""},{"Path":"\\Sent","FolderItems":{}}],"OperationCount":3,"Unknown":[1,-2,3.5,-0,1e9,{"a":[null,true]},"\ud83d"]}"#,
                r#"{"Folders":[{"FolderItems":["<a@b>",{"InternetMessageId":"<c@d>"}]}]}"#,
                r#"{"Folders":{"Path":"\\Inbox","FolderItems":[{"InternetMessageId":"<a@b>"}]}}"#,
                r#"{"Folders":[1,{"Path":"\\Inbox"}],"OperationProperties":["x",{"Name":"a"}]}"#,
                r#"{"OperationProperties":{"MailAccessType":"Sync","IsThrottled":"True"},"AppAccessContext":"{\"AADSessionId\":\"z\"}"}"#,
                r#"{"RecordType":"ExchangeItem","UserType":"2","LogonType":"Delegate","OperationCount":"7","ExternalAccess":"True","Id":"a","OfficeId":"b"}"#,
                r#"{"OfficeId":"b","Id":"a","UserId":123,"Operation":true,"Workload":1.5,"ClientIP":null,"SessionId":{"x":1},"ClientInfoString":["a"]}"#,
                r#"{"Id":"dup","Id":"dup2","SessionId":"s1","SessionId":"","Folders":[],"Folders":[{"Path":"p"}]}"#,
                "{\n  \"CreationTime\" : \"2026-03-02T07:01:05Z\" ,\r\n\t\"Operation\":\"Send\",\"Item\":{\"Subject\":\"hi\",\"ParentFolder\":{\"Path\":\"\\\\Drafts\"}}\n}\n",
                r#"{"Subject\u0041":"x","\u0053essionId":"k","AppAccessContext":[1],"Folders":"not json"}"#,
                r#"{"OriginatingServer":"  \r\n","ClientIP":"1.2.3.4 \t","SessionId":"a\r\nb\r\n","UserId":"\n x \n","Operation":"\r\n","Workload":"Ex change \t \r\n","UserKey":" k\\ ","Id":"\u0020i\u0020"}"#,
            ]
            .map(str::to_owned),
        );
        docs
    }

    #[test]
    fn fast_path_reads_like_serde_json() {
        let mut read_fast = 0;
        for doc in corpus() {
            let (fast, reference) = both_paths(&doc);
            if let Some(fast) = fast {
                read_fast += 1;
                assert_eq!(Some(fast), reference, "{doc}");
            }
        }
        // The usual shapes go the fast way (the rest falls back, which the test above allows).
        assert!(
            read_fast >= 15,
            "only {read_fast} documents read by the fast path"
        );
    }

    #[test]
    fn fast_path_agrees_on_damaged_documents() {
        // Deterministic damage: bytes replaced by JSON's own, removed, or doubled.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"{}[],:\"\\ \nu0123456789.-+eEtrufalsn/bDd";
        let (mut fast_reads, mut checked) = (0, 0);
        for doc in corpus() {
            for _ in 0..400 {
                let mut bytes = doc.clone().into_bytes();
                for _ in 0..=next() % 3 {
                    if bytes.is_empty() {
                        break;
                    }
                    let at = (next() % bytes.len() as u64) as usize;
                    match next() % 3 {
                        0 => bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                        1 => {
                            bytes.remove(at);
                        }
                        _ => {
                            let end = (at + 1 + (next() % 8) as usize).min(bytes.len());
                            let span = bytes[at..end].to_vec();
                            bytes.splice(at..at, span);
                        }
                    }
                }
                let Ok(text) = String::from_utf8(bytes) else {
                    continue;
                };
                checked += 1;
                let (fast, reference) = both_paths(&text);
                if let Some(fast) = fast {
                    fast_reads += 1;
                    assert_eq!(Some(fast), reference, "{text}");
                }
            }
        }
        assert!(
            checked > 5000 && fast_reads > 1000,
            "{checked} checked, {fast_reads} fast"
        );
    }

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
