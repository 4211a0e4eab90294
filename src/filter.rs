//! Which records an investigator wants.
//!
//! A [`FilterSpec`] is plain data (what the CLI flags, the C ABI and the PowerShell parameters fill
//! in); [`Filter`] is its compiled form. Categories combine with AND; values within a category with
//! OR. Exchange `SessionId`s and `AADSessionId`s form one category, so "this Exchange session, and
//! anything else of that Entra ID session" is one filter.
//!
//! Before a document is parsed, [`Filter::may_match`] looks for the session ids' bytes in it (in
//! any ASCII case): most documents of a large export do not contain the id and are skipped without
//! parsing. Every hit is then confirmed on the parsed record by [`Filter::matches`], since an id can
//! also appear inside a subject or another field.

use chrono::{DateTime, Utc};

use crate::ip::comparable_address;
use crate::record::AuditRecord;
use prefilter::{SessionPrefilter, may_be_throttled};
use units::Unit;

mod prefilter;
mod search;
mod units;

/// The filter as given by a user. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterSpec {
    /// Exchange `SessionId`s (case-insensitive).
    pub session_ids: Vec<String>,
    /// `AppAccessContext.AADSessionId`s (case-insensitive); OR-ed with `session_ids`.
    pub aad_session_ids: Vec<String>,
    /// Users: matched against `UserId` and `MailboxOwnerUPN` (case-insensitive).
    pub users: Vec<String>,
    /// Operation names (case-insensitive).
    pub operations: Vec<String>,
    /// Client addresses, with or without port (`1.2.3.4`, `1.2.3.4:443`, `[2001:db8::1]:443`);
    /// matched against `ClientIP` and `ClientIPAddress`.
    pub ips: Vec<String>,
    /// Earliest `CreationTime` kept (inclusive).
    pub start: Option<DateTime<Utc>>,
    /// Latest `CreationTime` kept (inclusive).
    pub end: Option<DateTime<Utc>>,
    /// Also keep every MailItemsAccessed record with `IsThrottled` = True of the `users` (any
    /// session, address, operation filter or time): a throttled record opens a hole in a
    /// mailbox's evidence whichever session wrote it (see `mailaccess`).
    pub keep_throttled: bool,
}

impl FilterSpec {
    /// True when the spec keeps every record.
    pub fn is_empty(&self) -> bool {
        *self == FilterSpec::default()
    }
}

/// A compiled filter: build once, apply to many batches from any thread.
#[derive(Debug, Clone)]
pub struct Filter {
    spec: FilterSpec,
    ips: Vec<String>,
    /// Finds the session ids' bytes; `None` when documents cannot be skipped by bytes.
    prefilter: Option<SessionPrefilter>,
}

impl Filter {
    /// Compiles a spec. Blank entries in the lists are ignored.
    pub fn new(mut spec: FilterSpec) -> Filter {
        for list in [
            &mut spec.session_ids,
            &mut spec.aad_session_ids,
            &mut spec.users,
            &mut spec.operations,
            &mut spec.ips,
        ] {
            list.retain(|s| !s.trim().is_empty());
            for s in list.iter_mut() {
                *s = s.trim().to_owned();
            }
        }
        let ips = spec.ips.iter().map(|ip| comparable_address(ip)).collect();
        let prefilter = SessionPrefilter::new(spec.session_ids.iter().chain(&spec.aad_session_ids));
        Filter {
            spec,
            ips,
            prefilter,
        }
    }

    /// A filter that keeps everything.
    pub fn all() -> Filter {
        Filter::new(FilterSpec::default())
    }

    /// The spec this filter was built from (blank entries removed).
    pub fn spec(&self) -> &FilterSpec {
        &self.spec
    }

    /// True when the filter keeps every record.
    pub fn is_empty(&self) -> bool {
        self.spec.is_empty()
    }

    /// Byte prefilter: `false` only when the document cannot match. Cheap next to parsing.
    pub fn may_match(&self, document: &[u8]) -> bool {
        self.may_match_units(document)
    }

    /// The prefilter on a document held as UTF-16 units (a .NET string): the same answer as
    /// [`Filter::may_match`] gives on the document's UTF-8, a lone surrogate standing for U+FFFD
    /// (as .NET's `Encoding.UTF8` writes it), without making that UTF-8.
    pub fn may_match_utf16(&self, document: &[u16]) -> bool {
        self.may_match_units(document)
    }

    fn may_match_units<U: Unit>(&self, document: &[U]) -> bool {
        match &self.prefilter {
            Some(p) => {
                p.may_occur_in(document) || (self.spec.keep_throttled && may_be_throttled(document))
            }
            None => true,
        }
    }

    /// True when the parsed record satisfies every category of the filter (or is a throttled
    /// record of the users kept by `keep_throttled`).
    pub fn matches(&self, r: &AuditRecord<'_>) -> bool {
        if self.spec.keep_throttled
            && r.is_throttled == Some(true)
            && r.is_mail_items_accessed()
            && self.matches_users(r)
        {
            return true;
        }
        let s = &self.spec;
        let eq = |value: Option<&str>, wanted: &String| {
            value.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
        };
        if !(s.session_ids.is_empty() && s.aad_session_ids.is_empty()) {
            let exchange = s.session_ids.iter().any(|w| eq(r.session_id.as_deref(), w));
            let aad = s
                .aad_session_ids
                .iter()
                .any(|w| eq(r.aad_session_id.as_deref(), w));
            if !(exchange || aad) {
                return false;
            }
        }
        if !self.matches_users(r) {
            return false;
        }
        if !s.operations.is_empty() && !s.operations.iter().any(|w| eq(r.operation.as_deref(), w)) {
            return false;
        }
        if !self.ips.is_empty() {
            let candidates = [r.client_ip.as_deref(), r.client_ip_address.as_deref()];
            let hit = candidates
                .into_iter()
                .flatten()
                .any(|text| self.ips.contains(&comparable_address(text)));
            if !hit {
                return false;
            }
        }
        if s.start.is_some() || s.end.is_some() {
            let Some(t) = r.creation_time else {
                return false;
            };
            if s.start.is_some_and(|start| t < start) || s.end.is_some_and(|end| t > end) {
                return false;
            }
        }
        true
    }
}

impl Filter {
    /// True when no users were asked for, or the record's `UserId` or `MailboxOwnerUPN` is one.
    fn matches_users(&self, r: &AuditRecord<'_>) -> bool {
        let is = |value: Option<&str>, wanted: &String| {
            value.is_some_and(|v| v.eq_ignore_ascii_case(wanted))
        };
        self.spec.users.is_empty()
            || self
                .spec
                .users
                .iter()
                .any(|w| is(r.user_id.as_deref(), w) || is(r.mailbox_owner_upn.as_deref(), w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    const SID: &str = "6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11";

    fn doc(session: &str) -> String {
        format!(
            r#"{{"CreationTime":"2026-03-02T06:54:24","Id":"a","Operation":"Send","UserId":"Megan@Contoso.com","SessionId":"{session}","ClientIP":"185.73.124.135:19823"}}"#
        )
    }

    fn filter_sessions(ids: &[&str]) -> Filter {
        Filter::new(FilterSpec {
            session_ids: ids.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        })
    }

    #[test]
    fn prefilter_skips_other_sessions_and_keeps_any_case() {
        let f = filter_sessions(&[SID]);
        assert!(f.may_match(doc(SID).as_bytes()));
        assert!(f.may_match(doc(&SID.to_uppercase()).as_bytes()));
        assert!(!f.may_match(doc("00000000-1111-2222-3333-444444444444").as_bytes()));
        let r = parse_record(&doc(&SID.to_uppercase())).map(|r| f.matches(&r));
        assert_eq!(r, Ok(true));
    }

    #[test]
    fn prefilter_does_not_trust_escaped_digits() {
        let f = filter_sessions(&[SID]);
        let escaped = doc(SID)
            .replace("6b1c", "\\u0036b1c")
            .replace("93f2", "\\u0039\\u0033f2");
        assert!(f.may_match(escaped.as_bytes()));
        assert_eq!(parse_record(&escaped).map(|r| f.matches(&r)), Ok(true));
    }

    #[test]
    fn an_id_in_a_subject_is_not_a_match() {
        let f = filter_sessions(&[SID]);
        let other = doc("other").replace(
            "\"Id\":\"a\"",
            &format!("\"Id\":\"a\",\"Subject\":\"{SID}\""),
        );
        assert!(f.may_match(other.as_bytes()));
        assert_eq!(parse_record(&other).map(|r| f.matches(&r)), Ok(false));
    }

    #[test]
    fn categories_combine() {
        let r_text = doc(SID);
        let r = parse_record(&r_text).unwrap();
        let spec = |f: fn(&mut FilterSpec)| {
            let mut s = FilterSpec::default();
            f(&mut s);
            Filter::new(s).matches(&r)
        };
        assert!(spec(|s| s.users = vec!["megan@contoso.COM".into()]));
        assert!(!spec(|s| s.users = vec!["alex@contoso.com".into()]));
        assert!(spec(
            |s| s.operations = vec!["send".into(), "HardDelete".into()]
        ));
        assert!(spec(|s| s.ips = vec!["185.73.124.135".into()]));
        assert!(spec(|s| s.ips = vec!["185.73.124.135:1".into()]));
        assert!(!spec(|s| s.ips = vec!["185.73.124.13".into()]));
        assert!(spec(
            |s| s.start = crate::time::parse_iso_utc("2026-03-02T06:54:24")
        ));
        assert!(!spec(
            |s| s.start = crate::time::parse_iso_utc("2026-03-02T06:54:25")
        ));
        assert!(spec(
            |s| s.end = crate::time::parse_iso_utc("2026-03-02T06:54:24")
        ));
        assert!(!spec(|s| {
            s.session_ids = vec!["nope".into()];
            s.aad_session_ids = vec!["x".into()];
        }));
        assert!(spec(|s| s.users = vec!["  ".into()]));
    }

    #[test]
    fn many_ids_use_one_automaton() {
        let ids: Vec<String> = (0..10)
            .map(|i| format!("{i:08}-aaaa-bbbb-cccc-dddddddddddd"))
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let f = filter_sessions(&refs);
        assert!(f.may_match(br#"{"SessionId":"00000007-AAAA-bbbb-CCCC-dddddddddddd"}"#));
        assert!(!f.may_match(br#"{"SessionId":"00000017-AAAA-bbbb-CCCC-dddddddddddd"}"#));
    }

    #[test]
    fn utf16_documents_get_the_answer_of_their_utf8() {
        let many: Vec<String> = (0..10)
            .map(|i| format!("{i:08}-aaaa-bbbb-cccc-dddddddddddd"))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let throttled = Filter::new(FilterSpec {
            session_ids: vec![SID.into()],
            users: vec!["megan@contoso.com".into()],
            keep_throttled: true,
            ..Default::default()
        });
        let docs = [
            doc(SID),
            doc(&SID.to_uppercase()),
            doc("00000007-AAAA-bbbb-CCCC-dddddddddddd"),
            doc("00000017-AAAA-bbbb-CCCC-dddddddddddd"),
            doc(SID).replace("6b1c", "\\u0036b1c"),
            doc("other").replace("Send", "Séñd \\u00e9 €"),
            r#"{"OperationProperties":[{"Name":"IsThrottled","Value":"True"}]}"#.to_owned(),
        ];
        for filter in [filter_sessions(&[SID]), filter_sessions(&many), throttled] {
            for d in &docs {
                let wide: Vec<u16> = d.encode_utf16().collect();
                assert_eq!(
                    filter.may_match_utf16(&wide),
                    filter.may_match(d.as_bytes()),
                    "{d}"
                );
            }
        }
    }

    #[test]
    fn mixed_case_ids_are_found() {
        let f = filter_sessions(&["AbCdEf-12"]);
        assert!(f.may_match(br#"{"SessionId":"aBcDeF-12"}"#));
        assert!(!f.may_match(br#"{"SessionId":"aBcDeF-13"}"#));
        assert!(Filter::all().may_match(b"{}"));
    }
}
