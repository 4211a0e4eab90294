//! Fuzzes the JSON lines and JSON array readers, plain and gzip (see `checks.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::reader_input(data, checks::ReaderTarget::Json));
