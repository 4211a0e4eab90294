//! Finding an id in a document ignoring ASCII case, in place, in UTF-8 bytes or in UTF-16 units
//! (as a .NET string holds its text).
//!
//! One pass over blocks of starts: a block keeps the starts whose first and last units fold
//! (`| 0x20`) to the id's, which is a superset of the matches, and only those are compared in
//! full. The block test is 32 bytes at a time with AVX2 where the processor has it, 16 with SSE2
//! (every x86_64 processor), else 8 with plain 64-bit arithmetic. A UTF-16 unit is compared as a
//! whole 16-bit lane, so a non-ASCII unit never folds to an ASCII one.
//!
//! The same pass also notes whether the document may hold a `\u` escape (which could write one
//! of the id's characters otherwise), so that the prefilter reads a document once, not twice.

use super::units::Unit;

/// What one search of a document found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pass {
    /// The id occurs (ignoring ASCII case).
    pub(super) found: bool,
    /// False only when the document holds no `\u`; meaningless when `found`.
    pub(super) maybe_escape: bool,
}

const FOUND: Pass = Pass {
    found: true,
    maybe_escape: true,
};

/// True when the ASCII `id` occurs in UTF-8 `haystack`, ignoring ASCII case (with the fastest
/// block test this processor has).
pub(super) fn find_bytes(haystack: &[u8], id: &[u8]) -> Pass {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as just checked.
            return unsafe { find_bytes_avx2(haystack, id) };
        }
        find_with::<x86::Sse2>(haystack, id)
    }
    #[cfg(not(target_arch = "x86_64"))]
    find_with::<Swar>(haystack, id)
}

/// True when the ASCII `id` occurs in UTF-16 `haystack`, ignoring ASCII case.
pub(super) fn find_utf16(haystack: &[u16], id: &[u8]) -> Pass {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as just checked.
            return unsafe { find_utf16_avx2(haystack, id) };
        }
        find_with::<x86::Sse2Wide>(haystack, id)
    }
    #[cfg(not(target_arch = "x86_64"))]
    find_with::<SwarWide>(haystack, id)
}

/// [`find_with`] compiled for AVX2, on bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_bytes_avx2(haystack: &[u8], id: &[u8]) -> Pass {
    find_with::<x86::Avx2>(haystack, id)
}

/// [`find_with`] compiled for AVX2, on UTF-16 units.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn find_utf16_avx2(haystack: &[u16], id: &[u8]) -> Pass {
    find_with::<x86::Avx2Wide>(haystack, id)
}

/// A block test: which of `WIDTH` consecutive starts may begin the id.
trait Blocks {
    /// The code unit searched.
    type Unit: Unit;
    /// Starts per block.
    const WIDTH: usize;
    /// Bits per start in the masks (only the lowest bit of each start is ever set).
    const STRIDE: u32;
    /// For an id whose first and last bytes are these.
    fn new(first: u8, last: u8) -> Self;
    /// For the starts at the beginning of `window` (`last` is the id's last index): a mask of
    /// the starts whose first and last units fold to the id's, and a mask that is not zero when
    /// a `\u` may start at one of them (a backslash in the last start counts, as its `u` would be
    /// in the next block). `None` when the window is too short to read.
    fn block(&self, window: &[Self::Unit], last: usize) -> Option<(u64, u64)>;
}

/// The escape mask of a block from its masks of backslashes and `u`s (one bit per start, bit
/// `width - 1` the last start).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn escape_starts(backslashes: u32, us: u32, width: u32) -> u64 {
    u64::from(backslashes & ((us >> 1) | (1 << (width - 1))))
}

#[inline(always)]
fn find_with<B: Blocks>(haystack: &[B::Unit], id: &[u8]) -> Pass {
    let Some(last) = id.len().checked_sub(1) else {
        return FOUND;
    };
    let blocks = B::new(id[0], id[last]);
    let mut escapes = 0;
    let mut at = 0;
    while let Some((candidates, escape)) = haystack.get(at..).and_then(|w| blocks.block(w, last)) {
        if candidates_match::<B>(haystack, id, at, candidates) {
            return FOUND;
        }
        escapes |= escape;
        at += B::WIDTH;
    }
    // The starts after the last whole block: one more block ending at the end of the document
    // (it overlaps the one before). A document shorter than a block is looked at unit by unit.
    let scalar_from = match haystack.len().checked_sub(B::WIDTH + last) {
        Some(final_block) if at > 0 => {
            let (candidates, escape) = haystack
                .get(final_block..)
                .and_then(|w| blocks.block(w, last))
                .unwrap_or((0, 1));
            if candidates_match::<B>(haystack, id, final_block, candidates) {
                return FOUND;
            }
            escapes |= escape;
            final_block + B::WIDTH
        }
        _ => 0,
    };
    if (scalar_from..=haystack.len().saturating_sub(id.len()))
        .any(|start| is_at(haystack, id, start))
    {
        return FOUND;
    }
    // The units no block started at (the id's length before the end, or all of a short
    // document); a backslash just before them was counted by the last block.
    let tail_escape = haystack[scalar_from..]
        .windows(2)
        .any(|pair| pair[0].ascii() == Some(b'\\') && pair[1].ascii() == Some(b'u'));
    Pass {
        found: false,
        maybe_escape: escapes != 0 || tail_escape,
    }
}

/// True when `id` occurs at `start` (ignoring ASCII case).
#[inline(always)]
fn is_at<U: Unit>(haystack: &[U], id: &[u8], start: usize) -> bool {
    haystack
        .get(start..start + id.len())
        .is_some_and(|window| U::eq_ignore_ascii_case(window, id))
}

/// True when the id occurs at one of the candidate starts of the block at `at`. A plain
/// function rather than a closure, so that it is inlined into the AVX2 build.
#[inline(always)]
fn candidates_match<B: Blocks>(
    haystack: &[B::Unit],
    id: &[u8],
    at: usize,
    mut candidates: u64,
) -> bool {
    while candidates != 0 {
        if is_at(
            haystack,
            id,
            at + (candidates.trailing_zeros() / B::STRIDE) as usize,
        ) {
            return true;
        }
        candidates &= candidates - 1;
    }
    false
}

/// 8 bytes at a time in a `u64` (any processor).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
struct Swar {
    first: u64,
    last: u64,
}

/// 4 UTF-16 units at a time in a `u64` (any processor).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
struct SwarWide {
    first: u64,
    last: u64,
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
const ONES: u64 = 0x0101_0101_0101_0101;

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
const ONES_WIDE: u64 = 0x0001_0001_0001_0001;

/// Every bit of each byte lane but its high one.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
const LOW_BYTES: u64 = ONES * 0x7f;

/// Every bit of each 16-bit lane but its high one.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
const LOW_WIDE: u64 = ONES_WIDE * 0x7fff;

/// The high bit of each zero lane of `v`, exactly (no carry crosses lanes); `low` has every bit
/// of each lane set but its high one ([`LOW_BYTES`] or [`LOW_WIDE`]).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn zero_lanes(v: u64, low: u64) -> u64 {
    !(((v & low) + low) | v | low)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
impl Blocks for Swar {
    type Unit = u8;
    const WIDTH: usize = 8;
    const STRIDE: u32 = 8;

    #[inline(always)]
    fn new(first: u8, last: u8) -> Swar {
        Swar {
            first: ONES * u64::from(first | 0x20),
            last: ONES * u64::from(last | 0x20),
        }
    }

    #[inline(always)]
    fn block(&self, window: &[u8], last: usize) -> Option<(u64, u64)> {
        let word = |at: usize| {
            let bytes = window.get(at..)?.first_chunk::<8>()?;
            Some(u64::from_le_bytes(*bytes))
        };
        let (starts, ends) = (word(0)?, word(last)?);
        let case = ONES * 0x20;
        let candidates = zero_lanes((starts | case) ^ self.first, LOW_BYTES)
            & zero_lanes((ends | case) ^ self.last, LOW_BYTES);
        // Escapes are not looked for here: any block may hold one.
        Some((candidates, 1))
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
impl Blocks for SwarWide {
    type Unit = u16;
    const WIDTH: usize = 4;
    const STRIDE: u32 = 16;

    #[inline(always)]
    fn new(first: u8, last: u8) -> SwarWide {
        SwarWide {
            first: ONES_WIDE * u64::from(first | 0x20),
            last: ONES_WIDE * u64::from(last | 0x20),
        }
    }

    #[inline(always)]
    fn block(&self, window: &[u16], last: usize) -> Option<(u64, u64)> {
        let word = |at: usize| {
            let units = window.get(at..)?.first_chunk::<4>()?;
            Some(
                units
                    .iter()
                    .rev()
                    .fold(0u64, |w, &u| (w << 16) | u64::from(u)),
            )
        };
        let (starts, ends) = (word(0)?, word(last)?);
        let case = ONES_WIDE * 0x20;
        let candidates = zero_lanes((starts | case) ^ self.first, LOW_WIDE)
            & zero_lanes((ends | case) ^ self.last, LOW_WIDE);
        // Escapes are not looked for here: any block may hold one.
        Some((candidates, 1))
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_packus_epi16, _mm_set1_epi8, _mm256_and_si256, _mm256_cmpeq_epi8,
        _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_packus_epi16,
        _mm256_permute4x64_epi64, _mm256_set1_epi8,
    };

    use super::Blocks;

    /// 16 bytes at a time with SSE2, part of the x86_64 baseline.
    pub(super) struct Sse2 {
        first: __m128i,
        last: __m128i,
    }

    impl Blocks for Sse2 {
        type Unit = u8;
        const WIDTH: usize = 16;
        const STRIDE: u32 = 1;

        #[inline(always)]
        fn new(first: u8, last: u8) -> Sse2 {
            // SAFETY: SSE2 is part of the x86_64 baseline, so the instructions exist.
            unsafe {
                Sse2 {
                    first: _mm_set1_epi8((first | 0x20) as i8),
                    last: _mm_set1_epi8((last | 0x20) as i8),
                }
            }
        }

        #[inline(always)]
        fn block(&self, window: &[u8], last: usize) -> Option<(u64, u64)> {
            if window.len() < 16 + last {
                return None;
            }
            let at = window.as_ptr();
            // SAFETY: the loads read window[0..16] and window[last..last + 16], inside the
            // window as just checked (unaligned loads are allowed); SSE2 is part of the x86_64
            // baseline.
            unsafe {
                let case = _mm_set1_epi8(0x20);
                let starts = _mm_loadu_si128(at.cast());
                let ends = _mm_loadu_si128(at.add(last).cast());
                let first = _mm_cmpeq_epi8(_mm_or_si128(starts, case), self.first);
                let last = _mm_cmpeq_epi8(_mm_or_si128(ends, case), self.last);
                let candidates = _mm_movemask_epi8(_mm_and_si128(first, last)) as u16;
                let backslashes =
                    _mm_movemask_epi8(_mm_cmpeq_epi8(starts, _mm_set1_epi8(b'\\' as i8)));
                let us = _mm_movemask_epi8(_mm_cmpeq_epi8(starts, _mm_set1_epi8(b'u' as i8)));
                Some((
                    u64::from(candidates),
                    super::escape_starts(backslashes as u32, us as u32, 16),
                ))
            }
        }
    }

    /// 16 UTF-16 units at a time with SSE2: each unit narrowed to a byte with unsigned
    /// saturation (a unit outside 0..=0xff becomes 0xff or 0, neither an ASCII letter or digit
    /// folded), so one byte compare tests 16 starts; candidates are then compared in full.
    pub(super) struct Sse2Wide {
        first: __m128i,
        last: __m128i,
    }

    impl Blocks for Sse2Wide {
        type Unit = u16;
        const WIDTH: usize = 16;
        const STRIDE: u32 = 1;

        #[inline(always)]
        fn new(first: u8, last: u8) -> Sse2Wide {
            // SAFETY: SSE2 is part of the x86_64 baseline, so the instructions exist.
            unsafe {
                Sse2Wide {
                    first: _mm_set1_epi8((first | 0x20) as i8),
                    last: _mm_set1_epi8((last | 0x20) as i8),
                }
            }
        }

        #[inline(always)]
        fn block(&self, window: &[u16], last: usize) -> Option<(u64, u64)> {
            if window.len() < 16 + last {
                return None;
            }
            let at = window.as_ptr();
            // SAFETY: the loads read window[0..16] and window[last..last + 16] (two 16-byte
            // loads each), inside the window as just checked (unaligned loads are allowed); SSE2
            // is part of the x86_64 baseline.
            unsafe {
                let case = _mm_set1_epi8(0x20);
                let ends_at = at.add(last);
                let starts = _mm_packus_epi16(
                    _mm_loadu_si128(at.cast()),
                    _mm_loadu_si128(at.add(8).cast()),
                );
                let ends = _mm_packus_epi16(
                    _mm_loadu_si128(ends_at.cast()),
                    _mm_loadu_si128(ends_at.add(8).cast()),
                );
                let first = _mm_cmpeq_epi8(_mm_or_si128(starts, case), self.first);
                let last = _mm_cmpeq_epi8(_mm_or_si128(ends, case), self.last);
                let candidates = _mm_movemask_epi8(_mm_and_si128(first, last)) as u16;
                let backslashes =
                    _mm_movemask_epi8(_mm_cmpeq_epi8(starts, _mm_set1_epi8(b'\\' as i8)));
                let us = _mm_movemask_epi8(_mm_cmpeq_epi8(starts, _mm_set1_epi8(b'u' as i8)));
                Some((
                    u64::from(candidates),
                    super::escape_starts(backslashes as u32, us as u32, 16),
                ))
            }
        }
    }

    /// 32 bytes at a time with AVX2 (only used where the processor has it).
    pub(super) struct Avx2 {
        first: __m256i,
        last: __m256i,
    }

    impl Blocks for Avx2 {
        type Unit = u8;
        const WIDTH: usize = 32;
        const STRIDE: u32 = 1;

        #[inline(always)]
        fn new(first: u8, last: u8) -> Avx2 {
            // SAFETY: only built by `find_bytes_avx2`, which runs where the processor has AVX2.
            unsafe {
                Avx2 {
                    first: _mm256_set1_epi8((first | 0x20) as i8),
                    last: _mm256_set1_epi8((last | 0x20) as i8),
                }
            }
        }

        #[inline(always)]
        fn block(&self, window: &[u8], last: usize) -> Option<(u64, u64)> {
            if window.len() < 32 + last {
                return None;
            }
            let at = window.as_ptr();
            // SAFETY: the loads read window[0..32] and window[last..last + 32], inside the
            // window as just checked (unaligned loads are allowed); only used by
            // `find_bytes_avx2`, which runs where the processor has AVX2.
            unsafe {
                let case = _mm256_set1_epi8(0x20);
                let starts = _mm256_loadu_si256(at.cast());
                let ends = _mm256_loadu_si256(at.add(last).cast());
                let first = _mm256_cmpeq_epi8(_mm256_or_si256(starts, case), self.first);
                let last = _mm256_cmpeq_epi8(_mm256_or_si256(ends, case), self.last);
                let candidates = _mm256_movemask_epi8(_mm256_and_si256(first, last)) as u32;
                let backslashes =
                    _mm256_movemask_epi8(_mm256_cmpeq_epi8(starts, _mm256_set1_epi8(b'\\' as i8)));
                let us =
                    _mm256_movemask_epi8(_mm256_cmpeq_epi8(starts, _mm256_set1_epi8(b'u' as i8)));
                Some((
                    u64::from(candidates),
                    super::escape_starts(backslashes as u32, us as u32, 32),
                ))
            }
        }
    }

    /// 32 UTF-16 units at a time with AVX2 (only used where the processor has it), narrowed
    /// as in [`Sse2Wide`].
    pub(super) struct Avx2Wide {
        first: __m256i,
        last: __m256i,
    }

    impl Blocks for Avx2Wide {
        type Unit = u16;
        const WIDTH: usize = 32;
        const STRIDE: u32 = 1;

        #[inline(always)]
        fn new(first: u8, last: u8) -> Avx2Wide {
            // SAFETY: only built by `find_utf16_avx2`, which runs where the processor has AVX2.
            unsafe {
                Avx2Wide {
                    first: _mm256_set1_epi8((first | 0x20) as i8),
                    last: _mm256_set1_epi8((last | 0x20) as i8),
                }
            }
        }

        #[inline(always)]
        fn block(&self, window: &[u16], last: usize) -> Option<(u64, u64)> {
            if window.len() < 32 + last {
                return None;
            }
            let at = window.as_ptr();
            // SAFETY: the loads read window[0..32] and window[last..last + 32] (two 32-byte
            // loads each), inside the window as just checked (unaligned loads are allowed); only
            // used by `find_utf16_avx2`, which runs where the processor has AVX2.
            unsafe {
                // Packing works per 128-bit lane: the permutation puts the 32 bytes back in
                // unit order.
                let case = _mm256_set1_epi8(0x20);
                let ends_at = at.add(last);
                let starts = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_packus_epi16(
                    _mm256_loadu_si256(at.cast()),
                    _mm256_loadu_si256(at.add(16).cast()),
                ));
                let ends = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_packus_epi16(
                    _mm256_loadu_si256(ends_at.cast()),
                    _mm256_loadu_si256(ends_at.add(16).cast()),
                ));
                let first = _mm256_cmpeq_epi8(_mm256_or_si256(starts, case), self.first);
                let last = _mm256_cmpeq_epi8(_mm256_or_si256(ends, case), self.last);
                let candidates = _mm256_movemask_epi8(_mm256_and_si256(first, last)) as u32;
                let backslashes =
                    _mm256_movemask_epi8(_mm256_cmpeq_epi8(starts, _mm256_set1_epi8(b'\\' as i8)));
                let us =
                    _mm256_movemask_epi8(_mm256_cmpeq_epi8(starts, _mm256_set1_epi8(b'u' as i8)));
                Some((
                    u64::from(candidates),
                    super::escape_starts(backslashes as u32, us as u32, 32),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random documents and ids over a small alphabet, so that partial matches abound.
    fn cases() -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"aAbB-01\\u\"xX ";
        (0..20_000)
            .map(|i| {
                let doc: Vec<u8> = (0..next() % 160)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect();
                let id = if i % 2 == 0 || doc.is_empty() {
                    (0..next() % 6)
                        .map(|_| alphabet[(next() % 7) as usize])
                        .collect()
                } else {
                    // A piece of the document itself (up to 50 bytes), in another case.
                    let start = (next() % doc.len() as u64) as usize;
                    let len = 1 + (next() % 50) as usize;
                    let end = (start + len).min(doc.len());
                    doc[start..end].iter().map(|b| b ^ 0x20).collect()
                };
                (doc, id)
            })
            .collect()
    }

    /// Checks a pass against a plain search: `found` exactly, and `maybe_escape` whenever the
    /// id is not found and the document holds `\u`.
    fn agrees<U: Unit>(pass: Pass, found: bool, doc: &[U], what: &dyn std::fmt::Debug) {
        assert_eq!(pass.found, found, "{what:?}");
        let escape = doc
            .windows(2)
            .any(|p| p[0].ascii() == Some(b'\\') && p[1].ascii() == Some(b'u'));
        if !found && escape {
            assert!(pass.maybe_escape, "an escape missed in {what:?}");
        }
    }

    fn check(find: impl Fn(&[u8], &[u8]) -> Pass) {
        for (doc, id) in cases() {
            let found = id.is_empty() || doc.windows(id.len()).any(|w| w.eq_ignore_ascii_case(&id));
            agrees(find(&doc, &id), found, &doc, &(&doc, &id));
        }
    }

    /// The same cases as UTF-16, with some units moved out of ASCII by a high byte that a byte
    /// fold, compare or narrowing would lose (`0x0141` is not `A`, `0x012d` is not `-`, `0x8020`
    /// narrows to 0, which folds to a space).
    fn check_wide(find: impl Fn(&[u16], &[u8]) -> Pass) {
        for (n, (doc, id)) in cases().into_iter().enumerate() {
            let wide: Vec<u16> = doc
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    if (n + i) % 7 == 0 {
                        u16::from(b) | 0x0100
                    } else if (n + i) % 11 == 0 {
                        u16::from(b) | 0x8000
                    } else {
                        u16::from(b)
                    }
                })
                .collect();
            let found = id.is_empty()
                || wide.windows(id.len()).any(|w| {
                    w.iter()
                        .zip(&id)
                        .all(|(&u, &b)| u < 0x80 && (u as u8).eq_ignore_ascii_case(&b))
                });
            agrees(find(&wide, &id), found, &wide, &(&wide, &id));
        }
    }

    #[test]
    fn every_block_width_agrees_with_a_plain_search() {
        check(find_bytes);
        check(find_with::<Swar>);
        #[cfg(target_arch = "x86_64")]
        check(find_with::<x86::Sse2>);
    }

    #[test]
    fn every_utf16_block_width_agrees_with_a_plain_search() {
        check_wide(find_utf16);
        check_wide(find_with::<SwarWide>);
        #[cfg(target_arch = "x86_64")]
        check_wide(find_with::<x86::Sse2Wide>);
    }

    #[test]
    fn zero_lanes_marks_exactly_the_zero_lanes() {
        assert_eq!(
            zero_lanes(0x0100_0000_ff00_0001, LOW_BYTES),
            0x0080_8080_0080_8000
        );
        assert_eq!(
            zero_lanes(0x0001_0000_8000_0100, LOW_WIDE),
            0x0000_8000_0000_0000
        );
        assert_eq!(zero_lanes(0, LOW_WIDE), 0x8000_8000_8000_8000);
    }
}
