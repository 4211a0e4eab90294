//! auditsift: a fast, tolerant reader of Microsoft 365 audit records.
//!
//! The crate is laid out the way an investigation flows:
//!
//! * [`record`]: one normalized [`AuditRecord`] parsed from an AuditData JSON document, tolerant of
//!   every variant seen in real exports;
//! * [`time`] and [`ip`]: the two value types that need care (UTC times in many spellings, client
//!   addresses with ports, brackets and mapped forms);
//! * [`filter`]: which records an investigator wants, with a byte prefilter that skips documents
//!   that cannot match before they are parsed;
//! * [`batch`]: parsing many documents at once, accounting for every one of them, and collecting
//!   matches de-duplicated and in time order;
//! * [`session`]: the session inventory;
//! * [`mailaccess`]: MailItemsAccessed exposure and pivots between sessions, IPs and messages;
//! * [`input`]: file readers (Purview CSV, JSON, JSON lines, gzip) and flat
//!   Search-MailboxAuditLog records;
//! * [`output`]: writers for tables, CSV and JSON lines, safe against hostile strings;
//! * [`report`]: the self-contained HTML report;
//! * [`ffi`]: the C ABI used by the PowerShell module and any other host.

#![warn(missing_docs)]

pub mod batch;
pub mod ffi;
pub mod filter;
pub mod input;
pub mod ip;
pub mod mailaccess;
pub mod output;
pub mod record;
pub mod report;
pub mod session;
pub mod time;

pub use batch::{Collector, ParseOutcome, RecordError, Tally};
pub use filter::Filter;
pub use record::{AuditRecord, parse_record};
pub use session::SessionInventory;
