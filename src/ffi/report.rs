//! The HTML investigation report over the C ABI.
//!
//! `AuditsiftReport` wraps the core's [`ReportBuilder`], the same one `auditsift report` uses: a
//! host makes it with the scope, parses its batches (or reads its files) with the report's parse
//! filter, adds each result, names its inputs and filters, and writes one self-contained HTML file.
//! The records in scope make the timeline and the sessions; the exposure also counts the throttled
//! MailItemsAccessed records of the scoped users; the results' rejected records are kept (the first
//! [`KEPT_REJECTS`](crate::report::KEPT_REJECTS)) with their raw text.

use std::path::Path;

use super::error::{AuditsiftStatus, fail, free_handle, guard, non_null};
use super::exposure::write_filter;
use super::result::{AUDITSIFT_FLAG_NO_RAW, AuditsiftResult, AuditsiftTally};
use super::{AuditsiftFilter, utf8_arg};
use crate::batch::{RecordError, Tally};
use crate::filter::Filter;
use crate::report::ReportBuilder;

/// An HTML report being gathered: made by `auditsift_report_new`, freed by `auditsift_report_free`.
#[derive(Debug)]
pub struct AuditsiftReport {
    builder: ReportBuilder,
    /// Items added so far (documents of the results, and rejects the host added): a rejected
    /// document without a location is named by its position among them.
    items: u64,
}

impl AuditsiftReport {
    /// Adds a result: its counts, its rejected documents and its records.
    fn add(&mut self, r: &AuditsiftResult) {
        let first = self.items;
        self.builder.add_counts(&Tally::from(r.tally));
        for e in &r.errors {
            let mut e = e.clone();
            if e.source.is_empty() {
                e.index += first;
            }
            self.builder.add_reject(e);
        }
        for c in &r.records {
            self.builder.add_record(first + c.origin, c.record.clone());
        }
        self.items += r.tally.read;
    }
}

/// Creates a report on the records `scope` keeps (NULL: every record) in `*out`. The scope is
/// copied: the filter may be freed or changed afterwards.
///
/// # Safety
/// `scope` must be NULL or a live filter; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_new(
    scope: *const AuditsiftFilter,
    out: *mut *mut AuditsiftReport,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        // SAFETY: NULL or a live filter.
        let scope = unsafe { scope.as_ref() }.map_or_else(Filter::all, |f| f.compiled.clone());
        let report = Box::new(AuditsiftReport {
            builder: ReportBuilder::new(scope),
            items: 0,
        });
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(report) };
        AuditsiftStatus::Ok
    })
}

/// Writes to `*out` a new filter to parse the input with: the scope, widened to the
/// MailItemsAccessed records with `IsThrottled` = True of the scoped users (their holes belong in
/// the exposure whichever session wrote them). Free it with `auditsift_filter_free`.
///
/// # Safety
/// `report` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_parse_filter(
    report: *const AuditsiftReport,
    out: *mut *mut AuditsiftFilter,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report, out);
        // SAFETY: live by contract.
        let filter = unsafe { &*report }.builder.parse_filter();
        // SAFETY: checked non-null.
        unsafe { write_filter(filter, out) };
        AuditsiftStatus::Ok
    })
}

/// Sets the report's title (`len` bytes of UTF-8; empty: no title), replacing any earlier one.
///
/// # Safety
/// `report` must be live; `title` must point to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_set_title(
    report: *mut AuditsiftReport,
    title: *const u8,
    len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report);
        // SAFETY: `len` readable bytes, by contract.
        match unsafe { utf8_arg(title, len, "title") } {
            Ok(t) => {
                // SAFETY: a live handle.
                unsafe { &mut *report }.builder.set_title(t);
                AuditsiftStatus::Ok
            }
            Err(status) => status,
        }
    })
}

/// Adds one filter as the user gave it, shown verbatim in the report's header (for example
/// `-SessionId 7c3e91a4-…` or `--session 7c3e91a4-…`). It is only shown: the scope given to
/// `auditsift_report_new` is what selects the records.
///
/// # Safety
/// `report` must be live; `text` must point to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_add_filter_text(
    report: *mut AuditsiftReport,
    text: *const u8,
    len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report);
        // SAFETY: `len` readable bytes, by contract.
        match unsafe { utf8_arg(text, len, "text") } {
            Ok("") => fail(AuditsiftStatus::InvalidArgument, "the filter text is empty"),
            Ok(t) => {
                // SAFETY: a live handle.
                unsafe { &mut *report }.builder.add_filter_text(t);
                AuditsiftStatus::Ok
            }
            Err(status) => status,
        }
    })
}

/// Adds a row to the report's input summary: an input's name (a file path, or `pipeline`) and the
/// number of items read from it.
///
/// # Safety
/// `report` must be live; `name` must point to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_add_input(
    report: *mut AuditsiftReport,
    name: *const u8,
    len: usize,
    items: u64,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report);
        // SAFETY: `len` readable bytes, by contract.
        match unsafe { utf8_arg(name, len, "name") } {
            Ok("") => fail(AuditsiftStatus::InvalidArgument, "the input name is empty"),
            Ok(n) => {
                // SAFETY: a live handle.
                unsafe { &mut *report }.builder.add_input(n, items);
                AuditsiftStatus::Ok
            }
            Err(status) => status,
        }
    })
}

/// Adds a result (from `auditsift_parse_batch` or `auditsift_reader_next`, parsed with the
/// report's parse filter): its counts are summed; its records are de-duplicated by Id over every
/// result added, those in scope go to the timeline and the sessions, and the throttled ones of the
/// scoped users to the exposure only (counted as filtered out); its rejected documents are kept for
/// the report (the first 1,000 over all results; the rest are counted). A rejected document without
/// a location is named `record N`, N being its position among every item added to the report.
///
/// # Safety
/// `report` and `result` must be live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_add(
    report: *mut AuditsiftReport,
    result: *const AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report, result);
        // SAFETY: live handles by contract.
        let (report, result) = unsafe { (&mut *report, &*result) };
        if let Err(status) = result.records_to_add("auditsift_report_add") {
            return status;
        }
        report.add(result);
        AuditsiftStatus::Ok
    })
}

/// Adds an input item the host could not turn into a document (an object without AuditData, say):
/// it is counted as read and rejected, and kept like a result's rejected documents. `source` names
/// it (may be empty: it is then named `record N` by its position among the items added), `reason`
/// says why (not empty), `raw` is its text (may be empty).
///
/// # Safety
/// `report` must be live; each text pointer must point to its length in bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_add_rejected(
    report: *mut AuditsiftReport,
    source: *const u8,
    source_len: usize,
    reason: *const u8,
    reason_len: usize,
    raw: *const u8,
    raw_len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report);
        // SAFETY: each pointer has its length in readable bytes, by contract.
        let texts = unsafe {
            (
                utf8_arg(source, source_len, "source"),
                utf8_arg(reason, reason_len, "reason"),
                utf8_arg(raw, raw_len, "raw"),
            )
        };
        let (source, reason, raw) = match texts {
            (Ok(s), Ok(r), Ok(w)) => (s, r, w),
            (Err(status), _, _) | (_, Err(status), _) | (_, _, Err(status)) => return status,
        };
        if reason.is_empty() {
            return fail(AuditsiftStatus::InvalidArgument, "the reason is empty");
        }
        // SAFETY: a live handle.
        let report = unsafe { &mut *report };
        report.builder.add_counts(&Tally {
            read: 1,
            rejected: 1,
            ..Tally::default()
        });
        report.builder.add_reject(RecordError {
            index: report.items,
            source: source.to_owned(),
            reason: reason.to_owned(),
            raw: raw.to_owned(),
        });
        report.items += 1;
        AuditsiftStatus::Ok
    })
}

/// Copies the report's counts into `*out`: the results' counts summed, with repeated Ids counted
/// as duplicates and the records outside the scope as filtered out (as the report shows them).
///
/// # Safety
/// `report` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_tally(
    report: *const AuditsiftReport,
    out: *mut AuditsiftTally,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report, out);
        // SAFETY: checked non-null, live by contract.
        unsafe { *out = (*report).builder.tally().into() };
        AuditsiftStatus::Ok
    })
}

/// Writes the report as one self-contained HTML file at `path` (`path_len` bytes of UTF-8, not
/// NUL-terminated), creating or replacing it. `flags`: `AUDITSIFT_FLAG_NO_RAW` leaves each
/// record's raw AuditData out (smaller for large inputs); other flags are ignored. The report
/// stays usable (more results may be added and it may be written again). Returns
/// `AUDITSIFT_STATUS_IO` when the file cannot be written; the last error names the path.
///
/// # Safety
/// `report` must be live and `path` point to `path_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_write(
    report: *const AuditsiftReport,
    path: *const u8,
    path_len: usize,
    flags: u32,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(report, path);
        // SAFETY: `path_len` readable bytes, by contract.
        let path = match unsafe { utf8_arg(path, path_len, "path") } {
            Ok("") => return fail(AuditsiftStatus::InvalidArgument, "the path is empty"),
            Ok(p) => p,
            Err(status) => return status,
        };
        // SAFETY: live by contract.
        let report = unsafe { &*report };
        let include_raw = flags & AUDITSIFT_FLAG_NO_RAW == 0;
        match report.builder.write_file(Path::new(path), include_raw) {
            Ok(()) => AuditsiftStatus::Ok,
            Err(message) => fail(AuditsiftStatus::Io, message),
        }
    })
}

/// Frees a report. NULL does nothing.
///
/// # Safety
/// `report` must be NULL or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_report_free(report: *mut AuditsiftReport) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(report) }
}
