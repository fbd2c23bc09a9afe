//! Hashing usable in const contexts, and its fast runtime twins.
//!
//! - [`fnv1a_32`], [`fnv1a_64`], [`fnv1a_128`]: FNV-1a with the standard offset bases
//!   and primes of each width, as `const fn`;
//! - [`xxh3_64`], [`xxh3_128`] and their `_with_seed` / `_str` forms: XXH3 as `const fn`,
//!   bit-identical to the reference;
//!   [`xxh3_dispatch`]: the same functions for run time, dispatched on the CPU to the
//!   vector instructions it has;
//! - [`ConstHash`]: pluggable const hashing over [`ConstHashParams`];
//! - [`HashProof`] and `hash_proof!`: a hash value checked by the compiler;
//! - [`StaticMap`], [`StaticSet`]: compile-time perfect-hash maps built by `static_map!`.

mod fnv;
mod map;
mod params;
mod proof;
mod xxh3;
pub mod xxh3_dispatch;

pub use fnv::{
    FNV1A_32_OFFSET, FNV1A_32_PRIME, FNV1A_64_OFFSET, FNV1A_64_PRIME, FNV1A_128_OFFSET,
    FNV1A_128_PRIME, fnv1a_32, fnv1a_32_str, fnv1a_64, fnv1a_64_continue, fnv1a_64_str, fnv1a_128,
    fnv1a_128_str,
};
pub use map::{Entries, Keys, LookupKey, StaticMap, StaticSet, Values};
pub use params::{ConstHash, ConstHashParams, Fnv1aParams};
pub use proof::{HashProof, Proves};
pub use xxh3::{
    xxh3_64, xxh3_64_str, xxh3_64_with_seed, xxh3_128, xxh3_128_str, xxh3_128_with_seed,
};
