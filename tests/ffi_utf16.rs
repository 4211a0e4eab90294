//! `auditsift_parse_batch_utf16` against `auditsift_parse_batch`: a batch of UTF-16 documents (as
//! .NET strings hold them) gives byte for byte the result of the UTF-8 that .NET's `Encoding.UTF8`
//! makes of them (a lone surrogate becomes U+FFFD), with and without filters, on the bundled
//! incident and on hostile documents (escaped ids, lone surrogates, non-ASCII text, garbage); the
//! UTF-16 prefilter answers as the UTF-8 one does and never skips a match (property tests); and a
//! result made with `AUDITSIFT_FLAG_TABLES_ONLY` reads the same but is refused by every `*_add`.
//! Each property runs proptest's default 256 cases; `PROPTEST_CASES` overrides that.

mod common;

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use common::{ATTACKER, sample_audit_data};
use std::ptr;

use auditsift::ffi::error::AuditsiftStatus;
use auditsift::ffi::exposure::{
    auditsift_exposure_add, auditsift_exposure_free, auditsift_exposure_new,
    auditsift_exposure_parse_filter, auditsift_pivot_add, auditsift_pivot_add_key,
    auditsift_pivot_free, auditsift_pivot_new,
};
use auditsift::ffi::report::{auditsift_report_add, auditsift_report_free, auditsift_report_new};
use auditsift::ffi::result::{AuditsiftResult, AuditsiftTable};
use auditsift::ffi::*;
use auditsift::filter::{Filter, FilterSpec};
use auditsift::record::parse_record;
use proptest::prelude::*;

fn ok(status: AuditsiftStatus, what: &str) {
    assert_eq!(status, AuditsiftStatus::Ok, "{what}");
}

/// A result handle freed when dropped.
struct Result(*mut AuditsiftResult);

impl Drop for Result {
    fn drop(&mut self) {
        // SAFETY: made by the ABI, freed once.
        unsafe { auditsift_result_free(self.0) }
    }
}

/// A filter handle freed when dropped; NULL keeps everything.
struct FilterHandle(*mut AuditsiftFilter);

impl Drop for FilterHandle {
    fn drop(&mut self) {
        // SAFETY: NULL or made by the ABI, freed once.
        unsafe { auditsift_filter_free(self.0) }
    }
}

/// Everything a result holds, copied out as a host does: tally, row count, text, tables.
#[derive(Debug, PartialEq)]
struct Contents {
    tally: AuditsiftTally,
    count: usize,
    text: Vec<u8>,
    tables: Vec<Vec<i64>>,
}

fn contents(result: &Result) -> Contents {
    // SAFETY: a live result; buffers are sized from the ABI's own lengths.
    unsafe {
        let mut tally = AuditsiftTally::default();
        ok(auditsift_result_tally(result.0, &mut tally), "tally");
        let mut text = vec![0u8; auditsift_result_text_len(result.0)];
        ok(
            auditsift_result_text(result.0, text.as_mut_ptr(), text.len()),
            "text",
        );
        let tables = (0..=AuditsiftTable::Tree as u32)
            .map(|table| {
                let mut values = vec![0i64; auditsift_result_table_len(result.0, table)];
                ok(
                    auditsift_result_table(result.0, table, values.as_mut_ptr(), values.len()),
                    "table",
                );
                // The 32-bit copy a .NET host takes of the record tables is the same values.
                let mut narrow = vec![0i32; values.len()];
                ok(
                    auditsift_result_table_i32(result.0, table, narrow.as_mut_ptr(), narrow.len()),
                    "table_i32",
                );
                assert!(narrow.iter().zip(&values).all(|(&n, &v)| i64::from(n) == v));
                values
            })
            .collect();
        Contents {
            tally,
            count: auditsift_result_count(result.0),
            text,
            tables,
        }
    }
}

/// What .NET's `Encoding.UTF8.GetBytes` makes of a string.
fn dotnet_utf8(units: &[u16]) -> Vec<u8> {
    String::from_utf16_lossy(units).into_bytes()
}

fn parse_utf8(docs: &[Vec<u8>], filter: &FilterHandle, flags: u32) -> Result {
    let mut data = Vec::new();
    let mut offsets = vec![0u64];
    for d in docs {
        data.extend_from_slice(d);
        offsets.push(data.len() as u64);
    }
    let mut out = ptr::null_mut();
    // SAFETY: the buffers outlive the call; `filter` is NULL or live.
    ok(
        unsafe {
            auditsift_parse_batch(
                data.as_ptr(),
                data.len(),
                offsets.as_ptr(),
                docs.len(),
                filter.0,
                flags,
                &mut out,
            )
        },
        "parse_batch",
    );
    Result(out)
}

fn parse_utf16(docs: &[Vec<u16>], filter: &FilterHandle, flags: u32) -> Result {
    let pointers: Vec<*const u16> = docs.iter().map(|d| d.as_ptr()).collect();
    let lengths: Vec<usize> = docs.iter().map(Vec::len).collect();
    let mut out = ptr::null_mut();
    // SAFETY: the documents outlive the call; `filter` is NULL or live.
    ok(
        unsafe {
            auditsift_parse_batch_utf16(
                pointers.as_ptr(),
                lengths.as_ptr(),
                docs.len(),
                filter.0,
                flags,
                &mut out,
            )
        },
        "parse_batch_utf16",
    );
    Result(out)
}

/// A filter with `values` added to `field`.
fn filter(field: AuditsiftFilterField, values: &[&str]) -> FilterHandle {
    let mut f = ptr::null_mut();
    // SAFETY: `f` is written by the ABI; the values outlive the calls.
    unsafe {
        ok(auditsift_filter_new(&mut f), "filter_new");
        for v in values {
            ok(
                auditsift_filter_add(f, field as u32, v.as_ptr(), v.len()),
                "filter_add",
            );
        }
    }
    FilterHandle(f)
}

/// The exposure's parse filter for a user: the user's records, or throttled ones (its prefilter
/// looks for `IsThrottled` near `true`).
fn throttle_filter(user: &str) -> FilterHandle {
    let scope = filter(AuditsiftFilterField::User, &[user]);
    let mut exposure = ptr::null_mut();
    let mut parse = ptr::null_mut();
    // SAFETY: live handles; the exposure is freed here, the parse filter by the caller.
    unsafe {
        ok(
            auditsift_filter_add(
                scope.0,
                AuditsiftFilterField::SessionId as u32,
                ATTACKER.as_ptr(),
                ATTACKER.len(),
            ),
            "add",
        );
        ok(
            auditsift_exposure_new(scope.0, &mut exposure),
            "exposure_new",
        );
        ok(
            auditsift_exposure_parse_filter(exposure, &mut parse),
            "parse_filter",
        );
        auditsift_exposure_free(exposure);
    }
    FilterHandle(parse)
}

/// Every filter the equivalence is checked with.
fn filters() -> Vec<(&'static str, FilterHandle)> {
    let many: Vec<String> = (0..9)
        .map(|i| format!("{i:08}-2b5d-4f18-a6c0-d94e2b7f1a53"))
        .chain([ATTACKER.to_uppercase()])
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    vec![
        ("none", FilterHandle(ptr::null_mut())),
        (
            "attacker session",
            filter(AuditsiftFilterField::SessionId, &[ATTACKER]),
        ),
        (
            "ten sessions",
            filter(AuditsiftFilterField::SessionId, &many),
        ),
        (
            "user",
            filter(AuditsiftFilterField::User, &["megan.bowen@contoso.com"]),
        ),
        ("throttled", throttle_filter("megan.bowen@contoso.com")),
    ]
}

/// The UTF-16 batch and the UTF-8 batch .NET would make of it give the same result.
fn assert_same(docs16: &[Vec<u16>], what: &str) {
    let docs8: Vec<Vec<u8>> = docs16.iter().map(|d| dotnet_utf8(d)).collect();
    for (name, f) in filters() {
        for flags in [
            0,
            AUDITSIFT_FLAG_NO_RAW | AUDITSIFT_FLAG_FULL_TREE,
            AUDITSIFT_FLAG_TABLES_ONLY,
        ] {
            let from8 = contents(&parse_utf8(&docs8, &f, flags));
            let from16 = contents(&parse_utf16(docs16, &f, flags));
            assert!(
                from8 == from16,
                "{what}, filter {name}, flags {flags}: UTF-16 tally {:?} vs UTF-8 {:?}",
                from16.tally,
                from8.tally
            );
        }
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

#[test]
fn the_sample_reads_the_same_from_utf16() {
    let docs: Vec<Vec<u16>> = sample_audit_data().iter().map(|d| wide(d)).collect();
    for page in docs.chunks(700) {
        assert_same(page, "a page of the sample");
    }
    // The attacker session is found, and most documents are skipped unparsed.
    let f = filter(AuditsiftFilterField::SessionId, &[ATTACKER]);
    let all = contents(&parse_utf16(&docs, &f, AUDITSIFT_FLAG_TABLES_ONLY));
    assert_eq!(all.tally.read, docs.len() as u64);
    assert_eq!(all.tally.matched, 51);
    assert!(all.tally.skipped > 2900, "{:?}", all.tally);
}

#[test]
fn hostile_documents_read_the_same_from_utf16() {
    let escaped_id = ATTACKER
        .replace("7c3e", "\\u0037c\\u0033e")
        .replace("-a6c0", "\\u002da6c0");
    let texts = [
        format!(r#"{{"Id":"1","SessionId":"{ATTACKER}","Operation":"Send"}}"#),
        format!(r#"{{"Id":"2","SessionId":"{}","Subject":"Caf\u00e9 日本 😀"}}"#, ATTACKER.to_uppercase()),
        format!(r#"{{"Id":"3","SessionId":"{escaped_id}"}}"#),
        format!(r#"{{"Id":"4","Subject":"{ATTACKER}","SessionId":"other"}}"#),
        "\u{feff}{\"Id\":\"5\",\"SessionId\":\"x\"}".to_owned(),
        r#"{"Id":"6","OperationProperties":[{"Name":"IsThrottled","Value":"True"}],"Operation":"MailItemsAccessed","MailboxOwnerUPN":"megan.bowen@contoso.com"}"#.to_owned(),
        format!(r#"{{"Id":"7","IsThrottled{}":"true"}}"#, "é".repeat(20)),
        "{not json".to_owned(),
        String::new(),
        "   ".to_owned(),
        "[1,2]".to_owned(),
        format!("{}{}", "[".repeat(3000), "]".repeat(3000)),
        format!(r#"{{"Id":"8","SessionId":"{ATTACKER}","Deep":{{"a":[1.5e3,-0,null,true,{{"b":"\ud83d\ude00"}}]}}}}"#),
    ];
    let mut docs: Vec<Vec<u16>> = texts.iter().map(|t| wide(t)).collect();
    // Lone surrogates, inside and outside strings, before and after the id.
    let mut lone = wide(&format!(
        r#"{{"Id":"9","Subject":"x?y","SessionId":"{ATTACKER}"}}"#
    ));
    let at = lone.iter().position(|&u| u == u16::from(b'?')).expect("?");
    lone[at] = 0xd800;
    docs.push(lone.clone());
    lone[at] = 0xdfff;
    lone.insert(at, 0xdfff);
    docs.push(lone);
    let mut outside = wide(&format!(r#"{{"Id":"10","SessionId":"{ATTACKER}"}}"#));
    outside.insert(1, 0xdbff);
    docs.push(outside);
    let mut throttled = wide(r#"{"Id":"11","IsThrottled":"@@true"}"#);
    let gap = throttled
        .iter()
        .position(|&u| u == u16::from(b'@'))
        .expect("@");
    throttled.splice(gap..gap + 2, std::iter::repeat_n(0xdc00u16, 15));
    docs.push(throttled);
    // The same documents one by one, then all at once, then repeated past the size that is
    // split across cores.
    for d in &docs {
        assert_same(std::slice::from_ref(d), "one hostile document");
    }
    assert_same(&docs, "the hostile documents");
    let many: Vec<Vec<u16>> = docs.iter().cycle().take(40 * docs.len()).cloned().collect();
    assert_same(&many, "the hostile documents, repeated");
}

#[test]
fn document_references_read_the_text_they_replace() {
    // The sample (ASCII and not), and documents whose fields were unescaped or made.
    let mut texts = sample_audit_data();
    texts.push(
        r#"{"Id":"e-1","Operation":"Send","UserId":"u@x","Item":{"Subject":"Caf\u00e9 \"q\"","ParentFolder":{"Path":"\\Sent Items"}}}"#.to_owned(),
    );
    texts.push(r#"{"Id":"e-2","Operation":"Send","UserId":"jürgen@x","CreationTime":"2026-03-02T07:00:00.25"}"#.to_owned());
    let utf8: Vec<Vec<u8>> = texts.iter().map(|t| t.clone().into_bytes()).collect();
    let utf16: Vec<Vec<u16>> = texts.iter().map(|t| wide(t)).collect();
    let all = FilterHandle(ptr::null_mut());
    let flags = AUDITSIFT_FLAG_TABLES_ONLY;
    let copied = parse_utf8(&utf8, &all, flags);
    let refs = AUDITSIFT_FLAG_TABLES_ONLY | AUDITSIFT_FLAG_DOCUMENT_REFS;
    let (from_bytes, from_units) = (
        parse_utf8(&utf8, &all, refs),
        parse_utf16(&utf16, &all, refs),
    );
    let (unit_refs, wide_refs) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    // SAFETY: live results; the documents outlive them.
    let (want, got8, got16) = unsafe {
        (
            checks::record_texts(copied.0, |origin, start, len| {
                panic!("document reference {origin}:{start}+{len} without the flag")
            }),
            checks::record_texts(from_bytes.0, |origin, start, len| {
                String::from_utf8(utf8[origin][start..start + len].to_vec()).unwrap()
            }),
            checks::record_texts(from_units.0, |origin, start, len| {
                // A reference counts UTF-16 units, in documents all ASCII or not.
                let doc = &utf16[origin];
                unit_refs.set(unit_refs.get() + 1);
                if doc.iter().any(|&u| u >= 0x80) {
                    wide_refs.set(wide_refs.get() + 1);
                }
                String::from_utf16(&doc[start..start + len]).unwrap()
            }),
        )
    };
    assert_eq!(got8, want, "UTF-8 references");
    assert_eq!(got16, want, "UTF-16 references");
    let (unit_refs, wide_refs) = (unit_refs.get(), wide_refs.get());
    assert!(
        unit_refs > 10_000 && wide_refs > 1_000,
        "{unit_refs} references into UTF-16 documents, {wide_refs} into documents beyond ASCII"
    );
    let (copied, referred) = (contents(&copied), contents(&from_units));
    assert!(
        referred.text.len() < copied.text.len() / 2,
        "{} of {} bytes",
        referred.text.len(),
        copied.text.len()
    );
    // Unescaped and made text is still copied: the escaped subject and path, the time.
    let text = String::from_utf8_lossy(&referred.text);
    for copy in ["Café \"q\"", "\\Sent Items", "2026-03-02T07:00:00.25Z"] {
        assert!(text.contains(copy), "{copy}");
    }
}

#[test]
fn documents_with_lone_surrogates_are_never_referred_to() {
    // The UTF-8 the library reads holds U+FFFD where the caller's text holds the surrogate, so a
    // run of the caller's units would not be the text: such a document is copied, the others in
    // the batch still referred to.
    let mut broken = wide(r#"{"Id":"b-1","Operation":"Send","UserId":"é@x","Item":{"Subject":"#);
    broken.extend(wide("\"a"));
    broken.push(0xd83d);
    broken.extend(wide(r#"b","ParentFolder":{"Path":"after"}}}"#));
    let docs = vec![
        wide(r#"{"Id":"a-1","Operation":"Send","UserId":"é@x"}"#),
        broken,
    ];
    let all = FilterHandle(ptr::null_mut());
    let copied = parse_utf16(&docs, &all, AUDITSIFT_FLAG_TABLES_ONLY);
    let referred = parse_utf16(
        &docs,
        &all,
        AUDITSIFT_FLAG_TABLES_ONLY | AUDITSIFT_FLAG_DOCUMENT_REFS,
    );
    let referred_to = std::cell::RefCell::new(Vec::new());
    // SAFETY: live results; the documents outlive them.
    let (want, got) = unsafe {
        (
            checks::record_texts(copied.0, |origin, start, len| {
                panic!("document reference {origin}:{start}+{len} without the flag")
            }),
            checks::record_texts(referred.0, |origin, start, len| {
                referred_to.borrow_mut().push(origin);
                String::from_utf16(&docs[origin][start..start + len]).unwrap()
            }),
        )
    };
    assert_eq!(got, want);
    let referred_to = referred_to.into_inner();
    assert!(
        referred_to.contains(&0),
        "the whole document is referred to"
    );
    assert!(!referred_to.contains(&1), "the broken one is not");
    assert!(
        want.iter().flatten().any(|t| t == "a\u{fffd}b"),
        "the broken subject reads with U+FFFD: {want:?}"
    );
}

#[test]
fn bad_arguments_are_refused_without_a_result() {
    let doc = wide("{}");
    let pointers = [doc.as_ptr()];
    let lengths = [doc.len()];
    let mut out = ptr::null_mut();
    // SAFETY: each call is given what it reads, or NULL where the check is the point.
    unsafe {
        assert_eq!(
            auditsift_parse_batch_utf16(ptr::null(), lengths.as_ptr(), 1, ptr::null(), 0, &mut out),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_parse_batch_utf16(
                pointers.as_ptr(),
                ptr::null(),
                1,
                ptr::null(),
                0,
                &mut out
            ),
            AuditsiftStatus::NullArgument
        );
        assert_eq!(
            auditsift_parse_batch_utf16(
                pointers.as_ptr(),
                lengths.as_ptr(),
                1,
                ptr::null(),
                0,
                ptr::null_mut()
            ),
            AuditsiftStatus::NullArgument
        );
        let huge = [usize::MAX];
        assert_eq!(
            auditsift_parse_batch_utf16(
                pointers.as_ptr(),
                huge.as_ptr(),
                1,
                ptr::null(),
                0,
                &mut out
            ),
            AuditsiftStatus::OutOfBounds
        );
        assert!(out.is_null());
        ok(
            auditsift_parse_batch_utf16(ptr::null(), ptr::null(), 0, ptr::null(), 0, &mut out),
            "empty batch",
        );
        let empty = Result(out);
        assert_eq!(contents(&empty).count, 0);
    }
}

/// One of the `*_add` exports, bound to its handle.
type Add<'h> = Box<dyn Fn(*const AuditsiftResult) -> AuditsiftStatus + 'h>;

#[test]
fn a_tables_only_result_reads_the_same_and_is_refused_by_every_add() {
    let docs: Vec<Vec<u16>> = sample_audit_data()
        .iter()
        .take(600)
        .map(|d| wide(d))
        .collect();
    let none = FilterHandle(ptr::null_mut());
    let kept = parse_utf16(&docs, &none, 0);
    let tables_only = parse_utf16(&docs, &none, AUDITSIFT_FLAG_TABLES_ONLY);
    assert_eq!(contents(&kept), contents(&tables_only));
    let message = || {
        let mut buf = vec![0u8; 512];
        // SAFETY: the buffer holds `buf.len()` bytes.
        let n = unsafe { auditsift_last_error(buf.as_mut_ptr(), buf.len()) };
        String::from_utf8_lossy(&buf[..n.min(buf.len())]).into_owned()
    };
    // SAFETY: every handle is made here, used once and freed.
    unsafe {
        let mut collector = ptr::null_mut();
        ok(auditsift_collector_new(&mut collector), "collector");
        let mut inventory = ptr::null_mut();
        ok(auditsift_inventory_new(&mut inventory), "inventory");
        let mut exposure = ptr::null_mut();
        ok(
            auditsift_exposure_new(ptr::null(), &mut exposure),
            "exposure",
        );
        let mut pivot = ptr::null_mut();
        ok(auditsift_pivot_new(&mut pivot), "pivot");
        ok(
            auditsift_pivot_add_key(pivot, 2, b"10.1.2.3".as_ptr(), 8),
            "pivot key",
        );
        let mut report = ptr::null_mut();
        ok(auditsift_report_new(ptr::null(), &mut report), "report");
        let adds: [(&str, Add); 5] = [
            (
                "auditsift_collector_add",
                Box::new(|r| auditsift_collector_add(collector, r)),
            ),
            (
                "auditsift_inventory_add",
                Box::new(|r| auditsift_inventory_add(inventory, r)),
            ),
            (
                "auditsift_exposure_add",
                Box::new(|r| auditsift_exposure_add(exposure, r)),
            ),
            (
                "auditsift_pivot_add",
                Box::new(|r| auditsift_pivot_add(pivot, r)),
            ),
            (
                "auditsift_report_add",
                Box::new(|r| auditsift_report_add(report, r)),
            ),
        ];
        for (name, add) in &adds {
            assert_eq!(
                add(tables_only.0),
                AuditsiftStatus::InvalidArgument,
                "{name}"
            );
            let text = message();
            assert!(
                text.starts_with(name) && text.contains("AUDITSIFT_FLAG_TABLES_ONLY"),
                "{text}"
            );
            ok(add(kept.0), name);
        }
        let mut summary = ptr::null_mut();
        ok(
            auditsift_inventory_summarize(inventory, &mut summary),
            "summarize",
        );
        let summary = Result(summary);
        // Only the result that kept its records was counted.
        assert_eq!(contents(&summary).tally.read, docs.len() as u64);
        auditsift_collector_free(collector);
        auditsift_inventory_free(inventory);
        auditsift_exposure_free(exposure);
        auditsift_pivot_free(pivot);
        auditsift_report_free(report);
    }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// Ids the filters look for; documents hold them (or near misses) in any case and escaping.
const IDS: [&str; 3] = [ATTACKER, "AbC-12", "00000000-1111-2222-3333-444444444444"];

/// A piece of a generated document, as UTF-16 units.
fn piece() -> impl Strategy<Value = Vec<u16>> {
    prop_oneof![
        // An id as written: any case, some characters as \u00XX, maybe cut short.
        (0..IDS.len(), any::<u64>(), any::<bool>()).prop_map(|(i, seed, cut)| {
            let id = IDS[i];
            let take = if cut { id.len() - 1 } else { id.len() };
            let mut out = String::new();
            for (k, c) in id.chars().take(take).enumerate() {
                let bits = seed >> (k % 60);
                let c = if bits & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                if bits & 6 == 6 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push(c);
                }
            }
            wide(&out)
        }),
        Just(wide(r#""SessionId":""#)),
        Just(wide(r#"","#)),
        Just(wide("IsThrottled")),
        // `true` about 48 bytes of UTF-8 after the name, in characters of every UTF-8 width.
        (
            8..26usize,
            prop::sample::select(vec![
                vec![0x61u16],
                vec![0xe9],
                vec![0x20ac],
                vec![0xd83d, 0xde00],
                vec![0xd800],
                vec![0xdc00],
            ])
        )
            .prop_map(|(n, unit)| {
                let mut doc = wide("IsThrottled");
                for _ in 0..n {
                    doc.extend(&unit);
                }
                doc.extend(wide("tRuE"));
                doc
            }),
        Just(wide("TRUE")),
        Just(wide("\\u00")),
        Just(wide("\\u")),
        Just(wide("\\\\")),
        "[ -~]{0,12}".prop_map(|s| wide(&s)),
        "[é€日😀\u{7f}-\u{9f}]{1,6}".prop_map(|s| wide(&s)),
        // Lone surrogates and units whose bytes look like ASCII.
        prop::collection::vec(
            prop_oneof![0xd800u16..0xe000, Just(0x755c), Just(0x5c00), Just(0x0100)],
            1..4
        ),
    ]
}

/// A document: a JSON object holding the pieces in a string, or the bare pieces.
fn document() -> impl Strategy<Value = Vec<u16>> {
    (prop::collection::vec(piece(), 0..12), any::<bool>()).prop_map(|(pieces, object)| {
        let body: Vec<u16> = pieces.concat();
        if object {
            let mut doc = wide(r#"{"Id":"x","SessionId":""#);
            doc.extend(body);
            doc.extend(wide(
                r#"","MailboxOwnerUPN":"m@c.com","Operation":"MailItemsAccessed"}"#,
            ));
            doc
        } else {
            body
        }
    })
}

/// A filter over some of the ids (or none), maybe with users and throttled records.
fn filter_spec() -> impl Strategy<Value = FilterSpec> {
    (
        prop::collection::vec(0..IDS.len(), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(ids, aad, throttled)| {
            let ids: Vec<String> = ids.into_iter().map(|i| IDS[i].to_owned()).collect();
            FilterSpec {
                session_ids: if aad { Vec::new() } else { ids.clone() },
                aad_session_ids: if aad { ids } else { Vec::new() },
                users: if throttled {
                    vec!["m@c.com".into()]
                } else {
                    Vec::new()
                },
                keep_throttled: throttled,
                ..Default::default()
            }
        })
}

proptest! {
    /// The prefilter answers on UTF-16 units as on the UTF-8 .NET makes of them, and never rules
    /// out a document that matches.
    #[test]
    fn utf16_prefilter_is_the_utf8_prefilter(spec in filter_spec(), docs in prop::collection::vec(document(), 1..8)) {
        let filter = Filter::new(spec);
        for units in &docs {
            let utf8 = dotnet_utf8(units);
            let keep = filter.may_match_utf16(units);
            prop_assert_eq!(keep, filter.may_match(&utf8), "{:?}", String::from_utf16_lossy(units));
            let text = String::from_utf8(utf8).expect("lossy UTF-8");
            if let Ok(record) = parse_record(&text) {
                prop_assert!(keep || !filter.matches(&record), "a match was skipped: {}", text);
            }
        }
    }

    /// Whole batches through the ABI: the same result from UTF-16 as from UTF-8.
    #[test]
    fn utf16_batches_are_utf8_batches(ids in prop::collection::vec(0..IDS.len(), 0..3), docs in prop::collection::vec(document(), 0..40)) {
        let ids: Vec<&str> = ids.into_iter().map(|i| IDS[i]).collect();
        let f = if ids.is_empty() {
            FilterHandle(ptr::null_mut())
        } else {
            filter(AuditsiftFilterField::SessionId, &ids)
        };
        let docs8: Vec<Vec<u8>> = docs.iter().map(|d| dotnet_utf8(d)).collect();
        for flags in [0, AUDITSIFT_FLAG_FULL_TREE | AUDITSIFT_FLAG_TABLES_ONLY] {
            let from8 = contents(&parse_utf8(&docs8, &f, flags));
            let from16 = contents(&parse_utf16(&docs, &f, flags));
            prop_assert_eq!(from16.tally.read, docs.len() as u64);
            prop_assert!(from8 == from16, "{:?} vs {:?}", from16.tally, from8.tally);
        }
    }
}
