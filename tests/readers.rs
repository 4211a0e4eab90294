//! The file readers: every shape and variant, bad rows with their locations, limits, encodings,
//! and the pipeline that parses their batches.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use auditsift::batch::RecordError;
use auditsift::filter::FilterSpec;
use auditsift::input::pipeline::{Kept, Observer, PipelineOptions, read_inputs};
use auditsift::input::{Reader, ReaderOptions, Shape, Warning, WarningKind};
use auditsift::record::{AuditRecord, parse_record};
use auditsift::time::format_utc;

const ATTACKER: &str = "7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/files")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// A document as a test sees it.
#[derive(Debug, Clone, PartialEq)]
struct Doc {
    text: String,
    source: String,
    fallback: [Option<String>; 5],
}

/// Everything a reader produced.
#[derive(Debug, Default, PartialEq)]
struct All {
    docs: Vec<Doc>,
    errors: Vec<RecordError>,
    warnings: Vec<Warning>,
}

fn drain(mut reader: Reader, max_items: usize) -> All {
    let mut all = All::default();
    while let Some(batch) = reader.next_batch(max_items).unwrap() {
        assert!(batch.len() + batch.errors().len() <= max_items.max(1) * 8);
        for i in 0..batch.len() {
            let f = batch.fallback(i);
            all.docs.push(Doc {
                text: batch.text(i).to_owned(),
                source: batch.source(i),
                fallback: [f.creation_date, f.record_type, f.user_id, f.id, f.operation]
                    .map(|v| v.map(str::to_owned)),
            });
        }
        all.errors.extend(batch.errors().iter().cloned());
        all.warnings.extend(batch.warnings().iter().cloned());
        reader.reuse_buffer(batch.into_buffer());
    }
    all
}

fn read_named(name: &str, data: Vec<u8>, options: ReaderOptions, max_items: usize) -> All {
    drain(
        Reader::from_reader(name, Cursor::new(data), options).unwrap(),
        max_items,
    )
}

fn read_fixture(name: &str) -> All {
    read_named(name, bytes(name), ReaderOptions::default(), 8192)
}

fn shape_of(name: &str) -> Shape {
    Reader::open(fixture(name)).unwrap().shape()
}

fn parsed(doc: &Doc) -> AuditRecord<'_> {
    parse_record(&doc.text).unwrap_or_else(|e| panic!("{}: {e}", doc.source))
}

/// Each document's Operation, `<invalid>` when it is not a record.
fn ops(all: &All) -> Vec<String> {
    all.docs
        .iter()
        .map(|d| match parse_record(&d.text) {
            Ok(r) => r.operation.unwrap_or_default().into_owned(),
            Err(_) => "<invalid>".to_owned(),
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

/// Hands out its bytes a few at a time, as pipes and decompressors do.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

const FIXTURES: [&str; 8] = [
    "purview.csv",
    "sual.csv",
    "classic.csv",
    "mailbox.csv",
    "array.json",
    "graph.json",
    "lines.jsonl",
    "concatenated.json",
];

#[test]
fn shapes_are_detected_from_the_content() {
    let expected = [
        Shape::Csv,
        Shape::Csv,
        Shape::Csv,
        Shape::FlatCsv,
        Shape::Json,
        Shape::Json,
        Shape::JsonLines,
        Shape::Json,
    ];
    for (name, shape) in FIXTURES.iter().zip(expected) {
        assert_eq!(shape_of(name), shape, "{name}");
        // The name does not matter: the same bytes under another name read the same.
        let renamed = Reader::from_reader("x.txt", Cursor::new(bytes(name)), Default::default());
        assert_eq!(renamed.unwrap().shape(), shape, "{name}");
    }
}

#[test]
fn purview_export_rows_fields_and_bad_rows() {
    let reader = Reader::open(fixture("purview.csv")).unwrap();
    assert!(reader.encoding().bom);
    let all = drain(reader, 8192);
    assert_eq!(
        ops(&all),
        [
            "MailItemsAccessed",
            "Send",
            "MoveToDeletedItems",
            "SoftDelete",
            "<invalid>",
            "HardDelete"
        ]
    );
    assert!(all.docs[0].source.ends_with("purview.csv:row 1 (line 2)"));
    // The Send row's AuditData is pretty-printed over 30 lines, with an extra column after it.
    assert!(all.docs[1].source.ends_with("purview.csv:row 2 (line 3)"));
    assert!(all.docs[1].text.lines().count() > 20);
    assert!(all.docs[2].source.ends_with("purview.csv:row 3 (line 33)"));
    // Fallback values: CreationDate, RecordType, UserId, RecordId, Operation.
    assert_eq!(
        all.docs[2].fallback,
        [
            Some("9/26/2023 1:51:34 AM"),
            Some("ExchangeItemGroup"),
            Some("megan.bowen@contoso.com"),
            Some("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f06"),
            Some("MoveToDeletedItems")
        ]
        .map(|v| v.map(str::to_owned))
    );
    // Purview writes a trailing space after some dates: kept as given, trimmed when read.
    assert_eq!(
        all.docs[0].fallback[0].as_deref(),
        Some("2026-03-02T07:03:12.0000000Z ")
    );
    // Row 5 is read (its JSON is bad: the parser says so); rows 6 and 7 cannot be read.
    assert!(all.docs[4].source.ends_with("purview.csv:row 5 (line 35)"));
    assert!(parse_record(&all.docs[4].text).is_err());
    let reasons: Vec<(&str, &str)> = all
        .errors
        .iter()
        .map(|e| (e.source.rsplit('/').next().unwrap(), e.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "purview.csv:row 6 (line 36)",
                "row has 3 field(s) but AuditData is column 6 of the header"
            ),
            ("purview.csv:row 7 (line 37)", "empty AuditData")
        ]
    );
    assert!(
        all.errors[0]
            .raw
            .starts_with("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f09,")
    );
    assert_eq!(all.errors[0].index, 6);
}

#[test]
fn search_unifiedauditlog_export_csv() {
    let all = read_fixture("sual.csv");
    assert_eq!(
        ops(&all),
        [
            "HardDelete",
            "New-InboxRule",
            "MailItemsAccessed",
            "HardDelete"
        ]
    );
    // `#TYPE` is line 1, the header line 2.
    assert_eq!(all.docs[0].source, "sual.csv:row 1 (line 3)");
    assert_eq!(
        all.docs[1].fallback,
        [
            Some("3/2/2026 7:27:40 AM"),
            Some("ExchangeAdmin"),
            Some("megan.bowen@contoso.com"),
            Some("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f03"),
            Some("New-InboxRule")
        ]
        .map(|v| v.map(str::to_owned))
    );
    assert!(all.errors.is_empty());
}

#[test]
fn classic_four_column_export() {
    let all = read_fixture("classic.csv");
    assert_eq!(ops(&all), ["New-InboxRule", "MailItemsAccessed"]);
    assert_eq!(
        all.docs[0].fallback[0].as_deref(),
        Some("2026-03-02T07:27:40.0000000Z")
    );
    assert_eq!(all.docs[0].fallback[3], None, "no Id column");
}

#[test]
fn search_mailboxauditlog_rows_become_flat_records() {
    let all = read_fixture("mailbox.csv");
    assert_eq!(all.docs.len(), 3);
    let first: serde_json::Value = serde_json::from_str(&all.docs[0].text).unwrap();
    assert_eq!(first["Operation"], "MailItemsAccessed");
    assert_eq!(first["LastAccessed"], "3/2/2026 7:03:12 AM");
    assert_eq!(
        first["OperationProperties"],
        "MailAccessType:Bind\nIsThrottled:False"
    );
    assert_eq!(first["RunspaceId"], "");
    // The multi-line row 1 moves row 2 to line 4.
    assert_eq!(all.docs[1].source, "mailbox.csv:row 2 (line 4)");
    let r = parsed(&all.docs[0]);
    assert_eq!(
        format_utc(&r.creation_time.unwrap()),
        "2026-03-02T07:03:12Z"
    );
    assert_eq!(r.session_id.as_deref(), Some(ATTACKER));
    let ids: Vec<&str> = r
        .folders
        .iter()
        .flat_map(|f| f.message_ids.iter().map(AsRef::as_ref))
        .collect();
    assert_eq!(ids, ["<m1@contoso.com>", "<m2@contoso.com>"]);
}

#[test]
fn json_array_elements_with_a_wrapped_one_and_a_bad_one() {
    let all = read_fixture("array.json");
    assert_eq!(all.docs.len(), 5);
    assert_eq!(parsed(&all.docs[1]).operation.as_deref(), Some("Send"));
    assert!(
        all.docs[1].text.starts_with("{\n"),
        "the wrapped object is sliced, not re-serialized"
    );
    assert_eq!(all.docs[3].text, "42");
    assert!(all.docs[3].source.starts_with("array.json:record 4 (line "));
    assert!(parse_record(&all.docs[3].text).is_err());
    assert!(all.docs[0].source == "array.json:record 1 (line 2)");
}

#[test]
fn graph_response_page() {
    let all = read_fixture("graph.json");
    assert_eq!(ops(&all), ["HardDelete", "MoveToDeletedItems"]);
    assert_eq!(
        all.docs[0].source,
        "graph.json:record 1 (line 1), element 1"
    );
    assert_eq!(
        all.docs[1].source,
        "graph.json:record 1 (line 1), element 2"
    );
    assert_eq!(
        all.docs[1].fallback,
        [
            Some("2026-03-02T08:00:00Z"),
            Some("exchangeItemGroup"),
            Some("megan.bowen@contoso.com"),
            Some("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f06"),
            Some("MoveToDeletedItems")
        ]
        .map(|v| v.map(str::to_owned))
    );
}

#[test]
fn json_lines_plain_wrapped_graph_blank_crlf_and_broken() {
    let all = read_fixture("lines.jsonl");
    let sources: Vec<&str> = all.docs.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "lines.jsonl:line 1",
            "lines.jsonl:line 2",
            "lines.jsonl:line 3",
            "lines.jsonl:line 4",
            "lines.jsonl:line 6",
            "lines.jsonl:line 7",
            "lines.jsonl:line 8",
            "lines.jsonl:line 9"
        ],
        "line 5 is blank"
    );
    // {"AuditData": {...}}
    assert_eq!(
        parsed(&all.docs[1]).operation.as_deref(),
        Some("New-InboxRule")
    );
    // {"AuditData": "<json>"} with the object's own fields as fallback values.
    assert_eq!(
        parsed(&all.docs[2]).operation.as_deref(),
        Some("SoftDelete")
    );
    assert_eq!(
        all.docs[2].fallback[0].as_deref(),
        Some("3/12/2025 7:31:34 PM")
    );
    assert_eq!(all.docs[2].fallback[4].as_deref(), Some("SoftDelete"));
    // A Graph record: auditData is an object.
    assert_eq!(
        parsed(&all.docs[3]).operation.as_deref(),
        Some("MailItemsAccessed")
    );
    assert_eq!(
        all.docs[3].fallback[3].as_deref(),
        Some("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f05")
    );
    // CRLF: the carriage return is not part of the document.
    assert!(all.docs[4].text.ends_with('}'));
    assert!(parse_record(&all.docs[5].text).is_err());
    assert!(parse_record(&all.docs[6].text).is_err());
}

#[test]
fn concatenated_pretty_objects() {
    let all = read_fixture("concatenated.json");
    assert_eq!(ops(&all), ["HardDelete", "Send"]);
    assert_eq!(all.docs[0].source, "concatenated.json:record 1 (line 1)");
    let second_line = all.docs[0].text.lines().count() + 1;
    assert_eq!(
        all.docs[1].source,
        format!("concatenated.json:record 2 (line {second_line})")
    );
}

#[test]
fn a_csv_that_is_not_an_audit_export_is_refused_with_its_name() {
    let e = Reader::open(fixture("not_audit.csv")).err().unwrap();
    let text = e.to_string();
    assert!(
        text.contains("not_audit.csv: not an audit log export"),
        "{text}"
    );
    assert!(text.contains("Name, Value"), "{text}");
    let e = Reader::open(fixture("no_such_file.json")).err().unwrap();
    assert!(
        e.to_string().contains("no_such_file.json: cannot open"),
        "{e}"
    );
}

#[test]
fn gzip_utf16_and_small_reads_give_the_same_documents() {
    let tiny = ReaderOptions {
        batch_bytes: 1,
        ..ReaderOptions::default()
    };
    for name in FIXTURES {
        let plain = read_fixture(name);
        let data = bytes(name);
        let gz = read_named(name, gzip(&data), ReaderOptions::default(), 8192);
        assert_eq!(gz, plain, "{name} gzip");
        let twice = read_named(name, gzip(&gzip(&data)), ReaderOptions::default(), 8192);
        assert_eq!(twice, plain, "{name} gzip of gzip");
        // One item per batch, the smallest buffers, and a source that trickles.
        for max_items in [1, 2, 3] {
            let trickle = Trickle {
                data: data.clone(),
                pos: 0,
                step: 0,
            };
            let reader = Reader::from_reader(name, trickle, tiny).unwrap();
            assert_eq!(drain(reader, max_items), plain, "{name} by {max_items}");
        }
        // UTF-16LE with a byte-order mark (Windows PowerShell's `>` and Out-File).
        let text = String::from_utf8(data.clone()).unwrap();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            read_named(name, utf16, ReaderOptions::default(), 8192),
            plain,
            "{name} UTF-16"
        );
    }
}

#[test]
fn oversized_documents_are_reported_and_skipped() {
    let small = ReaderOptions {
        max_document_bytes: 64 * 1024,
        batch_bytes: 16 * 1024,
    };
    let big = format!("{{\"Id\":\"big\",\"Subject\":\"{}\"}}", "x".repeat(200_000));
    let ok = |id: &str| format!("{{\"Id\":\"{id}\",\"Operation\":\"Send\"}}");
    let check = |name: &str, data: String, first: &str, expected_location: &str, raw: &str| {
        let all = read_named(name, data.into_bytes(), small, 8192);
        let ids: Vec<String> = all
            .docs
            .iter()
            .map(|d| parsed(d).id.unwrap().into_owned())
            .collect();
        assert_eq!(ids, ["a", "b"], "{name}");
        assert_eq!(all.errors.len(), 1, "{name}");
        let e = &all.errors[0];
        assert_eq!(e.source, format!("{name}:{expected_location}"));
        assert!(e.reason.starts_with(first), "{name}: {}", e.reason);
        assert!(e.reason.contains("65536-byte limit"), "{}", e.reason);
        assert!(
            e.raw.len() <= 4096 && e.raw.starts_with(raw),
            "{name}: {}",
            e.raw
        );
    };
    check(
        "big.jsonl",
        format!("{}\n{big}\n{}\n", ok("a"), ok("b")),
        "line of 200025 bytes",
        "line 2",
        "{\"Id\":\"big\"",
    );
    check(
        "big.json",
        format!("[\n{},\n{big},\n{}\n]", ok("a"), ok("b")),
        "record of 200025 bytes",
        "record 2 (line 3)",
        "{\"Id\":\"big\"",
    );
    let cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    check(
        "big.csv",
        format!(
            "CreationDate,AuditData\n2026-03-02,{}\n2026-03-02,{}\n2026-03-02,{}\n",
            cell(&ok("a")),
            cell(&big),
            cell(&ok("b"))
        ),
        "row of 200035 bytes",
        "row 2 (line 3)",
        "2026-03-02,{\"Id\":\"big\"",
    );
    // A quote that is never closed swallows the rest of the file: reported, memory bounded.
    let unterminated = format!(
        "CreationDate,AuditData\n2026-03-02,{}\n2026-03-02,\"{{\"\"Id\"\":\"\"c\n{}",
        cell(&ok("a")),
        "y,z\n".repeat(50_000)
    );
    // A row of endless empty fields is bounded too (by its number of fields).
    let fields = format!(
        "CreationDate,AuditData\n2026-03-02,{}\n{}\n2026-03-02,{}\n",
        cell(&ok("a")),
        ",".repeat(200_000),
        cell(&ok("b"))
    );
    let all = read_named("fields.csv", fields.into_bytes(), small, 8192);
    assert_eq!(all.docs.len(), 2);
    assert_eq!(all.errors.len(), 1);
    assert_eq!(all.errors[0].source, "fields.csv:row 2 (line 3)");
    assert!(
        all.errors[0]
            .reason
            .starts_with("row of 200001 fields has more than the 65536")
    );
    let all = read_named("open.csv", unterminated.into_bytes(), small, 8192);
    assert_eq!(all.docs.len(), 1);
    assert_eq!(all.errors.len(), 1);
    assert_eq!(all.errors[0].source, "open.csv:row 2 (line 3)");
    assert!(all.errors[0].reason.contains("unterminated quote"));
}

#[test]
fn broken_json_structure() {
    let text = "[{\"Id\":\"a\"}]\n garbage here \n{\"Id\":\"b\"}\n[{\"Id\":\"c\"},\n{\"Id\":\"d\", \"S\":\"unterminated]}\n";
    let all = read_named(
        "broken.json",
        text.as_bytes().to_vec(),
        Default::default(),
        8192,
    );
    let ids: Vec<String> = all
        .docs
        .iter()
        .map(|d| parsed(d).id.unwrap().into_owned())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(all.errors.len(), 2, "{:?}", all.errors);
    assert_eq!(all.errors[0].source, "broken.json:line 2");
    assert!(all.errors[0].reason.contains("outside any JSON record"));
    assert_eq!(all.errors[0].raw, "garbage here \n");
    assert_eq!(all.errors[1].source, "broken.json:record 4 (line 5)");
    assert!(all.errors[1].reason.contains("ends inside this record"));
}

#[test]
fn invalid_utf8_is_replaced_and_reported() {
    let text = b"{\"Id\":\"a\",\"Subject\":\"caf\xe9\"}\n{\"Id\":\"b\"}".to_vec();
    let all = read_named("latin1.jsonl", text, Default::default(), 8192);
    assert_eq!(
        all.docs.len(),
        2,
        "the last line has no newline and is read"
    );
    assert_eq!(
        all.docs[0].text,
        "{\"Id\":\"a\",\"Subject\":\"caf\u{fffd}\"}"
    );
    assert_eq!(all.warnings.len(), 1);
    assert_eq!(all.warnings[0].kind, WarningKind::InvalidUtf8);
    assert_eq!(all.warnings[0].source, "latin1.jsonl:line 1");
}

#[test]
fn truncated_gzip_gives_what_was_read_then_an_error() {
    let data: String = (0..5000)
        .map(|i| format!("{{\"Id\":\"{i}\",\"Operation\":\"Send\"}}\n"))
        .collect();
    let gz = gzip(data.as_bytes());
    let cut = gz[..gz.len() / 2].to_vec();
    let mut reader =
        Reader::from_reader("cut.jsonl.gz", Cursor::new(cut), Default::default()).unwrap();
    let mut docs = 0;
    let error = loop {
        match reader.next_batch(1000) {
            Ok(Some(b)) => docs += b.len(),
            Ok(None) => panic!("a truncated gzip must be an error"),
            Err(e) => break e,
        }
    };
    assert!(docs > 0 && docs < 5000, "{docs}");
    let text = error.to_string();
    assert!(text.starts_with("cut.jsonl.gz: "), "{text}");
    assert!(text.contains("truncated"), "{text}");
    assert!(reader.next_batch(1000).unwrap().is_none());
}

#[test]
fn empty_zip_and_binary_inputs() {
    for text in ["", "  \n\r\n  "] {
        let mut r = Reader::from_reader("e", Cursor::new(text), Default::default()).unwrap();
        assert_eq!(r.shape(), Shape::Empty);
        assert!(r.next_batch(10).unwrap().is_none());
    }
    let zip = Reader::from_reader(
        "a.zip",
        Cursor::new(b"PK\x03\x04...".to_vec()),
        Default::default(),
    );
    assert!(
        zip.err()
            .unwrap()
            .to_string()
            .contains("a.zip: a ZIP archive")
    );
}

/// Collects what the pipeline reports.
#[derive(Default)]
struct Seen {
    rejects: Vec<RecordError>,
    warnings: Vec<Warning>,
}

impl Observer for Seen {
    fn reject(&mut self, error: &RecordError) {
        self.rejects.push(error.clone());
    }
    fn warning(&mut self, warning: &Warning) {
        self.warnings.push(warning.clone());
    }
}

/// (time, id, operation) of each kept record, in order.
fn pipeline(
    paths: &[PathBuf],
    spec: &FilterSpec,
    options: &PipelineOptions,
) -> (
    Vec<(String, String, String)>,
    Seen,
    auditsift::input::pipeline::Summary,
) {
    let mut seen = Seen::default();
    let mut kept = Vec::new();
    let mut origins = Vec::new();
    let summary = read_inputs(paths, spec, options, &mut seen, &mut |k: Kept<'_>| {
        for (i, r) in &k.records {
            origins.push(k.first_origin + k.batch.ordinal(*i) as u64);
            kept.push((
                r.creation_time.as_ref().map(format_utc).unwrap_or_default(),
                r.id.as_deref().unwrap_or_default().to_owned(),
                r.operation.as_deref().unwrap_or_default().to_owned(),
            ));
        }
        Ok(())
    })
    .unwrap();
    // The records of one Graph page share their page's position.
    assert!(origins.windows(2).all(|w| w[0] <= w[1]), "{origins:?}");
    assert!(summary.tally.is_consistent(), "{:?}", summary.tally);
    (kept, seen, summary)
}

#[test]
fn pipeline_fills_in_csv_dates_reports_rejects_in_order_and_warns() {
    let (kept, seen, summary) = pipeline(
        &[fixture("purview.csv")],
        &FilterSpec::default(),
        &PipelineOptions::default(),
    );
    let times: Vec<&str> = kept.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        times,
        [
            "2026-03-02T07:03:12Z",
            "2026-03-02T07:33:12Z",
            "2023-09-26T01:51:34Z",
            "2025-03-12T19:31:34Z",
            "2026-03-02T07:35:02Z"
        ]
    );
    let rows: Vec<&str> = seen
        .rejects
        .iter()
        .map(|e| e.source.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            "purview.csv:row 5 (line 35)",
            "purview.csv:row 6 (line 36)",
            "purview.csv:row 7 (line 37)"
        ]
    );
    assert!(seen.rejects[0].reason.contains("invalid escape"));
    assert!(seen.rejects[0].raw.contains("\"Path\":\"\\Inbox\""));
    assert_eq!(seen.warnings.len(), 1);
    assert_eq!(seen.warnings[0].kind, WarningKind::AmbiguousDate);
    assert!(
        seen.warnings[0]
            .source
            .ends_with("purview.csv:row 4 (line 34)")
    );
    assert!(seen.warnings[0].message.contains("3/12/2025 7:31:34 PM"));
    assert_eq!(summary.tally.read, 8);
    assert_eq!(summary.tally.rejected, 3);
    assert_eq!(summary.files[0].items, 8);
}

#[test]
fn pipeline_filters_on_fallback_values_and_prefilters_sessions() {
    let all_files: Vec<PathBuf> = FIXTURES.iter().map(|f| fixture(f)).collect();
    // The time filter sees the CSV date of records without CreationTime.
    let spec = FilterSpec {
        end: Some("2024-01-01T00:00:00Z".parse().unwrap()),
        ..FilterSpec::default()
    };
    let (kept, _, summary) = pipeline(&all_files[..1], &spec, &PipelineOptions::default());
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].2, "MoveToDeletedItems");
    assert_eq!(summary.tally.filtered_out, 4);
    // With a session id, documents are prefiltered on their bytes before they are checked and
    // unwrapped; the result is what a full parse and filter give.
    let spec = FilterSpec {
        session_ids: vec![ATTACKER.to_uppercase()],
        ..FilterSpec::default()
    };
    let small = PipelineOptions {
        batch_items: 3,
        ..PipelineOptions::default()
    };
    let (with_prefilter, _, summary) = pipeline(&all_files, &spec, &small);
    assert!(summary.tally.skipped > 0);
    let (everything, _, _) = pipeline(&all_files, &FilterSpec::default(), &small);
    let mut expected = Vec::new();
    for path in &all_files {
        let mut reader = Reader::open(path).unwrap();
        while let Some(b) = reader.next_batch(100).unwrap() {
            for t in b.texts() {
                if let Ok(r) = parse_record(t)
                    && r.session_id.as_deref() == Some(ATTACKER)
                {
                    expected.push(r.id.as_deref().unwrap_or_default().to_owned());
                }
            }
        }
    }
    let got: Vec<String> = with_prefilter.iter().map(|k| k.1.clone()).collect();
    assert_eq!(got, expected);
    assert!(got.len() > 10 && got.len() < everything.len());
}
