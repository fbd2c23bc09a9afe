//! [`LocalArena`]: one thread's handle on a shared [`Arena`], bumping inside chunks it
//! claims with one atomic operation each.

use super::place::place;
use super::region::{Heap, Region};
use super::{Arena, ArenaError, dangling};
use std::alloc::Layout;
use std::cell::Cell;
use std::fmt;
use std::ptr::NonNull;

/// The first chunk a handle claims; each next one is twice the last, up to
/// [`MAX_CHUNK`].
pub(super) const FIRST_CHUNK: usize = 4 * 1024;
/// The largest chunk a handle claims.
pub(super) const MAX_CHUNK: usize = 64 * 1024;
/// Chunks start on a cache line, so two threads' chunks never share one.
const CHUNK_ALIGN: usize = 64;

/// A handle on an [`Arena`] for one thread (it is not `Sync`): allocations bump a
/// cursor inside a chunk of the arena's region with no atomic operation; a chunk is
/// claimed with one (4 KiB first, doubling to 64 KiB). A request of more than half a
/// chunk, or one made when the arena has no room left for a chunk, is claimed from the
/// arena on its own, leaving the chunk in use. Allocations borrow the handle.
///
/// When the handle is dropped, the unused end of its chunk goes back to the arena if
/// nothing was claimed after it, and its figures are added to the arena's.
///
/// ```
/// use knhk_runtime::arena::Arena;
///
/// let arena = Arena::with_capacity(1 << 20);
/// let local = arena.local();
/// let a = local.alloc(1_u64);
/// let b = local.alloc_slice_copy(&[1_u8, 2, 3]);
/// *a += u64::from(b[2]);
/// assert_eq!(*a, 4);
/// let stats = local.stats();
/// assert_eq!((stats.allocations, stats.used), (2, 11));
/// ```
pub struct LocalArena<'a, R: Region = Heap> {
    arena: &'a Arena<R>,
    /// The region's first byte, cached: the arena is borrowed, so it cannot move.
    base: *mut u8,
    /// Offset of the first free byte of the current chunk.
    cursor: Cell<usize>,
    /// Offset of the current chunk's end.
    end: Cell<usize>,
    /// Where the run of chunks ending at `end` starts: contiguous claims extend it.
    run_start: Cell<usize>,
    /// The size of the next chunk.
    next_chunk: Cell<usize>,
    claimed: Cell<usize>,
    allocations: Cell<u64>,
    padding: Cell<usize>,
    chunk_waste: Cell<usize>,
    failed: Cell<u64>,
}

/// A handle's figures, exact, in bytes unless said otherwise: `used + padding +
/// chunk_waste + chunk_remaining == claimed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LocalStats {
    /// Bytes claimed from the arena: chunks, and requests too large for one.
    pub claimed: usize,
    /// Handed out to allocations.
    pub used: usize,
    /// Skipped to align allocations.
    pub padding: usize,
    /// Left at the ends of chunks the handle moved on from, and skipped to align
    /// chunks.
    pub chunk_waste: usize,
    /// Left in the current chunk.
    pub chunk_remaining: usize,
    /// Allocations made.
    pub allocations: u64,
    /// Requests that did not fit.
    pub failed: u64,
}

/// What a [`LocalArena::scope`] restores.
#[derive(Clone, Copy)]
struct Checkpoint {
    cursor: usize,
    end: usize,
    run_start: usize,
    claimed: usize,
    allocations: u64,
    padding: usize,
    chunk_waste: usize,
}

impl<'a, R: Region> LocalArena<'a, R> {
    pub(super) fn new(arena: &'a Arena<R>) -> Self {
        LocalArena {
            arena,
            base: arena.region.base(),
            cursor: Cell::new(0),
            end: Cell::new(0),
            run_start: Cell::new(0),
            next_chunk: Cell::new(FIRST_CHUNK),
            claimed: Cell::new(0),
            allocations: Cell::new(0),
            padding: Cell::new(0),
            chunk_waste: Cell::new(0),
            failed: Cell::new(0),
        }
    }

    /// The arena this handle allocates from.
    pub fn arena(&self) -> &'a Arena<R> {
        self.arena
    }

    /// This handle's figures, exact, in O(1).
    pub fn stats(&self) -> LocalStats {
        let chunk_remaining = self.end.get() - self.cursor.get();
        let claimed = self.claimed.get();
        let padding = self.padding.get();
        let chunk_waste = self.chunk_waste.get();
        LocalStats {
            claimed,
            used: claimed - padding - chunk_waste - chunk_remaining,
            padding,
            chunk_waste,
            chunk_remaining,
            allocations: self.allocations.get(),
            failed: self.failed.get(),
        }
    }

    /// Runs `f` with this handle, then gives back what was allocated in it: the cursor
    /// returns to where it was, and chunks claimed meanwhile go back to the arena when
    /// nothing was claimed after them (otherwise they count as chunk waste). `&mut self`
    /// proves that nothing allocated in the scope outlives it.
    ///
    /// ```
    /// use knhk_runtime::arena::Arena;
    ///
    /// let arena = Arena::with_capacity(1 << 20);
    /// let mut local = arena.local();
    /// for batch in 0..3_u32 {
    ///     let total = local.scope(|scratch| {
    ///         let items = scratch.alloc_slice_fill_with(1000, |i| i as u32 + batch);
    ///         items.iter().map(|&i| u64::from(i)).sum::<u64>()
    ///     });
    ///     assert_eq!(total, 499_500 + 1000 * u64::from(batch));
    /// }
    /// assert_eq!(local.stats().used, 0);
    /// ```
    pub fn scope<T>(&mut self, f: impl FnOnce(&Self) -> T) -> T {
        let saved = self.checkpoint();
        let out = f(self);
        self.rewind(saved);
        out
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            cursor: self.cursor.get(),
            end: self.end.get(),
            run_start: self.run_start.get(),
            claimed: self.claimed.get(),
            allocations: self.allocations.get(),
            padding: self.padding.get(),
            chunk_waste: self.chunk_waste.get(),
        }
    }

    fn rewind(&mut self, saved: Checkpoint) {
        let mut claimed = self.claimed.get();
        if self.end.get() != saved.end {
            // Chunks were claimed in the scope. The last run goes back to the arena if
            // it is still the arena's last claim: all of it beyond the saved chunk when
            // it extends that chunk, else the run itself.
            let run_start = self.run_start.get();
            let back_to = if run_start == saved.run_start {
                saved.end
            } else {
                run_start
            };
            if self.arena.move_cursor(self.end.get(), back_to) {
                claimed -= self.end.get() - back_to;
            }
        }
        // What was claimed in the scope and not given back is lost to the handle.
        self.claimed.set(claimed);
        self.chunk_waste
            .set(saved.chunk_waste + (claimed - saved.claimed));
        self.cursor.set(saved.cursor);
        self.end.set(saved.end);
        self.run_start.set(saved.run_start);
        self.allocations.set(saved.allocations);
        self.padding.set(saved.padding);
    }

    /// A pointer to offset `at` of the arena's region.
    #[inline(always)]
    fn at(&self, at: usize) -> NonNull<u8> {
        debug_assert!(at <= self.arena.capacity());
        // SAFETY: offsets come from placements inside the region (or one past its
        // end), and the region's base is non-null.
        unsafe { NonNull::new_unchecked(self.base.add(at)) }
    }

    /// One allocation of `layout`: a bump inside the chunk, else the slow path.
    #[inline]
    pub(super) fn try_claim(&self, layout: Layout) -> Result<NonNull<u8>, ArenaError> {
        let (size, align) = (layout.size(), layout.align());
        if size == 0 {
            return Ok(dangling(align));
        }
        let cursor = self.cursor.get();
        match place(self.base.addr(), cursor, self.end.get(), size, align) {
            Some((start, end)) => {
                self.cursor.set(end);
                self.allocations.set(self.allocations.get() + 1);
                // Most allocations need no padding: no store for them.
                if start != cursor {
                    self.padding.set(self.padding.get() + (start - cursor));
                }
                Ok(self.at(start))
            }
            None => self.claim_slow(size, align),
        }
    }

    /// The request does not fit in the chunk: claim it alone if it is large, else a
    /// new chunk (extending this one when nothing was claimed after it).
    #[cold]
    #[inline(never)]
    fn claim_slow(&self, size: usize, align: usize) -> Result<NonNull<u8>, ArenaError> {
        let chunk = self.next_chunk.get();
        let worst = size.saturating_add(align - 1);
        if worst > chunk / 2 {
            return self.claim_alone(size, align);
        }
        let end = self.end.get();
        if end != 0 && self.arena.move_cursor(end, end + chunk) {
            // The chunk was the arena's last claim: it grows, nothing is wasted.
            self.end.set(end + chunk);
            self.claimed.set(self.claimed.get() + chunk);
        } else {
            let Some((start, new_end, before)) = self.arena.bump(chunk, CHUNK_ALIGN) else {
                // No room for a chunk: what is left may still hold the request.
                return self.claim_alone(size, align);
            };
            // The old chunk's end and the new one's alignment are lost.
            let lost = (end - self.cursor.get()) + (start - before);
            self.chunk_waste.set(self.chunk_waste.get() + lost);
            self.claimed.set(self.claimed.get() + (new_end - before));
            self.cursor.set(start);
            self.end.set(new_end);
            self.run_start.set(start);
        }
        self.next_chunk.set((chunk * 2).min(MAX_CHUNK));
        let cursor = self.cursor.get();
        let (start, end) = place(self.base.addr(), cursor, self.end.get(), size, align)
            .expect("a chunk holds any request of at most half its size, aligned");
        self.cursor.set(end);
        self.padding.set(self.padding.get() + (start - cursor));
        self.allocations.set(self.allocations.get() + 1);
        Ok(self.at(start))
    }

    /// The request claimed from the arena on its own (it is large, or no chunk fits);
    /// the chunk stays in use.
    fn claim_alone(&self, size: usize, align: usize) -> Result<NonNull<u8>, ArenaError> {
        let Some((start, end, before)) = self.arena.bump(size, align) else {
            return Err(self.failed(size, align));
        };
        self.claimed.set(self.claimed.get() + (end - before));
        self.padding.set(self.padding.get() + (start - before));
        self.allocations.set(self.allocations.get() + 1);
        Ok(self.at(start))
    }

    #[cold]
    fn failed(&self, size: usize, align: usize) -> ArenaError {
        self.failed.set(self.failed.get() + 1);
        self.arena.exhausted(size, align)
    }

    /// Grows or shrinks the allocation at `start..end` (the chunk's last) to
    /// `new_size` bytes in place, if the chunk has room: the `Allocator` path.
    pub(super) fn resize_last(&self, start: usize, end: usize, new_size: usize) -> bool {
        if end != self.cursor.get() {
            return false;
        }
        match start.checked_add(new_size) {
            Some(new_end) if new_end <= self.end.get() => {
                self.cursor.set(new_end);
                true
            }
            _ => false,
        }
    }

    /// Gives back the allocation at `start..end` if it is the chunk's last.
    pub(super) fn give_back(&self, start: usize, end: usize) {
        if end == self.cursor.get() {
            self.cursor.set(start);
        }
    }

    /// The offset of `ptr` in the arena's region.
    pub(super) fn offset_of(&self, ptr: NonNull<u8>) -> usize {
        ptr.as_ptr().addr() - self.base.addr()
    }

    super::typed::allocations!();
}

impl<R: Region> Drop for LocalArena<'_, R> {
    fn drop(&mut self) {
        if self.claimed.get() == 0 {
            // Never claimed anything: nothing to give back or count.
            return;
        }
        let (cursor, end) = (self.cursor.get(), self.end.get());
        let mut waste = self.chunk_waste.get();
        if end != cursor && !self.arena.move_cursor(end, cursor) {
            waste += end - cursor;
        }
        self.arena
            .absorb(self.allocations.get(), self.padding.get(), waste);
    }
}

impl<R: Region> fmt::Debug for LocalArena<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalArena")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

// SAFETY: a handle is a shared reference to a `Sync` arena plus `Cell`s it alone uses;
// its cached base pointer is the arena's, which any thread may use. Moving the handle
// to another thread moves all of that with it (it stays `!Sync`).
unsafe impl<R: Region + Sync> Send for LocalArena<'_, R> {}
