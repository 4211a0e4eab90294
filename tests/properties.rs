//! Property tests of the core's promises, checked against a plain reference written here on top of
//! `serde_json::Value`:
//!
//! * a document is rejected exactly when it is not a JSON object, and the fields a filter looks at
//!   read the same as in the reference;
//! * every document is accounted for: `read = skipped + rejected + parsed`,
//!   `parsed = filtered_out + duplicates + matched`, one error per rejected document;
//! * filtering keeps exactly the records the reference keeps: the byte prefilter never loses a
//!   match, and nothing that does not match is kept (sessions, AAD sessions, users, operations,
//!   IPs, time ranges);
//! * the collector drops repeated Ids, keeps the first, and its output is deterministic: the same
//!   whatever the batch sizes, and for distinct Ids the same whatever the input order;
//! * no input, however broken, panics.
//!
//! Documents come with case variants, white space padding, `\u00XX` escapes of id characters,
//! `\/`, ports and brackets, JSON held in strings, pretty printing, BOMs, repeated Ids, and
//! garbage (truncated, mutated, non-objects, deep nesting, arbitrary text). Each property runs
//! proptest's default 256 cases; the `PROPTEST_CASES` environment variable overrides that.

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use auditsift::batch::{Collector, Tally, parse_batch};
use auditsift::filter::{Filter, FilterSpec};
use auditsift::ip::{comparable_address, parse_client_address};
use auditsift::record::parse_record;
use auditsift::time::{parse_culture_datetime, parse_iso_utc};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Generated documents
// ---------------------------------------------------------------------------------------------

/// A JSON value to render; rendering chooses escapes and layout.
#[derive(Debug, Clone)]
enum Json {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    /// The value rendered as JSON and stored in a string, as some exports do.
    Encoded(Box<Json>),
}

/// One document of a generated batch.
#[derive(Debug, Clone)]
enum Doc {
    /// An AuditData object; `seed` drives escapes, `pretty` the layout.
    Record {
        fields: Vec<(String, Json)>,
        seed: u64,
        pretty: bool,
        bom: bool,
    },
    /// Any other text.
    Garbage(String),
}

impl Doc {
    fn text(&self) -> String {
        match self {
            Doc::Record {
                fields,
                seed,
                pretty,
                bom,
            } => {
                let mut r = Renderer::new(*seed, *pretty);
                if *bom {
                    r.out.push('\u{feff}');
                }
                r.object(fields);
                r.out
            }
            Doc::Garbage(text) => text.clone(),
        }
    }

    /// The same document with its `Id` replaced (records only).
    fn with_id(mut self, id: String) -> Doc {
        if let Doc::Record { fields, .. } = &mut self {
            fields.retain(|(k, _)| k != "Id");
            fields.push(("Id".to_owned(), Json::Str(id)));
        }
        self
    }
}

/// Writes JSON text, escaping characters at random (seeded) the ways real exports do.
struct Renderer {
    state: u64,
    pretty: bool,
    out: String,
}

impl Renderer {
    fn new(seed: u64, pretty: bool) -> Renderer {
        Renderer {
            state: seed,
            pretty,
            out: String::new(),
        }
    }

    /// splitmix64.
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    fn value(&mut self, v: &Json) {
        match v {
            Json::Str(s) => self.string(s),
            Json::Int(n) => self.out.push_str(&n.to_string()),
            Json::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Json::Null => self.out.push_str("null"),
            Json::Object(fields) => self.object(fields),
            Json::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.value(item);
                }
                self.out.push(']');
            }
            Json::Encoded(inner) => {
                let mut nested = Renderer::new(self.next(), false);
                nested.value(inner);
                self.string(&nested.out);
            }
        }
    }

    fn object(&mut self, fields: &[(String, Json)]) {
        self.out.push('{');
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            if self.pretty {
                self.out.push_str("\n  ");
            }
            self.string(key);
            self.out.push_str(if self.pretty { ": " } else { ":" });
            self.value(value);
        }
        if self.pretty {
            self.out.push('\n');
        }
        self.out.push('}');
    }

    /// A JSON string. One string in four is written with escapes of ordinary characters
    /// (`\u0036` for `6`, `\/`, `\u00e9`), which hide them from a byte search.
    fn string(&mut self, s: &str) {
        let escapy = self.one_in(4);
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' if self.one_in(2) => self.out.push_str("\\n"),
                '\r' if self.one_in(2) => self.out.push_str("\\r"),
                '\t' if self.one_in(2) => self.out.push_str("\\t"),
                c if (c as u32) < 0x20 => self.unicode_escape(c),
                '/' if self.one_in(2) => self.out.push_str("\\/"),
                c if escapy && self.one_in(5) => self.unicode_escape(c),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn unicode_escape(&mut self, c: char) {
        let upper = self.one_in(2);
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            let text = if upper {
                format!("\\u{unit:04X}")
            } else {
                format!("\\u{unit:04x}")
            };
            self.out.push_str(&text);
        }
    }
}

const SESSIONS: &[&str] = &[
    "6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11",
    "7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e",
    "0A3E5F1C-2B4D-4C6E-8F0A-1B2C3D4E5F60",
    "S-1",
    "42",
];
const USERS: &[&str] = &[
    "megan.bowen@contoso.com",
    "Alex.Wilber@Contoso.com",
    "admin@contoso.onmicrosoft.com",
    "42",
];
const OPERATIONS: &[&str] = &[
    "MailItemsAccessed",
    "Send",
    "HardDelete",
    "New-InboxRule",
    "42",
];
const ADDRESSES: &[&str] = &[
    "185.73.124.135",
    "10.1.2.3",
    "2001:db8::1",
    "fe80::1c2:3",
    "mail.contoso.com",
];
const IDS: &[&str] = &[
    "0f6b3c1e-2a4d-4b8e-9c7f-1d2e3f4a5b6c",
    "1e7c4d2f-3b5e-4c9f-8d0a-2e3f4a5b6c7d",
    "2f8d5e3a-4c6f-4dab-9e1b-3f4a5b6c7d8e",
    "3a9e6f4b-5d7a-4ebc-8f2c-4a5b6c7d8e9f",
    "not-a-guid-1",
    "not-a-guid-2",
];
/// White space a value may be padded with (trimmed by the parser and by the reference).
const PADS: &[&str] = &["", "", "", "", " ", "\t", "\r\n", "\u{a0}"];

/// A pool value with a case variant and padding.
fn variant_of(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    (
        select(pool),
        0..4u8,
        any::<u64>(),
        select(PADS),
        select(PADS),
    )
        .prop_map(|(base, case, mask, before, after)| {
            let cased: String = match case {
                0 => base.to_owned(),
                1 => base.to_ascii_uppercase(),
                2 => base.to_ascii_lowercase(),
                _ => base
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask >> (i % 64) & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect(),
            };
            format!("{before}{cased}{after}")
        })
        .boxed()
}

/// A text field's value: mostly a pool value, sometimes another JSON type.
fn text_value(pool: &'static [&'static str]) -> BoxedStrategy<Json> {
    prop_oneof![
        12 => variant_of(pool).prop_map(Json::Str),
        1 => Just(Json::Null),
        1 => Just(Json::Str(String::new())),
        1 => Just(Json::Str("  ".to_owned())),
        1 => Just(Json::Int(42)),
        1 => Just(Json::Bool(true)),
        1 => Just(Json::Object(vec![])),
        1 => Just(Json::Array(vec![Json::Str("S-1".to_owned())])),
    ]
    .boxed()
}

/// A client address as records write it: with ports, brackets, mapped forms, any case.
fn address_text() -> BoxedStrategy<String> {
    (select(ADDRESSES), 0..5u8, 1..u16::MAX, select(PADS))
        .prop_map(|(base, form, port, pad)| {
            let text = match base.parse::<IpAddr>() {
                Ok(IpAddr::V4(v4)) => match form {
                    0 => v4.to_string(),
                    1 => format!("{v4}:{port}"),
                    2 => format!("::ffff:{v4}"),
                    3 => format!("[::ffff:{v4}]:{port}"),
                    _ => format!("::FFFF:{v4}"),
                },
                Ok(IpAddr::V6(v6)) => match form {
                    0 => v6.to_string(),
                    1 => v6.to_string().to_ascii_uppercase(),
                    2 => format!("[{v6}]:{port}"),
                    3 => format!("[{v6}]"),
                    _ => v6
                        .segments()
                        .iter()
                        .map(|s| format!("{s:04x}"))
                        .collect::<Vec<_>>()
                        .join(":"),
                },
                Err(_) => match form {
                    0 => base.to_owned(),
                    _ => base.to_ascii_uppercase(),
                },
            };
            format!("{pad}{text}")
        })
        .boxed()
}

/// The instants records are generated at: a few minutes apart, some with fractions.
fn instant(minute_step: u32, fraction: usize) -> DateTime<Utc> {
    const NANOS: [i64; 4] = [0, 120_000_000, 123_000_000, 123_456_700];
    Utc.with_ymd_and_hms(2026, 3, 2, 6, 0, 0)
        .single()
        .unwrap_or_default()
        + Duration::minutes(7 * i64::from(minute_step))
        + Duration::nanoseconds(NANOS[fraction % NANOS.len()])
}

/// `CreationTime` text in the spellings AuditData uses: no zone, `Z`, offsets, 2/3/7 digits.
fn time_text() -> BoxedStrategy<String> {
    (0..8u32, 0..4usize, 0..4u8, any::<bool>(), select(PADS))
        .prop_map(|(step, fraction, zone, padded_fraction, pad)| {
            let t = instant(step, fraction);
            let (offset_hours, zone_text) = match zone {
                0 => (0, ""),
                1 => (0, "Z"),
                2 => (2, "+02:00"),
                _ => (-5, "-05:00"),
            };
            let local = t.naive_utc() + Duration::hours(offset_hours);
            let nanos = t.timestamp_subsec_nanos();
            let fraction_text = match (nanos, padded_fraction) {
                (0, false) => String::new(),
                (n, true) => format!(".{:07}", n / 100),
                (n, false) => format!(".{n:09}").trim_end_matches('0').to_owned(),
            };
            format!(
                "{}{fraction_text}{zone_text}{pad}",
                local.format("%Y-%m-%dT%H:%M:%S")
            )
        })
        .boxed()
}

/// A time field: mostly readable, sometimes not.
fn time_value() -> BoxedStrategy<Json> {
    prop_oneof![
        10 => time_text().prop_map(Json::Str),
        1 => Just(Json::Str("yesterday".to_owned())),
        1 => Just(Json::Str("2026-13-01T00:00:00".to_owned())),
        1 => Just(Json::Str(String::new())),
        1 => Just(Json::Null),
        1 => Just(Json::Int(1_772_431_200)),
    ]
    .boxed()
}

/// `AppAccessContext`: an object (key in any case), the same as a JSON string, or nothing.
fn app_access_context() -> BoxedStrategy<Json> {
    let context = (
        select(&["AADSessionId", "aadSessionId", "AadSessionID"][..]),
        text_value(SESSIONS),
        any::<bool>(),
    )
        .prop_map(|(key, value, token_first)| {
            let token = (
                "UniqueTokenId".to_owned(),
                Json::Str("4UGxLDg_sHRQ".to_owned()),
            );
            let aad = (key.to_owned(), value);
            Json::Object(if token_first {
                vec![token, aad]
            } else {
                vec![aad, token]
            })
        })
        .boxed();
    prop_oneof![
        4 => context.clone(),
        2 => context.prop_map(|c| Json::Encoded(Box::new(c))),
        1 => Just(Json::Null),
        1 => Just(Json::Str(String::new())),
        1 => Just(Json::Object(vec![])),
    ]
    .boxed()
}

/// MailItemsAccessed `OperationProperties`: `IsThrottled` as text or a boolean, in an array, the
/// same as a JSON string, or as Search-MailboxAuditLog's `Name:Value` lines.
fn operation_properties() -> BoxedStrategy<Json> {
    let throttled = prop_oneof![
        Just(Json::Str("True".to_owned())),
        Just(Json::Str("False".to_owned())),
        Just(Json::Str("true".to_owned())),
        Just(Json::Bool(true)),
        Just(Json::Bool(false)),
    ];
    (throttled, 0..3u8)
        .prop_map(|(value, form)| {
            let entry = |name: &str, value: Json| {
                Json::Object(vec![
                    ("Name".to_owned(), Json::Str(name.to_owned())),
                    ("Value".to_owned(), value),
                ])
            };
            let flat = match &value {
                Json::Str(s) => s.clone(),
                Json::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
                _ => String::new(),
            };
            let array = Json::Array(vec![
                entry("MailAccessType", Json::Str("Bind".to_owned())),
                entry("IsThrottled", value),
            ]);
            match form {
                0 => array,
                1 => Json::Encoded(Box::new(array)),
                _ => Json::Str(format!("MailAccessType:Bind\nIsThrottled:{flat}")),
            }
        })
        .boxed()
}

/// Any JSON value, for fields the parser does not read.
fn unknown_value() -> BoxedStrategy<Json> {
    let leaf = prop_oneof![
        "[ -~]{0,12}".prop_map(Json::Str),
        any::<i64>().prop_map(Json::Int),
        any::<bool>().prop_map(Json::Bool),
        Just(Json::Null),
        variant_of(SESSIONS).prop_map(Json::Str),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec(("[A-Za-z]{1,8}", inner.clone()), 0..4).prop_map(Json::Object),
            inner.prop_map(|v| Json::Encoded(Box::new(v))),
        ]
    })
    .boxed()
}

/// The fields of one AuditData record, in random order, each present or not.
fn record_fields() -> BoxedStrategy<Vec<(String, Json)>> {
    let id = prop_oneof![
        8 => variant_of(IDS).prop_map(Json::Str),
        1 => Just(Json::Null),
    ];
    let identity = (
        prop::option::weighted(0.9, id),
        prop::option::weighted(0.85, time_value()),
        prop::option::weighted(0.05, time_value()),
        prop::option::weighted(0.8, text_value(OPERATIONS)),
        prop::option::weighted(0.8, (any::<bool>(), text_value(USERS))),
        prop::option::weighted(0.5, text_value(USERS)),
    );
    let session = (
        prop::option::weighted(0.7, address_text()),
        prop::option::weighted(0.4, (any::<bool>(), address_text())),
        prop::option::weighted(0.7, text_value(SESSIONS)),
        prop::option::weighted(0.5, app_access_context()),
        prop::option::weighted(0.15, text_value(SESSIONS)),
        prop::option::weighted(0.2, variant_of(SESSIONS)),
        prop::option::weighted(0.3, unknown_value()),
        prop::option::weighted(0.3, operation_properties()),
    );
    (identity, session)
        .prop_flat_map(
            |(
                (id, time, time_generated, operation, user, owner),
                (
                    client_ip,
                    client_ip_address,
                    session,
                    context,
                    device_session,
                    decoy,
                    extra,
                    properties,
                ),
            )| {
                let mut fields: Vec<(String, Json)> = Vec::new();
                let mut put = |key: &str, value: Json| fields.push((key.to_owned(), value));
                if let Some(v) = id {
                    put("Id", v);
                }
                if let Some(v) = time {
                    put("CreationTime", v);
                }
                if let Some(v) = time_generated {
                    put("TimeGenerated", v);
                }
                if let Some(v) = operation {
                    put("Operation", v);
                }
                if let Some((sentinel_name, v)) = user {
                    put(if sentinel_name { "UserId_" } else { "UserId" }, v);
                }
                if let Some(v) = owner {
                    put("MailboxOwnerUPN", v);
                }
                if let Some(v) = client_ip {
                    put("ClientIP", Json::Str(v));
                }
                if let Some((sentinel_name, v)) = client_ip_address {
                    let key = if sentinel_name {
                        "Client_IPAddress"
                    } else {
                        "ClientIPAddress"
                    };
                    put(key, Json::Str(v));
                }
                if let Some(v) = session {
                    put("SessionId", v);
                }
                if let Some(v) = context {
                    put("AppAccessContext", v);
                }
                if let Some(v) = device_session {
                    let entry = |name: &str, value: Json| {
                        Json::Object(vec![
                            ("Name".to_owned(), Json::Str(name.to_owned())),
                            ("Value".to_owned(), value),
                        ])
                    };
                    let os = entry("OS", Json::Str("Windows10".to_owned()));
                    put(
                        "DeviceProperties",
                        Json::Array(vec![os, entry("SessionId", v)]),
                    );
                }
                if let Some(v) = decoy {
                    // A session id in attacker-chosen text: the prefilter finds it, the parse must
                    // not take it for the record's session.
                    let item = Json::Object(vec![
                        ("Subject".to_owned(), Json::Str(format!("re: {v}"))),
                        (
                            "ParentFolder".to_owned(),
                            Json::Object(vec![(
                                "Path".to_owned(),
                                Json::Str("\\Inbox".to_owned()),
                            )]),
                        ),
                    ]);
                    put("AffectedItems", Json::Array(vec![item]));
                }
                if let Some(v) = extra {
                    put("Extra", v);
                }
                if let Some(v) = properties {
                    put("OperationProperties", v);
                }
                Just(fields).prop_shuffle()
            },
        )
        .boxed()
}

/// A valid AuditData document.
fn record_doc() -> BoxedStrategy<Doc> {
    (
        record_fields(),
        any::<u64>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(fields, seed, pretty, bom)| Doc::Record {
            fields,
            seed,
            pretty,
            bom,
        })
        .boxed()
}

/// Text that is not an AuditData object, or only nearly one.
fn garbage_doc() -> BoxedStrategy<Doc> {
    let fixed = select(
        &[
            "",
            " ",
            "{",
            "}",
            "[]",
            "null",
            "42",
            "\"S-1\"",
            "[{\"SessionId\":\"S-1\"}]",
            "{\"SessionId\":}",
            "{'SessionId':'S-1'}",
            "{\"SessionId\":\"S-1\"} trailing",
            "{\"SessionId\":\"S-1\",}",
            "{\"Subject\":\"\\q\",\"SessionId\":\"S-1\"}",
            "{\"Path\":\"C:\\Users\",\"SessionId\":\"S-1\"}",
            "{\"SessionId\":\"S-1\"\u{0}}",
            "{\"SessionId\":\"S-\u{1}1\"}",
            "\u{feff}\u{feff}{\"SessionId\":\"S-1\"}",
        ][..],
    )
    .prop_map(str::to_owned);
    prop_oneof![
        3 => fixed,
        // A record cut short (a truncated line or a broken export).
        3 => (record_doc(), any::<prop::sample::Index>()).prop_map(|(doc, at)| {
            let text = doc.text();
            let cut = at.index(text.len().max(1));
            text.char_indices()
                .map(|(i, _)| i)
                .take_while(|i| *i <= cut)
                .last()
                .map_or(String::new(), |i| text[..i].to_owned())
        }),
        // A record with bytes changed.
        3 => (record_doc(), prop::collection::vec((any::<prop::sample::Index>(), select(
            &["", "\"", "\\", "{", "}", "[", "]", ",", ":", "\\u00", "\\u12", "0", "-"][..],
        )), 1..4)).prop_map(|(doc, edits)| mutate(&doc.text(), &edits)),
        // Nesting around the parser's depth limit, inside an unknown field.
        1 => (100..200usize, select(&["[", "{\"a\":"][..])).prop_map(|(depth, open)| {
            let close = if open == "[" { "]" } else { "}" };
            format!(
                "{{\"SessionId\":\"S-1\",\"Extra\":{}1{}}}",
                open.repeat(depth),
                close.repeat(depth)
            )
        }),
        1 => "\\PC{0,40}",
        1 => "[ -~]{0,40}",
    ]
    .prop_map(Doc::Garbage)
    .boxed()
}

/// Applies edits (replace one character by a snippet) at the given positions.
fn mutate(text: &str, edits: &[(prop::sample::Index, &str)]) -> String {
    let mut out = text.to_owned();
    for (at, snippet) in edits {
        let boundaries: Vec<usize> = out.char_indices().map(|(i, _)| i).collect();
        if boundaries.is_empty() {
            out.push_str(snippet);
            continue;
        }
        let start = boundaries[at.index(boundaries.len())];
        let end = out[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        out.replace_range(start..end, snippet);
    }
    out
}

/// Mostly records, some garbage.
fn any_doc() -> BoxedStrategy<Doc> {
    prop_oneof![5 => record_doc(), 1 => garbage_doc()].boxed()
}

/// Values for one filter category: often none, else a few pool values, blanks or strangers.
fn filter_values(pool: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<String>> {
    let value = prop_oneof![
        6 => pool,
        1 => Just("  ".to_owned()),
        1 => Just("nobody-matches-this".to_owned()),
    ];
    prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec(value, 1..4),
    ]
}

/// A time bound near a generated instant (on it, or a nanosecond or a second off).
fn time_bound() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    prop::option::weighted(
        0.3,
        (
            0..8u32,
            0..4usize,
            select(&[-1_000_000_000i64, -1, 0, 1, 1_000_000_000][..]),
        )
            .prop_map(|(step, fraction, delta)| {
                instant(step, fraction) + Duration::nanoseconds(delta)
            }),
    )
}

fn filter_spec() -> BoxedStrategy<FilterSpec> {
    (
        filter_values(variant_of(SESSIONS)),
        filter_values(variant_of(SESSIONS)),
        filter_values(variant_of(USERS)),
        filter_values(variant_of(OPERATIONS)),
        filter_values(address_text()),
        time_bound(),
        time_bound(),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(session_ids, aad_session_ids, users, operations, ips, start, end, keep_throttled)| {
                FilterSpec {
                    session_ids,
                    aad_session_ids,
                    users,
                    operations,
                    ips,
                    start,
                    end,
                    keep_throttled,
                }
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// The reference: what the documentation promises, read with serde_json::Value
// ---------------------------------------------------------------------------------------------

/// The document as a JSON object (one leading BOM allowed), or `None` when it must be rejected.
/// Nesting depth is not limited: the top level is read with raw values, and only then each field
/// as a `Value` (a field too deep to read that way counts as null).
fn ref_object(text: &str) -> Option<Map<String, Value>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fields: BTreeMap<String, Box<RawValue>> = serde_json::from_str(body).ok()?;
    Some(
        fields
            .into_iter()
            .map(|(k, raw)| (k, serde_json::from_str(raw.get()).unwrap_or(Value::Null)))
            .collect(),
    )
}

/// A text field: strings trimmed (blank is absent), integers and booleans rendered.
fn ref_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|t| !t.is_empty()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        _ => None,
    }
}

/// An ISO 8601 time, UTC when it has no zone.
fn ref_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// The address a client text stands for, IPv4-mapped IPv6 as IPv4; host names in lower case.
fn ref_address(text: &str) -> String {
    let t = text.trim();
    let addr = if let Some(rest) = t.strip_prefix('[') {
        rest.split_once(']')
            .and_then(|(a, _)| a.parse::<IpAddr>().ok())
    } else if let Ok(a) = t.parse::<IpAddr>() {
        Some(a)
    } else {
        t.rsplit_once(':').and_then(|(host, port)| {
            port.parse::<u16>().ok()?;
            host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
        })
    };
    match addr {
        Some(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| v6.to_string(), |v4| v4.to_string()),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => t.to_ascii_lowercase(),
    }
}

/// The fields a filter looks at, read the plain way.
#[derive(Debug, Clone, PartialEq)]
struct RefRecord {
    id: Option<String>,
    time: Option<DateTime<Utc>>,
    operation: Option<String>,
    user_id: Option<String>,
    mailbox_owner: Option<String>,
    client_ip: Option<String>,
    client_ip_address: Option<String>,
    session: Option<String>,
    aad_session: Option<String>,
    /// `IsThrottled` from `OperationProperties`.
    throttled: Option<bool>,
}

/// `IsThrottled` from `OperationProperties`: an array of `{Name, Value}` (or the same in a
/// string), or `Name:Value` lines.
fn ref_throttled(o: &Map<String, Value>) -> Option<bool> {
    let from_text = |t: &str| match t.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    let entries = match o.get("OperationProperties")? {
        Value::Array(a) => a.clone(),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => a,
            _ => {
                return s.lines().find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("IsThrottled")
                        .then(|| from_text(value))?
                });
            }
        },
        _ => return None,
    };
    entries.iter().find_map(|e| {
        let name = ref_text(e.get("Name"))?;
        if !name.eq_ignore_ascii_case("IsThrottled") {
            return None;
        }
        match e.get("Value")? {
            Value::Bool(b) => Some(*b),
            Value::String(t) => from_text(t),
            _ => None,
        }
    })
}

fn ref_record(o: &Map<String, Value>) -> RefRecord {
    let text = |key: &str| ref_text(o.get(key));
    let context = match o.get("AppAccessContext") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        _ => None,
    };
    let from_context = context.and_then(|m| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("AADSessionId"))
            .and_then(|(_, v)| ref_text(Some(v)))
    });
    // Entra ID sign-ins name their session in DeviceProperties.
    let from_device = match o.get("DeviceProperties") {
        Some(Value::Array(entries)) => entries.iter().find_map(|e| {
            let name = ref_text(e.get("Name"))?;
            let value = ref_text(e.get("Value"))?;
            name.eq_ignore_ascii_case("SessionId").then_some(value)
        }),
        _ => None,
    };
    RefRecord {
        id: text("Id"),
        time: text("CreationTime")
            .or_else(|| text("TimeGenerated"))
            .and_then(|t| ref_time(&t)),
        operation: text("Operation"),
        user_id: text("UserId").or_else(|| text("UserId_")),
        mailbox_owner: text("MailboxOwnerUPN"),
        client_ip: text("ClientIP"),
        client_ip_address: text("ClientIPAddress").or_else(|| text("Client_IPAddress")),
        session: text("SessionId"),
        aad_session: from_context.or(from_device),
        throttled: ref_throttled(o),
    }
}

/// The filter's lists without blank entries, trimmed.
fn ref_clean(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Categories combine with AND, values within one with OR; sessions and AAD sessions are one
/// category; text compares without ASCII case.
fn ref_matches(r: &RefRecord, spec: &FilterSpec) -> bool {
    let eq = |value: &Option<String>, wanted: &String| {
        value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
    };
    let users = ref_clean(&spec.users);
    let user_matches = users.is_empty()
        || users
            .iter()
            .any(|w| eq(&r.user_id, w) || eq(&r.mailbox_owner, w));
    let mail_items_accessed = r
        .operation
        .as_deref()
        .is_some_and(|op| op.eq_ignore_ascii_case("MailItemsAccessed"));
    if spec.keep_throttled && r.throttled == Some(true) && mail_items_accessed && user_matches {
        return true;
    }
    let sessions = ref_clean(&spec.session_ids);
    let aad_sessions = ref_clean(&spec.aad_session_ids);
    let any_session = sessions.iter().any(|w| eq(&r.session, w))
        || aad_sessions.iter().any(|w| eq(&r.aad_session, w));
    if !(sessions.is_empty() && aad_sessions.is_empty() || any_session) {
        return false;
    }
    if !user_matches {
        return false;
    }
    let operations = ref_clean(&spec.operations);
    if !operations.is_empty() && !operations.iter().any(|w| eq(&r.operation, w)) {
        return false;
    }
    let ips: Vec<String> = ref_clean(&spec.ips)
        .iter()
        .map(|ip| ref_address(ip))
        .collect();
    if !ips.is_empty() {
        let seen = [&r.client_ip, &r.client_ip_address];
        if !seen
            .into_iter()
            .flatten()
            .any(|text| ips.contains(&ref_address(text)))
        {
            return false;
        }
    }
    if spec.start.is_some() || spec.end.is_some() {
        let Some(t) = r.time else {
            return false;
        };
        if spec.start.is_some_and(|s| t < s) || spec.end.is_some_and(|e| t > e) {
            return false;
        }
    }
    true
}

/// What the reference keeps from a whole input: the indices of matching documents whose Id
/// (compared without ASCII case; the raw text when there is none) was not kept before, sorted
/// by time (records without one last), then Id, then input position.
struct RefOutcome {
    kept: Vec<usize>,
    rejected: Vec<usize>,
    matching: usize,
}

fn ref_collect(texts: &[String], spec: &FilterSpec) -> RefOutcome {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    let mut rejected = Vec::new();
    let mut matching = 0;
    let mut keys = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let Some(o) = ref_object(text) else {
            rejected.push(i);
            continue;
        };
        let r = ref_record(&o);
        if !ref_matches(&r, spec) {
            continue;
        }
        matching += 1;
        let key = match &r.id {
            Some(id) => format!("id:{}", id.to_ascii_lowercase()),
            None => format!("raw:{text}"),
        };
        if seen.insert(key) {
            keys.push(((r.time.is_none(), r.time), r.id.clone(), i));
            kept.push(i);
        }
    }
    keys.sort();
    RefOutcome {
        kept: keys.into_iter().map(|(_, _, i)| i).collect(),
        rejected,
        matching,
    }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// A collector's output: records and errors as (position in the input, raw text), and counts.
type Collected = (Vec<(u64, String)>, Vec<(u64, String)>, Tally);

/// Feeds the texts to a collector in batches of the given sizes (cycled).
fn collect_in_batches(texts: &[String], filter: &Filter, sizes: &[usize]) -> Collected {
    let mut collector = Collector::new();
    let mut start = 0;
    for size in sizes.iter().cycle() {
        if start >= texts.len() {
            break;
        }
        let end = (start + size.max(&1)).min(texts.len());
        collector.add_batch(parse_batch(&texts[start..end], filter));
        start = end;
    }
    let (records, errors, tally) = collector.finish();
    (
        records
            .into_iter()
            .map(|c| (c.origin, c.record.raw.into_owned()))
            .collect(),
        errors.into_iter().map(|e| (e.index, e.raw)).collect(),
        tally,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    /// A document is rejected exactly when it is not a JSON object; otherwise the fields filters
    /// use read as the reference reads them, and the raw text is kept as given.
    #[test]
    fn parser_agrees_with_reference(doc in any_doc()) {
        let text = doc.text();
        let parsed = parse_record(&text);
        match (ref_object(&text), parsed) {
            (None, Ok(r)) => prop_assert!(false, "accepted a non-object: {text:?} -> {r:?}"),
            (None, Err(e)) => prop_assert!(!e.to_string().is_empty()),
            (Some(_), Err(e)) => prop_assert!(false, "rejected a JSON object {text:?}: {e}"),
            (Some(o), Ok(r)) => {
                let want = ref_record(&o);
                let got = RefRecord {
                    id: r.id.as_deref().map(str::to_owned),
                    time: r.creation_time,
                    operation: r.operation.as_deref().map(str::to_owned),
                    user_id: r.user_id.as_deref().map(str::to_owned),
                    mailbox_owner: r.mailbox_owner_upn.as_deref().map(str::to_owned),
                    client_ip: r.client_ip.as_deref().map(str::to_owned),
                    client_ip_address: r.client_ip_address.as_deref().map(str::to_owned),
                    session: r.session_id.as_deref().map(str::to_owned),
                    aad_session: r.aad_session_id.as_deref().map(str::to_owned),
                    throttled: r.is_throttled,
                };
                prop_assert_eq!(got, want, "document {:?}", text);
                prop_assert_eq!(r.raw.as_ref(), text.as_str());
            }
        }
    }

    /// One batch under a random filter: kept records are exactly the reference's matches (the
    /// prefilter loses none), errors are exactly the rejected documents that could match, and the
    /// counts add up.
    #[test]
    fn filtering_keeps_exactly_the_matches(
        docs in prop::collection::vec(any_doc(), 0..40),
        spec in filter_spec(),
    ) {
        let texts: Vec<String> = docs.iter().map(Doc::text).collect();
        let filter = Filter::new(spec.clone());
        let outcome = parse_batch(&texts, &filter);
        let tally = outcome.tally;
        prop_assert!(tally.is_consistent(), "{:?}", tally);
        prop_assert_eq!(tally.read, texts.len() as u64);
        prop_assert_eq!(tally.duplicates, 0);
        prop_assert_eq!(tally.rejected, outcome.errors.len() as u64);
        prop_assert_eq!(tally.matched, outcome.records.len() as u64);

        let mut want_kept = Vec::new();
        let mut want_rejected = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            match ref_object(text) {
                None => want_rejected.push(i),
                Some(o) => {
                    if ref_matches(&ref_record(&o), &spec) {
                        prop_assert!(filter.may_match(text.as_bytes()),
                            "prefilter lost a match: {:?} for {:?}", text, spec);
                        want_kept.push(i);
                    }
                }
            }
        }
        let kept: Vec<usize> = outcome.records.iter().map(|(i, _)| *i).collect();
        prop_assert_eq!(&kept, &want_kept, "filter {:?}", spec);
        for (i, r) in &outcome.records {
            prop_assert_eq!(r.raw.as_ref(), texts[*i].as_str());
        }
        // Every error is a rejected document with its text; every rejected document is an error
        // unless the prefilter skipped it; with no session filter nothing is skipped.
        let error_indices: Vec<usize> = outcome.errors.iter().map(|e| e.index as usize).collect();
        for e in &outcome.errors {
            prop_assert!(want_rejected.contains(&(e.index as usize)));
            prop_assert_eq!(&e.raw, &texts[e.index as usize]);
            prop_assert!(!e.reason.is_empty());
        }
        let no_session_filter = ref_clean(&spec.session_ids).is_empty()
            && ref_clean(&spec.aad_session_ids).is_empty();
        if no_session_filter {
            prop_assert_eq!(tally.skipped, 0);
            prop_assert_eq!(&error_indices, &want_rejected);
        } else {
            for i in &want_rejected {
                prop_assert!(error_indices.contains(i) || !filter.may_match(texts[*i].as_bytes()));
            }
        }
    }

    /// Many batches into a collector: the reference's kept records in the reference's order,
    /// repeats of an Id dropped (the first kept), every document accounted for.
    #[test]
    fn collector_matches_reference(
        docs in prop::collection::vec(any_doc(), 0..40),
        spec in filter_spec(),
        sizes in prop::collection::vec(1..9usize, 1..6),
    ) {
        let texts: Vec<String> = docs.iter().map(Doc::text).collect();
        let filter = Filter::new(spec.clone());
        let (records, errors, tally) = collect_in_batches(&texts, &filter, &sizes);
        let want = ref_collect(&texts, &spec);
        prop_assert!(tally.is_consistent(), "{:?}", tally);
        prop_assert_eq!(tally.read, texts.len() as u64);
        prop_assert_eq!(tally.matched, want.kept.len() as u64);
        prop_assert_eq!(tally.duplicates, (want.matching - want.kept.len()) as u64);
        prop_assert_eq!(tally.rejected, errors.len() as u64);
        let origins: Vec<usize> = records.iter().map(|(o, _)| *o as usize).collect();
        prop_assert_eq!(&origins, &want.kept, "filter {:?}", spec);
        for (origin, raw) in &records {
            prop_assert_eq!(raw, &texts[*origin as usize]);
        }
        for (index, raw) in &errors {
            prop_assert!(want.rejected.contains(&(*index as usize)));
            prop_assert_eq!(raw, &texts[*index as usize]);
        }
    }

    /// The collector's output does not depend on how the input was cut into batches.
    #[test]
    fn collector_output_does_not_depend_on_batch_sizes(
        docs in prop::collection::vec(any_doc(), 0..40),
        spec in filter_spec(),
        sizes_a in prop::collection::vec(1..9usize, 1..6),
        sizes_b in prop::collection::vec(1..40usize, 1..3),
    ) {
        let texts: Vec<String> = docs.iter().map(Doc::text).collect();
        let filter = Filter::new(spec);
        let a = collect_in_batches(&texts, &filter, &sizes_a);
        let b = collect_in_batches(&texts, &filter, &sizes_b);
        prop_assert_eq!(a, b);
    }

    /// With distinct Ids, the collector's records come out in the same order whatever the input
    /// order, and the same errors are reported.
    #[test]
    fn collector_output_does_not_depend_on_input_order(
        docs in prop::collection::vec(any_doc(), 0..30),
        spec in filter_spec(),
        order in any::<u64>(),
    ) {
        // Documents that are objects all get distinct Ids (accepted garbage has none: left out).
        let texts: Vec<String> = docs
            .into_iter()
            .enumerate()
            .map(|(i, d)| d.with_id(format!("{i:08x}-0000-4000-8000-000000000000")).text())
            .filter(|t| t.contains("-0000-4000-8000-") || ref_object(t).is_none())
            .collect();
        let mut shuffled = texts.clone();
        // Fisher-Yates with the generated seed.
        let mut state = order;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let filter = Filter::new(spec);
        let (records_a, errors_a, tally_a) = collect_in_batches(&texts, &filter, &[7]);
        let (records_b, errors_b, tally_b) = collect_in_batches(&shuffled, &filter, &[5]);
        let raw = |list: Vec<(u64, String)>| list.into_iter().map(|(_, r)| r).collect::<Vec<_>>();
        prop_assert_eq!(raw(records_a), raw(records_b));
        let mut ea = raw(errors_a);
        let mut eb = raw(errors_b);
        ea.sort();
        eb.sort();
        prop_assert_eq!(ea, eb);
        prop_assert_eq!(tally_a, tally_b);
    }

    /// Arbitrary text never panics the parser, the filter or the value parsers; any JSON object
    /// is accepted; counts add up.
    #[test]
    fn arbitrary_text_never_panics(
        text in prop_oneof!["\\PC{0,200}", "[\\[\\]{}\":,0-9a-fA-F \\\\u/.eE+-]{0,120}", ".{0,60}"],
        spec_text in prop::collection::vec(".{0,20}", 0..4),
        start in prop::option::of(any::<i32>()),
    ) {
        // Strict JSON (valid Unicode, depth at most 128) must be accepted; whatever is accepted
        // must at least be a JSON object.
        if matches!(serde_json::from_str::<Value>(&text), Ok(Value::Object(_))) {
            prop_assert!(parse_record(&text).is_ok(), "rejected a JSON object: {:?}", text);
        }
        if parse_record(&text).is_ok() {
            prop_assert!(ref_object(&text).is_some(), "accepted a non-object: {:?}", text);
        }
        let spec = FilterSpec {
            session_ids: spec_text.clone(),
            aad_session_ids: spec_text.clone(),
            users: spec_text.clone(),
            operations: spec_text.clone(),
            ips: spec_text.clone(),
            start: start.and_then(|s| Utc.timestamp_opt(i64::from(s), 0).single()),
            end: None,
            keep_throttled: false,
        };
        let filter = Filter::new(spec);
        let _ = filter.may_match(text.as_bytes());
        if let Ok(r) = parse_record(&text) {
            let _ = filter.matches(&r);
            let _ = r.detail();
            let _ = r.into_owned();
        }
        let outcome = parse_batch(std::slice::from_ref(&text), &filter);
        prop_assert!(outcome.tally.is_consistent());
        prop_assert_eq!(outcome.tally.read, 1);
        let _ = parse_iso_utc(&text);
        let _ = parse_culture_datetime(&text);
        let _ = parse_client_address(&text);
        let _ = comparable_address(&text);
    }

    /// Arbitrary bytes never panic the prefilter.
    #[test]
    fn arbitrary_bytes_never_panic_the_prefilter(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        ids in prop::collection::vec("[ -~]{1,12}", 1..8),
    ) {
        let filter = Filter::new(FilterSpec { session_ids: ids, ..Default::default() });
        let _ = filter.may_match(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.min(24), ..ProptestConfig::default() })]

    /// Batches large enough to be parsed on all cores give what one document at a time gives.
    #[test]
    fn large_batches_equal_one_at_a_time(
        docs in prop::collection::vec(any_doc(), 257..700),
        spec in filter_spec(),
    ) {
        let texts: Vec<String> = docs.iter().map(Doc::text).collect();
        let filter = Filter::new(spec);
        let whole = parse_batch(&texts, &filter);
        let mut kept = Vec::new();
        let mut errors = Vec::new();
        let mut tally = Tally::default();
        for (i, text) in texts.iter().enumerate() {
            let one = parse_batch(std::slice::from_ref(text), &filter);
            kept.extend(one.records.iter().map(|_| i));
            errors.extend(one.errors.iter().map(|e| (i as u64, e.reason.clone())));
            tally.add(&one.tally);
        }
        let whole_kept: Vec<usize> = whole.records.iter().map(|(i, _)| *i).collect();
        let whole_errors: Vec<(u64, String)> =
            whole.errors.iter().map(|e| (e.index, e.reason.clone())).collect();
        prop_assert_eq!(whole_kept, kept);
        prop_assert_eq!(whole_errors, errors);
        prop_assert_eq!(whole.tally, tally);
    }
}

proptest! {
    /// The byte prefilter never skips a document whose parsed session matches, whatever the id's
    /// characters and however the document escapes them.
    #[test]
    fn prefilter_never_loses_a_match_for_any_id(
        id in "\\PC{1,12}",
        seed in any::<u64>(),
        upper in any::<bool>(),
    ) {
        let written = if upper { id.to_ascii_uppercase() } else { id.clone() };
        let doc = Doc::Record {
            fields: vec![("SessionId".to_owned(), Json::Str(written))],
            seed,
            pretty: false,
            bom: false,
        }
        .text();
        let filter = Filter::new(FilterSpec {
            session_ids: vec![id],
            ..Default::default()
        });
        if let Ok(r) = parse_record(&doc) && filter.matches(&r) {
            prop_assert!(filter.may_match(doc.as_bytes()), "skipped a match: {:?}", doc);
        }
    }
}

/// `DeviceProperties`' `SessionId` (Entra ID sign-ins) is trimmed like every other id, so that an
/// AAD session filter finds a padded one.
#[test]
fn device_properties_session_is_trimmed() {
    let doc = r#"{"Operation":"UserLoggedIn","DeviceProperties":[{"Name":"SessionId","Value":" 7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e\r\n"}]}"#;
    let record = parse_record(doc).map(|r| r.aad_session_id.map(|s| s.into_owned()));
    assert_eq!(
        record,
        Ok(Some("7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e".to_owned()))
    );
}
