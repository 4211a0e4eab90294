//! MailItemsAccessed exposure and pivots over the C ABI.
//!
//! `AuditsiftExposure` wraps the core's [`ExposureBuilder`]: a host parses its batches with the
//! exposure's parse filter (the scope widened to the scoped users' throttled records), adds each
//! result, and summarizes into a result of EXPOSURE_* tables from which the whole [`Exposure`]
//! can be rebuilt. `AuditsiftPivot` wraps the core's [`Pivot`]: keys are added first, then
//! results, and `finish` gives the matching records (as a collector's result), their sessions
//! and, for message ids, the MESSAGE_ACCESSES table.

use chrono::{DateTime, Utc};

use super::error::{AuditsiftStatus, fail, free_handle, guard, non_null};
use super::result::{AuditsiftResult, AuditsiftTable, Encoder};
use super::{AuditsiftFilter, add_counts, utf8_arg};
use crate::batch::Tally;
use crate::filter::{Filter, FilterSpec};
use crate::mailaccess::{
    AccessContext, Added, Exposure, ExposureBuilder, ExposureTotals, MailboxExposure, Pivot,
    PivotQuery, PivotResult,
};
use crate::time::format_utc;

/// Kinds of rows in the EXPOSURE_VALUES table: the lists inside a message or a window row.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftExposureValue {
    /// A folder a message was listed in; owner: an EXPOSURE_MESSAGES row.
    MessageFolder = 0,
    /// A context that read the message: the number is its EXPOSURE_CONTEXTS row (no text);
    /// owner: an EXPOSURE_MESSAGES row.
    MessageContext = 1,
    /// A SessionId that read the message; owner: an EXPOSURE_MESSAGES row.
    MessageSession = 2,
    /// The `Id` of a throttled record; owner: an EXPOSURE_THROTTLED row.
    WindowRecordId = 3,
    /// A session active in the mailbox during the window; absent text (offset -1) stands for
    /// the records without a SessionId. Owner: an EXPOSURE_THROTTLED row.
    WindowSession = 4,
}

/// What a pivot key is matched against.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftPivotKey {
    /// An Entra ID session (`AppAccessContext.AADSessionId`, a sign-in's session).
    AadSessionId = 0,
    /// An `InternetMessageId`, with or without its angle brackets.
    MessageId = 1,
    /// A client address, with or without a port.
    Ip = 2,
}

/// Writes a new filter handle with `spec` to `*out`.
///
/// # Safety
/// `out` must be a valid pointer.
pub(super) unsafe fn write_filter(compiled: Filter, out: *mut *mut AuditsiftFilter) {
    let filter = Box::new(AuditsiftFilter { compiled });
    // SAFETY: the caller checked `out`; the host owns the written handle.
    unsafe { *out = Box::into_raw(filter) };
}

/// MailItemsAccessed exposure over many results.
#[derive(Debug)]
pub struct AuditsiftExposure {
    builder: ExposureBuilder,
    tally: Tally,
}

/// Creates an exposure counting the accesses of the records `scope` keeps (NULL: every record)
/// in `*out`. The scope is copied: the filter may be freed or changed afterwards.
///
/// # Safety
/// `scope` must be NULL or a live filter; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_exposure_new(
    scope: *const AuditsiftFilter,
    out: *mut *mut AuditsiftExposure,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        // SAFETY: NULL or a live filter.
        let scope = unsafe { scope.as_ref() }.map_or_else(Filter::all, |f| f.compiled.clone());
        let exposure = Box::new(AuditsiftExposure {
            builder: ExposureBuilder::new(scope),
            tally: Tally::default(),
        });
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(exposure) };
        AuditsiftStatus::Ok
    })
}

/// Writes to `*out` a new filter to parse the input with: the scope, widened to the
/// MailItemsAccessed records with `IsThrottled` = True of the scoped users (a throttled record
/// opens a hole in the mailbox's evidence whichever session wrote it). Free it with
/// `auditsift_filter_free`.
///
/// # Safety
/// `exposure` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_exposure_parse_filter(
    exposure: *const AuditsiftExposure,
    out: *mut *mut AuditsiftFilter,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(exposure, out);
        // SAFETY: live by contract.
        let filter = unsafe { &*exposure }.builder.parse_filter();
        // SAFETY: checked non-null.
        unsafe { write_filter(filter, out) };
        AuditsiftStatus::Ok
    })
}

/// Adds a result's records (de-duplicated by Id across every result added). Records outside the
/// scope count as filtered out, except the throttled ones of the scoped users, which open holes.
///
/// # Safety
/// `exposure` and `result` must be live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_exposure_add(
    exposure: *mut AuditsiftExposure,
    result: *const AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(exposure, result);
        // SAFETY: live handles by contract.
        let (e, r) = unsafe { (&mut *exposure, &*result) };
        let records = match r.records_to_add("auditsift_exposure_add") {
            Ok(records) => records,
            Err(status) => return status,
        };
        add_counts(&mut e.tally, r);
        for rec in records {
            match e.builder.add(&rec.record) {
                Added::InScope | Added::ThrottlingOnly => e.tally.matched += 1,
                Added::OutOfScope => e.tally.filtered_out += 1,
                Added::Duplicate => e.tally.duplicates += 1,
            }
        }
        AuditsiftStatus::Ok
    })
}

/// Writes the exposure so far as a result in `*out` (the exposure stays usable): one main row
/// per mailbox (EXPOSURE_MAILBOXES), with the EXPOSURE_* tables described in `docs/abi.md`. Its
/// tally counts every record added; `duplicates` are repeats of an earlier Id.
///
/// # Safety
/// `exposure` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_exposure_summarize(
    exposure: *const AuditsiftExposure,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(exposure, out);
        // SAFETY: live by contract.
        let e = unsafe { &*exposure };
        let summary = e.builder.clone().finish();
        let mut enc = Encoder::default();
        encode_exposure(&mut enc, &summary);
        let result = enc.finish(e.tally, Vec::new());
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

/// Frees an exposure. NULL does nothing.
///
/// # Safety
/// `exposure` must be NULL or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_exposure_free(exposure: *mut AuditsiftExposure) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(exposure) }
}

/// A time as a text reference.
fn time_ref(enc: &mut Encoder, t: Option<DateTime<Utc>>) -> [i64; 2] {
    enc.text(t.as_ref().map(format_utc).as_deref())
}

fn totals_row(t: &ExposureTotals) -> [i64; 6] {
    [
        t.records as i64,
        t.syncs as i64,
        t.binds as i64,
        t.messages as i64,
        t.folders as i64,
        t.unitemized_binds as i64,
    ]
}

/// The five text references of an access context, in the order of its fields.
fn context_refs(enc: &mut Encoder, c: &AccessContext) -> [i64; 10] {
    let logon_type = c.logon_type.map(|l| l.to_string());
    let [s0, s1] = enc.text(c.session_id.as_deref());
    let [a0, a1] = enc.text(c.client_ip_address.as_deref());
    let [i0, i1] = enc.text(c.client_info_string.as_deref());
    let [l0, l1] = enc.text(logon_type.as_deref());
    let [u0, u1] = enc.text(c.user_id.as_deref());
    [s0, s1, a0, a1, i0, i1, l0, l1, u0, u1]
}

/// One EXPOSURE_VALUES row.
fn value_row(
    enc: &mut Encoder,
    owner: i64,
    kind: AuditsiftExposureValue,
    text: Option<&str>,
    number: i64,
) {
    let [v0, v1] = enc.text(text);
    enc.row(
        AuditsiftTable::ExposureValues,
        &[owner, kind as i64, v0, v1, number],
    );
}

/// Rows written so far to a table.
fn rows(enc: &Encoder, table: AuditsiftTable) -> i64 {
    let width = super::result::ROW_WIDTH[table as usize];
    (enc.table_len(table) / width) as i64
}

/// Writes an exposure's tables; mailboxes are the main rows.
pub(crate) fn encode_exposure(enc: &mut Encoder, exposure: &Exposure) {
    enc.add_count(exposure.mailboxes.len());
    for (mailbox_row, m) in exposure.mailboxes.iter().enumerate() {
        encode_mailbox(enc, mailbox_row as i64, m);
    }
}

fn encode_mailbox(enc: &mut Encoder, mailbox_row: i64, m: &MailboxExposure) {
    let [n0, n1] = enc.text(Some(&m.mailbox));
    let mut row = vec![n0, n1];
    row.extend(totals_row(&m.totals));
    enc.row(AuditsiftTable::ExposureMailboxes, &row);

    // Context indexes of the core are positions in `m.contexts`; the tables hold global rows.
    let first_context = rows(enc, AuditsiftTable::ExposureContexts);
    let context_row = |index: usize| first_context + index as i64;
    for c in &m.contexts {
        let mut row = vec![mailbox_row];
        row.extend(context_refs(enc, &c.context));
        row.extend(time_ref(enc, c.first_seen));
        row.extend(time_ref(enc, c.last_seen));
        row.push(i64::from(c.during_throttling));
        row.extend(totals_row(&c.totals));
        enc.row(AuditsiftTable::ExposureContexts, &row);
    }
    for f in &m.folders {
        let [p0, p1] = enc.text(Some(&f.path));
        let [t0, t1] = time_ref(enc, f.first_sync);
        enc.row(
            AuditsiftTable::ExposureFolders,
            &[
                mailbox_row,
                p0,
                p1,
                t0,
                t1,
                f.syncs as i64,
                f.bound_messages as i64,
            ],
        );
    }
    for s in &m.syncs {
        let [f0, f1] = enc.text(s.folder.as_deref());
        let [t0, t1] = time_ref(enc, s.time);
        let [r0, r1] = enc.text(s.record_id.as_deref());
        enc.row(
            AuditsiftTable::ExposureSyncs,
            &[mailbox_row, context_row(s.context), f0, f1, t0, t1, r0, r1],
        );
    }
    let per_context = m
        .contexts
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.messages.iter().map(move |b| (context_row(i), b)));
    for (owner_context, b) in m.messages.iter().map(|b| (-1, b)).chain(per_context) {
        let message_row = rows(enc, AuditsiftTable::ExposureMessages);
        let [i0, i1] = enc.text(Some(&b.internet_message_id));
        let [f0, f1] = time_ref(enc, b.first_access);
        let [l0, l1] = time_ref(enc, b.last_access);
        enc.row(
            AuditsiftTable::ExposureMessages,
            &[
                mailbox_row,
                owner_context,
                i0,
                i1,
                f0,
                f1,
                l0,
                l1,
                b.accesses as i64,
                i64::from(b.in_synced_folder),
            ],
        );
        for folder in &b.folders {
            let kind = AuditsiftExposureValue::MessageFolder;
            value_row(enc, message_row, kind, Some(folder), 0);
        }
        for &c in &b.contexts {
            let kind = AuditsiftExposureValue::MessageContext;
            value_row(enc, message_row, kind, None, context_row(c));
        }
        for session in &b.sessions {
            let kind = AuditsiftExposureValue::MessageSession;
            value_row(enc, message_row, kind, Some(session), 0);
        }
    }
    for u in &m.unitemized_binds {
        let [r0, r1] = enc.text(u.record_id.as_deref());
        let [t0, t1] = time_ref(enc, u.time);
        enc.row(
            AuditsiftTable::ExposureUnitemized,
            &[
                mailbox_row,
                context_row(u.context),
                r0,
                r1,
                t0,
                t1,
                u.operation_count as i64,
                u.listed as i64,
            ],
        );
    }
    for w in &m.throttled {
        let window_row = rows(enc, AuditsiftTable::ExposureThrottled);
        let [s0, s1] = time_ref(enc, w.start);
        let [e0, e1] = time_ref(enc, w.end);
        enc.row(
            AuditsiftTable::ExposureThrottled,
            &[mailbox_row, s0, s1, e0, e1, w.records as i64],
        );
        for id in &w.record_ids {
            let kind = AuditsiftExposureValue::WindowRecordId;
            value_row(enc, window_row, kind, Some(id), 0);
        }
        for session in &w.sessions {
            let kind = AuditsiftExposureValue::WindowSession;
            value_row(enc, window_row, kind, session.as_deref(), 0);
        }
    }
}

/// A pivot over many results: from Entra ID sessions, message ids and addresses to the sessions,
/// message accesses and records connected with them.
#[derive(Debug, Default)]
pub struct AuditsiftPivot {
    query: PivotQuery,
    /// Made from the query when the first result is added.
    pivot: Option<Pivot>,
    tally: Tally,
    /// Records handed to the pivot, and those it kept (new and matching).
    handed: u64,
    kept: u64,
    next_origin: u64,
}

/// Creates a pivot without keys in `*out`.
///
/// # Safety
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_new(out: *mut *mut AuditsiftPivot) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(Box::default()) };
        AuditsiftStatus::Ok
    })
}

/// Adds a key of `kind` (`AuditsiftPivotKey`) to pivot from. Keys of different kinds are OR-ed:
/// a record matches when it matches any key. Keys must be added before the first result.
///
/// # Safety
/// `pivot` must be live; `value` must point to `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_add_key(
    pivot: *mut AuditsiftPivot,
    kind: u32,
    value: *const u8,
    len: usize,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(pivot);
        // SAFETY: a live handle and `len` readable bytes, by contract.
        let (p, text) = unsafe { (&mut *pivot, utf8_arg(value, len, "value")) };
        let text = match text {
            Ok(t) => t.to_owned(),
            Err(status) => return status,
        };
        if p.pivot.is_some() {
            return fail(
                AuditsiftStatus::InvalidArgument,
                "pivot keys must be added before the first result",
            );
        }
        let list = match kind {
            0 => &mut p.query.aad_session_ids,
            1 => &mut p.query.message_ids,
            2 => &mut p.query.ips,
            other => {
                return fail(
                    AuditsiftStatus::InvalidArgument,
                    format!("unknown pivot key kind {other}"),
                );
            }
        };
        list.push(text);
        AuditsiftStatus::Ok
    })
}

/// Writes to `*out` a new filter to parse the input with: with Entra ID session keys alone, a
/// filter on those sessions (documents without their bytes are skipped unparsed); otherwise one
/// that keeps everything (the pivot matches message ids and addresses itself). Free it with
/// `auditsift_filter_free`.
///
/// # Safety
/// `pivot` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_parse_filter(
    pivot: *const AuditsiftPivot,
    out: *mut *mut AuditsiftFilter,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(pivot, out);
        // SAFETY: live by contract.
        let spec = unsafe { &*pivot }.query.parse_spec(FilterSpec::default());
        // SAFETY: checked non-null.
        unsafe { write_filter(Filter::new(spec), out) };
        AuditsiftStatus::Ok
    })
}

/// Adds a result's records; their ORIGINS count over every result added, as in a collector.
/// Fails with `AUDITSIFT_STATUS_INVALID_ARGUMENT` when the pivot has no key.
///
/// # Safety
/// `pivot` and `result` must be live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_add(
    pivot: *mut AuditsiftPivot,
    result: *const AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(pivot, result);
        // SAFETY: live handles by contract.
        let (p, r) = unsafe { (&mut *pivot, &*result) };
        if p.query.is_empty() {
            return fail(
                AuditsiftStatus::InvalidArgument,
                "the pivot has no key: add an Entra ID session, a message id or an address first",
            );
        }
        let records = match r.records_to_add("auditsift_pivot_add") {
            Ok(records) => records,
            Err(status) => return status,
        };
        let query = &p.query;
        let pivot = p.pivot.get_or_insert_with(|| Pivot::new(query));
        add_counts(&mut p.tally, r);
        for rec in records {
            p.handed += 1;
            p.kept += u64::from(pivot.add(&rec.record, p.next_origin + rec.origin));
        }
        p.next_origin += r.tally.read;
        AuditsiftStatus::Ok
    })
}

/// Writes what the pivot found as a result in `*out` and empties the pivot (its keys stay):
/// the matching records, de-duplicated by Id and in time order, with the tables of a collector's
/// result (ORIGINS, FIELDS...; `flags` as for `auditsift_collector_finish`; they are the main
/// rows); their sessions in SESSIONS and SESSION_VALUES; for message id keys, each message's
/// accesses by context in MESSAGE_ACCESSES and ACCESS_OPERATIONS. The tally counts every record
/// added: `matched` the records found, `filtered_out` those the pivot did not match.
///
/// # Safety
/// `pivot` must be live and `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_finish(
    pivot: *mut AuditsiftPivot,
    flags: u32,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(pivot, out);
        // SAFETY: live by contract.
        let p = unsafe { &mut *pivot };
        let taken = std::mem::replace(
            p,
            AuditsiftPivot {
                query: p.query.clone(),
                ..AuditsiftPivot::default()
            },
        );
        let found = match taken.pivot {
            Some(pivot) => pivot.finish(),
            None => PivotResult::default(),
        };
        let mut tally = taken.tally;
        tally.duplicates += found.duplicates;
        tally.matched += taken.kept;
        tally.filtered_out += taken.handed.saturating_sub(taken.kept + found.duplicates);
        let result = encode_pivot(found, tally, flags);
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

/// Frees a pivot. NULL does nothing.
///
/// # Safety
/// `pivot` must be NULL or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_pivot_free(pivot: *mut AuditsiftPivot) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(pivot) }
}

/// A pivot's findings as a result: records (main rows), sessions, message accesses.
fn encode_pivot(found: PivotResult, tally: Tally, flags: u32) -> AuditsiftResult {
    // The core gives the records de-duplicated and in time order.
    let records = found.records;
    let mut enc = Encoder::default();
    enc.records(&records, flags);
    enc.session_summaries(&found.sessions);
    for (row, a) in found.message_accesses.iter().enumerate() {
        let [m0, m1] = enc.text(Some(&a.internet_message_id));
        let mut values = vec![m0, m1];
        values.extend(context_refs(&mut enc, &a.context));
        values.extend(time_ref(&mut enc, a.first_seen));
        values.extend(time_ref(&mut enc, a.last_seen));
        values.push(a.records as i64);
        enc.row(AuditsiftTable::MessageAccesses, &values);
        for (operation, count) in &a.operations {
            let [o0, o1] = enc.text(Some(operation));
            enc.row(
                AuditsiftTable::AccessOperations,
                &[row as i64, o0, o1, *count as i64],
            );
        }
    }
    enc.finish_records(tally, records, flags)
}
