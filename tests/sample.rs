//! The bundled incident sample against the generator's ground truth, through the core alone
//! (the file readers and the CLI have tests of their own).

mod common;

use auditsift::batch::{Collector, parse_batch};
use auditsift::filter::{Filter, FilterSpec};
use auditsift::session::SessionInventory;
use auditsift::time::format_utc;
use common::sample_audit_data;
use serde_json::Value;

fn sample_dir() -> String {
    format!("{}/examples", env!("CARGO_MANIFEST_DIR"))
}

fn truth() -> Value {
    let text = std::fs::read_to_string(format!("{}/incident.truth.json", sample_dir())).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn attacker_timeline_matches_the_truth() {
    let truth = truth();
    let docs = sample_audit_data();
    let session = truth["attacker"]["session_id"].as_str().unwrap();
    let filter = Filter::new(FilterSpec {
        session_ids: vec![session.into()],
        ..Default::default()
    });
    let mut collector = Collector::new();
    for page in docs.chunks(500) {
        collector.add_batch(parse_batch(page, &filter));
    }
    let (records, _, tally) = collector.finish();
    assert!(tally.is_consistent());
    let got: Vec<Value> = records
        .iter()
        .map(|c| {
            serde_json::json!({
                "CreationTime": format_utc(&c.record.creation_time.unwrap()),
                "Id": c.record.id.as_deref().unwrap(),
                "Operation": c.record.operation.as_deref().unwrap(),
            })
        })
        .collect();
    assert_eq!(Value::Array(got), truth["attacker_timeline"]);
}

#[test]
fn every_row_is_accounted_for() {
    let truth = truth();
    let docs = sample_audit_data();
    let mut collector = Collector::new();
    for page in docs.chunks(700) {
        collector.add_batch(parse_batch(page, &Filter::all()));
    }
    let (records, errors, tally) = collector.finish();
    assert_eq!(tally.read, truth["records_written"].as_u64().unwrap());
    assert_eq!(
        records.len() as u64,
        truth["unique_records"].as_u64().unwrap()
    );
    assert_eq!(tally.duplicates, truth["duplicates"].as_u64().unwrap());
    assert_eq!(errors.len(), truth["invalid"].as_array().unwrap().len());
    let bad_row = truth["invalid"][0]["row"].as_u64().unwrap();
    // Rows count from 1 after the header; error indices from 0.
    assert_eq!(errors[0].index + 1, bad_row);
    assert!(
        errors[0]
            .raw
            .contains(truth["invalid"][0]["id"].as_str().unwrap())
    );

    let mut inventory = SessionInventory::new();
    for c in &records {
        inventory.add(&c.record);
    }
    let sessions = truth["sessions"].as_object().unwrap();
    assert_eq!(inventory.len(), sessions.len() + 1);
    for (id, count) in sessions {
        assert_eq!(
            inventory.get(Some(id)).map(|s| s.records),
            count.as_u64(),
            "{id}"
        );
    }
    assert_eq!(
        inventory.get(None).unwrap().records,
        truth["no_session_records"].as_u64().unwrap()
    );
}
