//! JSON lines: one document per line, found with memchr.
//!
//! The batch buffer is the file's bytes as read; documents are spans of it, so a line is never
//! copied. A line longer than the document limit is reported (with its first bytes) and skipped
//! up to the next newline without being held in memory.

use std::io;

use memchr::memchr;

use super::ReaderOptions;
use super::batch::{BatchBuilder, raw_prefix};
use super::location::Location;
use super::source::Source;

/// A line over the limit, being skipped.
#[derive(Debug)]
struct LongLine {
    line: u64,
    raw: String,
    bytes: u64,
}

/// Reads JSON lines in batches.
#[derive(Debug, Default)]
pub(crate) struct LinesReader {
    /// The start of a line not yet complete at the end of the last batch.
    carry: Vec<u8>,
    /// Lines consumed so far.
    line: u64,
    long: Option<LongLine>,
}

impl LinesReader {
    /// Fills `b` with up to `max_items` lines (documents and errors).
    pub(crate) fn read_batch(
        &mut self,
        src: &mut Source,
        b: &mut BatchBuilder,
        max_items: usize,
        options: &ReaderOptions,
    ) -> io::Result<()> {
        b.filled = 0;
        b.append(&self.carry);
        self.carry.clear();
        let mut pos = 0;
        let result = self.fill(src, b, &mut pos, max_items, options);
        let pos = pos.min(b.filled);
        self.carry.extend_from_slice(&b.buf[pos..b.filled]);
        b.filled = pos;
        result
    }

    fn fill(
        &mut self,
        src: &mut Source,
        b: &mut BatchBuilder,
        pos: &mut usize,
        max_items: usize,
        options: &ReaderOptions,
    ) -> io::Result<()> {
        // Where the newline search resumes: bytes before it hold no newline.
        let mut scan = *pos;
        loop {
            while b.items() < max_items {
                let Some(i) = memchr(b'\n', &b.buf[scan..b.filled]) else {
                    scan = b.filled;
                    if let Some(long) = &mut self.long {
                        // Drop what was read of the long line.
                        long.bytes += (b.filled - *pos) as u64;
                        b.filled = *pos;
                        scan = *pos;
                    }
                    break;
                };
                let end = scan + i;
                self.line += 1;
                match self.long.take() {
                    Some(long) => self.report_long(b, long, (end - *pos) as u64, options),
                    None => self.take_line(b, *pos, end),
                }
                *pos = end + 1;
                scan = *pos;
            }
            if b.items() >= max_items || *pos >= options.batch_bytes {
                return Ok(());
            }
            if src.at_eof() {
                if let Some(long) = self.long.take() {
                    self.line += 1;
                    self.report_long(b, long, 0, options);
                } else if *pos < b.filled {
                    self.line += 1;
                    self.take_line(b, *pos, b.filled);
                    *pos = b.filled;
                }
                return Ok(());
            }
            let pending = b.filled - *pos;
            if self.long.is_none() && pending > options.max_document_bytes {
                self.long = Some(LongLine {
                    line: self.line + 1,
                    raw: raw_prefix(&b.buf[*pos..b.filled]),
                    bytes: pending as u64,
                });
                b.filled = *pos;
                scan = *pos;
            }
            let average = if b.items() > 0 {
                *pos / b.items()
            } else {
                2048
            };
            let want = (average * (max_items - b.items()))
                // Not much past the batch size...
                .min(options.batch_bytes.saturating_sub(b.filled))
                .max(64 * 1024)
                // ...but an unfinished document grows geometrically rather than by small steps.
                .max(b.filled - *pos);
            src.read_into(&mut b.buf, &mut b.filled, want)?;
        }
    }

    /// Marks one line (without its newline) as a document; blank lines are skipped.
    fn take_line(&self, b: &mut BatchBuilder, start: usize, mut end: usize) {
        if end > start && b.buf[end - 1] == b'\r' {
            end -= 1;
        }
        if b.buf[start..end].iter().all(u8::is_ascii_whitespace) {
            return;
        }
        b.push_doc(start..end, Location::line(self.line), Default::default());
    }

    fn report_long(
        &self,
        b: &mut BatchBuilder,
        long: LongLine,
        tail: u64,
        options: &ReaderOptions,
    ) {
        b.push_error(
            long.line,
            Location::line(long.line),
            format!(
                "line of {} bytes is longer than the {}-byte limit for one record; skipped",
                long.bytes + tail,
                options.max_document_bytes
            ),
            long.raw,
        );
    }
}
