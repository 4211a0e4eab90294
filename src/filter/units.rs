//! A document as code units: the bytes of its UTF-8, or the UTF-16 units of a .NET string.
//!
//! The prefilter is written once over [`Unit`], so that a document gets the same answer in either
//! form. A UTF-16 document is read as the UTF-8 a .NET host would have made of it: a lone
//! surrogate stands for U+FFFD, as `Encoding.UTF8` writes it.

use aho_corasick::{AhoCorasick, BuildError};
use memchr::arch::all::packedpair::HeuristicFrequencyRank;
use memchr::memmem::{Finder, FinderBuilder};

use super::search;

/// A code unit of a document: `u8` (UTF-8) or `u16` (UTF-16, native byte order).
pub(crate) trait Unit: Copy + Eq + Send + Sync + 'static {
    /// The unit as an ASCII byte; `None` outside ASCII (a UTF-8 byte of a multi-byte character
    /// is never ASCII either).
    fn ascii(self) -> Option<u8>;

    /// True when `units` are the ASCII `text`, ignoring ASCII case.
    fn eq_ignore_ascii_case(units: &[Self], text: &[u8]) -> bool;

    /// Whether the ASCII `id` occurs in `haystack`, ignoring ASCII case (and whether `\u` may).
    fn find_ignoring_case(haystack: &[Self], id: &[u8]) -> search::Pass;

    /// The positions (in units) where `needle` occurs, without overlaps.
    fn find_iter<'h>(haystack: &'h [Self], needle: &'h Needle) -> impl Iterator<Item = usize> + 'h;

    /// True when one of the texts of `set` occurs, ignoring ASCII case.
    fn contains_any(haystack: &[Self], set: &AnyOf) -> bool;

    /// The end of the units from `start` whose UTF-8 takes at most `max_bytes` bytes.
    fn utf8_window_end(units: &[Self], start: usize, max_bytes: usize) -> usize;
}

impl Unit for u8 {
    #[inline(always)]
    fn ascii(self) -> Option<u8> {
        self.is_ascii().then_some(self)
    }

    #[inline(always)]
    fn eq_ignore_ascii_case(units: &[u8], text: &[u8]) -> bool {
        units.eq_ignore_ascii_case(text)
    }

    fn find_ignoring_case(haystack: &[u8], id: &[u8]) -> search::Pass {
        search::find_bytes(haystack, id)
    }

    fn find_iter<'h>(haystack: &'h [u8], needle: &'h Needle) -> impl Iterator<Item = usize> + 'h {
        needle.utf8.find_iter(haystack)
    }

    fn contains_any(haystack: &[u8], set: &AnyOf) -> bool {
        set.utf8.is_match(haystack)
    }

    fn utf8_window_end(units: &[u8], start: usize, max_bytes: usize) -> usize {
        units.len().min(start.saturating_add(max_bytes))
    }
}

impl Unit for u16 {
    #[inline(always)]
    fn ascii(self) -> Option<u8> {
        u8::try_from(self).ok().filter(u8::is_ascii)
    }

    #[inline(always)]
    fn eq_ignore_ascii_case(units: &[u16], text: &[u8]) -> bool {
        units.len() == text.len()
            && units
                .iter()
                .zip(text)
                .all(|(&u, b)| u.ascii().is_some_and(|a| a.eq_ignore_ascii_case(b)))
    }

    fn find_ignoring_case(haystack: &[u16], id: &[u8]) -> search::Pass {
        search::find_utf16(haystack, id)
    }

    fn find_iter<'h>(haystack: &'h [u16], needle: &'h Needle) -> impl Iterator<Item = usize> + 'h {
        // A match in the bytes that starts inside a unit is not a match of the units. It cannot
        // hide one that does not: each needle unit has a zero high byte and a non-zero low one.
        needle
            .utf16
            .find_iter(utf16_bytes(haystack))
            .filter(|at| at.is_multiple_of(2))
            .map(|at| at / 2)
    }

    fn contains_any(haystack: &[u16], set: &AnyOf) -> bool {
        set.utf16
            .find_overlapping_iter(utf16_bytes(haystack))
            .any(|m| m.start().is_multiple_of(2))
    }

    fn utf8_window_end(units: &[u16], start: usize, max_bytes: usize) -> usize {
        let mut at = start;
        let mut bytes = 0;
        while at < units.len() {
            let (width, step) = utf8_width(units, at);
            if bytes + width > max_bytes {
                break;
            }
            bytes += width;
            at += step;
        }
        at.min(units.len())
    }
}

/// The UTF-8 length of the character at `units[at]` and how many units it takes: a surrogate
/// pair is 4 bytes in 2 units; a lone surrogate becomes U+FFFD, 3 bytes.
#[inline(always)]
pub(crate) fn utf8_width(units: &[u16], at: usize) -> (usize, usize) {
    match units[at] {
        0..=0x7f => (1, 1),
        0x80..=0x7ff => (2, 1),
        0xd800..=0xdbff
            if units
                .get(at + 1)
                .is_some_and(|u| (0xdc00..=0xdfff).contains(u)) =>
        {
            (4, 2)
        }
        _ => (3, 1),
    }
}

/// The bytes of UTF-16 units, in memory order.
fn utf16_bytes(units: &[u16]) -> &[u8] {
    // SAFETY: the slice's memory is `2 * len` initialized bytes (u16 has no padding), u8 needs no
    // alignment, and the bytes borrow from `units` for as long as it lives.
    unsafe { std::slice::from_raw_parts(units.as_ptr().cast::<u8>(), units.len() * 2) }
}

/// The bytes of an ASCII text as UTF-16 units in memory order.
fn ascii_as_utf16_bytes(text: &[u8]) -> Vec<u8> {
    text.iter()
        .flat_map(|&b| u16::from(b).to_ne_bytes())
        .collect()
}

/// An ASCII text to find as it is, in both unit forms.
#[derive(Debug, Clone)]
pub(crate) struct Needle {
    utf8: Finder<'static>,
    utf16: Finder<'static>,
}

impl Needle {
    /// A needle for `text` (ASCII).
    pub(crate) fn new(text: &[u8]) -> Needle {
        Needle {
            utf8: Finder::new(text).into_owned(),
            utf16: FinderBuilder::new()
                .build_forward_with_ranker_owned(Utf16Ranks, ascii_as_utf16_bytes(text)),
        }
    }
}

/// How common a byte is in the bytes of UTF-16 JSON, for the needle search to look for its
/// rarest bytes first: the zero high byte of every ASCII unit is the most common of all.
struct Utf16Ranks;

impl HeuristicFrequencyRank for Utf16Ranks {
    fn rank(&self, byte: u8) -> u8 {
        match byte {
            0 => 255,
            b'"' | b':' | b',' => 240,
            b'a'..=b'z' => 200,
            b'0'..=b'9' => 180,
            b'A'..=b'Z' => 150,
            _ => 100,
        }
    }
}

/// Several ASCII texts to find at once ignoring ASCII case, in both unit forms.
#[derive(Debug, Clone)]
pub(crate) struct AnyOf {
    utf8: AhoCorasick,
    utf16: AhoCorasick,
}

impl AnyOf {
    /// A set of `texts` (ASCII).
    pub(crate) fn new(texts: &[&[u8]]) -> Result<AnyOf, BuildError> {
        let wide: Vec<Vec<u8>> = texts.iter().map(|t| ascii_as_utf16_bytes(t)).collect();
        let build = |patterns: &[&[u8]]| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(patterns)
        };
        let wide_refs: Vec<&[u8]> = wide.iter().map(Vec::as_slice).collect();
        Ok(AnyOf {
            utf8: build(texts)?,
            utf16: build(&wide_refs)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }

    #[test]
    fn utf16_needles_match_whole_units_only() {
        let needle = Needle::new(b"ab");
        let found: Vec<usize> = u16::find_iter(&wide("xabyab"), &needle).collect();
        assert_eq!(found, [1, 4]);
        // Bytes 61 00 62 00 straddling two units: U+6100 U+0062 (bytes 00 61 62 00).
        let straddling = [0x6100u16, 0x0062, 0x0000];
        assert_eq!(u16::find_iter(&straddling, &needle).count(), 0);
    }

    #[test]
    fn utf16_sets_match_whole_units_only() {
        let set = AnyOf::new(&[b"ab", b"cd"]).unwrap();
        assert!(u16::contains_any(&wide("xxCD"), &set));
        assert!(!u16::contains_any(&[0x6100u16, 0x0062, 0x0000], &set));
        assert!(u8::contains_any(b"xAb", &set));
    }

    #[test]
    fn windows_count_utf8_bytes() {
        // é is 2 bytes, € 3, a pair 4, a lone surrogate 3 (U+FFFD).
        let units = wide("aé€😀b");
        assert_eq!(u16::utf8_window_end(&units, 0, 1), 1);
        assert_eq!(u16::utf8_window_end(&units, 0, 2), 1);
        assert_eq!(u16::utf8_window_end(&units, 0, 3), 2);
        assert_eq!(u16::utf8_window_end(&units, 0, 6), 3);
        assert_eq!(u16::utf8_window_end(&units, 0, 9), 3);
        assert_eq!(u16::utf8_window_end(&units, 0, 10), 5);
        assert_eq!(u16::utf8_window_end(&units, 0, 100), 6);
        let lone = [0xd800u16, 0x61];
        assert_eq!(u16::utf8_window_end(&lone, 0, 3), 1);
        assert_eq!(u16::utf8_window_end(&lone, 0, 4), 2);
        assert_eq!(u8::utf8_window_end(b"abc", 1, 10), 3);
    }

    #[test]
    fn ascii_of_units() {
        assert_eq!(0x41u16.ascii(), Some(b'A'));
        assert_eq!(0x0141u16.ascii(), None);
        assert_eq!(0xc3u8.ascii(), None);
        assert!(u16::eq_ignore_ascii_case(&wide("aBc"), b"AbC"));
        assert!(!u16::eq_ignore_ascii_case(&[0x0141, 0x42], b"AB"));
    }
}
