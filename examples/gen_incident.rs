//! Deterministic generator of a Microsoft 365 audit-log incident, with its ground truth.
//!
//! It writes a business-email-compromise scenario in the shapes collection tools produce
//! (Purview export CSV, `Search-UnifiedAuditLog | Export-Csv`, `Search-MailboxAuditLog -ShowDetails
//! | Export-Csv`, JSON lines, JSON array) and a JSON file that states what it put in, so tests and
//! benchmarks can compare a parser's answers with the truth. Same arguments, same bytes: the only
//! randomness is a splitmix64 generator seeded from `--seed`.
//!
//! # Command line
//!
//! ```text
//! cargo run --release --example gen_incident -- [--format purview-csv|sual-csv|mailbox-csv|jsonl|json-array]
//!     [--records N | --bytes N] [--seed S] [--out PATH] [--truth PATH]
//! ```
//!
//! * No argument at all: writes the bundled sample `examples/incident.csv` (Purview CSV, about 3,000
//!   rows, seed 1) and its truth `examples/incident.truth.json`, both under the crate root.
//! * `--format` (default `purview-csv`):
//!   - `purview-csv`: UTF-8 BOM, header `RecordId,CreationDate,RecordType,Operation,UserId,AuditData,
//!     AssociatedAdminUnits,AssociatedAdminUnitsNames`, CRLF rows, RFC 4180 quoting only where needed,
//!     CreationDate `2026-03-02T06:54:24.0000000Z` (about 1% carry a trailing space), RecordType as a name.
//!   - `sual-csv`: no BOM (PowerShell 7 `Export-Csv -NoTypeInformation`), every field quoted, header
//!     `"RecordType","CreationDate","UserIds","Operations","AuditData","ResultIndex","ResultCount",
//!     "Identity","IsValid","ObjectState"`, CreationDate in US culture (`3/2/2026 7:31:34 AM`, UTC),
//!     ResultIndex = row number, ResultCount = 5000 (the page size, as since 2026).
//!   - `mailbox-csv`: UTF-8 BOM (Windows PowerShell `-Encoding UTF8`), every field quoted, the flat
//!     `Search-MailboxAuditLog -ShowDetails` columns, for the victim's mailbox only (mailbox
//!     operations: no admin cmdlets, no sign-ins, no SharePoint), without duplicates and without the
//!     invalid record. There is no record Id column: compare on (time, operation). LastAccessed is UTC
//!     in US culture. `OperationProperties` has one `Name:Value` per line (LF);
//!     `AggregatedRecordFoldersData` has one line per folder: `<folder path>: "<id1>","<id2>"`
//!     (a shape chosen here; real exports vary); `Source*List` columns have one value per line.
//!   - `jsonl`: one AuditData object per line (LF), including the invalid one.
//!   - `json-array`: a pretty-printed JSON array of AuditData objects; the invalid record is left out
//!     (it would make the whole array unparseable).
//! * `--records N`: about N rows (never fewer than the ~240 rows of the fixed cast; default 3,000).
//!   `--bytes N`: about N bytes (the background volume adapts hour by
//!   hour). Both scale the background: above 20,000 rows the log covers more days (up to 60, always
//!   ending 2026-03-04) and more mailboxes (up to 100,000); the victim's, the admin's and the
//!   attacker's records stay the same small set, so a session filter finds the same few hits.
//!   Numbers accept `_` and a `k`/`M`/`G` suffix (powers of 1000).
//! * `--seed S` (default 1): everything but the fixed identifiers below depends on it.
//! * `--out PATH` (default stdout when any argument is given), `--truth PATH` (not written unless
//!   asked, except in the no-argument run). Missing parent directories are created.
//!
//! The attacker's SessionId, AADSessionId and the row count are printed on stderr.
//!
//! # Scenario
//!
//! Tenant contoso.com (OrganizationId [`ORG_ID`]), 2026-03-02 to 2026-03-04 UTC. The victim
//! `megan.bowen@contoso.com` works from the corporate IP with Outlook desktop (one SessionId a day,
//! `Client=MSExchangeRPC`), Outlook mobile (one SessionId) and, on day 3, OWA. An attacker signs in as
//! her (Entra `UserLoginFailed` twice, then `UserLoggedIn` with the AADSessionId [`ATTACKER_AAD`] in
//! `DeviceProperties[Name=SessionId]`), reads and downloads OneDrive/SharePoint files (RecordType 6,
//! `AppAccessContext.AADSessionId` = the same id) and uses one Exchange SessionId
//! [`ATTACKER_SESSION`] from a different VPN IP on almost every record (`ClientIP` keeps the raw text:
//! `185.73.124.135:19823`, `[2001:db8::1]:443`, `::ffff:10.1.2.3`; `ClientIPAddress` the bare address):
//! MailItemsAccessed Sync of folders, Bind records, a hostile `New-InboxRule`, a `Send`, a
//! `MoveToDeletedItems`, a burst of 20-40 `HardDelete`, one MailItemsAccessed with `IsThrottled`
//! True, and a few more records on day 2. Other users produce mailbox, SharePoint and sign-in traffic;
//! an admin runs basic-auth PowerShell (no SessionId, no AppAccessContext).
//!
//! Variants sprinkled deterministically (the attacker session has at least one of most): CreationTime
//! with `Z`, with 7 fractional digits; RecordType as a string (`"50"`); ExternalAccess `"False"`;
//! LogonType `"Owner"` (exactly one record, the victim's); ResultStatus `Succeeded` / `success` /
//! `PartiallySucceeded` (`True` for admin cmdlets, `Success`/`Failed` for sign-ins, none for
//! SharePoint); OriginatingServer ending in `\r\n`, `\n` or nothing; `/` written `\/` and non-ASCII
//! written `\uXXXX` on some records; non-ASCII subjects, names and folders; OperationProperties and
//! Folders as a string holding JSON; AppAccessContext partial or empty; records pretty-printed over
//! several CRLF lines (CSV formats only; jsonl stays one line a record); about 1% of rows repeated
//! later with the same Id (a repeated page); exactly one record that is not valid JSON (an unescaped
//! `\Deleted Items` path), never duplicated, never in the attacker session. Hostile content: the
//! inbox rule is named `=HYPERLINK("http://x","y")`, the attacker's Send subject contains
//! `<script>alert(1)</script>`, a deleted item's subject contains ANSI escapes (`\u001b[31m`).
//!
//! # Ground truth (`--truth`, pretty JSON, keys sorted)
//!
//! Computed from the rows actually written in the chosen format.
//! * `format`, `seed`, `victim` (UPN), `time_range` {`start`, `end`} (end exclusive).
//! * `attacker`: `user` (UPN), `session_id` (Exchange SessionId), `aad_session_id`, `ips` (bare
//!   addresses of the attacker's session records and of the records linked by AADSessionId, sorted),
//!   `ips_raw` (the raw ClientIP texts, sorted).
//! * `attacker_timeline`: `[{Id, CreationTime, Operation}]`, every unique valid record whose
//!   `SessionId` is the attacker's, sorted by CreationTime then Id (GUIDs compare as lowercase
//!   strings). CreationTime is ISO UTC `YYYY-MM-DDTHH:MM:SSZ`, with the 7 fractional digits
//!   (`.1234567Z`) when the record has a non-zero fraction. Duplicates are removed.
//! * `attacker_linked`: `[{Id, CreationTime, Operation, Workload}]`, the records without SessionId
//!   that carry the attacker's AADSessionId (sign-ins, SharePoint/OneDrive), same order.
//! * `attacker_exposure`: `mailbox`; `sync_folders` `[{folder, time}]` (every attacker Sync record);
//!   `messages` `[{internet_message_id, folder, accesses}]` sorted by id, where `accesses` counts the
//!   listed occurrences of that InternetMessageId in the `Folders[].FolderItems[]` of the attacker's
//!   unique Bind records (OperationCount is not spread over them); `unlisted_binds`
//!   `[{record_id, operation_count, listed}]`, the Bind records whose OperationCount exceeds their
//!   listed items (one in the scenario); `throttled` `[{record_id, start, end}]` (end = start + 24 h).
//!   Folder paths are the decoded strings (`\Inbox`).
//! * `records_written` (rows, including duplicates and the invalid one) = `unique_records` +
//!   `duplicates` + number of `invalid`. `unique_records` counts distinct Ids among valid rows.
//! * `invalid`: `[{row, id}]`, row = 1-based data row (header not counted; for JSON lines the line,
//!   for a JSON array the element).
//! * `sessions`: SessionId -> unique valid records with that SessionId; `no_session_records`: unique
//!   valid records without SessionId (sign-ins, SharePoint, basic-auth PowerShell). Their sum is
//!   `unique_records`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use serde_json::{Value, json};

/// OrganizationId of the fictitious tenant.
const ORG_ID: &str = "4a8f3b2e-6c1d-4e7a-9b5f-2d8c0e1a7f36";
/// OrganizationName as Exchange prints it.
const ORG_NAME: &str = "contoso.onmicrosoft.com";
/// Mail domain of every user.
const DOMAIN: &str = "contoso.com";
/// The attacker's Exchange SessionId (fixed, whatever the seed).
const ATTACKER_SESSION: u128 = 0x7c3e91a4_2b5d_4f18_a6c0_d94e2b7f1a53;
/// The attacker's Entra ID session (`AppAccessContext.AADSessionId`), fixed.
const ATTACKER_AAD: u128 = 0x2f8d6b1c_94a3_4e57_8c21_6a0b3d9e5f74;
/// Index of the victim in the population.
const VICTIM: usize = 0;
/// Index of the Exchange admin in the population.
const ADMIN: usize = 1;
/// Index of the user whose record is the invalid one.
const ADELE: usize = 2;
/// 100 ns ticks per second: times are kept as ticks since the Unix epoch, UTC.
const TPS: i64 = 10_000_000;
/// Ticks per day.
const TPD: i64 = 86_400 * TPS;
/// Rows per Search-UnifiedAuditLog page (the `ResultCount` printed in `sual-csv`).
const PAGE: u64 = 5000;
/// Row count of the bundled sample.
const SAMPLE_RECORDS: u64 = 3000;
/// Average row size assumed before any row is written (bytes).
const AVG_GUESS: u64 = 1500;

/// The attacker's VPN exits, as they appear in `ClientIP` (rotated record by record).
const ATTACKER_IPS: [&str; 24] = [
    "185.73.124.135:19823",
    "45.133.1.72",
    "193.29.56.118",
    "91.219.236.15",
    "194.26.29.113",
    "146.70.116.90",
    "185.220.101.34",
    "[2001:db8::1]:443",
    "107.189.10.143",
    "23.129.64.214",
    "185.73.124.135",
    "89.187.175.42",
    "::ffff:10.1.2.3",
    "212.102.57.88",
    "37.120.217.71",
    "185.107.57.20",
    "195.176.3.23",
    "102.129.143.9",
    "156.146.62.40",
    "198.54.128.101",
    "217.138.209.247",
    "84.17.46.122",
    "149.88.22.156",
    "185.156.46.33",
];

/// Corporate NAT addresses.
const CORP_IPS: [&str; 2] = ["198.51.100.23", "198.51.100.24"];
/// The admin's workstation.
const ADMIN_IP: &str = "198.51.100.40";

/// Mailbox folders, as decoded paths (`\Inbox`).
const FOLDERS: [&str; 9] = [
    "\\Inbox",
    "\\Sent Items",
    "\\Deleted Items",
    "\\Archive",
    "\\Inbox\\Finance",
    "\\Drafts",
    "\\Inbox\\Projets été",
    "\\Inbox\\日本語",
    "\\RSS Feeds",
];
/// Indexes into [`FOLDERS`].
const F_INBOX: u8 = 0;
const F_SENT: u8 = 1;
const F_DELETED: u8 = 2;
const F_ARCHIVE: u8 = 3;
const F_FINANCE: u8 = 4;
const F_DRAFTS: u8 = 5;
const F_PROJETS: u8 = 6;
const F_JAPANESE: u8 = 7;

/// Subject templates; `{n}` is replaced by a number.
const SUBJECTS: [&str; 20] = [
    "Weekly sync – agenda #{n}",
    "Invoice {n} – payment due",
    "RE: Contract renewal {n}",
    "FW: Q1 forecast v{n}",
    "Réunion d'équipe – compte rendu n°{n}",
    "Café ☕ vendredi ? ({n})",
    "会議のお知らせ（第{n}回）",
    "Quarterly results 📈 {n}",
    "Travel booking confirmation #{n}",
    "RE: Purchase order PO-{n}",
    "Déjeuner avec le client – {n}",
    "Über die Präsentation {n}",
    "Shipment {n} delayed",
    "Your expense report {n} was approved",
    "RE: RE: budget 2026 ✅ {n}",
    "Candidature – poste n°{n}",
    "Projektplan \"Phase {n}\"",
    "Lunch, coffee, and slides {n}",
    "Ticket #{n}: VPN not working",
    "Naïve question about the café's Wi-Fi {n}",
];

/// SharePoint / OneDrive files (relative URLs).
const FILES: [&str; 8] = [
    "Documents/Budget 2026.xlsx",
    "Documents/Notes réunion.docx",
    "Shared Documents/Roadmap Q2.pptx",
    "Documents/Rapport annuel – été.pdf",
    "Shared Documents/契約書.docx",
    "Documents/Photo 🏖️.jpg",
    "Shared Documents/Specs, v2 \"final\".docx",
    "Documents/Team list.csv",
];

/// The eight named users of the sample tenant: (UPN local part, display name).
const NAMED: [(&str, &str); 8] = [
    ("megan.bowen", "Megan Bowen"),
    ("lee.gu", "Lee Gu"),
    ("adele.vance", "Adele Vance"),
    ("alex.wilber", "Alex Wilber"),
    ("diego.siciliani", "Diego Siciliani"),
    ("heloise.dubois", "Héloïse Dubois"),
    ("kenji.tanaka", "田中 健二"),
    ("patti.fernandez", "Patti Fernández"),
];
/// First names of generated users (big mode): (UPN part, display).
const FIRST: [(&str, &str); 12] = [
    ("anna", "Anna"),
    ("bruno", "Bruno"),
    ("chloe", "Chloé"),
    ("dmitri", "Dmitri"),
    ("emma", "Emma"),
    ("farid", "Farid"),
    ("greta", "Greta"),
    ("hugo", "Hugo"),
    ("ines", "Inès"),
    ("jonas", "Jonas"),
    ("yuki", "Yuki"),
    ("zoe", "Zoë"),
];
/// Last names of generated users (big mode): (UPN part, display).
const LAST: [(&str, &str); 12] = [
    ("andersen", "Andersen"),
    ("costa", "Costa"),
    ("eriksen", "Eriksen"),
    ("garcia", "García"),
    ("ito", "伊藤"),
    ("kowalski", "Kowalski"),
    ("mueller", "Müller"),
    ("nunez", "Núñez"),
    ("oconnor", "O'Connor"),
    ("rossi", "Rossi"),
    ("weber", "Weber"),
    ("yilmaz", "Yılmaz"),
];

/// Relative activity per UTC hour of the day (background traffic).
const HOUR_WEIGHT: [u64; 24] = [
    1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 3, 2, 2, 1, 1,
];

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers and hashing
// ---------------------------------------------------------------------------------------------

/// The splitmix64 finaliser: a good 64-bit mixer.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a few numbers, for identifiers derived from their meaning (a user's session on a day).
fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(0x243F_6A88_85A3_08D3, |h, &p| {
        mix64(h ^ p.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    })
}

/// A GUID derived from one 64-bit value (for ids that must stay the same for the same input).
fn guid_of(x: u64) -> u128 {
    guid_from(
        mix64(x ^ 0x6A09_E667_F3BC_C908),
        mix64(x ^ 0xBB67_AE85_84CA_A73B),
    )
}

/// FNV-1a hash of a string, mixed.
fn str_hash(s: &str) -> u64 {
    mix64(s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    }))
}

/// A version-4-shaped GUID from two 64-bit values.
fn guid_from(a: u64, b: u64) -> u128 {
    let mut x = (u128::from(a) << 64) | u128::from(b);
    x = (x & !(0xF << 76)) | (0x4 << 76);
    (x & !(0x3 << 62)) | (0x2 << 62)
}

/// splitmix64 generator (Vigna): tiny, fast, and good enough for test data.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// A generator whose stream is fixed by `seed`.
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// Next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    /// Uniform in `0..n` (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `p` per million.
    fn ppm(&mut self, p: u64) -> bool {
        self.below(1_000_000) < p
    }
    /// A uniformly chosen element.
    fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
    /// A random version-4 GUID.
    fn guid(&mut self) -> u128 {
        let a = self.next_u64();
        let b = self.next_u64();
        guid_from(a, b)
    }
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// Lowercase 8-4-4-4-12 form of a GUID.
fn guid_str(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Base64 alphabet used for Exchange-looking item and folder ids.
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `prefix` followed by `len` base64 characters derived from `seed`.
fn b64ish(prefix: &str, seed: u64, len: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    let mut state = seed;
    let mut h = 0;
    for i in 0..len {
        if i % 10 == 0 {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            h = mix64(state);
        }
        s.push(B64[(h & 63) as usize] as char);
        h >>= 6;
    }
    s
}

/// Calendar fields of a tick time.
struct Civil {
    y: i32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    frac: u32,
}

/// Splits a tick time into calendar fields (chrono does the calendar).
fn civil(t: i64) -> Civil {
    let dt = DateTime::from_timestamp(t.div_euclid(TPS), 0)
        .expect("time in range")
        .naive_utc();
    Civil {
        y: dt.year(),
        mo: dt.month(),
        d: dt.day(),
        h: dt.hour(),
        mi: dt.minute(),
        s: dt.second(),
        frac: t.rem_euclid(TPS) as u32,
    }
}

/// `2026-03-02T06:54:24`, optionally with 7 fractional digits and `Z` (AuditData CreationTime).
fn fmt_audit(t: i64, frac7: bool, z: bool) -> String {
    let c = civil(t);
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    );
    if frac7 {
        s.push_str(&format!(".{:07}", c.frac));
    }
    if z {
        s.push('Z');
    }
    s
}

/// `2026-03-02T06:54:24.0000000Z` (Purview CreationDate).
fn fmt_purview(t: i64) -> String {
    fmt_audit(t, true, true)
}

/// `3/2/2026 7:31:34 AM` (US culture, seconds only).
fn fmt_us(t: i64) -> String {
    let c = civil(t);
    let h12 = if c.h.is_multiple_of(12) { 12 } else { c.h % 12 };
    let ampm = if c.h < 12 { "AM" } else { "PM" };
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        c.mo, c.d, c.y, h12, c.mi, c.s, ampm
    )
}

/// Truth time: `...Z`, with 7 fractional digits only when the fraction is not zero.
fn fmt_truth(t: i64) -> String {
    fmt_audit(t, t.rem_euclid(TPS) != 0, true)
}

/// The address inside a raw ClientIP text: drops `[...]:port` brackets and an IPv4 `:port`.
fn bare_ip(raw: &str) -> &str {
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match raw.split_once(':') {
        Some((a, p)) if a.contains('.') && !p.contains(':') => a,
        _ => raw,
    }
}

// ---------------------------------------------------------------------------------------------
// JSON writer (keeps key order, supports the escape and layout variants)
// ---------------------------------------------------------------------------------------------

/// A streaming JSON writer into a byte buffer.
///
/// It keeps keys in the order written (serde_json's map would sort them), can pretty-print with a
/// chosen line ending, can write `/` as `\/` and non-ASCII as `\uXXXX`, and can write a raw,
/// unescaped string (for the one invalid record).
struct Jw<'a> {
    out: &'a mut Vec<u8>,
    pretty: bool,
    nl: &'static [u8],
    depth: usize,
    first: bool,
    slash: bool,
    ascii: bool,
}

impl<'a> Jw<'a> {
    /// A writer appending to `out`.
    fn new(
        out: &'a mut Vec<u8>,
        pretty: bool,
        nl: &'static [u8],
        slash: bool,
        ascii: bool,
    ) -> Self {
        Jw {
            out,
            pretty,
            nl,
            depth: 0,
            first: true,
            slash,
            ascii,
        }
    }
    /// Separator before a member or element: comma, and in pretty mode a new indented line.
    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        if self.pretty && self.depth > 0 {
            self.out.extend_from_slice(self.nl);
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"  ");
            }
        }
    }
    /// Opens `{` or `[` (the caller wrote the key or called `elem`).
    fn open(&mut self, c: u8) {
        self.out.push(c);
        self.depth += 1;
        self.first = true;
    }
    /// Closes `}` or `]`.
    fn close(&mut self, c: u8) {
        self.depth -= 1;
        if self.pretty && !self.first {
            self.out.extend_from_slice(self.nl);
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"  ");
            }
        }
        self.out.push(c);
        self.first = false;
    }
    /// Writes `"key":`.
    fn key(&mut self, k: &str) {
        self.sep();
        self.esc(k);
        self.out.push(b':');
        if self.pretty {
            self.out.push(b' ');
        }
    }
    /// Starts an array element.
    fn elem(&mut self) {
        self.sep();
    }
    /// `"key": {` .
    fn obj(&mut self, k: &str) {
        self.key(k);
        self.open(b'{');
    }
    /// `"key": [` .
    fn arr(&mut self, k: &str) {
        self.key(k);
        self.open(b'[');
    }
    /// A string member.
    fn s(&mut self, k: &str, v: &str) {
        self.key(k);
        self.esc(v);
    }
    /// A number member.
    fn n(&mut self, k: &str, v: u64) {
        self.key(k);
        self.out.extend_from_slice(v.to_string().as_bytes());
    }
    /// A boolean member.
    fn b(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
    }
    /// A string member written without any escaping (produces invalid JSON on a backslash).
    fn raw_s(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push(b'"');
        self.out.extend_from_slice(v.as_bytes());
        self.out.push(b'"');
    }
    /// A `{"Name": .., "Value": ..}` array element.
    fn name_value(&mut self, name: &str, value: &str) {
        self.elem();
        self.open(b'{');
        self.s("Name", name);
        self.s("Value", value);
        self.close(b'}');
    }
    /// Writes a quoted, escaped JSON string.
    fn esc(&mut self, v: &str) {
        let (slash, ascii) = (self.slash, self.ascii);
        let out = &mut *self.out;
        out.push(b'"');
        let bytes = v.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let special = matches!(b, b'"' | b'\\' | 0..=0x1f)
                || (b == b'/' && slash)
                || (b >= 0x80 && ascii);
            if !special {
                i += 1;
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            if b >= 0x80 {
                let ch = v[i..].chars().next().expect("char boundary");
                let mut units = [0u16; 2];
                for u in ch.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                }
                i += ch.len_utf8();
            } else {
                match b {
                    b'"' => out.extend_from_slice(b"\\\""),
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'/' => out.extend_from_slice(b"\\/"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                }
                i += 1;
            }
            start = i;
        }
        out.extend_from_slice(&bytes[start..]);
        out.push(b'"');
    }
}

// ---------------------------------------------------------------------------------------------
// Population
// ---------------------------------------------------------------------------------------------

/// One user and the identifiers that appear in their records.
struct User {
    upn: String,
    display: String,
    /// Passport-style id, the Exchange `UserKey`.
    puid: String,
    sid: String,
    object_id: u128,
    mailbox_guid: u128,
    /// Mailbox server (`OriginatingServer` without the build).
    server: String,
    /// Address of the user's phone.
    mobile_ip: String,
}

impl User {
    /// User number `i`: the eight named ones first, then generated names (identifiers depend on
    /// `i` only, not on the seed).
    fn new(i: usize) -> User {
        let (local, display) = if i < NAMED.len() {
            (NAMED[i].0.to_string(), NAMED[i].1.to_string())
        } else {
            let j = i - NAMED.len();
            let f = FIRST[j % FIRST.len()];
            let l = LAST[(j / FIRST.len()) % LAST.len()];
            let k = j / (FIRST.len() * LAST.len());
            let suffix = if k == 0 { String::new() } else { k.to_string() };
            (
                format!("{}.{}{}", f.0, l.0, suffix),
                format!("{} {}{}", f.1, l.1, if k == 0 { "" } else { " " }) + &suffix,
            )
        };
        let h = hash(&[i as u64, 0x05E7]);
        let h2 = hash(&[i as u64, 0x0B1E]);
        let h3 = hash(&[i as u64, 0x3A11]);
        let mobile_ip = if h.is_multiple_of(10) {
            format!("2001:db8:4a1e:{:x}::1", h2 & 0xffff)
        } else {
            format!("203.0.113.{}", 1 + h3 % 254)
        };
        User {
            upn: format!("{local}@{DOMAIN}"),
            display,
            puid: format!("10032001{:08X}", h >> 32),
            sid: format!(
                "S-1-5-21-3819183929-2749418735-3271390433-{}",
                20_000_000 + h2 % 9_000_000
            ),
            object_id: guid_from(h, h2),
            mailbox_guid: guid_from(h2, h3),
            server: format!("AM0PR04MB{:04}", 1000 + h3 % 9000),
            mobile_ip,
        }
    }
}

/// Every user of the tenant.
struct Population {
    users: Vec<User>,
}

impl Population {
    /// `n` users (at least the eight named ones).
    fn new(n: usize) -> Self {
        Population {
            users: (0..n.max(NAMED.len())).map(User::new).collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// A mail item as it appears in `Item`, `AffectedItems` or `FolderItems`.
#[derive(Clone)]
struct Msg {
    imid: String,
    subject: String,
    folder: u8,
    size: u64,
    /// Seed of the item's Exchange `Id`.
    key: u64,
}

/// Message number `n` of folder `folder` of mailbox `owner` (the same arguments give the same message).
fn message(owner: usize, folder: u8, n: u64) -> Msg {
    let h = hash(&[owner as u64, u64::from(folder), n, 0x5EED]);
    let subject =
        SUBJECTS[(h % SUBJECTS.len() as u64) as usize].replace("{n}", &(n + 100).to_string());
    let imid = match (h >> 8) % 4 {
        0 => format!(
            "<CA+{}@mail.gmail.com>",
            &b64ish("", h, 24).replace(['+', '/'], "x")
        ),
        1 => format!("<{:016x}.{}@fabrikam.com>", h, n),
        _ => format!("<AM0PR04MB6451{h:016X}@AM0PR04MB6451.eurprd04.prod.outlook.com>"),
    };
    Msg {
        imid,
        subject,
        folder,
        size: 2_000 + (h >> 40) % 180_000,
        key: h,
    }
}

/// A message written for the scenario, with its own subject.
fn special_message(owner: usize, folder: u8, tag: u64, subject: &str) -> Msg {
    let mut m = message(owner, folder, 1_000_000 + tag);
    m.subject = subject.to_string();
    m
}

/// Which client produced a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    /// Outlook desktop (MAPI).
    Rpc,
    /// Outlook for iOS.
    Mobile,
    /// Outlook on the web.
    Owa,
    /// REST API client.
    Rest,
    /// Basic-auth remote PowerShell.
    Ps,
    /// A browser (sign-ins, SharePoint).
    Browser,
}

impl Client {
    /// `ClientInfoString`.
    fn info(self) -> &'static str {
        match self {
            Client::Rpc => "Client=MSExchangeRPC",
            Client::Mobile => "Client=OutlookService;Outlook-iOS/2.0;",
            Client::Owa => "Client=OWA;Action=ViaProxy",
            Client::Rest => "Client=REST;Client=RESTSystem;;",
            Client::Ps => "Client=Microsoft.Exchange.Powershell; Microsoft WinRM Client",
            Client::Browser => "",
        }
    }
    /// Entra application id of the client, if any.
    fn app_id(self) -> Option<&'static str> {
        match self {
            Client::Rpc | Client::Rest => Some("d3590ed6-52b3-4102-aeff-aad2292ab01c"),
            Client::Mobile => Some("27922004-5251-4030-b22d-91ecd9a37ea4"),
            Client::Owa => Some("00000002-0000-0ff1-ce00-000000000000"),
            Client::Ps | Client::Browser => None,
        }
    }
    /// (`ClientProcessName`, `ClientVersion`) where Exchange records them.
    fn process(self) -> (&'static str, &'static str) {
        match self {
            Client::Rpc => ("OUTLOOK.EXE", "16.0.17928.20114"),
            Client::Owa => ("", "15.20.7452.28"),
            _ => ("", ""),
        }
    }
}

/// Who did it, from where, in which session.
#[derive(Clone)]
struct Ctx {
    /// Exchange `SessionId` (None for basic auth and non-Exchange records).
    session: Option<u128>,
    /// Entra `AADSessionId`.
    aad: Option<u128>,
    /// `AppAccessContext.IssuedAtTime`.
    iat: i64,
    /// Seed of `AppAccessContext.UniqueTokenId`.
    uti: u64,
    /// Raw `ClientIP` text.
    ip: String,
    client: Client,
    /// 0 owner, 1 admin, 2 delegate.
    logon: u8,
}

/// The operation-specific part of a record.
#[derive(Clone)]
enum Body {
    /// MailItemsAccessed, MailAccessType Sync, one folder.
    Sync { folder: u8, throttled: bool },
    /// MailItemsAccessed, MailAccessType Bind: listed items by folder, and OperationCount.
    Bind {
        folders: Vec<(u8, Vec<Msg>)>,
        count: u64,
        throttled: bool,
    },
    /// Send, Update, Create: one `Item`.
    Item { item: Msg },
    /// HardDelete, SoftDelete, MoveToDeletedItems: `AffectedItems`, `Folder`, maybe `DestFolder`.
    Delete {
        items: Vec<Msg>,
        folder: u8,
        dest: Option<u8>,
    },
    /// An Exchange cmdlet (RecordType 1) with `ObjectId` and `Parameters`.
    Admin {
        object: String,
        params: Vec<(&'static str, String)>,
    },
    /// An Entra sign-in (RecordType 15).
    Logon { ok: bool, ua: &'static str },
    /// A SharePoint / OneDrive file operation (RecordType 6).
    File {
        onedrive: bool,
        site: String,
        path: &'static str,
        size: u64,
    },
}

/// Deterministic variants of the textual shape of a record.
#[derive(Clone, Copy, Default)]
struct Var {
    /// CreationTime ends in `Z`.
    z: bool,
    /// CreationTime has 7 fractional digits.
    frac7: bool,
    /// RecordType written as a string.
    rt_string: bool,
    /// ExternalAccess written as `"False"`.
    ext_string: bool,
    /// LogonType written as a name.
    logon_name: bool,
    /// 0 the usual status, 1 lowercase `success`, 2 `PartiallySucceeded`.
    status: u8,
    /// OriginatingServer ends in 0 `\r\n`, 1 `\n`, 2 nothing.
    orig_nl: u8,
    /// `/` written `\/`.
    slash: bool,
    /// Non-ASCII written as `\uXXXX`.
    ascii: bool,
    /// OperationProperties as a string holding JSON.
    props_string: bool,
    /// Folders as a string holding JSON.
    folders_string: bool,
    /// AppAccessContext: 0 full, 1 partial, 2 empty.
    aac: u8,
    /// Pretty-printed over several lines (CSV formats).
    pretty: bool,
    /// Not valid JSON (an unescaped backslash in a path).
    invalid: bool,
    /// Purview CreationDate with a trailing space.
    date_space: bool,
}

/// One audit record.
#[derive(Clone)]
struct Rec {
    t: i64,
    id: u128,
    op: &'static str,
    /// Acting user (UserId).
    actor: usize,
    /// Mailbox or OneDrive owner.
    owner: usize,
    ctx: Ctx,
    body: Body,
    v: Var,
    /// Emit a second copy of this row later (fixed records only).
    dup: bool,
}

impl Rec {
    /// Numeric RecordType.
    fn record_type(&self) -> u64 {
        match self.body {
            Body::Sync { .. } | Body::Bind { .. } => 50,
            Body::Item { .. } => 2,
            Body::Delete { .. } => 3,
            Body::Admin { .. } => 1,
            Body::Logon { .. } => 15,
            Body::File { .. } => 6,
        }
    }
    /// Workload name.
    fn workload(&self) -> &'static str {
        match self.body {
            Body::Logon { .. } => "AzureActiveDirectory",
            Body::File { onedrive: true, .. } => "OneDrive",
            Body::File { .. } => "SharePoint",
            _ => "Exchange",
        }
    }
    /// Whether this is a mailbox operation (the rows `Search-MailboxAuditLog` returns).
    fn is_mailbox_op(&self) -> bool {
        matches!(
            self.body,
            Body::Sync { .. } | Body::Bind { .. } | Body::Item { .. } | Body::Delete { .. }
        )
    }
}

/// RecordType name as Purview and Search-UnifiedAuditLog print it.
fn record_type_name(rt: u64) -> &'static str {
    match rt {
        1 => "ExchangeAdmin",
        2 => "ExchangeItem",
        3 => "ExchangeItemGroup",
        6 => "SharePointFileOperation",
        15 => "AzureActiveDirectoryStsLogon",
        50 => "ExchangeItemAggregated",
        _ => "Unknown",
    }
}

/// Exchange folder `Id` of a folder of a mailbox.
fn folder_id(mailbox: u128, folder: u8) -> String {
    b64ish(
        "LgAAAAD",
        hash(&[mailbox as u64, u64::from(folder), 0xF0]),
        57,
    )
}

// ---------------------------------------------------------------------------------------------
// AuditData rendering
// ---------------------------------------------------------------------------------------------

/// Writes the AuditData JSON of `r` into `out`.
fn audit_json(r: &Rec, pop: &Population, out: &mut Vec<u8>, pretty: bool, nl: &'static [u8]) {
    let mut w = Jw::new(out, pretty, nl, r.v.slash, r.v.ascii);
    w.open(b'{');
    match &r.body {
        Body::Logon { ok, ua } => aad_logon(&mut w, r, pop, *ok, ua),
        Body::File {
            onedrive,
            site,
            path,
            size,
        } => sp_file(&mut w, r, pop, *onedrive, site, path, *size),
        Body::Admin { object, params } => exchange_admin(&mut w, r, pop, object, params),
        _ => exchange_mailbox(&mut w, r, pop),
    }
    w.close(b'}');
}

/// The members every workload shares, up to `ClientIP` (then `ObjectId` when given, and `UserId`).
fn common(
    w: &mut Jw,
    r: &Rec,
    status: Option<&str>,
    user_key: &str,
    user_type: u64,
    object: Option<&str>,
    user: &str,
) {
    w.s("CreationTime", &fmt_audit(r.t, r.v.frac7, r.v.z));
    w.s("Id", &guid_str(r.id));
    w.s("Operation", r.op);
    w.s("OrganizationId", ORG_ID);
    if r.v.rt_string {
        w.s("RecordType", &r.record_type().to_string());
    } else {
        w.n("RecordType", r.record_type());
    }
    if let Some(st) = status {
        w.s("ResultStatus", st);
    }
    w.s("UserKey", user_key);
    w.n("UserType", user_type);
    w.n("Version", 1);
    w.s("Workload", r.workload());
    w.s("ClientIP", &r.ctx.ip);
    if let Some(o) = object {
        w.s("ObjectId", o);
    }
    w.s("UserId", user);
}

/// `AppAccessContext` of Exchange records (full, partial or empty per the variant).
fn app_access_context(w: &mut Jw, r: &Rec) {
    let Some(aad) = r.ctx.aad else { return };
    w.obj("AppAccessContext");
    let uti = b64ish("", r.ctx.uti, 22).replace(['+', '/'], "_");
    match r.v.aac {
        0 => {
            w.s("AADSessionId", &guid_str(aad));
            w.s("IssuedAtTime", &fmt_audit(r.ctx.iat, false, false));
            w.s("UniqueTokenId", &uti);
        }
        1 if r.ctx.session == Some(ATTACKER_SESSION) || r.ctx.uti.is_multiple_of(2) => {
            w.s("AADSessionId", &guid_str(aad));
        }
        1 => {
            w.s("IssuedAtTime", &fmt_audit(r.ctx.iat, false, false));
            w.s("UniqueTokenId", &uti);
        }
        _ => {}
    }
    w.close(b'}');
}

/// `OriginatingServer` with its line-ending variant.
fn originating_server(u: &User, v: &Var) -> String {
    let end = match v.orig_nl {
        0 => "\r\n",
        1 => "\n",
        _ => "",
    };
    format!("{} (15.20.7452.028){end}", u.server)
}

/// A JSON fragment rendered compactly on its own (for "string holding JSON" variants).
fn fragment(f: impl FnOnce(&mut Jw)) -> String {
    let mut buf = Vec::with_capacity(256);
    let mut w = Jw::new(&mut buf, false, b"\n", false, false);
    f(&mut w);
    String::from_utf8(buf).expect("utf-8")
}

/// A mail item object (`Item`, `AffectedItems[]`).
fn item_obj(w: &mut Jw, m: &Msg, mailbox: u128, with_size: bool) {
    w.open(b'{');
    w.s("Id", &b64ish("RgAAAAD", m.key, 145));
    w.s("InternetMessageId", &m.imid);
    w.obj("ParentFolder");
    w.s("Id", &folder_id(mailbox, m.folder));
    w.s("Path", FOLDERS[m.folder as usize]);
    w.close(b'}');
    if with_size {
        w.n("SizeInBytes", m.size);
    }
    w.s("Subject", &m.subject);
    w.close(b'}');
}

/// Exchange mailbox records: MailItemsAccessed, Send, Update, deletes...
fn exchange_mailbox(w: &mut Jw, r: &Rec, pop: &Population) {
    let actor = &pop.users[r.actor];
    let owner = &pop.users[r.owner];
    let status = match r.v.status {
        1 => "success",
        2 => "PartiallySucceeded",
        _ => "Succeeded",
    };
    common(w, r, Some(status), &actor.puid, 0, None, &actor.upn);
    app_access_context(w, r);
    if let Some(app) = r.ctx.client.app_id() {
        w.s("AppId", app);
        w.s(
            "ClientAppId",
            if matches!(r.ctx.client, Client::Owa | Client::Rpc) {
                ""
            } else {
                app
            },
        );
    }
    w.s("ClientIPAddress", bare_ip(&r.ctx.ip));
    w.s("ClientInfoString", r.ctx.client.info());
    let (process, version) = r.ctx.client.process();
    if !process.is_empty() {
        w.s("ClientProcessName", process);
    }
    if !version.is_empty() {
        w.s("ClientVersion", version);
    }
    if r.v.ext_string {
        w.s("ExternalAccess", "False");
    } else {
        w.b("ExternalAccess", false);
    }
    w.n("InternalLogonType", 0);
    if r.v.logon_name {
        w.s(
            "LogonType",
            ["Owner", "Admin", "Delegate"][r.ctx.logon as usize],
        );
    } else {
        w.n("LogonType", u64::from(r.ctx.logon));
    }
    w.s("LogonUserSid", &actor.sid);
    w.s("MailboxGuid", &guid_str(owner.mailbox_guid));
    w.s("MailboxOwnerSid", &owner.sid);
    w.s("MailboxOwnerUPN", &owner.upn);
    let mia = match &r.body {
        Body::Sync { throttled, .. } => Some(("Sync", *throttled)),
        Body::Bind { throttled, .. } => Some(("Bind", *throttled)),
        _ => None,
    };
    if let Some((access, throttled)) = mia {
        let props = |w: &mut Jw| {
            w.open(b'[');
            w.name_value("MailAccessType", access);
            w.name_value("IsThrottled", if throttled { "True" } else { "False" });
            w.close(b']');
        };
        if r.v.props_string {
            w.s("OperationProperties", &fragment(props));
        } else {
            w.key("OperationProperties");
            props(w);
        }
    }
    w.s("OrganizationName", ORG_NAME);
    w.s("OriginatingServer", &originating_server(owner, &r.v));
    if let Some(s) = r.ctx.session {
        w.s("SessionId", &guid_str(s));
    }
    let mbx = owner.mailbox_guid;
    match &r.body {
        Body::Sync { folder, .. } => {
            let folders = |w: &mut Jw| {
                w.open(b'[');
                w.elem();
                w.open(b'{');
                w.s("Id", &folder_id(mbx, *folder));
                w.s("Path", FOLDERS[*folder as usize]);
                w.close(b'}');
                w.close(b']');
            };
            if r.v.folders_string {
                w.s("Folders", &fragment(folders));
            } else {
                w.key("Folders");
                folders(w);
            }
            w.n("OperationCount", 1);
        }
        Body::Bind { folders, count, .. } => {
            let write = |w: &mut Jw| {
                w.open(b'[');
                for (f, items) in folders {
                    w.elem();
                    w.open(b'{');
                    w.arr("FolderItems");
                    for m in items {
                        w.elem();
                        w.open(b'{');
                        w.s("InternetMessageId", &m.imid);
                        w.n("SizeInBytes", m.size);
                        w.close(b'}');
                    }
                    w.close(b']');
                    w.s("Id", &folder_id(mbx, *f));
                    w.s("Path", FOLDERS[*f as usize]);
                    w.close(b'}');
                }
                w.close(b']');
            };
            if r.v.folders_string {
                w.s("Folders", &fragment(write));
            } else {
                w.key("Folders");
                write(w);
            }
            w.n("OperationCount", *count);
        }
        Body::Item { item } => {
            w.key("Item");
            item_obj(w, item, mbx, true);
            if r.op == "Update" {
                w.arr("ModifiedProperties");
                for p in ["Body", "Subject"] {
                    w.elem();
                    w.esc(p);
                }
                w.close(b']');
            }
        }
        Body::Delete {
            items,
            folder,
            dest,
        } => {
            w.arr("AffectedItems");
            for m in items {
                w.elem();
                item_obj(w, m, mbx, false);
            }
            w.close(b']');
            w.b("CrossMailboxOperation", false);
            if let Some(d) = dest {
                w.obj("DestFolder");
                w.s("Id", &folder_id(mbx, *d));
                if r.v.invalid {
                    w.raw_s("Path", FOLDERS[*d as usize]);
                } else {
                    w.s("Path", FOLDERS[*d as usize]);
                }
                w.close(b'}');
            }
            w.obj("Folder");
            w.s("Id", &folder_id(mbx, *folder));
            w.s("Path", FOLDERS[*folder as usize]);
            w.close(b'}');
        }
        _ => {}
    }
}

/// Exchange cmdlet records (RecordType 1, ExchangeAdmin).
fn exchange_admin(
    w: &mut Jw,
    r: &Rec,
    pop: &Population,
    object: &str,
    params: &[(&'static str, String)],
) {
    let actor = &pop.users[r.actor];
    let status = if r.v.status == 1 { "true" } else { "True" };
    let user_type = if r.actor == ADMIN { 2 } else { 0 };
    common(
        w,
        r,
        Some(status),
        &actor.puid,
        user_type,
        Some(object),
        &actor.upn,
    );
    app_access_context(w, r);
    if let Some(app) = r.ctx.client.app_id() {
        w.s("AppId", app);
        w.s("ClientAppId", "");
    }
    if r.v.ext_string {
        w.s("ExternalAccess", "False");
    } else {
        w.b("ExternalAccess", false);
    }
    w.s("OrganizationName", ORG_NAME);
    w.s("OriginatingServer", &originating_server(actor, &r.v));
    w.arr("Parameters");
    for (name, value) in params {
        w.name_value(name, value);
    }
    w.close(b']');
    if let Some(s) = r.ctx.session {
        w.s("SessionId", &guid_str(s));
    }
}

/// Entra ID sign-in records (RecordType 15).
fn aad_logon(w: &mut Jw, r: &Rec, pop: &Population, ok: bool, ua: &str) {
    let actor = &pop.users[r.actor];
    let status = match (ok, r.v.status) {
        (true, 1) => "success",
        (true, _) => "Success",
        (false, 1) => "failed",
        (false, _) => "Failed",
    };
    let oid = guid_str(actor.object_id);
    let resource = "00000002-0000-0ff1-ce00-000000000000";
    common(w, r, Some(status), &oid, 0, Some(resource), &actor.upn);
    w.n("AzureActiveDirectoryEventType", 1);
    w.arr("ExtendedProperties");
    w.name_value(
        "ResultStatusDetail",
        if ok { "Redirect" } else { "Failure" },
    );
    w.name_value("UserAgent", ua);
    w.name_value("RequestType", "OAuth2:Authorize");
    w.close(b']');
    w.arr("ModifiedProperties");
    w.close(b']');
    w.arr("Actor");
    for (id, ty) in [(oid.as_str(), 0), (actor.upn.as_str(), 5)] {
        w.elem();
        w.open(b'{');
        w.s("ID", id);
        w.n("Type", ty);
        w.close(b'}');
    }
    w.close(b']');
    w.s("ActorContextId", ORG_ID);
    w.s("ActorIpAddress", bare_ip(&r.ctx.ip));
    w.s("InterSystemsId", &guid_str(guid_of(r.ctx.uti ^ 1)));
    w.s("IntraSystemId", &guid_str(guid_of(r.ctx.uti ^ 2)));
    w.s("SupportTicketId", "");
    w.arr("Target");
    w.elem();
    w.open(b'{');
    w.s("ID", resource);
    w.n("Type", 0);
    w.close(b'}');
    w.close(b']');
    w.s("TargetContextId", ORG_ID);
    w.s(
        "ApplicationId",
        r.ctx
            .client
            .app_id()
            .unwrap_or("4765445b-32c6-49b0-83e6-1d93765276ca"),
    );
    w.arr("DeviceProperties");
    let (os, browser) = if ua.contains("iPhone") {
        ("Ios", "Mobile Safari")
    } else if ua.contains("Edg/") {
        ("Windows10", "Edge")
    } else {
        ("Windows10", "Chrome")
    };
    w.name_value("OS", os);
    w.name_value("BrowserType", browser);
    w.name_value("IsCompliantAndManaged", "False");
    if let (true, Some(aad)) = (ok, r.ctx.aad) {
        w.name_value("SessionId", &guid_str(aad));
    }
    w.close(b']');
    w.s("ErrorNumber", if ok { "0" } else { "50126" });
    if !ok {
        w.s("LogonError", "InvalidUserNameOrPassword");
    }
}

/// SharePoint / OneDrive file records (RecordType 6).
#[allow(clippy::too_many_arguments)]
fn sp_file(
    w: &mut Jw,
    r: &Rec,
    pop: &Population,
    onedrive: bool,
    site: &str,
    path: &str,
    size: u64,
) {
    let actor = &pop.users[r.actor];
    let key = format!("i:0h.f|membership|{}@live.com", actor.puid.to_lowercase());
    let object = format!("{site}{path}");
    common(w, r, None, &key, 0, Some(&object), &actor.upn);
    let h = r.ctx.uti;
    if let Some(aad) = r.ctx.aad {
        w.obj("AppAccessContext");
        w.s("AADSessionId", &guid_str(aad));
        w.s("ClientAppId", "00000003-0000-0ff1-ce00-000000000000");
        w.s("ClientAppName", "Office 365 SharePoint Online");
        w.s("CorrelationId", &guid_str(guid_of(h ^ r.id as u64)));
        w.s("UniqueTokenId", &b64ish("", h, 22).replace(['+', '/'], "_"));
        w.close(b'}');
    }
    w.s("ApplicationId", "00000003-0000-0ff1-ce00-000000000000");
    w.s("AuthenticationType", "OAuth");
    w.s("BrowserName", "Chrome");
    w.s("BrowserVersion", "122.0.0.0");
    w.s("CorrelationId", &guid_str(guid_of(h ^ r.id as u64)));
    w.s("EventSource", "SharePoint");
    w.s("GeoLocation", "EUR");
    w.b("IsManagedDevice", false);
    w.s("ItemType", "File");
    w.s("ListId", &guid_str(guid_of(str_hash(site) ^ 1)));
    w.s(
        "ListItemUniqueId",
        &guid_str(guid_of(str_hash(path) ^ str_hash(site))),
    );
    w.s("Platform", "WinDesktop");
    w.s("Site", &guid_str(guid_of(str_hash(site) ^ 3)));
    w.s(
        "UserAgent",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    );
    w.s("WebId", &guid_str(guid_of(str_hash(site) ^ 4)));
    w.s("DeviceDisplayName", bare_ip(&r.ctx.ip));
    w.n("FileSizeBytes", size);
    w.b("HighPriorityMediaProcessing", false);
    w.n("ListBaseType", 1);
    w.n("ListServerTemplate", if onedrive { 700 } else { 101 });
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    w.s("SiteUrl", site);
    w.s("SourceRelativeUrl", dir);
    w.s("SourceFileName", file);
    w.s(
        "SourceFileExtension",
        file.rsplit_once('.').map_or("", |(_, e)| e),
    );
}

// ---------------------------------------------------------------------------------------------
// Search-MailboxAuditLog rows
// ---------------------------------------------------------------------------------------------

/// Columns of the `mailbox-csv` format.
const MAILBOX_COLUMNS: [&str; 26] = [
    "Operation",
    "OperationResult",
    "LogonType",
    "ExternalAccess",
    "LastAccessed",
    "MailboxOwnerUPN",
    "MailboxOwnerSid",
    "LogonUserDisplayName",
    "LogonUserSid",
    "ClientInfoString",
    "ClientIPAddress",
    "ClientProcessName",
    "ClientVersion",
    "InternalLogonType",
    "MailboxGuid",
    "SessionId",
    "OperationProperties",
    "AuditOperationsCountInAggregatedRecord",
    "AggregatedRecordFoldersData",
    "FolderPathName",
    "ItemSubject",
    "SourceItemInternetMessageIdsList",
    "SourceItemSubjectsList",
    "SourceItemFolderPathNamesList",
    "ItemInternetMessageId",
    "DestFolderPathName",
];

/// The flat `Search-MailboxAuditLog -ShowDetails` values of a mailbox record, in column order.
fn mailbox_values(r: &Rec, pop: &Population) -> Vec<String> {
    let actor = &pop.users[r.actor];
    let owner = &pop.users[r.owner];
    let (process, version) = r.ctx.client.process();
    let mut v: Vec<String> = vec![
        r.op.to_string(),
        if r.v.status == 2 {
            "PartiallySucceeded"
        } else {
            "Succeeded"
        }
        .to_string(),
        ["Owner", "Admin", "Delegate"][r.ctx.logon as usize].to_string(),
        "False".to_string(),
        fmt_us(r.t),
        owner.upn.clone(),
        owner.sid.clone(),
        actor.display.clone(),
        actor.sid.clone(),
        r.ctx.client.info().to_string(),
        bare_ip(&r.ctx.ip).to_string(),
        process.to_string(),
        version.to_string(),
        "Owner".to_string(),
        guid_str(owner.mailbox_guid),
        r.ctx.session.map(guid_str).unwrap_or_default(),
    ];
    let empty = String::new;
    let (props, count, agg, folder, subject, src_ids, src_subjects, src_folders, item_id, dest) =
        match &r.body {
            Body::Sync { folder, throttled } => (
                format!(
                    "MailAccessType:Sync\nIsThrottled:{}",
                    if *throttled { "True" } else { "False" }
                ),
                "1".to_string(),
                empty(),
                FOLDERS[*folder as usize].to_string(),
                empty(),
                empty(),
                empty(),
                empty(),
                empty(),
                empty(),
            ),
            Body::Bind {
                folders,
                count,
                throttled,
            } => (
                format!(
                    "MailAccessType:Bind\nIsThrottled:{}",
                    if *throttled { "True" } else { "False" }
                ),
                count.to_string(),
                folders
                    .iter()
                    .map(|(f, items)| {
                        let ids: Vec<String> =
                            items.iter().map(|m| format!("\"{}\"", m.imid)).collect();
                        format!("{}: {}", FOLDERS[*f as usize], ids.join(","))
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                FOLDERS[folders[0].0 as usize].to_string(),
                empty(),
                empty(),
                empty(),
                empty(),
                empty(),
                empty(),
            ),
            Body::Item { item } => (
                empty(),
                empty(),
                empty(),
                FOLDERS[item.folder as usize].to_string(),
                item.subject.clone(),
                empty(),
                empty(),
                empty(),
                item.imid.clone(),
                empty(),
            ),
            Body::Delete {
                items,
                folder,
                dest,
            } => (
                empty(),
                empty(),
                empty(),
                FOLDERS[*folder as usize].to_string(),
                empty(),
                items
                    .iter()
                    .map(|m| m.imid.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                items
                    .iter()
                    .map(|m| m.subject.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                items
                    .iter()
                    .map(|m| FOLDERS[m.folder as usize])
                    .collect::<Vec<_>>()
                    .join("\n"),
                empty(),
                dest.map(|d| FOLDERS[d as usize].to_string())
                    .unwrap_or_default(),
            ),
            _ => Default::default(),
        };
    v.extend([
        props,
        count,
        agg,
        folder,
        subject,
        src_ids,
        src_subjects,
        src_folders,
        item_id,
        dest,
    ]);
    v
}

// ---------------------------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------------------------

/// Output shapes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    PurviewCsv,
    SualCsv,
    MailboxCsv,
    Jsonl,
    JsonArray,
}

impl Format {
    /// Parses the `--format` value.
    fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "purview-csv" => Format::PurviewCsv,
            "sual-csv" => Format::SualCsv,
            "mailbox-csv" => Format::MailboxCsv,
            "jsonl" => Format::Jsonl,
            "json-array" => Format::JsonArray,
            _ => return None,
        })
    }
    /// The `--format` spelling.
    fn name(self) -> &'static str {
        match self {
            Format::PurviewCsv => "purview-csv",
            Format::SualCsv => "sual-csv",
            Format::MailboxCsv => "mailbox-csv",
            Format::Jsonl => "jsonl",
            Format::JsonArray => "json-array",
        }
    }
}

/// Appends one CSV field: quoted (quotes doubled) when `force` or when it holds `,` `"` CR or LF.
fn csv_field(out: &mut Vec<u8>, v: &[u8], force: bool) {
    if !force && !v.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.extend_from_slice(v);
        return;
    }
    out.push(b'"');
    for (i, part) in v.split(|&b| b == b'"').enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\"\"");
        }
        out.extend_from_slice(part);
    }
    out.push(b'"');
}

/// Writes rows in the chosen format and feeds the ground truth with what was written.
struct Sink<'p, W: Write> {
    fmt: Format,
    w: W,
    pop: &'p Population,
    bytes: u64,
    rows: u64,
    json: Vec<u8>,
    row: Vec<u8>,
    truth: Truth,
}

impl<'p, W: Write> Sink<'p, W> {
    /// A sink writing to `w`.
    fn new(fmt: Format, w: W, pop: &'p Population) -> Self {
        Sink {
            fmt,
            w,
            pop,
            bytes: 0,
            rows: 0,
            json: Vec::with_capacity(8192),
            row: Vec::with_capacity(16384),
            truth: Truth::default(),
        }
    }
    /// Writes raw bytes, counting them.
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.bytes += b.len() as u64;
        self.w.write_all(b)
    }
    /// BOM, header or opening bracket.
    fn begin(&mut self) -> io::Result<()> {
        match self.fmt {
            Format::PurviewCsv => self.put(
                "\u{feff}RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n"
                    .as_bytes(),
            ),
            Format::SualCsv => self.put(
                b"\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\",\"ResultIndex\",\"ResultCount\",\"Identity\",\"IsValid\",\"ObjectState\"\r\n",
            ),
            Format::MailboxCsv => {
                let mut h = "\u{feff}".as_bytes().to_vec();
                for (i, c) in MAILBOX_COLUMNS.iter().enumerate() {
                    if i > 0 {
                        h.push(b',');
                    }
                    csv_field(&mut h, c.as_bytes(), true);
                }
                h.extend_from_slice(b"\r\n");
                self.put(&h)
            }
            Format::Jsonl => Ok(()),
            Format::JsonArray => self.put(b"["),
        }
    }
    /// Closing bracket, flush.
    fn finish(&mut self) -> io::Result<()> {
        if self.fmt == Format::JsonArray {
            self.put(b"\n]\n")?;
        }
        self.w.flush()
    }
    /// Writes one row for `r` (`dup`: it is a repeated copy), unless the format leaves it out.
    fn emit(&mut self, r: &Rec, dup: bool) -> io::Result<()> {
        let skip = match self.fmt {
            Format::MailboxCsv => dup || r.v.invalid || !r.is_mailbox_op() || r.owner != VICTIM,
            Format::JsonArray => r.v.invalid,
            _ => false,
        };
        if skip {
            return Ok(());
        }
        self.rows += 1;
        self.truth.record(self.rows, r, dup);
        let mut json = std::mem::take(&mut self.json);
        let mut row = std::mem::take(&mut self.row);
        json.clear();
        row.clear();
        match self.fmt {
            Format::Jsonl => {
                audit_json(r, self.pop, &mut row, false, b"\n");
                row.push(b'\n');
            }
            Format::JsonArray => {
                row.extend_from_slice(if self.rows == 1 { b"\n" } else { b",\n" });
                audit_json(r, self.pop, &mut row, true, b"\n");
            }
            Format::PurviewCsv => {
                audit_json(r, self.pop, &mut json, r.v.pretty, b"\r\n");
                row.extend_from_slice(guid_str(r.id).as_bytes());
                row.push(b',');
                row.extend_from_slice(fmt_purview(r.t).as_bytes());
                if r.v.date_space {
                    row.push(b' ');
                }
                row.push(b',');
                row.extend_from_slice(record_type_name(r.record_type()).as_bytes());
                row.push(b',');
                csv_field(&mut row, r.op.as_bytes(), false);
                row.push(b',');
                csv_field(&mut row, self.pop.users[r.actor].upn.as_bytes(), false);
                row.push(b',');
                csv_field(&mut row, &json, false);
                row.extend_from_slice(b",,\r\n");
            }
            Format::SualCsv => {
                audit_json(r, self.pop, &mut json, r.v.pretty, b"\r\n");
                let date = fmt_us(r.t);
                let fields: [&[u8]; 4] = [
                    record_type_name(r.record_type()).as_bytes(),
                    date.as_bytes(),
                    self.pop.users[r.actor].upn.as_bytes(),
                    r.op.as_bytes(),
                ];
                for f in fields {
                    csv_field(&mut row, f, true);
                    row.push(b',');
                }
                csv_field(&mut row, &json, true);
                let rest = [
                    self.rows.to_string(),
                    PAGE.to_string(),
                    guid_str(r.id),
                    "True".to_string(),
                    "Unchanged".to_string(),
                ];
                for f in &rest {
                    row.push(b',');
                    csv_field(&mut row, f.as_bytes(), true);
                }
                row.extend_from_slice(b"\r\n");
            }
            Format::MailboxCsv => {
                for (i, f) in mailbox_values(r, self.pop).iter().enumerate() {
                    if i > 0 {
                        row.push(b',');
                    }
                    csv_field(&mut row, f.as_bytes(), true);
                }
                row.extend_from_slice(b"\r\n");
            }
        }
        let res = self.put(&row);
        self.json = json;
        self.row = row;
        res
    }
}

// ---------------------------------------------------------------------------------------------
// Ground truth
// ---------------------------------------------------------------------------------------------

/// What was written, accumulated row by row.
#[derive(Default)]
struct Truth {
    unique: u64,
    dups: u64,
    invalid: Vec<(u64, u128)>,
    sessions: HashMap<u128, u64>,
    no_session: u64,
    timeline: Vec<(i64, u128, &'static str)>,
    linked: Vec<(i64, u128, &'static str, &'static str)>,
    sync: Vec<(i64, String)>,
    /// InternetMessageId -> (folder, listed occurrences).
    messages: BTreeMap<String, (String, u64)>,
    unlisted: Vec<(u128, u64, u64)>,
    throttled: Vec<(u128, i64)>,
    ips: BTreeSet<String>,
    ips_raw: BTreeSet<String>,
}

impl Truth {
    /// Accounts for row number `row`.
    fn record(&mut self, row: u64, r: &Rec, dup: bool) {
        if r.v.invalid {
            self.invalid.push((row, r.id));
            return;
        }
        if dup {
            self.dups += 1;
            return;
        }
        self.unique += 1;
        match r.ctx.session {
            Some(s) => *self.sessions.entry(s).or_insert(0) += 1,
            None => self.no_session += 1,
        }
        let attacker = r.ctx.session == Some(ATTACKER_SESSION);
        let linked = r.ctx.session.is_none() && r.ctx.aad == Some(ATTACKER_AAD);
        if !attacker && !linked {
            return;
        }
        self.ips.insert(bare_ip(&r.ctx.ip).to_string());
        self.ips_raw.insert(r.ctx.ip.clone());
        if linked {
            self.linked.push((r.t, r.id, r.op, r.workload()));
            return;
        }
        self.timeline.push((r.t, r.id, r.op));
        match &r.body {
            Body::Sync { folder, throttled } => {
                self.sync.push((r.t, FOLDERS[*folder as usize].to_string()));
                if *throttled {
                    self.throttled.push((r.id, r.t));
                }
            }
            Body::Bind {
                folders,
                count,
                throttled,
            } => {
                let mut listed = 0;
                for (f, items) in folders {
                    for m in items {
                        listed += 1;
                        self.messages
                            .entry(m.imid.clone())
                            .or_insert_with(|| (FOLDERS[*f as usize].to_string(), 0))
                            .1 += 1;
                    }
                }
                if *count > listed {
                    self.unlisted.push((r.id, *count, listed));
                }
                if *throttled {
                    self.throttled.push((r.id, r.t));
                }
            }
            _ => {}
        }
    }

    /// The truth document.
    fn to_json(&self, fmt: Format, seed: u64, rows: u64, range: (i64, i64)) -> Value {
        let mut timeline = self.timeline.clone();
        timeline.sort();
        let mut linked = self.linked.clone();
        linked.sort();
        let mut sync = self.sync.clone();
        sync.sort();
        let sessions: BTreeMap<String, u64> = self
            .sessions
            .iter()
            .map(|(k, v)| (guid_str(*k), *v))
            .collect();
        json!({
            "format": fmt.name(),
            "seed": seed,
            "victim": User::new(VICTIM).upn,
            "time_range": {"start": fmt_truth(range.0), "end": fmt_truth(range.1)},
            "attacker": {
                "user": User::new(VICTIM).upn,
                "session_id": guid_str(ATTACKER_SESSION),
                "aad_session_id": guid_str(ATTACKER_AAD),
                "ips": self.ips,
                "ips_raw": self.ips_raw,
            },
            "attacker_timeline": timeline.iter().map(|(t, id, op)| json!({
                "Id": guid_str(*id), "CreationTime": fmt_truth(*t), "Operation": op,
            })).collect::<Vec<_>>(),
            "attacker_linked": linked.iter().map(|(t, id, op, wl)| json!({
                "Id": guid_str(*id), "CreationTime": fmt_truth(*t), "Operation": op, "Workload": wl,
            })).collect::<Vec<_>>(),
            "attacker_exposure": {
                "mailbox": User::new(VICTIM).upn,
                "sync_folders": sync.iter().map(|(t, f)| json!({"folder": f, "time": fmt_truth(*t)})).collect::<Vec<_>>(),
                "messages": self.messages.iter().map(|(id, (f, n))| json!({
                    "internet_message_id": id, "folder": f, "accesses": n,
                })).collect::<Vec<_>>(),
                "unlisted_binds": self.unlisted.iter().map(|(id, c, l)| json!({
                    "record_id": guid_str(*id), "operation_count": c, "listed": l,
                })).collect::<Vec<_>>(),
                "throttled": self.throttled.iter().map(|(id, t)| json!({
                    "record_id": guid_str(*id), "start": fmt_truth(*t), "end": fmt_truth(*t + TPD),
                })).collect::<Vec<_>>(),
            },
            "records_written": rows,
            "unique_records": self.unique,
            "duplicates": self.dups,
            "invalid": self.invalid.iter().map(|(row, id)| json!({"row": row, "id": guid_str(*id)})).collect::<Vec<_>>(),
            "sessions": sessions,
            "no_session_records": self.no_session,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scenario
// ---------------------------------------------------------------------------------------------

/// An admin cmdlet of the scenario: (seconds after 2026-03-02 00:00, cmdlet, ObjectId, Parameters).
type Cmdlet = (i64, &'static str, String, Vec<(&'static str, String)>);
/// An attacker Bind of the scenario: (time, listed items by folder, OperationCount beyond the
/// listed items, variants, duplicated).
type PlannedBind = (i64, Vec<(u8, Vec<Msg>)>, u64, Var, bool);

/// Builds records with a shared generator.
struct Scenario<'p> {
    rng: Rng,
    seed: u64,
    pop: &'p Population,
    recs: Vec<Rec>,
}

/// Device kinds of a user session.
const DESKTOP: u64 = 0;
const MOBILE: u64 = 1;
const WEB: u64 = 2;

impl<'p> Scenario<'p> {
    /// Exchange SessionId of a user's device session on a day (derived, so big mode needs no state).
    fn session_id(&self, user: usize, day: i64, device: u64) -> u128 {
        guid_from(
            hash(&[self.seed, 0x5E55, user as u64, day as u64, device]),
            hash(&[self.seed, 0x5E56, user as u64, day as u64, device]),
        )
    }
    /// Entra session of the same device session.
    fn aad_id(&self, user: usize, day: i64, device: u64) -> u128 {
        guid_from(
            hash(&[self.seed, 0xAAD1, user as u64, day as u64, device]),
            hash(&[self.seed, 0xAAD2, user as u64, day as u64, device]),
        )
    }
    /// The context of a user's ordinary device session at time `t`.
    fn user_ctx(&mut self, user: usize, t: i64, device: u64) -> Ctx {
        let day = t.div_euclid(TPD);
        let hour = t.div_euclid(3600 * TPS);
        let u = &self.pop.users[user];
        let corp = CORP_IPS[user % 2];
        let mut ip = match device {
            DESKTOP => corp.to_string(),
            MOBILE => u.mobile_ip.clone(),
            _ if user.is_multiple_of(3) => format!("192.0.2.{}", 1 + user % 250),
            _ => corp.to_string(),
        };
        if ip.contains('.') && self.rng.ppm(20_000) {
            ip = format!("{ip}:{}", 49_152 + self.rng.below(16_000));
        }
        let tok = hash(&[self.seed, user as u64, hour as u64, device]);
        Ctx {
            session: Some(self.session_id(user, day, device)),
            aad: Some(self.aad_id(user, day, device)),
            iat: (hour * 3600 - (tok % 3000) as i64) * TPS,
            uti: tok,
            ip,
            client: match device {
                DESKTOP => Client::Rpc,
                MOBILE => Client::Mobile,
                _ => Client::Owa,
            },
            logon: 0,
        }
    }
    /// Random shape variants for an ordinary record.
    fn random_var(&mut self, body: &Body) -> Var {
        let r = &mut self.rng;
        let mia = matches!(body, Body::Sync { .. } | Body::Bind { .. });
        let delete = matches!(body, Body::Delete { .. });
        Var {
            z: r.ppm(30_000),
            frac7: r.ppm(5_000),
            rt_string: mia && r.ppm(10_000),
            ext_string: r.ppm(20_000),
            logon_name: false,
            status: if r.ppm(10_000) {
                1
            } else if delete && r.ppm(30_000) {
                2
            } else {
                0
            },
            orig_nl: match r.below(100) {
                0..=59 => 0,
                60..=84 => 1,
                _ => 2,
            },
            slash: r.ppm(30_000),
            ascii: r.ppm(30_000),
            props_string: mia && r.ppm(10_000),
            folders_string: mia && r.ppm(10_000),
            aac: match r.below(100) {
                0..=2 => 1,
                3..=4 => 2,
                _ => 0,
            },
            pretty: r.ppm(5_000),
            invalid: false,
            date_space: r.ppm(10_000),
        }
    }
    /// A random message of a mailbox folder (small pools, so the same messages recur).
    fn pick_msg(&mut self, owner: usize, folder: u8) -> Msg {
        let pool = if folder == F_INBOX { 80 } else { 40 };
        let n = self.rng.below(pool);
        message(owner, folder, n)
    }
    /// A folder to read, weighted towards the Inbox.
    fn pick_folder(&mut self) -> u8 {
        *self.rng.pick(&[
            F_INBOX, F_INBOX, F_INBOX, F_INBOX, F_SENT, F_ARCHIVE, F_FINANCE, F_DELETED, F_PROJETS,
            F_JAPANESE, F_DRAFTS,
        ])
    }
    /// One ordinary mailbox operation of `user` at `t` from `device` (no sign-ins, no files).
    fn mailbox_op(&mut self, user: usize, t: i64, device: u64) -> Rec {
        let ctx = self.user_ctx(user, t, device);
        let k = self.rng.below(100);
        let (op, body) = match k {
            0..=49 => {
                let nf = if self.rng.ppm(100_000) { 2 } else { 1 };
                let mut folders = Vec::new();
                let mut listed = 0;
                for _ in 0..nf {
                    let f = self.pick_folder();
                    if folders.iter().any(|(g, _)| *g == f) {
                        continue;
                    }
                    let n = *self.rng.pick(&[1, 1, 1, 2, 2, 3, 4, 5]);
                    let items: Vec<Msg> = (0..n).map(|_| self.pick_msg(user, f)).collect();
                    listed += n;
                    folders.push((f, items));
                }
                let extra = if self.rng.ppm(30_000) {
                    self.rng.range(1, 3)
                } else {
                    0
                };
                (
                    "MailItemsAccessed",
                    Body::Bind {
                        folders,
                        count: listed + extra,
                        throttled: false,
                    },
                )
            }
            50..=61 if device != WEB => (
                "MailItemsAccessed",
                Body::Sync {
                    folder: self.pick_folder(),
                    throttled: false,
                },
            ),
            50..=72 => {
                let n = self.rng.below(100_000);
                (
                    "Send",
                    Body::Item {
                        item: message(user, F_SENT, n),
                    },
                )
            }
            73..=81 => {
                let f = if self.rng.below(2) == 0 {
                    F_DRAFTS
                } else {
                    F_INBOX
                };
                let item = self.pick_msg(user, f);
                (
                    if self.rng.below(4) == 0 {
                        "Create"
                    } else {
                        "Update"
                    },
                    Body::Item { item },
                )
            }
            82..=93 => {
                let f = self.pick_folder();
                let n = self.rng.range(1, 3);
                let items = (0..n).map(|_| self.pick_msg(user, f)).collect();
                (
                    "MoveToDeletedItems",
                    Body::Delete {
                        items,
                        folder: f,
                        dest: Some(F_DELETED),
                    },
                )
            }
            94..=97 => {
                let items = vec![self.pick_msg(user, F_DELETED)];
                (
                    "SoftDelete",
                    Body::Delete {
                        items,
                        folder: F_DELETED,
                        dest: None,
                    },
                )
            }
            _ => {
                let items = vec![self.pick_msg(user, F_DELETED)];
                (
                    "HardDelete",
                    Body::Delete {
                        items,
                        folder: F_DELETED,
                        dest: None,
                    },
                )
            }
        };
        let v = self.random_var(&body);
        self.make(t, op, user, user, ctx, body, v)
    }
    /// Assembles a record with a fresh Id (and the 7-digit fraction when the variant asks for it).
    #[allow(clippy::too_many_arguments)]
    fn make(
        &mut self,
        t: i64,
        op: &'static str,
        actor: usize,
        owner: usize,
        ctx: Ctx,
        body: Body,
        v: Var,
    ) -> Rec {
        let t = if v.frac7 && t % TPS == 0 {
            t + 1 + self.rng.below(TPS as u64 - 1) as i64
        } else {
            t
        };
        Rec {
            t,
            id: self.rng.guid(),
            op,
            actor,
            owner,
            ctx,
            body,
            v,
            dup: false,
        }
    }
    /// A sign-in or file record of `user` in a device session.
    fn identity_op(&mut self, user: usize, t: i64, device: u64) -> Rec {
        let mut ctx = self.user_ctx(user, t, device);
        ctx.session = None;
        ctx.ip = bare_ip(&ctx.ip).to_string();
        let k = self.rng.below(100);
        let (op, body) = if k < 45 {
            let ok = self.rng.below(40) != 0;
            let ua = if device == MOBILE {
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
            } else {
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0"
            };
            ctx.client = Client::Browser;
            if !ok {
                ctx.aad = None;
            }
            (
                if ok {
                    "UserLoggedIn"
                } else {
                    "UserLoginFailed"
                },
                Body::Logon { ok, ua },
            )
        } else {
            ctx.client = Client::Browser;
            let onedrive = self.rng.below(2) == 0;
            let site = if onedrive {
                let pop = self.pop;
                let u = &pop.users[user].upn;
                format!(
                    "https://contoso-my.sharepoint.com/personal/{}/",
                    u.replace(['.', '@'], "_")
                )
            } else {
                let s = self.rng.pick(&["Finance", "Marketing", "Projets", "IT"]);
                format!("https://contoso.sharepoint.com/sites/{s}/")
            };
            let op = *self.rng.pick(&[
                "FileAccessed",
                "FileAccessed",
                "FileAccessed",
                "FileModified",
                "FileDownloaded",
                "FilePreviewed",
            ]);
            let path = *self.rng.pick(&FILES);
            let size = 10_000 + self.rng.below(5_000_000);
            (
                op,
                Body::File {
                    onedrive,
                    site,
                    path,
                    size,
                },
            )
        };
        let mut v = self.random_var(&body);
        v.rt_string = false;
        self.make(t, op, user, user, ctx, body, v)
    }
    /// One background record at `t` by a random ordinary user (neither the victim nor the admin).
    fn background(&mut self, t: i64) -> Rec {
        let n = self.pop.users.len() as u64;
        let user = self.rng.range(2, n - 1) as usize;
        let device = match self.rng.below(100) {
            0..=54 => DESKTOP,
            55..=84 => MOBILE,
            _ => WEB,
        };
        if self.rng.below(100) < 62 {
            self.mailbox_op(user, t, device)
        } else {
            self.identity_op(user, t, device)
        }
    }

    /// The victim's own work: Outlook desktop (one session a day), mobile (one session), OWA on day 3.
    fn victim(&mut self, day0: i64) {
        let mut logon_name_done = false;
        for d in 0..3 {
            let day = day0 + d * TPD;
            // Morning sign-in from the office.
            let mut ctx = self.user_ctx(VICTIM, day + 6 * 3600 * TPS, DESKTOP);
            ctx.session = None;
            ctx.ip = CORP_IPS[0].to_string();
            ctx.client = Client::Browser;
            let body = Body::Logon {
                ok: true,
                ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0",
            };
            let v = self.random_var(&body);
            let r = self.make(
                day + (6 * 3600 + 5 * 60 + 12) * TPS,
                "UserLoggedIn",
                VICTIM,
                VICTIM,
                ctx,
                body,
                v,
            );
            self.recs.push(r);
            // Outlook desktop: Sync of the Inbox and Sent Items, then the day's work.
            let mut t = day + (6 * 3600 + 10 * 60) * TPS;
            for f in [F_INBOX, F_SENT] {
                let ctx = self.user_ctx(VICTIM, t, DESKTOP);
                let body = Body::Sync {
                    folder: f,
                    throttled: false,
                };
                let v = self.random_var(&body);
                let r = self.make(t, "MailItemsAccessed", VICTIM, VICTIM, ctx, body, v);
                self.recs.push(r);
                t += 4 * TPS;
            }
            let n = self.rng.range(18, 26);
            for _ in 0..n {
                t += self.rng.range(60, 1800) as i64 * TPS;
                let mut r = self.mailbox_op(VICTIM, t, DESKTOP);
                if !logon_name_done && d == 1 {
                    r.v.logon_name = true;
                    logon_name_done = true;
                }
                self.recs.push(r);
            }
            // Outlook mobile through the day.
            let n = self.rng.range(8, 12);
            for _ in 0..n {
                let t = day + self.rng.range(5 * 3600, 21 * 3600) as i64 * TPS;
                let r = self.mailbox_op(VICTIM, t, MOBILE);
                self.recs.push(r);
            }
            // OWA on day 3.
            if d == 2 {
                let n = self.rng.range(5, 8);
                for _ in 0..n {
                    let t = day + self.rng.range(12 * 3600, 15 * 3600) as i64 * TPS;
                    let r = self.mailbox_op(VICTIM, t, WEB);
                    self.recs.push(r);
                }
            }
        }
        // Mobile: one SessionId for the three days (the phone keeps its session).
        let mobile = self.session_id(VICTIM, day0.div_euclid(TPD), MOBILE);
        for r in &mut self.recs {
            if r.actor == VICTIM && r.ctx.client == Client::Mobile {
                r.ctx.session = Some(mobile);
            }
        }
    }

    /// The admin's basic-auth PowerShell: cmdlets and a few mailbox accesses, no SessionId.
    fn admin(&mut self, day0: i64) {
        let pop = self.pop;
        let adele = &pop.users[ADELE];
        let megan = &pop.users[VICTIM];
        let obj = |name: &str| {
            format!(
                "EURPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/{ORG_NAME}/{name}"
            )
        };
        let cmdlets: Vec<Cmdlet> = vec![
            (
                86_400 + 9 * 3600 + 2 * 60 + 11,
                "Set-Mailbox",
                obj(&adele.display),
                vec![
                    ("Identity", adele.upn.clone()),
                    ("LitigationHoldEnabled", "True".into()),
                ],
            ),
            (
                86_400 + 9 * 3600 + 7 * 60 + 40,
                "Add-MailboxPermission",
                obj(&adele.display),
                vec![
                    ("Identity", adele.upn.clone()),
                    ("User", format!("alex.wilber@{DOMAIN}")),
                    ("AccessRights", "FullAccess".into()),
                    ("InheritanceType", "All".into()),
                ],
            ),
            (
                86_400 + 9 * 3600 + 15 * 60 + 3,
                "Set-MailboxFolderPermission",
                obj(&format!("{}:\\Calendar", adele.display)),
                vec![
                    ("Identity", format!("{}:\\Calendar", adele.upn)),
                    ("User", "Default".into()),
                    ("AccessRights", "Reviewer".into()),
                ],
            ),
            (
                86_400 + 10 * 3600 + 31 * 60 + 54,
                "Set-TransportConfig",
                "contoso.onmicrosoft.com\\Transport Settings".to_string(),
                vec![("MaxRecipientEnvelopeLimit", "500".into())],
            ),
            (
                2 * 86_400 + 8 * 3600 + 44 * 60 + 20,
                "Set-Mailbox",
                obj(&megan.display),
                vec![
                    ("Identity", megan.upn.clone()),
                    ("AuditEnabled", "True".into()),
                    (
                        "AuditOwner",
                        "MailItemsAccessed,Send,HardDelete,SoftDelete,MoveToDeletedItems,Update"
                            .into(),
                    ),
                ],
            ),
            (
                2 * 86_400 + 8 * 3600 + 51 * 60 + 2,
                "Remove-InboxRule",
                obj(&format!(
                    "{}\\=HYPERLINK(\"http://x\",\"y\")",
                    megan.display
                )),
                vec![
                    (
                        "Identity",
                        format!("{}\\=HYPERLINK(\"http://x\",\"y\")", megan.upn),
                    ),
                    ("Confirm", "False".into()),
                ],
            ),
            (
                2 * 86_400 + 8 * 3600 + 53 * 60 + 37,
                "Set-CASMailbox",
                obj(&megan.display),
                vec![
                    ("Identity", megan.upn.clone()),
                    ("EwsEnabled", "False".into()),
                ],
            ),
            (
                2 * 86_400 + 8 * 3600 + 55 * 60 + 9,
                "Set-Mailbox",
                obj(&megan.display),
                vec![
                    ("Identity", megan.upn.clone()),
                    ("DeliverToMailboxAndForward", "False".into()),
                    ("ForwardingSmtpAddress", String::new()),
                ],
            ),
        ];
        for (secs, op, object, params) in cmdlets {
            let ctx = Ctx {
                session: None,
                aad: None,
                iat: 0,
                uti: self.rng.next_u64(),
                ip: format!("{ADMIN_IP}:{}", 50_000 + self.rng.below(15_000)),
                client: Client::Ps,
                logon: 1,
            };
            let body = Body::Admin { object, params };
            let mut v = self.random_var(&body);
            v.aac = 0;
            let r = self.make(day0 + secs * TPS, op, ADMIN, ADMIN, ctx, body, v);
            self.recs.push(r);
        }
        // Mailbox accesses through PowerShell into Adele's mailbox (LogonType 1, no SessionId).
        for (i, secs) in [
            86_400 + 9 * 3600 + 20 * 60,
            86_400 + 9 * 3600 + 21 * 60 + 7,
            86_400 + 9 * 3600 + 22 * 60 + 40,
        ]
        .into_iter()
        .enumerate()
        {
            let ctx = Ctx {
                session: None,
                aad: None,
                iat: 0,
                uti: self.rng.next_u64(),
                ip: ADMIN_IP.to_string(),
                client: Client::Ps,
                logon: 1,
            };
            let (op, body) = if i < 2 {
                let items = vec![self.pick_msg(ADELE, F_INBOX), self.pick_msg(ADELE, F_INBOX)];
                (
                    "MailItemsAccessed",
                    Body::Bind {
                        folders: vec![(F_INBOX, items)],
                        count: 2,
                        throttled: false,
                    },
                )
            } else {
                let items = vec![self.pick_msg(ADELE, F_INBOX)];
                (
                    "MoveToDeletedItems",
                    Body::Delete {
                        items,
                        folder: F_INBOX,
                        dest: Some(F_DELETED),
                    },
                )
            };
            let v = self.random_var(&body);
            let r = self.make(day0 + secs * TPS, op, ADMIN, ADELE, ctx, body, v);
            self.recs.push(r);
        }
    }

    /// The one record that is not valid JSON: Adele's MoveToDeletedItems with `"\Deleted Items"`.
    fn invalid(&mut self, day0: i64) {
        let t = day0 + TPD + (11 * 3600 + 17 * 60 + 5) * TPS;
        let ctx = self.user_ctx(ADELE, t, DESKTOP);
        let items = vec![self.pick_msg(ADELE, F_INBOX)];
        let body = Body::Delete {
            items,
            folder: F_INBOX,
            dest: Some(F_DELETED),
        };
        let v = Var {
            invalid: true,
            ..Var::default()
        };
        let r = self.make(t, "MoveToDeletedItems", ADELE, ADELE, ctx, body, v);
        self.recs.push(r);
    }

    /// The attacker: failed and successful sign-ins, file downloads, then one Exchange session.
    fn attacker(&mut self, day0: i64) {
        let at = |h: i64, m: i64, s: i64| day0 + (h * 3600 + m * 60 + s) * TPS;
        let login = at(6, 52, 10);
        let mut ip_i = 0usize;
        let mut next_ip = || {
            let ip = ATTACKER_IPS[ip_i % ATTACKER_IPS.len()].to_string();
            ip_i += 1;
            ip
        };
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";
        let base = |rng: &mut Rng, ip: String, client: Client, session: Option<u128>| Ctx {
            session,
            aad: Some(ATTACKER_AAD),
            iat: login,
            uti: rng.next_u64(),
            ip,
            client,
            logon: 0,
        };
        let plain = Var {
            orig_nl: 0,
            ..Var::default()
        };
        // Entra: two failures, then success (AADSessionId in DeviceProperties), then OWA's token.
        for (t, ip, ok) in [
            (at(6, 49, 31), "45.133.1.72", false),
            (at(6, 50, 2), "193.29.56.118", false),
            (login, "185.73.124.135", true),
            (at(6, 58, 44), "91.219.236.15", true),
        ] {
            let mut ctx = base(&mut self.rng, ip.to_string(), Client::Browser, None);
            if !ok {
                ctx.aad = None;
            }
            let op = if ok {
                "UserLoggedIn"
            } else {
                "UserLoginFailed"
            };
            let r = self.make(
                t,
                op,
                VICTIM,
                VICTIM,
                ctx,
                Body::Logon { ok, ua: chrome },
                plain,
            );
            self.recs.push(r);
        }
        // OneDrive / SharePoint through the same Entra session.
        let od = format!(
            "https://contoso-my.sharepoint.com/personal/{}/",
            self.pop.users[VICTIM].upn.replace(['.', '@'], "_")
        );
        let fin = "https://contoso.sharepoint.com/sites/Finance/".to_string();
        for (t, op, onedrive, path, ip) in [
            (
                at(7, 12, 33),
                "FileAccessed",
                true,
                "Documents/Bank details – vendors.xlsx",
                "185.73.124.135",
            ),
            (
                at(7, 12, 51),
                "FileDownloaded",
                true,
                "Documents/Bank details – vendors.xlsx",
                "146.70.116.90",
            ),
            (
                at(7, 14, 2),
                "FileAccessed",
                true,
                "Documents/Payroll Q1 2026.xlsx",
                "185.220.101.34",
            ),
            (
                at(7, 15, 40),
                "FileDownloaded",
                true,
                "Documents/Payroll Q1 2026.xlsx",
                "2001:db8::1",
            ),
            (
                at(7, 18, 9),
                "FileAccessed",
                false,
                "Shared Documents/Contrats/Contrat fournisseur – été.docx",
                "107.189.10.143",
            ),
            (
                at(7, 19, 27),
                "FileDownloaded",
                false,
                "Shared Documents/Contrats/Contrat fournisseur – été.docx",
                "23.129.64.214",
            ),
        ] {
            let ctx = base(&mut self.rng, ip.to_string(), Client::Browser, None);
            let site = if onedrive { od.clone() } else { fin.clone() };
            let size = 20_000 + self.rng.below(900_000);
            let body = Body::File {
                onedrive,
                site,
                path,
                size,
            };
            let r = self.make(t, op, VICTIM, VICTIM, ctx, body, plain);
            self.recs.push(r);
        }

        // The Exchange session.
        let s = Some(ATTACKER_SESSION);
        let invoice = special_message(VICTIM, F_INBOX, 1, "Invoice 4471 – payment due 15 March");
        let msg = |f: u8, n: u64| message(VICTIM, f, n);
        // (time, client, body, variant, duplicate)
        let mut plan: Vec<(i64, &'static str, Client, Body, Var, bool)> = Vec::new();
        let sync = |folder| Body::Sync {
            folder,
            throttled: false,
        };
        let bind = |folders: Vec<(u8, Vec<Msg>)>, extra: u64| {
            let listed = folders.iter().map(|(_, i)| i.len() as u64).sum::<u64>();
            Body::Bind {
                folders,
                count: listed + extra,
                throttled: false,
            }
        };
        let mia = "MailItemsAccessed";
        plan.push((
            at(7, 1, 5),
            mia,
            Client::Rest,
            sync(F_INBOX),
            Var { z: true, ..plain },
            false,
        ));
        plan.push((
            at(7, 1, 9),
            mia,
            Client::Rest,
            sync(F_FINANCE),
            Var {
                orig_nl: 1,
                ..plain
            },
            false,
        ));
        let binds: Vec<PlannedBind> = vec![
            (
                at(7, 3, 12),
                vec![(
                    F_INBOX,
                    vec![invoice.clone(), msg(F_INBOX, 3), msg(F_INBOX, 7)],
                )],
                0,
                plain,
                false,
            ),
            (
                at(7, 4, 40) + 1_234_567,
                vec![(F_FINANCE, vec![msg(F_FINANCE, 1), msg(F_FINANCE, 2)])],
                0,
                Var {
                    frac7: true,
                    rt_string: true,
                    ..plain
                },
                false,
            ),
            (
                at(7, 6, 2),
                vec![(F_INBOX, vec![msg(F_INBOX, 11)])],
                0,
                Var {
                    aac: 1,
                    orig_nl: 2,
                    ..plain
                },
                false,
            ),
            (
                at(7, 8, 31),
                vec![(F_INBOX, vec![invoice.clone(), msg(F_INBOX, 12)])],
                0,
                Var {
                    ext_string: true,
                    ..plain
                },
                true,
            ),
            (
                at(7, 10, 15),
                vec![(
                    F_ARCHIVE,
                    vec![
                        msg(F_ARCHIVE, 4),
                        msg(F_ARCHIVE, 5),
                        msg(F_ARCHIVE, 6),
                        msg(F_ARCHIVE, 9),
                    ],
                )],
                3,
                plain,
                false,
            ),
            (
                at(7, 13, 48),
                vec![(F_SENT, vec![msg(F_SENT, 2)])],
                0,
                Var {
                    props_string: true,
                    folders_string: true,
                    ..plain
                },
                false,
            ),
            (
                at(7, 16, 20),
                vec![
                    (F_INBOX, vec![msg(F_INBOX, 21)]),
                    (F_FINANCE, vec![msg(F_FINANCE, 3)]),
                ],
                0,
                Var { aac: 2, ..plain },
                false,
            ),
            (
                at(7, 19, 55),
                vec![(F_FINANCE, vec![msg(F_FINANCE, 1)])],
                0,
                Var {
                    slash: true,
                    ascii: true,
                    ..plain
                },
                false,
            ),
            (
                at(7, 22, 3),
                vec![(F_JAPANESE, vec![msg(F_JAPANESE, 0)])],
                0,
                Var {
                    pretty: true,
                    ..plain
                },
                false,
            ),
            (
                at(7, 24, 41),
                vec![(F_PROJETS, vec![msg(F_PROJETS, 0), msg(F_PROJETS, 1)])],
                0,
                Var {
                    ascii: true,
                    ..plain
                },
                false,
            ),
        ];
        for (i, (t, folders, extra, v, dup)) in binds.into_iter().enumerate() {
            let client = if i % 3 == 2 {
                Client::Rest
            } else {
                Client::Owa
            };
            plan.push((t, mia, client, bind(folders, extra), v, dup));
        }
        // The inbox rule: hidden, hostile name, deletes the vendor's replies.
        let rule = "=HYPERLINK(\"http://x\",\"y\")";
        let pop = self.pop;
        let megan = &pop.users[VICTIM];
        let rule_body = Body::Admin {
            object: format!(
                "EURPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/{ORG_NAME}/{}\\{rule}",
                megan.display
            ),
            params: vec![
                ("AlwaysDeleteOutlookRulesBlob", "False".into()),
                ("Force", "False".into()),
                ("Name", rule.into()),
                ("MoveToFolder", format!("{}:\\RSS Feeds", megan.upn)),
                (
                    "SubjectContainsWords",
                    "invoice;payment;wire;bank details".into(),
                ),
                ("DeleteMessage", "True".into()),
                ("MarkAsRead", "True".into()),
                ("StopProcessingRules", "True".into()),
            ],
        };
        plan.push((
            at(7, 27, 40),
            "New-InboxRule",
            Client::Owa,
            rule_body,
            Var {
                slash: true,
                ..plain
            },
            false,
        ));
        // The fraudulent reply, then its removal.
        let phish = special_message(
            VICTIM,
            F_SENT,
            2,
            "RE: Invoice 4471 – updated bank details <script>alert(1)</script>",
        );
        plan.push((
            at(7, 33, 12),
            "Send",
            Client::Owa,
            Body::Item {
                item: phish.clone(),
            },
            plain,
            false,
        ));
        let mut moved = phish.clone();
        plan.push((
            at(7, 34, 40),
            "MoveToDeletedItems",
            Client::Owa,
            Body::Delete {
                items: vec![phish],
                folder: F_SENT,
                dest: Some(F_DELETED),
            },
            plain,
            false,
        ));
        moved.folder = F_DELETED;
        // HardDelete burst: 20-40 records, 0-4 s apart (ties on purpose).
        let burst = self.rng.range(20, 40);
        let mut t = at(7, 35, 2);
        for i in 0..burst {
            let items = match i {
                0 => vec![moved.clone()],
                2 => vec![special_message(
                    VICTIM,
                    F_INBOX,
                    3,
                    "\u{1b}[31mSecurity alert: unusual sign-in activity\u{1b}[0m",
                )],
                _ => {
                    let n = self.rng.range(1, 2);
                    (0..n).map(|k| msg(F_INBOX, 100 + i * 2 + k)).collect()
                }
            };
            let folder = items[0].folder;
            let v = Var {
                status: match i {
                    5 => 2,
                    9 => 1,
                    _ => 0,
                },
                pretty: i == 7,
                orig_nl: (i % 3) as u8,
                ..plain
            };
            plan.push((
                t,
                "HardDelete",
                Client::Owa,
                Body::Delete {
                    items,
                    folder,
                    dest: None,
                },
                v,
                i == 11,
            ));
            t += self.rng.range(0, 4) as i64 * TPS;
        }
        // Throttled: Bind auditing stops for 24 h after this one; Sync goes on being recorded.
        plan.push((
            at(7, 41, 2),
            mia,
            Client::Rest,
            Body::Bind {
                folders: vec![(F_INBOX, vec![msg(F_INBOX, 30)])],
                count: 1,
                throttled: true,
            },
            plain,
            false,
        ));
        plan.push((
            at(7, 52, 30),
            mia,
            Client::Rest,
            sync(F_ARCHIVE),
            plain,
            false,
        ));
        // Day 2: checks for the vendor's answer and deletes it.
        let reply = special_message(
            VICTIM,
            F_INBOX,
            4,
            "RE: RE: Invoice 4471 – updated bank details",
        );
        plan.push((
            at(26, 14, 0),
            mia,
            Client::Owa,
            Body::Sync {
                folder: F_INBOX,
                throttled: false,
            },
            Var { aac: 1, ..plain },
            false,
        ));
        plan.push((
            at(26, 15, 31),
            "HardDelete",
            Client::Owa,
            Body::Delete {
                items: vec![reply],
                folder: F_INBOX,
                dest: None,
            },
            plain,
            false,
        ));
        plan.push((
            at(26, 16, 2),
            mia,
            Client::Rest,
            sync(F_FINANCE),
            Var { z: true, ..plain },
            false,
        ));

        for (t, op, client, body, v, dup) in plan {
            let ctx = base(&mut self.rng, next_ip(), client, s);
            let mut r = self.make(t, op, VICTIM, VICTIM, ctx, body, v);
            r.dup = dup;
            self.recs.push(r);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------------

/// Command-line options.
struct Opts {
    fmt: Format,
    records: Option<u64>,
    bytes: Option<u64>,
    seed: u64,
    out: Option<PathBuf>,
    truth: Option<PathBuf>,
}

/// Parses `1_000`, `200M`, `1G`, `3k`.
fn parse_num(s: &str) -> Option<u64> {
    let s = s.replace('_', "");
    let (digits, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1_000),
        'm' | 'M' => (&s[..s.len() - 1], 1_000_000),
        'g' | 'G' => (&s[..s.len() - 1], 1_000_000_000),
        _ => (&s[..], 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

/// Usage text.
const USAGE: &str = "usage: gen_incident [--format purview-csv|sual-csv|mailbox-csv|jsonl|json-array] \
[--records N | --bytes N] [--seed S] [--out PATH] [--truth PATH]";

/// Hand-rolled argument parsing (no argument: the bundled sample).
fn parse_args() -> Result<Opts, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
        return Ok(Opts {
            fmt: Format::PurviewCsv,
            records: Some(SAMPLE_RECORDS),
            bytes: None,
            seed: 1,
            out: Some(root.join("incident.csv")),
            truth: Some(root.join("incident.truth.json")),
        });
    }
    let mut o = Opts {
        fmt: Format::PurviewCsv,
        records: None,
        bytes: None,
        seed: 1,
        out: None,
        truth: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-h" || a == "--help" {
            return Err(String::new());
        }
        let val = it.next().ok_or_else(|| format!("{a} needs a value"))?;
        let num = || parse_num(val).ok_or_else(|| format!("{a}: not a number: {val}"));
        match a.as_str() {
            "--format" => {
                o.fmt = Format::parse(val).ok_or_else(|| format!("unknown format {val}"))?
            }
            "--records" => o.records = Some(num()?),
            "--bytes" => o.bytes = Some(num()?),
            "--seed" => o.seed = num()?,
            "--out" => o.out = Some(PathBuf::from(val)),
            "--truth" => o.truth = Some(PathBuf::from(val)),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    if o.records.is_some() && o.bytes.is_some() {
        return Err("--records and --bytes exclude each other".into());
    }
    if o.records.is_none() && o.bytes.is_none() {
        o.records = Some(SAMPLE_RECORDS);
    }
    Ok(o)
}

/// Opens an output file, creating its directory.
fn create(path: &PathBuf) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    File::create(path)
}

/// Generates everything into `w`; returns the sink's counters and truth.
fn run<W: Write>(
    o: &Opts,
    pop: &Population,
    days: i64,
    w: W,
) -> io::Result<(u64, u64, Truth, (i64, i64))> {
    let day0 = NaiveDate::from_ymd_opt(2026, 3, 2)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time")
        .and_utc()
        .timestamp()
        * TPS;
    let start = day0 - (days - 3) * TPD;
    let end = day0 + 3 * TPD;

    // The fixed cast (victim, admin, attacker, invalid record): the same whatever the size.
    let mut sc = Scenario {
        rng: Rng::new(hash(&[o.seed, 0xF1_8ED])),
        seed: o.seed,
        pop,
        recs: Vec::new(),
    };
    sc.victim(day0);
    sc.admin(day0);
    sc.attacker(day0);
    sc.invalid(day0);
    let mut fixed = std::mem::take(&mut sc.recs);
    fixed.sort_by_key(|r| (r.t, r.id));
    let fixed_rows = fixed.len() as u64 + fixed.iter().filter(|r| r.dup).count() as u64;
    // Background traffic has its own stream, so the fixed cast does not depend on the volume.
    sc.rng = Rng::new(hash(&[o.seed, 0xB6_B6]));

    let mut sink = Sink::new(o.fmt, w, pop);
    sink.begin()?;
    let hours = (end - start) / (3600 * TPS);
    let weight = |h: i64| HOUR_WEIGHT[(h % 24) as usize];
    let total_weight: u64 = (0..hours).map(weight).sum();
    let bg_records = o
        .records
        .map(|n| (n.saturating_sub(fixed_rows) as f64 / 1.01) as u64);
    let mut carry = 0.0f64;
    let mut fi = 0usize;
    let mut pending: Vec<Rec> = Vec::new();
    let mut block: Vec<Rec> = Vec::new();
    let mut remaining_weight = total_weight;
    for h in 0..hours {
        let hs = start + h * 3600 * TPS;
        let he = hs + 3600 * TPS;
        let w_h = weight(h);
        let expected = match (bg_records, o.bytes) {
            (Some(n), _) => n as f64 * w_h as f64 / total_weight as f64,
            (None, Some(target)) => {
                let avg = sink.bytes.checked_div(sink.rows).unwrap_or(AVG_GUESS);
                let left = target.saturating_sub(sink.bytes) as f64 / avg.max(1) as f64;
                left * w_h as f64 / remaining_weight as f64
            }
            _ => 0.0,
        };
        remaining_weight -= w_h;
        carry += expected;
        let n = carry.floor();
        carry -= n;
        block.clear();
        for _ in 0..n as u64 {
            let t = hs + sc.rng.below(3600) as i64 * TPS;
            let r = sc.background(t);
            block.push(r);
        }
        while fi < fixed.len() && fixed[fi].t < he {
            block.push(fixed[fi].clone());
            fi += 1;
        }
        block.sort_by_key(|r| (r.t, r.id));
        // Rows repeated from the previous block, as when a result page comes twice.
        for r in pending.drain(..) {
            sink.emit(&r, true)?;
        }
        for r in &block {
            sink.emit(r, false)?;
            let background = r.actor != VICTIM && r.actor != ADMIN && !r.v.invalid;
            if r.dup || (background && sc.rng.ppm(10_000)) {
                pending.push(r.clone());
            }
        }
    }
    for r in pending.drain(..) {
        sink.emit(&r, true)?;
    }
    sink.finish()?;
    Ok((sink.rows, sink.bytes, sink.truth, (start, end)))
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen_incident: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    // Scale: small logs cover three days and eight mailboxes; big ones more of both.
    let target = o
        .records
        .unwrap_or_else(|| o.bytes.unwrap_or(0) / AVG_GUESS);
    let (days, users) = if target <= 20_000 {
        (3i64, 8usize)
    } else {
        let days = (target / 50_000).clamp(3, 60) as i64;
        let users = (target / (days as u64 * 100)).clamp(8, 100_000) as usize;
        (days, users)
    };
    let pop = Population::new(users);
    let started = Instant::now();
    let result = match &o.out {
        Some(p) => {
            create(p).and_then(|f| run(&o, &pop, days, BufWriter::with_capacity(1 << 20, f)))
        }
        None => run(
            &o,
            &pop,
            days,
            BufWriter::with_capacity(1 << 20, io::stdout().lock()),
        ),
    };
    let (rows, bytes, truth, range) = match result {
        Ok(x) => x,
        Err(e) => {
            eprintln!("gen_incident: write failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let secs = started.elapsed().as_secs_f64();
    if let Some(p) = &o.truth {
        let doc = truth.to_json(o.fmt, o.seed, rows, range);
        let text = serde_json::to_string_pretty(&doc).expect("serialisable") + "\n";
        if let Err(e) = create(p).and_then(|mut f| f.write_all(text.as_bytes())) {
            eprintln!("gen_incident: cannot write truth {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "gen_incident: {} rows ({} unique, {} duplicates, {} invalid), {} bytes, {} mailboxes, {} days, {:.2} s ({:.0} MB/s)",
        rows,
        truth.unique,
        truth.dups,
        truth.invalid.len(),
        bytes,
        users,
        days,
        secs,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    eprintln!(
        "gen_incident: attacker {} SessionId {} AADSessionId {} ({} session records)",
        User::new(VICTIM).upn,
        guid_str(ATTACKER_SESSION),
        guid_str(ATTACKER_AAD),
        truth.timeline.len()
    );
    ExitCode::SUCCESS
}
