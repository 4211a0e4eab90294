//! The self-contained HTML investigation report.
//!
//! One file an analyst can open offline and hand over: the template, its CSS and its script are
//! compiled in (`assets/`), and the data goes in as JSON inside a `<script type="application/json">`
//! element; the events' raw AuditData, compressed, in another one after the page's script (see
//! `raw.rs`). The data is attacker-chosen (subjects, rule names), so the JSON is escaped so that it
//! can never end its element (`<`, `>`, `&`, U+2028, U+2029 become `\uXXXX`), and the page renders
//! it only as text. The data contract is in `docs/report-data.md`. [`ReportBuilder`] gathers what a
//! report shows from batches of records, for the CLI and the C ABI alike.

mod builder;
mod raw;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use crate::batch::{Collected, RecordError, Tally};
use crate::session::{SessionInventory, SessionSummary};
use crate::time::format_utc;

pub use builder::{KEPT_REJECTS, ReportBuilder};

const TEMPLATE: &str = include_str!("assets/report.html");
const CSS: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

/// Everything a report shows.
#[derive(Debug)]
pub struct ReportInput<'a> {
    /// Shown as the page title; may be empty.
    pub title: &'a str,
    /// The filters as the user gave them, shown verbatim.
    pub filters: Vec<String>,
    /// Each input file with the number of records read from it.
    pub files: Vec<(String, u64)>,
    /// The counts over the whole input.
    pub tally: Tally,
    /// Records that could not be read.
    pub rejects: &'a [RecordError],
    /// The matching records, in time order.
    pub records: &'a [&'a Collected],
    /// MailItemsAccessed exposure (the serialized `ExposureReport`), if computed.
    pub exposure: Option<Value>,
    /// Whether the report carries each event's raw AuditData (large inputs may leave it out).
    pub include_raw: bool,
}

#[derive(Serialize)]
struct Event<'a> {
    t: Option<String>,
    s: i64,
    o: &'a str,
    u: &'a str,
    ip: String,
    w: &'a str,
    r: &'a str,
    d: String,
    /// The record's `Id`: it names the record in the exposure (`RecordId`) and in the source.
    id: &'a str,
}

fn session_json(s: &SessionSummary) -> Value {
    let time = |t: &Option<chrono::DateTime<chrono::Utc>>| t.as_ref().map(format_utc);
    json!({
        "SessionId": s.session_id.as_deref().unwrap_or(""),
        "FirstSeen": time(&s.first_seen),
        "LastSeen": time(&s.last_seen),
        "Records": s.records,
        "Users": s.users,
        "MailboxOwners": s.mailbox_owners,
        "ClientIPs": s.client_ips,
        "ClientInfoStrings": s.client_info_strings,
        "Operations": s.operations,
    })
}

/// Builds the report's data document (see `docs/report-data.md`).
pub fn report_data(input: &ReportInput<'_>) -> Value {
    let mut inventory = SessionInventory::new();
    for c in input.records {
        inventory.add(&c.record);
    }
    let sessions = inventory.sessions();
    let index_of: std::collections::HashMap<Option<String>, i64> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.session_id.as_deref().map(str::to_ascii_lowercase),
                i as i64,
            )
        })
        .collect();
    let events: Vec<Event<'_>> = input
        .records
        .iter()
        .map(|c| {
            let r = &c.record;
            let key = r.session_id.as_deref().map(str::to_ascii_lowercase);
            Event {
                t: r.creation_time.as_ref().map(format_utc),
                s: index_of.get(&key).copied().unwrap_or(-1),
                o: r.operation.as_deref().unwrap_or(""),
                u: r.user_id.as_deref().unwrap_or(""),
                ip: match r.client_address {
                    Some(a) => a.to_string(),
                    None => r.client_ip.as_deref().unwrap_or("").to_owned(),
                },
                w: r.workload.as_deref().unwrap_or(""),
                r: r.result_status.as_deref().unwrap_or(""),
                d: r.detail(),
                id: r.id.as_deref().unwrap_or(""),
            }
        })
        .collect();
    let t = &input.tally;
    json!({
        "tool": concat!("auditsift ", env!("CARGO_PKG_VERSION")),
        "generated": format_utc(&chrono::Utc::now()),
        "title": input.title,
        "filters": input.filters,
        "input": {
            "files": input.files.iter().map(|(path, n)| json!({"path": path, "records": n})).collect::<Vec<_>>(),
            "read": t.read,
            "parsed": t.parsed,
            "rejected": t.rejected,
            "duplicates": t.duplicates,
            "matched": t.matched,
            "skipped": t.skipped,
            "rejects": input.rejects.iter().map(|e| json!({
                "source": if e.source.is_empty() { format!("record {}", e.index) } else { e.source.clone() },
                "reason": e.reason,
                "raw": e.raw,
            })).collect::<Vec<_>>(),
        },
        "sessions": sessions.iter().map(|s| session_json(s)).collect::<Vec<_>>(),
        "events": events,
        "exposure": input.exposure,
    })
}

/// Escapes serialized JSON so it can sit inside a `<script>` element: it stays the same JSON
/// value, and can never contain `</script`, `<!--` or a line separator that old parsers reject.
pub fn escape_json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Builds the report's raw document: the events' raw AuditData, in event order, compressed
/// (`null` when the input leaves raw AuditData out). See `docs/report-data.md`.
pub fn report_raw(input: &ReportInput<'_>) -> io::Result<String> {
    let raws: Option<Vec<&str>> = input.include_raw.then(|| {
        input
            .records
            .iter()
            .map(|c| c.record.raw.as_ref())
            .collect()
    });
    raw::raw_document(raws.as_deref())
}

/// Writes the complete HTML report.
pub fn write_report(input: &ReportInput<'_>, out: &mut impl Write) -> io::Result<()> {
    // The raw text is compressed (on all cores) while the data is serialized.
    let (data, raw) = rayon::join(
        || serde_json::to_string(&report_data(input)).map_err(io::Error::other),
        || report_raw(input),
    );
    let (data, raw) = (data?, raw?);
    write_html(
        &escape_json_for_script(&data),
        &escape_json_for_script(&raw),
        out,
    )
}

/// Fills the template. Each placeholder is found once in the (trusted) template and the pieces are
/// written in template order, so inserted text is never searched again: the data could contain a
/// placeholder's spelling.
fn write_html(escaped_data: &str, escaped_raw: &str, out: &mut impl Write) -> io::Result<()> {
    let mut parts = Vec::new();
    for (placeholder, value) in [
        ("/*AUDITSIFT_CSS*/", CSS),
        ("/*AUDITSIFT_JS*/", SCRIPT),
        ("{{AUDITSIFT_DATA}}", escaped_data),
        ("{{AUDITSIFT_RAW}}", escaped_raw),
    ] {
        let at = TEMPLATE.find(placeholder).ok_or_else(|| {
            io::Error::other(format!(
                "report template lacks the placeholder {placeholder}"
            ))
        })?;
        parts.push((at, placeholder.len(), value));
    }
    parts.sort_by_key(|(at, _, _)| *at);
    let mut written = 0;
    for (at, len, value) in parts {
        out.write_all(&TEMPLATE.as_bytes()[written..at])?;
        out.write_all(value.as_bytes())?;
        written = at + len;
    }
    out.write_all(&TEMPLATE.as_bytes()[written..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{Collector, parse_batch};
    use crate::filter::Filter;

    fn hostile_records() -> Vec<Collected> {
        let docs = [
            r#"{"CreationTime":"2026-03-02T07:00:00","Id":"1","Operation":"New-InboxRule","SessionId":"S","UserId":"m@c.com","Parameters":[{"Name":"Name","Value":"</script><script>alert(1)</script>"}]}"#,
            r#"{"CreationTime":"2026-03-02T07:01:00","Id":"2","Operation":"HardDelete","UserId":"m@c.com","AffectedItems":[{"Subject":"<img src=x onerror=alert(2)> \u2028 & {{AUDITSIFT_DATA}} /*AUDITSIFT_JS*/ {{AUDITSIFT_RAW}}"}]}"#,
        ];
        let mut c = Collector::new();
        c.add_batch(parse_batch(&docs, &Filter::all()));
        c.finish().0
    }

    #[test]
    fn hostile_strings_cannot_leave_the_data_element() {
        let records = hostile_records();
        let input = ReportInput {
            title: "<b>t</b>",
            filters: vec!["--session </script>".into()],
            files: vec![("x.csv".into(), 2)],
            tally: Tally::default(),
            rejects: &[],
            records: &records.iter().collect::<Vec<_>>(),
            exposure: None,
            include_raw: true,
        };
        let mut html = Vec::new();
        write_report(&input, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        let start = html
            .find("<script id=\"auditsift-data\" type=\"application/json\">")
            .unwrap();
        let body = &html[start..];
        let body = &body[body.find('>').unwrap() + 1..];
        let data = &body[..body.find("</script>").unwrap()];
        assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'));
        assert!(!data.contains('\u{2028}'));
        let value: Value = serde_json::from_str(data).unwrap();
        assert_eq!(value["events"].as_array().unwrap().len(), 2);
        assert_eq!(
            value["events"][0]["d"],
            "Name=</script><script>alert(1)</script>"
        );
        assert!(
            value["events"][1]["d"]
                .as_str()
                .unwrap()
                .contains("{{AUDITSIFT_DATA}}")
        );
        assert_eq!(value["sessions"][0]["SessionId"], "S");
        assert_eq!(value["sessions"][1]["SessionId"], "");
        assert_eq!(value["events"][1]["s"], 1);
        assert_eq!(value["events"][0]["id"], "1");
        // The raw AuditData is in its own element after the page's script, compressed, intact.
        let open = "<script id=\"auditsift-raw\" type=\"application/json\">";
        let raw_start = html.find(open).unwrap() + open.len();
        assert!(raw_start > html.find("__auditsiftReady").unwrap());
        let raw = &html[raw_start..raw_start + html[raw_start..].find("</script>").unwrap()];
        assert!(!raw.contains(['<', '>', '&']));
        let texts: Vec<&str> = records.iter().map(|c| c.record.raw.as_ref()).collect();
        assert_eq!(raw::decode_raw_document(raw), texts);
        // Every script element is closed by its own end tag, not by the data.
        assert_eq!(html.matches("<script").count(), 3);
        assert_eq!(html.matches("</script").count(), 3);
        // The template's own placeholders are all gone, and the page's script is inlined once.
        assert!(!html.contains("/*AUDITSIFT_CSS*/"));
        assert_eq!(
            html.matches("__auditsiftReady").count(),
            SCRIPT.matches("__auditsiftReady").count()
        );
    }

    #[test]
    fn raw_text_can_be_left_out() {
        let records = hostile_records();
        let input = ReportInput {
            title: "",
            filters: vec![],
            files: vec![],
            tally: Tally::default(),
            rejects: &[],
            records: &records.iter().collect::<Vec<_>>(),
            exposure: None,
            include_raw: false,
        };
        let v = report_data(&input);
        assert!(v["events"][0].get("raw").is_none());
        assert_eq!(report_raw(&input).unwrap(), "null");
        let mut html = Vec::new();
        write_report(&input, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.contains("<script id=\"auditsift-raw\" type=\"application/json\">null</script>")
        );
    }
}
