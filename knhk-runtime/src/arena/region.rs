//! The memory an arena hands out: one heap block allocated up front, or bytes inside
//! the arena itself.

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::cell::UnsafeCell;
use std::fmt;
use std::mem::MaybeUninit;
use std::ptr::NonNull;

/// The alignment of an arena's region: a cache line on every current x86 and Arm
/// core (128 covers the pairs of lines some prefetch together).
pub const REGION_ALIGN: usize = 128;

mod sealed {
    pub trait Sealed {}
}

/// Where an arena's bytes live: [`Heap`] or [`Inline`]. Sealed.
pub trait Region: sealed::Sealed + std::fmt::Debug {
    /// The first byte.
    #[doc(hidden)]
    fn base(&self) -> *mut u8;
    /// How many bytes.
    #[doc(hidden)]
    fn capacity(&self) -> usize;
}

/// One heap block, allocated when the arena is made and freed when it is dropped.
pub struct Heap {
    ptr: NonNull<u8>,
    capacity: usize,
}

impl Heap {
    /// `capacity` bytes aligned to [`REGION_ALIGN`]; aborts like `Vec` when the
    /// allocator fails, and panics when `capacity` exceeds `isize::MAX`.
    pub(crate) fn new(capacity: usize) -> Heap {
        if capacity == 0 {
            // Nothing to allocate; an aligned, dangling base that no allocation reads.
            let ptr = NonNull::new(REGION_ALIGN as *mut u8).expect("non-zero");
            return Heap { ptr, capacity };
        }
        let layout = Layout::from_size_align(capacity, REGION_ALIGN).unwrap_or_else(|_| {
            panic!("an arena of {capacity} bytes is larger than the address space allows")
        });
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        let ptr = NonNull::new(ptr).unwrap_or_else(|| handle_alloc_error(layout));
        Heap { ptr, capacity }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        if self.capacity != 0 {
            // SAFETY: allocated in `new` with this layout, which was valid then.
            unsafe {
                dealloc(
                    self.ptr.as_ptr(),
                    Layout::from_size_align_unchecked(self.capacity, REGION_ALIGN),
                )
            }
        }
    }
}

impl fmt::Debug for Heap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Heap")
            .field("base", &self.ptr)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl sealed::Sealed for Heap {}
impl Region for Heap {
    #[inline(always)]
    fn base(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }
    #[inline(always)]
    fn capacity(&self) -> usize {
        self.capacity
    }
}

// SAFETY: `Heap` owns its block outright, like a `Box<[u8]>`; the arena decides who may
// touch which bytes.
unsafe impl Send for Heap {}
// SAFETY: as above; `Heap` itself never reads or writes the block.
unsafe impl Sync for Heap {}

/// `SIZE` bytes inside the arena, aligned to [`REGION_ALIGN`]: an arena that needs no
/// heap, built by a `const fn` (so it can be a `static`).
#[repr(C, align(128))]
pub struct Inline<const SIZE: usize> {
    bytes: UnsafeCell<[MaybeUninit<u8>; SIZE]>,
}

impl<const SIZE: usize> Inline<SIZE> {
    pub(crate) const fn new() -> Self {
        Inline {
            bytes: UnsafeCell::new([MaybeUninit::uninit(); SIZE]),
        }
    }
}

impl<const SIZE: usize> fmt::Debug for Inline<SIZE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inline").field("capacity", &SIZE).finish()
    }
}

impl<const SIZE: usize> sealed::Sealed for Inline<SIZE> {}
impl<const SIZE: usize> Region for Inline<SIZE> {
    #[inline(always)]
    fn base(&self) -> *mut u8 {
        self.bytes.get().cast()
    }
    #[inline(always)]
    fn capacity(&self) -> usize {
        SIZE
    }
}

// SAFETY: the bytes are plain memory; the arena decides who may touch which of them,
// handing each byte to one allocation at a time.
unsafe impl<const SIZE: usize> Sync for Inline<SIZE> {}
