//! `AuditsiftResult`: an immutable result, one UTF-8 text buffer plus integer tables pointing into
//! it, so a host copies each out once per batch instead of calling once per field.

use std::fmt::{self, Write as _};
use std::net::IpAddr;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rayon::prelude::*;

use super::error::{AuditsiftStatus, fail};
use super::pool::{BYTES, VALUES};
use super::tree::write_tree;
use crate::batch::{Collected, RecordError, Tally};
use crate::input::{Warning, WarningKind};
use crate::record::{AuditRecord, LogonType, replace_lone_surrogates};
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

impl From<AuditsiftTally> for Tally {
    fn from(t: AuditsiftTally) -> Self {
        Tally {
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
/// Keep only the text and the tables: the result holds no copy of its records, so it is cheaper
/// to make and to free, and `auditsift_collector_add`, `auditsift_inventory_add`,
/// `auditsift_exposure_add`, `auditsift_pivot_add` and `auditsift_report_add` refuse it with
/// `AUDITSIFT_STATUS_INVALID_ARGUMENT`. For hosts that only read the records out.
pub const AUDITSIFT_FLAG_TABLES_ONLY: u32 = 4;
/// For `auditsift_parse_batch` and `auditsift_parse_batch_utf16`: a text reference in the FIELDS,
/// ITEMS, PARAMETERS or FOLDERS table whose text is a run of its record's own document, as the
/// caller gave it, is written `(-2 - start, length)` instead of being copied into the text buffer:
/// `start` and `length` count the document's units (bytes; UTF-16 units for
/// `auditsift_parse_batch_utf16`, which never refers to a document holding a lone surrogate). A
/// host that still holds its documents then copies out little text. Text that was unescaped, normalized or
/// made (times, addresses, numbers, names, the detail) stays in the text buffer. Results made from records a
/// handle holds (collector, pivot) never refer to documents.
pub const AUDITSIFT_FLAG_DOCUMENT_REFS: u32 = 8;

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
    /// Made with `AUDITSIFT_FLAG_TABLES_ONLY`: `records` is empty however many rows there are.
    pub(crate) tables_only: bool,
}

impl Drop for AuditsiftResult {
    /// The text and table buffers go back to the pool for the next batch.
    fn drop(&mut self) {
        BYTES.give(std::mem::take(&mut self.text));
        for table in &mut self.tables {
            VALUES.give(std::mem::take(table));
        }
    }
}

impl AuditsiftResult {
    /// The records for `call` to add to what it builds; fails (INVALID_ARGUMENT) for a result
    /// made with `AUDITSIFT_FLAG_TABLES_ONLY`, which holds none.
    pub(crate) fn records_to_add(&self, call: &str) -> Result<&[Collected], AuditsiftStatus> {
        if self.tables_only {
            return Err(fail(
                AuditsiftStatus::InvalidArgument,
                format!(
                    "{call}: the result was made with AUDITSIFT_FLAG_TABLES_ONLY and holds no \
                     records to add; parse the batch without that flag"
                ),
            ));
        }
        Ok(&self.records)
    }
}

/// Something the encoder can write as a record row: the record and its origin.
pub(crate) trait EncodeRecord: Sync {
    /// The ORIGINS value of the row.
    fn origin(&self) -> u64;
    /// The record.
    fn record(&self) -> &AuditRecord<'_>;
}

impl EncodeRecord for Collected {
    fn origin(&self) -> u64 {
        self.origin
    }

    fn record(&self) -> &AuditRecord<'_> {
        &self.record
    }
}

/// Records per encoding task when records are encoded on all cores; fewer than twice this many
/// are encoded on the calling thread.
const ENCODE_CHUNK: usize = 256;

/// What a cell of a record table holds, for moving a part's rows behind another's.
#[derive(Clone, Copy)]
enum Cell {
    /// A number that stays as it is (an origin, a kind, a length).
    Plain,
    /// A record row of the result.
    Record,
    /// A TREE row (-1 for none).
    Node,
    /// The offset of a text reference (-1 for absent text).
    TextOffset,
}

/// The cells of the record tables other than FIELDS (whose cells are all text references).
const ITEMS_CELLS: [Cell; 8] = {
    use Cell::*;
    [
        Record, Plain, TextOffset, Plain, TextOffset, Plain, TextOffset, Plain,
    ]
};
const NAME_VALUE_CELLS: [Cell; 5] = {
    use Cell::*;
    [Record, TextOffset, Plain, TextOffset, Plain]
};
const TREE_CELLS: [Cell; 7] = {
    use Cell::*;
    [Record, Node, Plain, TextOffset, Plain, TextOffset, Plain]
};

/// Where a part's text, records and TREE rows start in the result it is appended to.
#[derive(Clone, Copy)]
struct Bases {
    text: i64,
    record: i64,
    node: i64,
}

/// A `fmt::Write` over the encoder's text buffer.
struct TextSink<'a>(&'a mut Vec<u8>);

impl fmt::Write for TextSink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A record's document as its text references may point into it (`AUDITSIFT_FLAG_DOCUMENT_REFS`):
/// the text the record was read from, and how its byte offsets become offsets in the document's
/// units as the caller gave it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Document<'a> {
    /// The document as parsed (the caller's bytes, or the UTF-8 of the caller's UTF-16).
    pub(crate) text: &'a str,
    /// For a document given as UTF-16 with characters beyond ASCII: for each such character, the
    /// byte offset in `text` just past it and how many more bytes than units `text` holds up to
    /// there, in order. Empty when each byte is a unit.
    pub(crate) shifts: &'a [(usize, usize)],
}

impl Document<'_> {
    /// The unit offset of byte offset `at` (a character boundary) of the text.
    pub(super) fn units(&self, at: usize) -> usize {
        match self.shifts.partition_point(|&(end, _)| end <= at) {
            0 => at,
            past => at - self.shifts[past - 1].1,
        }
    }
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

    /// A text reference to `s`, into `document` (`(-2 - start, length)` in its units) when `s` is
    /// a run of it, else into the text buffer.
    fn text_in(&mut self, s: Option<&str>, document: Option<Document<'_>>) -> [i64; 2] {
        if let (Some(s), Some(doc)) = (s, document) {
            // A borrowed field lies within the document it was read from; any other string
            // (unescaped, normalized, static) lies outside it.
            let start = (s.as_ptr() as usize).wrapping_sub(doc.text.as_ptr() as usize);
            if start <= doc.text.len() && s.len() <= doc.text.len() - start {
                let (from, to) = (doc.units(start), doc.units(start + s.len()));
                return [-2 - from as i64, (to - from) as i64];
            }
        }
        self.text(s)
    }

    /// A text reference to what `write` appends to the text buffer (present, maybe empty).
    fn text_written(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> [i64; 2] {
        let at = self.result.text.len();
        write(&mut self.result.text);
        [at as i64, (self.result.text.len() - at) as i64]
    }

    /// A text reference to a value's `Display` form, or absent.
    fn text_display(&mut self, value: Option<impl fmt::Display>) -> [i64; 2] {
        match value {
            None => [-1, 0],
            Some(v) => self.text_written(|text| {
                // Writing to a Vec cannot fail.
                let _ = write!(TextSink(text), "{v}");
            }),
        }
    }

    /// A text reference to a number in decimal, as `Display` writes it (without its machinery: a
    /// record has several).
    fn text_number(&mut self, n: Option<u64>) -> [i64; 2] {
        match n {
            None => [-1, 0],
            Some(n) => self.text_written(|text| push_decimal(text, n)),
        }
    }

    /// A text reference to an address as `Display` writes it, IPv4 without its machinery.
    fn text_address(&mut self, address: Option<IpAddr>) -> [i64; 2] {
        match address {
            Some(IpAddr::V4(v4)) => self.text_written(|text| {
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        text.push(b'.');
                    }
                    push_decimal(text, octet.into());
                }
            }),
            other => self.text_display(other),
        }
    }

    /// A text reference to a time as `format_utc` writes it.
    fn text_time(&mut self, t: Option<&DateTime<Utc>>) -> [i64; 2] {
        match t {
            None => [-1, 0],
            Some(t) => self.text_written(|text| write_utc(text, t)),
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
        self.record_in(origin, r, flags, None);
    }

    /// Adds one record read from `document`, which its text references may refer to with
    /// `AUDITSIFT_FLAG_DOCUMENT_REFS` (pass it only when its text is the caller's document).
    pub(crate) fn record_in(
        &mut self,
        origin: u64,
        r: &AuditRecord<'_>,
        flags: u32,
        document: Option<Document<'_>>,
    ) {
        let doc = document.filter(|_| flags & AUDITSIFT_FLAG_DOCUMENT_REFS != 0);
        let n = self.result.count as i64;
        self.result.count += 1;
        self.row(AuditsiftTable::Origins, &[origin as i64]);
        let flag = |b: bool| if b { "True" } else { "False" };
        // Values that are not text already are written straight into the text buffer.
        let mut fields = [0i64; 2 * FIELD_COUNT];
        let mut put = |field: AuditsiftField, reference: [i64; 2]| {
            fields[2 * field as usize..2 * field as usize + 2].copy_from_slice(&reference);
        };
        use AuditsiftField as F;
        put(F::CreationTime, self.text_time(r.creation_time.as_ref()));
        put(F::Id, self.text_in(r.id.as_deref(), doc));
        put(F::Operation, self.text_in(r.operation.as_deref(), doc));
        put(
            F::RecordType,
            self.text_number(r.record_type.map(u64::from)),
        );
        put(
            F::RecordTypeName,
            self.text_in(r.record_type_name.as_deref(), doc),
        );
        put(F::Workload, self.text_in(r.workload.as_deref(), doc));
        put(
            F::ResultStatus,
            self.text_in(r.result_status.as_deref(), doc),
        );
        put(F::UserId, self.text_in(r.user_id.as_deref(), doc));
        put(F::UserKey, self.text_in(r.user_key.as_deref(), doc));
        put(F::UserType, self.text_in(r.user_type.as_deref(), doc));
        put(
            F::OrganizationId,
            self.text_in(r.organization_id.as_deref(), doc),
        );
        put(F::ClientIp, self.text_in(r.client_ip.as_deref(), doc));
        put(F::ClientAddress, self.text_address(r.client_address));
        put(F::SessionId, self.text_in(r.session_id.as_deref(), doc));
        put(
            F::AadSessionId,
            self.text_in(r.aad_session_id.as_deref(), doc),
        );
        put(
            F::ClientIpAddress,
            self.text_in(r.client_ip_address.as_deref(), doc),
        );
        put(
            F::ClientInfoString,
            self.text_in(r.client_info_string.as_deref(), doc),
        );
        put(
            F::LogonType,
            match r.logon_type {
                Some(LogonType::Other(n)) => self.text_display(Some(n)),
                t => self.text(t.map(LogonType::name)),
            },
        );
        put(F::ExternalAccess, self.text(r.external_access.map(flag)));
        put(
            F::MailboxOwnerUpn,
            self.text_in(r.mailbox_owner_upn.as_deref(), doc),
        );
        put(F::MailboxGuid, self.text_in(r.mailbox_guid.as_deref(), doc));
        put(
            F::LogonUserSid,
            self.text_in(r.logon_user_sid.as_deref(), doc),
        );
        put(F::AppId, self.text_in(r.app_id.as_deref(), doc));
        put(
            F::ClientAppId,
            self.text_in(r.client_app_id.as_deref(), doc),
        );
        put(
            F::OriginatingServer,
            self.text_in(r.originating_server.as_deref(), doc),
        );
        put(
            F::MailAccessType,
            self.text(r.mail_access_type.map(|t| t.as_str())),
        );
        put(F::IsThrottled, self.text(r.is_throttled.map(flag)));
        put(F::OperationCount, self.text_number(r.operation_count));
        let raw = (flags & AUDITSIFT_FLAG_NO_RAW == 0).then_some(&*r.raw);
        put(F::AuditData, self.text_in(raw, doc));
        put(
            F::Detail,
            self.text_written(|text| {
                // Writing to a Vec cannot fail.
                let _ = r.write_detail(&mut TextSink(text));
            }),
        );
        self.row(AuditsiftTable::Fields, &fields);
        for item in &r.items {
            let role = item.role as i64;
            let [s0, s1] = self.text_in(item.subject.as_deref(), doc);
            let [m0, m1] = self.text_in(item.internet_message_id.as_deref(), doc);
            let [f0, f1] = self.text_in(item.folder.as_deref(), doc);
            self.row(AuditsiftTable::Items, &[n, role, s0, s1, m0, m1, f0, f1]);
        }
        for p in &r.parameters {
            let [a0, a1] = self.text_in(Some(&p.name), doc);
            let [b0, b1] = self.text_in(Some(&p.value), doc);
            self.row(AuditsiftTable::Parameters, &[n, a0, a1, b0, b1]);
        }
        for f in &r.folders {
            let [p0, p1] = self.text_in(f.path.as_deref(), doc);
            if f.message_ids.is_empty() {
                self.row(AuditsiftTable::Folders, &[n, p0, p1, -1, 0]);
            }
            for id in &f.message_ids {
                let [m0, m1] = self.text_in(Some(id), doc);
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

    /// Adds records with all their tables, on all cores for many records: the text and tables
    /// are byte for byte those of adding them one by one with [`Encoder::record`].
    pub(crate) fn records<R: EncodeRecord>(&mut self, records: &[R], flags: u32) {
        if records.len() < 2 * ENCODE_CHUNK {
            for r in records {
                self.record(r.origin(), r.record(), flags);
            }
            return;
        }
        let parts: Vec<Encoder> = records
            .par_chunks(ENCODE_CHUNK)
            .map(|chunk| {
                let mut part = Encoder::default();
                part.reserve_for(chunk.iter().map(EncodeRecord::record), flags);
                for r in chunk {
                    part.record(r.origin(), r.record(), flags);
                }
                part
            })
            .collect();
        self.append_parts(parts, &[]);
    }

    /// Appends, in order, encoders that hold only records (written by [`Encoder::record`]): the
    /// text and tables become byte for byte those of writing all the records to this one. Room is
    /// left for `then_errors`, to be added next.
    pub(crate) fn append_parts(&mut self, mut parts: Vec<Encoder>, then_errors: &[RecordError]) {
        // Where each part's text, records and tree rows will start, then each part's references
        // moved there (on all cores), then the parts joined in order.
        let tree_rows = |e: &Encoder| {
            (e.table_len(AuditsiftTable::Tree) / ROW_WIDTH[AuditsiftTable::Tree as usize]) as i64
        };
        let mut bases = Vec::with_capacity(parts.len());
        let mut next = Bases {
            text: self.result.text.len() as i64,
            record: self.result.count as i64,
            node: tree_rows(self),
        };
        for part in &parts {
            bases.push(next);
            next.text += part.result.text.len() as i64;
            next.record += part.result.count as i64;
            next.node += tree_rows(part);
        }
        if parts.len() > 1 {
            parts
                .par_iter_mut()
                .zip(bases)
                .for_each(|(part, bases)| part.shift_records(bases));
        } else if let (Some(part), Some(&bases)) = (parts.first_mut(), bases.first()) {
            part.shift_records(bases);
        }
        let text: usize = parts.iter().map(|p| p.result.text.len()).sum();
        self.reserve_text(text + errors_text(then_errors));
        self.reserve_table(
            AuditsiftTable::Errors,
            ROW_WIDTH[AuditsiftTable::Errors as usize] * then_errors.len(),
        );
        self.result.errors.reserve(then_errors.len());
        for (table, _) in RECORD_TABLES {
            let values: usize = parts
                .iter()
                .map(|p| p.result.tables[table as usize].len())
                .sum();
            self.reserve_table(table, values);
        }
        for part in parts {
            debug_assert!(part.result.errors.is_empty());
            self.result.text.extend_from_slice(&part.result.text);
            for (table, _) in RECORD_TABLES {
                let values = &part.result.tables[table as usize];
                self.result.tables[table as usize].extend_from_slice(values);
            }
            self.result.count += part.result.count;
        }
    }

    /// Reserves room for `records` in the text buffer and the tables every record fills.
    pub(crate) fn reserve_for<'r, 'a: 'r>(
        &mut self,
        records: impl ExactSizeIterator<Item = &'r AuditRecord<'a>>,
        flags: u32,
    ) {
        /// Text of the fields of a record without its raw AuditData, roughly.
        const FIELDS_TEXT: usize = 768;
        let count = records.len();
        let raw: usize = if flags & AUDITSIFT_FLAG_NO_RAW == 0 {
            records.map(|r| r.raw.len()).sum()
        } else {
            0
        };
        self.reserve_text(raw + FIELDS_TEXT * count);
        self.reserve_table(AuditsiftTable::Origins, count);
        self.reserve_table(AuditsiftTable::Fields, 2 * FIELD_COUNT * count);
    }

    /// Makes room for `more` bytes of text, with a pooled buffer while the text is empty.
    fn reserve_text(&mut self, more: usize) {
        let text = &mut self.result.text;
        if text.is_empty() && text.capacity() < more {
            *text = BYTES.take(more);
        } else {
            text.reserve(more);
        }
    }

    /// Makes room for `more` values in a table, with a pooled buffer while the table is empty.
    fn reserve_table(&mut self, table: AuditsiftTable, more: usize) {
        let values = &mut self.result.tables[table as usize];
        if values.is_empty() && values.capacity() < more {
            *values = VALUES.take(more);
        } else {
            values.reserve(more);
        }
    }

    /// Moves the text references and row numbers of an encoder that holds only records to
    /// where its text, records and tree rows will start once appended to another.
    fn shift_records(&mut self, bases: Bases) {
        let text = |v: &mut i64| {
            if *v >= 0 {
                *v += bases.text
            }
        };
        for (table, cells) in RECORD_TABLES {
            let values = &mut self.result.tables[table as usize];
            match cells {
                None => values
                    .chunks_exact_mut(2)
                    .for_each(|pair| text(&mut pair[0])),
                Some(cells) => {
                    for row in values.chunks_exact_mut(cells.len()) {
                        for (v, cell) in row.iter_mut().zip(cells) {
                            match cell {
                                Cell::Plain => {}
                                Cell::Record => *v += bases.record,
                                Cell::Node if *v >= 0 => *v += bases.node,
                                Cell::Node => {}
                                Cell::TextOffset => text(v),
                            }
                        }
                    }
                }
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

    /// Finishes a result that keeps no records (`AUDITSIFT_FLAG_TABLES_ONLY`): adding it to
    /// anything is refused.
    pub(crate) fn finish_tables_only(self, tally: Tally) -> AuditsiftResult {
        let mut result = self.finish(tally, Vec::new());
        result.tables_only = true;
        result
    }

    /// Finishes a result whose records were encoded with `flags`: with
    /// `AUDITSIFT_FLAG_TABLES_ONLY` the records are dropped (on all cores) and the result refuses
    /// to be added anywhere; otherwise it keeps them.
    pub(crate) fn finish_records(
        self,
        tally: Tally,
        records: Vec<Collected>,
        flags: u32,
    ) -> AuditsiftResult {
        if flags & AUDITSIFT_FLAG_TABLES_ONLY != 0 {
            drop_all(records);
            return self.finish_tables_only(tally);
        }
        self.finish(tally, records)
    }
}

/// The text [`Encoder::error`] writes for `errors`.
fn errors_text(errors: &[RecordError]) -> usize {
    errors
        .iter()
        .map(|e| e.source.len() + 2 + e.reason.len() + e.raw.len())
        .sum()
}

/// Drops many values on all cores.
fn drop_all<R: Send>(values: Vec<R>) {
    if values.len() < 2 * ENCODE_CHUNK {
        drop(values);
    } else {
        values
            .into_par_iter()
            .with_min_len(ENCODE_CHUNK)
            .for_each(drop);
    }
}

/// The tables [`Encoder::record`] writes, with what their cells hold (`None`: FIELDS, whose cells
/// are text references, offset then length).
const RECORD_TABLES: [(AuditsiftTable, Option<&[Cell]>); 6] = [
    (AuditsiftTable::Origins, Some(&[Cell::Plain])),
    (AuditsiftTable::Fields, None),
    (AuditsiftTable::Items, Some(&ITEMS_CELLS)),
    (AuditsiftTable::Parameters, Some(&NAME_VALUE_CELLS)),
    (AuditsiftTable::Folders, Some(&NAME_VALUE_CELLS)),
    (AuditsiftTable::Tree, Some(&TREE_CELLS)),
];

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Writes a time exactly as [`format_utc`] does (`2026-03-02T07:01:05.25Z`), without going through
/// chrono's format strings; years outside 0..=9999 and leap seconds take `format_utc` itself.
fn write_utc(out: &mut Vec<u8>, t: &DateTime<Utc>) {
    let nanos = t.timestamp_subsec_nanos();
    let year = t.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        out.extend_from_slice(format_utc(t).as_bytes());
        return;
    }
    let digits = |out: &mut Vec<u8>, value: u32, width: u32| {
        for place in (0..width).rev() {
            out.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    };
    digits(out, year as u32, 4);
    out.push(b'-');
    digits(out, t.month(), 2);
    out.push(b'-');
    digits(out, t.day(), 2);
    out.push(b'T');
    digits(out, t.hour(), 2);
    out.push(b':');
    digits(out, t.minute(), 2);
    out.push(b':');
    digits(out, t.second(), 2);
    if nanos > 0 {
        out.push(b'.');
        let mut value = nanos;
        let mut width = 9;
        while value.is_multiple_of(10) {
            value /= 10;
            width -= 1;
        }
        digits(out, value, width);
    }
    out.push(b'Z');
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::record::parse_record;

    #[test]
    fn records_on_all_cores_are_written_as_one_by_one() {
        let docs: Vec<String> = (0..1500)
            .map(|i| match i % 3 {
                0 => format!(
                    r#"{{"CreationTime":"2026-03-02T07:00:{:02}","Id":"{i}","Operation":"HardDelete","AffectedItems":[{{"Subject":"S{i}","ParentFolder":{{"Path":"\\Inbox"}}}}],"Nested":{{"a":[1,{{"b":null}}]}}}}"#,
                    i % 60
                ),
                1 => format!(
                    r#"{{"Id":"{i}","Operation":"MailItemsAccessed","Folders":[{{"Path":"\\Inbox","FolderItems":[{{"InternetMessageId":"<{i}@x>"}}]}},{{"Path":"\\Sent"}}]}}"#
                ),
                _ => format!(
                    r#"{{"Id":"{i}","Parameters":[{{"Name":"Name","Value":"r"}}],"ClientIP":"10.0.0.{}:443"}}"#,
                    i % 250
                ),
            })
            .collect();
        let records: Vec<Collected> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| Collected {
                origin: 3 * i as u64,
                record: parse_record(d).expect("valid").into_owned(),
            })
            .collect();
        for flags in [0, AUDITSIFT_FLAG_NO_RAW | AUDITSIFT_FLAG_FULL_TREE] {
            let mut one_by_one = Encoder::default();
            let mut parallel = Encoder::default();
            // Something before the records, as a pivot's result may have.
            for enc in [&mut one_by_one, &mut parallel] {
                enc.record(7, &records[0].record, flags);
            }
            for c in &records {
                one_by_one.record(c.origin, &c.record, flags);
            }
            parallel.records(&records, flags);
            assert!(records.len() >= 4 * ENCODE_CHUNK);
            assert_eq!(parallel.result.text, one_by_one.result.text);
            assert_eq!(parallel.result.tables, one_by_one.result.tables);
            assert_eq!(parallel.result.count, one_by_one.result.count);
        }
    }

    #[test]
    fn numbers_and_addresses_are_written_as_display_writes_them() {
        let mut enc = Encoder::default();
        let read = |enc: &Encoder, [at, len]: [i64; 2]| {
            String::from_utf8(enc.result.text[at as usize..(at + len) as usize].to_vec()).unwrap()
        };
        for n in [
            0,
            7,
            9,
            10,
            99,
            100,
            255,
            1_000_001,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let r = enc.text_number(Some(n));
            assert_eq!(read(&enc, r), n.to_string());
        }
        for address in [
            "0.0.0.0",
            "10.0.12.1",
            "203.0.113.255",
            "2001:db8::1",
            "::ffff:1.2.3.4",
        ] {
            let ip: IpAddr = address.parse().unwrap();
            let r = enc.text_address(Some(ip));
            assert_eq!(read(&enc, r), ip.to_string());
        }
        assert_eq!(enc.text_number(None), [-1, 0]);
        assert_eq!(enc.text_address(None), [-1, 0]);
    }

    #[test]
    fn times_are_written_as_format_utc_writes_them() {
        let mut times = vec![
            Utc.with_ymd_and_hms(2026, 3, 2, 7, 1, 5).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-5, 6, 7, 8, 9, 10).unwrap(),
        ];
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .map(|t| t.and_utc());
        times.extend(leap);
        for nanos in [1, 10, 250_000_000, 123_456_789, 999_999_999, 100_000] {
            times.push(times[0] + chrono::Duration::nanoseconds(nanos));
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let ms = (seed % 400_000_000_000_000) as i64 - 62_000_000_000_000;
            times.extend(DateTime::from_timestamp_millis(ms));
        }
        for t in times {
            let mut written = Vec::new();
            write_utc(&mut written, &t);
            assert_eq!(String::from_utf8(written).unwrap(), format_utc(&t), "{t:?}");
        }
    }
}
