//! A synthetic incident modelled on the seed story, end to end through the core: batches as
//! Search-UnifiedAuditLog pages (shuffled, repeated), the session filter, de-duplication and time
//! order. The attacker session's timeline must come out exactly.

use auditsift::batch::{Collector, parse_batch};
use auditsift::filter::{Filter, FilterSpec};
use auditsift::session::SessionInventory;
use auditsift::time::format_utc;

const ATTACKER_SESSION: &str = "6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11";
const ATTACKER_AAD: &str = "7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e";
const USER_SESSIONS: [&str; 2] = [
    "2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b",
    "3e4f5061-7283-49a4-b5c6-d7e8f90a1b2c",
];
const VICTIM: &str = "megan.bowen@contoso.com";

/// One record's AuditData, built with serde_json so escaping is right.
fn record(
    id: usize,
    minute: u32,
    second: u32,
    op: &str,
    session: Option<&str>,
    ip: &str,
) -> String {
    let mut v = serde_json::json!({
        "CreationTime": format!("2026-03-02T07:{minute:02}:{second:02}"),
        "Id": format!("00000000-0000-4000-8000-{id:012}"),
        "Operation": op,
        "RecordType": 2,
        "ResultStatus": "Succeeded",
        "Workload": "Exchange",
        "UserId": VICTIM,
        "MailboxOwnerUPN": VICTIM,
        "ClientIP": ip,
    });
    if let Some(s) = session {
        v["SessionId"] = s.into();
        v["AppAccessContext"] = serde_json::json!({"AADSessionId": ATTACKER_AAD});
    }
    if op == "HardDelete" {
        // A subject that names the attacker session must not make a record match.
        v["AffectedItems"] = serde_json::json!([{
            "Subject": format!("re: {ATTACKER_SESSION}"),
            "InternetMessageId": format!("<m{id}@contoso.com>"),
            "ParentFolder": {"Path": "\\Inbox"}
        }]);
    }
    v.to_string()
}

struct Incident {
    documents: Vec<String>,
    /// (Id, CreationTime, Operation) of the attacker session, in order.
    expected: Vec<(String, String, String)>,
}

fn incident() -> Incident {
    let mut docs = Vec::new();
    let mut expected = Vec::new();
    let mut id = 0;
    let mut next_id = || {
        id += 1;
        id
    };
    // The sign-in (Entra ID, no Exchange session).
    let signin = serde_json::json!({
        "CreationTime": "2026-03-02T06:59:58", "Id": "00000000-0000-4000-8000-999999999999",
        "Operation": "UserLoggedIn", "Workload": "AzureActiveDirectory", "RecordType": 15,
        "UserId": VICTIM, "ClientIP": "185.73.124.1",
        "DeviceProperties": [{"Name": "SessionId", "Value": ATTACKER_AAD}]
    });
    docs.push(signin.to_string());
    // The attacker: a burst of HardDeletes from rotating IPs, then a Send. Two records share a
    // second, so the Id breaks the tie; one writes the session id in upper case.
    for i in 0..30u32 {
        let n = next_id();
        let ip = format!("185.73.124.{}:{}", 10 + i, 40000 + i);
        let session = if i == 7 {
            ATTACKER_SESSION.to_uppercase()
        } else {
            ATTACKER_SESSION.to_owned()
        };
        let second = if i == 12 { 2 * 11 } else { 2 * i };
        let minute = 10 + second / 60;
        docs.push(record(
            n,
            minute,
            second % 60,
            "HardDelete",
            Some(&session),
            &ip,
        ));
        expected.push((n, minute, second % 60, "HardDelete"));
    }
    let n = next_id();
    docs.push(record(
        n,
        12,
        30,
        "Send",
        Some(ATTACKER_SESSION),
        "[2001:db8::7]:443",
    ));
    expected.push((n, 12, 30, "Send"));
    // The real user, at the same time, in other sessions, from the office.
    for i in 0..40u32 {
        let n = next_id();
        let op = ["MailItemsAccessed", "Send", "Update", "MoveToDeletedItems"][i as usize % 4];
        docs.push(record(
            n,
            5 + i / 4,
            (i * 7) % 60,
            op,
            Some(USER_SESSIONS[i as usize % 2]),
            "203.0.113.5",
        ));
    }
    // Old basic-auth PowerShell: no SessionId at all.
    for i in 0..5u32 {
        let n = next_id();
        docs.push(record(n, 11, i, "Set-Mailbox", None, "198.51.100.9"));
    }
    expected.sort_by_key(|(n, m, s, _)| (*m, *s, *n));
    let expected = expected
        .into_iter()
        .map(|(n, m, s, op)| {
            (
                format!("00000000-0000-4000-8000-{n:012}"),
                format!("2026-03-02T07:{m:02}:{s:02}Z"),
                op.to_owned(),
            )
        })
        .collect();
    Incident {
        documents: docs,
        expected,
    }
}

/// Deterministic shuffle (xorshift), so the input order says nothing about time order.
fn shuffle(docs: &mut [String]) {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..docs.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        docs.swap(i, (x % (i as u64 + 1)) as usize);
    }
}

/// Pages of 25 documents, the second page repeated (as Search-UnifiedAuditLog does).
fn pages(docs: &[String]) -> Vec<Vec<String>> {
    let mut pages: Vec<Vec<String>> = docs.chunks(25).map(<[String]>::to_vec).collect();
    pages.insert(2, pages[1].clone());
    pages
}

#[test]
fn attacker_session_timeline_comes_out_exactly() {
    let Incident {
        mut documents,
        expected,
    } = incident();
    shuffle(&mut documents);
    let filter = Filter::new(FilterSpec {
        session_ids: vec![ATTACKER_SESSION.to_uppercase()],
        ..Default::default()
    });
    let mut collector = Collector::new();
    for page in pages(&documents) {
        collector.add_batch(parse_batch(&page, &filter));
    }
    let (records, errors, tally) = collector.finish();
    assert!(errors.is_empty());
    assert!(tally.is_consistent(), "{tally:?}");
    let got: Vec<(String, String, String)> = records
        .iter()
        .map(|c| {
            let r = &c.record;
            (
                r.id.clone().unwrap().into_owned(),
                format_utc(&r.creation_time.unwrap()),
                r.operation.clone().unwrap().into_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(tally.matched, 31);
    assert!(tally.duplicates > 0, "the repeated page was de-duplicated");
    assert!(
        tally.skipped > 0,
        "the prefilter skipped documents without the id"
    );
    let ips: std::collections::BTreeSet<String> = records
        .iter()
        .map(|c| c.record.client_address.unwrap().to_string())
        .collect();
    assert_eq!(ips.len(), 31, "rotating IPs, each one derived from ip:port");
}

#[test]
fn aad_session_widens_to_the_sign_in() {
    let Incident { documents, .. } = incident();
    let filter = Filter::new(FilterSpec {
        aad_session_ids: vec![ATTACKER_AAD.into()],
        ..Default::default()
    });
    let outcome = parse_batch(&documents, &filter);
    let ops: Vec<&str> = outcome
        .records
        .iter()
        .map(|(_, r)| r.operation.as_deref().unwrap())
        .collect();
    assert_eq!(ops.iter().filter(|o| **o == "UserLoggedIn").count(), 1);
    // Every record with an AADSessionId in this incident is the attacker's or the user's
    // (both carry it in this model): the sign-in + 31 attacker + 40 user records.
    assert_eq!(ops.len(), 72);
}

#[test]
fn inventory_separates_attacker_user_and_sessionless_records() {
    let Incident { documents, .. } = incident();
    let outcome = parse_batch(&documents, &Filter::all());
    let mut inventory = SessionInventory::new();
    for (_, r) in &outcome.records {
        inventory.add(r);
    }
    let sessions = inventory.sessions();
    assert_eq!(sessions.len(), 4);
    let attacker = inventory.get(Some(ATTACKER_SESSION)).unwrap();
    assert_eq!(attacker.records, 31);
    assert_eq!(attacker.client_ips.len(), 31);
    assert_eq!(attacker.operations.get("HardDelete"), Some(&30));
    assert_eq!(attacker.operations.get("Send"), Some(&1));
    assert_eq!(
        format_utc(&attacker.first_seen.unwrap()),
        "2026-03-02T07:10:00Z"
    );
    assert_eq!(
        format_utc(&attacker.last_seen.unwrap()),
        "2026-03-02T07:12:30Z"
    );
    let none = inventory.get(None).unwrap();
    assert_eq!(none.records, 6, "5 basic-auth records and the sign-in");
    assert_eq!(inventory.get(Some(USER_SESSIONS[0])).unwrap().records, 20);
}
