//! Pivots: from one thing an investigator knows to everything connected with it.
//!
//! * An Entra ID session (`AppAccessContext.AADSessionId`, or a sign-in's `DeviceProperties`
//!   `SessionId`) to the Exchange sessions it carried and the records of other workloads
//!   (sign-ins, SharePoint and OneDrive file access) made in it.
//! * A message (`InternetMessageId`) to every session and context that touched it: binds,
//!   moves, deletes, sends.
//! * A client address to the sessions that used it.
//!
//! Kinds given together are OR-ed: a record matches when it matches any of them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::context::{AccessContext, ContextKey};
use crate::batch::{Collected, Deduper, sort_by_time};
use crate::filter::FilterSpec;
use crate::ip::comparable_address;
use crate::record::AuditRecord;
use crate::session::{SessionInventory, SessionSummary};

/// What a pivot starts from. Empty lists are not used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PivotQuery {
    /// Entra ID session ids.
    pub aad_session_ids: Vec<String>,
    /// `InternetMessageId`s, with or without their angle brackets.
    pub message_ids: Vec<String>,
    /// Client addresses, with or without a port.
    pub ips: Vec<String>,
}

impl PivotQuery {
    /// True when the query names nothing (blank entries name nothing).
    pub fn is_empty(&self) -> bool {
        !names_any(&self.aad_session_ids) && !names_any(&self.message_ids) && !names_any(&self.ips)
    }

    /// The filter to parse the input with for this pivot, from the other filters in `base`. The
    /// pivot matches its keys itself (OR-ed across kinds), so `base`'s Entra session ids and
    /// addresses give way; Entra session ids alone also let documents without their bytes be
    /// skipped before they are parsed.
    pub fn parse_spec(&self, mut base: FilterSpec) -> FilterSpec {
        base.aad_session_ids.clear();
        base.ips.clear();
        if !names_any(&self.message_ids) && !names_any(&self.ips) {
            base.aad_session_ids = self.aad_session_ids.clone();
        }
        base
    }
}

/// True when a list of keys has one that is not blank.
fn names_any(keys: &[String]) -> bool {
    keys.iter().any(|k| !k.trim().is_empty())
}

/// How one context touched one message.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageAccess {
    /// The `InternetMessageId` as the records wrote it.
    pub internet_message_id: String,
    /// Who, from where, with what.
    pub context: AccessContext,
    /// Earliest record.
    pub first_seen: Option<DateTime<Utc>>,
    /// Latest record.
    pub last_seen: Option<DateTime<Utc>>,
    /// Records of this context that name the message.
    pub records: u64,
    /// Operations with their record counts (`MailItemsAccessed`, `HardDelete`, `Send`...).
    pub operations: BTreeMap<String, u64>,
}

/// What a pivot found.
#[derive(Debug, Default)]
pub struct PivotResult {
    /// The sessions of the matching records (the group without a SessionId kept).
    pub sessions: Vec<SessionSummary>,
    /// For message ids: each message and context that touched it, by message then first access.
    pub message_accesses: Vec<MessageAccess>,
    /// The matching records in time order, de-duplicated.
    pub records: Vec<Collected>,
    /// Matching records that repeated an earlier `Id`.
    pub duplicates: u64,
}

/// Follows a [`PivotQuery`] over records.
#[derive(Debug)]
pub struct Pivot {
    aad_session_ids: Vec<String>,
    /// Message ids without angle brackets, lower case.
    message_ids: Vec<String>,
    ips: Vec<String>,
    dedupe: Deduper,
    inventory: SessionInventory,
    accesses: HashMap<(String, ContextKey), MessageAccess>,
    records: Vec<Collected>,
    duplicates: u64,
}

/// A message id without surrounding white space and angle brackets, lower case.
fn message_key(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    id.to_ascii_lowercase()
}

impl Pivot {
    /// A pivot following `query`; blank entries are ignored.
    pub fn new(query: &PivotQuery) -> Pivot {
        let clean = |list: &[String], f: fn(&str) -> String| -> Vec<String> {
            list.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(f)
                .collect()
        };
        Pivot {
            aad_session_ids: clean(&query.aad_session_ids, str::to_ascii_lowercase),
            message_ids: clean(&query.message_ids, message_key),
            ips: clean(&query.ips, comparable_address),
            dedupe: Deduper::default(),
            inventory: SessionInventory::new(),
            accesses: HashMap::new(),
            records: Vec::new(),
            duplicates: 0,
        }
    }

    /// The message ids of the query that the record names, as the record wrote them.
    fn named_messages<'r>(&self, r: &'r AuditRecord<'_>) -> Vec<&'r str> {
        if self.message_ids.is_empty() {
            return Vec::new();
        }
        let items = r
            .items
            .iter()
            .filter_map(|i| i.internet_message_id.as_deref());
        let listed = r
            .folders
            .iter()
            .flat_map(|f| f.message_ids.iter().map(|m| &**m));
        let mut named: Vec<&str> = items
            .chain(listed)
            .filter(|id| self.message_ids.contains(&message_key(id)))
            .collect();
        named.sort_unstable();
        named.dedup();
        named
    }

    /// True when the record matches any kind of the query.
    fn matches(&self, r: &AuditRecord<'_>, named: &[&str]) -> bool {
        let aad = r.aad_session_id.as_deref().is_some_and(|id| {
            self.aad_session_ids
                .iter()
                .any(|w| w.eq_ignore_ascii_case(id))
        });
        let ip = !self.ips.is_empty()
            && [r.client_ip.as_deref(), r.client_ip_address.as_deref()]
                .into_iter()
                .flatten()
                .any(|text| self.ips.contains(&comparable_address(text)));
        aad || ip || !named.is_empty()
    }

    /// Adds one record; `origin` is its position in the input. Returns true when it matched
    /// and was new.
    pub fn add(&mut self, r: &AuditRecord<'_>, origin: u64) -> bool {
        let named = self.named_messages(r);
        if !self.matches(r, &named) {
            return false;
        }
        if !self.dedupe.first_time(r) {
            self.duplicates += 1;
            return false;
        }
        self.inventory.add(r);
        if !named.is_empty() {
            let (context, key) = AccessContext::of(r);
            let operation = r.operation.as_deref().unwrap_or("").to_owned();
            for id in named {
                let access = self
                    .accesses
                    .entry((message_key(id), key.clone()))
                    .or_insert_with(|| MessageAccess {
                        internet_message_id: id.to_owned(),
                        context: context.clone(),
                        first_seen: None,
                        last_seen: None,
                        records: 0,
                        operations: BTreeMap::new(),
                    });
                if let Some(t) = r.creation_time {
                    access.first_seen = Some(access.first_seen.map_or(t, |f| f.min(t)));
                    access.last_seen = Some(access.last_seen.map_or(t, |l| l.max(t)));
                }
                access.records += 1;
                *access.operations.entry(operation.clone()).or_insert(0) += 1;
            }
        }
        self.records.push(Collected {
            origin,
            record: r.clone().into_owned(),
        });
        true
    }

    /// What was found.
    pub fn finish(mut self) -> PivotResult {
        sort_by_time(&mut self.records);
        let mut accesses: Vec<MessageAccess> = self.accesses.into_values().collect();
        accesses.sort_by(|a, b| {
            (
                message_key(&a.internet_message_id),
                a.first_seen.is_none(),
                a.first_seen,
            )
                .cmp(&(
                    message_key(&b.internet_message_id),
                    b.first_seen.is_none(),
                    b.first_seen,
                ))
                .then_with(|| a.context.to_string().cmp(&b.context.to_string()))
        });
        PivotResult {
            sessions: self.inventory.sessions().into_iter().cloned().collect(),
            message_accesses: accesses,
            records: self.records,
            duplicates: self.duplicates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn blank_keys_name_nothing() {
        let blank = PivotQuery {
            aad_session_ids: vec!["  ".into()],
            message_ids: vec![String::new()],
            ips: vec![],
        };
        assert!(blank.is_empty());
        let aad_only = PivotQuery {
            aad_session_ids: vec!["a1".into()],
            ..blank.clone()
        };
        assert!(!aad_only.is_empty());
        // Blank message ids do not stop the Entra id from narrowing the parse.
        assert_eq!(
            aad_only.parse_spec(FilterSpec::default()).aad_session_ids,
            ["a1"]
        );
    }

    #[test]
    fn message_ids_match_with_or_without_brackets_and_case() {
        let pivot = Pivot::new(&PivotQuery {
            message_ids: vec![" a1@Contoso.com ".into()],
            ..PivotQuery::default()
        });
        let r = parse_record(
            r#"{"Operation":"HardDelete","AffectedItems":[{"InternetMessageId":"<A1@contoso.com>"},{"InternetMessageId":"<B2@contoso.com>"}]}"#,
        )
        .unwrap();
        assert_eq!(pivot.named_messages(&r), ["<A1@contoso.com>"]);
    }
}
