//! JSON arrays and concatenated JSON values, streamed element by element.
//!
//! serde_json cannot stream the elements of an array, so a small byte-level state machine finds
//! where each top-level document starts and ends: the elements of top-level arrays (`[...]`,
//! also several arrays one after the other) and top-level objects (pretty-printed records one
//! after the other). It tracks only strings, escapes and nesting depth; whether a document is
//! valid JSON is for the record parser to say. Inside strings it jumps with memchr.

use std::io;

use memchr::{memchr_iter, memchr2};

use super::ReaderOptions;
use super::batch::{BatchBuilder, raw_prefix};
use super::location::Location;
use super::source::Source;

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    /// Between documents, outside any array.
    #[default]
    Top,
    /// Between the elements of a top-level array.
    Array,
    /// Inside a document: an object, an array or a string.
    Doc,
    /// Inside a number or literal element of an array.
    Scalar,
    /// Inside text that is not JSON, up to the next `{` or `[`.
    Junk,
}

/// What the scanner found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// A document starts at this offset.
    Start(usize),
    /// The document ends before this offset.
    End(usize),
    /// Text that is not JSON starts here.
    JunkStart(usize),
    /// ... and ends before this offset.
    JunkEnd(usize),
    /// Everything given was scanned.
    NeedMore,
}

/// The state machine; its state carries over from one buffer to the next.
#[derive(Debug, Clone, Default)]
struct Scanner {
    mode: Mode,
    depth: u32,
    in_string: bool,
    /// A backslash was the last byte of the previous buffer.
    escaped: bool,
    /// Inside a top-level array (documents are its elements).
    in_array: bool,
}

impl Scanner {
    fn between(&self) -> Mode {
        if self.in_array {
            Mode::Array
        } else {
            Mode::Top
        }
    }

    /// Scans `buf` from `*pos` up to the next event.
    fn step(&mut self, buf: &[u8], pos: &mut usize) -> Event {
        while *pos < buf.len() {
            match self.mode {
                Mode::Top | Mode::Array => {
                    let b = buf[*pos];
                    match b {
                        b' ' | b'\t' | b'\r' | b'\n' => *pos += 1,
                        b',' if self.mode == Mode::Array => *pos += 1,
                        b'[' if self.mode == Mode::Top => {
                            self.in_array = true;
                            self.mode = Mode::Array;
                            *pos += 1;
                        }
                        b']' if self.mode == Mode::Array => {
                            self.in_array = false;
                            self.mode = Mode::Top;
                            *pos += 1;
                        }
                        b'{' | b'[' | b'"' => {
                            self.mode = Mode::Doc;
                            self.depth = 0;
                            self.in_string = false;
                            return Event::Start(*pos);
                        }
                        _ if self.mode == Mode::Array && b != b'}' && b != b']' => {
                            self.mode = Mode::Scalar;
                            return Event::Start(*pos);
                        }
                        _ => {
                            self.mode = Mode::Junk;
                            return Event::JunkStart(*pos);
                        }
                    }
                }
                Mode::Scalar => {
                    match buf[*pos..].iter().position(|b| {
                        matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                    }) {
                        Some(i) => {
                            *pos += i;
                            self.mode = Mode::Array;
                            return Event::End(*pos);
                        }
                        None => *pos = buf.len(),
                    }
                }
                Mode::Junk => match memchr2(b'{', b'[', &buf[*pos..]) {
                    Some(i) => {
                        *pos += i;
                        self.mode = self.between();
                        return Event::JunkEnd(*pos);
                    }
                    None => *pos = buf.len(),
                },
                Mode::Doc if self.in_string => {
                    if self.escaped {
                        self.escaped = false;
                        *pos += 1;
                        continue;
                    }
                    match memchr2(b'"', b'\\', &buf[*pos..]) {
                        Some(i) => {
                            *pos += i;
                            if buf[*pos] == b'\\' {
                                if *pos + 1 < buf.len() {
                                    *pos += 2;
                                } else {
                                    self.escaped = true;
                                    *pos += 1;
                                }
                            } else {
                                *pos += 1;
                                self.in_string = false;
                                if self.depth == 0 {
                                    self.mode = self.between();
                                    return Event::End(*pos);
                                }
                            }
                        }
                        None => *pos = buf.len(),
                    }
                }
                Mode::Doc => {
                    let b = buf[*pos];
                    *pos += 1;
                    match b {
                        b'"' => self.in_string = true,
                        b'{' | b'[' => self.depth += 1,
                        b'}' | b']' => {
                            self.depth = self.depth.saturating_sub(1);
                            if self.depth == 0 {
                                self.mode = self.between();
                                return Event::End(*pos);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Event::NeedMore
    }
}

/// Lines of the head looked at to tell JSON lines from pretty-printed JSON.
const PROBE_LINES: usize = 16;

/// True when `head` (which starts with `{`) reads as JSON lines: one of its first lines starts
/// with `{` in the first column and holds one whole JSON value, or the first line does not end
/// within `head`. Pretty-printed objects put `{` alone on its line; a broken first line does not
/// hide the good lines after it.
pub(crate) fn looks_like_json_lines(head: &[u8]) -> bool {
    let mut lines = head.split(|&b| b == b'\n');
    let complete_lines = memchr_iter(b'\n', head).count();
    if complete_lines == 0 {
        return true;
    }
    lines
        .by_ref()
        .take(complete_lines.min(PROBE_LINES))
        .any(|line| line.first() == Some(&b'{') && is_one_value(line))
}

/// True when `line` holds exactly one JSON object or array (and white space).
fn is_one_value(line: &[u8]) -> bool {
    let mut scanner = Scanner::default();
    let mut pos = 0;
    let mut started = false;
    loop {
        match scanner.step(line, &mut pos) {
            Event::Start(_) => started = true,
            Event::End(_) => {
                return started && line[pos..].iter().all(u8::is_ascii_whitespace);
            }
            Event::JunkStart(_) | Event::JunkEnd(_) | Event::NeedMore => return false,
        }
    }
}

/// A document over the size limit, being skipped.
#[derive(Debug)]
struct Oversize {
    record: u64,
    line: u64,
    raw: String,
    bytes: u64,
}

/// Reads JSON arrays and concatenated values in batches.
#[derive(Debug, Default)]
pub(crate) struct JsonReader {
    scanner: Scanner,
    /// Unfinished bytes from the last batch: the start of a document, or text not yet scanned.
    carry: Vec<u8>,
    /// Where scanning resumes in `carry`.
    resume: usize,
    /// Offsets (in the current buffer) where the open document or junk started.
    doc_start: Option<usize>,
    junk_start: Option<usize>,
    /// Start line of the open document or junk.
    open_line: u64,
    /// Documents started so far.
    records: u64,
    /// Line number (1-based) at `line_pos` of the current buffer.
    line: u64,
    line_pos: usize,
    oversize: Option<Oversize>,
    /// Junk already reported because it grew past the limit.
    junk_reported: bool,
}

impl JsonReader {
    pub(crate) fn new() -> JsonReader {
        JsonReader {
            line: 1,
            ..JsonReader::default()
        }
    }

    /// The line of offset `at` (not before the last one asked).
    fn line_at(&mut self, buf: &[u8], at: usize) -> u64 {
        if at > self.line_pos {
            self.line += memchr_iter(b'\n', &buf[self.line_pos..at]).count() as u64;
            self.line_pos = at;
        }
        self.line
    }

    /// Fills `b` with up to `max_items` documents and errors.
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
        let mut pos = self.resume;
        let result = self.fill(src, b, &mut pos, max_items, options);
        // Keep the open document (or junk) and what is not scanned yet for the next batch.
        let cut = self
            .doc_start
            .or(self.junk_start)
            .unwrap_or(pos)
            .min(pos)
            .min(b.filled);
        self.line_at(&b.buf, cut);
        self.carry.extend_from_slice(&b.buf[cut..b.filled]);
        b.filled = cut;
        self.resume = pos - cut;
        self.line_pos = 0;
        self.doc_start = self.doc_start.map(|s| s - cut);
        self.junk_start = self.junk_start.map(|s| s - cut);
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
        loop {
            while b.items() < max_items {
                match self.scanner.step(&b.buf[..b.filled], pos) {
                    Event::Start(s) => {
                        self.records += 1;
                        self.doc_start = Some(s);
                        self.open_line = self.line_at(&b.buf, s);
                    }
                    Event::End(e) => self.end_doc(b, e, options),
                    Event::JunkStart(s) => {
                        self.junk_start = Some(s);
                        self.junk_reported = false;
                        self.open_line = self.line_at(&b.buf, s);
                    }
                    Event::JunkEnd(e) => {
                        if let Some(s) = self.junk_start.take()
                            && !self.junk_reported
                        {
                            let junk = raw_prefix(&b.buf[s..e]);
                            self.report_junk(b, junk);
                        }
                    }
                    Event::NeedMore => break,
                }
            }
            let open = self.doc_start.or(self.junk_start);
            let done = open.unwrap_or(*pos);
            if b.items() >= max_items || done >= options.batch_bytes {
                return Ok(());
            }
            if src.at_eof() {
                self.end_of_input(b, options);
                return Ok(());
            }
            if let Some(s) = open
                && *pos - s > options.max_document_bytes
            {
                self.start_skipping(b, s, *pos);
                *pos = s;
            }
            let average = if b.items() > 0 {
                done / b.items()
            } else {
                2048
            };
            let want = (average * (max_items - b.items()))
                // Not much past the batch size...
                .min(options.batch_bytes.saturating_sub(b.filled))
                .max(64 * 1024)
                // ...but an unfinished document grows geometrically rather than by small steps.
                .max(b.filled - open.unwrap_or(*pos));
            src.read_into(&mut b.buf, &mut b.filled, want)?;
        }
    }

    /// A document (or an array element) ended before `end`.
    fn end_doc(&mut self, b: &mut BatchBuilder, end: usize, options: &ReaderOptions) {
        let Some(start) = self.doc_start.take() else {
            return;
        };
        let location = Location::record(self.records, self.open_line);
        match self.oversize.take() {
            Some(o) => b.push_error(
                o.record,
                Location::record(o.record, o.line),
                format!(
                    "record of {} bytes is longer than the {}-byte limit for one record; skipped",
                    o.bytes + (end - start) as u64,
                    options.max_document_bytes
                ),
                o.raw,
            ),
            None => b.push_doc(start..end, location, Default::default()),
        }
    }

    fn report_junk(&mut self, b: &mut BatchBuilder, shown: String) {
        b.push_error(
            self.records,
            Location::line(self.open_line),
            "text outside any JSON record (expected '{' or '[')".to_owned(),
            shown,
        );
    }

    /// The open document (or junk) from `start` is over the limit: keep its first bytes for the
    /// error and drop the rest as it is scanned.
    fn start_skipping(&mut self, b: &mut BatchBuilder, start: usize, pos: usize) {
        self.line_at(&b.buf, pos);
        if self.junk_start.is_some() {
            if !self.junk_reported {
                let shown = raw_prefix(&b.buf[start..pos]);
                self.report_junk(b, shown);
                self.junk_reported = true;
            }
        } else {
            let dropped = (pos - start) as u64;
            match &mut self.oversize {
                Some(o) => o.bytes += dropped,
                None => {
                    self.oversize = Some(Oversize {
                        record: self.records,
                        line: self.open_line,
                        raw: raw_prefix(&b.buf[start..pos]),
                        bytes: dropped,
                    })
                }
            }
        }
        b.filled = start;
        self.line_pos = start;
    }

    /// The input ended: an open document was cut short.
    fn end_of_input(&mut self, b: &mut BatchBuilder, options: &ReaderOptions) {
        match self.scanner.mode {
            Mode::Scalar => {
                let end = b.filled;
                self.scanner.mode = Mode::Array;
                self.end_doc(b, end, options);
            }
            Mode::Doc => {
                if let Some(start) = self.doc_start.take() {
                    let (record, line, raw) = match self.oversize.take() {
                        Some(o) => (o.record, o.line, o.raw),
                        None => (
                            self.records,
                            self.open_line,
                            raw_prefix(&b.buf[start..b.filled]),
                        ),
                    };
                    b.push_error(
                        record,
                        Location::record(record, line),
                        "the input ends inside this record (truncated file, or an unterminated \
                         string)"
                            .to_owned(),
                        raw,
                    );
                }
                self.scanner = Scanner::default();
            }
            Mode::Junk => {
                if let Some(s) = self.junk_start.take()
                    && !self.junk_reported
                {
                    let shown = raw_prefix(&b.buf[s..b.filled]);
                    self.report_junk(b, shown);
                }
                self.scanner.mode = Mode::Top;
            }
            Mode::Top | Mode::Array => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document the scanner finds, feeding it `step` bytes at a time.
    fn documents(text: &str, step: usize) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut scanner = Scanner::default();
        let mut out = Vec::new();
        let mut start = None;
        let mut end_of_chunk = 0;
        let mut pos = 0;
        while end_of_chunk < bytes.len() {
            end_of_chunk = (end_of_chunk + step).min(bytes.len());
            loop {
                match scanner.step(&bytes[..end_of_chunk], &mut pos) {
                    Event::Start(s) => start = Some(s),
                    Event::End(e) => out.push(text[start.take().unwrap()..e].to_owned()),
                    Event::JunkStart(_) | Event::JunkEnd(_) => {}
                    Event::NeedMore => break,
                }
            }
        }
        out
    }

    #[test]
    fn strings_escapes_nesting_and_scalars() {
        let text =
            r#" [ {"a":"x\"}]\\","b":[1,{"c":"]"}]} , "str\"ing" ,42, true,[1,2] ] {"d":"\\"}"#;
        let expected = [
            r#"{"a":"x\"}]\\","b":[1,{"c":"]"}]}"#,
            r#""str\"ing""#,
            "42",
            "true",
            "[1,2]",
            r#"{"d":"\\"}"#,
        ];
        for step in [1, 2, 3, 7, 1000] {
            assert_eq!(documents(text, step), expected, "step {step}");
        }
    }

    #[test]
    fn json_lines_or_pretty_json() {
        assert!(looks_like_json_lines(b"{\"a\":1}\n{\"b\":2}\n"));
        assert!(looks_like_json_lines(b"{\"a\":1, broken\n{\"b\":2}\n"));
        assert!(looks_like_json_lines(b"{\"a\":\"no newline in the head"));
        assert!(!looks_like_json_lines(
            b"{\n  \"a\": 1,\n  \"b\": {\"c\": 2}\n}\n{\n"
        ));
        assert!(!looks_like_json_lines(b"{\"a\": 1,\n \"b\": 2}\n"));
    }
}
