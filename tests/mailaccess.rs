//! MailItemsAccessed exposure and pivots: Microsoft's documented example, Sync then Bind,
//! throttling holes, both cmdlets' shapes, repeated pages, and the bundled incident against the
//! generator's ground truth.

mod common;

use auditsift::batch::parse_batch;
use auditsift::filter::{Filter, FilterSpec};
use auditsift::mailaccess::{Added, Exposure, ExposureBuilder, Pivot, PivotQuery};
use auditsift::record::parse_record;
use auditsift::time::format_utc;
use common::sample_audit_data;
use serde_json::{Value, json};

const S1: &str = "11111111-1111-4111-8111-111111111111";
const S2: &str = "22222222-2222-4222-8222-222222222222";
const OWNER: &str = "megan.bowen@contoso.com";

/// A MailItemsAccessed AuditData record.
fn mia(id: &str, time: &str, session: &str, ip: &str, kind: &str, folders: Value) -> String {
    json!({
        "CreationTime": time,
        "Id": id,
        "Operation": "MailItemsAccessed",
        "RecordType": 50,
        "Workload": "Exchange",
        "UserId": OWNER,
        "MailboxOwnerUPN": OWNER,
        "SessionId": session,
        "ClientIPAddress": ip,
        "ClientInfoString": "Client=REST;Client=RESTSystem;;",
        "LogonType": 0,
        "OperationProperties": [
            {"Name": "MailAccessType", "Value": kind},
            {"Name": "IsThrottled", "Value": "False"}
        ],
        "OperationCount": folders.as_array().map_or(1, |f| f
            .iter()
            .map(|f| f["FolderItems"].as_array().map_or(0, Vec::len))
            .sum::<usize>()
            .max(1)),
        "Folders": folders,
    })
    .to_string()
}

fn bind(id: &str, time: &str, session: &str, ip: &str, folder: &str, messages: &[&str]) -> String {
    let items: Vec<Value> = messages
        .iter()
        .map(|m| json!({"InternetMessageId": m, "SizeInBytes": 1024}))
        .collect();
    mia(
        id,
        time,
        session,
        ip,
        "Bind",
        json!([{"Path": folder, "FolderItems": items}]),
    )
}

fn sync(id: &str, time: &str, session: &str, ip: &str, folder: &str) -> String {
    mia(
        id,
        time,
        session,
        ip,
        "Sync",
        json!([{"Path": folder, "FolderItems": []}]),
    )
}

/// The exposure of `docs` under `scope`, read with the builder's parse filter.
fn exposure_of(docs: &[String], scope: FilterSpec) -> Exposure {
    let mut builder = ExposureBuilder::new(Filter::new(scope));
    let filter = builder.parse_filter();
    let outcome = parse_batch(docs, &filter);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    for (_, r) in &outcome.records {
        builder.add(r);
    }
    builder.finish()
}

/// Microsoft's example: three aggregated Bind records whose contexts differ by SessionId and by
/// ClientIPAddress, messages A to F, message A read in two contexts.
#[test]
fn documented_example_three_contexts() {
    let docs = vec![
        bind(
            "00000000-0000-4000-8000-000000000001",
            "2026-03-02T10:00:00",
            S1,
            "192.0.2.10",
            "\\Inbox",
            &["<A@contoso.com>", "<B@contoso.com>", "<C@contoso.com>"],
        ),
        bind(
            "00000000-0000-4000-8000-000000000002",
            "2026-03-02T10:01:00",
            S2,
            "192.0.2.10",
            "\\Inbox",
            &["<D@contoso.com>", "<E@contoso.com>"],
        ),
        bind(
            "00000000-0000-4000-8000-000000000003",
            "2026-03-02T10:02:00",
            S1,
            "198.51.100.7",
            "\\Inbox",
            &["<A@contoso.com>", "<F@contoso.com>"],
        ),
    ];
    let exposure = exposure_of(&docs, FilterSpec::default());
    assert_eq!(exposure.mailboxes.len(), 1);
    let m = &exposure.mailboxes[0];
    assert_eq!(m.mailbox, OWNER);
    assert_eq!(
        m.contexts.len(),
        3,
        "SessionId and ClientIPAddress each make a context"
    );
    let contexts: Vec<(Option<&str>, Option<&str>)> = m
        .contexts
        .iter()
        .map(|c| {
            (
                c.context.session_id.as_deref(),
                c.context.client_ip_address.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        contexts,
        [
            (Some(S1), Some("192.0.2.10")),
            (Some(S2), Some("192.0.2.10")),
            (Some(S1), Some("198.51.100.7")),
        ]
    );
    let ids: Vec<&str> = m
        .messages
        .iter()
        .map(|b| b.internet_message_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "<A@contoso.com>",
            "<B@contoso.com>",
            "<C@contoso.com>",
            "<D@contoso.com>",
            "<E@contoso.com>",
            "<F@contoso.com>"
        ]
    );
    let a = &m.messages[0];
    assert_eq!(a.accesses, 2);
    assert_eq!(a.contexts, [0, 2]);
    assert_eq!(a.sessions, [S1]);
    assert_eq!(format_utc(&a.first_access.unwrap()), "2026-03-02T10:00:00Z");
    assert_eq!(format_utc(&a.last_access.unwrap()), "2026-03-02T10:02:00Z");
    assert_eq!(m.messages[3].contexts, [1]);
    let third: Vec<(&str, u64, Vec<usize>)> = m.contexts[2]
        .messages
        .iter()
        .map(|b| {
            (
                b.internet_message_id.as_str(),
                b.accesses,
                b.contexts.clone(),
            )
        })
        .collect();
    assert_eq!(
        third,
        [
            ("<A@contoso.com>", 1, vec![2]),
            ("<F@contoso.com>", 1, vec![2])
        ],
        "a context lists its own accesses"
    );
    let per_context: Vec<u64> = m.contexts.iter().map(|c| c.totals.messages).collect();
    assert_eq!(per_context, [3, 2, 2]);
    assert_eq!(m.totals.messages, 6);
    assert_eq!(m.totals.binds, 7);
    assert_eq!(m.totals.records, 3);
    assert_eq!(m.totals.folders, 1);
    assert_eq!(m.totals.syncs, 0);
    assert!(m.throttled.is_empty());
    assert!(!exposure.has_throttling());

    // Narrowed to one session, only its contexts count.
    let narrowed = exposure_of(
        &docs,
        FilterSpec {
            session_ids: vec![S2.to_ascii_uppercase()],
            ..FilterSpec::default()
        },
    );
    let m = &narrowed.mailboxes[0];
    assert_eq!(m.contexts.len(), 1);
    assert_eq!(m.totals.messages, 2);
}

#[test]
fn sync_then_bind_in_the_same_folder() {
    let docs = vec![
        sync(
            "00000000-0000-4000-8000-000000000011",
            "2026-03-02T09:00:00",
            S1,
            "192.0.2.10",
            "\\Inbox\\Finance",
        ),
        bind(
            "00000000-0000-4000-8000-000000000012",
            "2026-03-02T09:05:00",
            S1,
            "192.0.2.10",
            "\\Inbox\\Finance",
            &["<X@contoso.com>"],
        ),
        bind(
            "00000000-0000-4000-8000-000000000013",
            "2026-03-02T08:55:00",
            S1,
            "192.0.2.10",
            "\\Inbox",
            &["<Y@contoso.com>"],
        ),
    ];
    let exposure = exposure_of(&docs, FilterSpec::default());
    let m = &exposure.mailboxes[0];
    assert_eq!(m.syncs.len(), 1);
    assert_eq!(m.syncs[0].folder.as_deref(), Some("\\Inbox\\Finance"));
    assert_eq!(m.totals.syncs, 1);
    assert_eq!(m.totals.folders, 2);
    let finance = m
        .folders
        .iter()
        .find(|f| f.path == "\\Inbox\\Finance")
        .unwrap();
    assert_eq!(
        finance.first_sync.map(|t| format_utc(&t)).as_deref(),
        Some("2026-03-02T09:00:00Z")
    );
    assert_eq!(finance.bound_messages, 1);
    let x = m
        .messages
        .iter()
        .find(|b| b.internet_message_id == "<X@contoso.com>")
        .unwrap();
    assert!(x.in_synced_folder, "bound after its folder was synced");
    let y = m
        .messages
        .iter()
        .find(|b| b.internet_message_id == "<Y@contoso.com>")
        .unwrap();
    assert!(!y.in_synced_folder, "another folder");
}

/// A throttled record opens a 24-hour hole for the mailbox; sessions active in it are flagged,
/// and the hole counts even when the scope is another session.
#[test]
fn throttling_opens_a_hole_that_flags_overlapping_sessions() {
    let mut throttled = sync(
        "00000000-0000-4000-8000-000000000021",
        "2026-03-02T12:00:00",
        S2,
        "192.0.2.99",
        "\\Inbox",
    );
    throttled = throttled.replace(
        r#"{"Name":"IsThrottled","Value":"False"}"#,
        r#"{"Name":"IsThrottled","Value":"True"}"#,
    );
    assert!(throttled.contains(r#""Value":"True""#));
    let docs = vec![
        throttled,
        bind(
            "00000000-0000-4000-8000-000000000022",
            "2026-03-02T11:00:00",
            S1,
            "192.0.2.10",
            "\\Inbox",
            &["<P@contoso.com>"],
        ),
        // S1 again, inside the hole: a HardDelete, no MailItemsAccessed (binds went unrecorded).
        json!({
            "CreationTime": "2026-03-03T09:00:00", "Id": "00000000-0000-4000-8000-000000000023",
            "Operation": "HardDelete", "Workload": "Exchange", "UserId": OWNER,
            "MailboxOwnerUPN": OWNER, "SessionId": S1, "ClientIPAddress": "192.0.2.10"
        })
        .to_string(),
        // Another session, well after the hole.
        bind(
            "00000000-0000-4000-8000-000000000024",
            "2026-03-04T13:00:00",
            "33333333-3333-4333-8333-333333333333",
            "192.0.2.10",
            "\\Inbox",
            &["<Q@contoso.com>"],
        ),
    ];
    let scope = FilterSpec {
        session_ids: vec![S1.into(), "33333333-3333-4333-8333-333333333333".into()],
        ..FilterSpec::default()
    };
    let exposure = exposure_of(&docs, scope.clone());
    assert!(exposure.has_throttling());
    let m = &exposure.mailboxes[0];
    assert_eq!(m.throttled.len(), 1);
    let hole = &m.throttled[0];
    assert_eq!(
        format_utc(&hole.start.unwrap()),
        "2026-03-02T12:00:00Z",
        "a throttled record of a session outside the scope still opens the hole"
    );
    assert_eq!(format_utc(&hole.end.unwrap()), "2026-03-03T12:00:00Z");
    assert_eq!(hole.record_ids, ["00000000-0000-4000-8000-000000000021"]);
    assert_eq!(hole.sessions, [Some(S1.to_owned())]);
    // The throttled Sync itself is out of scope: it is not counted as an access.
    assert_eq!(m.totals.syncs, 0);
    let flagged: Vec<bool> = m.contexts.iter().map(|c| c.during_throttling).collect();
    assert_eq!(flagged, [true, false]);

    // Throttled records of other users do not open holes in this user's mailbox.
    let other_user = exposure_of(
        &docs,
        FilterSpec {
            users: vec!["alex.wilber@contoso.com".into()],
            ..FilterSpec::default()
        },
    );
    assert!(other_user.mailboxes.is_empty());
}

#[test]
fn overlapping_throttled_records_merge_into_one_hole() {
    let throttle = |id: &str, time: &str| {
        sync(id, time, S1, "192.0.2.10", "\\Inbox").replace(
            r#"{"Name":"IsThrottled","Value":"False"}"#,
            r#"{"Name":"IsThrottled","Value":"True"}"#,
        )
    };
    let docs = vec![
        throttle(
            "00000000-0000-4000-8000-000000000031",
            "2026-03-02T12:00:00",
        ),
        throttle(
            "00000000-0000-4000-8000-000000000032",
            "2026-03-03T06:00:00",
        ),
        throttle(
            "00000000-0000-4000-8000-000000000033",
            "2026-03-05T06:00:00",
        ),
    ];
    let exposure = exposure_of(&docs, FilterSpec::default());
    let holes: Vec<(String, String, u64)> = exposure.mailboxes[0]
        .throttled
        .iter()
        .map(|w| {
            (
                format_utc(&w.start.unwrap()),
                format_utc(&w.end.unwrap()),
                w.records,
            )
        })
        .collect();
    assert_eq!(
        holes,
        [
            (
                "2026-03-02T12:00:00Z".to_owned(),
                "2026-03-04T06:00:00Z".to_owned(),
                2
            ),
            (
                "2026-03-05T06:00:00Z".to_owned(),
                "2026-03-06T06:00:00Z".to_owned(),
                1
            ),
        ]
    );
}

/// A Search-MailboxAuditLog -ShowDetails record (flat properties) gives the same exposure as
/// the AuditData of the same access.
#[test]
fn both_cmdlet_shapes_give_the_same_exposure() {
    let unified = vec![
        bind(
            "00000000-0000-4000-8000-000000000041",
            "2026-03-02T07:55:12",
            S1,
            "185.73.124.160",
            "\\Inbox",
            &["<H8@contoso.com>", "<I9@contoso.com>"],
        )
        .replace(r#""OperationCount":2"#, r#""OperationCount":4"#),
    ];
    let flat = vec![
        json!({
            "Operation": "MailItemsAccessed", "OperationResult": "Succeeded", "LogonType": "Owner",
            "LastAccessed": "3/2/2026 7:55:12 AM", "MailboxOwnerUPN": OWNER,
            "ClientInfoString": "Client=REST;Client=RESTSystem;;", "ClientIPAddress": "185.73.124.160",
            "SessionId": S1, "OperationProperties": "MailAccessType:Bind\nIsThrottled:False",
            "AuditOperationsCountInAggregatedRecord": "4",
            "AggregatedRecordFoldersData": "{ \"<H8@contoso.com>\", \"<I9@contoso.com>\" }",
            "FolderPathName": "\\Inbox"
        })
        .to_string(),
    ];
    let a = exposure_of(&unified, FilterSpec::default());
    let b = exposure_of(&flat, FilterSpec::default());
    let summary = |e: &Exposure| {
        let m = &e.mailboxes[0];
        (
            m.mailbox.clone(),
            m.totals,
            m.messages
                .iter()
                .map(|b| (b.internet_message_id.clone(), b.folders.clone(), b.accesses))
                .collect::<Vec<_>>(),
            m.unitemized_binds
                .iter()
                .map(|u| (u.operation_count, u.listed))
                .collect::<Vec<_>>(),
            m.contexts[0].context.session_id.clone(),
            m.contexts[0].context.client_ip_address.clone(),
        )
    };
    assert_eq!(summary(&a), summary(&b));
    assert_eq!(a.mailboxes[0].totals.binds, 4);
    assert_eq!(a.mailboxes[0].totals.unitemized_binds, 2);
}

#[test]
fn repeated_pages_are_counted_once() {
    let page = vec![
        bind(
            "00000000-0000-4000-8000-000000000051",
            "2026-03-02T10:00:00",
            S1,
            "192.0.2.10",
            "\\Inbox",
            &["<A@contoso.com>"],
        ),
        sync(
            "00000000-0000-4000-8000-000000000052",
            "2026-03-02T10:01:00",
            S1,
            "192.0.2.10",
            "\\Archive",
        ),
    ];
    let mut builder = ExposureBuilder::new(Filter::all());
    let filter = builder.parse_filter();
    let mut added = Vec::new();
    for _ in 0..3 {
        for (_, r) in parse_batch(&page, &filter).records {
            added.push(builder.add(&r));
        }
    }
    assert_eq!(added.iter().filter(|a| **a == Added::Duplicate).count(), 4);
    let exposure = builder.finish();
    assert_eq!(exposure.duplicates, 4);
    let m = &exposure.mailboxes[0];
    assert_eq!(
        (m.totals.records, m.totals.binds, m.totals.syncs),
        (2, 1, 1)
    );
    assert_eq!(m.messages[0].accesses, 1);
}

fn sample_truth() -> Value {
    let path = format!(
        "{}/examples/incident.truth.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The attacker session's exposure in the bundled incident is what the generator put in.
#[test]
fn sample_attacker_exposure_matches_the_truth() {
    let truth = sample_truth();
    let want = &truth["attacker_exposure"];
    let session = truth["attacker"]["session_id"].as_str().unwrap();
    let mut builder = ExposureBuilder::new(Filter::new(FilterSpec {
        session_ids: vec![session.to_owned()],
        ..FilterSpec::default()
    }));
    let filter = builder.parse_filter();
    for page in sample_audit_data().chunks(500) {
        for (_, r) in parse_batch(page, &filter).records {
            builder.add(&r);
        }
    }
    let exposure = builder.finish();
    assert_eq!(exposure.mailboxes.len(), 1);
    let m = &exposure.mailboxes[0];
    assert_eq!(m.mailbox, want["mailbox"].as_str().unwrap());
    assert!(
        m.contexts
            .iter()
            .all(|c| c.context.session_id.as_deref() == Some(session))
    );

    let syncs: Vec<Value> = m
        .syncs
        .iter()
        .map(|s| json!({"folder": s.folder, "time": format_utc(&s.time.unwrap())}))
        .collect();
    assert_eq!(Value::Array(syncs), want["sync_folders"]);

    let messages: Vec<Value> = m
        .messages
        .iter()
        .map(|b| {
            assert_eq!(b.folders.len(), 1, "{}", b.internet_message_id);
            json!({
                "accesses": b.accesses,
                "folder": b.folders[0],
                "internet_message_id": b.internet_message_id,
            })
        })
        .collect();
    assert_eq!(Value::Array(messages), want["messages"]);

    let unitemized: Vec<Value> = m
        .unitemized_binds
        .iter()
        .map(|u| {
            json!({"listed": u.listed, "operation_count": u.operation_count, "record_id": u.record_id})
        })
        .collect();
    assert_eq!(Value::Array(unitemized), want["unlisted_binds"]);

    let holes: Vec<Value> = m
        .throttled
        .iter()
        .map(|w| {
            assert_eq!(w.record_ids.len(), 1);
            json!({
                "end": format_utc(&w.end.unwrap()),
                "record_id": w.record_ids[0],
                "start": format_utc(&w.start.unwrap()),
            })
        })
        .collect();
    assert_eq!(Value::Array(holes), want["throttled"]);
    assert!(
        m.throttled[0]
            .sessions
            .iter()
            .any(|s| s.as_deref() == Some(session)),
        "the attacker session is flagged"
    );
    assert_eq!(
        m.totals.syncs,
        want["sync_folders"].as_array().unwrap().len() as u64
    );
    assert_eq!(
        m.totals.messages,
        want["messages"].as_array().unwrap().len() as u64
    );
}

/// From the attacker's Entra ID session to its Exchange session and the sign-ins and file
/// accesses of other workloads made in it.
#[test]
fn sample_aad_pivot_finds_the_linked_records() {
    let truth = sample_truth();
    let aad = truth["attacker"]["aad_session_id"].as_str().unwrap();
    let mut pivot = Pivot::new(&PivotQuery {
        aad_session_ids: vec![aad.to_ascii_uppercase()],
        ..PivotQuery::default()
    });
    for (i, doc) in sample_audit_data().iter().enumerate() {
        if let Ok(r) = parse_record(doc) {
            pivot.add(&r, i as u64);
        }
    }
    let result = pivot.finish();
    let attacker = truth["attacker"]["session_id"].as_str().unwrap();
    let exchange: Vec<&str> = result
        .sessions
        .iter()
        .filter_map(|s| s.session_id.as_deref())
        .collect();
    assert!(exchange.contains(&attacker), "{exchange:?}");
    let linked: Vec<Value> = result
        .records
        .iter()
        .filter(|c| c.record.session_id.is_none())
        .map(|c| {
            json!({
                "CreationTime": format_utc(&c.record.creation_time.unwrap()),
                "Id": c.record.id,
                "Operation": c.record.operation,
                "Workload": c.record.workload,
            })
        })
        .collect();
    assert_eq!(Value::Array(linked), truth["attacker_linked"]);
}

#[test]
fn message_and_address_pivots() {
    let docs = [
        bind(
            "00000000-0000-4000-8000-000000000061",
            "2026-03-02T10:00:00",
            S1,
            "192.0.2.10",
            "\\Inbox",
            &["<A@contoso.com>", "<B@contoso.com>"],
        ),
        json!({
            "CreationTime": "2026-03-02T10:30:00", "Id": "00000000-0000-4000-8000-000000000062",
            "Operation": "HardDelete", "Workload": "Exchange", "UserId": OWNER,
            "MailboxOwnerUPN": OWNER, "SessionId": S2, "ClientIP": "198.51.100.7:4431",
            "AffectedItems": [{"Subject": "Invoice", "InternetMessageId": "<a@CONTOSO.com>",
                               "ParentFolder": {"Path": "\\Inbox"}}]
        })
        .to_string(),
        bind(
            "00000000-0000-4000-8000-000000000063",
            "2026-03-02T11:00:00",
            S2,
            "198.51.100.7",
            "\\Inbox",
            &["<C@contoso.com>"],
        ),
    ];
    let run = |query: PivotQuery| {
        let mut pivot = Pivot::new(&query);
        for (i, doc) in docs.iter().enumerate() {
            pivot.add(&parse_record(doc).unwrap(), i as u64);
        }
        pivot.finish()
    };
    let by_message = run(PivotQuery {
        message_ids: vec!["A@contoso.com".into()],
        ..PivotQuery::default()
    });
    let accesses: Vec<(Option<&str>, Vec<&String>)> = by_message
        .message_accesses
        .iter()
        .map(|a| {
            (
                a.context.session_id.as_deref(),
                a.operations.keys().collect(),
            )
        })
        .collect();
    assert_eq!(
        accesses,
        [
            (Some(S1), vec![&"MailItemsAccessed".to_owned()]),
            (Some(S2), vec![&"HardDelete".to_owned()]),
        ]
    );
    assert_eq!(by_message.records.len(), 2);

    let by_address = run(PivotQuery {
        ips: vec!["198.51.100.7".into()],
        ..PivotQuery::default()
    });
    let sessions: Vec<(Option<&str>, u64)> = by_address
        .sessions
        .iter()
        .map(|s| (s.session_id.as_deref(), s.records))
        .collect();
    assert_eq!(sessions, [(Some(S2), 2)]);
}
