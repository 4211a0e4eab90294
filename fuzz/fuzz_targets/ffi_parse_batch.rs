//! Fuzzes the C ABI's batch entry point with arbitrary data and offsets, and every accessor of
//! its result (see `checks.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::ffi_parse_batch_input(data));
