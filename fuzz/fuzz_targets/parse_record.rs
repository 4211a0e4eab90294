//! Fuzzes the AuditData record parser and the session prefilter (see `checks.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::parse_record_input(data));
