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
