//! `AuditsiftReader`: a file read natively in batches ("open a file, pull batches").
//!
//! Built on the streaming readers of [`crate::input`]: each `auditsift_reader_next` reads one
//! batch, parses it on all cores, fills in what the AuditData lacks from the file's own columns
//! (the [`crate::input::Fallback`] values, as the CLI's pipeline does), filters, and encodes the
//! outcome exactly like `auditsift_parse_batch`. Only one batch is held at a time.
//!
//! Items (documents and rows that could not be read) are numbered in file order from 0 over the
//! whole file: ORIGINS and the first column of ERRORS hold that number, so they count across
//! batches, and the tally's `read` summed over the batches is the number of items in the file.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::{AuditsiftStatus, fail, free_handle, guard, non_null};
use super::result::{AuditsiftResult, Encoder};
use super::{AuditsiftFilter, utf8_arg};
use crate::batch::{Collected, RecordError, Tally, parse_batch};
use crate::filter::FilterSpec;
use crate::input::pipeline::{Filters, fill_from_file};
use crate::input::{Batch, Reader, ReaderOptions, Warning};

/// Most items a batch may be asked for; larger requests read this many (they are upper bounds).
const MAX_BATCH_ITEMS: usize = 1 << 20;

/// A file read in batches: made by `auditsift_reader_open`, freed by `auditsift_reader_free`.
pub struct AuditsiftReader {
    reader: Reader,
    /// Bytes read from the file so far (compressed bytes for gzip).
    bytes_read: Arc<AtomicU64>,
    /// The file's size when it was opened.
    bytes_total: u64,
    /// Items handed out by earlier batches: the file position of the next batch's first item.
    items_before: u64,
    /// The filters compiled for the last filter given, reused while it stays the same.
    filters: Option<Filters>,
}

// A reader moves between host threads (one at a time): everything in it must be `Send`.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<AuditsiftReader>();
};

/// Counts the bytes read from the file, for `auditsift_reader_progress`.
struct CountingFile {
    file: File,
    read: Arc<AtomicU64>,
}

impl Read for CountingFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl AuditsiftReader {
    /// Opens `path` (always a file: `-` is not standard input here) and recognises its shape.
    fn open(path: &str) -> Result<AuditsiftReader, String> {
        let file = File::open(path).map_err(|e| format!("{path}: cannot open: {e}"))?;
        let metadata = file
            .metadata()
            .map_err(|e| format!("{path}: cannot read its metadata: {e}"))?;
        if metadata.is_dir() {
            return Err(format!("{path}: is a directory, not a file"));
        }
        let bytes_read = Arc::new(AtomicU64::new(0));
        let counting = CountingFile {
            file,
            read: bytes_read.clone(),
        };
        let reader = Reader::from_reader(path, counting, ReaderOptions::default())
            .map_err(|e| e.to_string())?;
        Ok(AuditsiftReader {
            reader,
            bytes_read,
            bytes_total: metadata.len(),
            items_before: 0,
            filters: None,
        })
    }

    /// Reads, parses and encodes the next batch; an empty result (tally.read 0) at the end.
    fn next(
        &mut self,
        max_items: usize,
        spec: &FilterSpec,
        flags: u32,
    ) -> Result<AuditsiftResult, String> {
        let batch = match self.reader.next_batch(max_items.min(MAX_BATCH_ITEMS)) {
            Ok(Some(batch)) => batch,
            Ok(None) => return Ok(Encoder::default().finish(Tally::default(), Vec::new())),
            Err(e) => return Err(e.to_string()),
        };
        // Compiled again only when the filter differs from the last batch's.
        if self.filters.as_ref().is_none_or(|f| f.spec != *spec) {
            self.filters = None;
        }
        let filters = self.filters.get_or_insert_with(|| Filters::new(spec));
        let (result, batch) = encode_batch(batch, filters, self.items_before, flags);
        self.items_before += result.tally.read;
        self.reader.reuse_buffer(batch.into_buffer());
        Ok(result)
    }
}

/// Parses one batch and encodes it like `auditsift_parse_batch`, items numbered from `first_item`.
/// Gives the batch back so that its buffer can be reused.
fn encode_batch(
    mut batch: Batch,
    filters: &Filters,
    first_item: u64,
    flags: u32,
) -> (AuditsiftResult, Batch) {
    let unreadable = batch.take_errors();
    let (doc_items, unreadable_items) = item_positions(&batch, &unreadable);
    let texts = batch.texts();
    let outcome = parse_batch(&texts, &filters.parse);
    let mut tally = outcome.tally;
    tally.read += unreadable.len() as u64;
    tally.rejected += unreadable.len() as u64;

    let mut errors: Vec<RecordError> = unreadable
        .into_iter()
        .zip(&unreadable_items)
        .map(|(mut e, &item)| {
            e.index = first_item + item;
            e
        })
        .collect();
    errors.extend(outcome.errors.into_iter().map(|mut e| {
        let doc = e.index as usize;
        e.source = batch.source(doc);
        e.index = first_item + doc_items.get(doc).copied().unwrap_or_default();
        e
    }));
    errors.sort_by_key(|e| e.index);

    // Bytes replaced in reading are not tied to one item; dates read month first are.
    let mut warnings: Vec<(Option<u64>, Warning)> =
        batch.warnings().iter().map(|w| (None, w.clone())).collect();
    let mut records = Vec::with_capacity(outcome.records.len());
    for (doc, mut record) in outcome.records {
        if let Some(w) = fill_from_file(&batch, doc, &mut record) {
            let item = first_item + doc_items.get(doc).copied().unwrap_or_default();
            warnings.push((Some(item), w));
        }
        if let Some(full) = &filters.full
            && !full.matches(&record)
        {
            tally.matched -= 1;
            tally.filtered_out += 1;
            continue;
        }
        records.push(Collected {
            // Batch-relative here: a collector adds the items of the results before this one, so
            // its ORIGINS count over the whole file (and over every file added) by themselves.
            origin: doc_items.get(doc).copied().unwrap_or_default(),
            record: record.into_owned(),
        });
    }

    let mut enc = Encoder::default();
    for c in &records {
        enc.record(first_item + c.origin, &c.record, flags);
    }
    for e in &errors {
        enc.error(e);
    }
    for (item, w) in &warnings {
        enc.warning(*item, w);
    }
    (enc.finish_records(tally, records, flags), batch)
}

/// The positions, within the batch and in file order, of its documents and of its unreadable
/// items (given in file order, `index` being their line, row or record number). At the same
/// number a document comes first: only text after a JSON record shares that record's number.
fn item_positions(batch: &Batch, unreadable: &[RecordError]) -> (Vec<u64>, Vec<u64>) {
    let mut docs = Vec::with_capacity(batch.len());
    let mut others = Vec::with_capacity(unreadable.len());
    let mut pending = unreadable.iter().peekable();
    let mut position = 0u64;
    for doc in 0..batch.len() {
        let number = batch.location(doc).map_or(0, |l| l.number);
        while pending.next_if(|e| e.index < number).is_some() {
            others.push(position);
            position += 1;
        }
        docs.push(position);
        position += 1;
    }
    for _ in pending {
        others.push(position);
        position += 1;
    }
    (docs, others)
}

/// Opens the file at `path` (`path_len` bytes of UTF-8, not NUL-terminated) and recognises its
/// shape from its content: Purview CSV, `Search-UnifiedAuditLog | Export-Csv`, the classic
/// export, `Search-MailboxAuditLog | Export-Csv`, a JSON array, JSON lines (plain, wrapped or
/// Graph records), or the gzip of any of these (`-` is a file name here, not standard input).
/// Writes the reader to `*out`; only the first bytes are read now. Returns
/// `AUDITSIFT_STATUS_IO` when the file cannot be opened, is a directory, or is not an audit log;
/// the last error names the path and says why.
///
/// # Safety
/// `path` must point to `path_len` readable bytes and `out` be a valid pointer to write to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_reader_open(
    path: *const u8,
    path_len: usize,
    out: *mut *mut AuditsiftReader,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(path, out);
        // SAFETY: checked non-null; the caller owns the slot.
        unsafe { *out = std::ptr::null_mut() };
        // SAFETY: the caller promises `path_len` readable bytes.
        let path = match unsafe { utf8_arg(path, path_len, "path") } {
            Ok(p) => p,
            Err(status) => return status,
        };
        if path.is_empty() {
            return fail(AuditsiftStatus::InvalidArgument, "the path is empty");
        }
        match AuditsiftReader::open(path) {
            Ok(reader) => {
                // SAFETY: checked non-null; the caller owns the written handle.
                unsafe { *out = Box::into_raw(Box::new(reader)) };
                AuditsiftStatus::Ok
            }
            Err(message) => fail(AuditsiftStatus::Io, message),
        }
    })
}

/// Reads the next batch of up to `max_documents` items (at least 1; above 1,048,576 reads as
/// 1,048,576; a Graph response page counts once, however many records it holds) and writes it to
/// `*out` as a result with the same tables as `auditsift_parse_batch`: `filter` may be NULL
/// (keep everything) and `flags` combines `AUDITSIFT_FLAG_*`. Values the file gives next to
/// AuditData (CSV columns such as CreationDate, wrapper fields) fill in what the AuditData lacks
/// before the filter's users, operations and times are matched. Items are numbered from 0 over
/// the whole file, in file order: ORIGINS and the ERRORS index hold that number. A row or
/// document that cannot be read is an ERRORS row whose reason starts with its location
/// (`export.csv:row 17 (line 18): ...`), its raw text kept, and is counted as rejected. At the
/// end of the file the result has `tally.read == 0`. When reading fails part way (I/O error,
/// truncated gzip), the batches before it come first, then `AUDITSIFT_STATUS_IO` with the last
/// error naming the file, then the end.
///
/// # Safety
/// `reader` must be a live reader not used by another thread during the call, `filter` NULL or
/// a live filter, and `out` a valid pointer to write the result handle to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_reader_next(
    reader: *mut AuditsiftReader,
    max_documents: usize,
    filter: *const AuditsiftFilter,
    flags: u32,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(reader, out);
        // SAFETY: checked non-null; the caller owns the slot.
        unsafe { *out = std::ptr::null_mut() };
        if max_documents == 0 {
            return fail(
                AuditsiftStatus::InvalidArgument,
                "max_documents must be at least 1",
            );
        }
        // SAFETY: a live reader used by this thread only, and NULL or a live filter.
        let (r, filter) = unsafe { (&mut *reader, filter.as_ref()) };
        let all = FilterSpec::default();
        let spec = filter.map_or(&all, |f| f.compiled.spec());
        match r.next(max_documents, spec, flags) {
            Ok(result) => {
                // SAFETY: checked non-null; the caller owns the written handle.
                unsafe { *out = Box::into_raw(Box::new(result)) };
                AuditsiftStatus::Ok
            }
            Err(message) => fail(AuditsiftStatus::Io, message),
        }
    })
}

/// Writes how many bytes of the file have been read so far (compressed bytes for gzip) and the
/// file's size when it was opened, for a progress display.
///
/// # Safety
/// `reader` must be a live reader; `bytes_read` and `bytes_total` valid pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_reader_progress(
    reader: *const AuditsiftReader,
    bytes_read: *mut u64,
    bytes_total: *mut u64,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(reader, bytes_read, bytes_total);
        // SAFETY: checked non-null, live by contract.
        let r = unsafe { &*reader };
        // SAFETY: checked non-null.
        unsafe {
            *bytes_read = r.bytes_read.load(Ordering::Relaxed);
            *bytes_total = r.bytes_total;
        }
        AuditsiftStatus::Ok
    })
}

/// Closes the file and frees the reader. NULL does nothing.
///
/// # Safety
/// `reader` must be NULL or a live reader, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_reader_free(reader: *mut AuditsiftReader) {
    // SAFETY: the caller passes NULL or a live handle it no longer uses.
    unsafe { free_handle(reader) }
}
