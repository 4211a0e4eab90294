//! File readers: Purview CSV exports, `Search-UnifiedAuditLog | Export-Csv`, the classic 4-column
//! export, `Search-MailboxAuditLog | Export-Csv`, JSON arrays, JSON lines, wrapped and Graph
//! records, and the gzip form of each.
//!
//! The shape is detected from the content, never the file name. A [`FileReader`] yields batches of
//! [`Document`]s (the AuditData text and where it came from); a row that cannot be read becomes a
//! [`RecordError`] with its location and raw text, and reading goes on.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;
use serde_json::value::RawValue;

use crate::batch::RecordError;

/// One document to parse, with where it came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// `file:row N`, `file:line N` or `file:record N`.
    pub source: String,
    /// The AuditData JSON text, or a flat JSON object of a Search-MailboxAuditLog row.
    pub text: String,
    /// The row's `CreationDate`, used only when AuditData has no `CreationTime`.
    pub fallback_time: Option<String>,
}

/// What a reader found next: a document, or a row that could not be read.
#[derive(Debug)]
pub enum Item {
    /// A document to parse.
    Document(Document),
    /// A row that could not be read.
    Rejected(RecordError),
}

/// The shapes a file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
    /// One JSON array of records (or a Graph page `{"value": [...]}`).
    JsonArray,
}

/// Longest JSON line accepted; a longer one is reported and skipped.
pub const MAX_LINE: usize = 256 << 20;

/// Reads one input (a file, or `-` for standard input) in batches.
pub struct FileReader {
    name: String,
    shape: Shape,
    inner: Inner,
    /// Rows, lines or records read so far.
    position: u64,
}

enum Inner {
    Csv {
        reader: csv::Reader<Box<dyn BufRead>>,
        audit_column: Option<usize>,
        date_column: Option<usize>,
        headers: Vec<String>,
    },
    Lines(Box<dyn BufRead>),
    Array(std::vec::IntoIter<Item>),
}

impl FileReader {
    /// Opens a path (`-` is standard input) and detects its shape.
    pub fn open(path: &str) -> io::Result<FileReader> {
        let raw: Box<dyn Read> = if path == "-" {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(path)?)
        };
        FileReader::from_reader(if path == "-" { "<stdin>" } else { path }, raw)
    }

    /// Detects the shape of any byte stream (gzip is unwrapped first).
    pub fn from_reader(name: &str, raw: Box<dyn Read>) -> io::Result<FileReader> {
        let mut buffered: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 20, raw));
        if buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
            buffered = Box::new(BufReader::with_capacity(
                1 << 20,
                MultiGzDecoder::new(buffered),
            ));
        }
        if buffered.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
            buffered.consume(3);
        }
        let first = buffered
            .fill_buf()?
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace());
        let name = name.to_owned();
        let (shape, inner) = match first {
            Some(b'[') => (
                Shape::JsonArray,
                Inner::Array(read_array(&name, buffered)?.into_iter()),
            ),
            Some(b'{') => {
                // JSON lines, unless the whole input is one pretty-printed object (a Graph page).
                let mut text = String::new();
                let mut first_line = String::new();
                buffered.read_line(&mut first_line)?;
                if first_line.trim() == "{"
                    || serde_json::from_str::<&RawValue>(first_line.trim()).is_err()
                {
                    text.push_str(&first_line);
                    buffered.read_to_string(&mut text)?;
                    (
                        Shape::JsonArray,
                        Inner::Array(read_single(&name, &text).into_iter()),
                    )
                } else {
                    let rest = io::Cursor::new(first_line.into_bytes()).chain(buffered);
                    (
                        Shape::JsonLines,
                        Inner::Lines(Box::new(BufReader::new(rest))),
                    )
                }
            }
            _ => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(buffered);
                let headers: Vec<String> = reader
                    .headers()
                    .map_err(|e| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("{name}: not CSV, JSON or JSON lines: {e}"),
                        )
                    })?
                    .iter()
                    .map(|h| h.trim().to_owned())
                    .collect();
                let find = |names: &[&str]| {
                    headers
                        .iter()
                        .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
                };
                let audit_column = find(&["AuditData"]);
                let date_column = find(&["CreationDate", "CreationTime"]);
                if audit_column.is_none() && find(&["LastAccessed", "Operation"]).is_none() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{name}: a CSV without an AuditData column (nor Search-MailboxAuditLog columns)"
                        ),
                    ));
                }
                (
                    Shape::Csv,
                    Inner::Csv {
                        reader,
                        audit_column,
                        date_column,
                        headers,
                    },
                )
            }
        };
        Ok(FileReader {
            name,
            shape,
            inner,
            position: 0,
        })
    }

    /// The detected shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The name used in locations.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Reads up to `max` items; `None` at the end of the input.
    pub fn next_batch(&mut self, max: usize) -> io::Result<Option<Vec<Item>>> {
        let mut items = Vec::with_capacity(max.min(8192));
        while items.len() < max {
            match self.next_item()? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok((!items.is_empty()).then_some(items))
    }

    fn next_item(&mut self) -> io::Result<Option<Item>> {
        match &mut self.inner {
            Inner::Array(items) => Ok(items.next()),
            Inner::Lines(reader) => loop {
                let mut line = Vec::new();
                let n = reader
                    .by_ref()
                    .take(MAX_LINE as u64 + 1)
                    .read_until(b'\n', &mut line)?;
                if n == 0 {
                    return Ok(None);
                }
                self.position += 1;
                let source = format!("{}:line {}", self.name, self.position);
                if line.len() > MAX_LINE && !line.ends_with(b"\n") {
                    // Skip the rest of this line without holding it.
                    let mut sink = Vec::new();
                    loop {
                        sink.clear();
                        let m = reader.by_ref().take(1 << 20).read_until(b'\n', &mut sink)?;
                        if m == 0 || sink.ends_with(b"\n") {
                            break;
                        }
                    }
                    let raw = String::from_utf8_lossy(&line[..4096]).into_owned();
                    return Ok(Some(reject(
                        source,
                        format!("line longer than {MAX_LINE} bytes (first 4096 bytes kept)"),
                        raw,
                    )));
                }
                let text = match String::from_utf8(line) {
                    Ok(t) => t,
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let raw = String::from_utf8_lossy(e.as_bytes()).into_owned();
                        return Ok(Some(reject(
                            source,
                            format!("invalid UTF-8 at byte {at}"),
                            raw,
                        )));
                    }
                };
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    continue;
                }
                return Ok(Some(unwrap_document(source, trimmed, None)));
            },
            Inner::Csv {
                reader,
                audit_column,
                date_column,
                headers,
            } => {
                let mut row = csv::ByteRecord::new();
                let line = reader.position().line();
                let more = match reader.read_byte_record(&mut row) {
                    Ok(more) => more,
                    Err(e) => {
                        self.position += 1;
                        let source = format!("{}:row {} (line {})", self.name, self.position, line);
                        return Ok(Some(reject(
                            source,
                            format!("unreadable CSV row: {e}"),
                            String::new(),
                        )));
                    }
                };
                if !more {
                    return Ok(None);
                }
                self.position += 1;
                let source = format!("{}:row {} (line {})", self.name, self.position, line);
                let field =
                    |i: usize| String::from_utf8_lossy(row.get(i).unwrap_or_default()).into_owned();
                let fallback_time = date_column.map(field).filter(|d| !d.trim().is_empty());
                match audit_column {
                    Some(col) => match std::str::from_utf8(row.get(*col).unwrap_or_default()) {
                        Ok(text) if !text.trim().is_empty() => {
                            Ok(Some(unwrap_document(source, text, fallback_time)))
                        }
                        Ok(_) => Ok(Some(reject(
                            source,
                            "empty AuditData".into(),
                            row_text(&row),
                        ))),
                        Err(e) => Ok(Some(reject(
                            source,
                            format!("invalid UTF-8 in AuditData at byte {}", e.valid_up_to()),
                            row_text(&row),
                        ))),
                    },
                    None => {
                        // Search-MailboxAuditLog | Export-Csv: the row's columns as a flat object.
                        let object: serde_json::Map<String, serde_json::Value> = headers
                            .iter()
                            .enumerate()
                            .map(|(i, h)| (h.clone(), serde_json::Value::String(field(i))))
                            .collect();
                        let text = serde_json::Value::Object(object).to_string();
                        Ok(Some(Item::Document(Document {
                            source,
                            text,
                            fallback_time,
                        })))
                    }
                }
            }
        }
    }
}

fn row_text(row: &csv::ByteRecord) -> String {
    row.iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect::<Vec<_>>()
        .join(",")
}

fn reject(source: String, reason: String, raw: String) -> Item {
    Item::Rejected(RecordError {
        index: 0,
        source,
        reason,
        raw,
    })
}

/// Unwraps `{"AuditData": {...}}`, `{"AuditData": "<json>"}` and Graph's `{"auditData": {...}}`;
/// anything else is the AuditData itself.
fn unwrap_document(source: String, text: &str, fallback_time: Option<String>) -> Item {
    let wrapped = text.contains("\"AuditData\"") || text.contains("\"auditData\"");
    if wrapped {
        #[derive(serde::Deserialize)]
        struct Wrapper<'a> {
            #[serde(alias = "auditData", rename = "AuditData", borrow)]
            audit_data: Option<&'a RawValue>,
            #[serde(alias = "createdDateTime", rename = "CreationDate")]
            created: Option<String>,
        }
        if let Ok(Wrapper {
            audit_data: Some(inner),
            created,
        }) = serde_json::from_str::<Wrapper>(text)
        {
            let inner_text = match serde_json::from_str::<String>(inner.get()) {
                Ok(s) => s,
                Err(_) => inner.get().to_owned(),
            };
            return Item::Document(Document {
                source,
                text: inner_text,
                fallback_time: fallback_time.or(created),
            });
        }
    }
    Item::Document(Document {
        source,
        text: text.to_owned(),
        fallback_time,
    })
}

/// A JSON array of records (or wrapped records), read element by element.
fn read_array(name: &str, mut input: Box<dyn BufRead>) -> io::Result<Vec<Item>> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| io::Error::new(e.kind(), format!("{name}: {e}")))?;
    Ok(read_single(name, &text))
}

fn read_single(name: &str, text: &str) -> Vec<Item> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        value: Vec<&'a RawValue>,
    }
    let elements: Result<Vec<&RawValue>, _> = serde_json::from_str::<Vec<&RawValue>>(text)
        .or_else(|_| serde_json::from_str::<Page>(text).map(|p| p.value));
    match elements {
        Ok(list) => list
            .into_iter()
            .enumerate()
            .map(|(i, raw)| unwrap_document(format!("{name}:record {}", i + 1), raw.get(), None))
            .collect(),
        Err(_) => match serde_json::from_str::<&RawValue>(text) {
            Ok(one) => vec![unwrap_document(format!("{name}:record 1"), one.get(), None)],
            Err(e) => vec![reject(
                format!("{name}:line {}", e.line()),
                format!("not valid JSON: {e}"),
                text.chars().take(4096).collect(),
            )],
        },
    }
}
