//! Many inputs, one stream of records.
//!
//! [`read_inputs`] reads the files one after the other on a reading thread while the calling
//! thread parses each batch on all cores ([`parse_batch`]), fills in what the AuditData lacks
//! from the file's own columns ([`Fallback`]), applies the filter and hands the kept records to
//! a sink, batch by batch, in input order (whatever the number of threads). Every item is
//! accounted for in the [`Tally`]; every item that could not be read goes to the [`Observer`]
//! with its location, reason and raw text.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use super::batch::BatchBuilder;
use super::{Batch, Encoding, InputError, Reader, ReaderOptions, Shape, Warning, WarningKind};
use crate::batch::{RecordError, Tally, parse_batch};
use crate::filter::{Filter, FilterSpec};
use crate::record::AuditRecord;
use crate::time::format_utc;

/// How [`read_inputs`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineOptions {
    /// Limits of each reader.
    pub reader: ReaderOptions,
    /// Most items (documents and unreadable rows) per batch.
    pub batch_items: usize,
    /// Batches read ahead of the parser (memory: about this many batches more).
    pub read_ahead: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            reader: ReaderOptions::default(),
            batch_items: 8192,
            read_ahead: 2,
        }
    }
}

/// The records one batch contributed, borrowing from it.
#[derive(Debug)]
pub struct Kept<'a> {
    /// The batch the records were read from (for locations and raw text).
    pub batch: &'a Batch,
    /// Each kept record with its document's index in the batch, in input order.
    pub records: Vec<(usize, AuditRecord<'a>)>,
    /// Position of the batch's first document among all documents of the input (0-based):
    /// document `i` of the batch is input document `first_origin + batch.ordinal(i)`.
    pub first_origin: u64,
}

/// Told what happens while inputs are read. Every method has an empty default.
pub trait Observer {
    /// A file was opened and its shape recognised.
    fn file_opened(&mut self, _name: &str, _shape: Shape, _encoding: Encoding) {}
    /// A file could not be opened, was not recognised, or failed part way (the records read
    /// before the failure have been handed on).
    fn file_failed(&mut self, _error: &InputError) {}
    /// An item could not be read, in file order.
    fn reject(&mut self, _error: &RecordError) {}
    /// Something was read in a way worth knowing (bytes replaced, a date read month first).
    fn warning(&mut self, _warning: &Warning) {}
    /// After each batch: bytes read from the files so far (compressed bytes for gzip) and items
    /// read so far.
    fn progress(&mut self, _bytes: u64, _items: u64) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Observer for Quiet {}

/// One input's part of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// The name used in locations.
    pub name: String,
    /// The detected shape; `None` when the file could not be opened or recognised.
    pub shape: Option<Shape>,
    /// Items read from it: documents and unreadable rows.
    pub items: u64,
    /// True when it could not be read to its end.
    pub failed: bool,
}

/// What a run read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Counts over all inputs. `duplicates` is 0: de-duplicating is the sink's job.
    pub tally: Tally,
    /// Each input, in order.
    pub files: Vec<FileSummary>,
    /// How many warnings of each kind.
    pub warnings: BTreeMap<WarningKind, u64>,
}

impl Summary {
    /// Inputs that could not be read to their end.
    pub fn failed_files(&self) -> usize {
        self.files.iter().filter(|f| f.failed).count()
    }
}

enum Message {
    Opened(usize, Shape, Encoding),
    /// A batch with every document checked.
    Batch(usize, Batch),
    /// A batch left unchecked, to be prefiltered on its raw bytes.
    Raw(usize, BatchBuilder),
    Failed(usize, InputError),
}

/// Reads `paths` (`-` is standard input) as one input, keeps the records `spec` matches and
/// hands them to `sink` batch by batch, in input order. Returns the counts; fails only when
/// the sink does (files that cannot be read go to the observer and the summary).
pub fn read_inputs(
    paths: &[PathBuf],
    spec: &FilterSpec,
    options: &PipelineOptions,
    observer: &mut dyn Observer,
    sink: &mut dyn FnMut(Kept<'_>) -> io::Result<()>,
) -> io::Result<Summary> {
    let bytes = Arc::new(AtomicU64::new(0));
    let (sender, receiver) = sync_channel(options.read_ahead.max(1));
    let (recycle, recycled) = channel();
    let filters = Filters::new(spec);
    let prefilter = filters.has_prefilter();
    std::thread::scope(|scope| {
        let reader_bytes = bytes.clone();
        scope.spawn(move || read_files(paths, options, prefilter, reader_bytes, sender, recycled));
        let mut summary = Summary {
            files: paths
                .iter()
                .map(|p| FileSummary {
                    name: display_name(p),
                    shape: None,
                    items: 0,
                    failed: false,
                })
                .collect(),
            ..Summary::default()
        };
        let result = consume(
            receiver,
            &filters,
            observer,
            sink,
            &bytes,
            &mut summary,
            recycle,
        );
        // On a sink error the receiver is dropped here, which stops the reading thread.
        result.map(|()| summary)
    })
}

/// The name a path goes by in locations.
pub fn display_name(path: &std::path::Path) -> String {
    if path == std::path::Path::new("-") {
        super::STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}

/// The reading thread: every file in turn, batch by batch. With a prefilter the batches are
/// sent unchecked (the parsing side prefilters them on all cores), else checked here.
fn read_files(
    paths: &[PathBuf],
    options: &PipelineOptions,
    prefilter: bool,
    bytes: Arc<AtomicU64>,
    sender: SyncSender<Message>,
    recycled: Receiver<Vec<u8>>,
) {
    for (index, path) in paths.iter().enumerate() {
        let mut reader = match Reader::open_with(path, options.reader, Some(bytes.clone())) {
            Ok(r) => r,
            Err(e) => {
                if sender.send(Message::Failed(index, e)).is_err() {
                    return;
                }
                continue;
            }
        };
        if sender
            .send(Message::Opened(index, reader.shape(), reader.encoding()))
            .is_err()
        {
            return;
        }
        loop {
            while let Ok(buffer) = recycled.try_recv() {
                reader.reuse_buffer(buffer);
            }
            let message = match reader.next_raw_batch(options.batch_items) {
                Ok(Some(raw)) if prefilter => Message::Raw(index, raw),
                Ok(Some(raw)) => Message::Batch(index, raw.finish()),
                Ok(None) => break,
                Err(e) => Message::Failed(index, e),
            };
            let failed = matches!(message, Message::Failed(..));
            if sender.send(message).is_err() {
                return;
            }
            if failed {
                break;
            }
        }
    }
}

/// Fills in what document `i`'s record lacks from the values its file gives next to it
/// ([`Fallback`](super::Fallback)); returns a warning when its time was read from a
/// culture-formatted date whose day and month could be swapped.
pub(crate) fn fill_from_file<'a>(
    batch: &'a Batch,
    i: usize,
    record: &mut AuditRecord<'a>,
) -> Option<Warning> {
    let ambiguous = batch.fallback(i).apply_to(record);
    if ambiguous.is_none() && !record.creation_time_ambiguous {
        return None;
    }
    let shown = record
        .creation_time
        .as_ref()
        .map(format_utc)
        .unwrap_or_default();
    let what = match ambiguous {
        Some(text) => format!("CreationDate '{}'", text.trim()),
        None => "the record's culture-formatted date (LastAccessed)".to_owned(),
    };
    Some(Warning {
        kind: WarningKind::AmbiguousDate,
        source: batch.source(i),
        message: format!("{what} could be month/day or day/month; read month first as {shown}"),
    })
}

/// A filter split in two (also used by the C ABI's file reader): `parse` is applied while
/// parsing, on what AuditData alone says, with the byte prefilter; `full` after the file's
/// fallback values are filled in (users, operations and times may come from them).
pub(crate) struct Filters {
    /// The spec both were made from.
    pub(crate) spec: FilterSpec,
    /// Session ids, AAD session ids, addresses, throttled records.
    pub(crate) parse: Filter,
    /// The whole spec, when it asks for more than `parse`.
    pub(crate) full: Option<Filter>,
}

impl Filters {
    /// True when documents can be skipped on their bytes (session ids were asked for).
    fn has_prefilter(&self) -> bool {
        let s = self.parse.spec();
        !(s.session_ids.is_empty() && s.aad_session_ids.is_empty())
    }

    /// Splits a spec.
    pub(crate) fn new(spec: &FilterSpec) -> Filters {
        let parse_spec = FilterSpec {
            session_ids: spec.session_ids.clone(),
            aad_session_ids: spec.aad_session_ids.clone(),
            ips: spec.ips.clone(),
            keep_throttled: spec.keep_throttled,
            ..FilterSpec::default()
        };
        let full = (parse_spec != *spec).then(|| Filter::new(spec.clone()));
        Filters {
            spec: spec.clone(),
            parse: Filter::new(parse_spec),
            full,
        }
    }
}

fn consume(
    receiver: Receiver<Message>,
    filters: &Filters,
    observer: &mut dyn Observer,
    sink: &mut dyn FnMut(Kept<'_>) -> io::Result<()>,
    bytes: &AtomicU64,
    summary: &mut Summary,
    recycle: Sender<Vec<u8>>,
) -> io::Result<()> {
    let mut origin = 0u64;
    for message in receiver {
        match message {
            Message::Opened(index, shape, encoding) => {
                if let Some(f) = summary.files.get_mut(index) {
                    f.shape = Some(shape);
                    observer.file_opened(&f.name, shape, encoding);
                }
            }
            Message::Failed(index, error) => {
                if let Some(f) = summary.files.get_mut(index) {
                    f.failed = true;
                }
                observer.file_failed(&error);
            }
            Message::Batch(index, mut batch) => {
                let items = (batch.len() + batch.errors().len()) as u64;
                if let Some(f) = summary.files.get_mut(index) {
                    f.items += items;
                }
                process_batch(&mut batch, filters, origin, observer, summary, sink)?;
                origin += batch.produced() as u64;
                // The reader may be gone (last file): then the buffer is simply dropped.
                let _ = recycle.send(batch.into_buffer());
                observer.progress(bytes.load(Ordering::Relaxed), summary.tally.read);
            }
            Message::Raw(index, raw) => {
                let documents = raw.documents() as u64;
                let errors = raw.items() as u64 - documents;
                if let Some(f) = summary.files.get_mut(index) {
                    f.items += documents + errors;
                }
                let parse = &filters.parse;
                let (mut batch, skipped, buffer) =
                    raw.finish_matching(&|doc: &[u8]| parse.may_match(doc));
                let _ = recycle.send(buffer);
                summary.tally.read += skipped;
                summary.tally.skipped += skipped;
                process_batch(&mut batch, filters, origin, observer, summary, sink)?;
                origin += batch.produced() as u64;
                observer.progress(bytes.load(Ordering::Relaxed), summary.tally.read);
            }
        }
    }
    Ok(())
}

/// Parses one batch: reports its unreadable items and warnings in file order, fills in
/// fallback values, filters, and hands the kept records to the sink.
fn process_batch(
    batch: &mut Batch,
    filters: &Filters,
    origin: u64,
    observer: &mut dyn Observer,
    summary: &mut Summary,
    sink: &mut dyn FnMut(Kept<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut rejects: Vec<RecordError> = batch.take_errors();
    summary.tally.read += rejects.len() as u64;
    summary.tally.rejected += rejects.len() as u64;
    let batch: &Batch = batch;
    for w in batch.warnings() {
        *summary.warnings.entry(w.kind).or_default() += 1;
        observer.warning(w);
    }
    let texts = batch.texts();
    let outcome = parse_batch(&texts, &filters.parse);
    summary.tally.add(&outcome.tally);
    for mut e in outcome.errors {
        let i = e.index as usize;
        e.source = batch.source(i);
        e.index = batch.location(i).map_or(0, |l| l.number);
        rejects.push(e);
    }
    rejects.sort_by_key(|e| e.index);
    for e in &rejects {
        observer.reject(e);
    }
    let mut kept = outcome.records;
    kept.retain_mut(|(i, record)| {
        if let Some(w) = fill_from_file(batch, *i, record) {
            *summary.warnings.entry(w.kind).or_default() += 1;
            observer.warning(&w);
        }
        if let Some(full) = &filters.full
            && !full.matches(record)
        {
            summary.tally.matched -= 1;
            summary.tally.filtered_out += 1;
            return false;
        }
        true
    });
    sink(Kept {
        batch,
        records: kept,
        first_origin: origin,
    })
}
