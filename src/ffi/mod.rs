//! The C ABI, modelled on rustls-ffi: every export runs inside a panic guard and returns an
//! [`AuditsiftStatus`]; every pointer is null-checked and every length bounds-checked; handles are
//! boxed Rust objects with exactly one free function each (freeing NULL does nothing); text is UTF-8
//! as pointer plus length. Independent handles may be used from different threads at once.
//! The header `include/auditsift.h` is generated from this module by cbindgen (see `build.rs`);
//! `docs/abi.md` explains how the pieces fit.

pub mod error;
pub mod exposure;
mod parts;
mod pool;
pub mod reader;
pub mod report;
pub mod result;
mod tree;
mod utf16;

use std::slice;

use crate::batch::{Collected, Deduper, RecordError, Tally, sort_by_time};
use crate::filter::{Filter, FilterSpec};
use crate::session::SessionInventory;
pub use error::{AuditsiftStatus, auditsift_last_error};
use error::{fail, free_handle, guard, non_null};
use parts::{Texts, parse_in_parts};
pub use result::{
    AUDITSIFT_FLAG_DOCUMENT_REFS, AUDITSIFT_FLAG_FULL_TREE, AUDITSIFT_FLAG_NO_RAW,
    AUDITSIFT_FLAG_TABLES_ONLY, AuditsiftField, AuditsiftNodeKind, AuditsiftResult,
    AuditsiftSessionValue, AuditsiftTable, AuditsiftTally, AuditsiftWarningKind,
};
use result::{Encoder, ROW_WIDTH, TABLE_COUNT};
pub use utf16::auditsift_parse_batch_utf16;

/// The ABI version this library implements; hosts refuse a library whose version differs.
pub const AUDITSIFT_ABI_VERSION: u32 = 1;

/// Returns `AUDITSIFT_ABI_VERSION`.
#[unsafe(no_mangle)]
pub extern "C" fn auditsift_abi_version() -> u32 {
    AUDITSIFT_ABI_VERSION
}

/// What a filter value is matched against.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftFilterField {
    /// An Exchange `SessionId`.
    SessionId = 0,
    /// An `AppAccessContext.AADSessionId`.
    AadSessionId = 1,
    /// A user (`UserId` or `MailboxOwnerUPN`).
    User = 2,
    /// An operation name.
    Operation = 3,
    /// A client IP, with or without port.
    Ip = 4,
}

/// A filter handle: add values, then use it for any number of batches.
#[derive(Debug)]
pub struct AuditsiftFilter {
    /// The filter compiled from what the host gave; its spec is that input (blanks dropped).
    compiled: Filter,
}

impl AuditsiftFilter {
    /// Compiles `spec` changed by `change` in place of the current filter.
    fn recompile_with(&mut self, change: impl FnOnce(&mut FilterSpec)) {
        let mut spec = self.compiled.spec().clone();
        change(&mut spec);
        self.compiled = Filter::new(spec);
    }
}

/// Reads `len` bytes at `ptr` as UTF-8 (`ptr` may be NULL only when `len` is 0).
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
unsafe fn utf8_arg<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, AuditsiftStatus> {
    if len == 0 {
        return Ok("");
    }
    if ptr.is_null() {
        return Err(fail(
            AuditsiftStatus::NullArgument,
            format!("argument `{what}` is NULL"),
        ));
    }
    // SAFETY: the caller promises `len` readable bytes.
    let bytes = unsafe { slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).map_err(|e| {
        fail(
            AuditsiftStatus::InvalidUtf8,
            format!("`{what}` is not UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// Creates an empty filter (keeps everything) in `*out`.
///
/// # Safety
/// `out` must be a valid pointer to write a handle to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_filter_new(out: *mut *mut AuditsiftFilter) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        let filter = Box::new(AuditsiftFilter {
            compiled: Filter::all(),
        });
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(filter) };
        AuditsiftStatus::Ok
    })
}

/// Adds a value to one of the filter's lists (values within a list are OR-ed; lists are AND-ed;
/// session and AAD session ids together form one list).
///
/// # Safety
/// `filter` must come from `auditsift_filter_new`; `value` must point to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_filter_add(
    filter: *mut AuditsiftFilter,
    field: u32,
    value: *const u8,
    len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(filter);
        // SAFETY: the caller passes a live handle and `len` readable bytes.
        let (f, text) = unsafe { (&mut *filter, utf8_arg(value, len, "value")) };
        let text = match text {
            Ok(t) => t.to_owned(),
            Err(status) => return status,
        };
        let list: fn(&mut FilterSpec) -> &mut Vec<String> = match field {
            0 => |spec| &mut spec.session_ids,
            1 => |spec| &mut spec.aad_session_ids,
            2 => |spec| &mut spec.users,
            3 => |spec| &mut spec.operations,
            4 => |spec| &mut spec.ips,
            other => {
                return fail(
                    AuditsiftStatus::InvalidArgument,
                    format!("unknown filter field {other}"),
                );
            }
        };
        f.recompile_with(|spec| list(spec).push(text));
        AuditsiftStatus::Ok
    })
}

fn time_from_ms(ms: i64) -> Result<chrono::DateTime<chrono::Utc>, AuditsiftStatus> {
    chrono::DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        fail(
            AuditsiftStatus::InvalidArgument,
            format!("time {ms} ms is out of range"),
        )
    })
}

/// Keeps records at or after `unix_ms` (milliseconds since 1970-01-01 UTC).
///
/// # Safety
/// `filter` must come from `auditsift_filter_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_filter_set_start(
    filter: *mut AuditsiftFilter,
    unix_ms: i64,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(filter);
        // SAFETY: a live handle.
        let f = unsafe { &mut *filter };
        match time_from_ms(unix_ms) {
            Ok(t) => f.recompile_with(|spec| spec.start = Some(t)),
            Err(s) => return s,
        }
        AuditsiftStatus::Ok
    })
}

/// Keeps records at or before `unix_ms` (milliseconds since 1970-01-01 UTC).
///
/// # Safety
/// `filter` must come from `auditsift_filter_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_filter_set_end(
    filter: *mut AuditsiftFilter,
    unix_ms: i64,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(filter);
        // SAFETY: a live handle.
        let f = unsafe { &mut *filter };
        match time_from_ms(unix_ms) {
            Ok(t) => f.recompile_with(|spec| spec.end = Some(t)),
            Err(s) => return s,
        }
        AuditsiftStatus::Ok
    })
}

/// Frees a filter. NULL does nothing.
///
/// # Safety
/// `filter` must be NULL or come from `auditsift_filter_new`, and not be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_filter_free(filter: *mut AuditsiftFilter) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(filter) }
}

/// Parses `doc_count` documents held back to back in `data`: document `i` is
/// `data[offsets[i] .. offsets[i + 1]]` (so `offsets` has `doc_count + 1` non-decreasing entries,
/// the last at most `data_len`). A document is AuditData JSON or a flat JSON object of
/// Search-MailboxAuditLog properties. `filter` may be NULL (keep everything). `flags` combines
/// `AUDITSIFT_FLAG_*`. A document that cannot be read is an ERRORS row, never a batch failure.
///
/// # Safety
/// `data` must point to `data_len` bytes, `offsets` to `doc_count + 1` values, `filter` be NULL or
/// a live filter, and `out` a valid pointer to write the result handle to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_parse_batch(
    data: *const u8,
    data_len: usize,
    offsets: *const u64,
    doc_count: usize,
    filter: *const AuditsiftFilter,
    flags: u32,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(offsets, out);
        if data.is_null() && data_len > 0 {
            return fail(AuditsiftStatus::NullArgument, "argument `data` is NULL");
        }
        let Some(n_offsets) = doc_count.checked_add(1) else {
            return fail(AuditsiftStatus::OutOfBounds, "doc_count is too large");
        };
        // SAFETY: the caller promises these lengths.
        let (bytes, offsets) = unsafe {
            (
                if data_len == 0 {
                    &[][..]
                } else {
                    slice::from_raw_parts(data, data_len)
                },
                slice::from_raw_parts(offsets, n_offsets),
            )
        };
        // With no documents there is no pair to check: the one offset must still be in the data.
        if doc_count == 0 && offsets[0] > data_len as u64 {
            return fail(
                AuditsiftStatus::OutOfBounds,
                format!(
                    "offsets[0] = {} is not within data of {data_len} bytes",
                    offsets[0]
                ),
            );
        }
        for (i, pair) in offsets.windows(2).enumerate() {
            if pair[0] > pair[1] || pair[1] > data_len as u64 {
                return fail(
                    AuditsiftStatus::OutOfBounds,
                    format!(
                        "offsets[{i}..{}] = {}..{} is not within data of {data_len} bytes",
                        i + 1,
                        pair[0],
                        pair[1]
                    ),
                );
            }
        }
        // SAFETY: NULL or a live filter.
        let filter = unsafe { filter.as_ref() };
        let docs: Vec<&[u8]> = offsets
            .windows(2)
            .map(|pair| &bytes[pair[0] as usize..pair[1] as usize])
            .collect();
        let result = parse_in_parts(&docs, filter, flags, |first, chunk, parse| {
            let mut texts = Texts::of_bytes(chunk.len());
            for (i, doc) in chunk.iter().enumerate() {
                match std::str::from_utf8(doc) {
                    Ok(text) => {
                        texts.texts.push(text);
                        texts.positions.push(first + i);
                        texts.referable.push(Some(0..0));
                    }
                    Err(e) => texts.rejected.push(RecordError {
                        index: (first + i) as u64,
                        source: String::new(),
                        reason: format!("document is not UTF-8 at byte {}", e.valid_up_to()),
                        raw: String::from_utf8_lossy(doc).into_owned(),
                    }),
                }
            }
            parse(texts)
        });
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

fn encode(
    records: Vec<Collected>,
    errors: &[RecordError],
    tally: Tally,
    flags: u32,
) -> AuditsiftResult {
    let mut enc = Encoder::default();
    enc.records(&records, flags);
    for e in errors {
        enc.error(e);
    }
    enc.finish_records(tally, records, flags)
}

/// Adds a result's counts to a running tally, all but `matched`: the caller counts its records
/// as it takes them (repeats of an earlier Id, records outside its scope).
fn add_counts(tally: &mut Tally, r: &AuditsiftResult) {
    let mut counts = Tally::from(r.tally);
    counts.matched = 0;
    tally.add(&counts);
}

/// Returns a reference to a live result, or records the error.
///
/// # Safety
/// `r` must be NULL or a live result.
unsafe fn result_ref<'a>(r: *const AuditsiftResult) -> Option<&'a AuditsiftResult> {
    // SAFETY: NULL or live.
    unsafe { r.as_ref() }
}

/// The number of rows of the result's main table (records, sessions or mailboxes); 0 for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_count(result: *const AuditsiftResult) -> usize {
    // SAFETY: NULL or live.
    unsafe { result_ref(result) }.map_or(0, |r| r.count)
}

/// Copies the result's counts into `*out`.
///
/// # Safety
/// `result` must be a live result and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_tally(
    result: *const AuditsiftResult,
    out: *mut AuditsiftTally,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(result, out);
        // SAFETY: checked non-null, live by contract.
        unsafe { *out = (*result).tally };
        AuditsiftStatus::Ok
    })
}

/// The length in bytes of the result's text buffer; 0 for NULL.
///
/// # Safety
/// `result` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_text_len(result: *const AuditsiftResult) -> usize {
    // SAFETY: NULL or live.
    unsafe { result_ref(result) }.map_or(0, |r| r.text.len())
}

/// Copies the whole text buffer into `out`, which must hold `auditsift_result_text_len` bytes.
///
/// # Safety
/// `result` must be a live result and `out` point to `out_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_text(
    result: *const AuditsiftResult,
    out: *mut u8,
    out_len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(result);
        // SAFETY: live by contract.
        let r = unsafe { &*result };
        if r.text.is_empty() {
            return AuditsiftStatus::Ok;
        }
        non_null!(out);
        if out_len < r.text.len() {
            return fail(
                AuditsiftStatus::OutOfBounds,
                format!("buffer of {out_len} bytes; the text needs {}", r.text.len()),
            );
        }
        // SAFETY: `out` holds at least `text.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(r.text.as_ptr(), out, r.text.len()) };
        AuditsiftStatus::Ok
    })
}

/// The number of int64 values in one of the result's tables; 0 for NULL or an unknown table.
///
/// # Safety
/// `result` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_table_len(
    result: *const AuditsiftResult,
    table: u32,
) -> usize {
    // SAFETY: NULL or live.
    let Some(r) = (unsafe { result_ref(result) }) else {
        return 0;
    };
    r.tables.get(table as usize).map_or(0, Vec::len)
}

/// The width of one row of a table, in int64 values; 0 for an unknown table.
#[unsafe(no_mangle)]
pub extern "C" fn auditsift_table_row_width(table: u32) -> usize {
    ROW_WIDTH.get(table as usize).copied().unwrap_or(0)
}

/// Copies one table into `out`, which must hold `auditsift_result_table_len` values.
///
/// # Safety
/// `result` must be a live result and `out` point to `out_len` writable int64 values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_table(
    result: *const AuditsiftResult,
    table: u32,
    out: *mut i64,
    out_len: usize,
) -> AuditsiftStatus {
    guard(|| {
        // SAFETY: passed on under the caller's contract.
        let values = match unsafe { table_to_copy(result, table, out.is_null(), out_len) } {
            Ok(values) => values,
            Err(status) => return status,
        };
        if !values.is_empty() {
            // SAFETY: `out` holds at least `values.len()` values.
            unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), out, values.len()) };
        }
        AuditsiftStatus::Ok
    })
}

/// Copies one table into `out` as 32-bit values, half the bytes of `auditsift_result_table` for
/// a host that indexes with 32-bit integers (.NET arrays). Fails with OUT_OF_BOUNDS, naming the
/// value, when one does not fit (read that table with `auditsift_result_table`); the record
/// tables of a batch under 2 GiB of text always fit.
///
/// # Safety
/// `result` must be a live result and `out` point to `out_len` writable int32 values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_table_i32(
    result: *const AuditsiftResult,
    table: u32,
    out: *mut i32,
    out_len: usize,
) -> AuditsiftStatus {
    guard(|| {
        // SAFETY: passed on under the caller's contract.
        let values = match unsafe { table_to_copy(result, table, out.is_null(), out_len) } {
            Ok(values) => values,
            Err(status) => return status,
        };
        if values.is_empty() {
            return AuditsiftStatus::Ok;
        }
        // SAFETY: `out` holds at least `values.len()` writable values.
        let out = unsafe { slice::from_raw_parts_mut(out, values.len()) };
        // One pass that narrows and notes a loss, then a search only when there was one.
        let mut lost = false;
        for (o, &v) in out.iter_mut().zip(values) {
            *o = v as i32;
            lost |= i64::from(*o) != v;
        }
        if lost
            && let Some((i, v)) = values
                .iter()
                .enumerate()
                .find(|&(_, &v)| i32::try_from(v).is_err())
        {
            return fail(
                AuditsiftStatus::OutOfBounds,
                format!(
                    "value {i} of table {table} is {v}, which does not fit in 32 bits; \
                     read it with auditsift_result_table"
                ),
            );
        }
        AuditsiftStatus::Ok
    })
}

/// The values of a result's table that a copy into a buffer of `out_len` values takes, after
/// checking the arguments (a NULL buffer is fine for an empty table).
///
/// # Safety
/// `result` must be NULL or a live result.
unsafe fn table_to_copy<'r>(
    result: *const AuditsiftResult,
    table: u32,
    out_is_null: bool,
    out_len: usize,
) -> Result<&'r [i64], AuditsiftStatus> {
    if result.is_null() {
        return Err(fail(
            AuditsiftStatus::NullArgument,
            "argument `result` is NULL",
        ));
    }
    if table as usize >= TABLE_COUNT {
        return Err(fail(
            AuditsiftStatus::InvalidArgument,
            format!("unknown table {table}"),
        ));
    }
    // SAFETY: live by contract.
    let values = unsafe { &(*result).tables[table as usize] };
    if values.is_empty() {
        return Ok(values);
    }
    if out_is_null {
        return Err(fail(
            AuditsiftStatus::NullArgument,
            "argument `out` is NULL",
        ));
    }
    if out_len < values.len() {
        return Err(fail(
            AuditsiftStatus::OutOfBounds,
            format!("buffer of {out_len} values; the table has {}", values.len()),
        ));
    }
    Ok(values)
}

/// Frees a result. NULL does nothing.
///
/// # Safety
/// `result` must be NULL or a live result, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_result_free(result: *mut AuditsiftResult) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(result) }
}

/// Gathers the records of many results: de-duplicated by Id, sorted by time at `finish`.
#[derive(Debug, Default)]
pub struct AuditsiftCollector {
    dedupe: Deduper,
    records: Vec<Collected>,
    tally: Tally,
    next_origin: u64,
}

/// Creates an empty collector in `*out`.
///
/// # Safety
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_collector_new(
    out: *mut *mut AuditsiftCollector,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::default()) };
        AuditsiftStatus::Ok
    })
}

/// Copies a result's records into the collector; their ORIGINS count over all results added.
///
/// # Safety
/// `collector` and `result` must be live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_collector_add(
    collector: *mut AuditsiftCollector,
    result: *const AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(collector, result);
        // SAFETY: live handles by contract.
        let (c, r) = unsafe { (&mut *collector, &*result) };
        let records = match r.records_to_add("auditsift_collector_add") {
            Ok(records) => records,
            Err(status) => return status,
        };
        let mut tally = Tally::from(r.tally);
        for rec in records {
            if c.dedupe.first_time(&rec.record) {
                c.records.push(Collected {
                    origin: c.next_origin + rec.origin,
                    record: rec.record.clone(),
                });
            } else {
                tally.matched = tally.matched.saturating_sub(1);
                tally.duplicates += 1;
            }
        }
        c.next_origin += r.tally.read;
        c.tally.add(&tally);
        AuditsiftStatus::Ok
    })
}

/// Writes the collected records, de-duplicated and sorted by CreationTime then Id, as a new result
/// in `*out`, and empties the collector.
///
/// # Safety
/// `collector` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_collector_finish(
    collector: *mut AuditsiftCollector,
    flags: u32,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(collector, out);
        // SAFETY: live by contract.
        let c = std::mem::take(unsafe { &mut *collector });
        let mut records = c.records;
        sort_by_time(&mut records);
        let result = encode(records, &[], c.tally, flags);
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

/// Frees a collector. NULL does nothing.
///
/// # Safety
/// `collector` must be NULL or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_collector_free(collector: *mut AuditsiftCollector) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(collector) }
}

/// The session inventory over many results.
#[derive(Debug, Default)]
pub struct AuditsiftInventory {
    dedupe: Deduper,
    inventory: SessionInventory,
    tally: Tally,
}

/// Creates an empty inventory in `*out`.
///
/// # Safety
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_inventory_new(
    out: *mut *mut AuditsiftInventory,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::default()) };
        AuditsiftStatus::Ok
    })
}

/// Adds a result's records (de-duplicated by Id) to the inventory.
///
/// # Safety
/// `inventory` and `result` must be live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_inventory_add(
    inventory: *mut AuditsiftInventory,
    result: *const AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(inventory, result);
        // SAFETY: live handles by contract.
        let (inv, r) = unsafe { (&mut *inventory, &*result) };
        let records = match r.records_to_add("auditsift_inventory_add") {
            Ok(records) => records,
            Err(status) => return status,
        };
        add_counts(&mut inv.tally, r);
        for rec in records {
            if inv.dedupe.first_time(&rec.record) {
                inv.tally.matched += 1;
                inv.inventory.add(&rec.record);
            } else {
                inv.tally.duplicates += 1;
            }
        }
        AuditsiftStatus::Ok
    })
}

/// Writes the inventory as a result with the SESSIONS and SESSION_VALUES tables in `*out`.
///
/// # Safety
/// `inventory` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_inventory_summarize(
    inventory: *const AuditsiftInventory,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(inventory, out);
        // SAFETY: live by contract.
        let inv = unsafe { &*inventory };
        let mut enc = Encoder::default();
        enc.sessions(&inv.inventory);
        let result = enc.finish(inv.tally, Vec::new());
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

/// Frees an inventory. NULL does nothing.
///
/// # Safety
/// `inventory` must be NULL or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_inventory_free(inventory: *mut AuditsiftInventory) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(inventory) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn tables_copy_as_32_bits_only_when_every_value_fits() {
        let mut r = AuditsiftResult::default();
        let fits = vec![
            0,
            -1,
            -2 - 1_000_000,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
        ];
        r.tables[AuditsiftTable::Fields as usize] = fits.clone();
        r.tables[AuditsiftTable::Items as usize] = vec![7, i64::from(i32::MAX) + 1, 3];
        let mut out = vec![0i32; 5];
        // SAFETY: a live result and buffers of the given lengths.
        unsafe {
            let fields = AuditsiftTable::Fields as u32;
            assert_eq!(
                auditsift_result_table_i32(&r, fields, out.as_mut_ptr(), out.len()),
                AuditsiftStatus::Ok
            );
            assert_eq!(out.iter().map(|&v| i64::from(v)).collect::<Vec<_>>(), fits);
            assert_eq!(
                auditsift_result_table_i32(&r, fields, out.as_mut_ptr(), 4),
                AuditsiftStatus::OutOfBounds
            );
            let items = AuditsiftTable::Items as u32;
            assert_eq!(
                auditsift_result_table_i32(&r, items, out.as_mut_ptr(), out.len()),
                AuditsiftStatus::OutOfBounds
            );
            let mut message = vec![0u8; 256];
            let n = auditsift_last_error(message.as_mut_ptr(), message.len());
            let message = String::from_utf8_lossy(&message[..n.min(message.len())]).into_owned();
            assert!(
                message.contains("value 1 of table 2 is 2147483648"),
                "{message}"
            );
            // An empty table needs no buffer; a missing result or table is an error.
            assert_eq!(
                auditsift_result_table_i32(&r, AuditsiftTable::Tree as u32, ptr::null_mut(), 0),
                AuditsiftStatus::Ok
            );
            assert_eq!(
                auditsift_result_table_i32(ptr::null(), fields, out.as_mut_ptr(), 5),
                AuditsiftStatus::NullArgument
            );
            assert_eq!(
                auditsift_result_table_i32(&r, 99, out.as_mut_ptr(), 5),
                AuditsiftStatus::InvalidArgument
            );
        }
    }
}
