//! `auditsift_parse_batch_utf16`: a batch of documents held as UTF-16 strings (.NET's), read in
//! place. The session prefilter runs on the UTF-16 units; only the documents it cannot rule out
//! are transcoded to UTF-8 (on all cores) and parsed. The result is the one `auditsift_parse_batch`
//! gives for the UTF-8 that .NET's `Encoding.UTF8` makes of the same strings (a lone surrogate
//! becomes U+FFFD), without the host making it.

use std::slice;

use super::AuditsiftFilter;
use super::error::{AuditsiftStatus, fail, guard, non_null};
use super::parts::{Texts, parse_in_parts};
use super::pool::BYTES;
use super::result::AuditsiftResult;
use crate::filter::Filter;

/// Parses `doc_count` documents given as UTF-16 (native byte order, as a .NET string holds its
/// text): document `i` is the `lengths[i]` units at `documents[i]`. Everything else is as for
/// `auditsift_parse_batch`, whose result this is for the UTF-8 of the same text, a lone surrogate
/// read as U+FFFD; `documents` and `lengths` may be NULL when `doc_count` is 0.
///
/// # Safety
/// `documents` and `lengths` must point to `doc_count` values each, `documents[i]` to
/// `lengths[i]` readable units (it may be NULL when `lengths[i]` is 0) that stay unchanged during
/// the call, `filter` be NULL or a live filter, and `out` a valid pointer to write the result
/// handle to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_parse_batch_utf16(
    documents: *const *const u16,
    lengths: *const usize,
    doc_count: usize,
    filter: *const AuditsiftFilter,
    flags: u32,
    out: *mut *mut AuditsiftResult,
) -> AuditsiftStatus {
    guard(|| {
        non_null!(out);
        if doc_count > 0 {
            non_null!(documents, lengths);
        }
        if doc_count > isize::MAX as usize / size_of::<usize>() {
            return fail(AuditsiftStatus::OutOfBounds, "doc_count is too large");
        }
        // SAFETY: the caller promises `doc_count` pointers and lengths.
        let (pointers, lengths) = unsafe {
            if doc_count == 0 {
                (&[][..], &[][..])
            } else {
                (
                    slice::from_raw_parts(documents, doc_count),
                    slice::from_raw_parts(lengths, doc_count),
                )
            }
        };
        let mut docs: Vec<&[u16]> = Vec::with_capacity(doc_count);
        for (i, (&ptr, &len)) in pointers.iter().zip(lengths).enumerate() {
            if len == 0 {
                docs.push(&[]);
                continue;
            }
            if ptr.is_null() {
                return fail(
                    AuditsiftStatus::NullArgument,
                    format!("documents[{i}] is NULL with length {len}"),
                );
            }
            if len > isize::MAX as usize / 2 {
                return fail(
                    AuditsiftStatus::OutOfBounds,
                    format!("lengths[{i}] = {len} units is too large"),
                );
            }
            // SAFETY: the caller promises `len` readable units at `ptr`, unchanged for the call.
            docs.push(unsafe { slice::from_raw_parts(ptr, len) });
        }
        // SAFETY: NULL or a live filter.
        let filter = unsafe { filter.as_ref() };
        let all = Filter::all();
        let prefilter = filter.map_or(&all, |f| &f.compiled);
        let result = parse_in_parts(&docs, filter, flags, |first, chunk, parse| {
            // The documents the prefilter keeps, transcoded back to back, with where their
            // characters beyond ASCII make bytes and units part.
            let mut bytes = Vec::new();
            let mut shifts = Vec::new();
            let mut spans = Vec::with_capacity(chunk.len());
            let mut skipped = 0;
            for (i, doc) in chunk.iter().enumerate() {
                if !prefilter.may_match_utf16(doc) {
                    skipped += 1;
                    continue;
                }
                if bytes.capacity() == 0 {
                    // Room for the rest of the task's documents as ASCII, one byte per unit.
                    bytes = BYTES.take(chunk[i..].iter().map(|d| d.len()).sum());
                }
                let (start, first_shift) = (bytes.len(), shifts.len());
                let whole = push_utf16_lossy(doc, &mut bytes, &mut shifts);
                // A document with a lone surrogate is not referable: its UTF-8 holds U+FFFD
                // where the caller's text holds the surrogate.
                let referable = whole.then_some(first_shift..shifts.len());
                spans.push((first + i, start, bytes.len(), referable));
            }
            // SAFETY: `push_utf16_lossy` writes only whole UTF-8 sequences: ASCII units narrowed
            // to their byte, and `char::encode_utf8` of every other character (U+FFFD for a
            // lone surrogate).
            let text = unsafe { String::from_utf8_unchecked(bytes) };
            let part = parse(Texts {
                texts: spans
                    .iter()
                    .map(|&(_, start, end, _)| text.get(start..end).unwrap_or_default())
                    .collect(),
                positions: spans.iter().map(|&(position, ..)| position).collect(),
                rejected: Vec::new(),
                skipped,
                prefiltered: true,
                referable: spans.into_iter().map(|(.., referable)| referable).collect(),
                shifts,
            });
            BYTES.give(text.into_bytes());
            part
        });
        // SAFETY: checked non-null; the caller owns the written handle.
        unsafe { *out = Box::into_raw(Box::new(result)) };
        AuditsiftStatus::Ok
    })
}

/// Appends the UTF-8 of UTF-16 `units` to `out`, a lone surrogate as U+FFFD (as
/// `String::from_utf16_lossy` and .NET's `Encoding.UTF8` do). Runs of ASCII are narrowed in bulk.
/// For each character beyond ASCII, pushes onto `shifts` the offset in the document's UTF-8 just
/// past it and how many more bytes than units that UTF-8 holds up to there (see
/// [`Document::shifts`](super::result::Document)). Returns false when a lone surrogate was
/// replaced.
fn push_utf16_lossy(units: &[u16], out: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) -> bool {
    /// Units checked and narrowed together: a block is checked while it is in cache, so that the
    /// document is read from memory once (the compiler vectorizes both loops).
    const BLOCK: usize = 64;
    out.reserve(units.len());
    let start = out.len();
    let mut ascii = 0;
    for block in units.chunks(BLOCK) {
        if block.iter().fold(0, |any, &u| any | u) >= 0x80 {
            break;
        }
        out.extend(block.iter().map(|&u| u as u8));
        ascii += block.len();
    }
    if ascii == units.len() {
        return true;
    }
    let mut whole = true;
    let mut extra = 0;
    let mut rest = &units[ascii..];
    while !rest.is_empty() {
        let ascii = ascii_prefix_len(rest);
        out.extend(rest[..ascii].iter().map(|&u| u as u8));
        rest = &rest[ascii..];
        let (c, step) = match char::decode_utf16(rest.iter().copied()).next() {
            None => break,
            Some(Ok(c)) => (c, c.len_utf16()),
            Some(Err(_)) => {
                whole = false;
                (char::REPLACEMENT_CHARACTER, 1)
            }
        };
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        extra += c.len_utf8() - step;
        shifts.push((out.len() - start, extra));
        rest = &rest[step..];
    }
    whole
}

/// How many units at the start of `units` are ASCII, looked at in blocks the compiler vectorizes.
fn ascii_prefix_len(units: &[u16]) -> usize {
    const BLOCK: usize = 16;
    let mut len = 0;
    for block in units.chunks_exact(BLOCK) {
        if block.iter().fold(0, |any, &u| any | u) >= 0x80 {
            break;
        }
        len += BLOCK;
    }
    len + units[len..].iter().take_while(|&&u| u < 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::result::Document;

    #[test]
    fn transcoding_is_from_utf16_lossy() {
        let cases: Vec<Vec<u16>> = vec![
            Vec::new(),
            "plain ascii that is longer than one run of sixteen units"
                .encode_utf16()
                .collect(),
            "é€😀 mixed with ascii and \u{7f}\u{80}\u{7ff}\u{800}\u{ffff}"
                .encode_utf16()
                .collect(),
            vec![0xd800],
            vec![0xdc00, 0x41],
            vec![0xd800, 0xd800, 0xdc00, 0xdc00],
            [0x41; 15]
                .into_iter()
                .chain([0xd83d])
                .chain([0x42; 20])
                .collect(),
            [0x41; 16].into_iter().chain([0xd83d, 0xde00]).collect(),
            // Across and at the edges of the blocks checked and narrowed together.
            [0x41; 64].into_iter().chain([0xe9]).collect(),
            [0x41; 63]
                .into_iter()
                .chain([0xd83d, 0xde00, 0x42])
                .collect(),
            [0x41; 130]
                .into_iter()
                .chain([0xdc00])
                .chain([0x43; 70])
                .collect(),
            [0x41; 128].to_vec(),
        ];
        for units in cases {
            let mut out = b"x".to_vec();
            let mut shifts = vec![(0, 0)];
            let whole = push_utf16_lossy(&units, &mut out, &mut shifts);
            assert_eq!(whole, String::from_utf16(&units).is_ok(), "{units:?}");
            let expected = format!("x{}", String::from_utf16_lossy(&units));
            assert_eq!(out, expected.as_bytes(), "{units:?}");
            // The shifts it adds turn every character boundary of the document's UTF-8 into the
            // number of units before it.
            let text = &expected[1..];
            let document = Document {
                text,
                shifts: &shifts[1..],
            };
            for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
                if whole {
                    let before = text[..at].encode_utf16().count();
                    assert_eq!(document.units(at), before, "{units:?} at {at}");
                }
            }
        }
    }
}
