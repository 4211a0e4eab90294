//! Replays, with the fuzz targets' own checks (`fuzz/checks.rs`), every input a fuzzer once found
//! failing (`fuzz/regressions/<target>/`), and the fixtures the fuzzers are seeded with. The
//! fuzzers themselves run from `scripts/fuzz.sh`.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

/// The files directly in a folder of the repository (none when it does not exist), sorted.
fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut list: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    list.sort();
    list
}

/// Runs a check on every file; fails naming each file whose check panicked.
fn replay(paths: &[PathBuf], check: fn(&[u8])) -> usize {
    let mut failures = Vec::new();
    for path in paths {
        let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    paths.len()
}

#[test]
fn parse_record_regressions_and_fixtures() {
    let mut paths = files("fuzz/regressions/parse_record");
    paths.extend(files("tests/fixtures/records"));
    assert!(replay(&paths, checks::parse_record_input) >= 13);
}

#[test]
fn reader_regressions_and_fixture_files() {
    let csv = files("fuzz/regressions/read_csv");
    let json = files("fuzz/regressions/read_json");
    // Every fixture file through both targets, in each encoding and with each set of limits.
    let fixtures = files("tests/fixtures/files");
    let mut ran = replay(&csv, |d| checks::reader_input(d, checks::ReaderTarget::Csv));
    ran += replay(&json, |d| {
        checks::reader_input(d, checks::ReaderTarget::Json)
    });
    let mut failures = Vec::new();
    for path in &fixtures {
        let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for mode in [0u8, 1, 2, 4, 5, 6, 0xc, 0x10, 0x14, 0x1e] {
            let mut input = vec![mode, 0x55, 0xaa];
            input.extend_from_slice(&data);
            for target in [checks::ReaderTarget::Csv, checks::ReaderTarget::Json] {
                if catch_unwind(AssertUnwindSafe(|| checks::reader_input(&input, target))).is_err()
                {
                    failures.push(format!("{} mode {mode} {target:?}", path.display()));
                }
                ran += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran > 0);
}

#[test]
fn ffi_regressions_and_fixtures() {
    let mut ran = replay(
        &files("fuzz/regressions/ffi_parse_batch"),
        checks::ffi_parse_batch_input,
    );
    // Each record fixture, and all of them as one batch, in every offsets mode, with and without
    // filters and flags.
    let fixtures: Vec<Vec<u8>> = files("tests/fixtures/records")
        .iter()
        .map(|p| fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    let all = fixtures.join(&b"\n"[..]);
    for data in fixtures.iter().chain([&all]) {
        for header in [
            [3u8, 0, 0, 0],
            [5, 3, 0x3f, 0],
            [7, 1, 0x03, 1],
            [16, 2, 0x05, 2],
            [9, 6, 0x03, 0],
        ] {
            let mut input = header.to_vec();
            input.extend_from_slice(data);
            checks::ffi_parse_batch_input(&input);
            ran += 1;
        }
    }
    assert!(ran >= 50);
}
