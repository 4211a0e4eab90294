//! Where a document sits in its file: `line N`, `row N (line L)`, `record N (line L)`.

use std::fmt;

/// How a file counts its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// JSON lines: `line N`.
    Line,
    /// CSV: `row N (line L)`, N counting data rows from 1 (the header is not a row).
    Row,
    /// JSON array or concatenated JSON values: `record N (line L)`.
    Record,
}

/// Where a document sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// How the file counts.
    pub unit: Unit,
    /// The line, row or record number (1-based).
    pub number: u64,
    /// The line the document starts on (1-based).
    pub line: u64,
    /// The 1-based position inside a Graph response page (`{"value": [...]}`); 0 otherwise.
    pub element: u32,
}

impl Location {
    /// A JSON line.
    pub fn line(line: u64) -> Location {
        Location {
            unit: Unit::Line,
            number: line,
            line,
            element: 0,
        }
    }

    /// A CSV data row starting on `line`.
    pub fn row(row: u64, line: u64) -> Location {
        Location {
            unit: Unit::Row,
            number: row,
            line,
            element: 0,
        }
    }

    /// A JSON record starting on `line`.
    pub fn record(record: u64, line: u64) -> Location {
        Location {
            unit: Unit::Record,
            number: record,
            line,
            element: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            Unit::Line => write!(f, "line {}", self.number)?,
            Unit::Row => write!(f, "row {} (line {})", self.number, self.line)?,
            Unit::Record => write!(f, "record {} (line {})", self.number, self.line)?,
        }
        if self.element > 0 {
            write!(f, ", element {}", self.element)?;
        }
        Ok(())
    }
}
