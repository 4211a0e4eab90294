//! CSV exports, read with csv-core (the csv crate's engine) into the batch buffer directly.
//!
//! Columns are found by name in the header, in any order and case, with any extra columns:
//! * an `AuditData` column (Purview export, `Search-UnifiedAuditLog | Export-Csv`, the classic
//!   4-column export): each row's AuditData is a document, and `CreationDate`, `RecordType`,
//!   `UserId(s)`, `RecordId`/`Identity` and `Operation(s)` are its fallback values;
//! * no AuditData but flat record columns (`Search-MailboxAuditLog | Export-Csv`, with
//!   `LastAccessed`/`OperationResult`; Sentinel `OfficeActivity` with `TimeGenerated`): each row
//!   becomes a flat JSON object of its columns, which the record parser maps.
//!
//! Windows PowerShell's `#TYPE ...` first line is skipped. Quoted fields may span lines; doubled
//! quotes are unescaped by csv-core. A row over the size limit (an unterminated quote swallowing
//! the rest of the file looks like one) is reported and skipped without being held in memory.

use std::io;

use csv_core::{ReadRecordResult, Reader as CoreReader};
use memchr::memchr_iter;
use serde::ser::{SerializeMap, Serializer};

use super::ReaderOptions;
use super::batch::{BatchBuilder, RAW_KEEP, raw_prefix};
use super::fallback::{FALLBACK_FIELDS, FallbackField};
use super::location::Location;
use super::source::Source;

/// Header names of the fallback columns, by field (first present wins).
const FALLBACK_COLUMNS: [(&str, FallbackField); 9] = [
    ("CreationDate", FallbackField::CreationDate),
    ("RecordType", FallbackField::RecordType),
    ("UserId", FallbackField::UserId),
    ("UserIds", FallbackField::UserId),
    ("RecordId", FallbackField::Id),
    ("Identity", FallbackField::Id),
    ("Id", FallbackField::Id),
    ("Operation", FallbackField::Operation),
    ("Operations", FallbackField::Operation),
];

/// Columns that mark flat records when there is no AuditData column.
const FLAT_MARKERS: [&str; 4] = [
    "LastAccessed",
    "OperationResult",
    "TimeGenerated",
    "MailboxOwnerUPN",
];

/// How the header maps columns.
#[derive(Debug, Clone)]
struct Columns {
    names: Vec<String>,
    /// The AuditData column; `None` for flat records.
    audit: Option<usize>,
    fallback: [Option<usize>; FALLBACK_FIELDS],
}

/// One record as csv-core left it in the output buffer.
enum RecordRead {
    /// Fields at `out[start..end]`; `ends` holds `fields` end offsets relative to `start`.
    Row {
        fields: usize,
        end: usize,
        line: u64,
    },
    /// Longer than the limit, or with more than [`MAX_FIELDS`] fields; skipped.
    Oversize {
        line: u64,
        raw: String,
        bytes: u64,
        fields: u64,
    },
    /// No more records.
    End,
}

/// Reads CSV exports in batches.
pub(crate) struct CsvReader {
    core: CoreReader,
    /// CSV bytes read from the source (`input[in_pos..in_len]` not yet consumed).
    input: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    ends: Vec<usize>,
    columns: Columns,
    /// Data rows read so far.
    row: u64,
    /// Newlines consumed so far.
    newlines: u64,
}

/// Most fields a row may have; a row with more is reported like an over-long one (the field
/// offsets would otherwise grow without bound on a row of empty fields).
const MAX_FIELDS: usize = 1 << 16;

/// Bytes read from the source at a time.
const INPUT_CHUNK: usize = 1 << 20;

impl CsvReader {
    /// Reads the header. Fails when it names neither an AuditData column nor flat record
    /// columns.
    pub(crate) fn new(src: &mut Source, options: &ReaderOptions) -> io::Result<CsvReader> {
        let mut reader = CsvReader {
            core: CoreReader::new(),
            input: Vec::new(),
            in_pos: 0,
            in_len: 0,
            ends: vec![0; 64],
            columns: Columns {
                names: Vec::new(),
                audit: None,
                fallback: [None; FALLBACK_FIELDS],
            },
            row: 0,
            newlines: 0,
        };
        if src.head().starts_with(b"#TYPE") {
            reader.skip_line(src)?;
        }
        let mut out = Vec::new();
        let names = match reader.read_record(src, &mut out, 0, options.max_document_bytes)? {
            RecordRead::Row { fields, .. } => (0..fields)
                .map(|i| {
                    let field = reader.field(0, i);
                    String::from_utf8_lossy(&out[field]).trim().to_owned()
                })
                .collect::<Vec<_>>(),
            RecordRead::Oversize { .. } => {
                return Err(invalid(
                    "the CSV header row is over the size limit".to_owned(),
                ));
            }
            RecordRead::End => Vec::new(),
        };
        let find = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        let audit = find("AuditData");
        if audit.is_none() && !FLAT_MARKERS.iter().any(|m| find(m).is_some()) {
            let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
            return Err(invalid(format!(
                "not an audit log export: read as CSV, its header has no AuditData column and no \
                 Search-MailboxAuditLog columns (header: {})",
                shown.join(", ")
            )));
        }
        let mut fallback = [None; FALLBACK_FIELDS];
        if audit.is_some() {
            for (name, field) in FALLBACK_COLUMNS {
                let slot = &mut fallback[field as usize];
                if slot.is_none() {
                    *slot = find(name);
                }
            }
        }
        reader.columns = Columns {
            names,
            audit,
            fallback,
        };
        Ok(reader)
    }

    /// True when rows become flat JSON objects (no AuditData column).
    pub(crate) fn is_flat(&self) -> bool {
        self.columns.audit.is_none()
    }

    fn skip_line(&mut self, src: &mut Source) -> io::Result<()> {
        loop {
            if self.in_pos == self.in_len {
                if src.at_eof() {
                    return Ok(());
                }
                self.refill(src)?;
                continue;
            }
            match memchr::memchr(b'\n', &self.input[self.in_pos..self.in_len]) {
                Some(i) => {
                    self.in_pos += i + 1;
                    self.newlines += 1;
                    return Ok(());
                }
                None => self.in_pos = self.in_len,
            }
        }
    }

    /// Consumes the line ends before a record (csv-core stops at the `\r` of a `\r\n`, and
    /// skips blank lines), so that the record's first line is counted right.
    fn skip_line_ends(&mut self, src: &mut Source) -> io::Result<()> {
        loop {
            while self.in_pos < self.in_len {
                match self.input[self.in_pos] {
                    b'\n' => self.newlines += 1,
                    b'\r' => {}
                    _ => return Ok(()),
                }
                self.in_pos += 1;
            }
            if src.at_eof() {
                return Ok(());
            }
            self.refill(src)?;
        }
    }

    fn refill(&mut self, src: &mut Source) -> io::Result<()> {
        self.in_pos = 0;
        self.in_len = 0;
        src.read_into(&mut self.input, &mut self.in_len, INPUT_CHUNK)?;
        Ok(())
    }

    /// The range of field `i` of the record at `out[start..]`.
    fn field(&self, start: usize, i: usize) -> std::ops::Range<usize> {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        start + from..start + self.ends[i]
    }

    /// The start of a row that is being read (its first `fields` fields complete), fields joined
    /// by commas, for an error.
    fn row_prefix(&self, row: &[u8], fields: usize) -> String {
        let mut text = Vec::with_capacity(RAW_KEEP + 64);
        let mut from = 0;
        for &end in &self.ends[..fields] {
            text.extend_from_slice(&row[from..end.min(row.len())]);
            text.push(b',');
            from = end;
            if text.len() >= RAW_KEEP {
                break;
            }
        }
        if text.len() < RAW_KEEP {
            text.extend_from_slice(&row[from.min(row.len())..]);
        }
        raw_prefix(&text)
    }

    /// Reads the next record into `out[start..]`. `out` is zero-filled scratch space that grows
    /// (doubling) when a record needs more.
    fn read_record(
        &mut self,
        src: &mut Source,
        out: &mut Vec<u8>,
        start: usize,
        max: usize,
    ) -> io::Result<RecordRead> {
        self.skip_line_ends(src)?;
        let line = self.newlines + 1;
        let mut written = 0usize;
        let mut ends = 0usize;
        // Bytes and fields dropped once the record went over the limit, and its first bytes.
        let mut skipped: Option<(u64, u64, String)> = None;
        loop {
            if self.in_pos == self.in_len && !src.at_eof() {
                self.refill(src)?;
            }
            if out.len() < start + written + 1024 {
                let grow = (start + written + 1024).max(out.len() * 2).max(64 * 1024);
                out.resize(grow, 0);
            }
            if ends == self.ends.len() {
                self.ends.resize(self.ends.len() * 2, 0);
            }
            let input = &self.input[self.in_pos..self.in_len];
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut out[start + written..], &mut self.ends[ends..]);
            self.newlines += memchr_iter(b'\n', &input[..nin]).count() as u64;
            self.in_pos += nin;
            written += nout;
            ends += nend;
            if written > max || ends > MAX_FIELDS {
                let (bytes, fields, _) = skipped.get_or_insert_with(|| {
                    (0, 0, self.row_prefix(&out[start..start + written], ends))
                });
                *bytes += written as u64;
                *fields += ends as u64;
                written = 0;
                ends = 0;
            }
            match result {
                ReadRecordResult::InputEmpty | ReadRecordResult::OutputFull => {}
                ReadRecordResult::OutputEndsFull => {
                    if let Some((_, fields, _)) = &mut skipped {
                        *fields += ends as u64;
                        ends = 0;
                    }
                }
                ReadRecordResult::Record => {
                    if let Some((bytes, fields, raw)) = skipped {
                        return Ok(RecordRead::Oversize {
                            line,
                            raw,
                            bytes: bytes + written as u64,
                            fields: fields + ends as u64,
                        });
                    }
                    return Ok(RecordRead::Row {
                        fields: ends,
                        end: start + written,
                        line,
                    });
                }
                ReadRecordResult::End => return Ok(RecordRead::End),
            }
        }
    }

    /// Fills `b` with up to `max_items` rows (documents and errors). Rows are unescaped straight
    /// into the batch buffer; documents are spans of it.
    pub(crate) fn read_batch(
        &mut self,
        src: &mut Source,
        b: &mut BatchBuilder,
        max_items: usize,
        options: &ReaderOptions,
    ) -> io::Result<()> {
        let mut out = std::mem::take(&mut b.buf);
        let size = options.batch_bytes.min(1 << 26) + 64 * 1024;
        if out.len() < size {
            out.resize(size, 0);
        }
        let mut used = 0;
        let result = self.fill(src, b, &mut out, &mut used, max_items, options);
        b.buf = out;
        b.filled = used;
        result
    }

    fn fill(
        &mut self,
        src: &mut Source,
        b: &mut BatchBuilder,
        out: &mut Vec<u8>,
        used: &mut usize,
        max_items: usize,
        options: &ReaderOptions,
    ) -> io::Result<()> {
        while b.items() < max_items && *used < options.batch_bytes {
            let start = *used;
            match self.read_record(src, out, start, options.max_document_bytes)? {
                RecordRead::End => return Ok(()),
                RecordRead::Oversize {
                    line,
                    raw,
                    bytes,
                    fields,
                } => {
                    self.row += 1;
                    let reason = if fields > MAX_FIELDS as u64 {
                        format!(
                            "row of {fields} fields has more than the {MAX_FIELDS} a record may \
                             have; skipped"
                        )
                    } else {
                        format!(
                            "row of {bytes} bytes is longer than the {}-byte limit for one record \
                             (an unterminated quote?); skipped",
                            options.max_document_bytes
                        )
                    };
                    b.push_error(self.row, Location::row(self.row, line), reason, raw);
                }
                RecordRead::Row { fields, end, line } => {
                    if fields == 1 && self.ends[0] == 0 {
                        // A blank line.
                        continue;
                    }
                    self.row += 1;
                    let location = Location::row(self.row, line);
                    *used = match self.columns.audit {
                        Some(audit) => {
                            self.take_audit_row(b, out, start, fields, audit, location);
                            end
                        }
                        None => self.take_flat_row(b, out, start, fields, location),
                    };
                }
            }
        }
        Ok(())
    }

    fn row_text(&self, out: &[u8], start: usize, fields: usize) -> String {
        let parts: Vec<String> = (0..fields)
            .map(|i| String::from_utf8_lossy(&out[self.field(start, i)]).into_owned())
            .collect();
        raw_prefix(parts.join(",").as_bytes())
    }

    fn take_audit_row(
        &self,
        b: &mut BatchBuilder,
        out: &[u8],
        start: usize,
        fields: usize,
        audit: usize,
        location: Location,
    ) {
        if audit >= fields {
            b.push_error(
                self.row,
                location,
                format!(
                    "row has {fields} field(s) but AuditData is column {} of the header",
                    audit + 1
                ),
                self.row_text(out, start, fields),
            );
            return;
        }
        let text = self.field(start, audit);
        if out[text.clone()].iter().all(u8::is_ascii_whitespace) {
            b.push_error(
                self.row,
                location,
                "empty AuditData".to_owned(),
                self.row_text(out, start, fields),
            );
            return;
        }
        let mut fallback: [Option<std::ops::Range<usize>>; FALLBACK_FIELDS] = Default::default();
        for (slot, column) in fallback.iter_mut().zip(self.columns.fallback) {
            if let Some(c) = column.filter(|&c| c < fields) {
                let range = self.field(start, c);
                if !out[range.clone()].iter().all(u8::is_ascii_whitespace) {
                    *slot = Some(range);
                }
            }
        }
        b.push_doc(text, location, fallback);
    }

    /// Replaces the row by a flat JSON object of its columns, as the document. Returns the end
    /// of the used part of `out`.
    fn take_flat_row(
        &self,
        b: &mut BatchBuilder,
        out: &mut Vec<u8>,
        start: usize,
        fields: usize,
        location: Location,
    ) -> usize {
        let mut json = Vec::with_capacity(256);
        let mut ser = serde_json::Serializer::new(&mut json);
        let written = (|| {
            let columns = fields.min(self.columns.names.len());
            let mut map = ser.serialize_map(Some(columns))?;
            for i in 0..columns {
                let value = String::from_utf8_lossy(&out[self.field(start, i)]);
                map.serialize_entry(&self.columns.names[i], value.as_ref())?;
            }
            map.end()
        })();
        if let Err(e) = written {
            b.push_error(
                self.row,
                location,
                format!("row could not be turned into a record: {e}"),
                self.row_text(out, start, fields),
            );
            return start;
        }
        let end = start + json.len();
        if out.len() < end {
            out.resize(end, 0);
        }
        out[start..end].copy_from_slice(&json);
        b.push_doc(start..end, location, Default::default());
        end
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
