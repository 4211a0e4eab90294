//! A strict JSON reader: the fast path of [`parse_record`].
//!
//! The top-level members and the usual shapes of the nested values (`AppAccessContext` as an
//! object, `OperationProperties`/`Parameters` as a list of `{Name, Value}`, `Folders` as a list of
//! folders) are read straight from the text. Every other shape goes through the same serde
//! visitors as the serde_json path, for which the reader implements serde's `Deserializer`
//! making the calls serde_json would make on the same text. What it gains over serde_json: strings
//! found 16 bytes at a time (SSE2 on x86_64, 8 bytes in a `u64` elsewhere), ignored values
//! skipped without building anything, and no intermediate values for the common shapes.
//!
//! It only ever accepts what serde_json accepts. Anything it does not read exactly like
//! serde_json (floats, integers past 64 bits, `-0`, lone surrogates, very deep nesting, a list
//! member of an unusual shape), and every error, makes it give up with [`Bail`]; the caller then
//! parses the text with serde_json, which either reads it or produces the error message. The
//! tests of `parse` check that both paths give the same record.
//!
//! [`parse_record`]: super::parse_record

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::FieldSource;
use crate::record::lenient::{
    AppAccessContext, Folders, MessageIds, NameValues, TextValue, text_of, trim_cow,
};
use crate::record::{FolderAccess, NameValue, Text};

/// The fast path gave up; parse the document with serde_json instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Bail
    }
}

/// Deeper documents are left to serde_json, whose own limit (128) then applies.
const MAX_DEPTH: u32 = 100;

/// The string scan 8 bytes at a time in a `u64`, for processors without SSE2.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

    /// The high bit of each byte of `chunk` that is `"`, `\` or a control character (below
    /// 0x20); bits above the lowest one may be false positives, the lowest one is exact.
    #[inline(always)]
    pub(super) fn string_stops(chunk: u64) -> u64 {
        let control = chunk.wrapping_sub(ONES * 0x20) & !chunk;
        let quote = chunk ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = chunk ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        (control | quote | backslash) & HIGH_BITS
    }
}

/// The string scan 16 bytes at a time with SSE2, which every x86_64 processor has.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// One bit per byte of `chunk` that is `"`, `\` or a control character (below 0x20).
    #[inline(always)]
    pub(super) fn string_stops(chunk: &[u8; 16]) -> u32 {
        // SAFETY: the load reads exactly the 16 bytes of `chunk` (unaligned loads are allowed),
        // and SSE2 is part of the x86_64 baseline, so the instructions exist.
        unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // max(v, 0x1f) == 0x1f exactly when v <= 0x1f (unsigned).
            let limit = _mm_set1_epi8(0x1f);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
        }
    }
}

/// The index of the first `"`, `\` or control character at or after `at` (the length when none).
#[inline(always)]
fn string_stop(bytes: &[u8], mut at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<16>()) {
        let stops = sse2::string_stops(chunk);
        if stops != 0 {
            return at + stops.trailing_zeros() as usize;
        }
        at += 16;
    }
    #[cfg(not(target_arch = "x86_64"))]
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        let stops = swar::string_stops(u64::from_le_bytes(*chunk));
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return at;
        }
        at += 1;
    }
    at
}

/// When the string from `at` to its closing quote holds only spaces and `\r`, `\n`, `\t`
/// escapes: the position after the closing quote.
#[inline]
fn white_space_escapes_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match bytes.get(at..)? {
            [b'"', ..] => return Some(at + 1),
            [b' ', ..] => at += 1,
            [b'\\', b'r' | b'n' | b't', ..] => at += 2,
            _ => return None,
        }
    }
}

/// The reading position in one JSON document.
pub(super) struct Scanner<'de> {
    text: &'de str,
    bytes: &'de [u8],
    pos: usize,
    depth: u32,
}

impl<'de> Scanner<'de> {
    pub(super) fn new(text: &'de str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    /// Succeeds when only white space is left.
    pub(super) fn end(&mut self) -> Result<(), Bail> {
        self.skip_white_space();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_white_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next byte after white space.
    #[inline(always)]
    fn peek_token(&mut self) -> Option<u8> {
        self.skip_white_space();
        self.peek()
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Result<(), Bail> {
        if self.peek_token() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Moves to the first `"`, `\` or control character at or after the position.
    #[inline(always)]
    fn skip_plain_string_bytes(&mut self) {
        self.pos = string_stop(self.bytes, self.pos);
    }

    /// Reads a string whose opening quote was consumed: borrowed when it has no escapes.
    #[inline(always)]
    fn string(&mut self) -> Result<Str<'de>, Bail> {
        let start = self.pos;
        let end = string_stop(self.bytes, start);
        match self.bytes.get(end) {
            Some(b'"') if self.text.is_char_boundary(start) => {
                self.pos = end + 1;
                // SAFETY: `start` is a character boundary (just checked), so is `end` (it holds
                // an ASCII `"`), and `start <= end < text.len()` (`string_stop` only moves on).
                Ok(Str::Borrowed(unsafe {
                    self.text.get_unchecked(start..end)
                }))
            }
            Some(b'\\') => {
                self.pos = end;
                self.escaped_string(start).map(Str::Owned)
            }
            _ => Err(Bail),
        }
    }

    /// The rest of a string that has escapes, unescaped.
    #[cold]
    fn escaped_string(&mut self, start: usize) -> Result<String, Bail> {
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.text.get(start..self.pos).ok_or(Bail)?);
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push(c);
                }
                _ => return Err(Bail),
            }
            let plain = self.pos;
            self.skip_plain_string_bytes();
            out.push_str(self.text.get(plain..self.pos).ok_or(Bail)?);
        }
    }

    /// Reads one escape at the position (a `\`); lone surrogates are left to serde_json.
    fn escape(&mut self) -> Result<char, Bail> {
        let c = match self.bytes.get(self.pos + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(self.pos + 2)?;
                self.pos += 6;
                return match high {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Bail);
                        }
                        let low = self.hex4(self.pos + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Bail);
                        }
                        self.pos += 6;
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code).ok_or(Bail)
                    }
                    0xDC00..=0xDFFF => Err(Bail),
                    code => char::from_u32(code).ok_or(Bail),
                };
            }
            _ => return Err(Bail),
        };
        self.pos += 2;
        Ok(c)
    }

    fn hex4(&self, at: usize) -> Result<u32, Bail> {
        let digits = self.bytes.get(at..at + 4).ok_or(Bail)?;
        digits.iter().try_fold(0u32, |acc, &b| {
            let d = char::from(b).to_digit(16).ok_or(Bail)?;
            Ok(acc * 16 + d)
        })
    }

    /// Skips a string whose opening quote was consumed, checking it as serde_json does (any
    /// well-formed `\u` escape is accepted in a value nobody reads).
    fn skip_string(&mut self) -> Result<(), Bail> {
        loop {
            self.skip_plain_string_bytes();
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => match self.bytes.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                    Some(b'u') => {
                        self.hex4(self.pos + 2)?;
                        self.pos += 6;
                    }
                    _ => return Err(Bail),
                },
                _ => return Err(Bail),
            }
        }
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Skips a number, checking JSON's grammar.
    #[inline]
    fn skip_number(&mut self) -> Result<(), Bail> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(Bail);
                }
            }
            Some(b'1'..=b'9') => {
                self.skip_digits();
            }
            _ => return Err(Bail),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.skip_digits() == 0 {
                return Err(Bail);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.skip_digits() == 0 {
                return Err(Bail);
            }
        }
        Ok(())
    }

    /// Reads an integer as serde_json would hand it to a visitor; anything that serde_json
    /// would turn into a float is left to it.
    fn integer(&mut self) -> Result<Integer, Bail> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or(Bail)?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        let leading_zero = digits > 1 && self.bytes.get(start) == Some(&b'0');
        if digits == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(Bail);
        }
        if negative {
            // serde_json reads `-0` and anything below i64::MIN as a float.
            let n = (value as i64).wrapping_neg();
            if n >= 0 {
                return Err(Bail);
            }
            Ok(Integer::Negative(n))
        } else {
            Ok(Integer::NonNegative(value))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Bail> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn enter(&mut self) -> Result<(), Bail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips one value of any kind, checking it.
    #[inline]
    fn skip_value(&mut self) -> Result<(), Bail> {
        match self.peek_token() {
            Some(b'"') => {
                self.pos += 1;
                self.skip_string()
            }
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => self.skip_composite(),
        }
    }

    /// Skips an object, an array or a literal (and fails on anything else), checking it.
    fn skip_composite(&mut self) -> Result<(), Bail> {
        match self.peek_token() {
            Some(b'{') => {
                self.enter()?;
                if self.peek_token() == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.expect(b'"')?;
                        self.skip_string()?;
                        self.expect(b':')?;
                        self.skip_value()?;
                        match self.peek_token() {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(Bail),
                        }
                    }
                }
                self.depth -= 1;
                Ok(())
            }
            Some(b'[') => {
                self.enter()?;
                if self.peek_token() == Some(b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_value()?;
                        match self.peek_token() {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(Bail),
                        }
                    }
                }
                self.depth -= 1;
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(Bail),
        }
    }
}

/// Reads a document that must be one object: `read` takes its members.
pub(super) fn read_document<'de>(
    text: &'de str,
    read: impl FnOnce(&mut ObjectFields<'_, 'de>) -> Result<(), Bail>,
) -> Result<(), Bail> {
    let mut scanner = Scanner::new(text);
    if scanner.peek_token() != Some(b'{') {
        return Err(Bail);
    }
    scanner.enter()?;
    let mut fields = ObjectFields {
        scanner: &mut scanner,
        first: true,
        closed: false,
    };
    read(&mut fields)?;
    // A reader that stopped early leaves members unread: not a document it read.
    if !fields.closed {
        return Err(Bail);
    }
    scanner.end()
}

/// The members of the top-level object, read straight from the text.
pub(super) struct ObjectFields<'a, 'de> {
    scanner: &'a mut Scanner<'de>,
    first: bool,
    closed: bool,
}

impl<'de> FieldSource<'de> for ObjectFields<'_, 'de> {
    type Error = Bail;

    #[inline]
    fn next_key(&mut self) -> Result<Option<Cow<'de, str>>, Bail> {
        let s = &mut *self.scanner;
        match s.peek_token() {
            Some(b'}') => {
                s.pos += 1;
                s.depth -= 1;
                self.closed = true;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                s.pos += 1;
                s.skip_white_space();
            }
            Some(_) if self.first => {}
            _ => return Err(Bail),
        }
        self.first = false;
        if s.peek() != Some(b'"') {
            return Err(Bail);
        }
        s.pos += 1;
        let key = s.string()?.into_cow();
        s.expect(b':')?;
        Ok(Some(key))
    }

    #[inline]
    fn text(&mut self) -> Result<Text<'de>, Bail> {
        self.scanner.text()
    }

    #[inline]
    fn trimmed_text(&mut self) -> Result<Text<'de>, Bail> {
        self.scanner.trimmed_text()
    }

    #[inline]
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, Bail> {
        T::deserialize(&mut *self.scanner)
    }

    #[inline]
    fn skip(&mut self) -> Result<(), Bail> {
        self.scanner.skip_value()
    }

    fn app_access_context(&mut self) -> Result<AppAccessContext<'de>, Bail> {
        self.scanner.app_access_context()
    }

    fn name_values(&mut self) -> Result<NameValues<'de>, Bail> {
        self.scanner.name_values()
    }

    fn folders(&mut self) -> Result<Folders<'de>, Bail> {
        self.scanner.folders()
    }
}

/// Direct readers for the usual shapes of the nested values: the same results as the serde
/// visitors of `lenient` (which read every other shape, called through the `Deserializer`),
/// without going through them. A list member of an unusual shape gives up.
impl<'de> Scanner<'de> {
    /// A value as text, read like [`TextValue`] (which gives the same text as `Scalar::into_text`).
    #[inline]
    fn text(&mut self) -> Result<Text<'de>, Bail> {
        if self.peek_token() == Some(b'"') {
            self.pos += 1;
            Ok(text_of(self.string()?.into_cow()))
        } else {
            self.other_text()
        }
    }

    /// A value as text without surrounding white space. A string whose only escapes are white
    /// space at its end (`OriginatingServer` ends in `\r\n`) is borrowed rather than unescaped.
    #[inline]
    fn trimmed_text(&mut self) -> Result<Text<'de>, Bail> {
        if self.peek_token() != Some(b'"') {
            return Ok(self.other_text()?.map(trim_cow));
        }
        self.pos += 1;
        let start = self.pos;
        let stop = string_stop(self.bytes, start);
        let end = match self.bytes.get(stop) {
            Some(b'"') => Some(stop + 1),
            Some(b'\\') => white_space_escapes_end(self.bytes, stop),
            _ => return Err(Bail),
        };
        match (end, self.text.get(start..stop)) {
            // What trimming leaves of the text is all before the first escape.
            (Some(end), Some(plain)) => {
                self.pos = end;
                Ok(text_of(Cow::Borrowed(plain)).map(trim_cow))
            }
            _ => Ok(text_of(self.string()?.into_cow()).map(trim_cow)),
        }
    }

    /// A value that is not a string, as text (rare: kept out of the way of [`Scanner::text`]).
    #[cold]
    #[inline(never)]
    fn other_text(&mut self) -> Result<Text<'de>, Bail> {
        Ok(TextValue::deserialize(&mut *self)?.0)
    }

    /// Calls `member` with each member name of the object at the position (its value is next).
    #[inline]
    fn object_members(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'de, str>) -> Result<(), Bail>,
    ) -> Result<(), Bail> {
        self.expect(b'{')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        if self.peek_token() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.expect(b'"')?;
                let key = self.string()?.into_cow();
                self.expect(b':')?;
                member(self, key)?;
                match self.peek_token() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(Bail),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Calls `element` for each element of the array at the position; gives up on elements
    /// that are not objects.
    #[inline]
    fn object_elements(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Bail>,
    ) -> Result<(), Bail> {
        self.expect(b'[')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        if self.peek_token() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                if self.peek_token() != Some(b'{') {
                    return Err(Bail);
                }
                element(self)?;
                match self.peek_token() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(Bail),
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// `AppAccessContext` as an object: its `AADSessionId` (any case; the last one wins).
    fn app_access_context(&mut self) -> Result<AppAccessContext<'de>, Bail> {
        if self.peek_token() != Some(b'{') {
            return AppAccessContext::deserialize(self);
        }
        let mut out = AppAccessContext::default();
        self.object_members(|s, key| {
            if key.eq_ignore_ascii_case("AADSessionId") {
                out.aad_session_id = s.text()?.map(trim_cow);
                Ok(())
            } else {
                s.skip_value()
            }
        })?;
        Ok(out)
    }

    /// A list of `{Name, Value}` objects (names in any case; entries without a name dropped).
    fn name_values(&mut self) -> Result<NameValues<'de>, Bail> {
        if self.peek_token() != Some(b'[') {
            return NameValues::deserialize(self);
        }
        let mut out = Vec::new();
        self.object_elements(|s| {
            let (mut name, mut value) = (None, None);
            s.object_members(|s, key| {
                if key.eq_ignore_ascii_case("Name") {
                    name = s.text()?;
                } else if key.eq_ignore_ascii_case("Value") {
                    value = s.text()?;
                } else {
                    s.skip_value()?;
                }
                Ok(())
            })?;
            if let Some(name) = name {
                out.push(NameValue {
                    name,
                    value: value.unwrap_or(Cow::Borrowed("")),
                });
            }
            Ok(())
        })?;
        Ok(NameValues(out))
    }

    /// MailItemsAccessed `Folders` as a list of folder objects.
    fn folders(&mut self) -> Result<Folders<'de>, Bail> {
        if self.peek_token() != Some(b'[') {
            return Folders::deserialize(self);
        }
        let mut out = Vec::new();
        self.object_elements(|s| {
            let mut folder = FolderAccess {
                path: None,
                message_ids: Vec::new(),
            };
            s.object_members(|s, key| {
                match key.as_ref() {
                    "Path" => folder.path = s.text()?,
                    "FolderItems" => folder.message_ids = s.message_ids()?,
                    _ => s.skip_value()?,
                }
                Ok(())
            })?;
            if folder.path.is_some() || !folder.message_ids.is_empty() {
                out.push(folder);
            }
            Ok(())
        })?;
        Ok(Folders(out))
    }

    /// `FolderItems` as a list of objects: their `InternetMessageId`s.
    fn message_ids(&mut self) -> Result<Vec<Cow<'de, str>>, Bail> {
        if self.peek_token() != Some(b'[') {
            return MessageIds::deserialize(self).map(|MessageIds(ids)| ids);
        }
        let mut ids = Vec::new();
        self.object_elements(|s| {
            let mut id = None;
            s.object_members(|s, key| {
                if key == "InternetMessageId" {
                    id = s.text()?.map(trim_cow);
                    Ok(())
                } else {
                    s.skip_value()
                }
            })?;
            ids.extend(id);
            Ok(())
        })?;
        Ok(ids)
    }
}

/// A string as read: borrowed from the document, or unescaped into a new one.
enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Str<'de> {
    #[inline]
    fn into_cow(self) -> Cow<'de, str> {
        match self {
            Str::Borrowed(s) => Cow::Borrowed(s),
            Str::Owned(s) => Cow::Owned(s),
        }
    }

    #[inline]
    fn visit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self {
            Str::Borrowed(s) => visitor.visit_borrowed_str(s),
            Str::Owned(s) => visitor.visit_string(s),
        }
    }
}

enum Integer {
    NonNegative(u64),
    Negative(i64),
}

impl<'de> Deserializer<'de> for &mut Scanner<'de> {
    type Error = Bail;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.peek_token() {
            Some(b'"') => {
                self.pos += 1;
                self.string()?.visit(visitor)
            }
            Some(b'{') => self.deserialize_map(visitor),
            Some(b'[') => {
                self.enter()?;
                let value = visitor.visit_seq(Elements {
                    scanner: &mut *self,
                    first: true,
                })?;
                self.expect(b']')?;
                self.depth -= 1;
                Ok(value)
            }
            Some(b't') => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            _ => match self.integer()? {
                Integer::NonNegative(n) => visitor.visit_u64(n),
                Integer::Negative(n) => visitor.visit_i64(n),
            },
        }
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek_token() != Some(b'{') {
            return Err(Bail);
        }
        self.enter()?;
        let value = visitor.visit_map(Entries {
            scanner: &mut *self,
            first: true,
        })?;
        self.expect(b'}')?;
        self.depth -= 1;
        Ok(value)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.expect(b'"')?;
        self.string()?.visit(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.peek_token() == Some(b'n') {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    #[inline]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct struct enum identifier
    }
}

/// The entries of an object being read; the opening brace was consumed.
struct Entries<'a, 'de> {
    scanner: &'a mut Scanner<'de>,
    first: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Bail;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        let s = &mut *self.scanner;
        match s.peek_token() {
            Some(b'}') => return Ok(None),
            Some(b',') if !self.first => {
                s.pos += 1;
                s.skip_white_space();
            }
            Some(_) if self.first => {}
            _ => return Err(Bail),
        }
        self.first = false;
        if s.peek() != Some(b'"') {
            return Err(Bail);
        }
        s.pos += 1;
        seed.deserialize(KeyDeserializer { scanner: s }).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        self.scanner.expect(b':')?;
        seed.deserialize(&mut *self.scanner)
    }
}

/// The elements of an array being read; the opening bracket was consumed.
struct Elements<'a, 'de> {
    scanner: &'a mut Scanner<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Bail;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        let s = &mut *self.scanner;
        match s.peek_token() {
            Some(b']') => return Ok(None),
            Some(b',') if !self.first => s.pos += 1,
            Some(_) if self.first => {}
            _ => return Err(Bail),
        }
        self.first = false;
        seed.deserialize(&mut *s).map(Some)
    }
}

/// An object key (its opening quote consumed): always a string.
struct KeyDeserializer<'a, 'de> {
    scanner: &'a mut Scanner<'de>,
}

impl<'de> Deserializer<'de> for KeyDeserializer<'_, 'de> {
    type Error = Bail;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.scanner.string()?.visit(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.scanner.skip_string()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;

    /// What the fast path reads a document as, `None` when it leaves it to serde_json.
    fn scan(text: &str) -> Option<serde_json::Value> {
        let mut s = Scanner::new(text);
        let v = serde::Deserialize::deserialize(&mut s).ok()?;
        s.end().ok()?;
        Some(v)
    }

    fn skip(text: &str) -> bool {
        let mut s = Scanner::new(text);
        <IgnoredAny as serde::Deserialize>::deserialize(&mut s).is_ok() && s.end().is_ok()
    }

    #[test]
    fn block_scans_find_the_first_stop() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"ab\"\\\x00\x1f\x20\x7f\x80\xff\t~";
        for _ in 0..50_000 {
            let chunk: [u8; 16] = std::array::from_fn(|_| alphabet[(next() % 12) as usize]);
            let first = chunk
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let word = u64::from_le_bytes(chunk[..8].try_into().unwrap());
            let swar = swar::string_stops(word);
            let in_word = first.filter(|&i| i < 8);
            assert_eq!(
                (swar != 0).then(|| swar.trailing_zeros() as usize / 8),
                in_word
            );
            #[cfg(target_arch = "x86_64")]
            {
                let sse2 = sse2::string_stops(&chunk);
                assert_eq!((sse2 != 0).then(|| sse2.trailing_zeros() as usize), first);
            }
        }
    }

    #[test]
    fn reads_like_serde_json() {
        for text in [
            r#"{"a":"b","c":[1,-2,true,false,null,{}],"d":{"e":[]}}"#,
            " { \"x\" : \"\\\\Inbox\\u00e9\\ud83d\\ude00\\/\\n\" , \"y\" : [ ] } \r\n",
            r#"{"big":18446744073709551615,"neg":-9223372036854775808}"#,
            r#"{"k\"ey":"v"}"#,
            r#"{"k":"v","k":"w"}"#,
        ] {
            let want: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(scan(text), Some(want), "{text}");
            assert!(skip(text), "{text}");
        }
    }

    #[test]
    fn leaves_floats_and_odd_numbers_to_serde_json() {
        for text in [
            r#"{"a":1.5}"#,
            r#"{"a":-0}"#,
            r#"{"a":1e3}"#,
            r#"{"a":18446744073709551616}"#,
            r#"{"a":-9223372036854775809}"#,
            r#"{"a":"\ud83d"}"#,
            r#"{"a":"\udc00"}"#,
        ] {
            assert!(serde_json::from_str::<IgnoredAny>(text).is_ok(), "{text}");
            assert_eq!(scan(text), None, "{text}");
        }
        // Skipped, they are checked like serde_json checks them.
        assert!(skip(r#"{"a":[1.5,-0,1e3,-1.25E-7,"\ud83d"]}"#));
    }

    #[test]
    fn rejects_what_serde_json_rejects() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            "",
            "{",
            "{}x",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{,"a":1}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":[,1]}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12g4"}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":'single'}"#,
            r#"{a:1}"#,
            &deep,
        ] {
            assert_eq!(scan(text), None, "{text}");
            assert!(!skip(text), "{text}");
        }
    }
}
