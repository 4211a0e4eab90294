//! Writers for records and sessions: JSON lines, CSV and tables, safe against hostile strings.
//!
//! Subjects, rule names and folder names are chosen by whoever controls the mailbox. CSV cells
//! that a spreadsheet would run as formulas get a leading `'` ([`csv_cell`]); table cells have
//! control characters, terminal escapes and bidirectional overrides made visible ([`table_cell`]).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::record::AuditRecord;
use crate::session::SessionSummary;
use crate::time::format_utc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Makes a CSV cell inert in spreadsheets: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets
/// a leading `'` (the OWASP rule).
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Makes text safe to print on a terminal: control characters (ESC included), C1 controls and
/// bidirectional overrides become visible escapes such as `\x1b` and `\u{202e}`.
pub fn table_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{80}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The JSON object of one record, with AuditData's own field names.
pub fn record_json(r: &AuditRecord<'_>, include_raw: bool) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    let text =
        |t: &Option<std::borrow::Cow<'_, str>>| t.as_deref().map_or(Value::Null, Value::from);
    put(
        "CreationTime",
        r.creation_time
            .as_ref()
            .map_or(Value::Null, |t| format_utc(t).into()),
    );
    put("Id", text(&r.id));
    put("Operation", text(&r.operation));
    put("Workload", text(&r.workload));
    put(
        "RecordType",
        r.record_type
            .map_or_else(|| text(&r.record_type_name), Value::from),
    );
    put("RecordTypeName", text(&r.record_type_name));
    put("ResultStatus", text(&r.result_status));
    put("UserId", text(&r.user_id));
    put("UserType", text(&r.user_type));
    put("SessionId", text(&r.session_id));
    put("AADSessionId", text(&r.aad_session_id));
    put("ClientIP", text(&r.client_ip));
    put(
        "ClientAddress",
        r.client_address
            .map_or(Value::Null, |a| a.to_string().into()),
    );
    put("ClientIPAddress", text(&r.client_ip_address));
    put("ClientInfoString", text(&r.client_info_string));
    put(
        "LogonType",
        r.logon_type.map_or(Value::Null, |l| l.to_string().into()),
    );
    put(
        "ExternalAccess",
        r.external_access.map_or(Value::Null, Value::from),
    );
    put("MailboxOwnerUPN", text(&r.mailbox_owner_upn));
    put("MailboxGuid", text(&r.mailbox_guid));
    put("OrganizationId", text(&r.organization_id));
    put("AppId", text(&r.app_id));
    put("ClientAppId", text(&r.client_app_id));
    put("OriginatingServer", text(&r.originating_server));
    put(
        "MailAccessType",
        r.mail_access_type
            .map_or(Value::Null, |t| t.as_str().into()),
    );
    put(
        "IsThrottled",
        r.is_throttled.map_or(Value::Null, Value::from),
    );
    put(
        "OperationCount",
        r.operation_count.map_or(Value::Null, Value::from),
    );
    put(
        "Items",
        r.items
            .iter()
            .map(|i| json!({"Role": i.role.field_name(), "Subject": i.subject, "InternetMessageId": i.internet_message_id, "Folder": i.folder}))
            .collect(),
    );
    put(
        "Parameters",
        r.parameters
            .iter()
            .map(|p| json!({"Name": p.name, "Value": p.value}))
            .collect(),
    );
    put(
        "Folders",
        r.folders
            .iter()
            .map(|f| json!({"Path": f.path, "MessageIds": f.message_ids}))
            .collect(),
    );
    if include_raw {
        put("AuditData", Value::from(r.raw.as_ref()));
    }
    Value::Object(m)
}

/// Columns of record CSV and table output.
const RECORD_COLUMNS: [&str; 12] = [
    "CreationTime",
    "Id",
    "Operation",
    "UserId",
    "SessionId",
    "AADSessionId",
    "ClientIP",
    "ClientInfoString",
    "LogonType",
    "MailboxOwnerUPN",
    "ResultStatus",
    "Detail",
];

fn record_row(r: &AuditRecord<'_>) -> [String; 12] {
    let t = |v: &Option<std::borrow::Cow<'_, str>>| v.as_deref().unwrap_or("").to_owned();
    [
        r.creation_time.as_ref().map(format_utc).unwrap_or_default(),
        t(&r.id),
        t(&r.operation),
        t(&r.user_id),
        t(&r.session_id),
        t(&r.aad_session_id),
        r.client_address
            .map(|a| a.to_string())
            .unwrap_or_else(|| t(&r.client_ip)),
        t(&r.client_info_string),
        r.logon_type.map(|l| l.to_string()).unwrap_or_default(),
        t(&r.mailbox_owner_upn),
        t(&r.result_status),
        r.detail(),
    ]
}

/// Writes records in one format. Table output sizes its columns on all the records, so it is
/// written by [`RecordWriter::finish`].
pub struct RecordWriter<W: Write> {
    sink: Sink<W>,
    include_raw: bool,
    table_rows: Vec<Vec<String>>,
}

enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    Table(W),
}

impl<W: Write> RecordWriter<W> {
    /// A writer; CSV gets its header at once.
    pub fn new(out: W, format: Format, include_raw: bool) -> io::Result<Self> {
        let sink = match format {
            Format::Jsonl => Sink::Jsonl(out),
            Format::Table => Sink::Table(out),
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                let mut header: Vec<&str> = RECORD_COLUMNS.to_vec();
                if include_raw {
                    header.push("AuditData");
                }
                csv.write_record(&header)?;
                Sink::Csv(Box::new(csv))
            }
        };
        Ok(RecordWriter {
            sink,
            include_raw,
            table_rows: Vec::new(),
        })
    }

    /// Writes one record.
    pub fn write(&mut self, r: &AuditRecord<'_>) -> io::Result<()> {
        match &mut self.sink {
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, &record_json(r, self.include_raw))?;
                out.write_all(b"\n")
            }
            Sink::Csv(csv) => {
                let mut cells: Vec<String> = record_row(r)
                    .iter()
                    .map(|c| csv_cell(c).into_owned())
                    .collect();
                if self.include_raw {
                    cells.push(csv_cell(&r.raw).into_owned());
                }
                csv.write_record(&cells).map_err(io::Error::from)
            }
            Sink::Table(_) => {
                self.table_rows.push(record_row(r).to_vec());
                Ok(())
            }
        }
    }

    /// Writes what is buffered (tables) and flushes.
    pub fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Jsonl(mut out) => out.flush(),
            Sink::Csv(mut csv) => csv.flush(),
            Sink::Table(mut out) => {
                // People read tables: the columns that tell the story; CSV and jsonl keep all.
                let keep = [0usize, 2, 3, 4, 6, 7, 11];
                let header: Vec<&str> = keep.iter().map(|&i| RECORD_COLUMNS[i]).collect();
                let rows: Vec<Vec<String>> = self
                    .table_rows
                    .into_iter()
                    .map(|row| keep.iter().map(|&i| row[i].clone()).collect())
                    .collect();
                write_table(&mut out, &header, &rows)?;
                out.flush()
            }
        }
    }
}

/// Writes an aligned table; cells are neutralized and long cells cut.
pub fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    const MAX: usize = 60;
    let clean: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    let c = table_cell(c);
                    if c.chars().count() > MAX {
                        format!("{}…", c.chars().take(MAX - 1).collect::<String>())
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            clean
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
                .max(header[i].len())
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in &clean {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// The JSON object of one session summary.
pub fn session_json(s: &SessionSummary) -> Value {
    json!({
        "SessionId": s.session_id,
        "FirstSeen": s.first_seen.as_ref().map(format_utc),
        "LastSeen": s.last_seen.as_ref().map(format_utc),
        "Records": s.records,
        "Users": s.users,
        "MailboxOwners": s.mailbox_owners,
        "ClientIPs": s.client_ips,
        "ClientInfoStrings": s.client_info_strings,
        "AADSessionIds": s.aad_session_ids,
        "Operations": s.operations,
    })
}

/// Writes session summaries in one format.
pub fn write_sessions(
    out: &mut impl Write,
    sessions: &[&SessionSummary],
    format: Format,
) -> io::Result<()> {
    let join = |set: &std::collections::BTreeSet<String>| {
        set.iter().cloned().collect::<Vec<_>>().join("; ")
    };
    let ops = |s: &SessionSummary| {
        s.operations
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let header = [
        "SessionId",
        "FirstSeen",
        "LastSeen",
        "Records",
        "Users",
        "ClientIPs",
        "ClientInfoStrings",
        "Operations",
    ];
    let row = |s: &SessionSummary| -> Vec<String> {
        vec![
            s.session_id.clone().unwrap_or_else(|| "(none)".into()),
            s.first_seen.as_ref().map(format_utc).unwrap_or_default(),
            s.last_seen.as_ref().map(format_utc).unwrap_or_default(),
            s.records.to_string(),
            join(&s.users),
            join(&s.client_ips),
            join(&s.client_info_strings),
            ops(s),
        ]
    };
    match format {
        Format::Jsonl => {
            for s in sessions {
                serde_json::to_writer(&mut *out, &session_json(s))?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(header)?;
            for s in sessions {
                w.write_record(row(s).iter().map(|c| csv_cell(c).into_owned()))?;
            }
            w.flush()
        }
        Format::Table => write_table(
            out,
            &header,
            &sessions.iter().map(|s| row(s)).collect::<Vec<_>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for bad in [
            "=HYPERLINK(\"x\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(csv_cell(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn terminal_escapes_are_visible() {
        assert_eq!(table_cell("a\u{1b}[31mred\u{7}"), "a\\x1b[31mred\\x07");
        assert_eq!(table_cell("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(table_cell("Café 日本"), "Café 日本");
    }
}
