//! Writers for records and sessions: JSON lines, CSV and tables, safe against hostile strings.
//!
//! Subjects, rule names and folder names are chosen by whoever controls the mailbox. CSV cells
//! that a spreadsheet would run as formulas get a leading `'` ([`csv_cell`]); table cells have
//! control characters, terminal escapes and bidirectional overrides made visible
//! ([`table_cell`]); JSON escapes everything by construction. [`RecordJson`] and
//! [`SessionJson`] give the JSON forms, with AuditData's own field names, for other writers to
//! reuse.

pub mod exposure;
pub mod jsonl;
pub mod records;
pub mod sanitize;
pub mod sessions;
pub mod table;

pub use exposure::{write_exposure, write_message_accesses};
pub use jsonl::{RecordJson, SessionJson, write_record_jsonl};
pub use records::RecordWriter;
pub use sanitize::{csv_cell, table_cell};
pub use sessions::write_sessions;
pub use table::Table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// CSV with a header row, formula-safe.
    Csv,
    /// One JSON object per line.
    Jsonl,
}
