//! Writing MailItemsAccessed exposure and pivots as JSON lines, CSV or tables.
//!
//! JSON lines: for each mailbox, first a line with `"Context": null` for the whole mailbox, then
//! one line per access context. Both carry `Mailbox`, `Context` (`SessionId`,
//! `ClientIPAddress`, `ClientInfoString`, `LogonType`, `UserId`), `FirstSeen`, `LastSeen`,
//! `DuringThrottling`, `Totals` (`Records`, `Syncs`, `Binds`, `Messages`, `Folders`,
//! `UnitemizedBinds`), `SyncFolders`, `Messages`, `UnitemizedBinds` and `ThrottledWindows`
//! (every hole in the mailbox's evidence); the mailbox line also has `Folders`.
//!
//! CSV: one row per fact, `Kind` being `Sync`, `Message` (one per message and context),
//! `UnitemizedBinds` or `Throttled`. Tables: per mailbox, a summary, a warning for each hole,
//! then contexts, synced folders and messages.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Format;
use super::sanitize::{csv_cell, table_cell};
use super::table::Table;
use crate::mailaccess::{
    AccessContext, BoundMessage, ContextExposure, Exposure, ExposureTotals, MailboxExposure,
    MessageAccess, SyncEvent, ThrottleWindow, UnitemizedBind,
};
use crate::time::format_utc;

fn time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(format_utc)
}

fn time_text(t: Option<DateTime<Utc>>) -> String {
    time(t).unwrap_or_default()
}

/// An access context as JSON.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContextJson<'a> {
    session_id: Option<&'a str>,
    #[serde(rename = "ClientIPAddress")]
    client_ip_address: Option<&'a str>,
    client_info_string: Option<&'a str>,
    logon_type: Option<String>,
    user_id: Option<&'a str>,
}

impl<'a> ContextJson<'a> {
    fn new(c: &'a AccessContext) -> Self {
        ContextJson {
            session_id: c.session_id.as_deref(),
            client_ip_address: c.client_ip_address.as_deref(),
            client_info_string: c.client_info_string.as_deref(),
            logon_type: c.logon_type.map(|l| l.to_string()),
            user_id: c.user_id.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TotalsJson {
    records: u64,
    syncs: u64,
    binds: u64,
    messages: u64,
    folders: u64,
    unitemized_binds: u64,
}

impl From<&ExposureTotals> for TotalsJson {
    fn from(t: &ExposureTotals) -> Self {
        TotalsJson {
            records: t.records,
            syncs: t.syncs,
            binds: t.binds,
            messages: t.messages,
            folders: t.folders,
            unitemized_binds: t.unitemized_binds,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SyncJson<'a> {
    folder: Option<&'a str>,
    time: Option<String>,
    record_id: Option<&'a str>,
    session_id: Option<&'a str>,
    #[serde(rename = "ClientIPAddress")]
    client_ip_address: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MessageJson<'a> {
    internet_message_id: &'a str,
    folders: &'a [String],
    first_access: Option<String>,
    last_access: Option<String>,
    accesses: u64,
    sessions: &'a [String],
    in_synced_folder: bool,
}

impl<'a> From<&'a BoundMessage> for MessageJson<'a> {
    fn from(m: &'a BoundMessage) -> Self {
        MessageJson {
            internet_message_id: &m.internet_message_id,
            folders: &m.folders,
            first_access: time(m.first_access),
            last_access: time(m.last_access),
            accesses: m.accesses,
            sessions: &m.sessions,
            in_synced_folder: m.in_synced_folder,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UnitemizedJson<'a> {
    record_id: Option<&'a str>,
    time: Option<String>,
    operation_count: u64,
    listed: u64,
}

impl<'a> From<&'a UnitemizedBind> for UnitemizedJson<'a> {
    fn from(u: &'a UnitemizedBind) -> Self {
        UnitemizedJson {
            record_id: u.record_id.as_deref(),
            time: time(u.time),
            operation_count: u.operation_count,
            listed: u.listed,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WindowJson<'a> {
    start: Option<String>,
    end: Option<String>,
    record_ids: &'a [String],
    records: u64,
    sessions: &'a [Option<String>],
}

impl<'a> From<&'a ThrottleWindow> for WindowJson<'a> {
    fn from(w: &'a ThrottleWindow) -> Self {
        WindowJson {
            start: time(w.start),
            end: time(w.end),
            record_ids: &w.record_ids,
            records: w.records,
            sessions: &w.sessions,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FolderJson<'a> {
    path: &'a str,
    first_sync: Option<String>,
    syncs: u64,
    bound_messages: u64,
}

/// One JSON line: a whole mailbox (`context` is `None`) or one of its contexts.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExposureLine<'a> {
    mailbox: &'a str,
    context: Option<ContextJson<'a>>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    during_throttling: bool,
    totals: TotalsJson,
    sync_folders: Vec<SyncJson<'a>>,
    messages: Vec<MessageJson<'a>>,
    unitemized_binds: Vec<UnitemizedJson<'a>>,
    throttled_windows: Vec<WindowJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folders: Option<Vec<FolderJson<'a>>>,
}

fn sync_json<'a>(m: &'a MailboxExposure, s: &'a SyncEvent) -> SyncJson<'a> {
    let context = &m.contexts[s.context].context;
    SyncJson {
        folder: s.folder.as_deref(),
        time: time(s.time),
        record_id: s.record_id.as_deref(),
        session_id: context.session_id.as_deref(),
        client_ip_address: context.client_ip_address.as_deref(),
    }
}

fn mailbox_line(m: &MailboxExposure) -> ExposureLine<'_> {
    let first = m.contexts.iter().filter_map(|c| c.first_seen).min();
    let last = m.contexts.iter().filter_map(|c| c.last_seen).max();
    ExposureLine {
        mailbox: &m.mailbox,
        context: None,
        first_seen: time(first),
        last_seen: time(last),
        during_throttling: m.contexts.iter().any(|c| c.during_throttling),
        totals: (&m.totals).into(),
        sync_folders: m.syncs.iter().map(|s| sync_json(m, s)).collect(),
        messages: m.messages.iter().map(Into::into).collect(),
        unitemized_binds: m.unitemized_binds.iter().map(Into::into).collect(),
        throttled_windows: m.throttled.iter().map(Into::into).collect(),
        folders: Some(
            m.folders
                .iter()
                .map(|f| FolderJson {
                    path: &f.path,
                    first_sync: time(f.first_sync),
                    syncs: f.syncs,
                    bound_messages: f.bound_messages,
                })
                .collect(),
        ),
    }
}

fn context_line<'a>(
    m: &'a MailboxExposure,
    index: usize,
    c: &'a ContextExposure,
) -> ExposureLine<'a> {
    ExposureLine {
        mailbox: &m.mailbox,
        context: Some(ContextJson::new(&c.context)),
        first_seen: time(c.first_seen),
        last_seen: time(c.last_seen),
        during_throttling: c.during_throttling,
        totals: (&c.totals).into(),
        sync_folders: m
            .syncs
            .iter()
            .filter(|s| s.context == index)
            .map(|s| sync_json(m, s))
            .collect(),
        messages: c.messages.iter().map(Into::into).collect(),
        unitemized_binds: m
            .unitemized_binds
            .iter()
            .filter(|u| u.context == index)
            .map(Into::into)
            .collect(),
        throttled_windows: m.throttled.iter().map(Into::into).collect(),
        folders: None,
    }
}

/// A mailbox with its contexts, for documents that nest them (the HTML report).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NestedMailbox<'a> {
    #[serde(flatten)]
    mailbox: ExposureLine<'a>,
    contexts: Vec<ExposureLine<'a>>,
}

/// The whole exposure as one JSON document: `{"Mailboxes": [...], "Totals": {...}}`, each
/// mailbox being its JSON-lines object with its context lines under `Contexts`.
pub fn exposure_json(exposure: &Exposure) -> serde_json::Value {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Document<'a> {
        mailboxes: Vec<NestedMailbox<'a>>,
        totals: TotalsJson,
    }
    let document = Document {
        mailboxes: exposure
            .mailboxes
            .iter()
            .map(|m| NestedMailbox {
                mailbox: mailbox_line(m),
                contexts: m
                    .contexts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| context_line(m, i, c))
                    .collect(),
            })
            .collect(),
        totals: (&exposure.totals).into(),
    };
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_value(document).unwrap_or(serde_json::Value::Null)
}

/// Columns of exposure CSV output.
pub const EXPOSURE_CSV_COLUMNS: [&str; 14] = [
    "Mailbox",
    "Kind",
    "Time",
    "End",
    "Folder",
    "InternetMessageId",
    "Accesses",
    "SessionId",
    "ClientIPAddress",
    "ClientInfoString",
    "LogonType",
    "UserId",
    "RecordIds",
    "Detail",
];

/// The context columns of a CSV row.
fn context_cells(c: &AccessContext) -> [String; 5] {
    [
        c.session_id.clone().unwrap_or_default(),
        c.client_ip_address.clone().unwrap_or_default(),
        c.client_info_string.clone().unwrap_or_default(),
        c.logon_type.map(|l| l.to_string()).unwrap_or_default(),
        c.user_id.clone().unwrap_or_default(),
    ]
}

/// One CSV row from its parts.
fn csv_row(
    mailbox: &str,
    kind: &str,
    [start, end, folder, message, accesses]: [String; 5],
    context: [String; 5],
    [records, detail]: [String; 2],
) -> Vec<String> {
    let mut row = vec![
        mailbox.to_owned(),
        kind.to_owned(),
        start,
        end,
        folder,
        message,
        accesses,
    ];
    row.extend(context);
    row.extend([records, detail]);
    row
}

/// The CSV rows of one mailbox.
fn mailbox_rows(m: &MailboxExposure) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for w in &m.throttled {
        let sessions: Vec<&str> = w
            .sessions
            .iter()
            .map(|s| s.as_deref().unwrap_or("(no SessionId)"))
            .collect();
        let mut context: [String; 5] = Default::default();
        context[0] = sessions.join("; ");
        rows.push(csv_row(
            &m.mailbox,
            "Throttled",
            [
                time_text(w.start),
                time_text(w.end),
                String::new(),
                String::new(),
                String::new(),
            ],
            context,
            [w.record_ids.join("; "), THROTTLE_WARNING.to_owned()],
        ));
    }
    for s in &m.syncs {
        rows.push(csv_row(
            &m.mailbox,
            "Sync",
            [
                time_text(s.time),
                String::new(),
                s.folder.clone().unwrap_or_default(),
                String::new(),
                String::new(),
            ],
            context_cells(&m.contexts[s.context].context),
            [s.record_id.clone().unwrap_or_default(), String::new()],
        ));
    }
    for c in &m.contexts {
        for b in &c.messages {
            rows.push(csv_row(
                &m.mailbox,
                "Message",
                [
                    time_text(b.first_access),
                    time_text(b.last_access),
                    b.folders.join("; "),
                    b.internet_message_id.clone(),
                    b.accesses.to_string(),
                ],
                context_cells(&c.context),
                [
                    String::new(),
                    if b.in_synced_folder {
                        "in a synced folder".to_owned()
                    } else {
                        String::new()
                    },
                ],
            ));
        }
    }
    for u in &m.unitemized_binds {
        rows.push(csv_row(
            &m.mailbox,
            "UnitemizedBinds",
            [
                time_text(u.time),
                String::new(),
                String::new(),
                String::new(),
                (u.operation_count - u.listed).to_string(),
            ],
            context_cells(&m.contexts[u.context].context),
            [
                u.record_id.clone().unwrap_or_default(),
                format!(
                    "OperationCount {} with {} messages listed",
                    u.operation_count, u.listed
                ),
            ],
        ));
    }
    rows
}

/// What a hole in the evidence means, in words.
pub const THROTTLE_WARNING: &str = "MailItemsAccessed was throttled: Bind accesses in this window \
     were not recorded; assume every message in the mailbox was read";

fn summary_line(m: &MailboxExposure) -> String {
    let t = &m.totals;
    let unitemized = if t.unitemized_binds > 0 {
        format!(" ({} not itemized)", t.unitemized_binds)
    } else {
        String::new()
    };
    format!(
        "Mailbox {}: {} messages bound in {} binds{unitemized}, {} folder syncs, {} folders, \
         {} records, {} contexts",
        m.mailbox,
        t.messages,
        t.binds,
        t.syncs,
        t.folders,
        t.records,
        m.contexts.len()
    )
}

fn window_line(w: &ThrottleWindow) -> String {
    let sessions: Vec<&str> = w
        .sessions
        .iter()
        .map(|s| s.as_deref().unwrap_or("(no SessionId)"))
        .collect();
    let active = if sessions.is_empty() {
        "no session in scope was active".to_owned()
    } else {
        format!("sessions active: {}", sessions.join(", "))
    };
    format!(
        "!! Throttled {} to {} ({} throttled record{}): {THROTTLE_WARNING}; {active}",
        time(w.start).unwrap_or_else(|| "(no time)".to_owned()),
        time(w.end).unwrap_or_else(|| "(no time)".to_owned()),
        w.records,
        if w.records == 1 { "" } else { "s" },
    )
}

fn write_mailbox_tables(out: &mut impl Write, m: &MailboxExposure) -> io::Result<()> {
    writeln!(out, "{}", table_cell(&summary_line(m)))?;
    for w in &m.throttled {
        writeln!(out, "{}", table_cell(&window_line(w)))?;
    }
    writeln!(out)?;
    let mut contexts = Table::new(&[
        "#",
        "SessionId",
        "ClientIPAddress",
        "ClientInfoString",
        "LogonType",
        "UserId",
        "FirstSeen",
        "LastSeen",
        "Syncs",
        "Binds",
        "Messages",
        "Throttled",
    ])
    .max_width(3, 40);
    for (i, c) in m.contexts.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(context_cells(&c.context));
        row.extend([
            time_text(c.first_seen),
            time_text(c.last_seen),
            c.totals.syncs.to_string(),
            c.totals.binds.to_string(),
            c.totals.messages.to_string(),
            if c.during_throttling { "YES" } else { "" }.to_owned(),
        ]);
        contexts.push(row);
    }
    contexts.write(out)?;
    if !m.syncs.is_empty() {
        writeln!(out)?;
        let mut syncs = Table::new(&["Time", "Folder", "Context", "RecordId"]);
        for s in &m.syncs {
            syncs.push(vec![
                time_text(s.time),
                s.folder.clone().unwrap_or_default(),
                s.context.to_string(),
                s.record_id.clone().unwrap_or_default(),
            ]);
        }
        syncs.write(out)?;
    }
    if !m.messages.is_empty() {
        writeln!(out)?;
        let mut messages = Table::new(&[
            "InternetMessageId",
            "Folder",
            "FirstAccess",
            "LastAccess",
            "Accesses",
            "Contexts",
            "InSyncedFolder",
        ])
        .max_width(0, 80);
        for b in &m.messages {
            let contexts: Vec<String> = b.contexts.iter().map(usize::to_string).collect();
            messages.push(vec![
                b.internet_message_id.clone(),
                b.folders.join("; "),
                time_text(b.first_access),
                time_text(b.last_access),
                b.accesses.to_string(),
                contexts.join(","),
                if b.in_synced_folder { "yes" } else { "" }.to_owned(),
            ]);
        }
        messages.write(out)?;
    }
    if !m.unitemized_binds.is_empty() {
        writeln!(out)?;
        let mut unitemized =
            Table::new(&["Time", "RecordId", "Context", "OperationCount", "Listed"]);
        for u in &m.unitemized_binds {
            unitemized.push(vec![
                time_text(u.time),
                u.record_id.clone().unwrap_or_default(),
                u.context.to_string(),
                u.operation_count.to_string(),
                u.listed.to_string(),
            ]);
        }
        unitemized.write(out)?;
    }
    Ok(())
}

/// Writes an exposure in one format.
pub fn write_exposure(out: &mut impl Write, exposure: &Exposure, format: Format) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for m in &exposure.mailboxes {
                serde_json::to_writer(&mut *out, &mailbox_line(m))?;
                out.write_all(b"\n")?;
                for (i, c) in m.contexts.iter().enumerate() {
                    serde_json::to_writer(&mut *out, &context_line(m, i, c))?;
                    out.write_all(b"\n")?;
                }
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(EXPOSURE_CSV_COLUMNS)?;
            for m in &exposure.mailboxes {
                for row in mailbox_rows(m) {
                    w.write_record(row.iter().map(|c| csv_cell(c).into_owned()))?;
                }
            }
            w.flush()?;
        }
        Format::Table => {
            for (i, m) in exposure.mailboxes.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_mailbox_tables(out, m)?;
            }
        }
    }
    out.flush()
}

/// Columns of message-access output (`auditsift pivot --message-id`).
pub const ACCESS_COLUMNS: [&str; 10] = [
    "InternetMessageId",
    "SessionId",
    "ClientIPAddress",
    "ClientInfoString",
    "LogonType",
    "UserId",
    "FirstSeen",
    "LastSeen",
    "Records",
    "Operations",
];

/// A message access as JSON.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccessJson<'a> {
    internet_message_id: &'a str,
    #[serde(flatten)]
    context: ContextJson<'a>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    records: u64,
    operations: &'a std::collections::BTreeMap<String, u64>,
}

/// Writes message accesses in one format.
pub fn write_message_accesses(
    out: &mut impl Write,
    accesses: &[MessageAccess],
    format: Format,
) -> io::Result<()> {
    let cells = |a: &MessageAccess| -> Vec<String> {
        let mut row = vec![a.internet_message_id.clone()];
        row.extend(context_cells(&a.context));
        let operations: Vec<String> = a
            .operations
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        row.extend([
            time_text(a.first_seen),
            time_text(a.last_seen),
            a.records.to_string(),
            operations.join("; "),
        ]);
        row
    };
    match format {
        Format::Jsonl => {
            for a in accesses {
                let line = AccessJson {
                    internet_message_id: &a.internet_message_id,
                    context: ContextJson::new(&a.context),
                    first_seen: time(a.first_seen),
                    last_seen: time(a.last_seen),
                    records: a.records,
                    operations: &a.operations,
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(ACCESS_COLUMNS)?;
            for a in accesses {
                w.write_record(cells(a).iter().map(|c| csv_cell(c).into_owned()))?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(&ACCESS_COLUMNS).max_width(0, 80);
            for a in accesses {
                t.push(cells(a));
            }
            t.write(out)?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;
    use crate::mailaccess::ExposureBuilder;
    use crate::record::parse_record;

    fn exposure() -> Exposure {
        let docs = [
            r#"{"CreationTime":"2026-03-02T07:00:00","Id":"1","Operation":"MailItemsAccessed","MailboxOwnerUPN":"m@x","UserId":"m@x","SessionId":"S","ClientIPAddress":"10.0.0.1","OperationProperties":[{"Name":"MailAccessType","Value":"Sync"},{"Name":"IsThrottled","Value":"True"}],"Folders":[{"Path":"=cmd|' /C calc'!A0"}]}"#,
            r#"{"CreationTime":"2026-03-02T07:01:00","Id":"2","Operation":"MailItemsAccessed","MailboxOwnerUPN":"m@x","UserId":"m@x","SessionId":"S","ClientIPAddress":"10.0.0.1","ClientInfoString":"\u001b[2J","OperationProperties":[{"Name":"MailAccessType","Value":"Bind"}],"OperationCount":3,"Folders":[{"Path":"\\Inbox","FolderItems":[{"InternetMessageId":"<a@x>"}]}]}"#,
        ];
        let mut b = ExposureBuilder::new(Filter::all());
        for d in docs {
            b.add(&parse_record(d).unwrap());
        }
        b.finish()
    }

    #[test]
    fn jsonl_names_every_part() {
        let mut out = Vec::new();
        write_exposure(&mut out, &exposure(), Format::Jsonl).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "the mailbox, then its two contexts");
        assert!(lines[0]["Context"].is_null());
        assert_eq!(lines[0]["Mailbox"], "m@x");
        assert_eq!(lines[0]["Totals"]["Binds"], 3);
        assert_eq!(lines[0]["Totals"]["UnitemizedBinds"], 2);
        assert_eq!(
            lines[0]["ThrottledWindows"][0]["End"],
            "2026-03-03T07:00:00Z"
        );
        assert_eq!(lines[0]["Folders"].as_array().unwrap().len(), 2);
        assert_eq!(lines[1]["Context"]["SessionId"], "S");
        assert_eq!(lines[1]["SyncFolders"][0]["Folder"], "=cmd|' /C calc'!A0");
        assert_eq!(lines[2]["Messages"][0]["InternetMessageId"], "<a@x>");
        assert!(lines[2].get("Folders").is_none());
        assert_eq!(lines[2]["DuringThrottling"], true);
    }

    #[test]
    fn csv_and_table_are_safe() {
        let mut csv_out = Vec::new();
        write_exposure(&mut csv_out, &exposure(), Format::Csv).unwrap();
        let text = String::from_utf8(csv_out).unwrap();
        assert!(text.starts_with("Mailbox,Kind,Time,End,Folder"));
        assert!(text.contains(",'=cmd|"), "{text}");
        assert!(text.contains("m@x,Throttled,2026-03-02T07:00:00Z,2026-03-03T07:00:00Z"));
        let mut table = Vec::new();
        write_exposure(&mut table, &exposure(), Format::Table).unwrap();
        let text = String::from_utf8(table).unwrap();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\\x1b[2J"));
        assert!(text.contains("!! Throttled 2026-03-02T07:00:00Z to 2026-03-03T07:00:00Z"));
    }
}
