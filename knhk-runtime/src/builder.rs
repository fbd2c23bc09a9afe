//! The states of a `#[derive(Builder)]` builder's fields, so that a partly built
//! builder can be named.
//!
//! `#[derive(Builder)]` on `struct Server { port: u16, host: String }` generates a
//! `ServerBuilder<P, H>` with one type parameter per field, in declaration order: the
//! state of that field, [`Unset`] or [`Set<T>`] where `T` is the field's type. A fresh
//! builder is `ServerBuilder` (every parameter defaults to [`Unset`]); after `.port(..)`
//! it is `ServerBuilder<Set<u16>>`. The states are held by value: [`Unset`] takes no
//! space and [`Set<T>`] is exactly a `T`, so a builder is the size of the values set so
//! far and `build()` moves them into the struct.
//!
//! ```
//! use knhk_runtime::Builder;
//! use knhk_runtime::builder::{Set, Unset};
//!
//! #[derive(Builder)]
//! struct Server {
//!     port: u16,
//!     host: String,
//!     #[builder(default = 4)]
//!     threads: usize,
//! }
//!
//! /// Finishes any builder whose port is set and whose host and threads are not.
//! fn on_localhost(builder: ServerBuilder<Set<u16>, Unset, Unset>) -> Server {
//!     builder.host("localhost".to_owned()).build()
//! }
//!
//! let server = on_localhost(Server::builder().port(8080));
//! assert_eq!((server.port, server.host.as_str(), server.threads), (8080, "localhost", 4));
//! assert_eq!(size_of::<ServerBuilder>(), 0);
//! assert_eq!(size_of::<ServerBuilder<Set<u16>>>(), 2);
//! ```

use knhk_macros::sealed;

/// The state of a field that has not been set: it takes no space.
///
/// ```
/// assert_eq!(size_of::<knhk_runtime::builder::Unset>(), 0);
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unset;

/// The state of a field that has been set: its value, with no overhead.
///
/// ```
/// use knhk_runtime::builder::Set;
/// assert_eq!(size_of::<Set<u64>>(), 8);
/// assert_eq!(Set(3).0, 3);
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Set<T>(pub T);

/// A field's state that `build()` can turn into the field's value: [`Set<T>`] gives
/// its value and [`Unset`] the default. Used for `Option` and defaulted fields.
///
/// ```
/// use knhk_runtime::builder::{Set, Slot, Unset};
/// assert_eq!(Slot::<u8>::value_or_else(Set(3), || 9), 3);
/// assert_eq!(Slot::<u8>::value_or_else(Unset, || 9), 9);
/// ```
#[sealed]
pub trait Slot<T> {
    /// The value set, or `default()` (called only when unset).
    fn value_or_else(self, default: impl FnOnce() -> T) -> T;

    /// The value set, or `T::default()` (called only when unset): `#[builder(default)]`.
    #[inline(always)]
    fn value_or_default(self) -> T
    where
        Self: Sized,
        T: Default,
    {
        self.value_or_else(T::default)
    }
}

#[sealed]
impl<T> Slot<T> for Unset {
    #[inline(always)]
    fn value_or_else(self, default: impl FnOnce() -> T) -> T {
        default()
    }
}

#[sealed]
impl<T> Slot<T> for Set<T> {
    #[inline(always)]
    fn value_or_else(self, _default: impl FnOnce() -> T) -> T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_zero_sized_or_exactly_the_value() {
        assert_eq!(size_of::<Unset>(), 0);
        assert_eq!(size_of::<Set<[u8; 3]>>(), 3);
        assert_eq!(size_of::<Set<String>>(), size_of::<String>());
    }

    #[test]
    fn the_default_runs_only_when_unset() {
        let mut calls = 0;
        assert_eq!(
            Set(1_u32).value_or_else(|| {
                calls += 1;
                2
            }),
            1
        );
        assert_eq!(calls, 0);
        assert_eq!(
            Slot::<u32>::value_or_else(Unset, || {
                calls += 1;
                2
            }),
            2
        );
        assert_eq!(calls, 1);
    }
}
