//! The HTML report through the C ABI (`auditsift_report_*`), called as a host calls it: the bundled
//! incident parsed in batches (its AuditData column, as PowerShell hands it over) or read with the
//! native file reader gives the same embedded data as `auditsift report` on the same input and
//! filter; hostile text stays inside the data element; rejects are named and capped; every error
//! path.

mod common;

use common::{ATTACKER, SAMPLE, last_error, ok, parse, sample_audit_data};
use std::path::Path;
use std::process::Command;
use std::ptr;

use auditsift::ffi::reader::{auditsift_reader_free, auditsift_reader_next, auditsift_reader_open};
use auditsift::ffi::report::{
    AuditsiftReport, auditsift_report_add, auditsift_report_add_filter_text,
    auditsift_report_add_input, auditsift_report_add_rejected, auditsift_report_free,
    auditsift_report_new, auditsift_report_parse_filter, auditsift_report_set_title,
    auditsift_report_tally, auditsift_report_write,
};
use auditsift::ffi::{
    AUDITSIFT_FLAG_NO_RAW, AuditsiftFilter, AuditsiftFilterField, AuditsiftStatus, AuditsiftTally,
    auditsift_filter_add, auditsift_filter_free, auditsift_filter_new, auditsift_filter_set_start,
    auditsift_result_free, auditsift_result_tally,
};
use auditsift::record::parse_record;
use serde_json::Value;

const OWNER: &str = "megan.bowen@contoso.com";

// ---- calling the ABI ------------------------------------------------------------------------

/// The filters of one comparison, as the CLI takes them and as the ABI does.
struct Scope {
    cli: Vec<&'static str>,
    values: Vec<(AuditsiftFilterField, &'static str)>,
    start_ms: Option<i64>,
}

impl Scope {
    fn filter(&self) -> *mut AuditsiftFilter {
        let mut f = ptr::null_mut();
        ok(unsafe { auditsift_filter_new(&mut f) });
        for (field, v) in &self.values {
            ok(unsafe { auditsift_filter_add(f, *field as u32, v.as_ptr(), v.len()) });
        }
        if let Some(ms) = self.start_ms {
            ok(unsafe { auditsift_filter_set_start(f, ms) });
        }
        f
    }

    /// The filter words the CLI shows (`--session X`, one per value).
    fn words(&self) -> Vec<String> {
        self.cli.chunks(2).map(|w| w.join(" ")).collect()
    }
}

fn scopes() -> Vec<Scope> {
    vec![
        Scope {
            cli: vec!["--session", ATTACKER],
            values: vec![(AuditsiftFilterField::SessionId, ATTACKER)],
            start_ms: None,
        },
        // A user scope: the throttled records of the mailbox count for the exposure only.
        Scope {
            cli: vec!["--user", OWNER],
            values: vec![(AuditsiftFilterField::User, OWNER)],
            start_ms: None,
        },
        Scope {
            cli: vec![
                "--operation",
                "MailItemsAccessed",
                "--start",
                "2026-03-02T12:00:00Z",
            ],
            values: vec![(AuditsiftFilterField::Operation, "MailItemsAccessed")],
            // 2026-03-02T12:00:00Z
            start_ms: Some(1_772_452_800_000),
        },
        // Everything: the sample's bad row is rejected.
        Scope {
            cli: vec![],
            values: vec![],
            start_ms: None,
        },
    ]
}

/// A report handle on `scope`, with its parse filter.
fn new_report(scope: *const AuditsiftFilter) -> (*mut AuditsiftReport, *mut AuditsiftFilter) {
    let mut report = ptr::null_mut();
    ok(unsafe { auditsift_report_new(scope, &mut report) });
    let mut parse_filter = ptr::null_mut();
    ok(unsafe { auditsift_report_parse_filter(report, &mut parse_filter) });
    (report, parse_filter)
}

fn set_header(report: *mut AuditsiftReport, title: &str, words: &[String]) {
    ok(unsafe { auditsift_report_set_title(report, title.as_ptr(), title.len()) });
    for w in words {
        ok(unsafe { auditsift_report_add_filter_text(report, w.as_ptr(), w.len()) });
    }
}

fn write(report: *const AuditsiftReport, path: &Path, flags: u32) -> String {
    let p = path.to_str().unwrap();
    ok(unsafe { auditsift_report_write(report, p.as_ptr(), p.len(), flags) });
    std::fs::read_to_string(path).unwrap()
}

fn report_tally(report: *const AuditsiftReport) -> AuditsiftTally {
    let mut t = AuditsiftTally::default();
    ok(unsafe { auditsift_report_tally(report, &mut t) });
    t
}

// ---- the sample and the CLI -------------------------------------------------------------------

/// `auditsift report` on the sample (named as `SAMPLE`, from the repository root).
fn cli_report(args: &[&str], title: &str, output: &Path, no_raw: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditsift"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "-q", "--title", title, "-o"])
        .arg(output)
        .args(args);
    if no_raw {
        command.arg("--no-raw");
    }
    let out = command.arg(SAMPLE).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(output).unwrap()
}

/// The text of the page's `<script id="{id}" type="application/json">` element.
fn element_text<'h>(html: &'h str, id: &str) -> &'h str {
    let open = format!("<script id=\"{id}\" type=\"application/json\">");
    let start = html.find(&open).expect("the element") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    &html[start..end]
}

/// The data element's text, as the page holds it.
fn data_text(html: &str) -> &str {
    element_text(html, "auditsift-data")
}

/// The embedded data, without its generation time.
fn embedded(html: &str) -> Value {
    let mut v: Value = serde_json::from_str(data_text(html)).expect("the data is JSON");
    assert!(v["generated"].as_str().is_some_and(|t| t.ends_with('Z')));
    v["generated"] = Value::Null;
    v
}

/// Replaces each input file's path (the records read from it stay).
fn without_file_names(mut v: Value) -> Value {
    for f in v["input"]["files"].as_array_mut().unwrap() {
        f["path"] = Value::Null;
    }
    v
}

fn assert_same(abi: &Value, cli: &Value, what: &str) {
    if abi != cli {
        for key in [
            "title", "filters", "input", "sessions", "events", "exposure",
        ] {
            assert_eq!(abi[key], cli[key], "{what}: `{key}` differs");
        }
        panic!("{what}: the reports differ");
    }
}

// ---- through the ABI, compared with the CLI ---------------------------------------------------

/// The sample's AuditData in batches of 700 through `auditsift_parse_batch` and
/// `auditsift_report_add` gives the CLI's report, apart from the input's name and, for the one
/// rejected row, its location (the CLI names the file and row; the host gave bare documents).
#[test]
fn batches_through_the_abi_give_the_cli_report() {
    let docs = sample_audit_data();
    let bad = docs
        .iter()
        .position(|d| parse_record(d).is_err())
        .expect("the sample has a bad row");
    let dir = tempfile::tempdir().unwrap();
    for (n, scope) in scopes().iter().enumerate() {
        let words = scope.words();
        let what = format!("filters {words:?}");
        for no_raw in [false, true] {
            let flags = if no_raw { AUDITSIFT_FLAG_NO_RAW } else { 0 };
            let cli_path = dir.path().join(format!("cli-{n}-{no_raw}.html"));
            let cli_html = cli_report(&scope.cli, "Incident 4711", &cli_path, no_raw);
            let mut cli = embedded(&cli_html);

            let scope_filter = scope.filter();
            let (report, parse_filter) = new_report(scope_filter);
            // The scope is copied: the host may free its filter at once.
            unsafe { auditsift_filter_free(scope_filter) };
            set_header(report, "Incident 4711", &words);
            for page in docs.chunks(700) {
                let result = parse(page, parse_filter, AUDITSIFT_FLAG_NO_RAW);
                ok(unsafe { auditsift_report_add(report, result) });
                unsafe { auditsift_result_free(result) };
            }
            let name = "pipeline";
            ok(unsafe {
                auditsift_report_add_input(report, name.as_ptr(), name.len(), docs.len() as u64)
            });
            let abi_path = dir.path().join(format!("abi-{n}-{no_raw}.html"));
            let html = write(report, &abi_path, flags);
            let mut abi = embedded(&html);
            // The raw AuditData (compressed chunks) is the CLI's, byte for byte.
            assert_eq!(
                element_text(&html, "auditsift-raw"),
                element_text(&cli_html, "auditsift-raw"),
                "{what}: raw AuditData differs"
            );
            assert_eq!(abi["input"]["files"][0]["path"], "pipeline");

            // The report's tally is the one it shows, and accounts for every document.
            let t = report_tally(report);
            let input = &abi["input"];
            assert_eq!(t.read, docs.len() as u64);
            assert_eq!(input["read"], t.read);
            assert_eq!(input["matched"], t.matched);
            assert_eq!(input["duplicates"], t.duplicates);
            assert_eq!(t.read, t.skipped + t.rejected + t.parsed);
            assert_eq!(t.parsed, t.filtered_out + t.duplicates + t.matched);
            assert_eq!(abi["events"].as_array().unwrap().len() as u64, t.matched);

            // The bad row: the same reason and raw text; the ABI names it by its position.
            let cli_rejects = cli["input"]["rejects"].as_array_mut().unwrap();
            let abi_rejects = abi["input"]["rejects"].as_array_mut().unwrap();
            assert_eq!(cli_rejects.len(), abi_rejects.len(), "{what}");
            for (c, a) in cli_rejects.iter_mut().zip(abi_rejects.iter_mut()) {
                assert_eq!(a["source"], format!("record {bad}"));
                let cli_source = c["source"].as_str().unwrap();
                assert!(
                    cli_source.starts_with(&format!("{SAMPLE}:row {} ", bad + 1)),
                    "{cli_source}"
                );
                c["source"] = Value::Null;
                a["source"] = Value::Null;
            }
            if scope.cli.is_empty() {
                assert_eq!(abi_rejects.len(), 1);
            }
            assert_same(&without_file_names(abi), &without_file_names(cli), &what);
            unsafe {
                auditsift_filter_free(parse_filter);
                auditsift_report_free(report);
            }
        }
    }
}

/// The sample read by the native file reader (as Export-AuditReport -InputPath does) gives
/// exactly the CLI's report: the same file name, the same rejected row with its location.
#[test]
fn files_through_the_abi_give_the_cli_report_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // The reader opens paths relative to the process's directory: the tests run from the
    // repository root, as the CLI above does.
    assert!(
        Path::new(SAMPLE).is_file(),
        "tests run from the repository root"
    );
    for (n, scope) in scopes().iter().enumerate() {
        let words = scope.words();
        let cli_path = dir.path().join(format!("cli-{n}.html"));
        let cli = embedded(&cli_report(&scope.cli, "", &cli_path, false));

        let scope_filter = scope.filter();
        let (report, parse_filter) = new_report(scope_filter);
        set_header(report, "", &words);
        let mut reader = ptr::null_mut();
        ok(unsafe { auditsift_reader_open(SAMPLE.as_ptr(), SAMPLE.len(), &mut reader) });
        let mut items = 0;
        loop {
            let mut result = ptr::null_mut();
            ok(unsafe {
                auditsift_reader_next(
                    reader,
                    450,
                    parse_filter,
                    AUDITSIFT_FLAG_NO_RAW,
                    &mut result,
                )
            });
            let mut t = AuditsiftTally::default();
            ok(unsafe { auditsift_result_tally(result, &mut t) });
            if t.read > 0 {
                ok(unsafe { auditsift_report_add(report, result) });
            }
            unsafe { auditsift_result_free(result) };
            if t.read == 0 {
                break;
            }
            items += t.read;
        }
        unsafe { auditsift_reader_free(reader) };
        ok(unsafe { auditsift_report_add_input(report, SAMPLE.as_ptr(), SAMPLE.len(), items) });
        let abi = embedded(&write(report, &dir.path().join(format!("abi-{n}.html")), 0));
        assert_same(&abi, &cli, &format!("filters {words:?}"));
        unsafe {
            auditsift_filter_free(scope_filter);
            auditsift_filter_free(parse_filter);
            auditsift_report_free(report);
        }
    }
}

// ---- hostile text, rejects, and errors --------------------------------------------------------

const HOSTILE: &str = "</script><script>alert(1)</script><!-- \u{2028} & {{AUDITSIFT_DATA}}";

/// Subjects, rule names, titles, filters and raw text chosen by an attacker reach the page only as
/// escaped JSON inside the data element, and read back unchanged.
#[test]
fn hostile_text_stays_inside_the_data_element() {
    let subject = serde_json::to_string(HOSTILE).unwrap();
    let docs = vec![
        format!(
            r#"{{"CreationTime":"2026-03-02T07:35:02","Id":"h1","Operation":"HardDelete","SessionId":"{ATTACKER}","UserId":"{OWNER}","AffectedItems":[{{"Subject":{subject}}}]}}"#
        ),
        format!(
            r#"{{"CreationTime":"2026-03-02T07:27:40","Id":"h2","Operation":"New-InboxRule","SessionId":"{ATTACKER}","UserId":"{OWNER}","Parameters":[{{"Name":"Name","Value":{subject}}}]}}"#
        ),
        format!("{{\"Id\":\"broken\",\"SessionId\":\"{ATTACKER}\",\"Subject\":\"{HOSTILE}\\q\"}}"),
    ];
    let (report, parse_filter) = new_report(ptr::null());
    set_header(report, HOSTILE, &[format!("-Operation {HOSTILE}")]);
    let result = parse(&docs, parse_filter, 0);
    ok(unsafe { auditsift_report_add(report, result) });
    unsafe { auditsift_result_free(result) };
    ok(unsafe {
        auditsift_report_add_rejected(
            report,
            HOSTILE.as_ptr(),
            HOSTILE.len(),
            "no AuditData".as_ptr(),
            12,
            HOSTILE.as_ptr(),
            HOSTILE.len(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let html = write(report, &dir.path().join("hostile.html"), 0);
    unsafe {
        auditsift_filter_free(parse_filter);
        auditsift_report_free(report);
    }

    assert!(!html.contains("<script>alert(1)</script>"));
    let text = data_text(&html);
    assert!(!text.contains(['<', '>', '&', '\u{2028}']), "{text}");
    let v = embedded(&html);
    assert_eq!(v["title"], HOSTILE);
    assert_eq!(v["filters"][0], format!("-Operation {HOSTILE}"));
    let details: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["d"].as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 2);
    assert!(details.iter().all(|d| d.contains(HOSTILE)), "{details:?}");
    let rejects = v["input"]["rejects"].as_array().unwrap();
    assert_eq!(rejects.len(), 2);
    assert_eq!(rejects[0]["source"], "record 2");
    assert_eq!(rejects[0]["raw"], docs[2]);
    assert_eq!(rejects[1]["source"], HOSTILE);
    assert_eq!(rejects[1]["raw"], HOSTILE);
    assert_eq!(
        (v["input"]["read"].as_u64(), v["input"]["rejected"].as_u64()),
        (Some(4), Some(2))
    );
}

/// Rejected documents without a location are named by their position among every item added
/// (results and host rejects, in the order added); only the first 1,000 are kept, all are counted.
#[test]
fn rejects_are_numbered_across_batches_and_capped() {
    let good = |id: usize| {
        format!(r#"{{"Id":"g{id}","CreationTime":"2026-03-02T07:00:00","Operation":"Send"}}"#)
    };
    let (report, parse_filter) = new_report(ptr::null());
    // Batch 1: three good documents. Batch 2: good, bad, good.
    let first: Vec<String> = (0..3).map(good).collect();
    let second = vec![good(3), "{not json".to_owned(), good(4)];
    for batch in [&first, &second] {
        let result = parse(batch, parse_filter, 0);
        ok(unsafe { auditsift_report_add(report, result) });
        unsafe { auditsift_result_free(result) };
    }
    // A host reject comes next: position 6. Then 1,100 bad documents in one batch.
    let reason = "the input has no AuditData";
    ok(unsafe {
        auditsift_report_add_rejected(
            report,
            ptr::null(),
            0,
            reason.as_ptr(),
            reason.len(),
            ptr::null(),
            0,
        )
    });
    let bad: Vec<String> = (0..1100).map(|i| format!("{{bad {i}")).collect();
    let result = parse(&bad, parse_filter, 0);
    ok(unsafe { auditsift_report_add(report, result) });
    unsafe { auditsift_result_free(result) };

    let t = report_tally(report);
    assert_eq!((t.read, t.rejected, t.matched), (1107, 1102, 5));
    let dir = tempfile::tempdir().unwrap();
    let v = embedded(&write(
        report,
        &dir.path().join("r.html"),
        AUDITSIFT_FLAG_NO_RAW,
    ));
    let rejects = v["input"]["rejects"].as_array().unwrap();
    assert_eq!(rejects.len(), 1000);
    assert_eq!(v["input"]["rejected"], 1102);
    assert_eq!(rejects[0]["source"], "record 4");
    assert_eq!(rejects[0]["raw"], "{not json");
    assert_eq!(rejects[1]["source"], "record 6");
    assert_eq!(rejects[1]["reason"], reason);
    assert_eq!(rejects[2]["source"], "record 7");
    assert_eq!(rejects[2]["raw"], "{bad 0");
    assert_eq!(rejects[999]["raw"], "{bad 997");
    // NO_RAW leaves the records' AuditData out, not the rejects' raw text.
    assert!(v["events"][0].get("raw").is_none());
    unsafe {
        auditsift_filter_free(parse_filter);
        auditsift_report_free(report);
    }
}

#[test]
fn error_paths_return_status_and_name_the_problem() {
    let null_report: *mut AuditsiftReport = ptr::null_mut();
    let text = "x";
    unsafe {
        assert_eq!(
            auditsift_report_new(ptr::null(), ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        assert!(last_error().contains("`out`"), "{}", last_error());
        let mut f = ptr::null_mut();
        assert_eq!(
            auditsift_report_parse_filter(null_report, &mut f),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_set_title(null_report, text.as_ptr(), 1),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add_filter_text(null_report, text.as_ptr(), 1),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add_input(null_report, text.as_ptr(), 1, 1),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add(null_report, ptr::null()),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add_rejected(
                null_report,
                ptr::null(),
                0,
                text.as_ptr(),
                1,
                ptr::null(),
                0
            ),
            AuditsiftStatus::NullArgument
        );
        let mut t = AuditsiftTally::default();
        assert_eq!(
            auditsift_report_tally(null_report, &mut t),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_write(null_report, text.as_ptr(), 1, 0),
            AuditsiftStatus::NullArgument
        );
        auditsift_report_free(ptr::null_mut());

        let (report, parse_filter) = new_report(ptr::null());
        assert_eq!(
            auditsift_report_parse_filter(report, ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add(report, ptr::null()),
            AuditsiftStatus::NullArgument
        );
        assert!(last_error().contains("`result`"), "{}", last_error());
        assert_eq!(
            auditsift_report_tally(report, ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        // Text must be UTF-8, present when it has a length, and not empty where it names something.
        let bad = [b'a', 0xff, b'b'];
        assert_eq!(
            auditsift_report_set_title(report, bad.as_ptr(), 3),
            AuditsiftStatus::InvalidUtf8
        );
        assert!(
            last_error().contains("title") && last_error().contains("byte 1"),
            "{}",
            last_error()
        );
        assert_eq!(
            auditsift_report_set_title(report, ptr::null(), 4),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_report_add_filter_text(report, text.as_ptr(), 0),
            AuditsiftStatus::InvalidArgument
        );
        assert_eq!(
            auditsift_report_add_input(report, bad.as_ptr(), 3, 1),
            AuditsiftStatus::InvalidUtf8
        );
        assert_eq!(
            auditsift_report_add_input(report, text.as_ptr(), 0, 1),
            AuditsiftStatus::InvalidArgument
        );
        assert!(last_error().contains("input name"), "{}", last_error());
        assert_eq!(
            auditsift_report_add_rejected(report, ptr::null(), 0, ptr::null(), 0, ptr::null(), 0),
            AuditsiftStatus::InvalidArgument
        );
        assert!(last_error().contains("reason"), "{}", last_error());
        assert_eq!(
            auditsift_report_add_rejected(
                report,
                bad.as_ptr(),
                3,
                text.as_ptr(),
                1,
                ptr::null(),
                0
            ),
            AuditsiftStatus::InvalidUtf8
        );
        // Failed calls changed nothing.
        assert_eq!(report_tally(report), AuditsiftTally::default());

        // Paths: empty, not UTF-8, a directory, a folder that does not exist.
        assert_eq!(
            auditsift_report_write(report, text.as_ptr(), 0, 0),
            AuditsiftStatus::InvalidArgument
        );
        assert_eq!(
            auditsift_report_write(report, bad.as_ptr(), 3, 0),
            AuditsiftStatus::InvalidUtf8
        );
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().to_str().unwrap();
        assert_eq!(
            auditsift_report_write(report, folder.as_ptr(), folder.len(), 0),
            AuditsiftStatus::Io
        );
        assert!(last_error().starts_with(folder), "{}", last_error());
        let missing = dir.path().join("no/such/folder/r.html");
        let missing = missing.to_str().unwrap();
        assert_eq!(
            auditsift_report_write(report, missing.as_ptr(), missing.len(), 0),
            AuditsiftStatus::Io
        );
        assert!(last_error().starts_with(missing), "{}", last_error());
        // The report is still usable, and an empty one is a valid page.
        let html = write(report, &dir.path().join("empty.html"), 0);
        let v = embedded(&html);
        assert_eq!(v["events"].as_array().map(Vec::len), Some(0));
        assert!(v["exposure"].is_null());
        auditsift_filter_free(parse_filter);
        auditsift_report_free(report);
    }
}
