//! Access contexts: who read mail, from where, with what.
//!
//! Exchange aggregates MailItemsAccessed records per context: a change of `SessionId`,
//! `ClientIPAddress`, `ClientInfoString`, `LogonType` or user starts a new record. Exposure is
//! therefore reported per context, and a context is what an investigator attributes to the
//! attacker or to the real user.

use std::fmt;

use crate::ip::comparable_address;
use crate::record::{AuditRecord, LogonType};

/// One access context, as first written by its records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessContext {
    /// Exchange `SessionId`; `None` for clients without one (basic authentication).
    pub session_id: Option<String>,
    /// The client's address: the bare `ClientIPAddress` (or `ClientIP`) when it is an address,
    /// else the text as given.
    pub client_ip_address: Option<String>,
    /// `ClientInfoString`.
    pub client_info_string: Option<String>,
    /// `LogonType`.
    pub logon_type: Option<LogonType>,
    /// The acting user (`UserId`).
    pub user_id: Option<String>,
}

/// What makes two contexts the same: ids and users compared without case, addresses in
/// canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ContextKey {
    session_id: Option<String>,
    address: Option<String>,
    client_info_string: Option<String>,
    logon_type: Option<LogonType>,
    user_id: Option<String>,
}

impl AccessContext {
    /// The context a record was made in, and its comparison key.
    pub(crate) fn of(r: &AuditRecord<'_>) -> (AccessContext, ContextKey) {
        let address_text = r.client_ip_address.as_deref().or(r.client_ip.as_deref());
        let address = address_text.map(comparable_address);
        let context = AccessContext {
            session_id: r.session_id.as_deref().map(str::to_owned),
            client_ip_address: address.clone(),
            client_info_string: r.client_info_string.as_deref().map(str::to_owned),
            logon_type: r.logon_type,
            user_id: r.user_id.as_deref().map(str::to_owned),
        };
        let key = ContextKey {
            session_id: r.session_id.as_deref().map(str::to_ascii_lowercase),
            address,
            client_info_string: context.client_info_string.clone(),
            logon_type: r.logon_type,
            user_id: r.user_id.as_deref().map(str::to_ascii_lowercase),
        };
        (context, key)
    }
}

impl fmt::Display for AccessContext {
    /// `session / address / client / logon type / user`, `-` for what is absent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        write!(
            f,
            "{} / {} / {} / {} / {}",
            dash(&self.session_id),
            dash(&self.client_ip_address),
            dash(&self.client_info_string),
            self.logon_type
                .map_or_else(|| "-".to_owned(), |l| l.to_string()),
            dash(&self.user_id)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn contexts_compare_ids_without_case_and_addresses_without_ports() {
        let a = parse_record(
            r#"{"SessionId":"ABC","ClientIP":"185.73.124.135:19823","ClientIPAddress":"185.73.124.135","ClientInfoString":"Client=OWA","LogonType":0,"UserId":"Megan@Contoso.com"}"#,
        )
        .unwrap();
        let b = parse_record(
            r#"{"SessionId":"abc","ClientIP":"::ffff:185.73.124.135","ClientInfoString":"Client=OWA","LogonType":"Owner","UserId":"megan@contoso.com"}"#,
        )
        .unwrap();
        let (ca, ka) = AccessContext::of(&a);
        let (cb, kb) = AccessContext::of(&b);
        assert_eq!(ka, kb);
        assert_eq!(ca.client_ip_address.as_deref(), Some("185.73.124.135"));
        assert_eq!(cb.client_ip_address.as_deref(), Some("185.73.124.135"));
        assert_eq!(
            ca.to_string(),
            "ABC / 185.73.124.135 / Client=OWA / Owner / Megan@Contoso.com"
        );
        let c = parse_record(r#"{"SessionId":"abc","ClientIPAddress":"10.0.0.1"}"#).unwrap();
        assert_ne!(AccessContext::of(&c).1, ka);
    }
}
