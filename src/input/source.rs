//! The bytes of an input: gzip unwrapped (by its magic bytes, not the file name), UTF-16 turned
//! into UTF-8, a byte-order mark dropped, and the first bytes kept aside for shape detection.

use std::io::{self, Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

/// Any byte stream a reader can be moved to another thread with.
pub(crate) type Stream = Box<dyn Read + Send>;

/// How many bytes shape detection looks at.
pub(crate) const HEAD: usize = 64 * 1024;

/// Counts the bytes read from the underlying file (compressed bytes for gzip), for progress.
pub(crate) struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R> Counting<R> {
    pub(crate) fn new(inner: R, counter: Arc<AtomicU64>) -> Counting<R> {
        Counting { inner, counter }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What the first bytes said about the encoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Encoding {
    /// Gzip layers removed (a `.gz` of a `.gz` is 2).
    pub gzip_layers: u8,
    /// The text was UTF-16 and is read as UTF-8.
    pub utf16: bool,
    /// A byte-order mark was dropped.
    pub bom: bool,
}

/// An input ready to read: the detection head, then the rest of the stream.
pub(crate) struct Source {
    head: Vec<u8>,
    head_pos: usize,
    rest: Stream,
    eof: bool,
    /// A read error, kept until the bytes read before it have been used.
    error: Option<io::Error>,
    /// What was unwrapped to get here.
    pub encoding: Encoding,
}

fn read_head(stream: &mut Stream) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    stream.take(HEAD as u64).read_to_end(&mut head)?;
    Ok(head)
}

impl Source {
    /// Reads the first bytes of `raw`, unwrapping gzip (several layers) and UTF-16, and
    /// dropping a UTF-8 byte-order mark. Fails on ZIP archives and other binary data.
    pub(crate) fn open(mut raw: Stream) -> io::Result<Source> {
        let mut head = read_head(&mut raw)?;
        let mut encoding = Encoding::default();
        while head.starts_with(&[0x1f, 0x8b]) && encoding.gzip_layers < 4 {
            raw = Box::new(MultiGzDecoder::new(Cursor::new(head).chain(raw)));
            head = read_head(&mut raw)?;
            encoding.gzip_layers += 1;
        }
        if head.starts_with(b"PK\x03\x04") {
            return Err(invalid(
                "a ZIP archive: extract it first (plain and gzip-compressed files are read)",
            ));
        }
        let utf16 = if head.starts_with(&[0xff, 0xfe]) {
            Some((false, 2))
        } else if head.starts_with(&[0xfe, 0xff]) {
            Some((true, 2))
        } else if head.len() >= 4 && head[1] == 0 && head[3] == 0 && head[0] != 0 {
            // UTF-16LE without a byte-order mark: ASCII text with a zero after each byte.
            Some((false, 0))
        } else {
            None
        };
        if let Some((big_endian, skip)) = utf16 {
            let rest = Cursor::new(head).chain(raw);
            let mut rest: Stream = Box::new(Utf16Reader::new(rest, big_endian, skip));
            head = read_head(&mut rest)?;
            raw = rest;
            encoding.utf16 = true;
        }
        let mut head_pos = 0;
        if head.starts_with("\u{feff}".as_bytes()) {
            head_pos = 3;
            encoding.bom = true;
        }
        // Text may hold a stray NUL (its record is then reported); binary data holds many.
        let nuls = head.iter().filter(|&&b| b == 0).count();
        if nuls > 8 && nuls * 100 > head.len() {
            return Err(invalid(
                "binary data, not text (neither CSV, JSON nor gzip of either)",
            ));
        }
        Ok(Source {
            head,
            head_pos,
            rest: raw,
            eof: false,
            error: None,
            encoding,
        })
    }

    /// The first bytes of the text (up to [`HEAD`]), for shape detection.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head[self.head_pos..]
    }

    /// True once the input has no more bytes (or failed).
    pub(crate) fn at_eof(&self) -> bool {
        self.eof
    }

    /// The read error that ended the input early, if any (once).
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Reads up to `want` more bytes into `buf[*filled..]` (fewer only at the end of the input)
    /// and advances `*filled`; returns how many. `buf` is initialized memory that is reused
    /// from batch to batch; it grows (zero-filled) only when it is too short. A read error
    /// ends the input like its end would; [`Source::take_error`] tells it afterwards, so that
    /// what was read before it is still used.
    pub(crate) fn read_into(
        &mut self,
        buf: &mut Vec<u8>,
        filled: &mut usize,
        want: usize,
    ) -> io::Result<usize> {
        let end = *filled + want;
        if buf.len() < end {
            buf.resize(end, 0);
        }
        let mut at = *filled;
        if self.head_pos < self.head.len() {
            let take = want.min(self.head.len() - self.head_pos);
            buf[at..at + take].copy_from_slice(&self.head[self.head_pos..self.head_pos + take]);
            self.head_pos += take;
            at += take;
            if self.head_pos == self.head.len() {
                self.head = Vec::new();
                self.head_pos = 0;
            }
        }
        while at < end && !self.eof {
            match self.rest.read(&mut buf[at..end]) {
                Ok(0) => self.eof = true,
                Ok(n) => at += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                }
            }
        }
        let got = at - *filled;
        *filled = at;
        Ok(got)
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

/// UTF-16 (either byte order) to UTF-8. Unpaired surrogates and an odd last byte become U+FFFD.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    /// Bytes of the byte-order mark still to drop.
    skip: usize,
    /// Raw bytes not yet decoded (an odd byte, or a high surrogate at the end of a chunk).
    raw: Vec<u8>,
    /// Decoded text not yet returned.
    out: Vec<u8>,
    out_pos: usize,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool, skip: usize) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            big_endian,
            skip,
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            done: false,
        }
    }

    /// Decodes the next chunk into `out`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() {
            if self.done {
                return Ok(false);
            }
            let before = self.raw.len();
            (&mut self.inner)
                .take(64 * 1024)
                .read_to_end(&mut self.raw)?;
            let at_end = self.raw.len() == before;
            if self.skip > 0 {
                let n = self.skip.min(self.raw.len());
                self.raw.drain(..n);
                self.skip -= n;
            }
            let unit = |pair: &[u8]| {
                if self.big_endian {
                    u16::from_be_bytes([pair[0], pair[1]])
                } else {
                    u16::from_le_bytes([pair[0], pair[1]])
                }
            };
            let mut whole = self.raw.len() / 2 * 2;
            // Keep a high surrogate at the end for the next chunk, where its pair may be.
            if !at_end
                && whole >= 2
                && (0xD800..0xDC00).contains(&unit(&self.raw[whole - 2..whole]))
            {
                whole -= 2;
            }
            let units = self.raw[..whole].chunks_exact(2).map(unit);
            let mut text = String::with_capacity(whole);
            for c in char::decode_utf16(units) {
                text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            self.raw.drain(..whole);
            if at_end {
                if !self.raw.is_empty() {
                    text.push(char::REPLACEMENT_CHARACTER);
                    self.raw.clear();
                }
                self.done = true;
            }
            self.out = text.into_bytes();
        }
        Ok(true)
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut s: Source) -> Vec<u8> {
        let mut out = Vec::new();
        let mut filled = 0;
        while s.read_into(&mut out, &mut filled, 7).unwrap() > 0 {}
        out.truncate(filled);
        out
    }

    fn open(bytes: Vec<u8>) -> io::Result<Source> {
        Source::open(Box::new(Cursor::new(bytes)))
    }

    #[test]
    fn gzip_layers_and_bom() {
        use std::io::Write;
        let mut inner = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        inner.write_all("\u{feff}[1]".as_bytes()).unwrap();
        let once = inner.finish().unwrap();
        let mut outer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        outer.write_all(&once).unwrap();
        let s = open(outer.finish().unwrap()).unwrap();
        assert_eq!(s.encoding.gzip_layers, 2);
        assert!(s.encoding.bom);
        assert_eq!(s.head(), b"[1]");
        assert_eq!(all(s), b"[1]");
    }

    #[test]
    fn utf16_both_orders() {
        let text = "{\"Subject\":\"Café 😀\"}";
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        let mut bare = Vec::new();
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
            bare.extend(u.to_le_bytes());
        }
        for bytes in [le, be, bare] {
            let s = open(bytes).unwrap();
            assert!(s.encoding.utf16);
            assert_eq!(String::from_utf8(all(s)).unwrap(), text);
        }
    }

    #[test]
    fn zip_and_binary_are_refused() {
        let e = open(b"PK\x03\x04rest".to_vec()).err().unwrap();
        assert!(e.to_string().contains("ZIP"));
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.extend([0u8, 16, 1, 1, 0, 64, 32, 32].repeat(200));
        let e = open(sqlite).err().unwrap();
        assert!(e.to_string().contains("binary"));
        let text = b"{\"Id\":\"a\0b\"}\n".repeat(3);
        assert!(open(text).is_ok(), "a stray NUL does not make text binary");
    }
}
