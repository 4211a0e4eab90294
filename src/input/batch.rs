//! A batch of documents read from one input: their texts in one buffer, where each came from,
//! the values the file gives next to them, and the rows that could not be read.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use memchr::memmem;
use rayon::prelude::*;

use super::fallback::{FALLBACK_FIELDS, Fallback, FallbackField};
use super::location::Location;
use super::unwrap::{Unwrapped, unwrap_document};
use crate::batch::RecordError;

/// Something a reader noticed that does not stop a document from being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// `file:line N`, `file:row N (line L)`...
    pub source: String,
    /// The problem in words.
    pub message: String,
}

/// Kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// Bytes that are not UTF-8 were replaced by U+FFFD so that the record could still be read.
    InvalidUtf8,
    /// A culture-formatted date whose day and month could be swapped was read month first.
    AmbiguousDate,
}

/// A span of one of a batch's two text buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    range: Range<usize>,
    /// In `Batch::extra` (text made by unwrapping) rather than `Batch::text`.
    extra: bool,
}

impl Span {
    fn main(range: Range<usize>) -> Span {
        Span {
            range,
            extra: false,
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    text: Span,
    location: Location,
    fallback: [Option<Span>; FALLBACK_FIELDS],
    /// Position among the documents the reader produced for this batch.
    ordinal: usize,
}

/// Documents read from one file, in file order: each one's AuditData text (unwrapped from
/// `{"AuditData": ...}` and Graph records), its location and its [`Fallback`] values, plus the
/// rows that could not be read at all (with their location, reason and raw text) and
/// [`Warning`]s.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    file: Arc<str>,
    /// The documents as read, back to back.
    text: String,
    /// Text produced while unwrapping (AuditData given as a JSON string, wrapper fields).
    extra: String,
    entries: Vec<Entry>,
    errors: Vec<RecordError>,
    warnings: Vec<Warning>,
    bytes: usize,
    /// Documents the reader produced, before unwrapping and prefiltering.
    produced: usize,
}

impl Batch {
    /// The file's name as used in locations (`<stdin>` for standard input).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the batch holds no document (it may still hold errors).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn span(&self, span: &Span) -> &str {
        let buffer = if span.extra { &self.extra } else { &self.text };
        buffer.get(span.range.clone()).unwrap_or_default()
    }

    /// The AuditData text of document `i` (empty when out of range).
    pub fn text(&self, i: usize) -> &str {
        self.entries.get(i).map_or("", |e| self.span(&e.text))
    }

    /// Every document's AuditData text, in order: what [`crate::batch::parse_batch`] takes.
    pub fn texts(&self) -> Vec<&str> {
        self.entries.iter().map(|e| self.span(&e.text)).collect()
    }

    /// The position of document `i` among all the documents the reader produced for this
    /// batch, including those a prefilter left out (a Graph page's records share one).
    pub fn ordinal(&self, i: usize) -> usize {
        self.entries.get(i).map_or(i, |e| e.ordinal)
    }

    /// Where document `i` came from.
    pub fn location(&self, i: usize) -> Option<Location> {
        self.entries.get(i).map(|e| e.location)
    }

    /// `file:line N`, `file:row N (line L)` or `file:record N (line L)` for document `i`.
    pub fn source(&self, i: usize) -> String {
        match self.location(i) {
            Some(location) => format!("{}:{location}", self.file),
            None => self.file.to_string(),
        }
    }

    /// The values the file gave next to document `i`.
    pub fn fallback(&self, i: usize) -> Fallback<'_> {
        let Some(e) = self.entries.get(i) else {
            return Fallback::default();
        };
        let get = |f: FallbackField| e.fallback[f as usize].as_ref().map(|s| self.span(s));
        Fallback {
            creation_date: get(FallbackField::CreationDate),
            record_type: get(FallbackField::RecordType),
            user_id: get(FallbackField::UserId),
            id: get(FallbackField::Id),
            operation: get(FallbackField::Operation),
        }
    }

    /// Rows, lines or records that could not be read as documents, in file order. `index` is
    /// the item's line, row or record number in its file.
    pub fn errors(&self) -> &[RecordError] {
        &self.errors
    }

    /// Documents the reader produced for this batch: Graph pages count once, documents a
    /// prefilter left out count too.
    pub fn produced(&self) -> usize {
        self.produced
    }

    /// Takes the errors out of the batch.
    pub fn take_errors(&mut self) -> Vec<RecordError> {
        std::mem::take(&mut self.errors)
    }

    /// Problems that did not stop a document from being read.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Bytes of text the batch holds (for memory accounting).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The batch's main buffer, for a reader to reuse ([`super::Reader::reuse_buffer`]):
    /// reading into memory already in use is cheaper than into fresh memory.
    pub fn into_buffer(self) -> Vec<u8> {
        self.text.into_bytes()
    }
}

/// Longest raw text kept with an error about an oversized or unreadable item.
pub(crate) const RAW_KEEP: usize = 4096;

/// The first [`RAW_KEEP`] bytes of some bytes, as text.
pub(crate) fn raw_prefix(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(RAW_KEEP)];
    String::from_utf8_lossy(cut).into_owned()
}

/// A document while the batch is being filled: spans of the raw byte buffer.
#[derive(Debug, Clone)]
struct RawEntry {
    text: Range<usize>,
    location: Location,
    fallback: [Option<Range<usize>>; FALLBACK_FIELDS],
}

/// Fills a batch: readers put bytes in `buf[..filled]` and mark documents in it; [`finish`]
/// (or [`finish_matching`]) checks the text is UTF-8 and unwraps wrapped records.
///
/// `buf` is initialized memory reused from batch to batch (see [`Batch::into_buffer`]): only
/// `buf[..filled]` holds this batch's bytes.
///
/// [`finish`]: BatchBuilder::finish
/// [`finish_matching`]: BatchBuilder::finish_matching
#[derive(Debug)]
pub(crate) struct BatchBuilder {
    file: Arc<str>,
    /// Raw bytes; documents are spans of `buf[..filled]`.
    pub buf: Vec<u8>,
    /// How much of `buf` holds this batch's bytes.
    pub filled: usize,
    entries: Vec<RawEntry>,
    errors: Vec<RecordError>,
}

/// Finds wrapped records: `AuditData` or Graph's `auditData` as a key.
static WRAPPER_KEY: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"uditData\""));

/// True when a document may be a wrapper: it has an `AuditData`/`auditData` key, or starts like
/// a Graph response page (`{"@odata.context": ..., "value": [...]}`, possibly without records).
fn may_be_wrapped(doc: &str) -> bool {
    let start = &doc.as_bytes()[..doc.len().min(64)];
    WRAPPER_KEY.find(doc.as_bytes()).is_some() || memmem::find(start, b"\"@odata.").is_some()
}

/// Documents per parallel task in [`BatchBuilder::finish_matching`].
const CHUNK: usize = 256;

impl BatchBuilder {
    /// An empty batch of `file` that reuses `buf`.
    pub fn new(file: Arc<str>, buf: Vec<u8>) -> BatchBuilder {
        BatchBuilder {
            file,
            buf,
            filled: 0,
            entries: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Items (documents and errors) so far.
    pub fn items(&self) -> usize {
        self.entries.len() + self.errors.len()
    }

    /// Documents so far.
    pub fn documents(&self) -> usize {
        self.entries.len()
    }

    /// Appends bytes after `filled`.
    pub fn append(&mut self, bytes: &[u8]) {
        let end = self.filled + bytes.len();
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        self.buf[self.filled..end].copy_from_slice(bytes);
        self.filled = end;
    }

    /// Marks `buf[text]` as a document.
    pub fn push_doc(
        &mut self,
        text: Range<usize>,
        location: Location,
        fallback: [Option<Range<usize>>; FALLBACK_FIELDS],
    ) {
        self.entries.push(RawEntry {
            text,
            location,
            fallback,
        });
    }

    /// Records an item that could not be read.
    pub fn push_error(&mut self, index: u64, location: Location, reason: String, raw: String) {
        self.errors.push(RecordError {
            index,
            source: format!("{}:{location}", self.file),
            reason,
            raw,
        });
    }

    /// Checks the text, unwraps wrapped records and returns the batch with every document.
    pub fn finish(self) -> Batch {
        let BatchBuilder {
            file,
            mut buf,
            filled,
            entries,
            errors,
        } = self;
        buf.truncate(filled);
        let mut batch = Batch {
            file,
            errors,
            produced: entries.len(),
            ..Batch::default()
        };
        let entries: Vec<Entry> = match String::from_utf8(buf) {
            Ok(text) => {
                batch.text = text;
                entries
                    .into_iter()
                    .enumerate()
                    .map(|(ordinal, e)| Entry {
                        text: Span::main(e.text),
                        location: e.location,
                        fallback: e.fallback.map(|f| f.map(Span::main)),
                        ordinal,
                    })
                    .collect()
            }
            Err(e) => repair_utf8(&mut batch, e.into_bytes(), entries),
        };
        seal(batch, entries)
    }

    /// Like [`finish`](BatchBuilder::finish), but keeps only the documents whose raw bytes
    /// `keep` accepts (a filter's byte prefilter), checking and copying only those, on all
    /// cores. Returns the batch, how many documents were left out, and the raw buffer for reuse.
    pub fn finish_matching(self, keep: &(dyn Fn(&[u8]) -> bool + Sync)) -> (Batch, u64, Vec<u8>) {
        let BatchBuilder {
            file,
            buf,
            filled,
            entries,
            errors,
        } = self;
        let data = &buf[..filled.min(buf.len())];
        let parts: Vec<(String, Vec<Entry>, Vec<Warning>, u64)> = entries
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk_no, chunk)| {
                let mut text = String::new();
                let mut out = Vec::new();
                let mut warnings = Vec::new();
                let mut skipped = 0u64;
                for (k, e) in chunk.iter().enumerate() {
                    if !keep(data.get(e.text.clone()).unwrap_or_default()) {
                        skipped += 1;
                        continue;
                    }
                    let (entry, repaired) = copy_entry(data, e, chunk_no * CHUNK + k, &mut text);
                    if repaired {
                        warnings.push(invalid_utf8_warning(&file, &e.location));
                    }
                    out.push(entry);
                }
                (text, out, warnings, skipped)
            })
            .collect();
        let mut batch = Batch {
            file: file.clone(),
            errors,
            produced: entries.len(),
            ..Batch::default()
        };
        let mut entries = Vec::new();
        let mut skipped = 0;
        for (text, part, warnings, part_skipped) in parts {
            let base = batch.text.len();
            batch.text.push_str(&text);
            entries.extend(part.into_iter().map(|mut e| {
                shift(&mut e.text, base);
                for f in e.fallback.iter_mut().flatten() {
                    shift(f, base);
                }
                e
            }));
            batch.warnings.extend(warnings);
            skipped += part_skipped;
        }
        (seal(batch, entries), skipped, buf)
    }
}

fn shift(span: &mut Span, by: usize) {
    span.range = span.range.start + by..span.range.end + by;
}

/// Unwraps wrapped records, orders the errors and completes the batch.
fn seal(mut batch: Batch, mut entries: Vec<Entry>) -> Batch {
    if entries.iter().any(|e| may_be_wrapped(batch.span(&e.text))) {
        entries = unwrap_entries(&mut batch, entries);
    }
    batch.entries = entries;
    batch.errors.sort_by_key(|e| e.index);
    batch.bytes = batch.text.len() + batch.extra.len();
    batch
}

fn invalid_utf8_warning(file: &str, location: &Location) -> Warning {
    Warning {
        kind: WarningKind::InvalidUtf8,
        source: format!("{file}:{location}"),
        message: "bytes that are not UTF-8 were replaced by U+FFFD".to_owned(),
    }
}

/// Copies a document and its fallback values from raw bytes into `text` (invalid UTF-8
/// replaced); true when something was replaced.
fn copy_entry(data: &[u8], e: &RawEntry, ordinal: usize, text: &mut String) -> (Entry, bool) {
    let mut copy = |range: &Range<usize>| -> (Span, bool) {
        let bytes = data.get(range.clone()).unwrap_or_default();
        let piece = String::from_utf8_lossy(bytes);
        let repaired = matches!(piece, std::borrow::Cow::Owned(_));
        let start = text.len();
        text.push_str(&piece);
        (Span::main(start..text.len()), repaired)
    };
    let (span, mut repaired) = copy(&e.text);
    let mut fallback: [Option<Span>; FALLBACK_FIELDS] = Default::default();
    for (slot, range) in fallback.iter_mut().zip(&e.fallback) {
        if let Some(range) = range {
            let (s, r) = copy(range);
            repaired |= r;
            *slot = Some(s);
        }
    }
    (
        Entry {
            text: span,
            location: e.location,
            fallback,
            ordinal,
        },
        repaired,
    )
}

/// The slow path for a buffer that is not all UTF-8: each document and value is copied into a
/// new buffer, invalid bytes replaced by U+FFFD, and each document so repaired is reported.
fn repair_utf8(batch: &mut Batch, buf: Vec<u8>, entries: Vec<RawEntry>) -> Vec<Entry> {
    let mut text = String::with_capacity(buf.len());
    let mut out = Vec::with_capacity(entries.len());
    for (ordinal, e) in entries.iter().enumerate() {
        let (entry, repaired) = copy_entry(&buf, e, ordinal, &mut text);
        if repaired {
            batch
                .warnings
                .push(invalid_utf8_warning(&batch.file, &e.location));
        }
        out.push(entry);
    }
    batch.text = text;
    out
}

/// Replaces wrapped records by their AuditData, and Graph response pages by their records.
/// Every entry still points into `batch.text` here.
fn unwrap_entries(batch: &mut Batch, entries: Vec<Entry>) -> Vec<Entry> {
    let mut out = Vec::with_capacity(entries.len());
    let mut extra = std::mem::take(&mut batch.extra);
    let mut errors = Vec::new();
    let text = batch.text.as_str();
    for entry in entries {
        let doc = text.get(entry.text.range.clone()).unwrap_or_default();
        if entry.text.extra || !may_be_wrapped(doc) {
            out.push(entry);
            continue;
        }
        let doc_span = entry.text.clone();
        match unwrap_document(doc) {
            Unwrapped::Plain => out.push(entry),
            Unwrapped::One(inner) => {
                out.push(place(&mut extra, doc, &doc_span, inner, entry));
            }
            Unwrapped::Page(elements) => {
                for (k, inner) in elements.into_iter().enumerate() {
                    let mut e = entry.clone();
                    e.location.element = u32::try_from(k + 1).unwrap_or(u32::MAX);
                    e.fallback = Default::default();
                    out.push(place(&mut extra, doc, &doc_span, inner, e));
                }
            }
            Unwrapped::Invalid(reason) => errors.push(RecordError {
                index: entry.location.number,
                source: format!("{}:{}", batch.file, entry.location),
                reason,
                raw: doc.to_owned(),
            }),
        }
    }
    batch.errors.extend(errors);
    batch.extra = extra;
    out
}

/// Points an entry at an unwrapped document: a slice of the original when the AuditData was an
/// object (no copy), else text appended to `extra`. Wrapper fields fill the fallback values the
/// entry does not have yet.
fn place(
    extra: &mut String,
    doc: &str,
    doc_span: &Span,
    inner: super::unwrap::Inner<'_>,
    mut entry: Entry,
) -> Entry {
    let mut locate = |text: &str, owned: bool| -> Span {
        let offset = (text.as_ptr() as usize).wrapping_sub(doc.as_ptr() as usize);
        if !owned && offset <= doc.len() && offset + text.len() <= doc.len() {
            let start = doc_span.range.start + offset;
            Span {
                range: start..start + text.len(),
                extra: doc_span.extra,
            }
        } else {
            let start = extra.len();
            extra.push_str(text);
            Span {
                range: start..extra.len(),
                extra: true,
            }
        }
    };
    let owned = matches!(inner.text, std::borrow::Cow::Owned(_));
    entry.text = locate(&inner.text, owned);
    for (slot, value) in entry.fallback.iter_mut().zip(inner.fallback.iter()) {
        if slot.is_none()
            && let Some(v) = value
        {
            let owned = matches!(v, std::borrow::Cow::Owned(_));
            *slot = Some(locate(v, owned));
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(text: &[u8]) -> BatchBuilder {
        let mut b = BatchBuilder::new(Arc::from("f.jsonl"), vec![b'#'; 3]);
        b.append(text);
        b
    }

    #[test]
    fn spans_fallbacks_and_locations() {
        let mut b = builder(b"{\"Id\":\"a\"}3/2/2026 7:00:00 AM");
        let mut fb: [Option<Range<usize>>; FALLBACK_FIELDS] = Default::default();
        fb[FallbackField::CreationDate as usize] = Some(10..29);
        b.push_doc(0..10, Location::row(4, 9), fb);
        let batch = b.finish();
        assert_eq!(batch.texts(), ["{\"Id\":\"a\"}"]);
        assert_eq!(batch.fallback(0).creation_date, Some("3/2/2026 7:00:00 AM"));
        assert_eq!(batch.source(0), "f.jsonl:row 4 (line 9)");
        assert!(batch.fallback(1).is_empty());
        assert_eq!(batch.text(7), "");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let mut b = builder(b"{\"Id\":\"\xff\"}\n{\"Id\":\"b\"}");
        b.push_doc(0..10, Location::line(1), Default::default());
        b.push_doc(11..21, Location::line(2), Default::default());
        let batch = b.finish();
        assert_eq!(batch.text(0), "{\"Id\":\"\u{fffd}\"}");
        assert_eq!(batch.text(1), "{\"Id\":\"b\"}");
        assert_eq!(batch.warnings().len(), 1);
        assert_eq!(batch.warnings()[0].source, "f.jsonl:line 1");
        assert_eq!(batch.warnings()[0].kind, WarningKind::InvalidUtf8);
    }

    #[test]
    fn wrapped_documents_are_unwrapped_in_place() {
        let lines = [
            r#"{"AuditData":{"Id":"obj"},"CreationDate":"2026-03-02T07:00:00Z"}"#,
            r#"{"AuditData":"{\"Id\":\"str\"}","RecordType":"ExchangeItem","UserIds":"u@x"}"#,
            r#"{"value":[{"id":"g1","createdDateTime":"2026-03-02T07:00:00Z","auditData":{"Id":"g1"}},{"auditData":{"Id":"g2"}}]}"#,
            r#"{"Id":"plain"}"#,
            r#"{"AuditData":null}"#,
        ];
        let text = lines.join("\n");
        let mut b = builder(text.as_bytes());
        let mut at = 0;
        for (i, l) in lines.iter().enumerate() {
            b.push_doc(
                at..at + l.len(),
                Location::line(i as u64 + 1),
                Default::default(),
            );
            at += l.len() + 1;
        }
        let batch = b.finish();
        assert_eq!(
            batch.texts(),
            [
                r#"{"Id":"obj"}"#,
                r#"{"Id":"str"}"#,
                r#"{"Id":"g1"}"#,
                r#"{"Id":"g2"}"#,
                r#"{"Id":"plain"}"#
            ]
        );
        assert_eq!(
            batch.fallback(0).creation_date,
            Some("2026-03-02T07:00:00Z")
        );
        assert_eq!(batch.fallback(1).record_type, Some("ExchangeItem"));
        assert_eq!(batch.fallback(1).user_id, Some("u@x"));
        assert_eq!(batch.fallback(2).id, Some("g1"));
        assert_eq!(batch.source(3), "f.jsonl:line 3, element 2");
        assert_eq!(batch.errors().len(), 1);
        assert_eq!(batch.errors()[0].source, "f.jsonl:line 5");
    }
}
