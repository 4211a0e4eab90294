//! MailItemsAccessed: which mail was seen, and where the evidence has holes; pivots between
//! Entra ID sessions, Exchange sessions, messages and addresses.
//!
//! * [`exposure`]: per mailbox and access context, the folders synced, the messages bound, the
//!   binds that were not itemized, and the 24-hour holes that throttling leaves.
//! * [`pivot`]: from an Entra ID session, a message id or an address to the sessions, contexts
//!   and records connected with it.
//! * [`context`]: the access context (SessionId, client address, ClientInfoString, LogonType,
//!   user) that Exchange aggregates MailItemsAccessed records by.

pub mod context;
pub mod exposure;
pub mod pivot;

pub use context::AccessContext;
pub use exposure::{
    Added, BoundMessage, ContextExposure, Exposure, ExposureBuilder, ExposureTotals,
    FolderExposure, MailboxExposure, SyncEvent, THROTTLE_HOLE, ThrottleWindow, UnitemizedBind,
};
pub use pivot::{MessageAccess, Pivot, PivotQuery, PivotResult};
