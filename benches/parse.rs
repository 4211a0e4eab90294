//! Throughput of the core parser against serde_json::Value on the same records, in one run.
//!
//! `cargo bench --bench parse` prints MB/s and records/s for: serde_json::Value (the baseline),
//! auditsift's full parse (one thread, like for like), the one-session filter (prefilter + parse of
//! the hits, one thread), and `parse_batch` on all cores; then each one's ratio to the baseline.
//! Records are generated here (~1.5 KB Exchange records, 400 sessions), so the run needs no files.
//! Each figure is the best of 9 rounds, a round running every contender once in turn, so that
//! load from elsewhere on the machine falls on all of them alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use auditsift::batch::parse_batch;
use auditsift::filter::{Filter, FilterSpec};
use auditsift::record::parse_record;

const RECORDS: usize = 40_000;
const SESSIONS: usize = 400;

fn guid(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut hex = String::new();
    for _ in 0..2 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        hex.push_str(&format!("{x:016x}"));
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn records() -> Vec<String> {
    (0..RECORDS as u64)
        .map(|i| {
            let session = guid(1_000_000 + i % SESSIONS as u64);
            let mut v = serde_json::json!({
                "CreationTime": format!("2026-03-{:02}T{:02}:{:02}:{:02}", 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
                "Id": guid(i),
                "Operation": "MailItemsAccessed",
                "OrganizationId": "4f3e2d1c-0b9a-8765-4321-0fedcba98765",
                "RecordType": 50,
                "ResultStatus": "Succeeded",
                "UserKey": "10032001A2B3C4D5",
                "UserType": 0,
                "Version": 1,
                "Workload": "Exchange",
                "ClientIP": format!("185.73.{}.{}:{}", i % 200, i % 250, 40000 + i % 20000),
                "UserId": format!("user{}@contoso.com", i % 50),
                "AppAccessContext": {"AADSessionId": guid(2_000_000 + i % SESSIONS as u64), "IssuedAtTime": "2026-03-02T06:50:01", "UniqueTokenId": "Xq1bZ3kQ0U2n7m9v4w8YAA"},
                "ClientAppId": "00000002-0000-0ff1-ce00-000000000000",
                "ClientIPAddress": format!("185.73.{}.{}", i % 200, i % 250),
                "ClientInfoString": "Client=OWA;Action=ViewAction",
                "ExternalAccess": false,
                "InternalLogonType": 0,
                "LogonType": 0,
                "LogonUserSid": "S-1-5-21-1111111111-2222222222-3333333333-1001",
                "MailboxGuid": guid(3_000_000 + i % 50),
                "MailboxOwnerSid": "S-1-5-21-1111111111-2222222222-3333333333-1001",
                "MailboxOwnerUPN": format!("user{}@contoso.com", i % 50),
                "OperationProperties": [{"Name": "MailAccessType", "Value": "Bind"}, {"Name": "IsThrottled", "Value": "False"}],
                "OrganizationName": "contoso.onmicrosoft.com",
                "OriginatingServer": "AM0PR01MB1234 (15.20.7339.000)\r\n",
                "SessionId": session,
                "Folders": [{"FolderItems": [
                    {"InternetMessageId": format!("<AM0PR01MB{i}A@contoso.prod.outlook.com>"), "SizeInBytes": 10521},
                    {"InternetMessageId": format!("<AM0PR01MB{i}B@contoso.prod.outlook.com>"), "SizeInBytes": 3811},
                    {"InternetMessageId": format!("<AM0PR01MB{i}C@contoso.prod.outlook.com>"), "SizeInBytes": 7733}],
                    "Id": "LgAAAAAAB2", "Path": "\\Inbox\\Caf\u{e9}"}],
                "OperationCount": 3
            });
            if i % 5 == 0 {
                v["Folders"][0]["Path"] = "\\Sent Items".into();
            }
            v.to_string()
        })
        .collect()
}

/// One contender: its name and the work of one pass over the corpus (returns how many records it
/// kept).
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> usize + 'a>,
    best: Duration,
    kept: usize,
}

impl<'a> Contender<'a> {
    fn new(name: &'static str, run: impl FnMut() -> usize + 'a) -> Self {
        Contender {
            name,
            run: Box::new(run),
            best: Duration::MAX,
            kept: 0,
        }
    }
}

/// Best of several rounds, each round running every contender once in turn: the machine is
/// shared, and interleaving gives every contender the same chances of a quiet moment (running
/// one contender's passes back to back would let a burst of load fall on one of them only).
fn measure(contenders: &mut [Contender<'_>], rounds: usize) {
    for _ in 0..rounds {
        for c in contenders.iter_mut() {
            let start = Instant::now();
            c.kept = black_box((c.run)());
            c.best = c.best.min(start.elapsed());
        }
    }
}

fn main() {
    let docs = records();
    let bytes: usize = docs.iter().map(String::len).sum();
    let session = guid(1_000_000 + 17);
    let filter = Filter::new(FilterSpec {
        session_ids: vec![session.to_uppercase()],
        ..Default::default()
    });
    println!(
        "corpus: {} records, {:.1} MB, {:.0} bytes/record; filter: one session of {SESSIONS}",
        docs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / docs.len() as f64
    );
    let rounds = 9;
    if std::env::var_os("AUDITSIFT_PROFILE_PARSE").is_some() {
        let n: usize = (0..30)
            .map(|_| docs.iter().filter(|d| parse_record(d).is_ok()).count())
            .sum();
        println!("profiled {n} parses");
        return;
    }
    // Every contender reads every record and keeps its result alive until it is dropped, so
    // that none of the work can be optimized away.
    let mut results = [
        Contender::new("serde_json::Value (baseline)", || {
            docs.iter()
                .filter(|d| black_box(serde_json::from_str::<serde_json::Value>(d)).is_ok())
                .count()
        }),
        Contender::new("auditsift full parse, 1 thread", || {
            docs.iter()
                .filter(|d| black_box(parse_record(d)).is_ok())
                .count()
        }),
        Contender::new("auditsift session filter, 1 thread", || {
            docs.iter()
                .filter(|d| filter.may_match(d.as_bytes()))
                .filter(|d| parse_record(d).is_ok_and(|r| filter.matches(black_box(&r))))
                .count()
        }),
        Contender::new("auditsift parse_batch, all cores", || {
            parse_batch(&docs, &Filter::all()).records.len()
        }),
        Contender::new("auditsift parse_batch + session filter, all cores", || {
            parse_batch(&docs, &filter).records.len()
        }),
    ];
    measure(&mut results, rounds);
    let base = results[0].best.as_secs_f64();
    println!(
        "{:<50} {:>10} {:>12} {:>8} {:>8}",
        "contender", "MB/s", "records/s", "kept", "ratio"
    );
    for m in &results {
        let secs = m.best.as_secs_f64();
        println!(
            "{:<50} {:>10.0} {:>12.0} {:>8} {:>7.1}x",
            m.name,
            bytes as f64 / secs / 1e6,
            docs.len() as f64 / secs,
            m.kept,
            base / secs
        );
    }
    assert_eq!(results[0].kept, RECORDS, "serde_json read every record");
    assert_eq!(results[1].kept, RECORDS, "auditsift read every record");
    assert_eq!(
        results[2].kept,
        RECORDS / SESSIONS,
        "the filter kept exactly one session's records"
    );
    println!("targets: full parse >= 3x baseline, session filter >= 10x baseline (1 thread each)");
}
