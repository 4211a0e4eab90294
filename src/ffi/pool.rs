//! Large buffers kept for reuse from one batch to the next.
//!
//! A batch's parts and its result each fill a few buffers of hundreds of KiB to MiB. Taken from
//! the allocator afresh, such buffers are mapped anew each time and every 4 KiB page written costs
//! a page fault: about a third of the native time of a batch. Returned here when a part has been
//! joined or a result freed, they are reused instead. The pool holds at most [`MAX_POOLED`] bytes.

use std::sync::Mutex;

/// Buffers smaller than this are left to the allocator, which reuses those well by itself.
const MIN_POOLED: usize = 64 << 10;

/// The most bytes the pool keeps, over all its buffers.
const MAX_POOLED: usize = 96 << 20;

/// A pool of empty buffers of one element type.
pub(crate) struct Pool<T> {
    free: Mutex<Free<T>>,
}

struct Free<T> {
    buffers: Vec<Vec<T>>,
    bytes: usize,
}

impl<T> Pool<T> {
    /// An empty pool.
    pub(crate) const fn new() -> Pool<T> {
        Pool {
            free: Mutex::new(Free {
                buffers: Vec::new(),
                bytes: 0,
            }),
        }
    }

    /// An empty buffer with room for at least `capacity` elements: a pooled one when one is
    /// large enough (the smallest such), else a new one.
    pub(crate) fn take(&self, capacity: usize) -> Vec<T> {
        if capacity * size_of::<T>() >= MIN_POOLED
            && let Ok(mut free) = self.free.lock()
        {
            let best = free
                .buffers
                .iter()
                .enumerate()
                .filter(|(_, b)| b.capacity() >= capacity)
                .min_by_key(|(_, b)| b.capacity())
                .map(|(i, _)| i);
            if let Some(i) = best {
                let buffer = free.buffers.swap_remove(i);
                free.bytes -= buffer.capacity() * size_of::<T>();
                return buffer;
            }
        }
        Vec::with_capacity(capacity)
    }

    /// Keeps a buffer for reuse (emptied), unless it is small or the pool is full; when full, a
    /// smaller pooled buffer makes room for a larger one.
    pub(crate) fn give(&self, mut buffer: Vec<T>) {
        let bytes = buffer.capacity() * size_of::<T>();
        if !(MIN_POOLED..=MAX_POOLED).contains(&bytes) {
            return;
        }
        buffer.clear();
        let Ok(mut free) = self.free.lock() else {
            return;
        };
        while free.bytes + bytes > MAX_POOLED {
            let Some((i, smallest)) = free
                .buffers
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| b.capacity())
                .map(|(i, b)| (i, b.capacity() * size_of::<T>()))
            else {
                break;
            };
            if smallest >= bytes {
                return;
            }
            free.buffers.swap_remove(i);
            free.bytes -= smallest;
        }
        free.bytes += bytes;
        free.buffers.push(buffer);
    }
}

/// Text buffers (results, parts, transcoded documents).
pub(crate) static BYTES: Pool<u8> = Pool::new();

/// Table buffers.
pub(crate) static VALUES: Pool<i64> = Pool::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_reused_within_bounds() {
        let pool: Pool<u8> = Pool::new();
        let small = pool.take(10);
        pool.give(small);
        assert_eq!(
            pool.free.lock().unwrap().buffers.len(),
            0,
            "small ones are not kept"
        );
        let mut big = pool.take(1 << 20);
        big.extend_from_slice(b"abc");
        let at = big.as_ptr();
        pool.give(big);
        let again = pool.take(1000 << 10);
        assert_eq!(again.as_ptr(), at, "the same buffer again");
        assert!(again.is_empty() && again.capacity() >= 1 << 20);
        assert!(
            pool.take(2 << 20).capacity() >= 2 << 20,
            "a new one when none is large enough"
        );
        // Never more than MAX_POOLED bytes: the smallest make room for larger ones.
        for size in [40 << 20, 30 << 20, 50 << 20, 20 << 20] {
            pool.give(Vec::with_capacity(size));
            let free = pool.free.lock().unwrap();
            let held: usize = free.buffers.iter().map(Vec::capacity).sum();
            assert_eq!(held, free.bytes);
            assert!(held <= MAX_POOLED, "{held}");
        }
        let free = pool.free.lock().unwrap();
        let mut sizes: Vec<usize> = free.buffers.iter().map(Vec::capacity).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [40 << 20, 50 << 20]);
    }
}
