//! Flags shared by the subcommands: filters, inputs and how to report on them.

use std::path::PathBuf;

use auditsift::filter::FilterSpec;
use auditsift::time::{format_utc, parse_iso_utc};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::{Args, ValueEnum};

use auditsift::output::Format;

/// Which records to keep. Different flags combine with AND, repeated ones with OR;
/// `--session` and `--aad-session` together mean either.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Exchange SessionId to keep (repeatable; any case).
    #[arg(long = "session", value_name = "ID")]
    pub sessions: Vec<String>,
    /// Entra ID session (AppAccessContext.AADSessionId) to keep (repeatable).
    #[arg(long = "aad-session", value_name = "ID")]
    pub aad_sessions: Vec<String>,
    /// User to keep: UserId or MailboxOwnerUPN (repeatable).
    #[arg(long = "user", value_name = "UPN")]
    pub users: Vec<String>,
    /// Operation to keep, e.g. MailItemsAccessed (repeatable).
    #[arg(long = "operation", value_name = "OP")]
    pub operations: Vec<String>,
    /// Client IP to keep, with or without a port (repeatable).
    #[arg(long = "ip", value_name = "IP")]
    pub ips: Vec<String>,
    /// Earliest time kept: ISO 8601 (2026-03-02, 2026-03-02T06:00:00Z, offsets); a bare date
    /// means its midnight UTC.
    #[arg(long, value_name = "T", value_parser = parse_start)]
    pub start: Option<DateTime<Utc>>,
    /// Latest time kept, inclusive: ISO 8601; a bare date means the end of that day UTC.
    #[arg(long, value_name = "T", value_parser = parse_end)]
    pub end: Option<DateTime<Utc>>,
}

impl FilterArgs {
    /// The filter as the library takes it.
    pub fn spec(&self) -> FilterSpec {
        FilterSpec {
            session_ids: self.sessions.clone(),
            aad_session_ids: self.aad_sessions.clone(),
            users: self.users.clone(),
            operations: self.operations.clone(),
            ips: self.ips.clone(),
            start: self.start,
            end: self.end,
            keep_throttled: false,
        }
    }

    /// The filters as flags, for showing what was asked.
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (flag, values) in [
            ("--session", &self.sessions),
            ("--aad-session", &self.aad_sessions),
            ("--user", &self.users),
            ("--operation", &self.operations),
            ("--ip", &self.ips),
        ] {
            out.extend(values.iter().map(|v| format!("{flag} {v}")));
        }
        out.extend(self.start.map(|t| format!("--start {}", format_utc(&t))));
        out.extend(self.end.map(|t| format!("--end {}", format_utc(&t))));
        out
    }
}

/// The inputs and how problems with them are reported.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Exit with code 3 when any record was rejected.
    #[arg(long)]
    pub strict: bool,
    /// Write every rejected record, with its location, reason and raw text, to this file as
    /// JSON lines.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Print no summary, rejected records or warnings on stderr (errors still are).
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads to parse with (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Input files: Purview export CSV, Search-UnifiedAuditLog or Search-MailboxAuditLog
    /// Export-Csv files, JSON arrays, JSON lines (plain, wrapped or Graph records), or the gzip
    /// of any of them; `-` is standard input. Several files are read as one input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Filters and inputs: what every subcommand takes.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Output formats for records and sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned columns for people (default on a terminal).
    Table,
    /// CSV with a header row, formula-safe.
    Csv,
    /// One JSON object per line (default in a pipe).
    Jsonl,
}

impl FormatArg {
    /// The format asked for, or table on a terminal and JSON lines otherwise.
    pub fn resolve(choice: Option<FormatArg>) -> Format {
        use std::io::IsTerminal;
        match choice {
            Some(FormatArg::Table) => Format::Table,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Jsonl) => Format::Jsonl,
            None if std::io::stdout().is_terminal() => Format::Table,
            None => Format::Jsonl,
        }
    }
}

/// Output formats of `convert`: every record is too many for a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ConvertFormatArg {
    /// CSV with a header row, formula-safe.
    Csv,
    /// One JSON object per line.
    #[default]
    Jsonl,
}

/// Reads `--start`/`--end`: ISO 8601 with seconds, or without them (`2026-03-02T06:00Z`), or a
/// bare date (its midnight, or with `end_of_day` its last nanosecond).
pub fn parse_time(text: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Some(t) = parse_iso_utc(text) {
        return Ok(t);
    }
    // Minutes without seconds: insert them.
    if let (Some(minutes), Some(zone)) = (text.get(..16), text.get(16..))
        && !zone.starts_with(':')
        && let Some(t) = parse_iso_utc(&format!("{minutes}:00{zone}"))
    {
        return Ok(t);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!(
            "'{text}' is not an ISO 8601 time; use e.g. 2026-03-02, 2026-03-02T06:00:00Z or \
             2026-03-02T08:00:00+02:00"
        )
    })?;
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("'{text}' is not a date"))?;
    Ok(if end_of_day {
        midnight + Duration::days(1) - Duration::nanoseconds(1)
    } else {
        midnight
    })
}

fn parse_start(text: &str) -> Result<DateTime<Utc>, String> {
    parse_time(text, false)
}

fn parse_end(text: &str) -> Result<DateTime<Utc>, String> {
    parse_time(text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str, end: bool) -> String {
        format_utc(&parse_time(text, end).unwrap())
    }

    #[test]
    fn times_for_start_and_end() {
        assert_eq!(iso("2026-03-02", false), "2026-03-02T00:00:00Z");
        assert_eq!(iso("2026-03-02", true), "2026-03-02T23:59:59.999999999Z");
        assert_eq!(iso("2026-03-02T06:00:00Z", true), "2026-03-02T06:00:00Z");
        assert_eq!(
            iso("2026-03-02T08:00:00+02:00", false),
            "2026-03-02T06:00:00Z"
        );
        assert_eq!(iso("2026-03-02T06:30", false), "2026-03-02T06:30:00Z");
        assert_eq!(iso("2026-03-02T08:30+02:00", false), "2026-03-02T06:30:00Z");
        for bad in [
            "yesterday",
            "3/2/2026",
            "2026-02-30",
            "2026-03-02T25:00:00",
            "2026-03-02T06:0€",
            "2026-03-02T06:00:",
        ] {
            assert!(parse_time(bad, false).is_err(), "{bad}");
        }
    }
}
