//! Writing the session inventory as JSON lines, CSV or a table.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::Format;
use super::jsonl::SessionJson;
use super::sanitize::csv_cell;
use super::table::Table;
use crate::session::SessionSummary;
use crate::time::format_utc;

/// Columns of session CSV output.
pub const CSV_COLUMNS: [&str; 10] = [
    "SessionId",
    "FirstSeen",
    "LastSeen",
    "Records",
    "Users",
    "MailboxOwners",
    "ClientIPs",
    "ClientInfoStrings",
    "AADSessionIds",
    "Operations",
];

/// Columns of session tables.
pub const TABLE_COLUMNS: [&str; 8] = [
    "SessionId",
    "FirstSeen",
    "LastSeen",
    "Records",
    "Users",
    "ClientIPs",
    "ClientInfoStrings",
    "Operations",
];

/// The label of the group of records without a session id.
pub const NO_SESSION: &str = "(no SessionId)";

fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A set for a table: a count first when there are several values.
fn summarize(set: &BTreeSet<String>) -> String {
    match set.len() {
        0 | 1 => join(set),
        n => format!("({n}) {}", join(set)),
    }
}

fn operations(ops: &BTreeMap<String, u64>) -> String {
    ops.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn time(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.as_ref().map(format_utc).unwrap_or_default()
}

/// Writes session summaries in one format.
pub fn write_sessions(
    out: &mut impl Write,
    sessions: &[&SessionSummary],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for s in sessions {
                serde_json::to_writer(&mut *out, &SessionJson(s))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_COLUMNS)?;
            for s in sessions {
                let cells = [
                    s.session_id.clone().unwrap_or_default(),
                    time(&s.first_seen),
                    time(&s.last_seen),
                    s.records.to_string(),
                    join(&s.users),
                    join(&s.mailbox_owners),
                    join(&s.client_ips),
                    join(&s.client_info_strings),
                    join(&s.aad_session_ids),
                    operations(&s.operations),
                ];
                w.write_record(cells.iter().map(|c| csv_cell(c).into_owned()))?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(&TABLE_COLUMNS).max_width(7, 100);
            for s in sessions {
                t.push(vec![
                    s.session_id
                        .clone()
                        .unwrap_or_else(|| NO_SESSION.to_owned()),
                    time(&s.first_seen),
                    time(&s.last_seen),
                    s.records.to_string(),
                    summarize(&s.users),
                    summarize(&s.client_ips),
                    summarize(&s.client_info_strings),
                    operations(&s.operations),
                ]);
            }
            t.write(out)?;
        }
    }
    out.flush()
}
