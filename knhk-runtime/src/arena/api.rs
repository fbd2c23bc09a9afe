//! `allocator_api2::alloc::Allocator` for `&Arena` and `&LocalArena`, so the
//! collections of `allocator-api2` (and of `hashbrown`) allocate in an arena on stable
//! Rust. The last allocation grows and shrinks in place and is given back when freed;
//! any other is freed with the arena.

use super::Arena;
use super::local::LocalArena;
use super::region::Region;
use allocator_api2::alloc::{AllocError, Allocator};
use std::alloc::Layout;
use std::ptr::NonNull;

fn slice(ptr: NonNull<u8>, len: usize) -> NonNull<[u8]> {
    NonNull::slice_from_raw_parts(ptr, len)
}

/// A block that could not be resized in place, moved: a new block of `new`, the first
/// `keep` bytes copied into it, the old one deallocated.
///
/// # Safety
/// `ptr` is a block of `old` from `alloc`, owned by the caller, holding at least `keep`
/// bytes, and `keep <= new.size()`.
unsafe fn relocate(
    alloc: impl Allocator,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    keep: usize,
) -> Result<NonNull<[u8]>, AllocError> {
    let moved = alloc.allocate(new)?;
    // SAFETY: `ptr` holds `keep` bytes the caller owns, the new block has room for
    // them and is a distinct claim, and `ptr` came from `alloc` with `old`.
    unsafe {
        std::ptr::copy_nonoverlapping(ptr.as_ptr(), moved.cast().as_ptr(), keep);
        alloc.deallocate(ptr, old);
    }
    Ok(moved)
}

// SAFETY: a block handed out stays valid and unaliased until the arena is reset or
// rewound, which takes `&mut Arena` and so cannot happen while this `&Arena` (or a
// collection holding it) lives; copies of `&Arena` are the same allocator. Blocks are
// given back or resized in place only when they are the arena's last claim, with one
// compare-and-swap, so no other block is touched.
unsafe impl<R: Region> Allocator for &Arena<R> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let ptr = self.try_claim(layout).map_err(|_| AllocError)?;
        Ok(slice(ptr, layout.size()))
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            let start = self.offset_of(ptr);
            self.move_cursor(start + layout.size(), start);
        }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if old.size() != 0 && ptr.as_ptr().addr().is_multiple_of(new.align()) {
            let start = self.offset_of(ptr);
            if let Some(new_end) = start.checked_add(new.size())
                && self.move_cursor(start + old.size(), new_end)
            {
                return Ok(slice(ptr, new.size()));
            }
        }
        // SAFETY: the caller owns `ptr`, a block of `old` from this allocator, and a
        // grown layout holds its `old.size()` bytes.
        unsafe { relocate(*self, ptr, old, new, old.size()) }
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if ptr.as_ptr().addr().is_multiple_of(new.align()) {
            if old.size() != 0 {
                let start = self.offset_of(ptr);
                self.move_cursor(start + old.size(), start + new.size());
            }
            return Ok(slice(ptr, new.size()));
        }
        // SAFETY: the caller owns `ptr`, a block of `old` from this allocator, which
        // holds the `new.size()` bytes kept.
        unsafe { relocate(*self, ptr, old, new, new.size()) }
    }
}

// SAFETY: as for `&Arena`: blocks live until the arena is reset or this handle rewinds
// its scope, both of which take `&mut`, impossible while `&LocalArena` is held; blocks
// are resized in place or given back only when they are the chunk's last.
unsafe impl<R: Region> Allocator for &LocalArena<'_, R> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let ptr = self.try_claim(layout).map_err(|_| AllocError)?;
        Ok(slice(ptr, layout.size()))
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() != 0 {
            let start = self.offset_of(ptr);
            self.give_back(start, start + layout.size());
        }
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if old.size() != 0 && ptr.as_ptr().addr().is_multiple_of(new.align()) {
            let start = self.offset_of(ptr);
            if self.resize_last(start, start + old.size(), new.size()) {
                return Ok(slice(ptr, new.size()));
            }
        }
        // SAFETY: the caller owns `ptr`, a block of `old` from this allocator, and a
        // grown layout holds its `old.size()` bytes.
        unsafe { relocate(*self, ptr, old, new, old.size()) }
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if ptr.as_ptr().addr().is_multiple_of(new.align()) {
            if old.size() != 0 {
                let start = self.offset_of(ptr);
                self.resize_last(start, start + old.size(), new.size());
            }
            return Ok(slice(ptr, new.size()));
        }
        // SAFETY: the caller owns `ptr`, a block of `old` from this allocator, which
        // holds the `new.size()` bytes kept.
        unsafe { relocate(*self, ptr, old, new, new.size()) }
    }
}
