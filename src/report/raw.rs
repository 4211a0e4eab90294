//! The raw AuditData of a report's events, kept apart from the data document.
//!
//! Raw text is most of a report's size (about 1.7 KB a record, three quarters of the file for a
//! typical export) and the page needs it only when an analyst opens one event or searches the raw
//! text. So it is not in the data document: it goes in its own element after the page's script,
//! as chunks of consecutive events, each a gzip-compressed JSON array of strings written in
//! base64. The page decompresses a chunk with the browser's own `DecompressionStream` when it
//! first needs one of its events, and all of them for a raw-text search (`docs/report-data.md`).

use std::io::{self, Write};
use std::ops::Range;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde::Serialize;

/// The uncompressed size a chunk grows to before the next one starts: small enough that opening
/// one event decompresses little (a few milliseconds), large enough that gzip loses nothing to
/// chunk boundaries (its window is 32 KiB).
const CHUNK_BYTES: usize = 1 << 20;

/// The gzip level. The page never waits for the raw text to load, so the fastest level wins: on
/// 100,000 records (178 MB of AuditData as JSON) it compresses 3.6 to 1 in 2.0 s on two busy
/// cores, where level 2 gives 4.7 to 1 in 3.3 s and level 6 gives 5.5 to 1 in 8.8 s.
const LEVEL: u32 = 1;

/// How the chunks are encoded, named in the document so the page can refuse what it cannot read.
const RAW_ENCODING: &str = "gzip+base64";

#[derive(Serialize)]
struct RawChunk {
    /// How many events the chunk holds (the first is the one after the previous chunk's last).
    n: usize,
    /// Base64 of a gzip member whose content is a UTF-8 JSON array of `n` strings.
    z: String,
}

#[derive(Serialize)]
struct RawDocument {
    encoding: &'static str,
    chunks: Vec<RawChunk>,
}

/// The raw document (serialized JSON) for the events' raw texts, in event order; `None` gives
/// `null` (the report leaves raw AuditData out).
pub fn raw_document(raws: Option<&[&str]>) -> io::Result<String> {
    let Some(raws) = raws else {
        return Ok("null".to_owned());
    };
    let chunks = chunk_ranges(raws, CHUNK_BYTES)
        .into_par_iter()
        .map(|range| compress_chunk(&raws[range]))
        .collect::<io::Result<Vec<_>>>()?;
    let document = RawDocument {
        encoding: RAW_ENCODING,
        chunks,
    };
    serde_json::to_string(&document).map_err(io::Error::other)
}

/// Consecutive ranges of `raws`, each ending once its texts reach `limit` bytes.
fn chunk_ranges(raws: &[&str], limit: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, raw) in raws.iter().enumerate() {
        bytes += raw.len();
        if bytes >= limit {
            ranges.push(start..i + 1);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < raws.len() {
        ranges.push(start..raws.len());
    }
    ranges
}

fn compress_chunk(raws: &[&str]) -> io::Result<RawChunk> {
    let json = serde_json::to_vec(raws).map_err(io::Error::other)?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::new(LEVEL));
    gz.write_all(&json)?;
    Ok(RawChunk {
        n: raws.len(),
        // Standard base64 with padding (RFC 4648): what the page's `atob` reads.
        z: STANDARD.encode(gz.finish()?),
    })
}

/// The raw texts of a raw document, in event order, read as the page reads them (for tests).
#[cfg(test)]
pub(super) fn decode_raw_document(document: &str) -> Vec<serde_json::Value> {
    tests::decode(document).into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use serde_json::Value;
    use std::io::Read;

    /// The raw texts of a document, chunk by chunk, as the page reads them.
    pub(super) fn decode(document: &str) -> Vec<Vec<Value>> {
        let v: Value = serde_json::from_str(document).unwrap();
        assert_eq!(v["encoding"], RAW_ENCODING);
        v["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let mut json = String::new();
                GzDecoder::new(&STANDARD.decode(c["z"].as_str().unwrap()).unwrap()[..])
                    .read_to_string(&mut json)
                    .unwrap();
                let texts: Vec<Value> = serde_json::from_str(&json).unwrap();
                assert_eq!(c["n"].as_u64(), Some(texts.len() as u64));
                texts
            })
            .collect()
    }

    #[test]
    fn chunks_end_at_the_size_limit_and_cover_every_text() {
        let raws = ["aaaa", "bb", "cccccc", "d", "", "eeeeeeee"];
        assert_eq!(chunk_ranges(&raws, 6), [0..2, 2..3, 3..6]);
        assert_eq!(chunk_ranges(&raws, 1000), vec![0..6]);
        assert_eq!(chunk_ranges(&[], 6), Vec::<Range<usize>>::new());
    }

    #[test]
    fn raw_texts_round_trip_in_order() {
        let hostile = "</script><script>alert(1)</script> \u{2028} & 日本語 \"q\" \\";
        let texts: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "{{\"Id\":\"{i}\",\"Pad\":\"{}\"}}{hostile}",
                    "x".repeat(i % 700)
                )
            })
            .collect();
        let raws: Vec<&str> = texts.iter().map(String::as_str).collect();
        let document = raw_document(Some(&raws)).unwrap();
        let chunks = decode(&document);
        assert!(chunks.len() > 1, "{} chunks", chunks.len());
        let back: Vec<Value> = chunks.into_iter().flatten().collect();
        assert_eq!(
            back,
            texts
                .iter()
                .map(|t| Value::from(t.as_str()))
                .collect::<Vec<_>>()
        );
        // Base64 and digits only: nothing in it can end its element.
        assert!(!document.contains(['<', '>', '&']));
        assert!(document.len() < texts.iter().map(String::len).sum::<usize>() / 2);
    }

    #[test]
    fn no_raw_is_null_and_no_events_is_no_chunk() {
        assert_eq!(raw_document(None).unwrap(), "null");
        assert!(decode(&raw_document(Some(&[])).unwrap()).is_empty());
    }
}
