//! Writing records as JSON lines, CSV or a table.

use std::io::{self, Write};

use rayon::prelude::*;

use super::Format;
use super::jsonl::{RecordJson, record_lists_json};
use super::sanitize::csv_cell;
use super::table::Table;
use crate::record::AuditRecord;
use crate::time::format_utc;

/// Columns of record CSV output (with `AuditData` last unless left out).
pub const CSV_COLUMNS: [&str; 21] = [
    "CreationTime",
    "Id",
    "Operation",
    "Workload",
    "RecordType",
    "UserId",
    "SessionId",
    "AADSessionId",
    "ClientIP",
    "ClientIPAddress",
    "ClientInfoString",
    "LogonType",
    "MailboxOwnerUPN",
    "ResultStatus",
    "MailAccessType",
    "IsThrottled",
    "OperationCount",
    "Detail",
    "Items",
    "Parameters",
    "Folders",
];

/// Columns of record tables: what tells the story at a glance.
pub const TABLE_COLUMNS: [&str; 7] = [
    "CreationTime",
    "Operation",
    "UserId",
    "SessionId",
    "ClientIP",
    "ClientInfoString",
    "Detail",
];

/// A record's CSV cells, in [`CSV_COLUMNS`] order (not yet made formula-safe).
pub fn csv_row(r: &AuditRecord<'_>) -> Vec<String> {
    let t = |v: &Option<std::borrow::Cow<'_, str>>| v.as_deref().unwrap_or("").to_owned();
    let [items, parameters, folders] = record_lists_json(r);
    vec![
        r.creation_time.as_ref().map(format_utc).unwrap_or_default(),
        t(&r.id),
        t(&r.operation),
        t(&r.workload),
        match r.record_type {
            Some(code) => code.to_string(),
            None => t(&r.record_type_name),
        },
        t(&r.user_id),
        t(&r.session_id),
        t(&r.aad_session_id),
        t(&r.client_ip),
        t(&r.client_ip_address),
        t(&r.client_info_string),
        r.logon_type.map(|l| l.to_string()).unwrap_or_default(),
        t(&r.mailbox_owner_upn),
        t(&r.result_status),
        r.mail_access_type
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        r.is_throttled.map(|b| b.to_string()).unwrap_or_default(),
        r.operation_count.map(|n| n.to_string()).unwrap_or_default(),
        r.detail(),
        items,
        parameters,
        folders,
    ]
}

/// A record's table cells, in [`TABLE_COLUMNS`] order.
pub fn table_row(r: &AuditRecord<'_>) -> Vec<String> {
    let t = |v: &Option<std::borrow::Cow<'_, str>>| v.as_deref().unwrap_or("").to_owned();
    vec![
        r.creation_time.as_ref().map(format_utc).unwrap_or_default(),
        t(&r.operation),
        t(&r.user_id),
        t(&r.session_id),
        r.client_address
            .map(|a| a.to_string())
            .unwrap_or_else(|| t(&r.client_ip)),
        t(&r.client_info_string),
        r.detail(),
    ]
}

/// Records per parallel encoding task.
const CHUNK: usize = 256;

/// Writes records in one format. JSON lines and CSV stream; a table sizes its columns on all
/// rows, so it is written by [`RecordWriter::finish`].
pub struct RecordWriter<W: Write> {
    out: W,
    format: Format,
    include_raw: bool,
    table: Table,
    /// One buffer per parallel encoding task, reused from call to call.
    chunks: Vec<Vec<u8>>,
}

impl<W: Write> RecordWriter<W> {
    /// A writer; CSV gets its header at once. `include_raw` adds the raw AuditData (JSON lines
    /// and CSV).
    pub fn new(mut out: W, format: Format, include_raw: bool) -> io::Result<Self> {
        if format == Format::Csv {
            let mut header: Vec<&str> = CSV_COLUMNS.to_vec();
            if include_raw {
                header.push("AuditData");
            }
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&header)?;
            w.flush()?;
        }
        Ok(RecordWriter {
            out,
            format,
            include_raw,
            table: Table::new(&TABLE_COLUMNS).max_width(6, 100),
            chunks: Vec::new(),
        })
    }

    /// Writes records in order. JSON lines and CSV are encoded on all cores, in chunks whose
    /// bytes are written in input order whatever the number of threads; tables are buffered.
    pub fn write_all(&mut self, records: &[&AuditRecord<'_>]) -> io::Result<()> {
        if self.format == Format::Table {
            for r in records {
                self.table.push(table_row(r));
            }
            return Ok(());
        }
        let (format, include_raw) = (self.format, self.include_raw);
        let n = records.len().div_ceil(CHUNK);
        if self.chunks.len() < n {
            self.chunks.resize_with(n, Vec::new);
        }
        self.chunks[..n]
            .par_iter_mut()
            .zip(records.par_chunks(CHUNK))
            .try_for_each(|(buf, chunk)| {
                buf.clear();
                encode_chunk(buf, chunk, format, include_raw)
            })?;
        for buf in &self.chunks[..n] {
            self.out.write_all(buf)?;
        }
        Ok(())
    }

    /// Writes one record.
    pub fn write(&mut self, record: &AuditRecord<'_>) -> io::Result<()> {
        self.write_all(&[record])
    }

    /// Writes what is buffered, flushes, and gives the output back.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::Table {
            self.table.write(&mut self.out)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

fn encode_chunk(
    buf: &mut Vec<u8>,
    records: &[&AuditRecord<'_>],
    format: Format,
    include_raw: bool,
) -> io::Result<()> {
    match format {
        Format::Jsonl | Format::Table => {
            for r in records {
                serde_json::to_writer(&mut *buf, &RecordJson::new(r, include_raw))?;
                buf.push(b'\n');
            }
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut *buf);
            for r in records {
                let cells = csv_row(r);
                let raw = include_raw.then_some(r.raw.as_ref());
                let safe: Vec<_> = cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .chain(raw.map(csv_cell))
                    .collect();
                w.write_record(safe.iter().map(|c| c.as_bytes()))?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn csv_output_is_formula_safe() {
        let raw = r#"{"Id":"1","Operation":"New-InboxRule","Parameters":[{"Name":"Name","Value":"=cmd|' /C calc'!A0"}]}"#;
        let r = parse_record(raw).unwrap();
        let mut w = RecordWriter::new(Vec::new(), Format::Csv, false).unwrap();
        w.write(&r).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let row = rows.records().next().unwrap().unwrap();
        let detail = row.get(17).unwrap();
        assert_eq!(detail, "Name==cmd|' /C calc'!A0");
        let header = rows.headers().unwrap().clone();
        assert_eq!(header.len(), CSV_COLUMNS.len());
    }

    #[test]
    fn hostile_first_characters_get_a_quote() {
        let raw = r#"{"Id":"2","Operation":"@SUM(A1)","UserId":"+1"}"#;
        let r = parse_record(raw).unwrap();
        let mut w = RecordWriter::new(Vec::new(), Format::Csv, true).unwrap();
        w.write(&r).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(text.contains(",'@SUM(A1),"), "{text}");
        assert!(text.contains(",'+1,"), "{text}");
    }
}
