//! Thread safety of the C ABI: 16 threads, each with its own filter, results, collector and
//! inventory, run the whole ABI over the bundled incident many times at once, and every thread's
//! every run gives exactly what one thread alone gives (text buffers and tables byte for byte).

mod common;

use common::{ATTACKER, sample_audit_data};
use std::ptr;
use std::sync::Arc;

use auditsift::ffi::error::AuditsiftStatus;
use auditsift::ffi::result::{AuditsiftResult, AuditsiftTable};
use auditsift::ffi::*;

const THREADS: usize = 16;
const ROUNDS: usize = 2;
/// Pages of the sample handed to the ABI one call each (Search-UnifiedAuditLog pages repeat).
const PAGE: usize = 700;

fn ok(status: AuditsiftStatus, what: &str) {
    assert_eq!(status, AuditsiftStatus::Ok, "{what}");
}

/// Everything a result holds, copied out as a host does.
fn contents(result: *const AuditsiftResult) -> (Vec<u8>, Vec<Vec<i64>>) {
    // SAFETY: `result` is a live result handle; buffers are sized from the ABI's own lengths.
    unsafe {
        let mut text = vec![0u8; auditsift_result_text_len(result)];
        ok(
            auditsift_result_text(result, text.as_mut_ptr(), text.len()),
            "text",
        );
        let mut tables = Vec::new();
        for table in 0..=AuditsiftTable::SessionValues as u32 {
            let mut values = vec![0i64; auditsift_result_table_len(result, table)];
            ok(
                auditsift_result_table(result, table, values.as_mut_ptr(), values.len()),
                "table",
            );
            tables.push(values);
        }
        (text, tables)
    }
}

/// One run of the whole ABI: a filter on the attacker session, the pages parsed with it,
/// collected and summarized; returns the collector's and the inventory's contents.
fn run(docs: &[String]) -> Vec<(Vec<u8>, Vec<Vec<i64>>)> {
    // SAFETY: every handle is made here, used by this thread only, and freed once.
    unsafe {
        let mut filter = ptr::null_mut();
        ok(auditsift_filter_new(&mut filter), "filter_new");
        ok(
            auditsift_filter_add(
                filter,
                AuditsiftFilterField::SessionId as u32,
                ATTACKER.as_ptr(),
                ATTACKER.len(),
            ),
            "filter_add",
        );
        let mut collector = ptr::null_mut();
        ok(auditsift_collector_new(&mut collector), "collector_new");
        let mut inventory = ptr::null_mut();
        ok(auditsift_inventory_new(&mut inventory), "inventory_new");
        let mut out = Vec::new();
        // Every page twice, as repeated Search-UnifiedAuditLog pages.
        for page in docs.chunks(PAGE).chain(docs.chunks(PAGE)) {
            let mut data = Vec::new();
            let mut offsets = vec![0u64];
            for d in page {
                data.extend_from_slice(d.as_bytes());
                offsets.push(data.len() as u64);
            }
            for f in [filter.cast_const(), ptr::null()] {
                let mut result = ptr::null_mut();
                ok(
                    auditsift_parse_batch(
                        data.as_ptr(),
                        data.len(),
                        offsets.as_ptr(),
                        page.len(),
                        f,
                        0,
                        &mut result,
                    ),
                    "parse_batch",
                );
                if f.is_null() {
                    ok(auditsift_inventory_add(inventory, result), "inventory_add");
                } else {
                    ok(auditsift_collector_add(collector, result), "collector_add");
                    out.push(contents(result));
                }
                auditsift_result_free(result);
            }
        }
        let mut timeline = ptr::null_mut();
        ok(
            auditsift_collector_finish(collector, 0, &mut timeline),
            "collector_finish",
        );
        out.push(contents(timeline));
        let mut sessions = ptr::null_mut();
        ok(
            auditsift_inventory_summarize(inventory, &mut sessions),
            "inventory_summarize",
        );
        out.push(contents(sessions));
        auditsift_result_free(timeline);
        auditsift_result_free(sessions);
        auditsift_inventory_free(inventory);
        auditsift_collector_free(collector);
        auditsift_filter_free(filter);
        out
    }
}

#[test]
fn independent_handles_on_many_threads_give_what_one_thread_gives() {
    let docs = Arc::new(sample_audit_data());
    let expected = Arc::new(run(&docs));
    // The attacker's 49 records come out of the collector, and the inventory has every session.
    let timeline = &expected[expected.len() - 2];
    assert_eq!(timeline.1[AuditsiftTable::Origins as usize].len(), 49);
    assert!(!expected.last().unwrap().1[AuditsiftTable::Sessions as usize].is_empty());

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let docs = Arc::clone(&docs);
            let expected = Arc::clone(&expected);
            std::thread::Builder::new()
                .name(format!("stress-{t}"))
                .spawn(move || {
                    for round in 0..ROUNDS {
                        let got = run(&docs);
                        assert!(
                            got == *expected,
                            "thread {t}, round {round}: the results differ from one thread's"
                        );
                    }
                })
                .expect("spawn")
        })
        .collect();
    for t in threads {
        t.join().expect("a stress thread failed");
    }
}
