//! The lockchain's hash functions: SHA-256 or BLAKE3, both with 32-byte digests.
//!
//! One [`HashAlgorithm`] is chosen when a lockchain is created and recorded in its
//! header (byte 10, see `FORMAT.md`); every entry hash, leaf hash and node hash of that
//! file uses it. SHA-256 is the default because RFC 6962 (Certificate Transparency)
//! tools verify SHA-256 trees; BLAKE3 is faster in software where interoperability does
//! not matter.
//!
//! ```
//! use knhk_runtime::lockchain::HashAlgorithm;
//!
//! let alg = HashAlgorithm::default();
//! assert_eq!(alg, HashAlgorithm::Sha256);
//! // Hashing several slices is hashing their concatenation, without building it.
//! assert_eq!(alg.hash(&[b"ab", b"c"]), alg.hash(&[b"abc"]));
//! ```

use core::fmt;

use sha2::Digest as _;

/// A 32-byte hash value (the output of SHA-256 and of unkeyed BLAKE3): an entry hash,
/// a head hash, a Merkle leaf, node or root.
///
/// `Display` writes it as 64 lowercase hex digits, `FromStr` reads that back, and
/// `Debug` writes `Digest(` hex `)`. Serde sees the 32-byte array (`#[serde(transparent)]`),
/// so serialized receipts are unchanged by the newtype.
///
/// ```
/// use knhk_runtime::lockchain::{Digest, HashAlgorithm};
///
/// let d: Digest = HashAlgorithm::Sha256.hash(&[b"abc"]);
/// let hex = d.to_string();
/// assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// assert_eq!(hex.parse::<Digest>(), Ok(d));
/// assert_eq!(format!("{d:?}"), format!("Digest({hex})"));
/// assert_eq!(Digest::from([0xab; 32]).as_bytes()[0], 0xab);
/// ```
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
#[repr(transparent)]
pub struct Digest([u8; DIGEST_LEN]);

impl Digest {
    /// The digest of all zeroes, which the format stores for "no previous entry".
    pub const ZERO: Digest = Digest([0; DIGEST_LEN]);

    /// The digest holding `bytes`.
    #[must_use]
    pub const fn new(bytes: [u8; DIGEST_LEN]) -> Digest {
        Digest(bytes)
    }

    /// The 32 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; DIGEST_LEN] {
        &self.0
    }

    /// The 32 bytes, by value.
    #[must_use]
    pub const fn to_bytes(self) -> [u8; DIGEST_LEN] {
        self.0
    }

    /// This digest with `mask` XORed into byte `byte`: damage for tests.
    #[cfg(test)]
    pub(crate) fn flipped(self, byte: usize, mask: u8) -> Digest {
        let mut b = self.0;
        b[byte] ^= mask;
        Digest(b)
    }
}

impl From<[u8; DIGEST_LEN]> for Digest {
    fn from(bytes: [u8; DIGEST_LEN]) -> Digest {
        Digest(bytes)
    }
}

impl From<Digest> for [u8; DIGEST_LEN] {
    fn from(d: Digest) -> [u8; DIGEST_LEN] {
        d.0
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in &self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

/// Why a string is not a [`Digest`]: not 64 hex digits.
///
/// ```
/// use knhk_runtime::lockchain::{Digest, ParseDigestError};
///
/// assert_eq!("abc".parse::<Digest>(), Err(ParseDigestError::Length { found: 3 }));
/// let e = "zz".repeat(32).parse::<Digest>().unwrap_err();
/// assert_eq!(e, ParseDigestError::NotHex { offset: 0 });
/// assert_eq!(e.to_string(), "not a hex digit at character 0 of the digest");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseDigestError {
    /// Another length than 64 characters.
    #[error("a digest is 64 hex digits, found {found} characters")]
    Length {
        /// The string's length in bytes.
        found: usize,
    },
    /// A character that is not a hex digit.
    #[error("not a hex digit at character {offset} of the digest")]
    NotHex {
        /// Its byte offset in the string.
        offset: usize,
    },
}

impl core::str::FromStr for Digest {
    type Err = ParseDigestError;

    /// 64 hex digits, either case.
    fn from_str(s: &str) -> Result<Digest, ParseDigestError> {
        let b = s.as_bytes();
        if b.len() != 2 * DIGEST_LEN {
            return Err(ParseDigestError::Length { found: b.len() });
        }
        let digit = |i: usize| -> Result<u8, ParseDigestError> {
            match b[i] {
                c @ b'0'..=b'9' => Ok(c - b'0'),
                c @ b'a'..=b'f' => Ok(c - b'a' + 10),
                c @ b'A'..=b'F' => Ok(c - b'A' + 10),
                _ => Err(ParseDigestError::NotHex { offset: i }),
            }
        };
        let mut out = [0u8; DIGEST_LEN];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = digit(2 * i)? << 4 | digit(2 * i + 1)?;
        }
        Ok(Digest(out))
    }
}

/// The number of bytes in a [`Digest`].
///
/// ```
/// assert_eq!(knhk_runtime::lockchain::DIGEST_LEN, 32);
/// ```
pub const DIGEST_LEN: usize = 32;

/// The first byte hashed for a Merkle leaf: leaf hash = `H(0x00 ‖ leaf input)` (RFC 6962 §2.1).
///
/// ```
/// use knhk_runtime::lockchain::{HashAlgorithm, LEAF_PREFIX};
///
/// let alg = HashAlgorithm::Sha256;
/// assert_eq!(alg.leaf_hash(b"x"), alg.hash(&[&[LEAF_PREFIX], b"x"]));
/// ```
pub const LEAF_PREFIX: u8 = 0x00;

/// The first byte hashed for a Merkle node: node hash = `H(0x01 ‖ left ‖ right)` (RFC 6962 §2.1).
///
/// ```
/// use knhk_runtime::lockchain::{Digest, HashAlgorithm, NODE_PREFIX};
///
/// let alg = HashAlgorithm::Sha256;
/// let (l, r) = (Digest::new([1; 32]), Digest::new([2; 32]));
/// assert_eq!(alg.node_hash(&l, &r), alg.hash(&[&[NODE_PREFIX], &[1; 32], &[2; 32]]));
/// ```
pub const NODE_PREFIX: u8 = 0x01;

/// The hash function of a lockchain, with the value it has in the file header.
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
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
    /// use knhk_runtime::lockchain::HashAlgorithm;
    ///
    /// for alg in HashAlgorithm::ALL {
    ///     assert_eq!(HashAlgorithm::from_byte(alg.to_byte()), Some(alg));
    /// }
    /// ```
    pub const ALL: [Self; 2] = [Self::Sha256, Self::Blake3];

    /// The algorithm a header byte names, or `None` for a byte that names none.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
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
    /// use knhk_runtime::lockchain::HashAlgorithm;
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
    /// use knhk_runtime::lockchain::HashAlgorithm;
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
    /// use knhk_runtime::lockchain::HashAlgorithm;
    ///
    /// // FIPS 180-4's "abc" example.
    /// assert_eq!(
    ///     HashAlgorithm::Sha256.hash(&[b"a", b"bc"]).to_string(),
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
                Digest(hasher.finalize().into())
            }
            Self::Blake3 => {
                let mut hasher = blake3::Hasher::new();
                for part in parts {
                    hasher.update(part);
                }
                Digest(*hasher.finalize().as_bytes())
            }
        }
    }

    /// The root of the empty Merkle tree, `MTH({}) = H()`: the hash of no bytes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    ///
    /// assert!(HashAlgorithm::Sha256.empty_root().to_string().starts_with("e3b0c442"));
    /// ```
    #[must_use]
    pub fn empty_root(self) -> Digest {
        self.hash(&[])
    }

    /// The Merkle leaf hash of `leaf_input`: `H(0x00 ‖ leaf_input)`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    ///
    /// // RFC 6962 leaf hash of the empty leaf, as Certificate Transparency tools compute it.
    /// assert!(HashAlgorithm::Sha256.leaf_hash(b"").to_string().starts_with("6e340b9c"));
    /// ```
    #[must_use]
    pub fn leaf_hash(self, leaf_input: &[u8]) -> Digest {
        self.hash(&[&[LEAF_PREFIX], leaf_input])
    }

    /// The Merkle node hash of two children: `H(0x01 ‖ left ‖ right)`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    ///
    /// let alg = HashAlgorithm::Blake3;
    /// let (a, b) = (alg.leaf_hash(b"a"), alg.leaf_hash(b"b"));
    /// assert_ne!(alg.node_hash(&a, &b), alg.node_hash(&b, &a));
    /// ```
    #[must_use]
    pub fn node_hash(self, left: &Digest, right: &Digest) -> Digest {
        self.hash(&[&[NODE_PREFIX], left.as_bytes(), right.as_bytes()])
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
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
            sha.hash(&[]).to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha.hash(&[b"abc"]).to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let b3 = HashAlgorithm::Blake3;
        assert_eq!(
            b3.hash(&[]).to_string(),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
        // transparency-dev/merkle rfc6962_test.go: HashLeaf("L123456"),
        // HashChildren("N123", "N456") (children of 4 bytes, so through `hash`).
        assert_eq!(
            sha.leaf_hash(b"L123456").to_string(),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
        );
        assert_eq!(
            sha.hash(&[&[NODE_PREFIX], b"N123", b"N456"]).to_string(),
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
            joined.extend_from_slice(l.as_bytes());
            joined.extend_from_slice(r.as_bytes());
            assert_eq!(alg.node_hash(&l, &r), alg.hash(&[&joined]));
            assert_ne!(alg.leaf_hash(b""), alg.empty_root());
        }
        assert_ne!(
            HashAlgorithm::Sha256.hash(&[b"x"]),
            HashAlgorithm::Blake3.hash(&[b"x"])
        );
    }

    #[test]
    fn digest_display_and_from_str_round_trip() {
        for alg in HashAlgorithm::ALL {
            for input in [&b""[..], b"abc", &[0xff; 100]] {
                let d = alg.hash(&[input]);
                let hex = d.to_string();
                assert_eq!(hex.len(), 64);
                assert!(
                    hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
                    "{hex}"
                );
                assert_eq!(hex.parse::<Digest>(), Ok(d));
                assert_eq!(hex.to_uppercase().parse::<Digest>(), Ok(d));
            }
        }
        let mut bytes = [0u8; 32];
        bytes[0] = 0x0a;
        bytes[31] = 0xf0;
        let hex = Digest::new(bytes).to_string();
        assert!(hex.starts_with("0a00") && hex.ends_with("00f0"), "{hex}");
        let mut bad = hex.clone().into_bytes();
        bad[63] = b'g';
        assert_eq!(
            String::from_utf8(bad).unwrap().parse::<Digest>(),
            Err(ParseDigestError::NotHex { offset: 63 })
        );
        assert_eq!(
            hex[..62].parse::<Digest>(),
            Err(ParseDigestError::Length { found: 62 })
        );
    }
}
