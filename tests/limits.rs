//! Limits: inputs built to exhaust memory or the stack, or to stop a reader, each give an error
//! that names where, hold memory within a bound, and leave the rest of the input read.
//!
//! Memory is measured with a counting global allocator (every heap byte of every thread, the
//! readers' and rayon's included), so the figures do not depend on the machine's page cache or
//! on other tests: the tests of this file take one lock and run one at a time. Inputs of
//! gigabytes are generated on the fly by `Read` implementations, never written to disk.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use auditsift::batch::parse_batch;
use auditsift::filter::Filter;
use auditsift::input::{InputError, Reader, ReaderOptions, Shape};
use auditsift::record::parse_record;

// ---------------------------------------------------------------------------------------------
// Measuring heap use
// ---------------------------------------------------------------------------------------------

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only counters are updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as `System.alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as `System.alloc_zeroed`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as `System.dealloc`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as `System.realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time, so that the peak is this test's.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `f` and returns its result with the peak heap growth (bytes) while it ran.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const MIB: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Generated inputs
// ---------------------------------------------------------------------------------------------

/// A stream made of parts, some of them long runs of one byte, produced as it is read.
struct Generated {
    parts: Vec<Part>,
    at: usize,
    offset: u64,
}

#[derive(Clone)]
enum Part {
    Bytes(Vec<u8>),
    Repeat(u8, u64),
    /// A pattern repeated until this many bytes were produced.
    Cycle(Vec<u8>, u64),
}

impl Generated {
    fn new(parts: Vec<Part>) -> Generated {
        Generated {
            parts,
            at: 0,
            offset: 0,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(part) = self.parts.get(self.at) {
            let (len, n) = match part {
                Part::Bytes(b) => {
                    let rest = &b[self.offset as usize..];
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    (b.len() as u64, n)
                }
                Part::Repeat(byte, len) => {
                    let n = (len - self.offset).min(buf.len() as u64) as usize;
                    buf[..n].fill(*byte);
                    (*len, n)
                }
                Part::Cycle(pattern, len) => {
                    let n = (len - self.offset).min(buf.len() as u64) as usize;
                    let start = (self.offset % pattern.len() as u64) as usize;
                    for (i, b) in buf[..n].iter_mut().enumerate() {
                        *b = pattern[(start + i) % pattern.len()];
                    }
                    (*len, n)
                }
            };
            self.offset += n as u64;
            if self.offset == len {
                self.at += 1;
                self.offset = 0;
            }
            if n > 0 {
                return Ok(n);
            }
        }
        Ok(0)
    }
}

fn text(s: &str) -> Part {
    Part::Bytes(s.as_bytes().to_vec())
}

fn line(id: &str) -> String {
    format!(
        "{{\"Id\":\"{id}\",\"CreationTime\":\"2026-03-02T07:00:00\",\"Operation\":\"Send\",\"SessionId\":\"s-1\"}}\n"
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("writing to memory");
    e.finish().expect("writing to memory")
}

// ---------------------------------------------------------------------------------------------
// Reading everything the way the command line does
// ---------------------------------------------------------------------------------------------

/// What came out of one input.
#[derive(Debug, Default)]
struct Outcome {
    /// Ids of the records parsed, in order.
    ids: Vec<String>,
    /// Items that could not be read: (where, why).
    rejected: Vec<(String, String)>,
    /// Items read with a warning: (where, what).
    warnings: Vec<(String, String)>,
    /// The error that ended the input early, if any.
    failure: Option<InputError>,
    /// The length of the longest document read.
    longest: usize,
}

/// The message of the first entry whose location is `place` (`file:line 2`, `row 2`...).
fn at<'a>(list: &'a [(String, String)], place: &str) -> Option<&'a str> {
    list.iter()
        .find(|(at, _)| at.ends_with(place) || at.contains(&format!("{place} ")))
        .map(|(_, why)| why.as_str())
}

impl Outcome {
    fn rejected_at(&self, place: &str) -> Option<&str> {
        at(&self.rejected, place)
    }

    /// The reason an item was rejected, or the warning it was read with.
    fn reported_at(&self, place: &str) -> Option<&str> {
        self.rejected_at(place)
            .or_else(|| at(&self.warnings, place))
    }
}

fn read_all(name: &str, input: impl Read + Send + 'static, options: ReaderOptions) -> Outcome {
    let mut out = Outcome::default();
    let mut reader = match Reader::from_reader(name, input, options) {
        Ok(r) => r,
        Err(e) => {
            out.failure = Some(e);
            return out;
        }
    };
    loop {
        match reader.next_batch(512) {
            Ok(Some(batch)) => {
                for e in batch.errors() {
                    out.rejected.push((e.source.clone(), e.reason.clone()));
                }
                for w in batch.warnings() {
                    out.warnings.push((w.source.clone(), w.message.clone()));
                }
                let texts = batch.texts();
                out.longest = out
                    .longest
                    .max(texts.iter().map(|t| t.len()).max().unwrap_or(0));
                let parsed = parse_batch(&texts, &Filter::all());
                assert!(parsed.tally.is_consistent());
                for (i, r) in &parsed.records {
                    out.ids.push(r.id.as_deref().unwrap_or("").to_owned());
                    assert_eq!(r.raw, batch.text(*i));
                }
                for e in parsed.errors {
                    out.rejected
                        .push((batch.source(e.index as usize), e.reason.clone()));
                }
            }
            Ok(None) => break,
            Err(e) => {
                out.failure = Some(e);
                break;
            }
        }
    }
    out
}

fn small_limits() -> ReaderOptions {
    ReaderOptions {
        max_document_bytes: 4 * MIB,
        batch_bytes: MIB,
    }
}

// ---------------------------------------------------------------------------------------------
// The limits
// ---------------------------------------------------------------------------------------------

/// A single record of 48 MiB (a huge subject) is read whole, with the records around it, in
/// memory proportional to that record.
#[test]
fn a_record_of_many_megabytes_is_read() {
    let _one = serial();
    let size = 48 * MIB;
    let input = Generated::new(vec![
        text(&line("before")),
        text("{\"Id\":\"big\",\"Operation\":\"Send\",\"Item\":{\"Subject\":\""),
        Part::Repeat(b's', size as u64),
        text("\"}}\n"),
        text(&line("after")),
    ]);
    let (out, peak) = peak_growth(|| read_all("big.jsonl", input, ReaderOptions::default()));
    assert!(out.failure.is_none(), "{:?}", out.failure);
    assert_eq!(out.ids, ["before", "big", "after"], "{:?}", out.rejected);
    assert!(out.longest > size);
    println!("48 MiB record: peak heap growth {} MiB", peak / MIB);
    assert!(peak < 5 * size, "peak {} MiB", peak / MIB);
}

/// A record over the configured limit is reported with its line and skipped without being held;
/// the lines after it are read.
#[test]
fn a_record_over_the_limit_is_reported_and_skipped() {
    let _one = serial();
    let input = Generated::new(vec![
        text(&line("before")),
        text("{\"Id\":\"huge\",\"Subject\":\""),
        Part::Repeat(b's', 256 * MIB as u64),
        text("\"}\n"),
        text(&line("after")),
    ]);
    let (out, peak) = peak_growth(|| read_all("huge.jsonl", input, small_limits()));
    assert!(out.failure.is_none(), "{:?}", out.failure);
    assert_eq!(out.ids, ["before", "after"]);
    let why = out.rejected_at("huge.jsonl:line 2");
    assert!(
        why.is_some_and(|w| w.contains("limit")),
        "{:?}",
        out.rejected
    );
    println!(
        "256 MiB line over a 4 MiB limit: peak heap growth {} MiB",
        peak / MIB
    );
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
}

/// Gigabytes without a newline (a broken export, or a hostile file) are read through in bounded
/// memory and reported as one over-long record; what came before is read.
#[test]
fn gigabytes_without_a_newline_stay_bounded() {
    let _one = serial();
    let gigabytes = 3u64 << 30;
    let input = Generated::new(vec![
        text(&line("first")),
        text("{\"Id\":\"endless\",\"Subject\":\""),
        Part::Repeat(b'x', gigabytes),
    ]);
    let (out, peak) = peak_growth(|| read_all("endless.jsonl", input, small_limits()));
    assert!(out.failure.is_none(), "{:?}", out.failure);
    assert_eq!(out.ids, ["first"]);
    let why = out.rejected_at("endless.jsonl:line 2");
    assert!(
        why.is_some_and(|w| w.contains("limit")),
        "{:?}",
        out.rejected
    );
    println!(
        "3 GiB without a newline: peak heap growth {} MiB",
        peak / MIB
    );
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
}

/// The same with the default limits: memory stays within the default per-record limit.
#[test]
fn gigabytes_without_a_newline_stay_within_the_default_limit() {
    let _one = serial();
    let input = Generated::new(vec![
        text(&line("first")),
        text("{\"Id\":\"endless\",\"Subject\":\""),
        Part::Repeat(b'x', 1u64 << 30),
    ]);
    let limit = ReaderOptions::default().max_document_bytes;
    let (out, peak) = peak_growth(|| read_all("endless.jsonl", input, ReaderOptions::default()));
    assert!(out.failure.is_none(), "{:?}", out.failure);
    assert_eq!(out.ids, ["first"]);
    assert!(out.rejected_at("endless.jsonl:line 2").is_some());
    println!(
        "1 GiB without a newline, default limits: peak heap growth {} MiB",
        peak / MIB
    );
    assert!(peak < 3 * limit, "peak {} MiB", peak / MIB);
}

/// A CSV field whose quote never closes, and a JSON array whose string never ends (512 MiB
/// each), are bounded the same way.
#[test]
fn endless_fields_in_csv_and_json_arrays_stay_bounded() {
    let _one = serial();
    let header = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n";
    let csv = Generated::new(vec![
        text(header),
        text(&format!(
            "1,2026-03-02T07:00:00,ExchangeItem,Send,u,\"{}\"\r\n",
            line("first").trim().replace('"', "\"\"")
        )),
        text("2,2026-03-02T07:00:00,ExchangeItem,Send,u,\"{\"\"Id\"\":\"\"x"),
        Part::Repeat(b'x', 512 << 20),
    ]);
    let (out, peak) = peak_growth(|| read_all("endless.csv", csv, small_limits()));
    println!(
        "CSV with a 512 MiB unclosed field: peak heap growth {} MiB",
        peak / MIB
    );
    assert_eq!(out.ids, ["first"], "{:?} {:?}", out.rejected, out.failure);
    assert!(
        out.rejected_at("row 2").is_some() || out.failure.is_some(),
        "the endless row is not reported: {:?}",
        out.rejected
    );
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);

    let json = Generated::new(vec![
        text("["),
        text(line("first").trim()),
        text(",{\"Id\":\"endless\",\"Subject\":\""),
        Part::Repeat(b'x', 512 << 20),
    ]);
    let (out, peak) = peak_growth(|| read_all("endless.json", json, small_limits()));
    println!(
        "JSON array with a 512 MiB string: peak heap growth {} MiB",
        peak / MIB
    );
    assert_eq!(out.ids, ["first"], "{:?} {:?}", out.rejected, out.failure);
    assert!(
        out.rejected_at("record 2").is_some() || out.failure.is_some(),
        "the endless record is not reported: {:?}",
        out.rejected
    );
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
}

/// JSON nested 200,000 deep, in ignored and in read fields, in every shape: no stack
/// overflow, and each record is either read or reported with its place.
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let _one = serial();
    let depth = 200_000;
    for field in [
        "Extra",
        "AffectedItems",
        "Folders",
        "Parameters",
        "AppAccessContext",
    ] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let deep = format!(
                "{{\"Id\":\"deep\",\"{field}\":{}1{}}}",
                open.repeat(depth),
                close.repeat(depth)
            );
            let jsonl = format!("{}{deep}\n{}", line("before"), line("after"));
            let out = read_all(
                "deep.jsonl",
                io::Cursor::new(jsonl),
                ReaderOptions::default(),
            );
            assert!(out.failure.is_none(), "{field}: {:?}", out.failure);
            assert_eq!(
                out.ids.first().map(String::as_str),
                Some("before"),
                "{field}"
            );
            assert_eq!(out.ids.last().map(String::as_str), Some("after"), "{field}");
            if out.ids.len() == 2 {
                assert!(out.rejected_at("deep.jsonl:line 2").is_some(), "{field}");
            }

            let array = format!(
                "[{},{deep},{}]",
                line("before").trim(),
                line("after").trim()
            );
            let out = read_all(
                "deep.json",
                io::Cursor::new(array),
                ReaderOptions::default(),
            );
            assert!(out.failure.is_none(), "{field}: {:?}", out.failure);
            assert_eq!(
                out.ids.first().map(String::as_str),
                Some("before"),
                "{field}"
            );
            assert_eq!(out.ids.last().map(String::as_str), Some("after"), "{field}");
        }
    }
    // Deep nesting at the top of the input, where the shape is detected.
    let deep_array = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let out = read_all(
        "deep-top.json",
        io::Cursor::new(deep_array),
        ReaderOptions::default(),
    );
    assert!(out.ids.is_empty());
    assert!(out.failure.is_some() || !out.rejected.is_empty());
}

/// Invalid UTF-8 in a line, a CSV field or an array element: that item is either rejected or
/// read with its bad bytes replaced, and in both cases reported with its place and the reason;
/// the other items are read.
#[test]
fn invalid_utf8_is_reported_where_it_is() {
    let _one = serial();
    let bad_record: &[u8] = b"{\"Id\":\"bad\",\"Subject\":\"caf\xe9 \xff\xfe\"}";
    let check = |out: &Outcome, place: &str| {
        assert!(out.failure.is_none(), "{place}: {:?}", out.failure);
        let ids: Vec<&str> = out
            .ids
            .iter()
            .map(String::as_str)
            .filter(|id| *id != "bad")
            .collect();
        assert_eq!(ids, ["before", "after"], "{place}: {:?}", out.rejected);
        let why = out.reported_at(place);
        assert!(
            why.is_some_and(|w| w.contains("UTF-8")),
            "{place}: {:?} {:?}",
            out.rejected,
            out.warnings
        );
    };

    let jsonl = [
        line("before").as_bytes(),
        bad_record,
        b"\n",
        line("after").as_bytes(),
    ]
    .concat();
    let out = read_all(
        "bad.jsonl",
        io::Cursor::new(jsonl),
        ReaderOptions::default(),
    );
    check(&out, "bad.jsonl:line 2");

    let mut csv = b"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n".to_vec();
    for (n, audit) in [
        line("before").trim().as_bytes(),
        bad_record,
        line("after").trim().as_bytes(),
    ]
    .into_iter()
    .enumerate()
    {
        csv.extend_from_slice(format!("{n},2026-03-02T07:00:00,ExchangeItem,Send,u,\"").as_bytes());
        for &b in audit {
            csv.push(b);
            if b == b'"' {
                csv.push(b'"');
            }
        }
        csv.extend_from_slice(b"\"\r\n");
    }
    let out = read_all("bad.csv", io::Cursor::new(csv), ReaderOptions::default());
    check(&out, "bad.csv:row 2");

    let array = [
        format!("[{},", line("before").trim()).as_bytes(),
        bad_record,
        format!(",{}]", line("after").trim()).as_bytes(),
    ]
    .concat();
    let out = read_all("bad.json", io::Cursor::new(array), ReaderOptions::default());
    check(&out, "bad.json:record 2");
}

/// Lines with NUL bytes (inside a string, a line of NULs, NULs between records) are each
/// reported with their place; the other records are read.
#[test]
fn nul_bytes_are_reported_where_they_are() {
    let _one = serial();
    // Past the first 64 KiB, where the reader has already decided the input is text.
    let lead: String = (0..1000).map(|i| line(&format!("lead{i}"))).collect();
    let bad: [(&str, &[u8]); 3] = [
        ("in a string", b"{\"Id\":\"nul\",\"Subject\":\"a\0b\"}\n"),
        ("a line of NULs", &[0u8; 65]),
        ("NULs between records", b"\0\0\0\0\n"),
    ];
    for (what, bad) in bad {
        let data = [
            lead.as_bytes(),
            line("before").as_bytes(),
            bad,
            b"\n",
            line("after").as_bytes(),
        ]
        .concat();
        let out = read_all("nul.jsonl", io::Cursor::new(data), ReaderOptions::default());
        assert!(out.failure.is_none(), "{what}: {:?}", out.failure);
        assert_eq!(out.ids.len(), 1002, "{what}: {:?}", out.rejected);
        assert_eq!(
            out.ids[1000..],
            ["before", "after"],
            "{what}: {:?}",
            out.rejected
        );
        assert!(
            out.reported_at("nul.jsonl:line 1002").is_some(),
            "{what}: {:?}",
            out.rejected
        );
    }
}

/// One NUL byte in the first records of a text file does not make the whole file "binary":
/// that record is reported, the others are read.
#[test]
fn a_nul_byte_near_the_start_does_not_reject_the_file() {
    let _one = serial();
    let data = [
        line("before").as_bytes(),
        b"{\"Id\":\"nul\",\"Subject\":\"a\0b\"}\n",
        line("after").as_bytes(),
    ]
    .concat();
    let out = read_all(
        "nul-start.jsonl",
        io::Cursor::new(data),
        ReaderOptions::default(),
    );
    assert!(
        out.failure.is_none(),
        "the whole file was refused: {:?}",
        out.failure
    );
    assert_eq!(out.ids, ["before", "after"], "{:?}", out.rejected);
    assert!(
        out.reported_at("nul-start.jsonl:line 2").is_some(),
        "{:?}",
        out.rejected
    );
}

/// A gzip stream cut short: every record before the cut is read, then an error names the file
/// and says it is truncated.
#[test]
fn a_truncated_gzip_stream_keeps_what_came_before() {
    let _one = serial();
    let mut jsonl = String::new();
    for i in 0..20_000 {
        jsonl.push_str(&line(&format!("r{i:05}")));
    }
    let compressed = gzip(jsonl.as_bytes());
    let cut = compressed[..compressed.len() * 6 / 10].to_vec();
    let out = read_all(
        "cut.jsonl.gz",
        io::Cursor::new(cut),
        ReaderOptions::default(),
    );
    let failure = out
        .failure
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(failure.contains("cut.jsonl.gz"), "{failure:?}");
    assert!(
        failure.contains("truncated") || failure.contains("end of"),
        "{failure:?}"
    );
    assert!(
        out.ids.len() > 5_000 && out.ids.len() < 20_000,
        "{}",
        out.ids.len()
    );
    let expected: Vec<String> = (0..out.ids.len()).map(|i| format!("r{i:05}")).collect();
    assert_eq!(
        out.ids, expected,
        "records before the cut are lost or out of order"
    );

    // The same as CSV.
    let mut csv = String::from("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n");
    for i in 0..20_000 {
        let audit = line(&format!("r{i:05}")).trim().replace('"', "\"\"");
        csv.push_str(&format!(
            "{i},2026-03-02T07:00:00,ExchangeItem,Send,u,\"{audit}\"\r\n"
        ));
    }
    let compressed = gzip(csv.as_bytes());
    let cut = compressed[..compressed.len() / 2].to_vec();
    let out = read_all("cut.csv.gz", io::Cursor::new(cut), ReaderOptions::default());
    let failure = out
        .failure
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(failure.contains("cut.csv.gz"), "{failure:?}");
    assert!(
        out.ids.len() > 5_000 && out.ids.len() < 20_000,
        "{}",
        out.ids.len()
    );
}

/// A large input of ordinary records is read in memory bounded by the batch size, not the
/// input size.
#[test]
fn memory_does_not_grow_with_the_input() {
    let _one = serial();
    let one = line("same");
    let count = (128 * MIB / one.len()) as u64;
    let input = Generated::new(vec![Part::Cycle(
        one.clone().into_bytes(),
        count * one.len() as u64,
    )]);
    let (shape_and_count, peak) = peak_growth(|| {
        let mut reader = Reader::from_reader("many.jsonl", input, small_limits())
            .unwrap_or_else(|e| panic!("{e}"));
        let shape = reader.shape();
        let mut n = 0usize;
        while let Some(batch) = reader.next_batch(4096).unwrap_or_else(|e| panic!("{e}")) {
            n += batch.len();
        }
        (shape, n)
    });
    assert_eq!(shape_and_count, (Shape::JsonLines, count as usize));
    println!("128 MiB of records: peak heap growth {} MiB", peak / MIB);
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
    assert!(parse_record(one.trim()).is_ok());
}

/// On the command line, a truncated gzip file among others: its records before the cut and every
/// record of the other files come out, the error names the file, and the exit code says so.
#[test]
fn the_command_line_goes_on_after_a_truncated_file() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut jsonl = String::new();
    for i in 0..20_000 {
        jsonl.push_str(&line(&format!("r{i:05}")));
    }
    let compressed = gzip(jsonl.as_bytes());
    let cut = dir.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &compressed[..compressed.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    let good = dir.path().join("good.jsonl");
    let good_lines: String = (0..5).map(|i| line(&format!("g{i}"))).collect();
    std::fs::write(&good, good_lines).unwrap_or_else(|e| panic!("{e}"));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_auditsift"))
        .args(["convert", "--format", "jsonl"])
        .arg(&cut)
        .arg(&good)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("cut.jsonl.gz"), "{stderr}");
    let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["Id"].as_str().map(str::to_owned))
        .collect();
    let from_good = ids.iter().filter(|id| id.starts_with('g')).count();
    let from_cut = ids.iter().filter(|id| id.starts_with('r')).count();
    assert_eq!(from_good, 5, "{stderr}");
    assert!(from_cut > 1_000 && from_cut < 20_000, "{from_cut} {stderr}");
}
