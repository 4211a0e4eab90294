//! Which mail was exposed, per mailbox and per access context.
//!
//! [`ExposureBuilder`] takes records one at a time (from any number of batches, in any order,
//! de-duplicated by `Id`) and [`ExposureBuilder::finish`] gives an [`Exposure`]:
//!
//! * **Sync** records: a client downloaded a whole folder. Each is a [`SyncEvent`]; the folder
//!   counts as fully exposed from that time on.
//! * **Bind** records: single messages, listed by `InternetMessageId` in `Folders[].FolderItems`.
//!   Each unique message becomes a [`BoundMessage`] with its first and last access, how often its
//!   id was listed, and every context and session that read it. `OperationCount` counts the binds a
//!   record aggregates; when it exceeds the listed messages the rest are reported as
//!   [`UnitemizedBind`]s rather than guessed. Exchange also drops repeated binds of a message in
//!   the same context within an hour, so access counts are lower bounds.
//! * **Throttling**: a record with `IsThrottled` = True means Bind auditing of that mailbox
//!   stopped for 24 hours. Each opens a [`ThrottleWindow`] (overlapping ones are merged): a hole
//!   in the evidence, where every message must be assumed read. Sessions active in the mailbox
//!   during a hole are flagged.
//!
//! The scope (a [`Filter`]: sessions, users, addresses, time) selects the records whose accesses
//! count. Throttling is a fact about the mailbox, not about one session, so throttled records of
//! the scoped users count whatever their session, address or time: use
//! [`ExposureBuilder::parse_filter`] to read the input.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use super::context::{AccessContext, ContextKey};
use crate::batch::Deduper;
use crate::filter::{Filter, FilterSpec};
use crate::record::{AuditRecord, MailAccessType};

/// How long Bind auditing stops after a throttled record.
pub const THROTTLE_HOLE: TimeDelta = TimeDelta::hours(24);

/// Counts of what was exposed, for one context, one mailbox, or everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExposureTotals {
    /// MailItemsAccessed records counted.
    pub records: u64,
    /// Sync records (whole folders).
    pub syncs: u64,
    /// Binds: the sum of `OperationCount` (or of the listed messages where that is larger).
    pub binds: u64,
    /// Unique messages listed by Bind records.
    pub messages: u64,
    /// Distinct folders synced or bound in.
    pub folders: u64,
    /// Binds beyond the listed messages (`OperationCount` minus listed, where positive).
    pub unitemized_binds: u64,
}

/// One context's part of a mailbox's exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextExposure {
    /// Who, from where, with what.
    pub context: AccessContext,
    /// Earliest MailItemsAccessed record in this context.
    pub first_seen: Option<DateTime<Utc>>,
    /// Latest MailItemsAccessed record in this context.
    pub last_seen: Option<DateTime<Utc>>,
    /// What this context accessed.
    pub totals: ExposureTotals,
    /// True when this context's session was active while Bind auditing of the mailbox was
    /// throttled.
    pub during_throttling: bool,
    /// The messages this context bound, with this context's accesses only.
    pub messages: Vec<BoundMessage>,
}

/// A folder downloaded by a Sync.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncEvent {
    /// The folder path (`\Inbox`); `None` when the record named none.
    pub folder: Option<String>,
    /// When.
    pub time: Option<DateTime<Utc>>,
    /// Index into [`MailboxExposure::contexts`].
    pub context: usize,
    /// The record's `Id`.
    pub record_id: Option<String>,
}

/// A message read by Bind, over every record that listed it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundMessage {
    /// `InternetMessageId`.
    pub internet_message_id: String,
    /// The folders it was listed in (usually one).
    pub folders: Vec<String>,
    /// Earliest listing record.
    pub first_access: Option<DateTime<Utc>>,
    /// Latest listing record.
    pub last_access: Option<DateTime<Utc>>,
    /// How many times its id was listed (a lower bound of the reads).
    pub accesses: u64,
    /// Indexes into [`MailboxExposure::contexts`] of the contexts that read it.
    pub contexts: Vec<usize>,
    /// The `SessionId`s that read it.
    pub sessions: Vec<String>,
    /// True when one of its folders had been synced at or before its last access: the message
    /// was exposed by that Sync anyway.
    pub in_synced_folder: bool,
}

/// A folder's exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderExposure {
    /// The folder path.
    pub path: String,
    /// The first Sync of it; from then on every item in it counts as exposed.
    pub first_sync: Option<DateTime<Utc>>,
    /// Sync records of it.
    pub syncs: u64,
    /// Unique messages bound in it.
    pub bound_messages: u64,
}

/// A Bind record whose `OperationCount` exceeds the messages it lists.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitemizedBind {
    /// The record's `Id`.
    pub record_id: Option<String>,
    /// When.
    pub time: Option<DateTime<Utc>>,
    /// Index into [`MailboxExposure::contexts`].
    pub context: usize,
    /// `OperationCount`.
    pub operation_count: u64,
    /// Messages listed.
    pub listed: u64,
}

/// A hole in the evidence: Bind auditing of a mailbox stopped after a throttled record.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleWindow {
    /// The first throttled record's time; `None` for a throttled record without a time (its
    /// window cannot be placed).
    pub start: Option<DateTime<Utc>>,
    /// 24 hours after the last throttled record of the window.
    pub end: Option<DateTime<Utc>>,
    /// The `Id`s of the throttled records in this window.
    pub record_ids: Vec<String>,
    /// Throttled records in this window (some may have no `Id`).
    pub records: u64,
    /// The sessions active in the mailbox during the window (`None`: records without a
    /// SessionId), from the records in scope.
    pub sessions: Vec<Option<String>>,
}

/// One mailbox's exposure.
#[derive(Debug, Clone, PartialEq)]
pub struct MailboxExposure {
    /// `MailboxOwnerUPN` (or the acting `UserId` when a record has no owner).
    pub mailbox: String,
    /// Every context that accessed mail, by first access.
    pub contexts: Vec<ContextExposure>,
    /// Folders synced or bound in, by path.
    pub folders: Vec<FolderExposure>,
    /// Every Sync, in time order.
    pub syncs: Vec<SyncEvent>,
    /// Every bound message, by `InternetMessageId`.
    pub messages: Vec<BoundMessage>,
    /// Bind records with more binds than listed messages, in time order.
    pub unitemized_binds: Vec<UnitemizedBind>,
    /// Holes in the evidence, in time order.
    pub throttled: Vec<ThrottleWindow>,
    /// Over all contexts.
    pub totals: ExposureTotals,
}

/// The exposure of every mailbox in scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposure {
    /// Mailboxes, by name.
    pub mailboxes: Vec<MailboxExposure>,
    /// Over all mailboxes.
    pub totals: ExposureTotals,
    /// Records given to the builder that were repeats of an earlier `Id`.
    pub duplicates: u64,
}

impl Exposure {
    /// True when any mailbox has a hole in its evidence.
    pub fn has_throttling(&self) -> bool {
        self.mailboxes.iter().any(|m| !m.throttled.is_empty())
    }
}

/// What [`ExposureBuilder::add`] did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// In scope: counted.
    InScope,
    /// Out of scope, but a throttled record of a scoped user: its hole counts.
    ThrottlingOnly,
    /// Out of scope.
    OutOfScope,
    /// A repeat of an earlier record's `Id`.
    Duplicate,
}

/// Builds an [`Exposure`] from records.
#[derive(Debug, Clone)]
pub struct ExposureBuilder {
    scope: Filter,
    users: Filter,
    dedupe: Deduper,
    mailboxes: HashMap<String, MailboxState>,
    duplicates: u64,
}

impl ExposureBuilder {
    /// A builder counting the accesses of the records `scope` matches.
    pub fn new(scope: Filter) -> ExposureBuilder {
        let users = Filter::new(FilterSpec {
            users: scope.spec().users.clone(),
            ..FilterSpec::default()
        });
        ExposureBuilder {
            scope,
            users,
            dedupe: Deduper::default(),
            mailboxes: HashMap::new(),
            duplicates: 0,
        }
    }

    /// The filter to read the input with: the scope, widened to the throttled MailItemsAccessed
    /// records of the scoped users (see the module documentation).
    pub fn parse_filter(&self) -> Filter {
        let mut spec = self.scope.spec().clone();
        spec.keep_throttled = true;
        Filter::new(spec)
    }

    /// Adds one record.
    pub fn add(&mut self, r: &AuditRecord<'_>) -> Added {
        let in_scope = self.scope.matches(r);
        let throttled =
            r.is_mail_items_accessed() && r.is_throttled == Some(true) && self.users.matches(r);
        if !in_scope && !throttled {
            return Added::OutOfScope;
        }
        if !self.dedupe.first_time(r) {
            self.duplicates += 1;
            return Added::Duplicate;
        }
        let Some(mailbox) = r.mailbox() else {
            return if in_scope {
                Added::InScope
            } else {
                Added::ThrottlingOnly
            };
        };
        let state = self
            .mailboxes
            .entry(mailbox.to_ascii_lowercase())
            .or_insert_with(|| MailboxState::new(mailbox));
        if throttled {
            state
                .throttled
                .push((r.creation_time, r.id.as_deref().map(str::to_owned)));
        }
        if !in_scope {
            return Added::ThrottlingOnly;
        }
        if is_mailbox_activity(r) {
            state.activity(r);
        }
        if r.is_mail_items_accessed() {
            state.access(r);
        }
        Added::InScope
    }

    /// The exposure of every mailbox with accesses in scope, or with sessions in scope that were
    /// active during a hole in its evidence.
    pub fn finish(self) -> Exposure {
        let mut mailboxes: Vec<MailboxExposure> = self
            .mailboxes
            .into_values()
            .filter_map(MailboxState::finish)
            .collect();
        mailboxes.sort_by(|a, b| {
            a.mailbox
                .to_ascii_lowercase()
                .cmp(&b.mailbox.to_ascii_lowercase())
        });
        let mut totals = ExposureTotals::default();
        for m in &mailboxes {
            totals.add(&m.totals);
            totals.messages += m.totals.messages;
            totals.folders += m.totals.folders;
        }
        Exposure {
            mailboxes,
            totals,
            duplicates: self.duplicates,
        }
    }
}

impl ExposureTotals {
    /// Adds the counts that sum (records, syncs, binds, unitemized binds); unique messages and
    /// folders are counted by their owner.
    fn add(&mut self, other: &ExposureTotals) {
        self.records += other.records;
        self.syncs += other.syncs;
        self.binds += other.binds;
        self.unitemized_binds += other.unitemized_binds;
    }
}

/// True for records of mailbox activity (which place a session in the mailbox): Exchange
/// records, not sign-ins or SharePoint.
fn is_mailbox_activity(r: &AuditRecord<'_>) -> bool {
    r.mailbox_owner_upn.is_some()
        || r.is_mail_items_accessed()
        || r.workload
            .as_deref()
            .is_some_and(|w| w.eq_ignore_ascii_case("Exchange"))
}

fn widen(span: &mut (Option<DateTime<Utc>>, Option<DateTime<Utc>>), t: Option<DateTime<Utc>>) {
    if let Some(t) = t {
        span.0 = Some(span.0.map_or(t, |f| f.min(t)));
        span.1 = Some(span.1.map_or(t, |l| l.max(t)));
    }
}

/// A mailbox while records are added.
#[derive(Debug, Clone)]
struct MailboxState {
    name: String,
    contexts: Vec<ContextState>,
    context_index: HashMap<ContextKey, usize>,
    syncs: Vec<SyncEvent>,
    messages: HashMap<String, MessageState>,
    unitemized: Vec<UnitemizedBind>,
    /// Throttled records: time and `Id`.
    throttled: Vec<(Option<DateTime<Utc>>, Option<String>)>,
    /// Sessions active in the mailbox (lower-cased id, or `None`): display id and time span.
    sessions: HashMap<Option<String>, SessionSpan>,
}

#[derive(Debug, Clone)]
struct ContextState {
    context: AccessContext,
    span: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    totals: ExposureTotals,
    messages: HashMap<String, MessageState>,
    folders: HashSet<String>,
}

/// A bound message while records are added (over a mailbox, or one context).
#[derive(Debug, Default, Clone)]
struct MessageState {
    folders: BTreeSet<String>,
    span: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    accesses: u64,
    contexts: BTreeSet<usize>,
    /// Lower-cased id to the id as first written.
    sessions: BTreeMap<String, String>,
}

impl MessageState {
    /// One listing of the message.
    fn note(
        &mut self,
        folder: Option<&str>,
        time: Option<DateTime<Utc>>,
        context: usize,
        session: Option<&str>,
    ) {
        if let Some(path) = folder {
            self.folders.insert(path.to_owned());
        }
        widen(&mut self.span, time);
        self.accesses += 1;
        self.contexts.insert(context);
        if let Some(s) = session {
            self.sessions
                .entry(s.to_ascii_lowercase())
                .or_insert_with(|| s.to_owned());
        }
    }

    /// The finished message; `synced` tells whether a folder had been synced by a time.
    fn finish(
        self,
        id: String,
        synced: &dyn Fn(&str, Option<DateTime<Utc>>) -> bool,
    ) -> BoundMessage {
        BoundMessage {
            internet_message_id: id,
            in_synced_folder: self.folders.iter().any(|f| synced(f, self.span.1)),
            folders: self.folders.into_iter().collect(),
            first_access: self.span.0,
            last_access: self.span.1,
            accesses: self.accesses,
            contexts: self.contexts.into_iter().collect(),
            sessions: self.sessions.into_values().collect(),
        }
    }
}

/// Messages by `InternetMessageId`.
fn finish_messages(
    messages: HashMap<String, MessageState>,
    synced: &dyn Fn(&str, Option<DateTime<Utc>>) -> bool,
) -> Vec<BoundMessage> {
    let mut out: Vec<BoundMessage> = messages
        .into_iter()
        .map(|(id, m)| m.finish(id, synced))
        .collect();
    out.sort_by(|a, b| a.internet_message_id.cmp(&b.internet_message_id));
    out
}

#[derive(Debug, Clone)]
struct SessionSpan {
    id: Option<String>,
    span: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
}

impl MailboxState {
    fn new(name: &str) -> MailboxState {
        MailboxState {
            name: name.to_owned(),
            contexts: Vec::new(),
            context_index: HashMap::new(),
            syncs: Vec::new(),
            messages: HashMap::new(),
            unitemized: Vec::new(),
            throttled: Vec::new(),
            sessions: HashMap::new(),
        }
    }

    /// Places the record's session in the mailbox at the record's time.
    fn activity(&mut self, r: &AuditRecord<'_>) {
        let key = r.session_id.as_deref().map(str::to_ascii_lowercase);
        let session = self.sessions.entry(key).or_insert_with(|| SessionSpan {
            id: r.session_id.as_deref().map(str::to_owned),
            span: (None, None),
        });
        widen(&mut session.span, r.creation_time);
    }

    /// Counts one MailItemsAccessed record.
    fn access(&mut self, r: &AuditRecord<'_>) {
        let (context, key) = AccessContext::of(r);
        let next = self.contexts.len();
        let index = *self.context_index.entry(key).or_insert(next);
        if index == next {
            self.contexts.push(ContextState {
                context,
                span: (None, None),
                totals: ExposureTotals::default(),
                messages: HashMap::new(),
                folders: HashSet::new(),
            });
        }
        let ctx = &mut self.contexts[index];
        widen(&mut ctx.span, r.creation_time);
        ctx.totals.records += 1;
        let record_id = r.id.as_deref().map(str::to_owned);
        let listed: u64 = r.folders.iter().map(|f| f.message_ids.len() as u64).sum();
        let kind = r
            .mail_access_type
            .or((listed > 0).then_some(MailAccessType::Bind));
        match kind {
            Some(MailAccessType::Sync) => {
                let folders: Vec<Option<String>> = if r.folders.is_empty() {
                    vec![None]
                } else {
                    r.folders
                        .iter()
                        .map(|f| f.path.as_deref().map(str::to_owned))
                        .collect()
                };
                for folder in folders {
                    ctx.totals.syncs += 1;
                    if let Some(path) = &folder {
                        ctx.folders.insert(path.clone());
                    }
                    self.syncs.push(SyncEvent {
                        folder,
                        time: r.creation_time,
                        context: index,
                        record_id: record_id.clone(),
                    });
                }
            }
            Some(MailAccessType::Bind) => {
                let count = r.operation_count.unwrap_or(listed).max(listed);
                ctx.totals.binds += count;
                if count > listed {
                    ctx.totals.unitemized_binds += count - listed;
                    self.unitemized.push(UnitemizedBind {
                        record_id: record_id.clone(),
                        time: r.creation_time,
                        context: index,
                        operation_count: count,
                        listed,
                    });
                }
                for folder in &r.folders {
                    if let Some(path) = folder.path.as_deref() {
                        ctx.folders.insert(path.to_owned());
                    }
                    for id in &folder.message_ids {
                        let id = id.trim();
                        if id.is_empty() {
                            continue;
                        }
                        let path = folder.path.as_deref();
                        let session = r.session_id.as_deref();
                        for map in [&mut ctx.messages, &mut self.messages] {
                            let m = map.entry(id.to_owned()).or_default();
                            m.note(path, r.creation_time, index, session);
                        }
                    }
                }
            }
            // A MailItemsAccessed record that says neither and lists nothing: counted only.
            None => {}
        }
    }

    /// The mailbox's exposure; `None` when nothing in scope touched it.
    fn finish(self) -> Option<MailboxExposure> {
        let mut sessions: Vec<SessionSpan> = self.sessions.into_values().collect();
        sessions.sort_by(|a, b| (a.span.0, &a.id).cmp(&(b.span.0, &b.id)));
        let throttled = merge_windows(self.throttled, &sessions);
        if self.contexts.is_empty() && throttled.iter().all(|w| w.sessions.is_empty()) {
            return None;
        }

        let mut syncs = self.syncs;
        syncs.sort_by(|a, b| (a.time, &a.record_id).cmp(&(b.time, &b.record_id)));
        let mut folders: BTreeMap<String, FolderExposure> = BTreeMap::new();
        for s in &syncs {
            if let Some(path) = &s.folder {
                let f = folder_entry(&mut folders, path);
                f.syncs += 1;
                f.first_sync = match (f.first_sync, s.time) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        let synced_by = |path: &str, last: Option<DateTime<Utc>>| {
            syncs.iter().any(|s| {
                s.folder.as_deref() == Some(path)
                    && match (s.time, last) {
                        (Some(synced), Some(read)) => synced <= read,
                        _ => true,
                    }
            })
        };
        let mut messages = finish_messages(self.messages, &synced_by);
        for m in &messages {
            for path in &m.folders {
                folder_entry(&mut folders, path).bound_messages += 1;
            }
        }

        // A context was active during a hole when its session was (any record of it, since its
        // binds in the hole went unrecorded).
        let flagged: HashSet<Option<String>> = throttled
            .iter()
            .flat_map(|w| &w.sessions)
            .map(|s| s.as_deref().map(str::to_ascii_lowercase))
            .collect();
        let during_throttling = |c: &ContextState| {
            flagged.contains(&c.context.session_id.as_deref().map(str::to_ascii_lowercase))
                || throttled.iter().any(|w| overlaps(w, &c.span))
        };
        let mut totals = ExposureTotals::default();
        let mut contexts: Vec<ContextExposure> = self
            .contexts
            .into_iter()
            .map(|c| {
                let mut t = c.totals;
                t.messages = c.messages.len() as u64;
                t.folders = c.folders.len() as u64;
                totals.add(&t);
                ContextExposure {
                    during_throttling: during_throttling(&c),
                    context: c.context,
                    first_seen: c.span.0,
                    last_seen: c.span.1,
                    totals: t,
                    messages: finish_messages(c.messages, &synced_by),
                }
            })
            .collect();
        totals.messages = messages.len() as u64;
        totals.folders = folders.len() as u64;

        // Contexts by first access; indexes held elsewhere are renumbered to match.
        let mut order: Vec<usize> = (0..contexts.len()).collect();
        order.sort_by(|&a, &b| {
            (contexts[a].first_seen.is_none(), contexts[a].first_seen, a).cmp(&(
                contexts[b].first_seen.is_none(),
                contexts[b].first_seen,
                b,
            ))
        });
        let mut renumber = vec![0; contexts.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        let mut slots: Vec<Option<ContextExposure>> = contexts.drain(..).map(Some).collect();
        contexts = order.iter().filter_map(|&old| slots[old].take()).collect();
        for s in &mut syncs {
            s.context = renumber[s.context];
        }
        let context_messages = contexts.iter_mut().flat_map(|c| c.messages.iter_mut());
        for m in messages.iter_mut().chain(context_messages) {
            for c in &mut m.contexts {
                *c = renumber[*c];
            }
            m.contexts.sort_unstable();
        }
        let mut unitemized = self.unitemized;
        for u in &mut unitemized {
            u.context = renumber[u.context];
        }
        unitemized.sort_by(|a, b| (a.time, &a.record_id).cmp(&(b.time, &b.record_id)));

        Some(MailboxExposure {
            mailbox: self.name,
            contexts,
            folders: folders.into_values().collect(),
            syncs,
            messages,
            unitemized_binds: unitemized,
            throttled,
            totals,
        })
    }
}

/// The folder's entry, made empty on first use.
fn folder_entry<'f>(
    folders: &'f mut BTreeMap<String, FolderExposure>,
    path: &str,
) -> &'f mut FolderExposure {
    folders
        .entry(path.to_owned())
        .or_insert_with(|| FolderExposure {
            path: path.to_owned(),
            first_sync: None,
            syncs: 0,
            bound_messages: 0,
        })
}

/// True when a time span (first, last) meets a window.
fn overlaps(w: &ThrottleWindow, span: &(Option<DateTime<Utc>>, Option<DateTime<Utc>>)) -> bool {
    match (w.start, w.end, span.0, span.1) {
        (Some(start), Some(end), Some(first), Some(last)) => first < end && last >= start,
        _ => false,
    }
}

/// Throttled records to windows of [`THROTTLE_HOLE`], overlapping ones merged, each with the
/// sessions active during it.
fn merge_windows(
    mut records: Vec<(Option<DateTime<Utc>>, Option<String>)>,
    sessions: &[SessionSpan],
) -> Vec<ThrottleWindow> {
    records.sort();
    let mut windows: Vec<ThrottleWindow> = Vec::new();
    for (time, id) in records {
        let ids: Vec<String> = id.into_iter().collect();
        match (time, windows.last_mut()) {
            (Some(t), Some(w)) if w.end.is_some_and(|end| t <= end) => {
                w.end = w.end.max(Some(t + THROTTLE_HOLE));
                w.record_ids.extend(ids);
                w.records += 1;
            }
            _ => windows.push(ThrottleWindow {
                start: time,
                end: time.map(|t| t + THROTTLE_HOLE),
                record_ids: ids,
                records: 1,
                sessions: Vec::new(),
            }),
        }
    }
    for w in &mut windows {
        let (Some(start), Some(end)) = (w.start, w.end) else {
            continue;
        };
        w.sessions = sessions
            .iter()
            .filter(|s| s.span.0.is_some_and(|first| first < end))
            .filter(|s| s.span.1.is_some_and(|last| last >= start))
            .map(|s| s.id.clone())
            .collect();
    }
    // Windows without a time cannot be placed: they come last.
    windows.sort_by_key(|w| (w.start.is_none(), w.start));
    windows
}
