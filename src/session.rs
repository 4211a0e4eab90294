//! The session inventory: what each Exchange session did, at a glance.
//!
//! Records are grouped by `SessionId` (compared case-insensitively); records without one (basic
//! auth, other workloads) form their own group instead of being dropped.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::record::AuditRecord;

/// One session's summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionSummary {
    /// The `SessionId` as first seen; `None` for the group of records without one.
    pub session_id: Option<String>,
    /// Earliest `CreationTime`.
    pub first_seen: Option<DateTime<Utc>>,
    /// Latest `CreationTime`.
    pub last_seen: Option<DateTime<Utc>>,
    /// Number of records.
    pub records: u64,
    /// Acting users (`UserId`).
    pub users: BTreeSet<String>,
    /// Mailboxes touched (`MailboxOwnerUPN`).
    pub mailbox_owners: BTreeSet<String>,
    /// Client addresses (bare address, or the text when it is not an address).
    pub client_ips: BTreeSet<String>,
    /// `ClientInfoString`s.
    pub client_info_strings: BTreeSet<String>,
    /// `AADSessionId`s seen with this session.
    pub aad_session_ids: BTreeSet<String>,
    /// Operations with their record counts.
    pub operations: BTreeMap<String, u64>,
}

impl SessionSummary {
    fn add(&mut self, r: &AuditRecord<'_>) {
        self.records += 1;
        if let Some(t) = r.creation_time {
            self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
            self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        }
        let put = |set: &mut BTreeSet<String>, value: Option<&str>| {
            if let Some(v) = value.filter(|v| !v.is_empty())
                && !set.contains(v)
            {
                set.insert(v.to_owned());
            }
        };
        put(&mut self.users, r.user_id.as_deref());
        put(&mut self.mailbox_owners, r.mailbox_owner_upn.as_deref());
        put(
            &mut self.client_info_strings,
            r.client_info_string.as_deref(),
        );
        put(&mut self.aad_session_ids, r.aad_session_id.as_deref());
        match r.client_address {
            Some(addr) => {
                self.client_ips.insert(addr.to_string());
            }
            None => put(&mut self.client_ips, r.client_ip.as_deref()),
        }
        let op = r.operation.as_deref().unwrap_or("");
        match self.operations.get_mut(op) {
            Some(n) => *n += 1,
            None => {
                self.operations.insert(op.to_owned(), 1);
            }
        }
    }
}

/// Session summaries built from a stream of records.
#[derive(Debug, Default, Clone)]
pub struct SessionInventory {
    by_key: HashMap<Option<String>, SessionSummary>,
}

impl SessionInventory {
    /// An empty inventory.
    pub fn new() -> SessionInventory {
        SessionInventory::default()
    }

    /// Adds one record (de-duplicate before calling, e.g. with [`crate::batch::Deduper`]).
    pub fn add(&mut self, r: &AuditRecord<'_>) {
        let key = r.session_id.as_deref().map(str::to_ascii_lowercase);
        self.by_key
            .entry(key)
            .or_insert_with(|| SessionSummary {
                session_id: r.session_id.as_deref().map(str::to_owned),
                ..Default::default()
            })
            .add(r);
    }

    /// Number of groups, the no-session group included.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when no record was added.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The sessions by first appearance (then id); the group without a session id last.
    pub fn sessions(&self) -> Vec<&SessionSummary> {
        let mut all: Vec<&SessionSummary> = self.by_key.values().collect();
        all.sort_by(|a, b| {
            (
                a.session_id.is_none(),
                a.first_seen.is_none(),
                a.first_seen,
                &a.session_id,
            )
                .cmp(&(
                    b.session_id.is_none(),
                    b.first_seen.is_none(),
                    b.first_seen,
                    &b.session_id,
                ))
        });
        all
    }

    /// The summary of one session (case-insensitive); `None` asks for the no-session group.
    pub fn get(&self, session_id: Option<&str>) -> Option<&SessionSummary> {
        self.by_key.get(&session_id.map(str::to_ascii_lowercase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn groups_by_session_and_keeps_sessionless_records() {
        let docs = [
            r#"{"CreationTime":"2026-03-02T10:00:00","Operation":"HardDelete","UserId":"m@c.com","SessionId":"S1","ClientIP":"1.1.1.1:5"}"#,
            r#"{"CreationTime":"2026-03-02T09:00:00","Operation":"HardDelete","UserId":"m@c.com","SessionId":"s1","ClientIP":"[2001:db8::1]:443"}"#,
            r#"{"CreationTime":"2026-03-02T11:00:00","Operation":"Send","UserId":"m@c.com","SessionId":"S1","ClientIP":"host.example"}"#,
            r#"{"CreationTime":"2026-03-01T11:00:00","Operation":"Set-Mailbox","UserId":"admin@c.com"}"#,
            r#"{"CreationTime":"2026-03-03T11:00:00","Operation":"Send","UserId":"m@c.com","SessionId":"S2"}"#,
        ];
        let mut inv = SessionInventory::new();
        for d in docs {
            inv.add(&parse_record(d).unwrap());
        }
        let s = inv.sessions();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].session_id.as_deref(), Some("S1"));
        assert_eq!(s[0].records, 3);
        assert_eq!(
            crate::time::format_utc(&s[0].first_seen.unwrap()),
            "2026-03-02T09:00:00Z"
        );
        assert_eq!(
            crate::time::format_utc(&s[0].last_seen.unwrap()),
            "2026-03-02T11:00:00Z"
        );
        assert_eq!(s[0].operations.get("HardDelete"), Some(&2));
        let ips: Vec<_> = s[0].client_ips.iter().cloned().collect();
        assert_eq!(ips, ["1.1.1.1", "2001:db8::1", "host.example"]);
        assert_eq!(s[1].session_id.as_deref(), Some("S2"));
        assert_eq!(s[2].session_id, None);
        assert_eq!(inv.get(None).unwrap().records, 1);
        assert_eq!(inv.get(Some("s2")).unwrap().records, 1);
    }
}
