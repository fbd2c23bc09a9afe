//! Hash values checked by the compiler.
//!
//! `HashProof<H>` is a zero-sized witness that `H` is a particular hash; `hash_proof!`
//! builds one only when the hash of its input really is the value given:
//!
//! ```
//! use knhk_runtime::{const_hash, hash_proof, hash::HashProof};
//!
//! const PROOF: HashProof<0x85944171f73967e8> = hash_proof!(fnv1a, "foobar", 0x85944171f73967e8);
//! assert!(PROOF.verify(knhk_runtime::hash::fnv1a_64(b"foobar")));
//!
//! // The hash as a const generic argument.
//! type Foobar = HashProof<{ const_hash!(fnv1a, "foobar") }>;
//! assert_eq!(Foobar::new().value(), 0x85944171f73967e8);
//! ```
//!
//! A wrong value does not compile:
//!
//! ```compile_fail
//! let _ = knhk_runtime::hash_proof!(fnv1a, "foobar", 0x1234);
//! ```

/// A witness of the hash value `H`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HashProof<const H: u64>;

impl<const H: u64> HashProof<H> {
    /// The proof for `H` (a claim; `hash_proof!` is what checks it against an input).
    pub const fn new() -> Self {
        HashProof
    }

    /// The proven hash.
    pub const fn value(self) -> u64 {
        H
    }

    /// Whether `hash` is the proven one.
    pub const fn verify(self, hash: u64) -> bool {
        hash == H
    }

    /// The proof for `H`, compiled only if `ACTUAL` (the computed hash) equals `H`.
    #[doc(hidden)]
    pub const fn prove<const ACTUAL: u64>() -> Self
    where
        HashProof<ACTUAL>: Proves<H>,
    {
        HashProof
    }
}

/// Implemented exactly when the computed hash (`Self`) is the expected value `E`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "hash proof failed: the input hashes to {Self}, not to the {E} given (both in decimal)",
    label = "this is not the hash of the input",
    note = "correct the expected value, or the input; `const_hash!` computes the hash"
)]
pub trait Proves<const E: u64> {}

impl<const H: u64> Proves<H> for HashProof<H> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_knows_its_value() {
        const P: HashProof<42> = HashProof::prove::<42>();
        assert_eq!(P.value(), 42);
        assert!(P.verify(42));
        assert!(!P.verify(43));
    }
}
