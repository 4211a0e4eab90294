//! The checks each fuzz target runs on one input, kept apart from libFuzzer so that
//! `tests/fuzz_regressions.rs` replays every input a fuzzer once found failing
//! (`fuzz/regressions/<target>/`) with exactly the same checks, in the normal test suite.
//!
//! A check panics when a guarantee does not hold; the fuzzer reports that as a crash.

use auditsift::batch::parse_batch;
use auditsift::filter::{Filter, FilterSpec};
use auditsift::record::parse_record;

/// `parse_record` on any bytes: it never panics; an accepted record keeps the text as given and
/// survives `into_owned`; a one-document batch accounts for the document; and the session
/// prefilter lets through every document whose record matches a filter on its own session ids,
/// in any ASCII case (if `may_match` says no, the record cannot match).
pub fn parse_record_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        let filter = session_filter("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11", false);
        let _ = filter.may_match(data);
        return;
    };
    match parse_record(text) {
        Err(e) => assert!(!e.to_string().is_empty(), "an error without a reason"),
        Ok(record) => {
            assert_eq!(record.raw, text, "the raw text was not kept as given");
            let _ = record.detail();
            let _ = record.mailbox();
            let ids = [&record.session_id, &record.aad_session_id];
            for id in ids.into_iter().flatten().filter(|id| prefilter_safe(id)) {
                for wanted in [
                    id.to_string(),
                    id.to_ascii_uppercase(),
                    id.to_ascii_lowercase(),
                ] {
                    for aad in [false, true] {
                        let filter = session_filter(&wanted, aad);
                        if filter.matches(&record) {
                            assert!(
                                filter.may_match(data),
                                "the prefilter skipped a document whose record matches {wanted:?}"
                            );
                        }
                    }
                }
            }
            let owned = record.clone().into_owned();
            assert_eq!(owned, record, "into_owned changed the record");
        }
    }
    let docs = [text];
    let outcome = parse_batch(&docs, &Filter::all());
    let tally = outcome.tally;
    assert!(tally.is_consistent(), "inconsistent tally {tally:?}");
    assert_eq!(tally.read, 1);
    assert_eq!(tally.rejected + tally.parsed, 1);
    assert_eq!(outcome.errors.len() as u64, tally.rejected);
}

/// A filter on one Exchange session id, or one AAD session id.
fn session_filter(id: &str, aad: bool) -> Filter {
    let ids = vec![id.to_owned()];
    Filter::new(if aad {
        FilterSpec {
            aad_session_ids: ids,
            ..FilterSpec::default()
        }
    } else {
        FilterSpec {
            session_ids: ids,
            ..FilterSpec::default()
        }
    })
}

/// Ids whose characters JSON can hide from a byte search only by `\u00XX` escapes, which the
/// prefilter handles. Ids with `"`, `\`, `/`, controls or non-ASCII characters can also be
/// written as `\"`, `\\`, `\/`, `\n` or `\u00e9`, which it does not (known; see
/// `prefilter_never_loses_a_match_for_any_id` in tests/properties.rs).
fn prefilter_safe(id: &str) -> bool {
    id.bytes()
        .all(|b| (b.is_ascii_graphic() || b == b' ') && !matches!(b, b'"' | b'\\' | b'/'))
}

/// Which reader a fuzz input is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderTarget {
    /// A Purview CSV header is put before the input (unless bit 4 of the first byte is set), so
    /// that it is read as CSV.
    Csv,
    /// The input is read as it is (JSON lines, JSON arrays, and whatever else it turns out to be).
    Json,
}

/// The name fuzz inputs go by in locations and errors.
const INPUT_NAME: &str = "fuzz-input";

/// A file reader on any bytes: it never panics or loops; every document and every error names
/// the input and its place; after an error the reader stops; and for plain JSON lines every
/// non-blank line comes out exactly once, as a document or as an error, in order.
///
/// Input layout: byte 0 picks the encoding (bits 0-1: 0 plain, 1 gzip, 2 gzip cut short at the
/// fraction given by bytes 1-2) and the limits (bits 2-3: 0 tiny documents and batches, 1-2
/// small ones, to reach the over-long and batch-boundary paths; 3 the defaults; bit 4: no CSV
/// header added); byte 1 also sets the batch size in items; the rest is the file.
pub fn reader_input(data: &[u8], target: ReaderTarget) {
    use auditsift::input::{Reader, ReaderOptions, Shape, Unit};
    use std::io::{Cursor, Write};

    let [mode, cut_low, cut_high, payload @ ..] = data else {
        return;
    };
    let mut file = Vec::with_capacity(payload.len() + 64);
    match target {
        ReaderTarget::Csv if mode & 0x10 == 0 => {
            file.extend_from_slice(b"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n")
        }
        ReaderTarget::Csv | ReaderTarget::Json => {}
    }
    file.extend_from_slice(payload);
    let plain_len = file.len();
    let bytes = match mode & 3 {
        0 => file,
        m => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&file).expect("writing to memory");
            let mut compressed = gz.finish().expect("writing to memory");
            if m == 2 {
                let fraction = u16::from_le_bytes([*cut_low, *cut_high]) as usize;
                compressed.truncate(compressed.len() * fraction / 65536);
            }
            compressed
        }
    };
    let options = match (mode >> 2) & 3 {
        0 => ReaderOptions {
            max_document_bytes: 64,
            batch_bytes: 32,
        },
        1 | 2 => ReaderOptions {
            max_document_bytes: 1024,
            batch_bytes: 256,
        },
        _ => ReaderOptions::default(),
    };
    let max_items = usize::from(*cut_low % 64) + 1;

    let mut reader = match Reader::from_reader(INPUT_NAME, Cursor::new(bytes.clone()), options) {
        Ok(r) => r,
        Err(e) => {
            assert!(e.to_string().starts_with(INPUT_NAME), "unnamed error: {e}");
            return;
        }
    };
    let plain_lines =
        mode & 3 == 0 && reader.shape() == Shape::JsonLines && !reader.encoding().utf16;
    let mut seen_lines: Vec<u64> = Vec::new();
    let mut batches = 0usize;
    loop {
        batches += 1;
        assert!(
            batches <= plain_len + 3,
            "the reader does not come to an end"
        );
        let batch = match reader.next_batch(max_items) {
            Ok(Some(batch)) => batch,
            Ok(None) => break,
            Err(e) => {
                assert!(e.to_string().starts_with(INPUT_NAME), "unnamed error: {e}");
                assert!(
                    matches!(reader.next_batch(max_items), Ok(None)),
                    "the reader goes on after an error"
                );
                break;
            }
        };
        assert!(
            !batch.is_empty() || !batch.errors().is_empty(),
            "an empty batch before the end"
        );
        for e in batch.errors() {
            assert!(e.source.starts_with(INPUT_NAME), "unnamed error {e:?}");
            assert!(!e.reason.is_empty(), "an error without a reason");
            if plain_lines {
                seen_lines.push(e.index);
            }
        }
        for w in batch.warnings() {
            assert!(w.source.starts_with(INPUT_NAME), "unnamed warning {w:?}");
        }
        for i in 0..batch.len() {
            assert!(batch.source(i).starts_with(INPUT_NAME));
            let location = batch.location(i).expect("a document without a location");
            if plain_lines {
                assert_eq!(location.unit, Unit::Line);
                seen_lines.push(location.number);
            }
        }
        let texts = batch.texts();
        let outcome = parse_batch(&texts, &Filter::all());
        assert!(outcome.tally.is_consistent());
        assert_eq!(outcome.tally.read as usize, batch.len());
    }
    if plain_lines {
        seen_lines.sort_unstable();
        let content = if bytes.starts_with("\u{feff}".as_bytes()) {
            &bytes[3..]
        } else {
            &bytes[..]
        };
        let expected: Vec<u64> = content
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
            .map(|(i, _)| i as u64 + 1)
            .collect();
        assert_eq!(
            seen_lines, expected,
            "JSON lines: documents and errors do not account for every non-blank line"
        );
    }
}

/// `auditsift_parse_batch` on any data and offsets, then the result read back through every
/// accessor, a collector and an inventory: never a panic (`AUDITSIFT_STATUS_PANIC` is a bug) or a
/// crash; bad offsets give a status and a message; a result's counts add up, its tables have
/// whole rows and every text reference lies inside the text buffer on character boundaries; and
/// it keeps what the core's `parse_batch` keeps. A result made with `AUDITSIFT_FLAG_TABLES_ONLY`
/// is refused by the collector and the inventory. `auditsift_parse_batch_utf16` gives the same
/// result for the same documents as UTF-16, and for the data read as UTF-16 units (lone
/// surrogates and all) what the UTF-8 path gives for the UTF-8 .NET would make of them.
///
/// Input layout: byte 0 the number of documents (mod 17); byte 1 the flags; byte 2 the filter
/// (bit 0: a filter at all; bits 1-4: which lists get values, taken from the data); byte 3 how
/// offsets are made (0: the data split at newlines; 1: arbitrary values read from the data; 2:
/// arbitrary cuts, sorted, so documents may split characters); the rest is the data.
pub fn ffi_parse_batch_input(data: &[u8]) {
    use auditsift::ffi::*;
    use std::ptr;

    let [count, flags, filter_bits, offsets_mode, payload @ ..] = data else {
        return;
    };
    // Document references are checked on their own, below: every other check reads a result made
    // without them.
    let refs = u32::from(*flags) & AUDITSIFT_FLAG_DOCUMENT_REFS != 0;
    let flags = u32::from(*flags) & !AUDITSIFT_FLAG_DOCUMENT_REFS;
    // Offsets, and whether they are valid (non-decreasing, within the data).
    let offsets: Vec<u64> = match offsets_mode % 3 {
        0 => {
            let mut o = vec![0u64];
            for (i, b) in payload.iter().enumerate() {
                if *b == b'\n' {
                    o.push(i as u64);
                    o.push(i as u64 + 1);
                }
            }
            o.push(payload.len() as u64);
            // Pairs (start, end) of lines become a flat, non-decreasing list.
            o.dedup();
            o
        }
        1 => {
            let n = usize::from(*count % 17) + 1;
            (0..n)
                .map(|i| {
                    let mut word = [0u8; 8];
                    for (j, w) in word.iter_mut().enumerate() {
                        *w = payload.get(i * 8 + j).copied().unwrap_or(0);
                    }
                    u64::from_le_bytes(word) % (payload.len() as u64 + 3)
                })
                .collect()
        }
        _ => {
            let n = usize::from(*count % 17) + 1;
            let mut o: Vec<u64> = (0..n)
                .map(|i| {
                    u64::from(payload.get(i).copied().unwrap_or(0)) * payload.len() as u64 / 255
                })
                .collect();
            o.sort_unstable();
            o
        }
    };
    let doc_count = offsets.len() - 1;
    let valid =
        offsets.windows(2).all(|w| w[0] <= w[1]) && offsets[doc_count] <= payload.len() as u64;

    // The filter, with values drawn from the data.
    let mut filter: *mut AuditsiftFilter = ptr::null_mut();
    let mut spec = FilterSpec::default();
    if filter_bits & 1 == 1 {
        // SAFETY: a valid out pointer.
        assert_eq!(
            unsafe { auditsift_filter_new(&mut filter) },
            AuditsiftStatus::Ok
        );
        let word: Vec<u8> = payload
            .iter()
            .copied()
            .skip_while(|b| !b.is_ascii_alphanumeric())
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .collect();
        for field in 0..5u32 {
            if filter_bits >> (field + 1) & 1 == 1 {
                // SAFETY: a live filter and `word.len()` readable bytes.
                let status =
                    unsafe { auditsift_filter_add(filter, field, word.as_ptr(), word.len()) };
                assert_eq!(status, AuditsiftStatus::Ok);
                let text = String::from_utf8_lossy(&word).into_owned();
                match field {
                    0 => spec.session_ids.push(text),
                    1 => spec.aad_session_ids.push(text),
                    2 => spec.users.push(text),
                    3 => spec.operations.push(text),
                    _ => spec.ips.push(text),
                }
            }
        }
        // An unknown field and bytes that are not UTF-8 are refused with a status.
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                auditsift_filter_add(filter, 9, b"x".as_ptr(), 1),
                AuditsiftStatus::InvalidArgument
            );
            assert_eq!(
                auditsift_filter_add(filter, 0, b"\xff".as_ptr(), 1),
                AuditsiftStatus::InvalidUtf8
            );
            assert_eq!(
                auditsift_filter_add(filter, 0, ptr::null(), 3),
                AuditsiftStatus::NullArgument
            );
        }
    }

    let mut result: *mut AuditsiftResult = ptr::null_mut();
    // SAFETY: `payload` holds its length in bytes, `offsets` holds `doc_count + 1` values.
    let status = unsafe {
        auditsift_parse_batch(
            payload.as_ptr(),
            payload.len(),
            offsets.as_ptr(),
            doc_count,
            filter,
            flags,
            &mut result,
        )
    };
    assert_ne!(status, AuditsiftStatus::Panic, "panic: {}", last_error());
    if !valid {
        assert_eq!(status, AuditsiftStatus::OutOfBounds);
        assert!(result.is_null());
        assert!(!last_error().is_empty());
        // SAFETY: NULL is allowed.
        unsafe { auditsift_filter_free(filter) };
        return;
    }
    assert_eq!(status, AuditsiftStatus::Ok, "{}", last_error());
    assert!(!result.is_null());

    // SAFETY: a live result.
    let (count, tally) = unsafe { read_result(result, doc_count, Made::Batch) };
    assert_eq!(tally.read as usize, doc_count);
    assert_eq!(tally.duplicates, 0);
    assert_eq!(count as u64, tally.matched);

    // The same documents through the core, when all of them are text.
    let docs: Vec<&str> = offsets
        .windows(2)
        .filter_map(|w| std::str::from_utf8(&payload[w[0] as usize..w[1] as usize]).ok())
        .collect();
    if docs.len() == doc_count {
        let core = parse_batch(&docs, &Filter::new(spec));
        assert_eq!(core.tally.matched, tally.matched);
        assert_eq!(core.tally.rejected, tally.rejected);
        assert_eq!(core.tally.skipped, tally.skipped);
        let mut origins = vec![0i64; count];
        // SAFETY: a live result and a buffer of the table's length.
        let status =
            unsafe { auditsift_result_table(result, 0, origins.as_mut_ptr(), origins.len()) };
        assert_eq!(status, AuditsiftStatus::Ok);
        let core_origins: Vec<i64> = core.records.iter().map(|(i, _)| *i as i64).collect();
        assert_eq!(origins, core_origins);
    }

    // The same documents as UTF-16 (when they are all text), and the data's bytes read as UTF-16
    // units split at newlines, against their UTF-8.
    if docs.len() == doc_count {
        let wide: Vec<Vec<u16>> = docs.iter().map(|d| d.encode_utf16().collect()).collect();
        // SAFETY: a live result; `filter` is NULL or live.
        unsafe { assert_utf16_is_utf8(result, &wide, filter, flags) };
    }
    let units: Vec<u16> = payload
        .chunks(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
        .collect();
    let wide: Vec<Vec<u16>> = units
        .split(|&u| u == u16::from(b'\n'))
        .map(<[u16]>::to_vec)
        .collect();
    // What .NET's Encoding.UTF8 makes of each, back to back.
    let mut utf8 = Vec::new();
    let mut line_offsets = vec![0u64];
    for d in &wide {
        utf8.extend_from_slice(String::from_utf16_lossy(d).as_bytes());
        line_offsets.push(utf8.len() as u64);
    }
    // SAFETY: `line_offsets` ends within `utf8`; `filter` is NULL or live.
    let from_utf8 =
        unsafe { parse_ok(&utf8, &line_offsets, line_offsets.len() - 1, filter, flags) };
    // SAFETY: a live result; `filter` is NULL or live.
    unsafe {
        assert_eq!(auditsift_result_count(from_utf8), {
            let mut tally = AuditsiftTally::default();
            auditsift_result_tally(from_utf8, &mut tally);
            tally.matched as usize
        });
        assert_utf16_is_utf8(from_utf8, &wide, filter, flags);
        auditsift_result_free(from_utf8);
    }

    // With AUDITSIFT_FLAG_DOCUMENT_REFS every reference reads the text it reads without the flag,
    // out of the record's document: its bytes, or its UTF-16 units.
    if refs {
        // SAFETY: a live result; `filter` is NULL or live; the documents outlive the calls.
        unsafe {
            let want = record_texts(result, |origin, start, len| {
                panic!("document reference {origin}:{start}+{len} without the flag")
            });
            let refs = flags | AUDITSIFT_FLAG_DOCUMENT_REFS;
            let referred = parse_ok(payload, &offsets, doc_count, filter, refs);
            let got = record_texts(referred, |origin, start, len| {
                let doc = &payload[offsets[origin] as usize..offsets[origin + 1] as usize];
                String::from_utf8(doc[start..start + len].to_vec()).expect("a run of UTF-8")
            });
            assert_eq!(got, want, "UTF-8 document references");
            auditsift_result_free(referred);
            if docs.len() == doc_count {
                let wide: Vec<Vec<u16>> = docs.iter().map(|d| d.encode_utf16().collect()).collect();
                let referred = parse_utf16_ok(&wide, filter, refs);
                let got = record_texts(referred, |origin, start, len| {
                    String::from_utf16(&wide[origin][start..start + len])
                        .expect("a run of whole characters")
                });
                assert_eq!(got, want, "UTF-16 document references");
                auditsift_result_free(referred);
            }
        }
    }

    // A result that keeps only its tables cannot be added; the checks below use one that keeps
    // its records.
    if flags & AUDITSIFT_FLAG_TABLES_ONLY != 0 {
        let mut collector: *mut AuditsiftCollector = ptr::null_mut();
        let mut inventory: *mut AuditsiftInventory = ptr::null_mut();
        // SAFETY: live handles and valid out pointers; the old result is freed once.
        unsafe {
            assert_eq!(auditsift_collector_new(&mut collector), AuditsiftStatus::Ok);
            assert_eq!(auditsift_inventory_new(&mut inventory), AuditsiftStatus::Ok);
            assert_eq!(
                auditsift_collector_add(collector, result),
                AuditsiftStatus::InvalidArgument
            );
            assert_eq!(
                auditsift_inventory_add(inventory, result),
                AuditsiftStatus::InvalidArgument
            );
            assert!(last_error().contains("AUDITSIFT_FLAG_TABLES_ONLY"));
            auditsift_collector_free(collector);
            auditsift_inventory_free(inventory);
            auditsift_result_free(result);
            result = parse_ok(
                payload,
                &offsets,
                doc_count,
                filter,
                flags & !AUDITSIFT_FLAG_TABLES_ONLY,
            );
        }
    }

    // A collector given the same result twice keeps each record once.
    let mut collector: *mut AuditsiftCollector = ptr::null_mut();
    let mut collected: *mut AuditsiftResult = ptr::null_mut();
    let mut inventory: *mut AuditsiftInventory = ptr::null_mut();
    let mut sessions: *mut AuditsiftResult = ptr::null_mut();
    // SAFETY: live handles and valid out pointers throughout.
    unsafe {
        assert_eq!(auditsift_collector_new(&mut collector), AuditsiftStatus::Ok);
        assert_eq!(
            auditsift_collector_add(collector, result),
            AuditsiftStatus::Ok
        );
        assert_eq!(
            auditsift_collector_add(collector, result),
            AuditsiftStatus::Ok
        );
        assert_eq!(
            auditsift_collector_finish(collector, flags, &mut collected),
            AuditsiftStatus::Ok
        );
        let (kept, collected_tally) = read_result(collected, 2 * doc_count, Made::Collector);
        assert!(kept <= count);
        assert_eq!(collected_tally.read as usize, 2 * doc_count);
        assert_eq!(collected_tally.matched as usize, kept);
        assert_eq!(collected_tally.duplicates as usize, 2 * count - kept);

        assert_eq!(auditsift_inventory_new(&mut inventory), AuditsiftStatus::Ok);
        assert_eq!(
            auditsift_inventory_add(inventory, result),
            AuditsiftStatus::Ok
        );
        assert_eq!(
            auditsift_inventory_summarize(inventory, &mut sessions),
            AuditsiftStatus::Ok
        );
        read_result(sessions, doc_count, Made::Inventory);

        // Misuse gives statuses, not crashes.
        assert_eq!(
            auditsift_collector_add(collector, ptr::null()),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_parse_batch(
                payload.as_ptr(),
                payload.len(),
                offsets.as_ptr(),
                doc_count,
                filter,
                flags,
                ptr::null_mut()
            ),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_result_table(result, 99, ptr::null_mut(), 0),
            AuditsiftStatus::InvalidArgument
        );
        assert_eq!(auditsift_result_table_len(result, 99), 0);
        assert_eq!(auditsift_table_row_width(99), 0);

        auditsift_result_free(sessions);
        auditsift_inventory_free(inventory);
        auditsift_result_free(collected);
        auditsift_collector_free(collector);
        auditsift_result_free(result);
        auditsift_filter_free(filter);
    }
}

/// `auditsift_parse_batch` on arguments known to be valid; the call must succeed.
///
/// # Safety
/// `offsets` must hold `doc_count + 1` offsets that end within `bytes`, and `filter` be NULL or
/// a live filter.
unsafe fn parse_ok(
    bytes: &[u8],
    offsets: &[u64],
    doc_count: usize,
    filter: *const auditsift::ffi::AuditsiftFilter,
    flags: u32,
) -> *mut auditsift::ffi::AuditsiftResult {
    use auditsift::ffi::*;
    let mut result = std::ptr::null_mut();
    // SAFETY: as the caller promises.
    let status = unsafe {
        auditsift_parse_batch(
            bytes.as_ptr(),
            bytes.len(),
            offsets.as_ptr(),
            doc_count,
            filter,
            flags,
            &mut result,
        )
    };
    assert_eq!(status, AuditsiftStatus::Ok, "{}", last_error());
    result
}

/// `auditsift_parse_batch_utf16` on `docs`; the call must succeed.
///
/// # Safety
/// `filter` must be NULL or a live filter.
unsafe fn parse_utf16_ok(
    docs: &[Vec<u16>],
    filter: *const auditsift::ffi::AuditsiftFilter,
    flags: u32,
) -> *mut auditsift::ffi::AuditsiftResult {
    use auditsift::ffi::*;
    let pointers: Vec<*const u16> = docs.iter().map(|d| d.as_ptr()).collect();
    let lengths: Vec<usize> = docs.iter().map(Vec::len).collect();
    let mut result = std::ptr::null_mut();
    // SAFETY: the documents outlive the call; the caller passes NULL or a live filter.
    let status = unsafe {
        auditsift_parse_batch_utf16(
            pointers.as_ptr(),
            lengths.as_ptr(),
            docs.len(),
            filter,
            flags,
            &mut result,
        )
    };
    assert_eq!(status, AuditsiftStatus::Ok, "{}", last_error());
    result
}

/// Everything a result holds, as a host copies it out: counts, text and every table.
///
/// # Safety
/// `result` must be a live result.
unsafe fn result_contents(
    result: *const auditsift::ffi::AuditsiftResult,
) -> (auditsift::ffi::AuditsiftTally, Vec<u8>, Vec<Vec<i64>>) {
    use auditsift::ffi::*;
    let mut tally = AuditsiftTally::default();
    // SAFETY: a live result; buffers are sized from the result's own lengths.
    unsafe {
        assert_eq!(
            auditsift_result_tally(result, &mut tally),
            AuditsiftStatus::Ok
        );
        let mut text = vec![0u8; auditsift_result_text_len(result)];
        let status = auditsift_result_text(result, text.as_mut_ptr(), text.len());
        assert_eq!(status, AuditsiftStatus::Ok);
        let tables = (0..20u32)
            .map(|table| {
                let mut values = vec![0i64; auditsift_result_table_len(result, table)];
                let status =
                    auditsift_result_table(result, table, values.as_mut_ptr(), values.len());
                assert_eq!(status, AuditsiftStatus::Ok);
                values
            })
            .collect();
        (tally, text, tables)
    }
}

/// `auditsift_parse_batch_utf16` on `docs` gives what `expected` (from their UTF-8) holds.
///
/// # Safety
/// `expected` must be a live result and `filter` NULL or a live filter.
unsafe fn assert_utf16_is_utf8(
    expected: *const auditsift::ffi::AuditsiftResult,
    docs: &[Vec<u16>],
    filter: *const auditsift::ffi::AuditsiftFilter,
    flags: u32,
) {
    use auditsift::ffi::*;
    // SAFETY: the caller passes NULL or a live filter.
    unsafe {
        let result = parse_utf16_ok(docs, filter, flags);
        let (tally16, text16, tables16) = result_contents(result);
        let (tally8, text8, tables8) = result_contents(expected);
        assert_eq!(tally16, tally8, "UTF-16 and UTF-8 counts differ");
        assert!(text16 == text8, "UTF-16 and UTF-8 text differ");
        assert!(tables16 == tables8, "UTF-16 and UTF-8 tables differ");
        auditsift_result_free(result);
    }
}

/// The text of every text reference of a result's record tables (FIELDS, ITEMS, PARAMETERS,
/// FOLDERS), in table order; a document reference is read by `document(origin, start, length)`.
///
/// # Safety
/// `result` must be a live result.
pub unsafe fn record_texts(
    result: *const auditsift::ffi::AuditsiftResult,
    document: impl Fn(usize, usize, usize) -> String,
) -> Vec<Option<String>> {
    use auditsift::ffi::*;
    // SAFETY (whole body): `result` is live; every buffer passed holds the length given.
    unsafe {
        let mut text = vec![0u8; auditsift_result_text_len(result)];
        assert_eq!(
            auditsift_result_text(result, text.as_mut_ptr(), text.len()),
            AuditsiftStatus::Ok
        );
        let table = |t: AuditsiftTable| {
            let mut values = vec![0i64; auditsift_result_table_len(result, t as u32)];
            assert_eq!(
                auditsift_result_table(result, t as u32, values.as_mut_ptr(), values.len()),
                AuditsiftStatus::Ok
            );
            values
        };
        let origins = table(AuditsiftTable::Origins);
        let mut texts = Vec::new();
        let mut read = |record: i64, at: i64, len: i64| {
            texts.push(match at {
                -1 => None,
                at if at <= -2 => Some(document(
                    origins[record as usize] as usize,
                    (-2 - at) as usize,
                    len as usize,
                )),
                at => Some(
                    String::from_utf8(text[at as usize..(at + len) as usize].to_vec())
                        .expect("UTF-8 text"),
                ),
            });
        };
        let width = auditsift_table_row_width(AuditsiftTable::Fields as u32);
        for (record, row) in table(AuditsiftTable::Fields).chunks(width).enumerate() {
            for pair in row.chunks(2) {
                read(record as i64, pair[0], pair[1]);
            }
        }
        for (t, cells) in [
            (AuditsiftTable::Items, &[2usize, 4, 6][..]),
            (AuditsiftTable::Parameters, &[1, 3][..]),
            (AuditsiftTable::Folders, &[1, 3][..]),
        ] {
            let width = auditsift_table_row_width(t as u32);
            for row in table(t).chunks(width) {
                for &c in cells {
                    read(row[0], row[c], row[c + 1]);
                }
            }
        }
        texts
    }
}

/// This thread's last error message from the C ABI.
fn last_error() -> String {
    let mut buf = vec![0u8; 4096];
    // SAFETY: `buf` holds its length in bytes.
    let n = unsafe { auditsift::ffi::auditsift_last_error(buf.as_mut_ptr(), buf.len()) };
    buf.truncate(n.min(4096));
    String::from_utf8_lossy(&buf).into_owned()
}

/// What made a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Made {
    /// `auditsift_parse_batch`: records in input order, one ERRORS row per rejected document.
    Batch,
    /// `auditsift_collector_finish`: records in time order.
    Collector,
    /// `auditsift_inventory_summarize`: sessions.
    Inventory,
}

/// Reads a result through every accessor and checks its shape; returns its row count and tally.
/// `inputs` is the number of documents behind it.
///
/// # Safety
/// `result` must be a live result.
unsafe fn read_result(
    result: *const auditsift::ffi::AuditsiftResult,
    inputs: usize,
    made: Made,
) -> (usize, auditsift::ffi::AuditsiftTally) {
    use auditsift::ffi::*;

    // SAFETY (whole body): `result` is live; every buffer passed holds the length given.
    unsafe {
        let count = auditsift_result_count(result);
        let mut tally = std::mem::zeroed::<AuditsiftTally>();
        assert_eq!(
            auditsift_result_tally(result, &mut tally),
            AuditsiftStatus::Ok
        );
        assert_eq!(
            tally.read,
            tally.skipped + tally.rejected + tally.parsed,
            "{tally:?}"
        );
        assert_eq!(
            tally.parsed,
            tally.filtered_out + tally.duplicates + tally.matched,
            "{tally:?}"
        );

        let text_len = auditsift_result_text_len(result);
        let mut text = vec![0u8; text_len];
        assert_eq!(
            auditsift_result_text(result, text.as_mut_ptr(), text.len()),
            AuditsiftStatus::Ok
        );
        if text_len > 0 {
            assert_eq!(
                auditsift_result_text(result, text.as_mut_ptr(), text_len - 1),
                AuditsiftStatus::OutOfBounds
            );
        }
        let reference = |at: i64, len: i64| {
            if at == -1 {
                assert_eq!(len, 0, "an absent text with a length");
                return;
            }
            assert!(
                at >= 0 && len >= 0 && (at + len) as usize <= text_len,
                "text ref {at}+{len} of {text_len}"
            );
            assert!(
                std::str::from_utf8(&text[at as usize..(at + len) as usize]).is_ok(),
                "a text ref that is not UTF-8"
            );
        };
        // Which columns of each table are (offset, length) text references.
        let text_columns: [&[usize]; 9] = [
            &[],
            &[],
            &[2, 4, 6],
            &[1, 3],
            &[1, 3],
            &[1, 3],
            &[3, 5],
            &[0, 2, 4],
            &[2],
        ];
        for (table, columns) in text_columns.iter().enumerate() {
            let table = table as u32;
            let width = auditsift_table_row_width(table);
            let len = auditsift_result_table_len(result, table);
            assert!(
                width > 0 && len.is_multiple_of(width),
                "table {table}: {len} values in rows of {width}"
            );
            let mut values = vec![0i64; len];
            assert_eq!(
                auditsift_result_table(result, table, values.as_mut_ptr(), len),
                AuditsiftStatus::Ok
            );
            if len > 0 {
                assert_eq!(
                    auditsift_result_table(result, table, values.as_mut_ptr(), len - 1),
                    AuditsiftStatus::OutOfBounds
                );
            }
            // The 32-bit copy: the same values, or OUT_OF_BOUNDS when one does not fit.
            let mut narrow = vec![0i32; len];
            let status = auditsift_result_table_i32(result, table, narrow.as_mut_ptr(), len);
            if values.iter().all(|&v| i32::try_from(v).is_ok()) {
                assert_eq!(status, AuditsiftStatus::Ok);
                assert!(narrow.iter().zip(&values).all(|(&n, &v)| i64::from(n) == v));
            } else {
                assert_eq!(status, AuditsiftStatus::OutOfBounds);
            }
            for row in values.chunks(width) {
                let columns: Vec<usize> = if table == 1 {
                    (0..width).step_by(2).collect()
                } else {
                    columns.to_vec()
                };
                for &c in &columns {
                    reference(row[c], row[c + 1]);
                }
                match table {
                    0 => assert!(
                        (row[0] as usize) < inputs.max(1),
                        "origin {} of {inputs}",
                        row[0]
                    ),
                    2..=4 | 6 => assert!((row[0] as usize) < count, "record {} of {count}", row[0]),
                    5 => assert!(
                        (row[0] as usize) < inputs,
                        "error index {} of {inputs}",
                        row[0]
                    ),
                    _ => {}
                }
            }
            match table {
                0 if made == Made::Batch => {
                    assert_eq!(len, count);
                    assert!(
                        values.windows(2).all(|w| w[0] < w[1]),
                        "origins out of order"
                    );
                }
                0 | 1 if made == Made::Inventory => assert_eq!(len, 0),
                0 => assert_eq!(len, count),
                1 => assert_eq!(len, count * width),
                5 if made == Made::Batch => assert_eq!((len / width) as u64, tally.rejected),
                7 if made == Made::Inventory => assert_eq!(len, count * width),
                _ => {}
            }
        }
        (count, tally)
    }
}
