//! The memory allocator of Greffier's command-line programs (`greffier`, `greffier-bench`):
//! mimalloc, set to give freed memory back to the system at once and to commit its arenas only
//! as they fill.
//!
//! Why: tantivy indexes and merges on threads of its own. glibc's malloc gives each such thread
//! an arena that keeps what it frees, and limiting it to one arena makes the threads wait on its
//! lock. A bulk import of a million files took 38.1 s and peaked at 289 MiB on glibc's default,
//! 51.4 s and 241 MiB on one glibc arena, 33.7 s and 248 MiB on mimalloc set as here
//! (2026-12-06, `greffier-bench child import`).
//!
//! The desktop does not use it: its core, driven as at a desk, measured lower on one glibc arena
//! (`greffier_core::limit_malloc_arenas`). A process started with `GREFFIER_SYSTEM_ALLOCATOR` set
//! uses glibc's malloc instead (the benchmark's search child, which stands for the desktop).
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: greffier_alloc::Allocator = greffier_alloc::Allocator;
//! ```

use std::{
    alloc::{GlobalAlloc, Layout, System},
    ffi::CStr,
    sync::atomic::{AtomicU8, Ordering},
};

use mimalloc::MiMalloc;

/// Set to anything: the process allocates with the system's malloc.
pub const SYSTEM_ALLOCATOR_VAR: &str = "GREFFIER_SYSTEM_ALLOCATOR";
const SYSTEM_ALLOCATOR: &CStr = c"GREFFIER_SYSTEM_ALLOCATOR";

/// mimalloc 3's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (see `mimalloc.h`).
const OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

const UNDECIDED: u8 = 0;
const MIMALLOC: u8 = 1;
const SYSTEM: u8 = 2;
static CHOICE: AtomicU8 = AtomicU8::new(UNDECIDED);

/// mimalloc as set here, or the system's malloc (see the module's comment).
pub struct Allocator;

/// Which allocator this process uses, chosen at its first allocation. That one comes from the
/// main thread before any other thread can exist (starting a thread allocates), so there is no
/// race, and no block is ever freed by the other allocator.
fn choice() -> u8 {
    let chosen = CHOICE.load(Ordering::Relaxed);
    if chosen != UNDECIDED {
        return chosen;
    }
    // SAFETY: getenv neither allocates nor keeps the pointer; no other thread exists yet to
    // change the environment.
    let system = unsafe { !libc::getenv(SYSTEM_ALLOCATOR.as_ptr()).is_null() };
    let chosen = if system {
        SYSTEM
    } else {
        // SAFETY: setting options is allowed at any time; these two are read when mimalloc
        // purges or reserves memory, which happens after this.
        unsafe {
            libmimalloc_sys::mi_option_set(OPTION_PURGE_DELAY, 0);
            libmimalloc_sys::mi_option_set(OPTION_ARENA_EAGER_COMMIT, 0);
        }
        MIMALLOC
    };
    CHOICE.store(chosen, Ordering::Relaxed);
    chosen
}

/// Whether this process allocates with mimalloc.
pub fn is_mimalloc() -> bool {
    choice() == MIMALLOC
}

// SAFETY: every call goes to the one allocator chosen before the first allocation, which
// upholds `GlobalAlloc`'s contract itself.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if choice() == MIMALLOC {
            unsafe { MiMalloc.alloc(layout) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if choice() == MIMALLOC {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if choice() == MIMALLOC {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if choice() == MIMALLOC {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

/// The value of a mimalloc option (for the tests).
pub fn mimalloc_option(option: libmimalloc_sys::mi_option_t) -> std::ffi::c_long {
    // SAFETY: reading an option has no precondition.
    unsafe { libmimalloc_sys::mi_option_get(option) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static ALLOCATOR: Allocator = Allocator;

    /// The options are set by number: they must be mimalloc 3's purge delay and arena eager
    /// commit. This process (on mimalloc) has them at 0; a child on the system's allocator, whose
    /// mimalloc reads them from its environment, reads back under the same numbers what that
    /// environment says.
    #[test]
    fn the_options_set_are_mimalloc_3s_purge_delay_and_eager_arena_commit() {
        // SAFETY: no precondition.
        let version = unsafe { libmimalloc_sys::mi_version() };
        assert!((30000..40000).contains(&version), "mimalloc 3 expected, found {version}");
        if std::env::var_os("GREFFIER_ALLOC_CHILD").is_some() {
            assert!(!is_mimalloc(), "{SYSTEM_ALLOCATOR_VAR} chooses the system's malloc");
            assert_eq!(mimalloc_option(OPTION_PURGE_DELAY), 7);
            assert_eq!(mimalloc_option(OPTION_ARENA_EAGER_COMMIT), 1);
            return;
        }
        assert!(is_mimalloc());
        assert_eq!(mimalloc_option(OPTION_PURGE_DELAY), 0);
        assert_eq!(mimalloc_option(OPTION_ARENA_EAGER_COMMIT), 0);
        let data: Vec<u64> = (0..1_000_000).collect();
        assert_eq!(data.iter().sum::<u64>(), 499_999_500_000);
        let exe = std::env::current_exe().expect("test binary");
        let status = std::process::Command::new(exe)
            .args(["--exact", "tests::the_options_set_are_mimalloc_3s_purge_delay_and_eager_arena_commit"])
            .env("GREFFIER_ALLOC_CHILD", "1")
            .env(SYSTEM_ALLOCATOR_VAR, "1")
            .env("MIMALLOC_PURGE_DELAY", "7")
            .env("MIMALLOC_ARENA_EAGER_COMMIT", "1")
            .status()
            .expect("child");
        assert!(status.success(), "the child read other values");
    }
}
