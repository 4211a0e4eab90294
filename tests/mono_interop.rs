//! The PowerShell module's C# interop, run under Mono against the real native library.
//!
//! `scripts/mono-tests.sh` builds the cdylib, compiles `powershell/AuditSift/csharp/*.cs` exactly as
//! `AuditSift.psm1` does at import (C# 5, only System.dll referenced), and runs
//! `powershell/tests/InteropTests.cs`. This test runs that script when `mcs` and `mono` are on PATH
//! (CI installs them) and says plainly that it skipped otherwise.

use std::path::Path;
use std::process::Command;

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join(tool);
            candidate.is_file()
        })
    })
}

/// The `N passed, M failed[, K skipped]` line the test runner ends with.
fn counts(output: &str) -> Option<(u32, u32)> {
    let last = output.lines().rev().find(|l| !l.trim().is_empty())?;
    let (passed, rest) = last.trim().split_once(" passed, ")?;
    let failed = rest.split(", ").next()?.strip_suffix(" failed")?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

#[test]
fn csharp_interop_under_mono() {
    if !(on_path("mcs") && on_path("mono")) {
        println!(
            "SKIPPED: mcs and mono are not on PATH, so the C# interop tests in powershell/tests/InteropTests.cs \
             did not run (apt-get install mono-mcs mono-runtime to run them)."
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("bash")
        .arg(root.join("scripts/mono-tests.sh"))
        .current_dir(root)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    let (passed, failed) = counts(&stdout).unwrap_or_else(|| {
        panic!(
            "the Mono tests did not finish with 'N passed, M failed' (exit {})",
            output.status
        )
    });
    assert_eq!(failed, 0, "{failed} C# interop tests failed");
    assert!(passed >= 25, "only {passed} C# interop tests ran");
    assert!(
        output.status.success(),
        "mono-tests.sh exited with {}",
        output.status
    );
}

#[test]
fn counts_are_read_from_the_last_line() {
    assert_eq!(counts("ok   TestA\n3 passed, 1 failed\n"), Some((3, 1)));
    assert_eq!(counts("3 passed, 0 failed\n\n"), Some((3, 0)));
    assert_eq!(counts("3 passed, 2 failed, 1 skipped\n"), Some((3, 2)));
    assert_eq!(counts("3 passed, 0 failed\ncrash\n"), None);
    assert_eq!(counts(""), None);
}
