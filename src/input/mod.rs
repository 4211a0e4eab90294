//! File readers: every shape audit records are saved in, streamed in batches.
//!
//! * CSV: the Purview portal export, `Search-UnifiedAuditLog | Export-Csv` (RecordType as a name,
//!   CreationDate in the host's culture), the classic 4-column export, and
//!   `Search-MailboxAuditLog | Export-Csv` (flat columns, no AuditData); header by name, UTF-8
//!   BOM, `#TYPE` line, doubled quotes, fields spanning lines, extra columns.
//! * JSON: an array of records (also several arrays, or pretty-printed objects one after the
//!   other), JSON lines; records may be wrapped as `{"AuditData": {...}}`, with AuditData as a
//!   string, or be Graph `auditLogRecord`s (`auditData` an object), also in `{"value": [...]}`
//!   pages.
//! * Any of them gzip-compressed, UTF-16 or with a byte-order mark.
//!
//! The shape is detected from the content, never from the file name. A [`Reader`] yields
//! [`Batch`]es: documents' AuditData texts in one buffer, each with its [`Location`] and
//! [`Fallback`] values, plus the items that could not be read (with location, reason and raw
//! text). Memory stays bounded whatever the input size: one batch (about
//! [`ReaderOptions::batch_bytes`]) plus at most one document of up to
//! [`ReaderOptions::max_document_bytes`]; a longer one is reported and skipped.
//!
//! [`pipeline`] runs readers over many files, parses their batches on all cores and hands the
//! matching records on, in input order.

mod batch;
mod csv_rows;
mod fallback;
mod json_stream;
mod lines;
mod location;
pub mod pipeline;
mod source;
mod unwrap;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub use batch::{Batch, Warning, WarningKind};
pub use fallback::Fallback;
pub use location::{Location, Unit};
pub use source::Encoding;

use batch::BatchBuilder;
use csv_rows::CsvReader;
use json_stream::{JsonReader, looks_like_json_lines};
use lines::LinesReader;
use source::{Counting, Source, Stream};

/// The shapes an input may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// No records at all (empty or blank).
    Empty,
    /// One JSON document per line.
    JsonLines,
    /// A JSON array of records, several arrays, or JSON objects one after the other.
    Json,
    /// CSV with an AuditData column.
    Csv,
    /// CSV of flat records without AuditData (`Search-MailboxAuditLog | Export-Csv`).
    FlatCsv,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shape::Empty => "empty",
            Shape::JsonLines => "JSON lines",
            Shape::Json => "JSON",
            Shape::Csv => "CSV",
            Shape::FlatCsv => "CSV of flat records (Search-MailboxAuditLog)",
        })
    }
}

/// Limits of a [`Reader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Longest single document (line, array element, CSV row); a longer one is reported and
    /// skipped without being held in memory.
    pub max_document_bytes: usize,
    /// About how many bytes of documents a batch holds.
    pub batch_bytes: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            max_document_bytes: 256 << 20,
            batch_bytes: 8 << 20,
        }
    }
}

/// Why an input could not be read (as opposed to one record of it).
#[derive(Debug)]
pub struct InputError {
    /// The file's name (`<stdin>` for standard input).
    pub file: String,
    /// The problem in words.
    pub message: String,
    /// The I/O error kind behind it, when there was one.
    pub kind: io::ErrorKind,
}

impl InputError {
    fn new(file: &str, error: &io::Error, context: &str) -> InputError {
        let message = match error.kind() {
            io::ErrorKind::UnexpectedEof => format!(
                "{context}unexpected end of data (a truncated or corrupt gzip file?): {error}"
            ),
            _ => format!("{context}{error}"),
        };
        InputError {
            file: file.to_owned(),
            message,
            kind: error.kind(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for InputError {}

/// The name standard input goes by in locations.
pub const STDIN_NAME: &str = "<stdin>";

enum Kind {
    Empty,
    Lines(LinesReader),
    Json(JsonReader),
    Csv(Box<CsvReader>),
}

/// Reads one input in batches; see the [module documentation](self).
pub struct Reader {
    name: Arc<str>,
    shape: Shape,
    source: Source,
    kind: Kind,
    options: ReaderOptions,
    /// An error met while filling the last batch, returned by the next call.
    pending_error: Option<InputError>,
    finished: bool,
    /// Buffers of finished batches, to read the next ones into.
    spare: Vec<Vec<u8>>,
}

impl Reader {
    /// Opens a file (`-` is standard input) with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Reader, InputError> {
        Reader::open_with(path, ReaderOptions::default(), None)
    }

    /// Opens a file (`-` is standard input); `counter`, when given, is increased by every byte
    /// read from the file (compressed bytes for gzip), for progress display.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: ReaderOptions,
        counter: Option<Arc<AtomicU64>>,
    ) -> Result<Reader, InputError> {
        let path = path.as_ref();
        let counter = counter.unwrap_or_default();
        if path == Path::new("-") {
            let stdin = Counting::new(io::stdin(), counter);
            return Reader::from_stream(STDIN_NAME, Box::new(stdin), options);
        }
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| InputError::new(&name, &e, "cannot open: "))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(InputError {
                file: name,
                message: "is a directory, not a file".to_owned(),
                kind: io::ErrorKind::InvalidInput,
            });
        }
        Reader::from_stream(&name, Box::new(Counting::new(file, counter)), options)
    }

    /// Reads any byte stream; `name` is used in locations.
    pub fn from_reader(
        name: &str,
        reader: impl Read + Send + 'static,
        options: ReaderOptions,
    ) -> Result<Reader, InputError> {
        Reader::from_stream(name, Box::new(reader), options)
    }

    fn from_stream(name: &str, raw: Stream, options: ReaderOptions) -> Result<Reader, InputError> {
        let options = ReaderOptions {
            max_document_bytes: options.max_document_bytes.max(1),
            batch_bytes: options.batch_bytes.max(1),
        };
        let mut source = Source::open(raw).map_err(|e| InputError::new(name, &e, ""))?;
        let head = source.head();
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        let (shape, kind) = match first {
            None => (Shape::Empty, Kind::Empty),
            Some(b'[') => (Shape::Json, Kind::Json(JsonReader::new())),
            Some(b'{') => {
                let start = head.iter().position(|&b| b == b'{').unwrap_or(0);
                if looks_like_json_lines(&head[start..]) {
                    (Shape::JsonLines, Kind::Lines(LinesReader::default()))
                } else {
                    (Shape::Json, Kind::Json(JsonReader::new()))
                }
            }
            Some(_) => {
                let csv = CsvReader::new(&mut source, &options)
                    .map_err(|e| InputError::new(name, &e, ""))?;
                let shape = if csv.is_flat() {
                    Shape::FlatCsv
                } else {
                    Shape::Csv
                };
                (shape, Kind::Csv(Box::new(csv)))
            }
        };
        Ok(Reader {
            name: Arc::from(name),
            shape,
            source,
            kind,
            options,
            pending_error: None,
            finished: false,
            spare: Vec::new(),
        })
    }

    /// The name used in locations.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The detected shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// What was unwrapped to read the text (gzip, UTF-16, byte-order mark).
    pub fn encoding(&self) -> Encoding {
        self.source.encoding
    }

    /// Gives the reader a buffer to read a later batch into (from [`Batch::into_buffer`]).
    pub fn reuse_buffer(&mut self, buffer: Vec<u8>) {
        // A buffer that grew for one huge document is let go rather than kept.
        let usable = buffer.capacity() > 0 && buffer.capacity() <= 4 * self.options.batch_bytes;
        if self.spare.len() < 2 && usable {
            self.spare.push(buffer);
        }
    }

    /// Reads the next batch of up to `max_items` documents and errors (at least 1); `Ok(None)`
    /// at the end. After an error (an unreadable or truncated file) the documents read before
    /// it are returned first, then the error, then `None`.
    pub fn next_batch(&mut self, max_items: usize) -> Result<Option<Batch>, InputError> {
        while let Some(raw) = self.next_raw_batch(max_items)? {
            let batch = raw.finish();
            // Only Graph pages without records leave nothing; read on.
            if !batch.is_empty() || !batch.errors().is_empty() {
                return Ok(Some(batch));
            }
            self.reuse_buffer(batch.into_buffer());
        }
        Ok(None)
    }

    /// Like [`next_batch`](Reader::next_batch), but leaves the batch unchecked so that the
    /// caller can keep only some documents ([`BatchBuilder::finish_matching`]).
    pub(crate) fn next_raw_batch(
        &mut self,
        max_items: usize,
    ) -> Result<Option<BatchBuilder>, InputError> {
        if let Some(e) = self.pending_error.take() {
            self.finished = true;
            return Err(e);
        }
        let max_items = max_items.max(1);
        while !self.finished {
            let buffer = self.spare.pop().unwrap_or_default();
            let mut b = BatchBuilder::new(self.name.clone(), buffer);
            let result = match &mut self.kind {
                Kind::Empty => Ok(()),
                Kind::Lines(r) => r.read_batch(&mut self.source, &mut b, max_items, &self.options),
                Kind::Json(r) => r.read_batch(&mut self.source, &mut b, max_items, &self.options),
                Kind::Csv(r) => r.read_batch(&mut self.source, &mut b, max_items, &self.options),
            };
            let got = b.items();
            let result = match self.source.take_error() {
                Some(e) => Err(e),
                None => result,
            };
            if let Err(e) = result {
                self.pending_error = Some(InputError::new(&self.name, &e, "read error: "));
                self.finished = true;
            } else if got == 0 && (self.source.at_eof() || matches!(self.kind, Kind::Empty)) {
                self.finished = true;
            }
            if got > 0 {
                return Ok(Some(b));
            }
            self.reuse_buffer(b.buf);
        }
        match self.pending_error.take() {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }
}
