//! The C ABI from C: the committed header matches what build.rs generates, and tests/c/abi_test.c
//! compiles with `gcc -std=c11 -Wall -Wextra -Werror` against it, links to the cdylib and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/auditsift.h"));

#[test]
fn committed_header_is_current() {
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/auditsift.h"))
            .unwrap();
    assert!(
        committed == GENERATED,
        "include/auditsift.h differs from what build.rs generates: run `AUDITSIFT_UPDATE_HEADER=1 cargo build` and commit it"
    );
}

/// The directory holding the cdylib. The test binary sits in target/<profile>/deps, and so does the
/// cdylib that `cargo test` builds: cargo copies it up to target/<profile> only on `cargo build`,
/// so a clean checkout's `cargo test` finds it in deps alone.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    [deps, deps.parent().unwrap()]
        .into_iter()
        .find(|dir| dir.join(library_file_name()).is_file())
        .unwrap_or(deps)
        .to_path_buf()
}

fn library_file_name() -> String {
    format!(
        "{}auditsift{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// Compiles the C test and returns its path (shared with scripts/valgrind-c-test.sh).
pub fn build_c_test() -> Option<PathBuf> {
    if Command::new("gcc").arg("--version").output().is_err() {
        eprintln!("SKIPPED: gcc not found");
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = library_dir();
    let exe = lib_dir.join("abi_test");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread", "-I"])
        .arg(root.join("include"))
        .arg(root.join("tests/c/abi_test.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lauditsift")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gcc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(exe)
}

#[test]
fn c_program_exercises_the_whole_abi() {
    let Some(exe) = build_c_test() else { return };
    // cargo's LD_LIBRARY_PATH names target/<profile> before deps, and it outranks the RUNPATH
    // gcc writes: a library copied up there by an earlier `cargo build` would be loaded instead.
    let out = Command::new(&exe)
        .env("LD_LIBRARY_PATH", library_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
}
