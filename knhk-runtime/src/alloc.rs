//! Counting allocations, so that hot paths can be checked for them.
//!
//! Install [`CountingAllocator`] as the global allocator in a test or benchmark
//! binary; measured paths then record the allocations made inside them (on the
//! calling thread), and a `#[hot_path]` without `allow_alloc` counts each one as a
//! violation.
//!
//! ```
//! use knhk_runtime::alloc::{CountingAllocator, thread_allocations};
//!
//! #[global_allocator]
//! static ALLOC: CountingAllocator = CountingAllocator::new();
//!
//! # fn main() {
//! let before = thread_allocations();
//! let v = vec![1_u8; 16];
//! assert_eq!(thread_allocations() - before, 1);
//! # drop(v);
//! # }
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

thread_local! {
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

static INSTALLED: AtomicBool = AtomicBool::new(false);

/// A global allocator that counts allocations per thread and forwards to `A`.
#[derive(Debug, Default)]
pub struct CountingAllocator<A = System> {
    inner: A,
}

impl CountingAllocator<System> {
    /// Counting over the system allocator.
    pub const fn new() -> Self {
        CountingAllocator { inner: System }
    }
}

impl<A> CountingAllocator<A> {
    /// Counting over `inner`.
    pub const fn wrapping(inner: A) -> Self {
        CountingAllocator { inner }
    }
}

#[inline(always)]
fn count_one() {
    if !INSTALLED.load(Relaxed) {
        INSTALLED.store(true, Relaxed);
    }
    // A const-initialised thread-local without a destructor is usable at any point of
    // a thread's life; `try_with` only guards against the impossible.
    let _ = COUNT.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `inner` with the caller's arguments unchanged, so
// `inner`'s guarantees are ours; counting touches only a thread-local `Cell<u64>` and an
// atomic flag, and never allocates.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; the caller upholds `dealloc`'s contract.
        unsafe { self.inner.dealloc(ptr, layout) }
    }
}

/// Allocations (including reallocations) made so far on this thread, except knhk's own
/// bookkeeping (a thread's first call of a measured path, calibration, over-budget
/// events); always 0 when [`CountingAllocator`] is not the global allocator.
#[inline(always)]
pub fn thread_allocations() -> u64 {
    COUNT.try_with(Cell::get).unwrap_or(0)
}

/// Whether [`CountingAllocator`] is the global allocator (it has allocated at least once).
pub fn is_installed() -> bool {
    INSTALLED.load(Relaxed)
}

/// Runs `f`, then winds this thread's count back to what it was: the allocations `f`
/// made are knhk's, not the code a probe is timing.
pub(crate) fn uncounted<R>(f: impl FnOnce() -> R) -> R {
    let before = thread_allocations();
    let result = f();
    let _ = COUNT.try_with(|c| c.set(before));
    result
}
