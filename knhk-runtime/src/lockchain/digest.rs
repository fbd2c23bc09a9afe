//! The lockchain's hash functions: SHA-256 or BLAKE3, both with 32-byte digests.
//!
//! One [`HashAlgorithm`] is chosen when a lockchain is created and recorded in its
//! header (byte 10, see `FORMAT.md`); every entry hash, leaf hash and node hash of that
//! file uses it. SHA-256 is the default because RFC 6962 (Certificate Transparency)
//! tools verify SHA-256 trees; BLAKE3 is faster in software where interoperability does
//! not matter.
//!
//! ```
//! use knhk_runtime::lockchain::digest::HashAlgorithm;
//!
//! let alg = HashAlgorithm::default();
//! assert_eq!(alg, HashAlgorithm::Sha256);
//! // Hashing several slices is hashing their concatenation, without building it.
//! assert_eq!(alg.hash(&[b"ab", b"c"]), alg.hash(&[b"abc"]));
//! ```

use core::fmt;

use sha2::Digest as _;

/// A 32-byte hash value (the output of SHA-256 and of unkeyed BLAKE3).
///
/// A plain array rather than a newtype: it is what the file format stores (head hash,
/// entry hash), what `ct-merkle`, `bytemuck` and slices take without conversion, and
/// what the lockchain's other modules share. [`to_hex`] formats one for messages.
///
/// ```
/// use knhk_runtime::lockchain::digest::{Digest, HashAlgorithm};
///
/// let d: Digest = HashAlgorithm::Sha256.hash(&[]);
/// assert_eq!(d.len(), 32);
/// ```
pub type Digest = [u8; 32];

/// The number of bytes in a [`Digest`].
///
/// ```
/// assert_eq!(knhk_runtime::lockchain::digest::DIGEST_LEN, 32);
/// ```
pub const DIGEST_LEN: usize = 32;

/// The first byte hashed for a Merkle leaf: leaf hash = `H(0x00 ‖ leaf input)` (RFC 6962 §2.1).
///
/// ```
/// use knhk_runtime::lockchain::digest::{HashAlgorithm, LEAF_PREFIX};
///
/// let alg = HashAlgorithm::Sha256;
/// assert_eq!(alg.leaf_hash(b"x"), alg.hash(&[&[LEAF_PREFIX], b"x"]));
/// ```
pub const LEAF_PREFIX: u8 = 0x00;

/// The first byte hashed for a Merkle node: node hash = `H(0x01 ‖ left ‖ right)` (RFC 6962 §2.1).
///
/// ```
/// use knhk_runtime::lockchain::digest::{HashAlgorithm, NODE_PREFIX};
///
/// let alg = HashAlgorithm::Sha256;
/// let (l, r) = ([1; 32], [2; 32]);
/// assert_eq!(alg.node_hash(&l, &r), alg.hash(&[&[NODE_PREFIX], &l, &r]));
/// ```
pub const NODE_PREFIX: u8 = 0x01;

/// The hash function of a lockchain, with the value it has in the file header.
///
/// ```
/// use knhk_runtime::lockchain::digest::HashAlgorithm;
///
/// let alg = HashAlgorithm::from_byte(2).unwrap();
/// assert_eq!(alg, HashAlgorithm::Blake3);
/// assert_eq!(alg.to_byte(), 2);
/// assert_eq!(alg.to_string(), "BLAKE3");
/// assert_eq!(HashAlgorithm::from_byte(0), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum HashAlgorithm {
    /// SHA-256 (FIPS 180-4), as RFC 6962 uses; header byte `1`. Uses the CPU's SHA
    /// extensions (x86 SHA-NI, ARMv8 SHA2) when it has them, detected at run time.
    #[default]
    Sha256 = 1,
    /// BLAKE3, unkeyed, 32-byte output; header byte `2`. Uses SSE4.1/AVX2/AVX-512 or
    /// NEON when the CPU has them.
    Blake3 = 2,
}

impl HashAlgorithm {
    /// Every algorithm, in header-byte order.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::HashAlgorithm;
    ///
    /// for alg in HashAlgorithm::ALL {
    ///     assert_eq!(HashAlgorithm::from_byte(alg.to_byte()), Some(alg));
    /// }
    /// ```
    pub const ALL: [Self; 2] = [Self::Sha256, Self::Blake3];

    /// The algorithm a header byte names, or `None` for a byte that names none.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::HashAlgorithm;
    ///
    /// assert_eq!(HashAlgorithm::from_byte(1), Some(HashAlgorithm::Sha256));
    /// assert_eq!(HashAlgorithm::from_byte(3), None);
    /// ```
    #[must_use]
    pub const fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Sha256),
            2 => Some(Self::Blake3),
            _ => None,
        }
    }

    /// The header byte of this algorithm.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::HashAlgorithm;
    ///
    /// assert_eq!(HashAlgorithm::Sha256.to_byte(), 1);
    /// ```
    #[must_use]
    pub const fn to_byte(self) -> u8 {
        self as u8
    }

    /// The algorithm's usual name: `"SHA-256"` or `"BLAKE3"`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::HashAlgorithm;
    ///
    /// assert_eq!(HashAlgorithm::Sha256.name(), "SHA-256");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Blake3 => "BLAKE3",
        }
    }

    /// The hash of the concatenation of `parts`, computed without concatenating them.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::{HashAlgorithm, to_hex};
    ///
    /// // FIPS 180-4's "abc" example.
    /// assert_eq!(
    ///     to_hex(&HashAlgorithm::Sha256.hash(&[b"a", b"bc"])),
    ///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    /// );
    /// ```
    #[must_use]
    pub fn hash(self, parts: &[&[u8]]) -> Digest {
        #[cfg(test)]
        counter::bump();
        match self {
            Self::Sha256 => {
                let mut hasher = sha2::Sha256::new();
                for part in parts {
                    hasher.update(part);
                }
                hasher.finalize().into()
            }
            Self::Blake3 => {
                let mut hasher = blake3::Hasher::new();
                for part in parts {
                    hasher.update(part);
                }
                *hasher.finalize().as_bytes()
            }
        }
    }

    /// The root of the empty Merkle tree, `MTH({}) = H()`: the hash of no bytes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::{HashAlgorithm, to_hex};
    ///
    /// assert!(to_hex(&HashAlgorithm::Sha256.empty_root()).starts_with("e3b0c442"));
    /// ```
    #[must_use]
    pub fn empty_root(self) -> Digest {
        self.hash(&[])
    }

    /// The Merkle leaf hash of `leaf_input`: `H(0x00 ‖ leaf_input)`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::{HashAlgorithm, to_hex};
    ///
    /// // RFC 6962 leaf hash of the empty leaf, as Certificate Transparency tools compute it.
    /// assert!(to_hex(&HashAlgorithm::Sha256.leaf_hash(b"")).starts_with("6e340b9c"));
    /// ```
    #[must_use]
    pub fn leaf_hash(self, leaf_input: &[u8]) -> Digest {
        self.hash(&[&[LEAF_PREFIX], leaf_input])
    }

    /// The Merkle node hash of two children: `H(0x01 ‖ left ‖ right)`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::digest::HashAlgorithm;
    ///
    /// let alg = HashAlgorithm::Blake3;
    /// let (a, b) = (alg.leaf_hash(b"a"), alg.leaf_hash(b"b"));
    /// assert_ne!(alg.node_hash(&a, &b), alg.node_hash(&b, &a));
    /// ```
    #[must_use]
    pub fn node_hash(self, left: &Digest, right: &Digest) -> Digest {
        self.hash(&[&[NODE_PREFIX], left, right])
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bytes as lowercase hexadecimal digits, two per byte, for messages and logs: a
/// digest is 64 of them.
///
/// ```
/// use knhk_runtime::lockchain::digest::to_hex;
///
/// let mut d = [0u8; 32];
/// d[0] = 0xab;
/// assert!(to_hex(&d).starts_with("ab00"));
/// assert_eq!(to_hex(&d).len(), 64);
/// assert_eq!(to_hex(b"KN"), "4b4e");
/// ```
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Counts calls to [`HashAlgorithm::hash`] on the current thread, so tests can check
/// that the Merkle tree costs O(log n) hashes and never rehashes the log.
#[cfg(test)]
pub(crate) mod counter {
    use std::cell::Cell;

    thread_local! {
        static CALLS: Cell<u64> = const { Cell::new(0) };
    }

    pub(super) fn bump() {
        CALLS.with(|c| c.set(c.get() + 1));
    }

    /// Runs `f` and returns its result with the number of hashes it computed.
    pub(crate) fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
        let before = CALLS.with(Cell::get);
        let result = f();
        (result, CALLS.with(Cell::get) - before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_round_trip_and_unknown_bytes_are_rejected() {
        for byte in 0..=u8::MAX {
            match HashAlgorithm::from_byte(byte) {
                Some(alg) => assert_eq!(alg.to_byte(), byte),
                None => assert!(
                    byte == 0 || byte > 2,
                    "byte {byte} should name an algorithm"
                ),
            }
        }
        assert_eq!(HashAlgorithm::Sha256.to_byte(), 1);
        assert_eq!(HashAlgorithm::Blake3.to_byte(), 2);
    }

    #[test]
    fn known_answers() {
        // FIPS 180-4 and the BLAKE3 reference: the hashes of "" and "abc".
        let sha = HashAlgorithm::Sha256;
        assert_eq!(
            to_hex(&sha.hash(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            to_hex(&sha.hash(&[b"abc"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let b3 = HashAlgorithm::Blake3;
        assert_eq!(
            to_hex(&b3.hash(&[])),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
        // transparency-dev/merkle rfc6962_test.go: HashLeaf("L123456"),
        // HashChildren("N123", "N456") (children of 4 bytes, so through `hash`).
        assert_eq!(
            to_hex(&sha.leaf_hash(b"L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
        );
        assert_eq!(
            to_hex(&sha.hash(&[&[NODE_PREFIX], b"N123", b"N456"])),
            "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
        );
    }

    #[test]
    fn parts_hash_as_their_concatenation() {
        let data: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        for alg in HashAlgorithm::ALL {
            let whole = alg.hash(&[&data]);
            for cut in [0, 1, 63, 64, 65, 1024, 2999, 3000] {
                let (a, b) = data.split_at(cut);
                assert_eq!(alg.hash(&[a, b]), whole, "{alg} cut at {cut}");
            }
            let l = alg.leaf_hash(b"l");
            let r = alg.leaf_hash(b"r");
            let mut joined = vec![NODE_PREFIX];
            joined.extend_from_slice(&l);
            joined.extend_from_slice(&r);
            assert_eq!(alg.node_hash(&l, &r), alg.hash(&[&joined]));
            assert_ne!(alg.leaf_hash(b""), alg.empty_root());
        }
        assert_ne!(
            HashAlgorithm::Sha256.hash(&[b"x"]),
            HashAlgorithm::Blake3.hash(&[b"x"])
        );
    }
}
