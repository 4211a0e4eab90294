//! The `auditsift` binary end to end: readers, subcommands, formats, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const ATTACKER: &str = "7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53";

fn sample() -> String {
    format!("{}/examples/incident.csv", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_auditsift"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn truth() -> serde_json::Value {
    let path = format!(
        "{}/examples/incident.truth.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn timeline_of_the_attacker_session_matches_the_truth() {
    let out = run(
        &[
            "timeline",
            "--session",
            ATTACKER,
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<serde_json::Value> = lines(&out)
        .iter()
        .map(|v| serde_json::json!({"CreationTime": v["CreationTime"], "Id": v["Id"], "Operation": v["Operation"]}))
        .collect();
    assert_eq!(serde_json::Value::Array(got), truth()["attacker_timeline"]);
    let first = &lines(&out)[0];
    for field in [
        "Workload",
        "RecordType",
        "UserId",
        "SessionId",
        "AADSessionId",
        "ClientIP",
        "ClientInfoString",
        "LogonType",
        "MailboxOwnerUPN",
        "ResultStatus",
        "MailAccessType",
        "IsThrottled",
        "OperationCount",
        "Items",
        "Folders",
        "AuditData",
    ] {
        assert!(first.get(field).is_some(), "{field}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3000 records read"), "{stderr}");
    assert!(stderr.contains("49 matched"), "{stderr}");
}

#[test]
fn convert_reports_the_bad_row_and_strict_exits_3() {
    let out = run(
        &["convert", "--no-raw", "--format", "jsonl", &sample()],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let truth = truth();
    assert_eq!(
        lines(&out).len() as u64,
        truth["unique_records"].as_u64().unwrap()
    );
    assert!(lines(&out)[0].get("AuditData").is_none());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let row = truth["invalid"][0]["row"].as_u64().unwrap();
    assert!(
        stderr.contains(&format!("incident.csv:row {row}")),
        "{stderr}"
    );
    assert!(stderr.contains("30 duplicates dropped"), "{stderr}");
    let strict = run(&["convert", "--strict", "--quiet", &sample()], None);
    assert_eq!(strict.status.code(), Some(3));
}

#[test]
fn sessions_inventory() {
    let out = run(&["sessions", "--format", "jsonl", &sample()], None);
    assert_eq!(out.status.code(), Some(0));
    let sessions = lines(&out);
    let attacker = sessions
        .iter()
        .find(|s| s["SessionId"] == ATTACKER)
        .unwrap();
    assert_eq!(attacker["Records"], 49);
    assert_eq!(attacker["Operations"]["HardDelete"], 30);
    assert!(
        sessions.iter().any(|s| s["SessionId"].is_null()),
        "records without a session are kept"
    );
    for key in [
        "FirstSeen",
        "LastSeen",
        "Users",
        "ClientIPs",
        "ClientInfoStrings",
    ] {
        assert!(attacker.get(key).is_some(), "{key}");
    }
}

#[test]
fn stdin_jsonl_gzip_and_several_files_are_one_input() {
    let docs = [
        r#"{"CreationTime":"2026-03-02T08:00:00","Id":"b","Operation":"Send","SessionId":"S1"}"#,
        r#"{"AuditData":"{\"CreationTime\":\"2026-03-02T07:00:00\",\"Id\":\"a\",\"Operation\":\"HardDelete\",\"SessionId\":\"S1\"}"}"#,
        "{broken",
    ];
    let jsonl = docs.join("\n");
    let out = run(
        &["timeline", "--format", "jsonl", "-"],
        Some(jsonl.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    let ids: Vec<_> = lines(&out)
        .iter()
        .map(|v| v["Id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:line 3"));

    let dir = tempfile::tempdir().unwrap();
    let gz_path = dir.path().join("x.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(jsonl.as_bytes()).unwrap();
    gz.finish().unwrap();
    let array_path = dir.path().join("y.json");
    std::fs::write(
        &array_path,
        format!(
            "[{},\n{}]",
            docs[0], r#"{"CreationTime":"2026-03-02T06:00:00","Id":"c","Operation":"Send"}"#
        ),
    )
    .unwrap();
    let out = run(
        &[
            "timeline",
            "--format",
            "jsonl",
            gz_path.to_str().unwrap(),
            array_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<_> = lines(&out)
        .iter()
        .map(|v| v["Id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["c", "a", "b"],
        "b appears in both files and is kept once"
    );
}

#[test]
fn csv_and_table_output_are_safe() {
    let doc = r#"{"CreationTime":"2026-03-02T08:00:00","Id":"x","Operation":"=cmd|' /C calc'!A0","SessionId":"S","AffectedItems":[{"Subject":"\u001b[31mred\u001b]0;title\u0007 @SUM(1)"}]}"#;
    let out = run(&["timeline", "--format", "csv", "-"], Some(doc.as_bytes()));
    let csv_text = String::from_utf8_lossy(&out.stdout);
    assert!(csv_text.contains("'=cmd"), "{csv_text}");
    let out = run(
        &["timeline", "--format", "table", "-"],
        Some(doc.as_bytes()),
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(table.contains("\\x1b[31mred"), "{table}");
}

#[test]
fn exit_codes_for_usage_and_missing_files() {
    assert_eq!(run(&["timeline"], None).status.code(), Some(2));
    assert_eq!(
        run(&["timeline", "--start", "yesterday", "x"], None)
            .status
            .code(),
        Some(2)
    );
    let out = run(&["timeline", "/no/such/file.csv"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.csv"));
}

#[test]
fn time_filters_and_report() {
    let out = run(
        &[
            "timeline",
            "--session",
            ATTACKER,
            "--start",
            "2026-03-03",
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    let got = lines(&out);
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|v| {
        v["CreationTime"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-03")
    }));
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = run(
        &[
            "report",
            "--session",
            ATTACKER,
            "-o",
            html.to_str().unwrap(),
            &sample(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(html).unwrap();
    assert!(text.contains("auditsift-data") && !text.contains("{{AUDITSIFT_DATA}}"));
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/files/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditsift"));
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_subcommand_in_every_format() {
    let inputs = [
        fixture("purview.csv"),
        fixture("lines.jsonl"),
        fixture("sual.csv"),
    ];
    let files: Vec<&str> = inputs.iter().map(String::as_str).collect();
    for (command, formats) in [
        ("timeline", &["table", "csv", "jsonl"][..]),
        ("sessions", &["table", "csv", "jsonl"][..]),
        ("convert", &["csv", "jsonl"][..]),
    ] {
        for format in formats {
            let mut args = vec![command, "--format", format, "--session", ATTACKER];
            args.extend(&files);
            let out = run(&args, None);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{command} {format}: {}",
                stderr(&out)
            );
            let text = stdout(&out);
            let rows = match *format {
                "jsonl" => text
                    .lines()
                    .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                    .collect::<Vec<_>>()
                    .len(),
                "csv" => {
                    let mut r = csv::Reader::from_reader(text.as_bytes());
                    let header = r.headers().unwrap().clone();
                    let first = if command == "sessions" {
                        "SessionId"
                    } else {
                        "CreationTime"
                    };
                    assert_eq!(&header[0], first);
                    r.records().collect::<Result<Vec<_>, _>>().unwrap().len()
                }
                _ => {
                    let first = text.lines().next().unwrap();
                    assert!(first.starts_with(if command == "sessions" {
                        "SessionId"
                    } else {
                        "CreationTime"
                    }));
                    text.lines().count() - 1
                }
            };
            // 6 distinct attacker records over the three files (several repeated); 1 session.
            let expected = if command == "sessions" { 1 } else { 6 };
            assert_eq!(rows, expected, "{command} {format}:\n{text}");
        }
    }
}

#[test]
fn timeline_jsonl_fields_and_order_across_shapes() {
    let mut args = vec!["timeline", "--format", "jsonl"];
    let inputs: Vec<String> = [
        "purview.csv",
        "sual.csv",
        "classic.csv",
        "mailbox.csv",
        "array.json",
        "graph.json",
        "lines.jsonl",
        "concatenated.json",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    args.extend(inputs.iter().map(String::as_str));
    let out = run(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = lines(&out);
    let times: Vec<&str> = records
        .iter()
        .map(|r| r["CreationTime"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    assert!(times.iter().all(|t| t.ends_with('Z')));
    // Unique ids: the same records in several files are kept once.
    let ids: Vec<&str> = records.iter().filter_map(|r| r["Id"].as_str()).collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len());
    assert_eq!(unique.len(), 7);
    let send = records.iter().find(|r| r["Operation"] == "Send").unwrap();
    for (key, value) in [
        ("SessionId", serde_json::json!(ATTACKER)),
        (
            "AADSessionId",
            serde_json::json!("2f8d6b1c-94a3-4e57-8c21-6a0b3d9e5f74"),
        ),
        ("ClientIP", serde_json::json!("185.73.124.135:19823")),
        ("LogonType", serde_json::json!("Owner")),
        ("Workload", serde_json::json!("Exchange")),
        ("RecordType", serde_json::json!(2)),
        (
            "MailboxOwnerUPN",
            serde_json::json!("megan.bowen@contoso.com"),
        ),
    ] {
        assert_eq!(send[key], value, "{key}");
    }
    assert_eq!(send["Items"][0]["Role"], "Item");
    assert!(
        send["AuditData"]
            .as_str()
            .unwrap()
            .contains("\"Operation\": \"Send\"")
    );
    let bind = records
        .iter()
        .find(|r| r["MailAccessType"] == "Bind" && r["Id"].is_string())
        .unwrap();
    assert_eq!(bind["OperationCount"], 2);
    assert_eq!(bind["IsThrottled"], false);
    assert_eq!(
        bind["Folders"],
        serde_json::json!([{"Path": "\\Inbox", "MessageIds": ["<m1@contoso.com>", "<m2@contoso.com>"]}])
    );
    let rule = records
        .iter()
        .find(|r| r["Operation"] == "New-InboxRule")
        .unwrap();
    assert_eq!(
        rule["Parameters"][0],
        serde_json::json!({"Name": "Name", "Value": "@SUM(1+1)"})
    );
    // A record without CreationTime takes the CSV's CreationDate.
    assert!(
        records
            .iter()
            .any(|r| r["CreationTime"] == "2023-09-26T01:51:34Z")
    );
    let err = stderr(&out);
    assert!(
        err.contains("purview.csv:row 5 (line 35): AuditData is not valid JSON"),
        "{err}"
    );
    assert!(err.contains("purview.csv:row 4 (line 34): CreationDate '3/12/2025 7:31:34 PM' could be month/day or day/month"), "{err}");
}

#[test]
fn no_raw_leaves_the_audit_data_out() {
    for format in ["jsonl", "csv"] {
        let out = run(
            &[
                "convert",
                "--no-raw",
                "--format",
                format,
                &fixture("classic.csv"),
            ],
            None,
        );
        let text = stdout(&out);
        // UserKey is only in the raw AuditData.
        assert!(!text.contains("UserKey"), "{text}");
        let out = run(
            &["convert", "--format", format, &fixture("classic.csv")],
            None,
        );
        assert!(stdout(&out).contains("UserKey"));
    }
}

#[test]
fn hostile_strings_in_csv_and_table() {
    let send = fixture("purview.csv");
    let csv_out = stdout(&run(
        &["timeline", "--format", "csv", "--operation", "Send", &send],
        None,
    ));
    let mut reader = csv::Reader::from_reader(csv_out.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    let detail = &row[17];
    assert!(detail.starts_with("'=HYPERLINK"), "{detail}");
    let rule = stdout(&run(
        &[
            "timeline",
            "--format",
            "csv",
            "--no-raw",
            "--operation",
            "New-InboxRule",
            &fixture("classic.csv"),
        ],
        None,
    ));
    assert!(
        rule.contains(",'Name=@SUM(1+1),") || rule.contains("Name=@SUM(1+1)"),
        "{rule}"
    );
    let table = stdout(&run(&["timeline", "--format", "table", &send], None));
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!table.contains(bad), "{bad:?} in\n{table}");
    }
    assert!(
        table.contains("\\x1b[31mred\\x1b]0;title\\x07 \\u{202e}gnp.exe"),
        "{table}"
    );
    let sessions = stdout(&run(&["sessions", "--format", "csv", &send], None));
    assert!(
        !sessions.lines().skip(1).any(|l| l.starts_with('=')),
        "{sessions}"
    );
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let sample = sample();
    for args in [
        vec!["convert", "--format", "jsonl", sample.as_str()],
        vec!["convert", "--format", "csv", sample.as_str()],
        vec![
            "timeline",
            "--format",
            "csv",
            "--user",
            "megan.bowen@contoso.com",
            sample.as_str(),
        ],
        vec!["sessions", "--format", "jsonl", sample.as_str()],
        vec![
            "timeline",
            "--format",
            "jsonl",
            "--session",
            ATTACKER,
            sample.as_str(),
        ],
    ] {
        let one = run_env(&args, &[("RAYON_NUM_THREADS", "1")]);
        let two = run_env(&args, &[("RAYON_NUM_THREADS", "2")]);
        let four = run_env(&[&args[..1], &["--threads", "4"], &args[1..]].concat(), &[]);
        assert_eq!(one.status.code(), Some(0));
        assert!(one.stdout.len() > 1000);
        assert!(one.stdout == two.stdout, "{args:?}");
        assert!(one.stdout == four.stdout, "{args:?}");
        assert_eq!(stderr(&one), stderr(&two));
    }
}

#[test]
fn rejected_records_are_capped_on_stderr_and_all_kept_in_the_errors_file() {
    let mut input = String::new();
    for i in 0..30 {
        input.push_str(&format!("{{\"Id\":\"bad{i}\",\n"));
        input.push_str(&format!("{{\"Id\":\"ok{i}\",\"Operation\":\"Send\"}}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.jsonl");
    let out = run(
        &["convert", "--errors", errors.to_str().unwrap(), "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out).len(), 30);
    let err = stderr(&out);
    assert_eq!(err.matches("auditsift: <stdin>:line ").count(), 20, "{err}");
    assert!(err.contains("auditsift: <stdin>:line 1: AuditData is not valid JSON"));
    assert!(err.contains("further rejected records are only in the errors file"));
    assert!(
        err.contains("60 records read, 30 parsed, 30 rejected"),
        "{err}"
    );
    let kept: Vec<serde_json::Value> = std::fs::read_to_string(&errors)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(kept.len(), 30);
    assert_eq!(kept[29]["Source"], "<stdin>:line 59");
    assert_eq!(kept[29]["Raw"], "{\"Id\":\"bad29\",");
    assert!(
        kept[0]["Reason"]
            .as_str()
            .unwrap()
            .contains("EOF while parsing")
    );
    let strict = run(&["convert", "--strict", "-q", "-"], Some(input.as_bytes()));
    assert_eq!(strict.status.code(), Some(3));
    assert!(stderr(&strict).is_empty(), "--quiet: {}", stderr(&strict));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["timeline"],
        vec!["frobnicate", "x"],
        vec!["timeline", "--end", "2026-13-01", "x"],
        vec!["convert", "--format", "table", "x"],
        vec!["timeline", "--format", "xml", "x"],
        vec!["timeline", "-", "-"],
    ] {
        let out = run(&args, Some(b""));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
        assert!(out.stdout.is_empty());
    }
    let help = run(&["--help"], None);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("timeline"));
}

#[test]
fn unreadable_files_exit_1_naming_the_file() {
    // A missing file stops everything before any reading.
    let out = run(
        &["convert", &fixture("classic.csv"), "/no/such/export.csv"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("auditsift: /no/such/export.csv: cannot open"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    // A file that is not an audit log: named, the others still read, exit 1.
    let out = run(
        &[
            "convert",
            "--format",
            "jsonl",
            &fixture("not_audit.csv"),
            &fixture("classic.csv"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 2);
    let err = stderr(&out);
    assert!(
        err.contains("not_audit.csv: not an audit log export"),
        "{err}"
    );
    assert!(err.contains("2 files (1 unreadable)"), "{err}");
    // A truncated gzip: what was read is written, then the error.
    let data: String = (0..3000)
        .map(|i| format!("{{\"Id\":\"{i}\",\"CreationTime\":\"2026-03-02T07:00:00\"}}\n"))
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl.gz");
    std::fs::write(&path, &gz[..gz.len() * 2 / 3]).unwrap();
    let out = run(&["convert", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(lines(&out).len() > 100);
    assert!(
        stderr(&out).contains("cut.jsonl.gz: read error: unexpected end of data"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn multi_line_csv_fields_and_mailbox_exports() {
    let out = run(
        &[
            "timeline",
            "--format",
            "jsonl",
            "--operation",
            "Send",
            &fixture("purview.csv"),
        ],
        None,
    );
    let records = lines(&out);
    assert_eq!(records.len(), 1);
    assert!(records[0]["AuditData"].as_str().unwrap().lines().count() > 20);
    assert_eq!(
        records[0]["Items"][0]["InternetMessageId"],
        "<s2@contoso.com>"
    );
    let out = run(
        &["sessions", "--format", "jsonl", &fixture("mailbox.csv")],
        None,
    );
    let sessions = lines(&out);
    let attacker = sessions
        .iter()
        .find(|s| s["SessionId"] == ATTACKER)
        .unwrap();
    assert_eq!(attacker["Records"], 2);
    assert_eq!(
        attacker["Operations"],
        serde_json::json!({"HardDelete": 1, "MailItemsAccessed": 1})
    );
    assert_eq!(
        attacker["ClientIPs"],
        serde_json::json!(["185.107.57.20", "193.29.56.118"])
    );
    let err = stderr(&out);
    assert!(
        err.contains("mailbox.csv: 2 records had a date whose day and month could be swapped"),
        "{err}"
    );
}

/// `mailitems` on the bundled incident: the attacker session's exposure as the truth has it, in
/// every format, with the throttling hole told on stderr.
#[test]
fn mailitems_of_the_attacker_session() {
    let truth = truth();
    let want = &truth["attacker_exposure"];
    let out = run(
        &[
            "mailitems",
            "--session",
            ATTACKER,
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = lines(&out);
    let mailbox = &lines[0];
    assert!(mailbox["Context"].is_null());
    assert_eq!(mailbox["Mailbox"], want["mailbox"]);
    let messages: Vec<&str> = mailbox["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["InternetMessageId"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = want["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["internet_message_id"].as_str().unwrap())
        .collect();
    assert_eq!(messages, expected);
    let syncs: Vec<(&str, &str)> = mailbox["SyncFolders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["Folder"].as_str().unwrap(), s["Time"].as_str().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> = want["sync_folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["folder"].as_str().unwrap(), s["time"].as_str().unwrap()))
        .collect();
    assert_eq!(syncs, expected);
    assert_eq!(
        mailbox["ThrottledWindows"][0]["Start"],
        want["throttled"][0]["start"]
    );
    assert_eq!(
        mailbox["ThrottledWindows"][0]["End"],
        want["throttled"][0]["end"]
    );
    // Every other line is one context of the attacker's session; their messages add up.
    let contexts = &lines[1..];
    assert!(!contexts.is_empty());
    assert!(
        contexts
            .iter()
            .all(|c| c["Context"]["SessionId"] == ATTACKER && c["DuringThrottling"] == true)
    );
    let listed: u64 = contexts
        .iter()
        .flat_map(|c| c["Messages"].as_array().unwrap())
        .map(|m| m["Accesses"].as_u64().unwrap())
        .sum();
    let truth_accesses: u64 = want["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["accesses"].as_u64().unwrap())
        .sum();
    assert_eq!(listed, truth_accesses);
    let err = stderr(&out);
    assert!(
        err.contains(
            "WARNING: megan.bowen@contoso.com: from 2026-03-02T07:41:02Z to 2026-03-03T07:41:02Z"
        ),
        "{err}"
    );

    let csv_out = run(
        &[
            "mailitems",
            "--session",
            ATTACKER,
            "--format",
            "csv",
            &sample(),
        ],
        None,
    );
    let text = stdout(&csv_out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[1], "Kind");
    let kinds: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("Throttled"), 1);
    assert_eq!(
        count("Sync"),
        want["sync_folders"].as_array().unwrap().len()
    );
    assert_eq!(count("UnitemizedBinds"), 1);
    // One Message row per message and context: a message read in two contexts has two rows.
    assert_eq!(count("Message"), 20);

    let table = run(
        &[
            "mailitems",
            "--session",
            ATTACKER,
            "--format",
            "table",
            &sample(),
        ],
        None,
    );
    let text = stdout(&table);
    assert!(
        text.starts_with("Mailbox megan.bowen@contoso.com: 18 messages"),
        "{text}"
    );
    assert!(text.contains("!! Throttled 2026-03-02T07:41:02Z"));
}

/// `pivot`: from the attacker's Entra session, a message id and an address.
#[test]
fn pivots_from_an_entra_session_a_message_and_an_address() {
    let truth = truth();
    let aad = truth["attacker"]["aad_session_id"].as_str().unwrap();
    let out = run(
        &[
            "pivot",
            "--aad-session",
            aad,
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sessions = lines(&out);
    let ids: Vec<&serde_json::Value> = sessions.iter().map(|s| &s["SessionId"]).collect();
    assert_eq!(
        ids,
        [&serde_json::json!(ATTACKER), &serde_json::Value::Null]
    );
    assert_eq!(
        sessions[1]["Records"].as_u64().unwrap() as usize,
        truth["attacker_linked"].as_array().unwrap().len()
    );

    let records = run(
        &[
            "pivot",
            "--aad-session",
            aad,
            "--show",
            "records",
            "--no-raw",
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    let workloads: std::collections::BTreeSet<String> = lines(&records)
        .iter()
        .map(|r| r["Workload"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(workloads.contains("AzureActiveDirectory") && workloads.contains("OneDrive"));

    let message = "<AM0PR04MB6451648091139A57E6F9@AM0PR04MB6451.eurprd04.prod.outlook.com>";
    let out = run(
        &[
            "pivot",
            "--message-id",
            &message[1..message.len() - 1],
            "--format",
            "jsonl",
            &sample(),
        ],
        None,
    );
    let accesses = lines(&out);
    assert_eq!(
        accesses.len(),
        2,
        "read from two addresses of the attacker session"
    );
    assert!(
        accesses
            .iter()
            .all(|a| a["InternetMessageId"] == message && a["SessionId"] == ATTACKER)
    );
    let err = stderr(&out);
    assert!(err.contains(" 2 matched, "), "{err}");

    let out = run(
        &[
            "pivot",
            "--ip",
            "185.73.124.135:443",
            "--format",
            "csv",
            &sample(),
        ],
        None,
    );
    let text = stdout(&out);
    assert!(text.starts_with("SessionId,"));
    assert!(text.contains(ATTACKER));

    let usage = run(&["pivot", &sample()], None);
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("pivot needs --aad-session, --message-id or --ip"));
}
