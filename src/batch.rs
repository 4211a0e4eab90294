//! Parsing many documents at once, and accounting for every one of them.
//!
//! [`parse_batch`] takes a batch of AuditData documents (a page of Search-UnifiedAuditLog, a chunk
//! of a file), applies a [`Filter`] (byte prefilter first, then the parsed record) on all cores, and
//! returns the kept records with their positions in the batch, one [`RecordError`] per document that
//! could not be read, and a [`Tally`]. A [`Collector`] gathers matches from many batches,
//! de-duplicated by `Id` (pages of Search-UnifiedAuditLog repeat records) and sorted by time.

use std::collections::HashSet;
use std::fmt;

use rayon::prelude::*;

use crate::filter::Filter;
use crate::record::{AuditRecord, parse_record};

/// A document that could not be read. Nothing is dropped silently: the raw text is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Position of the document in its batch (or in the whole input, once a reader has placed it).
    pub index: u64,
    /// Where the document came from (`export.csv:row 17`); empty when the caller knows only the
    /// index.
    pub source: String,
    /// Why it could not be read.
    pub reason: String,
    /// The document's text as received.
    pub raw: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_empty() {
            write!(f, "record {}: {}", self.index, self.reason)
        } else {
            write!(f, "{}: {}", self.source, self.reason)
        }
    }
}

impl std::error::Error for RecordError {}

/// Counts that account for every document: `read = skipped + rejected + parsed` and
/// `parsed = filtered_out + duplicates + matched`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Documents received.
    pub read: u64,
    /// Not parsed: the byte prefilter proved they cannot match the filter.
    pub skipped: u64,
    /// Could not be read; each has a [`RecordError`].
    pub rejected: u64,
    /// Read into a record.
    pub parsed: u64,
    /// Parsed, but the filter did not keep them.
    pub filtered_out: u64,
    /// Kept by the filter, but an earlier record had the same `Id`.
    pub duplicates: u64,
    /// Kept: matched the filter and were new.
    pub matched: u64,
}

impl Tally {
    /// Adds another tally to this one.
    pub fn add(&mut self, other: &Tally) {
        self.read += other.read;
        self.skipped += other.skipped;
        self.rejected += other.rejected;
        self.parsed += other.parsed;
        self.filtered_out += other.filtered_out;
        self.duplicates += other.duplicates;
        self.matched += other.matched;
    }

    /// True when the counts add up.
    pub fn is_consistent(&self) -> bool {
        self.read == self.skipped + self.rejected + self.parsed
            && self.parsed == self.filtered_out + self.duplicates + self.matched
    }
}

/// What [`parse_batch`] found in one batch.
#[derive(Debug, Default)]
pub struct ParseOutcome<'a> {
    /// Records the filter kept, with their position in the batch, in batch order. Duplicates are
    /// not removed here (see [`Deduper`] and [`Collector`]).
    pub records: Vec<(usize, AuditRecord<'a>)>,
    /// Documents that could not be read, in batch order.
    pub errors: Vec<RecordError>,
    /// The batch's counts; `duplicates` is 0 and `matched` counts `records`.
    pub tally: Tally,
}

/// Below this many documents a batch is parsed on the calling thread.
const PARALLEL_THRESHOLD: usize = 256;

/// Documents per parallel task: large enough that each task's partial outcome is appended once,
/// small enough to balance the load across cores.
const CHUNK: usize = 512;

/// Parses a batch of AuditData documents and keeps those the filter matches.
///
/// Large batches are split into chunks parsed on all cores; the chunks' outcomes are joined in
/// order, so the result does not depend on the number of threads.
pub fn parse_batch<'a, S: AsRef<str> + Sync>(docs: &'a [S], filter: &Filter) -> ParseOutcome<'a> {
    let chunk_outcome = |(chunk_no, chunk): (usize, &'a [S])| -> ParseOutcome<'a> {
        parse_chunk(chunk_no * CHUNK, chunk, filter)
    };
    if docs.len() < PARALLEL_THRESHOLD {
        return parse_chunk(0, docs, filter);
    }
    let parts: Vec<ParseOutcome<'a>> = docs
        .par_chunks(CHUNK)
        .enumerate()
        .map(chunk_outcome)
        .collect();
    let mut out = ParseOutcome {
        records: Vec::with_capacity(parts.iter().map(|p| p.records.len()).sum()),
        ..Default::default()
    };
    for part in parts {
        out.records.extend(part.records);
        out.errors.extend(part.errors);
        out.tally.add(&part.tally);
    }
    out
}

/// Parses part of a batch on the calling thread, as [`parse_batch`] does: `docs[i]` is at
/// position `first + i` of the batch (the position its record or error is given). For callers that
/// run their own tasks over a batch and use each chunk's records there and then.
pub fn parse_chunk<'a, S: AsRef<str>>(
    first: usize,
    docs: &'a [S],
    filter: &Filter,
) -> ParseOutcome<'a> {
    parse_docs(first, docs, filter, true)
}

/// [`parse_chunk`] for documents the filter's prefilter has already let through (read in
/// another form, UTF-16 say): they are not searched again.
pub fn parse_prefiltered_chunk<'a, S: AsRef<str>>(
    first: usize,
    docs: &'a [S],
    filter: &Filter,
) -> ParseOutcome<'a> {
    parse_docs(first, docs, filter, false)
}

fn parse_docs<'a, S: AsRef<str>>(
    first: usize,
    docs: &'a [S],
    filter: &Filter,
    prefilter: bool,
) -> ParseOutcome<'a> {
    let mut out = ParseOutcome::default();
    for (offset, doc) in docs.iter().enumerate() {
        parse_one(first + offset, doc.as_ref(), filter, prefilter, &mut out);
    }
    out
}

/// Reads one document into `out`: skipped (when `prefilter` runs and rules it out), rejected,
/// filtered out or kept.
fn parse_one<'a>(
    index: usize,
    text: &'a str,
    filter: &Filter,
    prefilter: bool,
    out: &mut ParseOutcome<'a>,
) {
    out.tally.read += 1;
    if prefilter && !filter.may_match(text.as_bytes()) {
        out.tally.skipped += 1;
        return;
    }
    match parse_record(text) {
        Ok(r) => {
            out.tally.parsed += 1;
            if filter.matches(&r) {
                out.tally.matched += 1;
                out.records.push((index, r));
            } else {
                out.tally.filtered_out += 1;
            }
        }
        Err(e) => {
            out.tally.rejected += 1;
            out.errors.push(RecordError {
                index: index as u64,
                source: String::new(),
                reason: e.to_string(),
                raw: text.to_owned(),
            });
        }
    }
}

/// Remembers record `Id`s to drop repeats. GUID ids take 16 bytes each.
#[derive(Debug, Default, Clone)]
pub struct Deduper {
    guids: HashSet<u128>,
    others: HashSet<Box<str>>,
}

impl Deduper {
    /// True the first time a record's `Id` is seen (ids compare case-insensitively). A record
    /// without an `Id` (Search-MailboxAuditLog's) is keyed by a 128-bit hash of its raw text, so the
    /// same record repeated by two pages is still dropped once.
    pub fn first_time(&mut self, r: &AuditRecord<'_>) -> bool {
        match r.id.as_deref() {
            Some(id) => match parse_guid(id) {
                Some(g) => self.guids.insert(g),
                None => self.others.insert(id.to_ascii_lowercase().into_boxed_str()),
            },
            None => self.guids.insert(fnv1a_128(r.raw.as_bytes())),
        }
    }

    /// How many distinct ids have been seen.
    pub fn len(&self) -> usize {
        self.guids.len() + self.others.len()
    }

    /// True when no id has been seen.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// FNV-1a, 128-bit: stable across runs and platforms, and wide enough that a collision between
/// two different records is not a practical concern.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

/// Reads `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any case) as a number.
fn parse_guid(text: &str) -> Option<u128> {
    let b = text.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let mut value = 0u128;
    for (i, c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        value = (value << 4) | u128::from((*c as char).to_digit(16)?);
    }
    Some(value)
}

/// A record kept by a [`Collector`], with where it came from in the input.
#[derive(Debug, Clone)]
pub struct Collected {
    /// Position in the whole input, counted over every batch given to the collector.
    pub origin: u64,
    /// The record.
    pub record: AuditRecord<'static>,
}

/// Gathers matching records from many batches: de-duplicated by `Id`, in time order at the end.
/// Holds only the matches, never the whole input.
#[derive(Debug, Default)]
pub struct Collector {
    dedupe: Deduper,
    records: Vec<Collected>,
    errors: Vec<RecordError>,
    tally: Tally,
    next_origin: u64,
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Collector {
        Collector::default()
    }

    /// Adds one batch's outcome. Positions in the batch become positions in the whole input.
    pub fn add_batch(&mut self, outcome: ParseOutcome<'_>) {
        let base = self.next_origin;
        self.next_origin += outcome.tally.read;
        let mut tally = outcome.tally;
        for (index, record) in outcome.records {
            if self.dedupe.first_time(&record) {
                self.records.push(Collected {
                    origin: base + index as u64,
                    record: record.into_owned(),
                });
            } else {
                tally.matched -= 1;
                tally.duplicates += 1;
            }
        }
        self.errors.extend(outcome.errors.into_iter().map(|mut e| {
            e.index += base;
            e
        }));
        self.tally.add(&tally);
    }

    /// Adds one record that was read elsewhere (a flat Search-MailboxAuditLog record, say) and
    /// already matched. Returns false when it was a duplicate.
    pub fn add_record(&mut self, record: AuditRecord<'_>) -> bool {
        let origin = self.next_origin;
        self.next_origin += 1;
        self.tally.read += 1;
        self.tally.parsed += 1;
        if self.dedupe.first_time(&record) {
            self.tally.matched += 1;
            self.records.push(Collected {
                origin,
                record: record.into_owned(),
            });
            true
        } else {
            self.tally.duplicates += 1;
            false
        }
    }

    /// The counts so far.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// Documents that could not be read, so far.
    pub fn errors(&self) -> &[RecordError] {
        &self.errors
    }

    /// The matches in time order (`CreationTime`, then `Id`, then input order; records without a
    /// time last), with the errors and counts.
    pub fn finish(mut self) -> (Vec<Collected>, Vec<RecordError>, Tally) {
        sort_by_time(&mut self.records);
        (self.records, self.errors, self.tally)
    }
}

/// Sorts records by `CreationTime`, then `Id`, then input order; records without a time last.
pub fn sort_by_time(records: &mut [Collected]) {
    records.sort_by(time_order);
}

/// The order of [`sort_by_time`], for sorting references to records.
pub fn time_order(a: &Collected, b: &Collected) -> std::cmp::Ordering {
    let ka = (a.record.creation_time.is_none(), a.record.creation_time);
    let kb = (b.record.creation_time.is_none(), b.record.creation_time);
    ka.cmp(&kb)
        .then_with(|| a.record.id.cmp(&b.record.id))
        .then_with(|| a.origin.cmp(&b.origin))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::FilterSpec;

    fn doc(id: &str, time: &str, session: &str) -> String {
        format!(
            r#"{{"Id":"{id}","CreationTime":"{time}","Operation":"Send","SessionId":"{session}"}}"#
        )
    }

    #[test]
    fn accounts_for_every_document() {
        let sid = "11111111-2222-3333-4444-555555555555";
        let docs = vec![
            doc("b", "2026-03-02T10:00:00", sid),
            "{not json".to_owned(),
            doc(
                "a",
                "2026-03-02T09:00:00",
                "99999999-8888-7777-6666-000000000000",
            ),
            doc("c", "2026-03-02T08:00:00", sid),
            doc("B", "2026-03-02T10:00:00", sid),
        ];
        let filter = Filter::new(FilterSpec {
            session_ids: vec![sid.into()],
            ..Default::default()
        });
        let outcome = parse_batch(&docs, &filter);
        assert_eq!(
            outcome.errors.len(),
            0,
            "the bad document cannot match and is skipped"
        );
        assert_eq!(outcome.tally.skipped, 2);
        let mut c = Collector::new();
        c.add_batch(outcome);
        c.add_batch(parse_batch(&docs, &Filter::all()));
        let (records, errors, tally) = c.finish();
        assert!(tally.is_consistent(), "{tally:?}");
        assert_eq!(tally.read, 10);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].index, 6);
        assert_eq!(errors[0].raw, "{not json");
        assert!(
            errors[0]
                .to_string()
                .starts_with("record 6: AuditData is not valid JSON")
        );
        let ids: Vec<_> = records
            .iter()
            .map(|c| c.record.id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!(records[0].origin, 3);
        assert_eq!(tally.duplicates, 4);
    }

    #[test]
    fn guid_ids_compare_without_case() {
        assert_eq!(
            parse_guid("6B1C0A7E-93F2-4D3F-8A1E-5C2B7D9E0F11"),
            parse_guid("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11")
        );
        assert!(parse_guid("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f1").is_none());
        assert!(parse_guid("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f1g").is_none());
    }

    #[test]
    fn large_batches_keep_order() {
        let docs: Vec<String> = (0..1000)
            .map(|i| doc(&format!("id{i:04}"), "2026-03-02T10:00:00", "s"))
            .collect();
        let outcome = parse_batch(&docs, &Filter::all());
        let idx: Vec<usize> = outcome.records.iter().map(|(i, _)| *i).collect();
        assert_eq!(idx, (0..1000).collect::<Vec<_>>());
    }
}
