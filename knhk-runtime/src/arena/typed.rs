//! The typed allocation methods, written once for [`Arena`](super::Arena) and
//! [`LocalArena`](super::LocalArena): each type supplies
//! `try_claim(&self, Layout) -> Result<NonNull<u8>, ArenaError>` and its allocations
//! borrow `self`.

/// Expands, inside an `impl` whose `Self` has `try_claim`, to `alloc`, `try_alloc`,
/// `alloc_with_drop`, `try_alloc_with_drop`, `alloc_slice_copy`,
/// `try_alloc_slice_copy`, `alloc_slice_fill_with`, `try_alloc_slice_fill_with`,
/// `alloc_str` and `try_alloc_str`.
macro_rules! allocations {
    () => {
        /// Moves `value` into the arena. Panics, naming the capacity and the request,
        /// when it does not fit ([`try_alloc`](Self::try_alloc) returns the error).
        ///
        /// A type that needs `Drop` does not compile here: the arena never runs
        /// destructors, so its would never run. Use
        /// [`alloc_with_drop`](Self::alloc_with_drop) for it.
        #[inline]
        #[track_caller]
        #[allow(clippy::mut_from_ref)] // each call hands out its own bytes
        pub fn alloc<T>(&self, value: T) -> &mut T {
            const {
                assert!(
                    !::core::mem::needs_drop::<T>(),
                    "the arena never runs destructors, so a value that needs `Drop` cannot go in with `alloc`: use `alloc_with_drop`, whose `ArenaBox` drops it"
                )
            };
            match self.put(value) {
                Ok(value) => value,
                Err(e) => e.panic(),
            }
        }

        /// Moves `value` into the arena, or says why it does not fit. See
        /// [`alloc`](Self::alloc) for types that need `Drop`.
        #[inline]
        #[allow(clippy::mut_from_ref)]
        pub fn try_alloc<T>(&self, value: T) -> Result<&mut T, $crate::arena::ArenaError> {
            const {
                assert!(
                    !::core::mem::needs_drop::<T>(),
                    "the arena never runs destructors, so a value that needs `Drop` cannot go in with `try_alloc`: use `try_alloc_with_drop`, whose `ArenaBox` drops it"
                )
            };
            self.put(value)
        }

        /// `value` in the arena, returned by `&mut`: callers check `Drop` first.
        #[inline(always)]
        #[allow(clippy::mut_from_ref)]
        fn put<T>(&self, value: T) -> Result<&mut T, $crate::arena::ArenaError> {
            let ptr = self.try_claim(::std::alloc::Layout::new::<T>())?.cast::<T>();
            // SAFETY: the claimed bytes are this call's alone, sized and aligned for a
            // `T` (or, for a zero-sized `T`, a well-aligned dangling pointer), and they
            // stay the arena's until `&mut self` frees them, which the borrow prevents.
            unsafe {
                ptr.as_ptr().write(value);
                Ok(&mut *ptr.as_ptr())
            }
        }

        /// Moves `value` into the arena behind an [`ArenaBox`]($crate::arena::ArenaBox),
        /// which runs its `Drop` when the box is dropped. Panics when it does not fit.
        #[inline]
        #[track_caller]
        pub fn alloc_with_drop<T>(&self, value: T) -> $crate::arena::ArenaBox<'_, T> {
            match self.try_alloc_with_drop(value) {
                Ok(value) => value,
                Err(e) => e.panic(),
            }
        }

        /// [`alloc_with_drop`](Self::alloc_with_drop), or why it does not fit.
        #[inline]
        pub fn try_alloc_with_drop<T>(
            &self,
            value: T,
        ) -> Result<$crate::arena::ArenaBox<'_, T>, $crate::arena::ArenaError> {
            let ptr = self.try_claim(::std::alloc::Layout::new::<T>())?.cast::<T>();
            // SAFETY: as in `try_alloc`; the box owns the value from here.
            unsafe {
                ptr.as_ptr().write(value);
                Ok($crate::arena::ArenaBox::from_raw(ptr))
            }
        }

        /// A copy of `src` in the arena. Panics when it does not fit.
        #[inline]
        #[track_caller]
        #[allow(clippy::mut_from_ref)]
        pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
            match self.try_alloc_slice_copy(src) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// [`alloc_slice_copy`](Self::alloc_slice_copy), or why it does not fit.
        #[inline]
        #[allow(clippy::mut_from_ref)]
        pub fn try_alloc_slice_copy<T: Copy>(
            &self,
            src: &[T],
        ) -> Result<&mut [T], $crate::arena::ArenaError> {
            // A slice that exists has a valid layout.
            let layout = ::std::alloc::Layout::for_value(src);
            let ptr = self.try_claim(layout)?.cast::<T>();
            // SAFETY: the claimed bytes are this call's alone, sized and aligned for
            // `src.len()` values of `T`, and do not overlap `src`, which is borrowed
            // from elsewhere or from an earlier allocation.
            unsafe {
                ::std::ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr(), src.len());
                Ok(::std::slice::from_raw_parts_mut(ptr.as_ptr(), src.len()))
            }
        }

        /// `len` values in the arena, the `i`-th being `f(i)`. Panics when they do not
        /// fit; types that need `Drop` do not compile, as for [`alloc`](Self::alloc).
        #[inline]
        #[track_caller]
        #[allow(clippy::mut_from_ref)]
        pub fn alloc_slice_fill_with<T>(&self, len: usize, f: impl FnMut(usize) -> T) -> &mut [T] {
            const {
                assert!(
                    !::core::mem::needs_drop::<T>(),
                    "the arena never runs destructors, so values that need `Drop` cannot go in with `alloc_slice_fill_with`: use `alloc_with_drop` for each, or a `Vec` in the arena (`allocator_api2::vec::Vec::new_in`)"
                )
            };
            match self.fill(len, f) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// [`alloc_slice_fill_with`](Self::alloc_slice_fill_with), or why the values do
        /// not fit. If `f` panics, the values made so far stay in the arena, unread.
        #[inline]
        #[allow(clippy::mut_from_ref)]
        pub fn try_alloc_slice_fill_with<T>(
            &self,
            len: usize,
            f: impl FnMut(usize) -> T,
        ) -> Result<&mut [T], $crate::arena::ArenaError> {
            const {
                assert!(
                    !::core::mem::needs_drop::<T>(),
                    "the arena never runs destructors, so values that need `Drop` cannot go in with `try_alloc_slice_fill_with`: use `try_alloc_with_drop` for each, or a `Vec` in the arena (`allocator_api2::vec::Vec::new_in`)"
                )
            };
            self.fill(len, f)
        }

        /// `len` values made by `f` in the arena: callers check `Drop` first.
        #[inline(always)]
        #[allow(clippy::mut_from_ref)]
        fn fill<T>(
            &self,
            len: usize,
            mut f: impl FnMut(usize) -> T,
        ) -> Result<&mut [T], $crate::arena::ArenaError> {
            let layout = ::std::alloc::Layout::array::<T>(len).map_err(|_| {
                $crate::arena::ArenaError::TooLarge {
                    len,
                    element_size: ::core::mem::size_of::<T>(),
                }
            })?;
            let ptr = self.try_claim(layout)?.cast::<T>();
            for i in 0..len {
                // SAFETY: `i < len`, inside the claimed bytes, which are this call's
                // alone and aligned for `T`.
                unsafe { ptr.as_ptr().add(i).write(f(i)) };
            }
            // SAFETY: all `len` values are written.
            Ok(unsafe { ::std::slice::from_raw_parts_mut(ptr.as_ptr(), len) })
        }

        /// A copy of `src` in the arena. Panics when it does not fit.
        #[inline]
        #[track_caller]
        #[allow(clippy::mut_from_ref)]
        pub fn alloc_str(&self, src: &str) -> &mut str {
            match self.try_alloc_str(src) {
                Ok(s) => s,
                Err(e) => e.panic(),
            }
        }

        /// [`alloc_str`](Self::alloc_str), or why it does not fit.
        #[inline]
        #[allow(clippy::mut_from_ref)]
        pub fn try_alloc_str(&self, src: &str) -> Result<&mut str, $crate::arena::ArenaError> {
            let bytes = self.try_alloc_slice_copy(src.as_bytes())?;
            // SAFETY: a copy of a `str`'s bytes is UTF-8.
            Ok(unsafe { ::std::str::from_utf8_unchecked_mut(bytes) })
        }
    };
}

pub(super) use allocations;
