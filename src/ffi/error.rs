//! Status codes, the thread-local last error, and the panic boundary every export runs inside.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The result of every fallible call.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditsiftStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument was out of its allowed range or inconsistent (offsets, enum values).
    InvalidArgument = 2,
    /// An index or length was beyond the object's bounds, or a buffer was too small.
    OutOfBounds = 3,
    /// Text that must be UTF-8 was not.
    InvalidUtf8 = 4,
    /// Reading a file failed.
    Io = 5,
    /// A bug: the library panicked; the message says where. The handle involved stays valid.
    Panic = 6,
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Remembers `message` as this thread's last error and returns `status`.
pub(crate) fn fail(status: AuditsiftStatus, message: impl Into<String>) -> AuditsiftStatus {
    LAST_ERROR.with_borrow_mut(|m| *m = message.into());
    status
}

/// Copies this thread's last error message (UTF-8, no terminating NUL) into `buf`, truncated to
/// `len` bytes, and returns its full length, so a caller may ask with `len` 0 first. The message
/// stays until the next failing call on this thread.
///
/// # Safety
/// `buf` must be NULL or point to `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn auditsift_last_error(buf: *mut u8, len: usize) -> usize {
    catch_unwind(|| {
        LAST_ERROR.with_borrow(|m| {
            if !buf.is_null() {
                let n = m.len().min(len);
                // SAFETY: the caller promises `len` writable bytes at `buf`.
                unsafe { std::ptr::copy_nonoverlapping(m.as_ptr(), buf, n) };
            }
            m.len()
        })
    })
    .unwrap_or(0)
}

/// Runs an export's body; a panic becomes `AUDITSIFT_PANIC` with its message as the last error.
pub(crate) fn guard(body: impl FnOnce() -> AuditsiftStatus) -> AuditsiftStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(status) => status,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            fail(
                AuditsiftStatus::Panic,
                format!("internal error (panic): {what}"),
            )
        }
    }
}

/// Returns `NullArgument` from the enclosing function when a pointer is NULL.
macro_rules! non_null {
    ($($p:ident),+) => {
        $(if $p.is_null() {
            return $crate::ffi::error::fail(
                $crate::ffi::error::AuditsiftStatus::NullArgument,
                concat!("argument `", stringify!($p), "` is NULL"),
            );
        })+
    };
}
pub(crate) use non_null;

/// Frees a handle made by `Box::into_raw`, inside the panic guard (a `Drop` that panicked must
/// not unwind into the host). NULL does nothing.
///
/// # Safety
/// `handle` must be NULL or a live handle of type `T`, not used afterwards.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    let _ = guard(|| {
        if !handle.is_null() {
            // SAFETY: ownership returns to Rust exactly once, by the caller's contract.
            drop(unsafe { Box::from_raw(handle) });
        }
        AuditsiftStatus::Ok
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_status_and_message() {
        let status = guard(|| panic!("boom at the boundary"));
        assert_eq!(status, AuditsiftStatus::Panic);
        let mut buf = [0u8; 128];
        let n = unsafe { auditsift_last_error(buf.as_mut_ptr(), buf.len()) };
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(text.contains("boom at the boundary"), "{text}");
        assert_eq!(unsafe { auditsift_last_error(std::ptr::null_mut(), 0) }, n);
        let mut small = [0u8; 4];
        assert_eq!(unsafe { auditsift_last_error(small.as_mut_ptr(), 4) }, n);
        assert_eq!(&small, b"inte");
    }
}
