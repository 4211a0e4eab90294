//! Small enumerations that AuditData writes as numbers or names.

/// Exchange `LogonType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogonType {
    /// 0: the mailbox owner.
    Owner,
    /// 1: an administrator.
    Admin,
    /// 2: a delegate.
    Delegate,
    /// 3: the transport service.
    Transport,
    /// 4: a system service.
    SystemService,
    /// 5: best access.
    BestAccess,
    /// 6: a delegated administrator.
    DelegatedAdmin,
    /// Any other number.
    Other(i64),
}

impl LogonType {
    /// From AuditData's number.
    pub fn from_code(code: i64) -> LogonType {
        match code {
            0 => LogonType::Owner,
            1 => LogonType::Admin,
            2 => LogonType::Delegate,
            3 => LogonType::Transport,
            4 => LogonType::SystemService,
            5 => LogonType::BestAccess,
            6 => LogonType::DelegatedAdmin,
            n => LogonType::Other(n),
        }
    }

    /// From a number or a name as some exports print it (case-insensitive).
    pub fn from_text(text: &str) -> Option<LogonType> {
        let text = text.trim();
        if let Ok(n) = text.parse::<i64>() {
            return Some(LogonType::from_code(n));
        }
        let all = [
            LogonType::Owner,
            LogonType::Admin,
            LogonType::Delegate,
            LogonType::Transport,
            LogonType::SystemService,
            LogonType::BestAccess,
            LogonType::DelegatedAdmin,
        ];
        all.into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(text))
    }

    /// AuditData's number.
    pub fn code(self) -> i64 {
        match self {
            LogonType::Owner => 0,
            LogonType::Admin => 1,
            LogonType::Delegate => 2,
            LogonType::Transport => 3,
            LogonType::SystemService => 4,
            LogonType::BestAccess => 5,
            LogonType::DelegatedAdmin => 6,
            LogonType::Other(n) => n,
        }
    }

    /// The name Exchange uses.
    pub fn name(self) -> &'static str {
        match self {
            LogonType::Owner => "Owner",
            LogonType::Admin => "Admin",
            LogonType::Delegate => "Delegate",
            LogonType::Transport => "Transport",
            LogonType::SystemService => "SystemService",
            LogonType::BestAccess => "BestAccess",
            LogonType::DelegatedAdmin => "DelegatedAdmin",
            LogonType::Other(_) => "Other",
        }
    }
}

impl std::fmt::Display for LogonType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogonType::Other(n) => write!(f, "{n}"),
            t => f.write_str(t.name()),
        }
    }
}

/// MailItemsAccessed `MailAccessType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailAccessType {
    /// Single items opened; message ids listed in `Folders`.
    Bind,
    /// A whole folder downloaded by a client.
    Sync,
}

impl MailAccessType {
    /// Reads `Bind`/`Sync` in any case.
    pub fn from_text(text: &str) -> Option<MailAccessType> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("Bind") {
            Some(MailAccessType::Bind)
        } else if text.eq_ignore_ascii_case("Sync") {
            Some(MailAccessType::Sync)
        } else {
            None
        }
    }

    /// `Bind` or `Sync`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailAccessType::Bind => "Bind",
            MailAccessType::Sync => "Sync",
        }
    }
}

/// Known `RecordType` numbers and names (Office 365 Management Activity API schema).
const RECORD_TYPES: &[(u32, &str)] = &[
    (1, "ExchangeAdmin"),
    (2, "ExchangeItem"),
    (3, "ExchangeItemGroup"),
    (4, "SharePoint"),
    (6, "SharePointFileOperation"),
    (8, "AzureActiveDirectory"),
    (9, "AzureActiveDirectoryAccountLogon"),
    (10, "DataCenterSecurityCmdlet"),
    (11, "ComplianceDLPSharePoint"),
    (13, "ComplianceDLPExchange"),
    (14, "SharePointSharingOperation"),
    (15, "AzureActiveDirectoryStsLogon"),
    (18, "SecurityComplianceCenterEOPCmdlet"),
    (19, "ExchangeAggregatedOperation"),
    (20, "PowerBIAudit"),
    (25, "MicrosoftTeams"),
    (28, "ThreatIntelligence"),
    (29, "MailSubmission"),
    (30, "MicrosoftFlow"),
    (40, "SecurityComplianceAlerts"),
    (41, "ThreatIntelligenceUrl"),
    (47, "ThreatIntelligenceAtpContent"),
    (50, "ExchangeItemAggregated"),
    (52, "DataInsightsRestApiAudit"),
    (64, "AirInvestigation"),
];

/// The name of a known `RecordType` number, or the number of a known name.
pub fn record_type_name(code: u32) -> Option<&'static str> {
    RECORD_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// The number of a known `RecordType` name (case-insensitive).
pub fn record_type_code(name: &str) -> Option<u32> {
    RECORD_TYPES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(c, _)| *c)
}

/// `UserType` numbers as names.
pub fn user_type_name(code: i64) -> Option<&'static str> {
    Some(match code {
        0 => "Regular",
        1 => "Reserved",
        2 => "Admin",
        3 => "DcAdmin",
        4 => "System",
        5 => "Application",
        6 => "ServicePrincipal",
        7 => "CustomPolicy",
        8 => "SystemPolicy",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logon_types_from_numbers_and_names() {
        assert_eq!(LogonType::from_text("0"), Some(LogonType::Owner));
        assert_eq!(LogonType::from_text("delegate"), Some(LogonType::Delegate));
        assert_eq!(LogonType::from_text("9"), Some(LogonType::Other(9)));
        assert_eq!(LogonType::from_text("nobody"), None);
        assert_eq!(LogonType::Other(9).to_string(), "9");
        assert_eq!(LogonType::Admin.code(), 1);
    }

    #[test]
    fn record_types_both_ways() {
        assert_eq!(record_type_name(50), Some("ExchangeItemAggregated"));
        assert_eq!(record_type_code("exchangeitem"), Some(2));
        assert_eq!(record_type_name(9999), None);
        assert_eq!(user_type_name(2), Some("Admin"));
    }
}
