//! What several integration tests share: the bundled incident sample, and the C ABI called as a
//! host calls it.
// Each test crate compiles this module and uses part of it.
#![allow(dead_code)]

use std::ptr;

use auditsift::ffi::{
    AuditsiftFilter, AuditsiftFilterField, AuditsiftResult, AuditsiftStatus, auditsift_filter_add,
    auditsift_filter_new, auditsift_last_error, auditsift_parse_batch,
};

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

/// The library's last error message on this thread.
pub fn last_error() -> String {
    let mut buf = vec![0u8; 4096];
    // SAFETY: the buffer is writable for its length.
    let n = unsafe { auditsift_last_error(buf.as_mut_ptr(), buf.len()) };
    String::from_utf8_lossy(&buf[..n.min(buf.len())]).into_owned()
}

/// Asserts a call succeeded, with the library's message when not.
pub fn ok(status: AuditsiftStatus) {
    assert_eq!(status, AuditsiftStatus::Ok, "{}", last_error());
}

/// A filter handle with the given values.
pub fn filter(values: &[(AuditsiftFilterField, &str)]) -> *mut AuditsiftFilter {
    let mut f = ptr::null_mut();
    ok(unsafe { auditsift_filter_new(&mut f) });
    for (field, v) in values {
        // SAFETY: a live filter and `v.len()` readable bytes.
        ok(unsafe { auditsift_filter_add(f, *field as u32, v.as_ptr(), v.len()) });
    }
    f
}

/// Parses documents in one `auditsift_parse_batch` call, as a host does.
pub fn parse(docs: &[String], filter: *const AuditsiftFilter, flags: u32) -> *mut AuditsiftResult {
    let mut data = Vec::new();
    let mut offsets = vec![0u64];
    for d in docs {
        data.extend_from_slice(d.as_bytes());
        offsets.push(data.len() as u64);
    }
    let mut out = ptr::null_mut();
    // SAFETY: the data and offsets describe `docs.len()` documents; `filter` is NULL or live.
    ok(unsafe {
        auditsift_parse_batch(
            data.as_ptr(),
            data.len(),
            offsets.as_ptr(),
            docs.len(),
            filter,
            flags,
            &mut out,
        )
    });
    out
}
