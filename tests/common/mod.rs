//! What several integration tests share: the bundled incident sample.
// Each test crate compiles this module and uses part of it.
#![allow(dead_code)]

/// The bundled incident sample (a Purview CSV export), relative to the repository.
pub const SAMPLE: &str = "examples/incident.csv";

/// The attacker's Exchange SessionId in the bundled sample.
pub const ATTACKER: &str = "7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53";

/// The AuditData column of the bundled sample, in row order.
pub fn sample_audit_data() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    let mut reader = csv::Reader::from_path(path).expect("the bundled sample");
    let column = reader
        .headers()
        .expect("a header row")
        .iter()
        .position(|h| h == "AuditData")
        .expect("an AuditData column");
    reader
        .records()
        .map(|r| r.expect("a CSV row")[column].to_owned())
        .collect()
}
