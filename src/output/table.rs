//! Aligned text tables for people, safe to print on a terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use super::sanitize::table_cell;

/// A table: a header and rows of cells. Cells are neutralized ([`table_cell`]) and cut to a
/// width when written.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    widths: Vec<usize>,
    rows: Vec<Vec<String>>,
}

/// Widest cell, in characters, unless a column says otherwise.
pub const DEFAULT_WIDTH: usize = 60;

impl Table {
    /// A table with these column names, each cut at [`DEFAULT_WIDTH`] characters.
    pub fn new<S: AsRef<str>>(header: &[S]) -> Table {
        Table {
            header: header.iter().map(|h| h.as_ref().to_owned()).collect(),
            widths: vec![DEFAULT_WIDTH; header.len()],
            rows: Vec::new(),
        }
    }

    /// Sets the widest a column may be, in characters.
    pub fn max_width(mut self, column: usize, width: usize) -> Table {
        if let Some(w) = self.widths.get_mut(column) {
            *w = width.max(2);
        }
        self
    }

    /// Adds a row (missing cells are blank, extra ones dropped).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the table: columns separated by two spaces, trailing blanks trimmed.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let cut = |text: &str, max: usize| -> String {
            let clean: Cow<'_, str> = table_cell(text);
            if clean.chars().count() > max {
                let mut s: String = clean.chars().take(max - 1).collect();
                s.push('…');
                s
            } else {
                clean.into_owned()
            }
        };
        let columns = self.header.len();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                (0..columns)
                    .map(|i| cut(row.get(i).map_or("", String::as_str), self.widths[i]))
                    .collect()
            })
            .collect();
        let header: Vec<String> = self.header.iter().map(|h| cut(h, usize::MAX)).collect();
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut line = String::new();
        for row in std::iter::once(&header).chain(cells.iter()) {
            line.clear();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                let pad = widths[i].saturating_sub(cell.chars().count());
                line.extend(std::iter::repeat_n(' ', pad));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_cuts_and_neutralizes() {
        let mut t = Table::new(&["A", "Longer"]).max_width(1, 5);
        t.push(vec!["x\u{1b}[2J".into(), "abcdefgh".into()]);
        t.push(vec!["yy".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "A         Longer\nx\\x1b[2J  abcd…\nyy\n");
    }
}
