//! Audit timestamps.
//!
//! AuditData's `CreationTime` is UTC but usually written without a zone (`2023-09-26T01:51:34`);
//! some records end in `Z`, nested times carry 2, 3 or 7 fractional digits, and a few sources give
//! an offset. CSV columns (`CreationDate`, `LastAccessed`) may be in a host's culture instead, which
//! [`parse_culture_datetime`] reads and, when day and month could be swapped, says so.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Parses an ISO 8601 / RFC 3339 style timestamp. A missing zone means UTC.
///
/// Accepts `T` or a space between date and time, any number of fractional digits (nanoseconds
/// are kept, further digits dropped), `Z`, `+HH:MM`, `+HHMM` or `+HH` offsets, and surrounding
/// white space (Purview writes a trailing space).
pub fn parse_iso_utc(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    parse_fixed_width(text.as_bytes()).or_else(|| parse_unpadded(text))
}

/// The usual form, every field at its place (`2023-09-26T01:51:34.123Z`): read without chrono's
/// format parser, which is the cost of most records.
fn parse_fixed_width(s: &[u8]) -> Option<DateTime<Utc>> {
    if s.len() < 19 {
        return None;
    }
    let year = digits(&s[0..4])?;
    if s[4] != b'-' || s[7] != b'-' || !(s[10] == b'T' || s[10] == b't' || s[10] == b' ') {
        return None;
    }
    let month = digits(&s[5..7])?;
    let day = digits(&s[8..10])?;
    if s[13] != b':' || s[16] != b':' {
        return None;
    }
    let hour = digits(&s[11..13])?;
    let minute = digits(&s[14..16])?;
    let second = digits(&s[17..19])?;
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let [b'.' | b',', tail @ ..] = rest {
        let n = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, b) in tail[..n].iter().enumerate().take(9) {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &tail[n..];
    }
    let offset_seconds: i64 = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tz @ ..] => {
            let (h, m) = match tz {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            let secs = i64::from(h * 3600 + m * 60);
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    // A leap second (60) is clamped rather than rejected: the record is still evidence.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nanos)?;
    let local = NaiveDateTime::new(date, time);
    // Most records have no offset: skip the (checked, comparatively slow) date arithmetic.
    let utc = if offset_seconds == 0 {
        local
    } else {
        local - chrono::Duration::seconds(offset_seconds)
    };
    Some(Utc.from_utc_datetime(&utc))
}

/// Fields without their leading zero (`2026-3-2T6:05:00`), as some tools write them; no zone.
/// Only with a `T`: a space in a chrono format would also match no separator at all.
fn parse_unpadded(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// How a culture-formatted date (`3/12/2025 7:31:34 AM`) was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Unambiguous: the text was ISO, or one of the first two numbers is above 12.
    Certain,
    /// Both numbers were 12 or less and differ: read month first (US culture, PowerShell's
    /// invariant culture) but it may have been day first.
    AmbiguousReadMonthFirst,
}

/// Parses a `CreationDate`/`LastAccessed` column: ISO text, or `M/D/YYYY h:mm:ss [AM|PM]`
/// (also `D/M/YYYY`, `D.M.YYYY` when the numbers prove it). The time is taken as UTC, which is
/// what Search-UnifiedAuditLog and the Purview export print. Returns `None` when unreadable.
pub fn parse_culture_datetime(text: &str) -> Option<(DateTime<Utc>, DateOrder)> {
    let text = text.trim();
    if let Some(t) = parse_iso_utc(text) {
        return Some((t, DateOrder::Certain));
    }
    let (date_part, time_part) = text.split_once(' ').unwrap_or((text, "0:00:00"));
    let sep = if date_part.contains('/') { '/' } else { '.' };
    let mut nums = date_part.split(sep).map(|p| p.trim().parse::<u32>().ok());
    let (a, b, year) = (nums.next()??, nums.next()??, nums.next()??);
    if nums.next().is_some() {
        return None;
    }
    // Dotted dates are day-first everywhere they are used; slashed ones are month-first in
    // en-US unless the numbers say otherwise.
    let (month, day, order) = if sep == '.' || a > 12 {
        (b, a, DateOrder::Certain)
    } else if b > 12 || a == b {
        (a, b, DateOrder::Certain)
    } else {
        (a, b, DateOrder::AmbiguousReadMonthFirst)
    };
    let year = if year < 100 { 2000 + year } else { year };
    let time_part = time_part.trim();
    let (clock, meridiem) = match time_part.rsplit_once(' ') {
        Some((clock, m)) => (clock.trim(), Some(m.trim().to_ascii_uppercase())),
        None => (time_part, None),
    };
    let mut hms = clock.split(':').map(|p| p.parse::<u32>().ok());
    let mut hour = hms.next()??;
    let minute = hms.next().flatten().unwrap_or(0);
    let second = hms.next().flatten().unwrap_or(0);
    match meridiem.as_deref() {
        Some("PM") if hour < 12 => hour += 12,
        Some("AM") if hour == 12 => hour = 0,
        Some("AM" | "PM") | None => {}
        Some(_) => return None,
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some((
        Utc.from_utc_datetime(&NaiveDateTime::new(date, time)),
        order,
    ))
}

/// Formats a time as ISO 8601 UTC ending in `Z`, with fractional seconds only when present and
/// without trailing zeros (`2026-03-02T07:04:40.1234567Z`: the digits the source wrote).
pub fn format_utc(t: &DateTime<Utc>) -> String {
    let mut out = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    if nanos > 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        format_utc(&parse_iso_utc(s).unwrap())
    }

    #[test]
    fn reads_every_creation_time_variant() {
        assert_eq!(iso("2023-09-26T01:51:34"), "2023-09-26T01:51:34Z");
        assert_eq!(iso("2023-09-26T01:51:34Z"), "2023-09-26T01:51:34Z");
        assert_eq!(iso("2023-09-26T01:51:34.12"), "2023-09-26T01:51:34.12Z");
        assert_eq!(iso("2023-09-26T01:51:34.123Z"), "2023-09-26T01:51:34.123Z");
        assert_eq!(iso("2026-01-24T06:54:24.0000000Z "), "2026-01-24T06:54:24Z");
        assert_eq!(
            iso("2026-01-24T06:54:24.1234567Z"),
            "2026-01-24T06:54:24.1234567Z"
        );
        assert_eq!(iso("2026-01-24 06:54:24"), "2026-01-24T06:54:24Z");
        assert_eq!(iso("2026-01-24T08:54:24+02:00"), "2026-01-24T06:54:24Z");
        assert_eq!(iso("2026-01-24T01:54:24-0500"), "2026-01-24T06:54:24Z");
        assert_eq!(iso("2026-3-2T6:05:00.12 "), "2026-03-02T06:05:00.12Z");
        assert_eq!(iso("2026-3-02T06:35:00"), "2026-03-02T06:35:00Z");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2023-13-01T00:00:00",
            "2023-09-26T01:51",
            "2023-09-26T01:51:34Q",
            "2026-03-0206:00:00",
            "2026-3-02 06:35:00",
        ] {
            assert!(parse_iso_utc(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn culture_dates_report_ambiguity() {
        let (t, o) = parse_culture_datetime("9/26/2023 1:51:34 AM").unwrap();
        assert_eq!(format_utc(&t), "2023-09-26T01:51:34Z");
        assert_eq!(o, DateOrder::Certain);
        let (t, o) = parse_culture_datetime("3/12/2025 7:31:34 PM").unwrap();
        assert_eq!(format_utc(&t), "2025-03-12T19:31:34Z");
        assert_eq!(o, DateOrder::AmbiguousReadMonthFirst);
        let (t, o) = parse_culture_datetime("26/09/2023 13:51:34").unwrap();
        assert_eq!(format_utc(&t), "2023-09-26T13:51:34Z");
        assert_eq!(o, DateOrder::Certain);
        let (t, _) = parse_culture_datetime("12/1/2025 12:05:00 AM").unwrap();
        assert_eq!(format_utc(&t), "2025-12-01T00:05:00Z");
        let (t, o) = parse_culture_datetime("2026-01-24T06:54:24.0000000Z ").unwrap();
        assert_eq!(format_utc(&t), "2026-01-24T06:54:24Z");
        assert_eq!(o, DateOrder::Certain);
        assert!(parse_culture_datetime("not a date").is_none());
    }
}
