//! The native file reader through the C ABI (`auditsift_reader_*`), called as a host calls it:
//! every fixture shape read to its end and checked against the CLI's own pipeline, batch
//! boundaries, filters that need the file's columns, bad rows with their locations, null and
//! bad arguments, progress, failures part way, and readers on several threads.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::ptr;

use auditsift::batch::RecordError;
use auditsift::ffi::reader::{
    AuditsiftReader, auditsift_reader_free, auditsift_reader_next, auditsift_reader_open,
    auditsift_reader_progress,
};
use auditsift::ffi::{
    AUDITSIFT_FLAG_NO_RAW, AuditsiftField, AuditsiftFilter, AuditsiftResult, AuditsiftStatus,
    AuditsiftTable, AuditsiftTally, AuditsiftWarningKind, auditsift_collector_add,
    auditsift_collector_finish, auditsift_collector_free, auditsift_collector_new,
    auditsift_filter_add, auditsift_filter_free, auditsift_filter_new, auditsift_filter_set_start,
    auditsift_last_error, auditsift_result_free, auditsift_result_table,
    auditsift_result_table_len, auditsift_result_tally, auditsift_result_text,
    auditsift_result_text_len,
};
use auditsift::filter::FilterSpec;
use auditsift::input::pipeline::{Kept, Observer, PipelineOptions, read_inputs};
use auditsift::time::format_utc;

const ATTACKER: &str = "7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53";

const FIXTURES: [&str; 8] = [
    "purview.csv",
    "sual.csv",
    "classic.csv",
    "mailbox.csv",
    "array.json",
    "lines.jsonl",
    "graph.json",
    "concatenated.json",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/files")
        .join(name)
}

fn last_error() -> String {
    let mut buf = vec![0u8; 4096];
    let n = unsafe { auditsift_last_error(buf.as_mut_ptr(), buf.len()) };
    buf.truncate(n.min(4096));
    String::from_utf8(buf).unwrap()
}

/// A record as a host decodes it from the result tables.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rec {
    origin: i64,
    id: Option<String>,
    operation: Option<String>,
    time: Option<String>,
    audit_data: Option<String>,
}

/// An ERRORS row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ErrorRow {
    index: i64,
    reason: String,
    raw: String,
}

/// One result, decoded.
#[derive(Debug, Default)]
struct Decoded {
    records: Vec<Rec>,
    errors: Vec<ErrorRow>,
    /// WARNINGS rows: item index, kind, source, message.
    warnings: Vec<(i64, i64, String, String)>,
    tally: AuditsiftTally,
}

fn table(r: *const AuditsiftResult, t: AuditsiftTable) -> Vec<i64> {
    unsafe {
        let n = auditsift_result_table_len(r, t as u32);
        let mut v = vec![0i64; n];
        assert_eq!(
            auditsift_result_table(r, t as u32, v.as_mut_ptr(), n),
            AuditsiftStatus::Ok
        );
        v
    }
}

fn decode(r: *const AuditsiftResult) -> Decoded {
    unsafe {
        let n = auditsift_result_text_len(r);
        let mut text = vec![0u8; n];
        assert_eq!(
            auditsift_result_text(r, text.as_mut_ptr(), n),
            AuditsiftStatus::Ok
        );
        let at = |offset: i64, len: i64| -> Option<String> {
            (offset >= 0).then(|| {
                let bytes = &text[offset as usize..(offset + len) as usize];
                String::from_utf8(bytes.to_vec()).unwrap()
            })
        };
        let origins = table(r, AuditsiftTable::Origins);
        let fields = table(r, AuditsiftTable::Fields);
        let width = 2 * AuditsiftField::Count as usize;
        let field = |rec: usize, f: AuditsiftField| {
            let i = rec * width + 2 * f as usize;
            at(fields[i], fields[i + 1])
        };
        let records = origins
            .iter()
            .enumerate()
            .map(|(i, &origin)| Rec {
                origin,
                id: field(i, AuditsiftField::Id),
                operation: field(i, AuditsiftField::Operation),
                time: field(i, AuditsiftField::CreationTime),
                audit_data: field(i, AuditsiftField::AuditData),
            })
            .collect();
        let errors = table(r, AuditsiftTable::Errors)
            .chunks(5)
            .map(|e| ErrorRow {
                index: e[0],
                reason: at(e[1], e[2]).unwrap(),
                raw: at(e[3], e[4]).unwrap(),
            })
            .collect();
        let warnings = table(r, AuditsiftTable::Warnings)
            .chunks(6)
            .map(|w| (w[0], w[1], at(w[2], w[3]).unwrap(), at(w[4], w[5]).unwrap()))
            .collect();
        let mut tally = AuditsiftTally::default();
        assert_eq!(auditsift_result_tally(r, &mut tally), AuditsiftStatus::Ok);
        Decoded {
            records,
            errors,
            warnings,
            tally,
        }
    }
}

/// Owns a reader handle; frees it on drop. A reader may move between threads (one at a time).
struct Handle(*mut AuditsiftReader);

unsafe impl Send for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        unsafe { auditsift_reader_free(self.0) };
    }
}

fn open(path: &str) -> Result<Handle, (AuditsiftStatus, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { auditsift_reader_open(path.as_ptr(), path.len(), &mut out) };
    if status == AuditsiftStatus::Ok {
        assert!(!out.is_null());
        Ok(Handle(out))
    } else {
        assert!(out.is_null(), "no handle on failure");
        Err((status, last_error()))
    }
}

fn open_path(path: &Path) -> Handle {
    open(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// Reads one batch; `Ok(None)` at the end.
fn next(
    h: &Handle,
    max: usize,
    filter: *const AuditsiftFilter,
    flags: u32,
) -> Result<Option<Decoded>, String> {
    let mut out = ptr::null_mut();
    let status = unsafe { auditsift_reader_next(h.0, max, filter, flags, &mut out) };
    if status != AuditsiftStatus::Ok {
        assert!(out.is_null());
        return Err(format!("{status:?}: {}", last_error()));
    }
    let d = decode(out);
    unsafe { auditsift_result_free(out) };
    Ok((d.tally.read > 0).then_some(d))
}

/// Everything a reader gave, and the batches it came in.
#[derive(Debug, Default)]
struct Drained {
    records: Vec<Rec>,
    errors: Vec<ErrorRow>,
    warnings: Vec<(i64, i64, String, String)>,
    tally: AuditsiftTally,
    batches: Vec<AuditsiftTally>,
}

fn add(t: &mut AuditsiftTally, b: &AuditsiftTally) {
    t.read += b.read;
    t.skipped += b.skipped;
    t.rejected += b.rejected;
    t.parsed += b.parsed;
    t.filtered_out += b.filtered_out;
    t.duplicates += b.duplicates;
    t.matched += b.matched;
}

fn consistent(t: &AuditsiftTally) -> bool {
    t.read == t.skipped + t.rejected + t.parsed
        && t.parsed == t.filtered_out + t.duplicates + t.matched
}

fn drain(h: &Handle, max: usize, filter: *const AuditsiftFilter, flags: u32) -> Drained {
    let mut all = Drained::default();
    while let Some(d) = next(h, max, filter, flags).unwrap() {
        assert!(consistent(&d.tally), "{:?}", d.tally);
        assert_eq!(d.records.len() as u64, d.tally.matched);
        assert_eq!(d.errors.len() as u64, d.tally.rejected);
        add(&mut all.tally, &d.tally);
        all.batches.push(d.tally);
        all.records.extend(d.records);
        all.errors.extend(d.errors);
        all.warnings.extend(d.warnings);
    }
    // The end stays the end.
    assert!(next(h, max, filter, flags).unwrap().is_none());
    all
}

fn drain_file(path: &Path, max: usize, filter: *const AuditsiftFilter) -> Drained {
    drain(&open_path(path), max, filter, 0)
}

/// What the CLI's pipeline reads from the same file: the reference.
#[derive(Default)]
struct Reference {
    records: Vec<(Option<String>, Option<String>, Option<String>)>,
    rejects: Vec<RecordError>,
}

impl Observer for Reference {
    fn reject(&mut self, error: &RecordError) {
        self.rejects.push(error.clone());
    }
}

fn reference(path: &Path, spec: &FilterSpec) -> (Reference, auditsift::batch::Tally) {
    let mut observer = Reference::default();
    let mut records = Vec::new();
    let summary = read_inputs(
        &[path.to_path_buf()],
        spec,
        &PipelineOptions::default(),
        &mut observer,
        &mut |kept: Kept<'_>| {
            for (_, r) in &kept.records {
                records.push((
                    r.id.as_deref().map(str::to_owned),
                    r.operation.as_deref().map(str::to_owned),
                    r.creation_time.as_ref().map(format_utc),
                ));
            }
            Ok(())
        },
    )
    .unwrap();
    observer.records = records;
    (observer, summary.tally)
}

/// Checks a drained reader against the pipeline's reading of the same file.
fn assert_like_pipeline(path: &Path, all: &Drained, spec: &FilterSpec) {
    let (want, tally) = reference(path, spec);
    let got: Vec<_> = all
        .records
        .iter()
        .map(|r| (r.id.clone(), r.operation.clone(), r.time.clone()))
        .collect();
    let name = path.display();
    assert_eq!(got, want.records, "{name}: records");
    let t = &all.tally;
    assert_eq!(
        (t.read, t.skipped, t.rejected, t.parsed, t.filtered_out),
        (
            tally.read,
            tally.skipped,
            tally.rejected,
            tally.parsed,
            tally.filtered_out
        ),
        "{name}: tally"
    );
    assert_eq!(t.matched, tally.matched, "{name}: matched");
    let reasons: Vec<(String, String)> = all
        .errors
        .iter()
        .map(|e| (e.reason.clone(), e.raw.clone()))
        .collect();
    let wanted: Vec<(String, String)> = want
        .rejects
        .iter()
        .map(|e| (format!("{}: {}", e.source, e.reason), e.raw.clone()))
        .collect();
    assert_eq!(reasons, wanted, "{name}: errors");
}

/// Origins and error indexes together number every item of the file once, in file order.
fn assert_items_numbered(all: &Drained) {
    let mut numbers: Vec<i64> = all.records.iter().map(|r| r.origin).collect();
    numbers.extend(all.errors.iter().map(|e| e.index));
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), numbers.len(), "numbers are unique");
    assert!(
        numbers
            .iter()
            .all(|&n| n >= 0 && (n as u64) < all.tally.read)
    );
    assert!(all.records.windows(2).all(|w| w[0].origin < w[1].origin));
    assert!(all.errors.windows(2).all(|w| w[0].index < w[1].index));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

struct FilterHandle(*mut AuditsiftFilter);

impl FilterHandle {
    fn new() -> FilterHandle {
        let mut f = ptr::null_mut();
        assert_eq!(unsafe { auditsift_filter_new(&mut f) }, AuditsiftStatus::Ok);
        FilterHandle(f)
    }

    fn add(self, field: u32, value: &str) -> FilterHandle {
        let status = unsafe { auditsift_filter_add(self.0, field, value.as_ptr(), value.len()) };
        assert_eq!(status, AuditsiftStatus::Ok);
        self
    }
}

impl Drop for FilterHandle {
    fn drop(&mut self) {
        unsafe { auditsift_filter_free(self.0) };
    }
}

const SESSION_ID: u32 = 0;
const USER: u32 = 2;
const OPERATION: u32 = 3;

#[test]
fn every_fixture_shape_reads_like_the_pipeline() {
    for name in FIXTURES {
        let path = fixture(name);
        let all = drain_file(&path, 8192, ptr::null());
        assert!(!all.records.is_empty(), "{name}");
        assert!(consistent(&all.tally), "{name}: {:?}", all.tally);
        assert_like_pipeline(&path, &all, &FilterSpec::default());
        assert_items_numbered(&all);
        for r in &all.records {
            assert!(r.audit_data.as_deref().is_some_and(|a| a.starts_with('{')));
        }
    }
    // The Search-MailboxAuditLog rows have no AuditData: their time comes from LastAccessed.
    let mailbox = drain_file(&fixture("mailbox.csv"), 8192, ptr::null());
    assert_eq!(mailbox.records.len(), 3);
    assert_eq!(
        mailbox.records[0].time.as_deref(),
        Some("2026-03-02T07:03:12Z")
    );
    // The Graph page's two records.
    let graph = drain_file(&fixture("graph.json"), 8192, ptr::null());
    let ops: Vec<_> = graph
        .records
        .iter()
        .map(|r| r.operation.clone().unwrap())
        .collect();
    assert_eq!(ops, ["HardDelete", "MoveToDeletedItems"]);
}

#[test]
fn a_gzip_file_reads_like_its_content() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["purview.csv", "lines.jsonl"] {
        let plain = drain_file(&fixture(name), 8192, ptr::null());
        let gz = dir.path().join(format!("{name}.gz"));
        let compressed = gzip(&std::fs::read(fixture(name)).unwrap());
        std::fs::write(&gz, &compressed).unwrap();
        let h = open_path(&gz);
        let read = drain(&h, 8192, ptr::null(), 0);
        assert_eq!(read.records, plain.records, "{name}");
        assert_eq!(read.tally, plain.tally, "{name}");
        // Locations name the file read.
        let plain_reasons: Vec<String> = plain
            .errors
            .iter()
            .map(|e| e.reason.replace(fixture(name).to_str().unwrap(), "F"))
            .collect();
        let gz_reasons: Vec<String> = read
            .errors
            .iter()
            .map(|e| e.reason.replace(gz.to_str().unwrap(), "F"))
            .collect();
        assert_eq!(gz_reasons, plain_reasons, "{name}");
        let (mut done, mut total) = (0, 0);
        assert_eq!(
            unsafe { auditsift_reader_progress(h.0, &mut done, &mut total) },
            AuditsiftStatus::Ok
        );
        assert_eq!(
            (done, total),
            (compressed.len() as u64, compressed.len() as u64)
        );
    }
}

#[test]
fn bad_rows_are_errors_with_their_location_and_raw_text() {
    let path = fixture("purview.csv");
    let p = path.to_str().unwrap();
    let all = drain_file(&path, 8192, ptr::null());
    // Rows 1-5 are documents (row 5's JSON is bad), rows 6 and 7 cannot be read, row 8 is one.
    assert_eq!(all.tally.read, 8);
    assert_eq!(all.tally.rejected, 3);
    assert_eq!(all.records.len(), 5);
    let origins: Vec<i64> = all.records.iter().map(|r| r.origin).collect();
    assert_eq!(origins, [0, 1, 2, 3, 7]);
    let indexes: Vec<i64> = all.errors.iter().map(|e| e.index).collect();
    assert_eq!(indexes, [4, 5, 6]);
    assert!(
        all.errors[0]
            .reason
            .starts_with(&format!("{p}:row 5 (line 35): ")),
        "{}",
        all.errors[0].reason
    );
    assert!(all.errors[0].raw.starts_with('{'), "the AuditData kept");
    assert_eq!(
        all.errors[1].reason,
        format!("{p}:row 6 (line 36): row has 3 field(s) but AuditData is column 6 of the header")
    );
    assert!(
        all.errors[1]
            .raw
            .starts_with("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f09,")
    );
    assert_eq!(
        all.errors[2].reason,
        format!("{p}:row 7 (line 37): empty AuditData")
    );
    // Row 4's AuditData has no CreationTime and its CreationDate could be 12 March or 3 December:
    // read month first, and said so.
    assert_eq!(all.warnings.len(), 1, "{:?}", all.warnings);
    let (item, kind, source, message) = &all.warnings[0];
    assert_eq!(*item, 3);
    assert_eq!(*kind, AuditsiftWarningKind::AmbiguousDate as i64);
    assert_eq!(source, &format!("{p}:row 4 (line 34)"));
    assert!(message.contains("'3/12/2025 7:31:34 PM'"), "{message}");
}

#[test]
fn a_line_that_is_not_json_is_an_error_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let small = r#"{"Id":"a","Operation":"Send","CreationTime":"2026-03-02T07:00:00"}"#;
    let text = format!(
        "{small}\nnot json at all\n\n{}\n",
        small.replace("\"a\"", "\"b\"")
    );
    std::fs::write(&path, text).unwrap();
    let all = drain_file(&path, 1, ptr::null());
    assert_eq!(all.batches.len(), 3);
    assert_eq!(all.records.len(), 2);
    assert_eq!(
        (all.records[0].origin, all.records[1].origin),
        (0, 2),
        "the blank line is not an item"
    );
    assert_eq!(all.errors.len(), 1);
    assert_eq!(all.errors[0].index, 1);
    assert!(
        all.errors[0]
            .reason
            .starts_with(&format!("{}:line 2: ", path.display()))
    );
    assert_eq!(all.errors[0].raw, "not json at all");
}

#[test]
fn batch_boundaries_do_not_change_what_is_read() {
    for name in FIXTURES {
        let path = fixture(name);
        let whole = drain_file(&path, 8192, ptr::null());
        assert_eq!(whole.batches.len(), 1, "{name}");
        for max in [1, 3] {
            let split = drain_file(&path, max, ptr::null());
            assert_eq!(split.records, whole.records, "{name} by {max}");
            assert_eq!(split.errors, whole.errors, "{name} by {max}");
            assert_eq!(split.tally, whole.tally, "{name} by {max}");
            // A Graph response page is one item however many records it holds.
            if name != "graph.json" {
                assert!(
                    split.batches.iter().all(|b| b.read as usize <= max),
                    "{name} by {max}: {:?}",
                    split.batches
                );
                assert_eq!(
                    split.batches.len() as u64,
                    whole.tally.read.div_ceil(max as u64),
                    "{name} by {max}"
                );
            }
        }
    }
}

#[test]
fn a_filter_uses_the_files_columns_and_counts_what_it_drops() {
    // The AuditData lacks the user, operation and time: the CSV's columns give them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bare.csv");
    let mut csv = String::from("CreationDate,UserIds,Operations,AuditData\n");
    for (i, (date, user, op)) in [
        ("2026-03-01T10:00:00Z", "megan@contoso.com", "Send"),
        ("2026-03-02T10:00:00Z", "megan@contoso.com", "Send"),
        ("2026-03-02T11:00:00Z", "alex@contoso.com", "Send"),
        ("2026-03-02T12:00:00Z", "megan@contoso.com", "HardDelete"),
    ]
    .iter()
    .enumerate()
    {
        csv.push_str(&format!(
            "{date},{user},{op},\"{{\"\"Id\"\":\"\"id-{i}\"\"}}\"\n"
        ));
    }
    std::fs::write(&path, csv).unwrap();
    let f = FilterHandle::new()
        .add(USER, "MEGAN@contoso.com")
        .add(OPERATION, "send");
    // 2026-03-02T00:00:00Z
    assert_eq!(
        unsafe { auditsift_filter_set_start(f.0, 1_772_409_600_000) },
        AuditsiftStatus::Ok
    );
    let all = drain_file(&path, 2, f.0);
    let ids: Vec<_> = all.records.iter().map(|r| r.id.clone().unwrap()).collect();
    assert_eq!(ids, ["id-1"]);
    assert_eq!(all.records[0].origin, 1);
    assert_eq!(all.records[0].time.as_deref(), Some("2026-03-02T10:00:00Z"));
    assert_eq!(all.records[0].operation.as_deref(), Some("Send"));
    assert_eq!((all.tally.parsed, all.tally.filtered_out), (4, 3));
    let spec = FilterSpec {
        users: vec!["MEGAN@contoso.com".into()],
        operations: vec!["send".into()],
        start: chrono::DateTime::from_timestamp_millis(1_772_409_600_000),
        ..FilterSpec::default()
    };
    assert_like_pipeline(&path, &all, &spec);
}

#[test]
fn a_session_filter_skips_documents_by_their_bytes() {
    let f = FilterHandle::new().add(SESSION_ID, ATTACKER);
    for name in FIXTURES {
        let path = fixture(name);
        for max in [1, 3, 8192] {
            let all = drain_file(&path, max, f.0);
            assert!(consistent(&all.tally), "{name}");
            let spec = FilterSpec {
                session_ids: vec![ATTACKER.into()],
                ..FilterSpec::default()
            };
            assert_like_pipeline(&path, &all, &spec);
            assert_items_numbered(&all);
        }
    }
    let lines = drain_file(&fixture("lines.jsonl"), 8192, f.0);
    assert!(lines.tally.skipped > 0, "{:?}", lines.tally);
    // The filter may change between batches of one reader.
    let h = open_path(&fixture("purview.csv"));
    let first = next(&h, 1, f.0, 0).unwrap().unwrap();
    let rest = drain(&h, 8192, ptr::null(), 0);
    assert_eq!(first.tally.read + rest.tally.read, 8);
    assert_eq!(rest.tally.skipped, 0);
}

#[test]
fn flags_work_as_in_parse_batch() {
    let h = open_path(&fixture("lines.jsonl"));
    let all = drain(&h, 8192, ptr::null(), AUDITSIFT_FLAG_NO_RAW);
    assert!(!all.records.is_empty());
    assert!(all.records.iter().all(|r| r.audit_data.is_none()));
}

#[test]
fn collectors_number_reader_results_over_the_whole_file() {
    let h = open_path(&fixture("purview.csv"));
    let mut c = ptr::null_mut();
    assert_eq!(
        unsafe { auditsift_collector_new(&mut c) },
        AuditsiftStatus::Ok
    );
    let mut origins = Vec::new();
    loop {
        let mut r = ptr::null_mut();
        let status = unsafe { auditsift_reader_next(h.0, 2, ptr::null(), 0, &mut r) };
        assert_eq!(status, AuditsiftStatus::Ok);
        let d = decode(r);
        if d.tally.read == 0 {
            unsafe { auditsift_result_free(r) };
            break;
        }
        origins.extend(d.records.iter().map(|r| (r.id.clone(), r.origin)));
        assert_eq!(
            unsafe { auditsift_collector_add(c, r) },
            AuditsiftStatus::Ok
        );
        unsafe { auditsift_result_free(r) };
    }
    let mut sorted = ptr::null_mut();
    assert_eq!(
        unsafe { auditsift_collector_finish(c, 0, &mut sorted) },
        AuditsiftStatus::Ok
    );
    let d = decode(sorted);
    unsafe {
        auditsift_result_free(sorted);
        auditsift_collector_free(c);
    }
    let mut collected: Vec<_> = d.records.iter().map(|r| (r.id.clone(), r.origin)).collect();
    collected.sort_by_key(|(_, o)| *o);
    assert_eq!(collected, origins, "the same numbers as the reader gave");
    assert_eq!(d.tally.read, 8);
}

#[test]
fn files_that_cannot_be_read_say_why_and_name_the_path() {
    let missing = fixture("no_such_file.csv");
    let (status, message) = open(missing.to_str().unwrap()).err().unwrap();
    assert_eq!(status, AuditsiftStatus::Io);
    assert!(
        message.contains(&format!("{}: cannot open", missing.display())),
        "{message}"
    );
    let not_audit = fixture("not_audit.csv");
    let (status, message) = open(not_audit.to_str().unwrap()).err().unwrap();
    assert_eq!(status, AuditsiftStatus::Io);
    assert!(
        message.contains(&format!("{}: not an audit log export", not_audit.display())),
        "{message}"
    );
    let dir = fixture("");
    let (status, message) = open(dir.to_str().unwrap()).err().unwrap();
    assert_eq!(status, AuditsiftStatus::Io);
    assert!(message.contains("is a directory"), "{message}");
    // `-` is a file name here, not standard input.
    let (status, message) = open("-").err().unwrap();
    assert_eq!(status, AuditsiftStatus::Io);
    assert!(message.starts_with("-: cannot open"), "{message}");
}

#[test]
fn a_truncated_gzip_gives_its_records_then_an_error_then_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let line = std::fs::read_to_string(fixture("lines.jsonl")).unwrap();
    let first = line.lines().next().unwrap();
    // Enough text that the cut falls well past the first 64 KiB the reader looks at on open.
    let mut text = String::new();
    for i in 0..4000 {
        text.push_str(&first.replace("0f04", &format!("{i:04}")));
        text.push('\n');
    }
    let gz = gzip(text.as_bytes());
    let path = dir.path().join("cut.jsonl.gz");
    std::fs::write(&path, &gz[..gz.len() * 3 / 4]).unwrap();
    let h = open_path(&path);
    let mut read = 0;
    let error = loop {
        match next(&h, 500, ptr::null(), 0) {
            Ok(Some(d)) => read += d.tally.read,
            Ok(None) => panic!("the end came without an error"),
            Err(e) => break e,
        }
    };
    assert!(read > 0 && read < 4000, "{read}");
    assert!(error.starts_with("Io: "), "{error}");
    assert!(error.contains(path.to_str().unwrap()), "{error}");
    assert!(next(&h, 500, ptr::null(), 0).unwrap().is_none());
}

#[test]
fn null_and_bad_arguments_are_refused() {
    unsafe {
        let mut out = ptr::null_mut();
        let path = fixture("purview.csv");
        let p = path.to_str().unwrap();
        assert_eq!(
            auditsift_reader_open(ptr::null(), 3, &mut out),
            AuditsiftStatus::NullArgument
        );
        assert!(last_error().contains("path"));
        assert_eq!(
            auditsift_reader_open(p.as_ptr(), p.len(), ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_reader_open(b"\xff.csv".as_ptr(), 5, &mut out),
            AuditsiftStatus::InvalidUtf8
        );
        assert_eq!(
            auditsift_reader_open(p.as_ptr(), 0, &mut out),
            AuditsiftStatus::InvalidArgument
        );
        assert!(out.is_null());
        // The length counts, not a terminating NUL.
        let padded = format!("{p}trailing");
        assert_eq!(
            auditsift_reader_open(padded.as_ptr(), p.len(), &mut out),
            AuditsiftStatus::Ok
        );
        let h = Handle(out);
        let mut r = ptr::null_mut();
        assert_eq!(
            auditsift_reader_next(ptr::null_mut(), 10, ptr::null(), 0, &mut r),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_reader_next(h.0, 10, ptr::null(), 0, ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_reader_next(h.0, 0, ptr::null(), 0, &mut r),
            AuditsiftStatus::InvalidArgument
        );
        assert!(last_error().contains("max_documents"));
        assert!(r.is_null());
        // A huge batch size is an upper bound, not an allocation.
        let all = drain(&h, usize::MAX, ptr::null(), 0);
        assert_eq!(all.tally.read, 8);
        let mut n = 0u64;
        assert_eq!(
            auditsift_reader_progress(ptr::null(), &mut n, &mut n),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_reader_progress(h.0, ptr::null_mut(), &mut n),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_reader_progress(h.0, &mut n, ptr::null_mut()),
            AuditsiftStatus::NullArgument
        );
        auditsift_reader_free(ptr::null_mut());
    }
}

#[test]
fn progress_goes_from_the_head_to_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let line = std::fs::read_to_string(fixture("lines.jsonl")).unwrap();
    let first = line.lines().next().unwrap();
    let text: String = (0..2000).map(|_| format!("{first}\n")).collect();
    std::fs::write(&path, &text).unwrap();
    let h = open_path(&path);
    let progress = || {
        let (mut done, mut total) = (0, 0);
        let status = unsafe { auditsift_reader_progress(h.0, &mut done, &mut total) };
        assert_eq!(status, AuditsiftStatus::Ok);
        (done, total)
    };
    let (done, total) = progress();
    assert_eq!(total, text.len() as u64);
    assert!(done > 0 && done < total, "{done} of {total}");
    let mut last = done;
    let mut batches = 0;
    while next(&h, 100, ptr::null(), 0).unwrap().is_some() {
        let (done, _) = progress();
        assert!(done >= last && done <= total);
        last = done;
        batches += 1;
    }
    assert_eq!(batches, 20);
    assert_eq!(progress(), (total, total));
}

#[test]
fn readers_work_on_several_threads() {
    let expected = drain_file(&fixture("purview.csv"), 8192, ptr::null());
    let workers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                let mut out = Vec::new();
                for _ in 0..10 {
                    let all = drain_file(&fixture("purview.csv"), 2, ptr::null());
                    out.push((all.records, all.tally));
                }
                out
            })
        })
        .collect();
    for w in workers {
        for (records, tally) in w.join().unwrap() {
            assert_eq!(records, expected.records);
            assert_eq!(tally, expected.tally);
        }
    }
    // One reader, moved to another thread half way.
    let h = open_path(&fixture("purview.csv"));
    let first = next(&h, 3, ptr::null(), 0).unwrap().unwrap();
    let rest = std::thread::spawn(move || drain(&h, 3, ptr::null(), 0))
        .join()
        .unwrap();
    let mut records = first.records;
    records.extend(rest.records);
    assert_eq!(records, expected.records);
}
