//! Making attacker-chosen text harmless where it is shown.
//!
//! Subjects, inbox rule names, folder names and user agents are written by whoever controls a
//! mailbox or a client. In a spreadsheet a cell starting with `=` runs as a formula; on a
//! terminal an escape sequence can rewrite the screen or the window title, and bidirectional
//! overrides can make text read differently from what it is.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Makes a CSV cell inert in spreadsheets (the OWASP rule): a cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'`.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// True for characters a terminal would act on or that change how text reads: C0 and C1
/// controls (ESC included), DEL, bidirectional marks, embeddings, overrides and isolates,
/// zero-width characters and line/paragraph separators.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

/// Makes text safe to print on a terminal: every character [`is_unsafe_for_terminal`] becomes
/// a visible escape, `\x1b` for C0 controls and DEL, `\u{202e}` for the others.
pub fn table_cell(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !is_unsafe_for_terminal(c) {
            out.push(c);
        } else if (c as u32) < 0x20 || c == '\u{7f}' {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for bad in [
            "=HYPERLINK(\"x\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(csv_cell(bad), format!("'{bad}"));
        }
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell(" =not at start"), " =not at start");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn terminal_escapes_are_visible() {
        assert_eq!(table_cell("a\u{1b}[31mred\u{7}"), "a\\x1b[31mred\\x07");
        assert_eq!(
            table_cell("x\u{202e}y\u{9b}z\u{2066}"),
            "x\\u{202e}y\\u{9b}z\\u{2066}"
        );
        assert_eq!(table_cell("line\nbreak\u{7f}"), "line\\x0abreak\\x7f");
        assert!(matches!(
            table_cell("Café 日本"),
            Cow::Borrowed("Café 日本")
        ));
    }
}
