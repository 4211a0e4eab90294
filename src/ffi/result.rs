//! `AuditsiftResult`: an immutable result, one UTF-8 text buffer plus integer tables pointing into
//! it, so a host copies each out once per batch instead of calling once per field.

use super::tree::write_tree;
use crate::batch::{Collected, RecordError, Tally};
use crate::input::{Warning, WarningKind};
use crate::record::{AuditRecord, replace_lone_surrogates};
use crate::session::{SessionInventory, SessionSummary};
use crate::time::format_utc;

/// The tables a result may hold (see `docs/abi.md` for their row layouts).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftTable {
    /// 1 per record: its index in the input.
    Origins = 0,
    /// 2 × `AUDITSIFT_FIELD_COUNT` per record: a text reference per field.
    Fields = 1,
    /// 8 per item: record, role, subject ref, message id ref, folder ref.
    Items = 2,
    /// 5 per parameter: record, name ref, value ref.
    Parameters = 3,
    /// 5 per folder message: record, folder path ref, message id ref.
    Folders = 4,
    /// 5 per rejected document: input index, reason ref, raw text ref.
    Errors = 5,
    /// 7 per JSON node: record, parent node, kind, key ref, value ref.
    Tree = 6,
    /// 7 per session: session id ref, first seen ref, last seen ref, records.
    Sessions = 7,
    /// 5 per session value: session row, kind, value ref, count.
    SessionValues = 8,
    /// 8 per mailbox: mailbox ref, then its totals: records, syncs, binds, messages, folders,
    /// unitemized binds.
    ExposureMailboxes = 9,
    /// 22 per access context: mailbox row, SessionId ref, ClientIPAddress ref, ClientInfoString
    /// ref, LogonType ref, UserId ref, first seen ref, last seen ref, during throttling (0/1),
    /// then its totals as in EXPOSURE_MAILBOXES.
    ExposureContexts = 10,
    /// 7 per folder: mailbox row, path ref, first sync ref, syncs, bound messages.
    ExposureFolders = 11,
    /// 8 per Sync: mailbox row, context row, folder ref, time ref, record id ref.
    ExposureSyncs = 12,
    /// 10 per bound message: mailbox row, context row (-1: over the whole mailbox), message id
    /// ref, first access ref, last access ref, accesses, in synced folder (0/1).
    ExposureMessages = 13,
    /// 8 per unitemized Bind record: mailbox row, context row, record id ref, time ref,
    /// OperationCount, messages listed.
    ExposureUnitemized = 14,
    /// 6 per throttling window: mailbox row, start ref, end ref, throttled records.
    ExposureThrottled = 15,
    /// 5 per list value of a message or window: owner row, kind (`AuditsiftExposureValue`),
    /// value ref, number.
    ExposureValues = 16,
    /// 17 per message and context of a pivot: message id ref, SessionId ref, ClientIPAddress
    /// ref, ClientInfoString ref, LogonType ref, UserId ref, first seen ref, last seen ref,
    /// records.
    MessageAccesses = 17,
    /// 4 per operation of a message access: access row, operation ref, records.
    AccessOperations = 18,
    /// 6 per warning of a file reader: item index (-1 when not tied to one item), kind
    /// (`AuditsiftWarningKind`), source ref (`file:row N`), message ref.
    Warnings = 19,
}

/// What a reader's warning is about (the WARNINGS table).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftWarningKind {
    /// Bytes that are not UTF-8 were replaced by U+FFFD so that the record could still be read.
    InvalidUtf8 = 0,
    /// A culture-formatted date whose day and month could be swapped was read month first.
    AmbiguousDate = 1,
}

/// Number of tables.
pub(crate) const TABLE_COUNT: usize = 20;

/// Row widths of the tables, in int64 values.
pub(crate) const ROW_WIDTH: [usize; TABLE_COUNT] = [
    1,
    2 * FIELD_COUNT,
    8,
    5,
    5,
    5,
    7,
    7,
    5,
    8,
    22,
    7,
    8,
    10,
    8,
    6,
    5,
    17,
    4,
    6,
];

/// The normalized fields of a record, in the order of the FIELDS table.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftField {
    /// ISO 8601 UTC ending in `Z`.
    CreationTime = 0,
    /// `Id`.
    Id,
    /// `Operation`.
    Operation,
    /// `RecordType` as a number.
    RecordType,
    /// `RecordType` as a name.
    RecordTypeName,
    /// `Workload`.
    Workload,
    /// `ResultStatus`.
    ResultStatus,
    /// `UserId`.
    UserId,
    /// `UserKey`.
    UserKey,
    /// `UserType` as a name.
    UserType,
    /// `OrganizationId`.
    OrganizationId,
    /// `ClientIP` as given.
    ClientIp,
    /// The bare address derived from the client IP.
    ClientAddress,
    /// Exchange `SessionId`.
    SessionId,
    /// `AppAccessContext.AADSessionId`.
    AadSessionId,
    /// `ClientIPAddress`.
    ClientIpAddress,
    /// `ClientInfoString`.
    ClientInfoString,
    /// `LogonType` as a name.
    LogonType,
    /// `ExternalAccess`: `True` or `False`.
    ExternalAccess,
    /// `MailboxOwnerUPN`.
    MailboxOwnerUpn,
    /// `MailboxGuid`.
    MailboxGuid,
    /// `LogonUserSid`.
    LogonUserSid,
    /// `AppId`.
    AppId,
    /// `ClientAppId`.
    ClientAppId,
    /// `OriginatingServer`, trimmed.
    OriginatingServer,
    /// `Bind` or `Sync`.
    MailAccessType,
    /// `True` or `False`.
    IsThrottled,
    /// `OperationCount`.
    OperationCount,
    /// The raw AuditData (absent with `AUDITSIFT_FLAG_NO_RAW`).
    AuditData,
    /// A one-line summary of what was touched.
    Detail,
    /// The number of fields (not a field).
    Count,
}

/// Number of fields per record.
pub(crate) const FIELD_COUNT: usize = AuditsiftField::Count as usize;

/// Kinds of rows in the TREE table.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftNodeKind {
    /// `null`.
    Null = 0,
    /// `true`/`false` (value text `true`/`false`).
    Bool = 1,
    /// A number (value text as written).
    Number = 2,
    /// A string.
    String = 3,
    /// An object; its members are the rows whose parent is this row.
    Object = 4,
    /// An array; its elements are the rows whose parent is this row, in order.
    Array = 5,
}

/// Kinds of rows in the SESSION_VALUES table.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftSessionValue {
    /// An acting user.
    User = 0,
    /// A mailbox owner.
    MailboxOwner = 1,
    /// A client address.
    ClientIp = 2,
    /// A ClientInfoString.
    ClientInfoString = 3,
    /// An AADSessionId.
    AadSessionId = 4,
    /// An operation, with its count.
    Operation = 5,
}

/// Counts that account for every document (see the core's `Tally`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditsiftTally {
    /// Documents received.
    pub read: u64,
    /// Not parsed: proved by the prefilter not to match.
    pub skipped: u64,
    /// Could not be read (each has an ERRORS row).
    pub rejected: u64,
    /// Read into records.
    pub parsed: u64,
    /// Parsed but not kept by the filter.
    pub filtered_out: u64,
    /// Dropped as repeats of an earlier Id.
    pub duplicates: u64,
    /// Kept.
    pub matched: u64,
}

impl From<Tally> for AuditsiftTally {
    fn from(t: Tally) -> Self {
        AuditsiftTally {
            read: t.read,
            skipped: t.skipped,
            rejected: t.rejected,
            parsed: t.parsed,
            filtered_out: t.filtered_out,
            duplicates: t.duplicates,
            matched: t.matched,
        }
    }
}

/// Leave the raw AuditData out of the text buffer.
pub const AUDITSIFT_FLAG_NO_RAW: u32 = 1;
/// Fill the TREE table with every AuditData field.
pub const AUDITSIFT_FLAG_FULL_TREE: u32 = 2;

/// An immutable result handle.
#[derive(Debug, Default)]
pub struct AuditsiftResult {
    pub(crate) text: Vec<u8>,
    pub(crate) tables: [Vec<i64>; TABLE_COUNT],
    pub(crate) count: usize,
    pub(crate) tally: AuditsiftTally,
    /// The records themselves, for collectors and inventories built from this result.
    pub(crate) records: Vec<Collected>,
    /// The rejected documents of the ERRORS table, for reports built from this result.
    pub(crate) errors: Vec<RecordError>,
}

/// Builds a result's text buffer and tables.
#[derive(Default)]
pub(crate) struct Encoder {
    result: AuditsiftResult,
}

impl Encoder {
    /// A text reference `(offset, length)`; `(-1, 0)` for absent text.
    pub(crate) fn text(&mut self, s: Option<&str>) -> [i64; 2] {
        match s {
            None => [-1, 0],
            Some(s) => {
                let at = self.result.text.len() as i64;
                self.result.text.extend_from_slice(s.as_bytes());
                [at, s.len() as i64]
            }
        }
    }

    /// Appends one row to a table.
    pub(crate) fn row(&mut self, table: AuditsiftTable, values: &[i64]) {
        self.result.tables[table as usize].extend_from_slice(values);
    }

    /// The number of int64 values in a table so far.
    pub(crate) fn table_len(&self, table: AuditsiftTable) -> usize {
        self.result.tables[table as usize].len()
    }

    /// The length of the text buffer so far.
    pub(crate) fn text_len(&self) -> usize {
        self.result.text.len()
    }

    /// Drops what was written to a table and the text buffer after the given lengths.
    pub(crate) fn truncate(&mut self, table: AuditsiftTable, table_len: usize, text_len: usize) {
        self.result.tables[table as usize].truncate(table_len);
        self.result.text.truncate(text_len);
    }

    /// Adds one record with all its tables.
    pub(crate) fn record(&mut self, origin: u64, r: &AuditRecord<'_>, flags: u32) {
        let n = self.result.count as i64;
        self.result.count += 1;
        self.row(AuditsiftTable::Origins, &[origin as i64]);
        let flag = |b: bool| if b { "True" } else { "False" };
        // Values that are not text already are rendered here; the rest are written as they are.
        let time = r.creation_time.as_ref().map(format_utc);
        let record_type = r.record_type.map(|t| t.to_string());
        let address = r.client_address.map(|a| a.to_string());
        let logon_type = r.logon_type.map(|l| l.to_string());
        let operation_count = r.operation_count.map(|c| c.to_string());
        let detail = r.detail();
        let values: [Option<&str>; FIELD_COUNT] = [
            time.as_deref(),
            r.id.as_deref(),
            r.operation.as_deref(),
            record_type.as_deref(),
            r.record_type_name.as_deref(),
            r.workload.as_deref(),
            r.result_status.as_deref(),
            r.user_id.as_deref(),
            r.user_key.as_deref(),
            r.user_type.as_deref(),
            r.organization_id.as_deref(),
            r.client_ip.as_deref(),
            address.as_deref(),
            r.session_id.as_deref(),
            r.aad_session_id.as_deref(),
            r.client_ip_address.as_deref(),
            r.client_info_string.as_deref(),
            logon_type.as_deref(),
            r.external_access.map(flag),
            r.mailbox_owner_upn.as_deref(),
            r.mailbox_guid.as_deref(),
            r.logon_user_sid.as_deref(),
            r.app_id.as_deref(),
            r.client_app_id.as_deref(),
            r.originating_server.as_deref(),
            r.mail_access_type.map(|t| t.as_str()),
            r.is_throttled.map(flag),
            operation_count.as_deref(),
            (flags & AUDITSIFT_FLAG_NO_RAW == 0).then_some(&*r.raw),
            Some(&detail),
        ];
        for v in values {
            let t = self.text(v);
            self.row(AuditsiftTable::Fields, &t);
        }
        for item in &r.items {
            let role = item.role as i64;
            let [s0, s1] = self.text(item.subject.as_deref());
            let [m0, m1] = self.text(item.internet_message_id.as_deref());
            let [f0, f1] = self.text(item.folder.as_deref());
            self.row(AuditsiftTable::Items, &[n, role, s0, s1, m0, m1, f0, f1]);
        }
        for p in &r.parameters {
            let [a0, a1] = self.text(Some(&p.name));
            let [b0, b1] = self.text(Some(&p.value));
            self.row(AuditsiftTable::Parameters, &[n, a0, a1, b0, b1]);
        }
        for f in &r.folders {
            let [p0, p1] = self.text(f.path.as_deref());
            if f.message_ids.is_empty() {
                self.row(AuditsiftTable::Folders, &[n, p0, p1, -1, 0]);
            }
            for id in &f.message_ids {
                let [m0, m1] = self.text(Some(id));
                self.row(AuditsiftTable::Folders, &[n, p0, p1, m0, m1]);
            }
        }
        if flags & AUDITSIFT_FLAG_FULL_TREE != 0 && !write_tree(self, n, &r.raw) {
            // Only a record read after its lone surrogates were replaced gets here.
            if let Some(repaired) = replace_lone_surrogates(&r.raw) {
                write_tree(self, n, &repaired);
            }
        }
    }

    /// Adds one rejected document.
    pub(crate) fn error(&mut self, e: &RecordError) {
        let reason = if e.source.is_empty() {
            e.reason.clone()
        } else {
            format!("{}: {}", e.source, e.reason)
        };
        let [r0, r1] = self.text(Some(&reason));
        let [w0, w1] = self.text(Some(&e.raw));
        self.row(AuditsiftTable::Errors, &[e.index as i64, r0, r1, w0, w1]);
        self.result.errors.push(e.clone());
    }

    /// Adds one warning of a file reader; `item` is its position in the file, if it has one.
    pub(crate) fn warning(&mut self, item: Option<u64>, w: &Warning) {
        let kind = match w.kind {
            WarningKind::InvalidUtf8 => AuditsiftWarningKind::InvalidUtf8,
            WarningKind::AmbiguousDate => AuditsiftWarningKind::AmbiguousDate,
        };
        let [s0, s1] = self.text(Some(&w.source));
        let [m0, m1] = self.text(Some(&w.message));
        let index = item.map_or(-1, |i| i as i64);
        self.row(
            AuditsiftTable::Warnings,
            &[index, kind as i64, s0, s1, m0, m1],
        );
    }

    /// Adds a session inventory's summaries; they are the result's main table.
    pub(crate) fn sessions(&mut self, inventory: &SessionInventory) {
        let sessions = inventory.sessions();
        self.result.count += sessions.len();
        self.session_summaries(sessions);
    }

    /// Counts `rows` more rows of the result's main table.
    pub(crate) fn add_count(&mut self, rows: usize) {
        self.result.count += rows;
    }

    /// Writes session summaries to SESSIONS and SESSION_VALUES (not counted as main rows).
    pub(crate) fn session_summaries<'s>(
        &mut self,
        sessions: impl IntoIterator<Item = &'s SessionSummary>,
    ) {
        for (row, s) in sessions.into_iter().enumerate() {
            let [i0, i1] = self.text(s.session_id.as_deref());
            let [f0, f1] = self.text(s.first_seen.as_ref().map(format_utc).as_deref());
            let [l0, l1] = self.text(s.last_seen.as_ref().map(format_utc).as_deref());
            self.row(
                AuditsiftTable::Sessions,
                &[i0, i1, f0, f1, l0, l1, s.records as i64],
            );
            let row = row as i64;
            for (kind, set) in [
                (AuditsiftSessionValue::User, &s.users),
                (AuditsiftSessionValue::MailboxOwner, &s.mailbox_owners),
                (AuditsiftSessionValue::ClientIp, &s.client_ips),
                (
                    AuditsiftSessionValue::ClientInfoString,
                    &s.client_info_strings,
                ),
                (AuditsiftSessionValue::AadSessionId, &s.aad_session_ids),
            ] {
                for v in set {
                    let [v0, v1] = self.text(Some(v));
                    self.row(
                        AuditsiftTable::SessionValues,
                        &[row, kind as i64, v0, v1, 1],
                    );
                }
            }
            for (op, count) in &s.operations {
                let [v0, v1] = self.text(Some(op));
                self.row(
                    AuditsiftTable::SessionValues,
                    &[
                        row,
                        AuditsiftSessionValue::Operation as i64,
                        v0,
                        v1,
                        *count as i64,
                    ],
                );
            }
        }
    }

    /// Finishes the result.
    pub(crate) fn finish(mut self, tally: Tally, records: Vec<Collected>) -> AuditsiftResult {
        self.result.tally = tally.into();
        self.result.records = records;
        self.result
    }
}
