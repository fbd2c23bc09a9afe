//! Pluggable const hashing on stable: the parameters are associated consts of a trait,
//! and the hash is a `const fn` of a type generic over them.
//!
//! ```
//! use knhk_runtime::hash::{ConstHash, ConstHashParams, Fnv1aParams, fnv1a_64};
//!
//! const H: u64 = ConstHash::<Fnv1aParams>::hash(b"foobar");
//! assert_eq!(H, fnv1a_64(b"foobar"));
//!
//! /// FNV-1a over a different offset basis: a seeded variant.
//! struct Seeded;
//! impl ConstHashParams for Seeded {
//!     const OFFSET: u64 = 0x9e37_79b9_7f4a_7c15;
//!     const PRIME: u64 = knhk_runtime::hash::FNV1A_64_PRIME;
//! }
//! const S: u64 = ConstHash::<Seeded>::hash(b"foobar");
//! assert_ne!(S, H);
//! ```

use super::fnv::{FNV1A_64_OFFSET, FNV1A_64_PRIME};
use std::marker::PhantomData;

/// The parameters of an FNV-style multiplicative hash: start from `OFFSET`, then for
/// each byte xor it in and multiply by `PRIME`.
pub trait ConstHashParams {
    /// Initial state.
    const OFFSET: u64;
    /// Multiplier applied after each byte.
    const PRIME: u64;
}

/// The standard FNV-1a-64 parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fnv1aParams;

impl ConstHashParams for Fnv1aParams {
    const OFFSET: u64 = FNV1A_64_OFFSET;
    const PRIME: u64 = FNV1A_64_PRIME;
}

/// An FNV-1a-style hash over parameters `P`, usable in `const` items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConstHash<P: ConstHashParams>(PhantomData<P>);

impl<P: ConstHashParams> ConstHash<P> {
    /// Hashes `bytes`.
    pub const fn hash(bytes: &[u8]) -> u64 {
        let mut state = P::OFFSET;
        let mut i = 0;
        while i < bytes.len() {
            state ^= bytes[i] as u64;
            state = state.wrapping_mul(P::PRIME);
            i += 1;
        }
        state
    }

    /// Hashes a string's UTF-8 bytes.
    pub const fn hash_str(s: &str) -> u64 {
        Self::hash(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::fnv1a_64;

    #[test]
    fn fnv1a_params_give_fnv1a() {
        for input in [&b""[..], b"a", b"foobar", &[0xff; 300]] {
            assert_eq!(ConstHash::<Fnv1aParams>::hash(input), fnv1a_64(input));
        }
        assert_eq!(
            ConstHash::<Fnv1aParams>::hash_str("foobar"),
            0x85944171f73967e8
        );
    }
}
