//! A bump arena that threads share: [`Arena`] is `Sync`, allocates with one atomic
//! compare-and-swap over a region fixed when it is made, and hands out per-thread
//! [`LocalArena`] handles that claim chunks of that region with one atomic operation
//! and bump inside them with none.
//!
//! ```
//! use knhk_runtime::arena::Arena;
//!
//! let mut arena = Arena::with_capacity(64 * 1024);
//! std::thread::scope(|s| {
//!     for t in 0..2_u64 {
//!         let arena = &arena;
//!         s.spawn(move || {
//!             let local = arena.local(); // no lock, no atomic until its first chunk
//!             let ids = local.alloc_slice_fill_with(100, |i| t * 1000 + i as u64);
//!             assert_eq!(ids[99], t * 1000 + 99);
//!             let name = local.alloc_str("request");
//!             assert_eq!(name, "request");
//!         });
//!     }
//! });
//! let shared = arena.alloc([7_u8; 64]); // the shared path: one CAS
//! assert_eq!(shared[63], 7);
//! assert_eq!(arena.stats().allocations, 5);
//! arena.reset(); // safe: `&mut` proves nothing borrowed from it is alive
//! assert_eq!(arena.stats().used, 0);
//! ```
//!
//! # What it never does
//!
//! - **Run `Drop` by surprise, or forget to.** [`alloc`](Arena::alloc) of a type that
//!   needs `Drop` does not compile: the arena frees its memory all at once, without
//!   running destructors, so that value's would never run. Such a value goes in with
//!   [`alloc_with_drop`](Arena::alloc_with_drop), whose [`ArenaBox`] runs it. (The check
//!   is a `const` assertion on `needs_drop::<T>()`, which admits every type without
//!   drop glue, `Copy` or not; it fires when the call is compiled to code, so
//!   `cargo build` reports it and `cargo check` does not. A `Copy` bound would fire at
//!   `check`, but would refuse plain structs that are not `Copy`.)
//! - **Overlap or overflow.** Every placement is computed with checked arithmetic
//!   (even at the end of the address space) and claimed atomically; a request that
//!   does not fit is an [`ArenaError`] from the `try_` forms and a panic naming the
//!   capacity and the request from the others, like a full `Vec`.
//! - **Free what is borrowed.** [`reset`](Arena::reset) and [`scope`](Arena::scope)
//!   take `&mut self`, which proves that no allocation, handle or other thread still
//!   borrows the arena; rewinding a shared arena under other threads' feet cannot be
//!   written. A handle rewinds its own chunk in [`LocalArena::scope`], also by `&mut`.
//!
//! # Regions
//!
//! [`Arena::with_capacity`] allocates one heap block up front ([`Heap`]);
//! [`InlineArena::<SIZE>::new()`](Arena::new) holds its bytes inline ([`Inline`]) and is a
//! `const fn`, so it can be a `static`. Both are aligned to [`REGION_ALIGN`], a cache
//! line; any alignment an allocation asks for (4096 and beyond) is honoured by
//! padding, counted in the statistics.
//!
//! # `Allocator`
//!
//! `&Arena` and `&LocalArena` implement `allocator_api2::alloc::Allocator` (version
//! 0.2, the one `hashbrown` and `bumpalo` implement, so the arena backs their
//! collections too): `allocator_api2::vec::Vec::new_in(&arena)` and
//! `allocator_api2::boxed::Box::new_in(x, &arena)` work on stable Rust. The last
//! allocation grows and shrinks in place, and is given back when it is deallocated.
//!
//! # Statistics
//!
//! [`Arena::stats`] and [`LocalArena::stats`] cost O(1) and never walk allocations. A
//! handle's are exact. The arena's count what the shared path handed out exactly, and
//! what handles did when they are dropped; while a handle is live, the chunks it
//! claimed count as used whole (chunk granularity).

mod api;
mod boxed;
mod local;
mod place;
mod region;
mod typed;

pub use boxed::ArenaBox;
pub use local::{LocalArena, LocalStats};
pub use region::{Heap, Inline, REGION_ALIGN, Region};

use crate::sync::{AtomicBool, AtomicU64, AtomicUsize};
use place::place;
use std::alloc::Layout;
use std::fmt;
use std::ptr::NonNull;

use std::sync::atomic::Ordering::Relaxed;

/// An arena whose bytes are inline: `static SCRATCH: InlineArena<4096> = InlineArena::new();`.
pub type InlineArena<const SIZE: usize> = Arena<Inline<SIZE>>;

/// A bump arena over a fixed region, shared by reference between threads. See the
/// [module documentation](self).
#[repr(C, align(128))]
pub struct Arena<R: Region = Heap> {
    /// Offset of the first byte not yet handed out.
    cursor: AtomicUsize,
    /// Allocations of the shared path, and of handles when they were dropped.
    allocations: AtomicU64,
    /// Bytes skipped to align allocations (shared path, dropped handles).
    padding: AtomicUsize,
    /// Bytes left unused at the ends of dropped handles' chunks.
    chunk_waste: AtomicUsize,
    /// Requests that did not fit.
    failed: AtomicU64,
    /// Whether exhaustion has been reported since the last reset.
    exhaustion_reported: AtomicBool,
    /// The highest cursor before the last reset or rewind.
    high_water: AtomicUsize,
    region: R,
}

/// What an allocation could not get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArenaError {
    /// The arena has too few bytes left.
    #[error(
        "arena exhausted: {requested} bytes aligned to {align} do not fit in the {remaining} bytes left of its {capacity}"
    )]
    Exhausted {
        /// The arena's capacity, in bytes.
        capacity: usize,
        /// Bytes it had left.
        remaining: usize,
        /// Bytes asked for.
        requested: usize,
        /// Alignment asked for.
        align: usize,
    },
    /// A slice's size overflows what any allocation can be (`isize::MAX` bytes).
    #[error(
        "a slice of {len} elements of {element_size} bytes is larger than any allocation can be"
    )]
    TooLarge {
        /// Elements asked for.
        len: usize,
        /// Bytes per element.
        element_size: usize,
    },
}

impl ArenaError {
    #[cold]
    #[inline(never)]
    #[track_caller]
    fn panic(self) -> ! {
        panic!("{self}")
    }
}

/// An arena's figures, in bytes unless said otherwise: `used + padding + chunk_waste +
/// remaining == capacity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArenaStats {
    /// The region's size.
    pub capacity: usize,
    /// Handed out to allocations (live handles' chunks whole).
    pub used: usize,
    /// Skipped to align allocations.
    pub padding: usize,
    /// Left at the ends of chunks that handles moved on from.
    pub chunk_waste: usize,
    /// Not yet handed out.
    pub remaining: usize,
    /// The most the arena has held at once, since it was made.
    pub high_water: usize,
    /// Allocations made (live handles' once they are dropped).
    pub allocations: u64,
    /// Requests that did not fit, since the last reset.
    pub failed: u64,
}

impl fmt::Display for ArenaStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} allocations, {} of {} bytes used, {} padding, {} chunk ends, {} remaining, high water {}, {} failed",
            self.allocations,
            self.used,
            self.capacity,
            self.padding,
            self.chunk_waste,
            self.remaining,
            self.high_water,
            self.failed
        )
    }
}

impl Arena<Heap> {
    /// An arena of `bytes`, allocated now as one heap block aligned to
    /// [`REGION_ALIGN`]. Panics if `bytes` exceeds `isize::MAX`.
    pub fn with_capacity(bytes: usize) -> Arena<Heap> {
        Arena::over(Heap::new(bytes))
    }
}

impl<const SIZE: usize> Arena<Inline<SIZE>> {
    /// An arena of `SIZE` bytes held inline.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Arena {
            cursor: AtomicUsize::new(0),
            allocations: AtomicU64::new(0),
            padding: AtomicUsize::new(0),
            chunk_waste: AtomicUsize::new(0),
            failed: AtomicU64::new(0),
            exhaustion_reported: AtomicBool::new(false),
            high_water: AtomicUsize::new(0),
            region: Inline::new(),
        }
    }

    /// An arena of `SIZE` bytes held inline (not `const` under loom, whose atomics
    /// are not).
    #[cfg(loom)]
    pub fn new() -> Self {
        Arena::over(Inline::new())
    }
}

impl<const SIZE: usize> Default for Arena<Inline<SIZE>> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Region> Arena<R> {
    fn over(region: R) -> Self {
        Arena {
            cursor: AtomicUsize::new(0),
            allocations: AtomicU64::new(0),
            padding: AtomicUsize::new(0),
            chunk_waste: AtomicUsize::new(0),
            failed: AtomicU64::new(0),
            exhaustion_reported: AtomicBool::new(false),
            high_water: AtomicUsize::new(0),
            region,
        }
    }

    /// The region's size in bytes.
    pub fn capacity(&self) -> usize {
        self.region.capacity()
    }

    /// A handle for this thread: allocations through it bump inside chunks it claims
    /// from this arena, with no atomic operation but one per chunk. Taking it takes no
    /// lock and touches nothing shared; its first allocation claims its first chunk.
    pub fn local(&self) -> LocalArena<'_, R> {
        LocalArena::new(self)
    }

    /// Empties the arena in O(1), whatever it held. Safe: `&mut self` proves that
    /// nothing borrowed from it is alive. Destructors are not run (the values that have
    /// them are in [`ArenaBox`]es, which borrow the arena and so are gone already).
    /// The statistics start again; the high-water mark keeps its maximum.
    pub fn reset(&mut self) {
        let cursor = self.cursor.load(Relaxed);
        self.raise_high_water(cursor);
        self.cursor.store(0, Relaxed);
        self.allocations.store(0, Relaxed);
        self.padding.store(0, Relaxed);
        self.chunk_waste.store(0, Relaxed);
        self.failed.store(0, Relaxed);
        self.exhaustion_reported.store(false, Relaxed);
    }

    /// Runs `f` with the arena, then gives back everything allocated in it: a
    /// checkpoint and a rewind. `&mut self` proves no other thread allocates from the
    /// arena meanwhile except through `f`, and what `f` returns cannot borrow it.
    ///
    /// ```
    /// use knhk_runtime::arena::Arena;
    ///
    /// let mut arena = Arena::with_capacity(4096);
    /// let kept = *arena.alloc(1_u32);
    /// let sum = arena.scope(|scratch| {
    ///     let squares = scratch.alloc_slice_fill_with(100, |i| (i * i) as u64);
    ///     squares.iter().sum::<u64>()
    /// });
    /// assert_eq!((kept, sum), (1, 328_350));
    /// assert_eq!(arena.stats().used, 4); // the scope's 800 bytes are back
    /// ```
    pub fn scope<T>(&mut self, f: impl FnOnce(&Self) -> T) -> T {
        let cursor = self.cursor.load(Relaxed);
        let allocations = self.allocations.load(Relaxed);
        let padding = self.padding.load(Relaxed);
        let chunk_waste = self.chunk_waste.load(Relaxed);
        let out = f(self);
        let reached = self.cursor.load(Relaxed);
        self.raise_high_water(reached);
        self.cursor.store(cursor, Relaxed);
        self.allocations.store(allocations, Relaxed);
        self.padding.store(padding, Relaxed);
        self.chunk_waste.store(chunk_waste, Relaxed);
        out
    }

    /// The arena's figures now, in O(1).
    pub fn stats(&self) -> ArenaStats {
        let capacity = self.capacity();
        let cursor = self.cursor.load(Relaxed).min(capacity);
        let padding = self.padding.load(Relaxed);
        let chunk_waste = self.chunk_waste.load(Relaxed);
        ArenaStats {
            capacity,
            used: cursor.saturating_sub(padding + chunk_waste),
            padding,
            chunk_waste,
            remaining: capacity - cursor,
            high_water: self.high_water.load(Relaxed).max(cursor),
            allocations: self.allocations.load(Relaxed),
            failed: self.failed.load(Relaxed),
        }
    }

    /// Raises the high-water mark to `cursor`; only under `&mut self` (reset, scope),
    /// so a plain load and store.
    fn raise_high_water(&mut self, cursor: usize) {
        let high = self.high_water.load(Relaxed);
        if cursor > high {
            self.high_water.store(cursor, Relaxed);
        }
    }

    #[inline(always)]
    fn base(&self) -> usize {
        self.region.base().addr()
    }

    /// A pointer to offset `at`, which is at most the capacity.
    #[inline(always)]
    fn at(&self, at: usize) -> NonNull<u8> {
        debug_assert!(at <= self.capacity());
        // SAFETY: `at` is inside the region or one past its end, and the region's base
        // is non-null.
        unsafe { NonNull::new_unchecked(self.region.base().add(at)) }
    }

    /// Claims `size` bytes aligned to `align` with one compare-and-swap: `(start, end,
    /// cursor before)`, or `None` when they do not fit.
    #[inline(always)]
    fn bump(&self, size: usize, align: usize) -> Option<(usize, usize, usize)> {
        let base = self.base();
        let capacity = self.capacity();
        let mut cursor = self.cursor.load(Relaxed);
        loop {
            let (start, end) = place(base, cursor, capacity, size, align)?;
            // Relaxed: the claim's atomicity is what keeps ranges apart; no data is
            // published through the cursor (each range is written by its claimer only).
            match self
                .cursor
                .compare_exchange_weak(cursor, end, Relaxed, Relaxed)
            {
                Ok(_) => return Some((start, end, cursor)),
                Err(now) => cursor = now,
            }
        }
    }

    /// Moves the cursor from `from` to `to` if it is still at `from`: extends or gives
    /// back the last claim.
    fn move_cursor(&self, from: usize, to: usize) -> bool {
        to <= self.capacity()
            && self
                .cursor
                .compare_exchange(from, to, Relaxed, Relaxed)
                .is_ok()
    }

    /// The shared path: one allocation of `layout`.
    #[inline]
    fn try_claim(&self, layout: Layout) -> Result<NonNull<u8>, ArenaError> {
        if layout.size() == 0 {
            return Ok(dangling(layout.align()));
        }
        match self.bump(layout.size(), layout.align()) {
            Some((start, _, before)) => {
                self.allocations.fetch_add(1, Relaxed);
                if start != before {
                    self.padding.fetch_add(start - before, Relaxed);
                }
                Ok(self.at(start))
            }
            None => Err(self.exhausted(layout.size(), layout.align())),
        }
    }

    /// A request that did not fit: counted, reported once until the next reset (the
    /// `knhk.arena.exhausted` event), and described.
    #[cold]
    #[inline(never)]
    fn exhausted(&self, requested: usize, align: usize) -> ArenaError {
        self.failed.fetch_add(1, Relaxed);
        let capacity = self.capacity();
        let remaining = capacity.saturating_sub(self.cursor.load(Relaxed));
        if !self.exhaustion_reported.swap(true, Relaxed) {
            crate::telemetry::arena_exhausted(capacity, remaining, requested, align);
        }
        ArenaError::Exhausted {
            capacity,
            remaining,
            requested,
            align,
        }
    }

    /// The offset of `ptr`, which points into the region.
    fn offset_of(&self, ptr: NonNull<u8>) -> usize {
        ptr.as_ptr().addr() - self.base()
    }

    /// Folds a dropped handle's exact figures into the arena's (no atomic operation
    /// for a figure that is zero).
    fn absorb(&self, allocations: u64, padding: usize, chunk_waste: usize) {
        if allocations != 0 {
            self.allocations.fetch_add(allocations, Relaxed);
        }
        if padding != 0 {
            self.padding.fetch_add(padding, Relaxed);
        }
        if chunk_waste != 0 {
            self.chunk_waste.fetch_add(chunk_waste, Relaxed);
        }
    }

    typed::allocations!();
}

/// A well-aligned pointer for a zero-sized allocation, which reads and writes nothing.
#[inline(always)]
fn dangling(align: usize) -> NonNull<u8> {
    // SAFETY: an alignment is a power of two, never zero.
    unsafe { NonNull::new_unchecked(std::ptr::without_provenance_mut(align)) }
}

impl<R: Region> fmt::Debug for Arena<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("region", &self.region)
            .field("stats", &self.stats())
            .finish()
    }
}

// SAFETY: the region's bytes are handed out in disjoint ranges, each claimed by one
// atomic operation; the arena keeps no other state than atomics and the region, whose
// owner (`Heap`) or bytes (`Inline`) are safe to reach from any thread. What is
// allocated is handed out as `&mut T` for `T` the caller chose, so moving values of
// `!Send` types between threads goes through the usual `Send` rules on those
// references.
unsafe impl<R: Region + Sync> Sync for Arena<R> {}
// SAFETY: as above; a `Heap` owns its block like a `Box`.
unsafe impl<R: Region + Send> Send for Arena<R> {}

#[cfg(test)]
mod tests;
