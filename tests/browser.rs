//! The HTML report in real headless Chromium: `tests/browser` (node's test runner driving
//! Debian's Chromium through playwright-core) on the fixture report, then on the reports the CLI
//! and the C ABI write for the bundled incident. Runs when node, Chromium and the npm packages are
//! installed (`.ci/run` installs them) and says plainly that it skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the browser tests cannot run here, if they cannot.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no Chromium at {chromium}"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not on PATH".into());
    }
    if !browser_dir().join("node_modules/playwright-core").is_dir() {
        return Some("tests/browser/node_modules is missing (run `npm ci` there)".into());
    }
    None
}

fn node_test(report: Option<&Path>) {
    let mut command = Command::new("node");
    command.arg("--test").current_dir(browser_dir());
    if let Some(path) = report {
        command.env("AUDITSIFT_REPORT", path);
    }
    let out = command.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser tests failed ({}):\n{stdout}\n{}",
        report.map_or("fixture".into(), |p| p.display().to_string()),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
}

#[test]
fn report_renders_in_chromium() {
    if let Some(why) = missing() {
        println!("SKIPPED: the browser report tests did not run: {why}.");
        return;
    }
    node_test(None);

    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("incident.html");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incident.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_auditsift"))
        .args(["report", "--title", "Incident sample", "-o"])
        .arg(&report)
        .arg(&sample)
        .output()
        .expect("auditsift runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&report).expect("report written");
    // The sample's exposure is in the report, its hostile subject only as escaped JSON.
    assert!(html.contains("\"ThrottledWindows\""));
    assert!(!html.contains("<script>alert(1)</script>"));
    node_test(Some(&report));

    // The same incident through the C ABI, as the PowerShell module writes it.
    let abi_report = dir.path().join("incident-abi.html");
    write_abi_report(&sample, &abi_report);
    node_test(Some(&abi_report));
}

/// Writes the report of the sample's AuditData column, parsed in batches through the C ABI.
fn write_abi_report(sample: &Path, output: &Path) {
    use auditsift::ffi::report::{
        auditsift_report_add, auditsift_report_add_input, auditsift_report_free,
        auditsift_report_new, auditsift_report_parse_filter, auditsift_report_set_title,
        auditsift_report_write,
    };
    use auditsift::ffi::{
        AuditsiftStatus, auditsift_filter_free, auditsift_parse_batch, auditsift_result_free,
    };
    let mut csv = csv::Reader::from_path(sample).expect("sample");
    let column = csv.headers().unwrap().iter().position(|h| h == "AuditData");
    let docs: Vec<String> = csv
        .records()
        .map(|r| r.unwrap()[column.expect("AuditData column")].to_owned())
        .collect();
    let ok = |s: AuditsiftStatus| assert_eq!(s, AuditsiftStatus::Ok);
    let (mut report, mut filter) = (std::ptr::null_mut(), std::ptr::null_mut());
    let title = "Incident sample (ABI)";
    let path = output.to_str().unwrap();
    unsafe {
        ok(auditsift_report_new(std::ptr::null(), &mut report));
        ok(auditsift_report_parse_filter(report, &mut filter));
        ok(auditsift_report_set_title(
            report,
            title.as_ptr(),
            title.len(),
        ));
        for page in docs.chunks(1000) {
            let data = page.concat();
            let mut offsets = vec![0u64];
            offsets.extend(page.iter().scan(0u64, |at, d| {
                *at += d.len() as u64;
                Some(*at)
            }));
            let mut result = std::ptr::null_mut();
            let (bytes, n) = (data.as_ptr(), data.len());
            ok(auditsift_parse_batch(
                bytes,
                n,
                offsets.as_ptr(),
                page.len(),
                filter,
                0,
                &mut result,
            ));
            ok(auditsift_report_add(report, result));
            auditsift_result_free(result);
        }
        ok(auditsift_report_add_input(
            report,
            "pipeline".as_ptr(),
            8,
            docs.len() as u64,
        ));
        ok(auditsift_report_write(report, path.as_ptr(), path.len(), 0));
        auditsift_filter_free(filter);
        auditsift_report_free(report);
    }
}
