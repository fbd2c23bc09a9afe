//! [`ArenaBox`]: a value in an arena whose `Drop` runs.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// A value in an arena that owns it like a `Box`: dropping the box runs the value's
/// `Drop` (the bytes stay the arena's until it is reset). Made by
/// [`Arena::alloc_with_drop`](super::Arena::alloc_with_drop) and
/// [`LocalArena::alloc_with_drop`](super::LocalArena::alloc_with_drop).
///
/// ```
/// use knhk_runtime::arena::Arena;
///
/// let arena = Arena::with_capacity(1024);
/// let names = arena.alloc_with_drop(vec![String::from("a"), String::from("b")]);
/// assert_eq!(names.len(), 2);
/// drop(names); // the Vec and its Strings are freed here
/// ```
pub struct ArenaBox<'a, T> {
    value: NonNull<T>,
    // Owns a `T`, and borrows the arena.
    _owns: PhantomData<(T, &'a ())>,
}

impl<'a, T> ArenaBox<'a, T> {
    /// # Safety
    /// `value` holds an initialised `T` that nothing else owns, in memory that stays
    /// valid for `'a`.
    pub(super) unsafe fn from_raw(value: NonNull<T>) -> Self {
        ArenaBox {
            value,
            _owns: PhantomData,
        }
    }

    /// Moves the value out, leaving its bytes to the arena.
    pub fn into_inner(self) -> T {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: the box owns an initialised value and is not dropped, so the value is
        // read once.
        unsafe { this.value.as_ptr().read() }
    }
}

impl<T> Deref for ArenaBox<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the box owns an initialised value for as long as it lives.
        unsafe { self.value.as_ref() }
    }
}

impl<T> DerefMut for ArenaBox<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and `&mut self` makes this the only reference.
        unsafe { self.value.as_mut() }
    }
}

impl<T> Drop for ArenaBox<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the box owns an initialised value, dropped once, here.
        unsafe { self.value.as_ptr().drop_in_place() }
    }
}

impl<T: fmt::Debug> fmt::Debug for ArenaBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

// SAFETY: an `ArenaBox<T>` is an owner of a `T`, like `Box<T>`.
unsafe impl<T: Send> Send for ArenaBox<'_, T> {}
// SAFETY: as above: `&ArenaBox<T>` gives only `&T`.
unsafe impl<T: Sync> Sync for ArenaBox<'_, T> {}
