//! MailItemsAccessed exposure and pivots through the C ABI (`auditsift_exposure_*`,
//! `auditsift_pivot_*`), called as a host calls them: the bundled incident and hand-made
//! records parsed in batches with the handles' parse filters, the tables decoded back into the
//! core's types and compared with what the core computes from the same batches; then every
//! error path.

mod common;

use common::{filter, last_error, ok, parse, sample_audit_data};
use std::ptr;

use auditsift::batch::parse_batch;
use auditsift::ffi::exposure::{
    AuditsiftExposure, AuditsiftExposureValue, AuditsiftPivot, AuditsiftPivotKey,
    auditsift_exposure_add, auditsift_exposure_free, auditsift_exposure_new,
    auditsift_exposure_parse_filter, auditsift_exposure_summarize, auditsift_pivot_add,
    auditsift_pivot_add_key, auditsift_pivot_finish, auditsift_pivot_free, auditsift_pivot_new,
    auditsift_pivot_parse_filter,
};
use auditsift::ffi::{
    AUDITSIFT_FLAG_NO_RAW, AuditsiftField, AuditsiftFilterField, AuditsiftResult, AuditsiftStatus,
    AuditsiftTable, AuditsiftTally, auditsift_filter_free, auditsift_result_count,
    auditsift_result_free, auditsift_result_table, auditsift_result_table_len,
    auditsift_result_tally, auditsift_result_text, auditsift_result_text_len,
    auditsift_table_row_width,
};
use auditsift::filter::{Filter, FilterSpec};
use auditsift::mailaccess::{
    AccessContext, BoundMessage, ContextExposure, Exposure, ExposureBuilder, ExposureTotals,
    FolderExposure, MailboxExposure, MessageAccess, Pivot, PivotQuery, SyncEvent, ThrottleWindow,
    UnitemizedBind,
};
use auditsift::record::LogonType;
use auditsift::time::parse_iso_utc;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const OWNER: &str = "megan.bowen@contoso.com";
const S1: &str = "11111111-1111-4111-8111-111111111111";
const S2: &str = "22222222-2222-4222-8222-222222222222";

// ---- calling the ABI ------------------------------------------------------------------------

/// A result copied out: its text, tables, count and tally.
struct Copied {
    text: Vec<u8>,
    tables: Vec<Vec<i64>>,
    count: usize,
    tally: AuditsiftTally,
}

impl Copied {
    /// Copies and frees the result.
    fn take(r: *mut AuditsiftResult) -> Copied {
        let n = unsafe { auditsift_result_text_len(r) };
        let mut text = vec![0u8; n];
        ok(unsafe { auditsift_result_text(r, text.as_mut_ptr(), n) });
        let tables = (0..=AuditsiftTable::AccessOperations as u32)
            .map(|t| {
                let len = unsafe { auditsift_result_table_len(r, t) };
                let mut v = vec![0i64; len];
                ok(unsafe { auditsift_result_table(r, t, v.as_mut_ptr(), len) });
                v
            })
            .collect();
        let mut tally = AuditsiftTally::default();
        ok(unsafe { auditsift_result_tally(r, &mut tally) });
        let count = unsafe { auditsift_result_count(r) };
        unsafe { auditsift_result_free(r) };
        Copied {
            text,
            tables,
            count,
            tally,
        }
    }

    /// The rows of a table, each as a slice of its width.
    fn rows(&self, table: AuditsiftTable) -> Vec<&[i64]> {
        let width = auditsift_table_row_width(table as u32);
        let values = &self.tables[table as usize];
        assert_eq!(values.len() % width, 0, "{table:?} holds whole rows");
        values.chunks(width).collect()
    }

    fn text(&self, at: &[i64]) -> Option<String> {
        (at[0] >= 0).then(|| {
            let (start, len) = (at[0] as usize, at[1] as usize);
            String::from_utf8(self.text[start..start + len].to_vec()).unwrap()
        })
    }

    fn time(&self, at: &[i64]) -> Option<DateTime<Utc>> {
        self.text(at).map(|t| parse_iso_utc(&t).unwrap())
    }

    fn field(&self, record: usize, field: AuditsiftField) -> Option<String> {
        let fields = &self.tables[AuditsiftTable::Fields as usize];
        let at = record * 2 * AuditsiftField::Count as usize + 2 * field as usize;
        self.text(&fields[at..at + 2])
    }
}

// ---- the tables back into the core's types --------------------------------------------------

fn totals(v: &[i64]) -> ExposureTotals {
    ExposureTotals {
        records: v[0] as u64,
        syncs: v[1] as u64,
        binds: v[2] as u64,
        messages: v[3] as u64,
        folders: v[4] as u64,
        unitemized_binds: v[5] as u64,
    }
}

fn context(r: &Copied, v: &[i64]) -> AccessContext {
    AccessContext {
        session_id: r.text(&v[0..2]),
        client_ip_address: r.text(&v[2..4]),
        client_info_string: r.text(&v[4..6]),
        logon_type: r.text(&v[6..8]).map(|t| LogonType::from_text(&t).unwrap()),
        user_id: r.text(&v[8..10]),
    }
}

/// Rebuilds the whole exposure from a summarize result, using only the documented layouts.
fn decode_exposure(r: &Copied) -> Exposure {
    let mut mailboxes: Vec<MailboxExposure> = r
        .rows(AuditsiftTable::ExposureMailboxes)
        .into_iter()
        .map(|row| MailboxExposure {
            mailbox: r.text(&row[0..2]).unwrap(),
            contexts: Vec::new(),
            folders: Vec::new(),
            syncs: Vec::new(),
            messages: Vec::new(),
            unitemized_binds: Vec::new(),
            throttled: Vec::new(),
            totals: totals(&row[2..8]),
        })
        .collect();
    assert_eq!(r.count, mailboxes.len(), "mailboxes are the main rows");
    // Global context row -> (mailbox row, index in its mailbox).
    let mut context_at = Vec::new();
    for row in r.rows(AuditsiftTable::ExposureContexts) {
        let m = row[0] as usize;
        context_at.push((m, mailboxes[m].contexts.len()));
        mailboxes[m].contexts.push(ContextExposure {
            context: context(r, &row[1..11]),
            first_seen: r.time(&row[11..13]),
            last_seen: r.time(&row[13..15]),
            during_throttling: row[15] == 1,
            totals: totals(&row[16..22]),
            messages: Vec::new(),
        });
    }
    let local = |m: usize, row: i64| {
        let (owner, index) = context_at[row as usize];
        assert_eq!(owner, m, "a context row of the same mailbox");
        index
    };
    for row in r.rows(AuditsiftTable::ExposureFolders) {
        mailboxes[row[0] as usize].folders.push(FolderExposure {
            path: r.text(&row[1..3]).unwrap(),
            first_sync: r.time(&row[3..5]),
            syncs: row[5] as u64,
            bound_messages: row[6] as u64,
        });
    }
    for row in r.rows(AuditsiftTable::ExposureSyncs) {
        let m = row[0] as usize;
        mailboxes[m].syncs.push(SyncEvent {
            folder: r.text(&row[2..4]),
            time: r.time(&row[4..6]),
            context: local(m, row[1]),
            record_id: r.text(&row[6..8]),
        });
    }
    let mut messages: Vec<(usize, i64, BoundMessage)> = r
        .rows(AuditsiftTable::ExposureMessages)
        .into_iter()
        .map(|row| {
            let message = BoundMessage {
                internet_message_id: r.text(&row[2..4]).unwrap(),
                folders: Vec::new(),
                first_access: r.time(&row[4..6]),
                last_access: r.time(&row[6..8]),
                accesses: row[8] as u64,
                contexts: Vec::new(),
                sessions: Vec::new(),
                in_synced_folder: row[9] == 1,
            };
            (row[0] as usize, row[1], message)
        })
        .collect();
    let mut windows: Vec<(usize, ThrottleWindow)> = r
        .rows(AuditsiftTable::ExposureThrottled)
        .into_iter()
        .map(|row| {
            let window = ThrottleWindow {
                start: r.time(&row[1..3]),
                end: r.time(&row[3..5]),
                record_ids: Vec::new(),
                records: row[5] as u64,
                sessions: Vec::new(),
            };
            (row[0] as usize, window)
        })
        .collect();
    for row in r.rows(AuditsiftTable::ExposureValues) {
        let owner = row[0] as usize;
        let text = r.text(&row[2..4]);
        match row[1] {
            k if k == AuditsiftExposureValue::MessageFolder as i64 => {
                messages[owner].2.folders.push(text.unwrap())
            }
            k if k == AuditsiftExposureValue::MessageContext as i64 => {
                let m = messages[owner].0;
                let index = local(m, row[4]);
                messages[owner].2.contexts.push(index);
            }
            k if k == AuditsiftExposureValue::MessageSession as i64 => {
                messages[owner].2.sessions.push(text.unwrap())
            }
            k if k == AuditsiftExposureValue::WindowRecordId as i64 => {
                windows[owner].1.record_ids.push(text.unwrap())
            }
            k if k == AuditsiftExposureValue::WindowSession as i64 => {
                windows[owner].1.sessions.push(text)
            }
            other => panic!("unknown value kind {other}"),
        }
    }
    for (m, context_row, message) in messages {
        if context_row < 0 {
            mailboxes[m].messages.push(message);
        } else {
            let c = local(m, context_row);
            mailboxes[m].contexts[c].messages.push(message);
        }
    }
    for (m, window) in windows {
        mailboxes[m].throttled.push(window);
    }
    for row in r.rows(AuditsiftTable::ExposureUnitemized) {
        let m = row[0] as usize;
        mailboxes[m].unitemized_binds.push(UnitemizedBind {
            record_id: r.text(&row[2..4]),
            time: r.time(&row[4..6]),
            context: local(m, row[1]),
            operation_count: row[6] as u64,
            listed: row[7] as u64,
        });
    }
    let mut all = ExposureTotals::default();
    for m in &mailboxes {
        all.records += m.totals.records;
        all.syncs += m.totals.syncs;
        all.binds += m.totals.binds;
        all.messages += m.totals.messages;
        all.folders += m.totals.folders;
        all.unitemized_binds += m.totals.unitemized_binds;
    }
    Exposure {
        mailboxes,
        totals: all,
        duplicates: r.tally.duplicates,
    }
}

/// The exposure of `pages` under `scope` through the ABI, and the core's from the same pages.
fn both_ways(pages: &[Vec<String>], scope: &[(AuditsiftFilterField, &str)]) -> (Copied, Exposure) {
    let scope_handle = if scope.is_empty() {
        ptr::null_mut()
    } else {
        filter(scope)
    };
    let mut exposure: *mut AuditsiftExposure = ptr::null_mut();
    ok(unsafe { auditsift_exposure_new(scope_handle, &mut exposure) });
    // The scope is copied: freeing it now must not matter.
    unsafe { auditsift_filter_free(scope_handle) };
    let mut parse_filter = ptr::null_mut();
    ok(unsafe { auditsift_exposure_parse_filter(exposure, &mut parse_filter) });
    for page in pages {
        let result = parse(page, parse_filter, AUDITSIFT_FLAG_NO_RAW);
        ok(unsafe { auditsift_exposure_add(exposure, result) });
        unsafe { auditsift_result_free(result) };
    }
    let mut summary = ptr::null_mut();
    ok(unsafe { auditsift_exposure_summarize(exposure, &mut summary) });
    unsafe {
        auditsift_filter_free(parse_filter);
        auditsift_exposure_free(exposure);
    }

    let mut spec = FilterSpec::default();
    for (field, v) in scope {
        let list = match field {
            AuditsiftFilterField::SessionId => &mut spec.session_ids,
            AuditsiftFilterField::AadSessionId => &mut spec.aad_session_ids,
            AuditsiftFilterField::User => &mut spec.users,
            AuditsiftFilterField::Operation => &mut spec.operations,
            AuditsiftFilterField::Ip => &mut spec.ips,
        };
        list.push((*v).to_owned());
    }
    let mut builder = ExposureBuilder::new(Filter::new(spec));
    let core_filter = builder.parse_filter();
    for page in pages {
        for (_, r) in parse_batch(page, &core_filter).records {
            builder.add(&r);
        }
    }
    (Copied::take(summary), builder.finish())
}

// ---- documents ------------------------------------------------------------------------------

fn sample_truth() -> Value {
    let path = format!(
        "{}/examples/incident.truth.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A MailItemsAccessed record; `session` None leaves SessionId out (basic authentication).
fn mia(
    id: &str,
    time: &str,
    session: Option<&str>,
    ip: &str,
    kind: &str,
    throttled: bool,
    folders: Value,
) -> String {
    let mut doc = json!({
        "CreationTime": time, "Id": id, "Operation": "MailItemsAccessed", "RecordType": 50,
        "Workload": "Exchange", "UserId": OWNER, "MailboxOwnerUPN": OWNER,
        "ClientIPAddress": ip, "ClientInfoString": "Client=REST;Client=RESTSystem;;",
        "LogonType": 0,
        "OperationProperties": [
            {"Name": "MailAccessType", "Value": kind},
            {"Name": "IsThrottled", "Value": if throttled { "True" } else { "False" }}
        ],
        "Folders": folders,
    });
    if let Some(s) = session {
        doc["SessionId"] = json!(s);
    }
    doc.to_string()
}

fn bind(id: &str, time: &str, session: &str, ip: &str, messages: &[&str]) -> String {
    let items: Vec<Value> = messages
        .iter()
        .map(|m| json!({"InternetMessageId": m}))
        .collect();
    mia(
        id,
        time,
        Some(session),
        ip,
        "Bind",
        false,
        json!([{"Path": "\\Inbox", "FolderItems": items}]),
    )
}

/// Microsoft's example (three contexts, messages A to F, A read in two contexts), a Sync, a
/// Bind whose OperationCount exceeds its list, and a throttled record with a basic-auth
/// session active in its hole.
fn hand_made() -> Vec<String> {
    vec![
        bind(
            "00000000-0000-4000-8000-000000000001",
            "2026-03-02T10:00:00",
            S1,
            "192.0.2.10",
            &["<A@contoso.com>", "<B@contoso.com>", "<C@contoso.com>"],
        ),
        bind(
            "00000000-0000-4000-8000-000000000002",
            "2026-03-02T10:01:00",
            S2,
            "192.0.2.10",
            &["<D@contoso.com>", "<E@contoso.com>"],
        ),
        bind(
            "00000000-0000-4000-8000-000000000003",
            "2026-03-02T10:02:00",
            S1,
            "198.51.100.7",
            &["<A@contoso.com>", "<F@contoso.com>"],
        )
        .replace(r#""Folders""#, r#""OperationCount":5,"Folders""#),
        mia(
            "00000000-0000-4000-8000-000000000004",
            "2026-03-02T09:00:00",
            Some(S2),
            "192.0.2.10",
            "Sync",
            false,
            json!([{"Path": "\\Inbox", "FolderItems": []}]),
        ),
        mia(
            "00000000-0000-4000-8000-000000000005",
            "2026-03-02T12:00:00",
            Some(S2),
            "192.0.2.10",
            "Sync",
            true,
            json!([{"Path": "\\Archive", "FolderItems": []}]),
        ),
        mia(
            "00000000-0000-4000-8000-000000000006",
            "2026-03-02T13:00:00",
            None,
            "203.0.113.5",
            "Sync",
            false,
            json!([{"Path": "\\Sent Items", "FolderItems": []}]),
        ),
    ]
}

// ---- exposure -------------------------------------------------------------------------------

#[test]
fn sample_exposure_through_the_abi_is_the_cores() {
    let docs = sample_audit_data();
    let pages: Vec<Vec<String>> = docs.chunks(500).map(<[String]>::to_vec).collect();
    let truth = sample_truth();
    let attacker = truth["attacker"]["session_id"].as_str().unwrap();

    for scope in [vec![], vec![(AuditsiftFilterField::SessionId, attacker)]] {
        let (copied, core) = both_ways(&pages, &scope);
        assert!(!core.mailboxes.is_empty());
        assert_eq!(decode_exposure(&copied), core, "scope {scope:?}");
        let t = copied.tally;
        assert_eq!(t.read, docs.len() as u64);
        assert_eq!(t.read, t.skipped + t.rejected + t.parsed, "{t:?}");
        assert_eq!(t.parsed, t.filtered_out + t.duplicates + t.matched, "{t:?}");
    }

    // The attacker's own: what the generator put in.
    let (copied, _) = both_ways(&pages, &[(AuditsiftFilterField::SessionId, attacker)]);
    let exposure = decode_exposure(&copied);
    let m = &exposure.mailboxes[0];
    let want = &truth["attacker_exposure"];
    assert_eq!(m.mailbox, want["mailbox"].as_str().unwrap());
    assert_eq!(m.messages.len(), want["messages"].as_array().unwrap().len());
    assert_eq!(
        m.throttled.len(),
        want["throttled"].as_array().unwrap().len()
    );
    assert!(
        m.throttled[0]
            .sessions
            .iter()
            .any(|s| s.as_deref() == Some(attacker))
    );
}

#[test]
fn hand_made_exposure_through_the_abi_is_the_cores() {
    let docs = hand_made();
    // One document per batch and all in one: batch boundaries change nothing.
    let singles: Vec<Vec<String>> = docs.iter().map(|d| vec![d.clone()]).collect();
    let (one_by_one, core) = both_ways(&singles, &[]);
    let (all_at_once, _) = both_ways(std::slice::from_ref(&docs), &[]);
    let exposure = decode_exposure(&one_by_one);
    assert_eq!(exposure, core);
    assert_eq!(decode_exposure(&all_at_once), core);

    let m = &exposure.mailboxes[0];
    assert_eq!(
        m.contexts.len(),
        4,
        "three Bind contexts and the basic-auth one"
    );
    let a = &m.messages[0];
    assert_eq!(a.internet_message_id, "<A@contoso.com>");
    assert_eq!(a.accesses, 2);
    assert_eq!(a.sessions, [S1]);
    assert_eq!(a.contexts.len(), 2);
    assert_eq!(m.unitemized_binds.len(), 1);
    assert_eq!(m.unitemized_binds[0].operation_count, 5);
    assert_eq!(m.throttled.len(), 1);
    assert_eq!(
        m.throttled[0].record_ids,
        ["00000000-0000-4000-8000-000000000005"]
    );
    assert!(
        m.throttled[0].sessions.contains(&None),
        "the records without a SessionId are a session of the hole: {:?}",
        m.throttled[0].sessions
    );
    assert!(
        m.contexts
            .iter()
            .any(|c| c.context.session_id.is_none() && c.during_throttling)
    );
    // Every message row names a context of its own mailbox (checked while decoding), and the
    // per-context lists hold only that context.
    for (i, c) in m.contexts.iter().enumerate() {
        assert!(c.messages.iter().all(|b| b.contexts == [i]));
    }
}

#[test]
fn duplicates_across_batches_are_counted_once_and_summarize_can_repeat() {
    let docs = hand_made();
    let mut exposure = ptr::null_mut();
    ok(unsafe { auditsift_exposure_new(ptr::null(), &mut exposure) });
    let first = parse(&docs[..3], ptr::null(), 0);
    let again = parse(&docs, ptr::null(), 0);
    ok(unsafe { auditsift_exposure_add(exposure, first) });
    let mut early = ptr::null_mut();
    ok(unsafe { auditsift_exposure_summarize(exposure, &mut early) });
    ok(unsafe { auditsift_exposure_add(exposure, again) });
    let mut late = ptr::null_mut();
    ok(unsafe { auditsift_exposure_summarize(exposure, &mut late) });
    unsafe {
        auditsift_result_free(first);
        auditsift_result_free(again);
        auditsift_exposure_free(exposure);
    }
    let early = Copied::take(early);
    let late = Copied::take(late);
    assert_eq!(decode_exposure(&early).mailboxes[0].contexts.len(), 3);
    assert_eq!(early.tally.duplicates, 0);
    let t = late.tally;
    assert_eq!((t.read, t.matched, t.duplicates), (9, 6, 3), "{t:?}");
    let (_, core) = both_ways(&[docs], &[]);
    assert_eq!(decode_exposure(&late).mailboxes, core.mailboxes);
}

#[test]
fn a_scope_outside_every_record_gives_no_mailbox() {
    let (copied, core) = both_ways(
        &[hand_made()],
        &[(AuditsiftFilterField::User, "alex.wilber@contoso.com")],
    );
    assert!(core.mailboxes.is_empty());
    assert_eq!(copied.count, 0);
    assert!(copied.tables.iter().all(Vec::is_empty));
    assert_eq!(copied.tally.matched, 0);
}

// ---- pivots ---------------------------------------------------------------------------------

/// A pivot through the ABI over `pages`, each parsed with the pivot's parse filter.
fn pivot_abi(keys: &[(AuditsiftPivotKey, &str)], pages: &[Vec<String>]) -> Copied {
    let mut pivot: *mut AuditsiftPivot = ptr::null_mut();
    ok(unsafe { auditsift_pivot_new(&mut pivot) });
    for (kind, v) in keys {
        ok(unsafe { auditsift_pivot_add_key(pivot, *kind as u32, v.as_ptr(), v.len()) });
    }
    let mut parse_filter = ptr::null_mut();
    ok(unsafe { auditsift_pivot_parse_filter(pivot, &mut parse_filter) });
    for page in pages {
        let result = parse(page, parse_filter, 0);
        ok(unsafe { auditsift_pivot_add(pivot, result) });
        unsafe { auditsift_result_free(result) };
    }
    let mut out = ptr::null_mut();
    ok(unsafe { auditsift_pivot_finish(pivot, AUDITSIFT_FLAG_NO_RAW, &mut out) });
    unsafe {
        auditsift_filter_free(parse_filter);
        auditsift_pivot_free(pivot);
    }
    Copied::take(out)
}

fn pivot_core(query: &PivotQuery, docs: &[String]) -> auditsift::mailaccess::PivotResult {
    let mut pivot = Pivot::new(query);
    for (i, r) in parse_batch(docs, &Filter::all()).records {
        pivot.add(&r, i as u64);
    }
    pivot.finish()
}

fn decode_accesses(r: &Copied) -> Vec<MessageAccess> {
    let mut accesses: Vec<MessageAccess> = r
        .rows(AuditsiftTable::MessageAccesses)
        .into_iter()
        .map(|row| MessageAccess {
            internet_message_id: r.text(&row[0..2]).unwrap(),
            context: context(r, &row[2..12]),
            first_seen: r.time(&row[12..14]),
            last_seen: r.time(&row[14..16]),
            records: row[16] as u64,
            operations: Default::default(),
        })
        .collect();
    for row in r.rows(AuditsiftTable::AccessOperations) {
        accesses[row[0] as usize]
            .operations
            .insert(r.text(&row[1..3]).unwrap(), row[3] as u64);
    }
    accesses
}

#[test]
fn sample_pivots_through_the_abi_are_the_cores() {
    let docs = sample_audit_data();
    let pages: Vec<Vec<String>> = docs.chunks(700).map(<[String]>::to_vec).collect();
    let truth = sample_truth();
    let aad = truth["attacker"]["aad_session_id"].as_str().unwrap();
    let message = truth["attacker_exposure"]["messages"][8]["internet_message_id"]
        .as_str()
        .unwrap();

    let cases = [
        (
            vec![(AuditsiftPivotKey::AadSessionId, aad)],
            PivotQuery {
                aad_session_ids: vec![aad.to_owned()],
                ..PivotQuery::default()
            },
        ),
        (
            vec![(AuditsiftPivotKey::MessageId, message)],
            PivotQuery {
                message_ids: vec![message.to_owned()],
                ..PivotQuery::default()
            },
        ),
        (
            vec![(AuditsiftPivotKey::Ip, "185.73.124.135:443")],
            PivotQuery {
                ips: vec!["185.73.124.135:443".to_owned()],
                ..PivotQuery::default()
            },
        ),
    ];
    for (keys, query) in cases {
        let copied = pivot_abi(&keys, &pages);
        let core = pivot_core(&query, &docs);
        assert!(!core.records.is_empty(), "{keys:?}");
        assert_eq!(copied.count, core.records.len(), "{keys:?}");
        let ids: Vec<Option<String>> = (0..copied.count)
            .map(|i| copied.field(i, AuditsiftField::Id))
            .collect();
        let want: Vec<Option<String>> = core
            .records
            .iter()
            .map(|c| c.record.id.as_deref().map(str::to_owned))
            .collect();
        assert_eq!(ids, want, "records in time order, {keys:?}");
        let origins: Vec<u64> = copied.tables[AuditsiftTable::Origins as usize]
            .iter()
            .map(|&o| o as u64)
            .collect();
        let want: Vec<u64> = core.records.iter().map(|c| c.origin).collect();
        assert_eq!(origins, want, "origins count over every batch, {keys:?}");
        let sessions: Vec<(Option<String>, i64)> = copied
            .rows(AuditsiftTable::Sessions)
            .into_iter()
            .map(|row| (copied.text(&row[0..2]), row[6]))
            .collect();
        let want: Vec<(Option<String>, i64)> = core
            .sessions
            .iter()
            .map(|s| (s.session_id.clone(), s.records as i64))
            .collect();
        assert_eq!(sessions, want, "{keys:?}");
        assert_eq!(decode_accesses(&copied), core.message_accesses, "{keys:?}");
        let t = copied.tally;
        assert_eq!(t.read, docs.len() as u64);
        assert_eq!(t.read, t.skipped + t.rejected + t.parsed, "{t:?}");
        assert_eq!(t.parsed, t.filtered_out + t.duplicates + t.matched, "{t:?}");
        assert_eq!(t.matched, core.records.len() as u64);
    }
}

#[test]
fn pivot_by_message_lists_every_context_and_operation() {
    let mut docs = hand_made();
    docs.push(
        json!({
            "CreationTime": "2026-03-02T10:30:00", "Id": "00000000-0000-4000-8000-000000000007",
            "Operation": "HardDelete", "Workload": "Exchange", "UserId": OWNER,
            "MailboxOwnerUPN": OWNER, "SessionId": S2, "ClientIP": "198.51.100.7:4431",
            "AffectedItems": [{"InternetMessageId": "<a@CONTOSO.com>"}]
        })
        .to_string(),
    );
    // The same pages twice: repeats are dropped.
    let pages = vec![docs.clone(), docs.clone()];
    let copied = pivot_abi(&[(AuditsiftPivotKey::MessageId, "a@contoso.com")], &pages);
    let accesses = decode_accesses(&copied);
    let seen: Vec<(Option<&str>, Option<&str>, Vec<&str>)> = accesses
        .iter()
        .map(|a| {
            (
                a.context.session_id.as_deref(),
                a.context.client_ip_address.as_deref(),
                a.operations.keys().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some(S1), Some("192.0.2.10"), vec!["MailItemsAccessed"]),
            (Some(S1), Some("198.51.100.7"), vec!["MailItemsAccessed"]),
            (Some(S2), Some("198.51.100.7"), vec!["HardDelete"]),
        ]
    );
    assert_eq!(copied.count, 3);
    assert_eq!(copied.tally.duplicates, 3);
    assert_eq!(copied.tally.read, 2 * docs.len() as u64);
}

#[test]
fn pivot_finish_empties_the_pivot_but_keeps_its_keys() {
    let docs = hand_made();
    let mut pivot = ptr::null_mut();
    ok(unsafe { auditsift_pivot_new(&mut pivot) });
    ok(unsafe {
        auditsift_pivot_add_key(
            pivot,
            AuditsiftPivotKey::Ip as u32,
            "203.0.113.5".as_ptr(),
            11,
        )
    });
    let result = parse(&docs, ptr::null(), 0);
    let mut first = ptr::null_mut();
    let mut second = ptr::null_mut();
    ok(unsafe { auditsift_pivot_add(pivot, result) });
    ok(unsafe { auditsift_pivot_finish(pivot, 0, &mut first) });
    ok(unsafe { auditsift_pivot_finish(pivot, 0, &mut second) });
    ok(unsafe { auditsift_pivot_add(pivot, result) });
    let mut third = ptr::null_mut();
    ok(unsafe { auditsift_pivot_finish(pivot, 0, &mut third) });
    unsafe {
        auditsift_result_free(result);
        auditsift_pivot_free(pivot);
    }
    let (first, second, third) = (
        Copied::take(first),
        Copied::take(second),
        Copied::take(third),
    );
    assert_eq!(first.count, 1);
    assert_eq!(
        first.field(0, AuditsiftField::Id).as_deref(),
        Some("00000000-0000-4000-8000-000000000006")
    );
    assert_eq!(second.count, 0);
    assert_eq!(second.tally.read, 0);
    assert_eq!(
        third.count, 1,
        "the keys stayed; the Ids seen were forgotten"
    );
    // The records keep their raw text without NO_RAW.
    assert!(
        first
            .field(0, AuditsiftField::AuditData)
            .is_some_and(|raw| raw.contains("203.0.113.5"))
    );
}

// ---- errors ---------------------------------------------------------------------------------

#[test]
fn bad_arguments_are_errors_with_messages() {
    use AuditsiftStatus::{InvalidArgument, InvalidUtf8, NullArgument};
    let mut exposure = ptr::null_mut();
    let mut filter_out = ptr::null_mut();
    let mut result = ptr::null_mut();
    unsafe {
        assert_eq!(
            auditsift_exposure_new(ptr::null(), ptr::null_mut()),
            NullArgument
        );
        assert_eq!(
            auditsift_exposure_parse_filter(ptr::null(), &mut filter_out),
            NullArgument
        );
        assert_eq!(
            auditsift_exposure_add(ptr::null_mut(), ptr::null()),
            NullArgument
        );
        assert_eq!(
            auditsift_exposure_summarize(ptr::null(), &mut result),
            NullArgument
        );
        ok(auditsift_exposure_new(ptr::null(), &mut exposure));
        assert_eq!(auditsift_exposure_add(exposure, ptr::null()), NullArgument);
        assert!(last_error().contains("result"), "{}", last_error());
        assert_eq!(
            auditsift_exposure_parse_filter(exposure, ptr::null_mut()),
            NullArgument
        );
        assert_eq!(
            auditsift_exposure_summarize(exposure, ptr::null_mut()),
            NullArgument
        );
        auditsift_exposure_free(exposure);
        auditsift_exposure_free(ptr::null_mut());

        let mut pivot = ptr::null_mut();
        assert_eq!(auditsift_pivot_new(ptr::null_mut()), NullArgument);
        ok(auditsift_pivot_new(&mut pivot));
        let empty = parse(&[], ptr::null(), 0);
        assert_eq!(auditsift_pivot_add(pivot, empty), InvalidArgument);
        assert!(last_error().contains("no key"), "{}", last_error());
        assert_eq!(
            auditsift_pivot_add_key(pivot, 9, b"x".as_ptr(), 1),
            InvalidArgument
        );
        assert!(last_error().contains("9"), "{}", last_error());
        assert_eq!(
            auditsift_pivot_add_key(pivot, 1, b"\xff".as_ptr(), 1),
            InvalidUtf8
        );
        assert_eq!(
            auditsift_pivot_add_key(pivot, 1, ptr::null(), 3),
            NullArgument
        );
        assert_eq!(
            auditsift_pivot_add_key(ptr::null_mut(), 1, b"x".as_ptr(), 1),
            NullArgument
        );
        ok(auditsift_pivot_add_key(pivot, 1, b"<x@y>".as_ptr(), 5));
        ok(auditsift_pivot_add(pivot, empty));
        assert_eq!(
            auditsift_pivot_add_key(pivot, 2, b"10.0.0.1".as_ptr(), 8),
            InvalidArgument
        );
        assert!(
            last_error().contains("before the first result"),
            "{}",
            last_error()
        );
        assert_eq!(auditsift_pivot_add(pivot, ptr::null()), NullArgument);
        assert_eq!(
            auditsift_pivot_finish(pivot, 0, ptr::null_mut()),
            NullArgument
        );
        assert_eq!(
            auditsift_pivot_parse_filter(pivot, ptr::null_mut()),
            NullArgument
        );
        assert_eq!(
            auditsift_pivot_finish(ptr::null_mut(), 0, &mut result),
            NullArgument
        );
        ok(auditsift_pivot_finish(pivot, 0, &mut result));
        assert_eq!(auditsift_result_count(result), 0);
        auditsift_result_free(result);
        auditsift_result_free(empty);
        auditsift_pivot_free(pivot);
        auditsift_pivot_free(ptr::null_mut());
    }
}

#[test]
fn the_pivot_parse_filter_skips_by_entra_session_alone() {
    let docs = vec![
        json!({"Id": "1", "Operation": "FileAccessed", "AppAccessContext": {"AADSessionId": "AAD-1"}})
            .to_string(),
        json!({"Id": "2", "Operation": "FileAccessed", "ClientIP": "10.0.0.1"}).to_string(),
    ];
    let with = |keys: &[(AuditsiftPivotKey, &str)]| {
        let mut pivot = ptr::null_mut();
        ok(unsafe { auditsift_pivot_new(&mut pivot) });
        for (kind, v) in keys {
            ok(unsafe { auditsift_pivot_add_key(pivot, *kind as u32, v.as_ptr(), v.len()) });
        }
        let mut f = ptr::null_mut();
        ok(unsafe { auditsift_pivot_parse_filter(pivot, &mut f) });
        let result = parse(&docs, f, 0);
        let mut tally = AuditsiftTally::default();
        ok(unsafe { auditsift_result_tally(result, &mut tally) });
        unsafe {
            auditsift_result_free(result);
            auditsift_filter_free(f);
            auditsift_pivot_free(pivot);
        }
        tally.matched
    };
    assert_eq!(with(&[(AuditsiftPivotKey::AadSessionId, "aad-1")]), 1);
    assert_eq!(
        with(&[
            (AuditsiftPivotKey::AadSessionId, "aad-1"),
            (AuditsiftPivotKey::Ip, "10.0.0.1")
        ]),
        2,
        "with an address too, every record must reach the pivot"
    );
}
