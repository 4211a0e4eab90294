//! A batch read, parsed and encoded in parts on all cores: each task takes a run of documents,
//! reads them (UTF-8 checked, or UTF-16 prefiltered and transcoded), parses them and writes their
//! records into its own encoder while they are in cache; the parts are then joined in order. The
//! result is byte for byte the one a single encoder gives for the same records and errors, and
//! the records are copied (to outlive the input) only when the result must keep them.

use std::ops::Range;

use rayon::prelude::*;

use super::AuditsiftFilter;
use super::result::{AUDITSIFT_FLAG_TABLES_ONLY, AuditsiftResult, Document, Encoder};
use crate::batch::{
    Collected, ParseOutcome, RecordError, Tally, parse_chunk, parse_prefiltered_chunk,
};
use crate::filter::Filter;

/// Documents per task. Batches up to twice this size are one task on the calling thread.
const DOCS_PER_TASK: usize = 128;

/// What a task reads from its documents before parsing.
pub(super) struct Texts<'t> {
    /// The documents to parse, in batch order.
    pub(super) texts: Vec<&'t str>,
    /// The batch position of each text.
    pub(super) positions: Vec<usize>,
    /// Documents rejected before parsing (their batch positions as indexes).
    pub(super) rejected: Vec<RecordError>,
    /// Documents a prefilter proved not to match.
    pub(super) skipped: u64,
    /// True when `texts` already passed the filter's prefilter (on another form of the text).
    pub(super) prefiltered: bool,
    /// For each text, whether it is the document as the caller gave it, so that
    /// `AUDITSIFT_FLAG_DOCUMENT_REFS` may refer to it: `Some` range of `shifts` that turns its byte
    /// offsets into the caller's units (empty when they are the same), or `None`.
    pub(super) referable: Vec<Option<Range<usize>>>,
    /// The [`Document::shifts`] of the referable texts, back to back.
    pub(super) shifts: Vec<(usize, usize)>,
}

impl<'t> Texts<'t> {
    /// Texts that are all referable with offsets in bytes (the caller gave UTF-8).
    pub(super) fn of_bytes(capacity: usize) -> Texts<'t> {
        Texts {
            texts: Vec::with_capacity(capacity),
            positions: Vec::with_capacity(capacity),
            rejected: Vec::new(),
            skipped: 0,
            prefiltered: false,
            referable: Vec::with_capacity(capacity),
            shifts: Vec::new(),
        }
    }

    /// Text `i` as a document its references may point into, if it is one.
    fn document(&self, i: usize) -> Option<Document<'_>> {
        let shifts = self.referable[i].clone()?;
        Some(Document {
            text: self.texts[i],
            shifts: &self.shifts[shifts],
        })
    }
}

/// One task's share of a batch.
pub(super) struct Part {
    encoder: Encoder,
    kept: Vec<Collected>,
    errors: Vec<RecordError>,
    tally: Tally,
}

/// Parses a batch of `docs` and writes the result. `read` turns the documents of one task
/// (starting at batch position `first`) into [`Texts`] and hands them to the continuation it is
/// given, which parses and encodes them; the texts may borrow from memory `read` owns.
pub(super) fn parse_in_parts<D, R>(
    docs: &[D],
    filter: Option<&AuditsiftFilter>,
    flags: u32,
    read: R,
) -> AuditsiftResult
where
    D: Sync,
    R: Fn(usize, &[D], &mut dyn FnMut(Texts<'_>) -> Part) -> Part + Sync,
{
    parse_in_tasks(docs, filter, flags, DOCS_PER_TASK, read)
}

/// [`parse_in_parts`] with `per_task` documents per task.
fn parse_in_tasks<D, R>(
    docs: &[D],
    filter: Option<&AuditsiftFilter>,
    flags: u32,
    per_task: usize,
    read: R,
) -> AuditsiftResult
where
    D: Sync,
    R: Fn(usize, &[D], &mut dyn FnMut(Texts<'_>) -> Part) -> Part + Sync,
{
    let all;
    let filter = match filter {
        Some(f) => &f.compiled,
        None => {
            all = Filter::all();
            &all
        }
    };
    let task = |(n, chunk): (usize, &[D])| -> Part {
        read(n * per_task, chunk, &mut |texts| {
            encode_part(texts, filter, flags)
        })
    };
    let parts: Vec<Part> = if docs.len() <= per_task.saturating_mul(2) {
        vec![read(0, docs, &mut |texts| {
            encode_part(texts, filter, flags)
        })]
    } else {
        docs.par_chunks(per_task).enumerate().map(task).collect()
    };
    let mut tally = Tally::default();
    let mut kept = Vec::with_capacity(parts.iter().map(|p| p.kept.len()).sum());
    let mut errors = Vec::new();
    let mut encoders = Vec::with_capacity(parts.len());
    for part in parts {
        tally.add(&part.tally);
        kept.extend(part.kept);
        errors.extend(part.errors);
        encoders.push(part.encoder);
    }
    errors.sort_by_key(|e| e.index);
    let mut encoder = Encoder::default();
    encoder.append_parts(encoders, &errors);
    for e in &errors {
        encoder.error(e);
    }
    if flags & AUDITSIFT_FLAG_TABLES_ONLY != 0 {
        encoder.finish_tables_only(tally)
    } else {
        encoder.finish(tally, kept)
    }
}

/// Parses one task's texts and encodes its records (copying them when the result keeps them).
fn encode_part(texts: Texts<'_>, filter: &Filter, flags: u32) -> Part {
    let ParseOutcome {
        records,
        errors,
        mut tally,
    } = if texts.prefiltered {
        parse_prefiltered_chunk(0, &texts.texts, filter)
    } else {
        parse_chunk(0, &texts.texts, filter)
    };
    let rejected = texts.rejected.len() as u64;
    tally.read += rejected + texts.skipped;
    tally.rejected += rejected;
    tally.skipped += texts.skipped;
    let keep = flags & AUDITSIFT_FLAG_TABLES_ONLY == 0;
    let mut encoder = Encoder::default();
    encoder.reserve_for(records.iter().map(|(_, r)| r), flags);
    let mut kept = Vec::with_capacity(if keep { records.len() } else { 0 });
    for (i, record) in records {
        let origin = texts.positions[i] as u64;
        encoder.record_in(origin, &record, flags, texts.document(i));
        if keep {
            kept.push(Collected {
                origin,
                record: record.into_owned(),
            });
        }
    }
    let errors = errors
        .into_iter()
        .map(|mut e| {
            e.index = texts.positions[e.index as usize] as u64;
            e
        })
        .chain(texts.rejected)
        .collect();
    Part {
        encoder,
        kept,
        errors,
        tally,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::result::{
        AUDITSIFT_FLAG_DOCUMENT_REFS, AUDITSIFT_FLAG_FULL_TREE, AUDITSIFT_FLAG_NO_RAW,
    };
    use crate::filter::FilterSpec;

    /// Documents of every shape the encoder writes: items, parameters, folders, nested trees,
    /// escapes, non-ASCII text, errors, and whitespace.
    fn documents() -> Vec<String> {
        (0..700)
            .map(|i| match i % 7 {
                0 => format!(
                    r#"{{"CreationTime":"2026-03-02T07:{:02}:00.25","Id":"id-{i}","Operation":"HardDelete","SessionId":"s{}","AffectedItems":[{{"Subject":"Café {i} \"q\"","InternetMessageId":"<{i}@x>","ParentFolder":{{"Path":"\\Inbox"}}}}]}}"#,
                    i % 60,
                    i % 3
                ),
                1 => format!(
                    r#"{{"Id":"id-{i}","Operation":"New-InboxRule","Parameters":[{{"Name":"Name","Value":"r{i}"}},{{"Name":"X","Value":[1,2.5,null,true]}}]}}"#
                ),
                2 => format!(
                    r#"{{"Id":"id-{i}","Operation":"MailItemsAccessed","SessionId":"s1","OperationProperties":[{{"Name":"MailAccessType","Value":"Bind"}}],"Folders":[{{"Path":"\\Inbox","FolderItems":[{{"InternetMessageId":"<a{i}>"}},{{"InternetMessageId":"<b{i}>"}}]}},{{"Path":"\\Empty"}}]}}"#
                ),
                3 => "{not json".to_owned(),
                4 => format!(r#"  {{"Id":"id-{i}","ClientIP":"[2001:db8::1]:443","LogonType":2,"RecordType":2,"OperationCount":{i}}}  "#),
                5 => "   ".to_owned(),
                _ => format!(r#"{{"Id":"日本-{i}","Deep":{{"a":[{{"b":{{"c":[[],{{}}]}}}}]}},"SessionId":"S1"}}"#),
            })
            .collect()
    }

    fn run(
        docs: &[String],
        filter: Option<&AuditsiftFilter>,
        flags: u32,
        per_task: usize,
    ) -> AuditsiftResult {
        parse_in_tasks(docs, filter, flags, per_task, |first, chunk, parse| {
            let mut texts = Texts::of_bytes(chunk.len());
            for (i, doc) in chunk.iter().enumerate() {
                texts.texts.push(doc);
                texts.positions.push(first + i);
                texts.referable.push(Some(0..0));
            }
            parse(texts)
        })
    }

    #[test]
    fn parts_join_into_what_one_part_gives() {
        let docs = documents();
        let session = AuditsiftFilter {
            compiled: Filter::new(FilterSpec {
                session_ids: vec!["s1".into()],
                ..Default::default()
            }),
        };
        for filter in [None, Some(&session)] {
            for flags in [
                0,
                AUDITSIFT_FLAG_NO_RAW | AUDITSIFT_FLAG_FULL_TREE,
                AUDITSIFT_FLAG_TABLES_ONLY | AUDITSIFT_FLAG_FULL_TREE,
                AUDITSIFT_FLAG_TABLES_ONLY | AUDITSIFT_FLAG_DOCUMENT_REFS,
            ] {
                let whole = run(&docs, filter, flags, usize::MAX);
                assert!(whole.count > 100);
                for per_task in [1, 7, 128] {
                    let parts = run(&docs, filter, flags, per_task);
                    assert_eq!(parts.text, whole.text, "{per_task} per task, flags {flags}");
                    assert_eq!(
                        parts.tables, whole.tables,
                        "{per_task} per task, flags {flags}"
                    );
                    assert_eq!(parts.count, whole.count);
                    assert_eq!(parts.tally, whole.tally);
                    assert_eq!(parts.errors, whole.errors);
                    assert_eq!(parts.tables_only, flags & AUDITSIFT_FLAG_TABLES_ONLY != 0);
                    let origins = |r: &AuditsiftResult| {
                        r.records.iter().map(|c| c.origin).collect::<Vec<_>>()
                    };
                    assert_eq!(origins(&parts), origins(&whole));
                    assert_eq!(
                        parts.records.len(),
                        if parts.tables_only { 0 } else { parts.count }
                    );
                }
            }
        }
    }
}
