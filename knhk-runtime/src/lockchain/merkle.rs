//! RFC 6962 Merkle tree over the lockchain's entries, with inclusion and consistency proofs.
//!
//! The tree is the one of RFC 6962 §2.1 (`FORMAT.md` §1.3): leaf hash
//! `H(0x00 ‖ leaf input)`, node hash `H(0x01 ‖ left ‖ right)`, `MTH({}) = H()`, and for
//! `n > 1` leaves the left subtree holds the largest power of two smaller than `n`, so
//! a node is never paired with itself. Proofs are RFC 6962 §2.1.1 `PATH` and §2.1.2
//! `PROOF`; verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and always checks
//! against a root the verifier already trusts, never one carried in the proof.
//!
//! [`MerkleTree`] keeps the hash of every complete subtree: the leaf hashes, their
//! pairs, the pairs of those, and so on (about `2n` digests). Appending costs one node
//! hash per leaf on average. Any tree hash that RFC 6962 needs is either one of those
//! stored hashes or, along the right edge of a tree that is not a power of two, a fold
//! of at most `log2(n)` of them, so [`MerkleTree::root`] costs `popcount(n) - 1` node
//! hashes and a proof fewer than `log2(n)`.
//!
//! ```
//! use knhk_runtime::lockchain::HashAlgorithm;
//! use knhk_runtime::lockchain::{MerkleTree, verify_consistency, verify_inclusion};
//!
//! let alg = HashAlgorithm::Sha256;
//! let mut tree = MerkleTree::new(alg);
//! for entry in [&b"first"[..], b"second", b"third"] {
//!     tree.push_leaf(entry);
//! }
//! let old_root = tree.root();
//! tree.push_leaf(b"fourth");
//! let root = tree.root();
//!
//! // Whoever trusts `root` can check that "second" is entry 1 of the 4-entry log ...
//! let proof = tree.inclusion_proof(1)?;
//! verify_inclusion(alg, &root, 4, 1, &alg.leaf_hash(b"second"), &proof)?;
//! // ... and that the 3-entry log they saw before is a prefix of it.
//! let proof = tree.consistency_proof(3, 4)?;
//! verify_consistency(alg, 3, &old_root, 4, &root, &proof)?;
//! # Ok::<(), knhk_runtime::lockchain::ProofError>(())
//! ```

use super::digest::{DIGEST_LEN, Digest, HashAlgorithm};

/// Why a Merkle root or proof could not be produced, or why a proof was rejected.
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::{MerkleTree, ProofError};
///
/// let tree = MerkleTree::new(HashAlgorithm::Sha256);
/// assert_eq!(tree.inclusion_proof(0), Err(ProofError::IndexOutOfRange { index: 0, size: 0 }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The size of the tree it was asked in.
        size: u64,
    },
    /// A tree size larger than the number of leaves the tree holds.
    #[error("tree size {size} is larger than the {len} leaves appended so far")]
    SizeOutOfRange {
        /// The size asked for.
        size: u64,
        /// The number of leaves in the tree.
        len: u64,
    },
    /// A consistency proof asked from a larger tree to a smaller one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    OldSizeLarger {
        /// The old size.
        old_size: u64,
        /// The new size.
        new_size: u64,
    },
    /// An inclusion proof made for another leaf index or tree size than the one verified.
    #[error(
        "the proof is for leaf {proof_index} of a tree of size {proof_size}, \
         not leaf {index} of a tree of size {size}"
    )]
    InclusionProofFor {
        /// The index recorded in the proof.
        proof_index: u64,
        /// The size recorded in the proof.
        proof_size: u64,
        /// The index the verifier asked about.
        index: u64,
        /// The size of the verifier's trusted tree.
        size: u64,
    },
    /// A consistency proof made for other tree sizes than the ones verified.
    #[error(
        "the proof is from size {proof_old_size} to {proof_new_size}, \
         not from {old_size} to {new_size}"
    )]
    ConsistencyProofFor {
        /// The old size recorded in the proof.
        proof_old_size: u64,
        /// The new size recorded in the proof.
        proof_new_size: u64,
        /// The old size the verifier trusts.
        old_size: u64,
        /// The new size the verifier trusts.
        new_size: u64,
    },
    /// A proof with more or fewer hashes than its sizes and index call for.
    #[error("the proof has {actual} hashes where {expected} are expected")]
    WrongProofLength {
        /// The number of hashes such a proof has.
        expected: usize,
        /// The number of hashes this proof has.
        actual: usize,
    },
    /// The proof leads to another root than the trusted one (for a consistency proof:
    /// the new root).
    #[error("the proof leads to root {computed}, not to the trusted root {trusted}")]
    RootMismatch {
        /// The root the verifier trusts.
        trusted: Digest,
        /// The root the proof leads to.
        computed: Digest,
    },
    /// A consistency proof that does not lead to the trusted old root.
    #[error("the proof leads to old root {computed}, not to the trusted old root {trusted}")]
    OldRootMismatch {
        /// The old root the verifier trusts.
        trusted: Digest,
        /// The old root the proof leads to.
        computed: Digest,
    },
    /// Bytes that are not a serialized proof.
    #[error("{len} bytes are not a proof: expected 16 bytes of sizes, then 32 bytes per hash")]
    Malformed {
        /// The number of bytes given.
        len: usize,
    },
}

/// A proof that a leaf is at `index` in the tree of `size` leaves: RFC 6962 `PATH`.
///
/// The hashes go from the leaf's sibling up to the child of the root. The index and
/// size record what the proof was made for; [`verify_inclusion`] takes the ones the
/// verifier trusts and rejects a proof made for others.
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::{InclusionProof, MerkleTree};
///
/// let mut tree = MerkleTree::new(HashAlgorithm::Sha256);
/// (0..5u8).for_each(|i| { tree.push_leaf(&[i]); });
/// let proof = tree.inclusion_proof(2)?;
/// assert_eq!((proof.index, proof.size, proof.hashes.len()), (2, 5, 3));
/// assert_eq!(InclusionProof::from_bytes(&proof.to_bytes())?, proof);
/// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InclusionProof {
    /// The index of the leaf.
    pub index: u64,
    /// The size of the tree.
    pub size: u64,
    /// The audit path, bottom up.
    pub hashes: Vec<Digest>,
}

/// A proof that the tree of `old_size` leaves is a prefix of the tree of `new_size`
/// leaves: RFC 6962 `PROOF(old_size, D[new_size])`.
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::{ConsistencyProof, MerkleTree};
///
/// let mut tree = MerkleTree::new(HashAlgorithm::Sha256);
/// (0..7u8).for_each(|i| { tree.push_leaf(&[i]); });
/// let proof = tree.consistency_proof(3, 7)?;
/// assert_eq!((proof.old_size, proof.new_size, proof.hashes.len()), (3, 7, 4));
/// assert_eq!(ConsistencyProof::from_bytes(&proof.to_bytes())?, proof);
/// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConsistencyProof {
    /// The size of the old tree.
    pub old_size: u64,
    /// The size of the new tree.
    pub new_size: u64,
    /// The proof's hashes, in RFC 6962 order.
    pub hashes: Vec<Digest>,
}

/// Serializes `a ‖ b ‖ hashes` as little-endian sizes and raw digests.
fn proof_to_bytes(a: u64, b: u64, hashes: &[Digest]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + DIGEST_LEN * hashes.len());
    out.extend_from_slice(&a.to_le_bytes());
    out.extend_from_slice(&b.to_le_bytes());
    for h in hashes {
        out.extend_from_slice(h.as_bytes());
    }
    out
}

/// Parses what [`proof_to_bytes`] writes.
fn proof_from_bytes(bytes: &[u8]) -> Result<(u64, u64, Vec<Digest>), ProofError> {
    let malformed = || ProofError::Malformed { len: bytes.len() };
    let (a, rest) = bytes.split_first_chunk::<8>().ok_or_else(malformed)?;
    let (b, rest) = rest.split_first_chunk::<8>().ok_or_else(malformed)?;
    let (chunks, remainder) = rest.as_chunks::<DIGEST_LEN>();
    if !remainder.is_empty() {
        return Err(malformed());
    }
    Ok((
        u64::from_le_bytes(*a),
        u64::from_le_bytes(*b),
        chunks.iter().map(|c| Digest::new(*c)).collect(),
    ))
}

impl InclusionProof {
    /// The proof as bytes: index and size (u64, little-endian), then the hashes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{Digest, InclusionProof};
    ///
    /// let proof = InclusionProof { index: 1, size: 2, hashes: vec![Digest::new([7; 32])] };
    /// assert_eq!(proof.to_bytes().len(), 16 + 32);
    /// ```
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        proof_to_bytes(self.index, self.size, &self.hashes)
    }

    /// Reads a proof written by [`InclusionProof::to_bytes`].
    ///
    /// # Errors
    ///
    /// [`ProofError::Malformed`] when `bytes` is shorter than 16 bytes or the rest is
    /// not a whole number of 32-byte hashes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{InclusionProof, ProofError};
    ///
    /// assert_eq!(InclusionProof::from_bytes(&[0; 17]), Err(ProofError::Malformed { len: 17 }));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        let (index, size, hashes) = proof_from_bytes(bytes)?;
        Ok(Self {
            index,
            size,
            hashes,
        })
    }
}

impl ConsistencyProof {
    /// The proof as bytes: old and new size (u64, little-endian), then the hashes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::ConsistencyProof;
    ///
    /// let proof = ConsistencyProof { old_size: 2, new_size: 2, hashes: vec![] };
    /// assert_eq!(proof.to_bytes(), [2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    /// ```
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        proof_to_bytes(self.old_size, self.new_size, &self.hashes)
    }

    /// Reads a proof written by [`ConsistencyProof::to_bytes`].
    ///
    /// # Errors
    ///
    /// [`ProofError::Malformed`] when `bytes` is shorter than 16 bytes or the rest is
    /// not a whole number of 32-byte hashes.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{ConsistencyProof, ProofError};
    ///
    /// assert_eq!(ConsistencyProof::from_bytes(&[]), Err(ProofError::Malformed { len: 0 }));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        let (old_size, new_size, hashes) = proof_from_bytes(bytes)?;
        Ok(Self {
            old_size,
            new_size,
            hashes,
        })
    }
}

/// The largest power of two strictly smaller than `n` (`n >= 2`): RFC 6962's split point.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// An append-only RFC 6962 Merkle tree that keeps every complete subtree hash.
///
/// `levels[h][i]` is the hash of the perfect subtree of `2^h` leaves starting at leaf
/// `i * 2^h`; `levels[0]` holds the leaf hashes. These are exactly the subtrees that
/// every tree size `<= len()` shares, so [`root_at`](Self::root_at) and the proofs
/// work for any earlier size as well as the current one.
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::MerkleTree;
///
/// let alg = HashAlgorithm::Sha256;
/// let mut tree = MerkleTree::new(alg);
/// assert_eq!(tree.root(), alg.empty_root());
/// let a = tree.push_leaf(b"a");
/// assert_eq!(tree.root(), a);
/// let b = tree.push_leaf(b"b");
/// assert_eq!(tree.root(), alg.node_hash(&a, &b));
/// assert_eq!(tree.root_at(1)?, a);
/// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
/// ```
#[derive(Clone, Debug)]
pub struct MerkleTree {
    alg: HashAlgorithm,
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree {
    /// An empty tree hashing with `alg`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let tree = MerkleTree::new(HashAlgorithm::Blake3);
    /// assert!(tree.is_empty());
    /// assert_eq!(tree.algorithm(), HashAlgorithm::Blake3);
    /// ```
    #[must_use]
    pub fn new(alg: HashAlgorithm) -> Self {
        Self {
            alg,
            levels: vec![Vec::new()],
        }
    }

    /// An empty tree with room for `leaves` leaves before it reallocates.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let tree = MerkleTree::with_capacity(HashAlgorithm::Sha256, 1000);
    /// assert_eq!(tree.len(), 0);
    /// ```
    #[must_use]
    pub fn with_capacity(alg: HashAlgorithm, leaves: usize) -> Self {
        let mut levels = vec![Vec::with_capacity(leaves)];
        let mut n = leaves / 2;
        while n > 0 {
            levels.push(Vec::with_capacity(n));
            n /= 2;
        }
        Self { alg, levels }
    }

    /// The hash function of this tree.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// assert_eq!(MerkleTree::new(HashAlgorithm::Sha256).algorithm(), HashAlgorithm::Sha256);
    /// ```
    #[must_use]
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// The number of leaves.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let mut tree = MerkleTree::new(HashAlgorithm::Sha256);
    /// tree.push_leaf(b"x");
    /// assert_eq!(tree.len(), 1);
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// Whether the tree has no leaves.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// assert!(MerkleTree::new(HashAlgorithm::Sha256).is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// Appends a leaf given its leaf hash, `H(0x00 ‖ leaf input)`.
    ///
    /// Costs one node hash for every subtree the leaf completes: one on average.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// tree.push(alg.leaf_hash(b"entry"));
    /// assert_eq!(tree.leaf_hash(0), Some(alg.leaf_hash(b"entry")));
    /// ```
    pub fn push(&mut self, leaf_hash: Digest) {
        let mut hash = leaf_hash;
        let mut level = 0;
        loop {
            let nodes = &mut self.levels[level];
            nodes.push(hash);
            let n = nodes.len();
            if n % 2 == 1 {
                return;
            }
            hash = self.alg.node_hash(&nodes[n - 2], &nodes[n - 1]);
            level += 1;
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
        }
    }

    /// Appends a leaf given its leaf input (for the lockchain: an entry's canonical
    /// bytes) and returns its leaf hash.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// assert_eq!(tree.push_leaf(b"entry"), alg.leaf_hash(b"entry"));
    /// ```
    pub fn push_leaf(&mut self, leaf_input: &[u8]) -> Digest {
        let hash = self.alg.leaf_hash(leaf_input);
        self.push(hash);
        hash
    }

    /// The leaf hash at `index`, or `None` past the end.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let tree = MerkleTree::new(HashAlgorithm::Sha256);
    /// assert_eq!(tree.leaf_hash(0), None);
    /// ```
    #[must_use]
    pub fn leaf_hash(&self, index: u64) -> Option<Digest> {
        self.levels[0].get(usize::try_from(index).ok()?).copied()
    }

    /// The root of the tree of all leaves appended so far.
    ///
    /// Costs `popcount(len) - 1` node hashes: the stored complete subtrees along the
    /// right edge, folded from the right.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::MerkleTree;
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// let [a, b, c] = [b"a", b"b", b"c"].map(|x| tree.push_leaf(x));
    /// assert_eq!(tree.root(), alg.node_hash(&alg.node_hash(&a, &b), &c));
    /// ```
    #[must_use]
    pub fn root(&self) -> Digest {
        self.range_hash(0, self.len())
    }

    /// The root the tree had when it held its first `size` leaves.
    ///
    /// Costs `popcount(size) - 1` node hashes.
    ///
    /// # Errors
    ///
    /// [`ProofError::SizeOutOfRange`] when `size > len()`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::{MerkleTree, ProofError};
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// let a = tree.push_leaf(b"a");
    /// tree.push_leaf(b"b");
    /// assert_eq!(tree.root_at(0)?, alg.empty_root());
    /// assert_eq!(tree.root_at(1)?, a);
    /// assert_eq!(tree.root_at(3), Err(ProofError::SizeOutOfRange { size: 3, len: 2 }));
    /// # Ok::<(), ProofError>(())
    /// ```
    pub fn root_at(&self, size: u64) -> Result<Digest, ProofError> {
        self.check_size(size)?;
        Ok(self.range_hash(0, size))
    }

    /// The inclusion proof of leaf `index` in the current tree.
    ///
    /// # Errors
    ///
    /// [`ProofError::IndexOutOfRange`] when `index >= len()`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::{MerkleTree, verify_inclusion};
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// let leaves: Vec<_> = (0..10u8).map(|i| tree.push_leaf(&[i])).collect();
    /// let proof = tree.inclusion_proof(7)?;
    /// verify_inclusion(alg, &tree.root(), 10, 7, &leaves[7], &proof)?;
    /// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
    /// ```
    pub fn inclusion_proof(&self, index: u64) -> Result<InclusionProof, ProofError> {
        self.inclusion_proof_at(index, self.len())
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
    ///
    /// Costs at most `popcount(size) - 2` node hashes (for the one sibling that is not a
    /// complete subtree, if any); every other hash in the path is stored.
    ///
    /// # Errors
    ///
    /// [`ProofError::SizeOutOfRange`] when `size > len()`, then
    /// [`ProofError::IndexOutOfRange`] when `index >= size`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::{MerkleTree, verify_inclusion};
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// let leaves: Vec<_> = (0..10u8).map(|i| tree.push_leaf(&[i])).collect();
    /// let proof = tree.inclusion_proof_at(2, 6)?;
    /// verify_inclusion(alg, &tree.root_at(6)?, 6, 2, &leaves[2], &proof)?;
    /// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
    /// ```
    pub fn inclusion_proof_at(&self, index: u64, size: u64) -> Result<InclusionProof, ProofError> {
        self.check_size(size)?;
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        // RFC 6962 PATH, top down: each step keeps the half holding `index` and records
        // the other half's hash; the path lists them bottom up.
        let mut hashes = Vec::with_capacity(64);
        let (mut lo, mut hi) = (0, size);
        while hi - lo > 1 {
            let k = split_point(hi - lo);
            if index < lo + k {
                hashes.push(self.range_hash(lo + k, hi));
                hi = lo + k;
            } else {
                hashes.push(self.range_hash(lo, lo + k));
                lo += k;
            }
        }
        hashes.reverse();
        Ok(InclusionProof {
            index,
            size,
            hashes,
        })
    }

    /// The consistency proof from the tree of the first `old_size` leaves to the tree
    /// of the first `new_size` leaves.
    ///
    /// Empty when `old_size` is 0 or equals `new_size` (nothing to prove beyond the
    /// roots). Costs at most `popcount(new_size) - 2` node hashes.
    ///
    /// # Errors
    ///
    /// [`ProofError::SizeOutOfRange`] when `new_size > len()`,
    /// [`ProofError::OldSizeLarger`] when `old_size > new_size`.
    ///
    /// ```
    /// use knhk_runtime::lockchain::HashAlgorithm;
    /// use knhk_runtime::lockchain::{MerkleTree, verify_consistency};
    ///
    /// let alg = HashAlgorithm::Sha256;
    /// let mut tree = MerkleTree::new(alg);
    /// (0..10u8).for_each(|i| { tree.push_leaf(&[i]); });
    /// let proof = tree.consistency_proof(6, 10)?;
    /// verify_consistency(alg, 6, &tree.root_at(6)?, 10, &tree.root(), &proof)?;
    /// # Ok::<(), knhk_runtime::lockchain::ProofError>(())
    /// ```
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof, ProofError> {
        self.check_size(new_size)?;
        if old_size > new_size {
            return Err(ProofError::OldSizeLarger { old_size, new_size });
        }
        let mut hashes = Vec::with_capacity(64);
        if old_size > 0 && old_size < new_size {
            // RFC 6962 SUBPROOF(m, D[lo:hi], b), top down: `siblings` collects the hash
            // appended at each level, outermost first; the proof is the final subtree
            // (when the old tree is not itself one of the new tree's subtrees) followed
            // by the siblings innermost first.
            let (mut m, mut lo, mut hi, mut whole_old_tree) = (old_size, 0, new_size, true);
            let mut siblings = Vec::with_capacity(64);
            loop {
                if m == hi - lo {
                    if !whole_old_tree {
                        hashes.push(self.range_hash(lo, hi));
                    }
                    break;
                }
                let k = split_point(hi - lo);
                if m <= k {
                    siblings.push(self.range_hash(lo + k, hi));
                    hi = lo + k;
                } else {
                    siblings.push(self.range_hash(lo, lo + k));
                    m -= k;
                    lo += k;
                    whole_old_tree = false;
                }
            }
            hashes.extend(siblings.iter().rev());
        }
        Ok(ConsistencyProof {
            old_size,
            new_size,
            hashes,
        })
    }

    fn check_size(&self, size: u64) -> Result<(), ProofError> {
        let len = self.len();
        if size > len {
            return Err(ProofError::SizeOutOfRange { size, len });
        }
        Ok(())
    }

    /// `MTH(D[lo:hi])` for a range the RFC 6962 recursion produces from a tree of size
    /// `<= len()`: either a complete, aligned subtree (stored), or a range whose start
    /// is a multiple of a power of two larger than its length, whose hash is the right
    /// fold of its binary decomposition into complete subtrees (`popcount - 1` hashes).
    fn range_hash(&self, lo: u64, hi: u64) -> Digest {
        let n = hi - lo;
        if n == 0 {
            return self.alg.empty_root();
        }
        // Walk the decomposition from the smallest (rightmost) subtree leftwards: the
        // subtree of 2^h leaves for each set bit h of n, lowest bit first.
        let mut rest = n;
        let mut end = hi;
        let mut acc: Option<Digest> = None;
        while rest != 0 {
            let h = rest.trailing_zeros();
            let width = 1u64 << h;
            let start = end - width;
            let node = self.stored(h, start);
            acc = Some(match acc {
                None => node,
                Some(right) => self.alg.node_hash(&node, &right),
            });
            rest &= rest - 1;
            end = start;
        }
        debug_assert_eq!(end, lo);
        acc.unwrap_or_else(|| self.alg.empty_root())
    }

    /// The stored hash of the complete subtree of `2^level` leaves starting at `start`.
    fn stored(&self, level: u32, start: u64) -> Digest {
        debug_assert_eq!(start % (1 << level), 0, "unaligned subtree");
        // In range by construction: callers only ask for subtrees of sizes <= len().
        self.levels[level as usize][(start >> level) as usize]
    }
}

impl Extend<Digest> for MerkleTree {
    /// Appends leaf hashes, as [`MerkleTree::push`] does one by one.
    fn extend<I: IntoIterator<Item = Digest>>(&mut self, leaf_hashes: I) {
        for hash in leaf_hashes {
            self.push(hash);
        }
    }
}

/// The number of hashes in `PATH(index, D[size])`, for `index < size`: one per level
/// of the RFC 6962 recursion.
fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let (mut m, mut n, mut count) = (index, size, 0);
    while n > 1 {
        let k = split_point(n);
        count += 1;
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
    }
    count
}

/// The number of hashes in `PROOF(old_size, D[new_size])`, for `0 < old_size < new_size`.
fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    let (mut m, mut n, mut whole_old_tree, mut count) = (old_size, new_size, true, 0);
    while m != n {
        let k = split_point(n);
        count += 1;
        if m <= k {
            n = k;
        } else {
            m -= k;
            n -= k;
            whole_old_tree = false;
        }
    }
    count + usize::from(!whole_old_tree)
}

/// Checks that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root the
/// caller trusts (RFC 9162 §2.1.3.2).
///
/// # Errors
///
/// In this order: [`ProofError::IndexOutOfRange`] when `index >= size`,
/// [`ProofError::InclusionProofFor`] when the proof was made for another index or size,
/// [`ProofError::WrongProofLength`], [`ProofError::RootMismatch`].
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::{MerkleTree, ProofError, verify_inclusion};
///
/// let alg = HashAlgorithm::Sha256;
/// let mut tree = MerkleTree::new(alg);
/// let leaves: Vec<_> = (0..5u8).map(|i| tree.push_leaf(&[i])).collect();
/// let root = tree.root();
/// let proof = tree.inclusion_proof(3)?;
/// verify_inclusion(alg, &root, 5, 3, &leaves[3], &proof)?;
/// // Another leaf with the same proof does not lead to the trusted root.
/// assert!(matches!(
///     verify_inclusion(alg, &root, 5, 3, &leaves[2], &proof),
///     Err(ProofError::RootMismatch { .. })
/// ));
/// # Ok::<(), ProofError>(())
/// ```
pub fn verify_inclusion(
    alg: HashAlgorithm,
    root: &Digest,
    size: u64,
    index: u64,
    leaf_hash: &Digest,
    proof: &InclusionProof,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    if (proof.index, proof.size) != (index, size) {
        return Err(ProofError::InclusionProofFor {
            proof_index: proof.index,
            proof_size: proof.size,
            index,
            size,
        });
    }
    let expected = inclusion_proof_len(index, size);
    if proof.hashes.len() != expected {
        return Err(ProofError::WrongProofLength {
            expected,
            actual: proof.hashes.len(),
        });
    }
    // RFC 9162 §2.1.3.2, steps 2 to 6.
    let (mut f, mut s, mut r) = (index, size - 1, *leaf_hash);
    for p in &proof.hashes {
        if s == 0 {
            // Unreachable with the length checked above; kept as the RFC's guard.
            return Err(ProofError::WrongProofLength {
                expected,
                actual: proof.hashes.len(),
            });
        }
        if f % 2 == 1 || f == s {
            r = alg.node_hash(p, &r);
            if f % 2 == 0 {
                while f % 2 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = alg.node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongProofLength {
            expected,
            actual: proof.hashes.len(),
        });
    }
    if r != *root {
        return Err(ProofError::RootMismatch {
            trusted: *root,
            computed: r,
        });
    }
    Ok(())
}

/// Checks that the tree of `old_size` leaves with the trusted root `old_root` is a
/// prefix of the tree of `new_size` leaves with the trusted root `new_root` (RFC 9162
/// §2.1.4.2).
///
/// When `old_size == new_size` the proof must be empty and the roots equal; when
/// `old_size == 0` the proof must be empty and `old_root` must be the empty tree's
/// root, `H()`; `new_root` is then not checked, since every tree extends the empty one.
///
/// # Errors
///
/// In this order: [`ProofError::OldSizeLarger`], [`ProofError::ConsistencyProofFor`],
/// [`ProofError::WrongProofLength`], [`ProofError::OldRootMismatch`],
/// [`ProofError::RootMismatch`] (the new root).
///
/// ```
/// use knhk_runtime::lockchain::HashAlgorithm;
/// use knhk_runtime::lockchain::{MerkleTree, ProofError, verify_consistency};
///
/// let alg = HashAlgorithm::Sha256;
/// let mut tree = MerkleTree::new(alg);
/// (0..5u8).for_each(|i| { tree.push_leaf(&[i]); });
/// let old_root = tree.root_at(3)?;
/// let proof = tree.consistency_proof(3, 5)?;
/// verify_consistency(alg, 3, &old_root, 5, &tree.root(), &proof)?;
/// // A log that rewrote its history cannot prove it extends the old root.
/// let mut forked = MerkleTree::new(alg);
/// (0..5u8).for_each(|i| { forked.push_leaf(&[i ^ 1]); });
/// let proof = forked.consistency_proof(3, 5)?;
/// assert!(verify_consistency(alg, 3, &old_root, 5, &forked.root(), &proof).is_err());
/// # Ok::<(), ProofError>(())
/// ```
pub fn verify_consistency(
    alg: HashAlgorithm,
    old_size: u64,
    old_root: &Digest,
    new_size: u64,
    new_root: &Digest,
    proof: &ConsistencyProof,
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OldSizeLarger { old_size, new_size });
    }
    if (proof.old_size, proof.new_size) != (old_size, new_size) {
        return Err(ProofError::ConsistencyProofFor {
            proof_old_size: proof.old_size,
            proof_new_size: proof.new_size,
            old_size,
            new_size,
        });
    }
    let expected = if old_size == 0 || old_size == new_size {
        0
    } else {
        consistency_proof_len(old_size, new_size)
    };
    if proof.hashes.len() != expected {
        return Err(ProofError::WrongProofLength {
            expected,
            actual: proof.hashes.len(),
        });
    }
    let old_mismatch = |computed: &Digest| ProofError::OldRootMismatch {
        trusted: *old_root,
        computed: *computed,
    };
    let new_mismatch = |computed: &Digest| ProofError::RootMismatch {
        trusted: *new_root,
        computed: *computed,
    };
    if old_size == 0 {
        let empty = alg.empty_root();
        if *old_root != empty {
            return Err(old_mismatch(&empty));
        }
        return Ok(());
    }
    if old_size == new_size {
        if old_root != new_root {
            return Err(new_mismatch(old_root));
        }
        return Ok(());
    }

    // RFC 9162 §2.1.4.2. Step 2: when the old tree is a complete subtree of the new
    // one, its root is the proof's implicit first element.
    let mut path = proof.hashes.iter();
    let first = if old_size.is_power_of_two() {
        *old_root
    } else {
        match path.next() {
            Some(h) => *h,
            None => {
                return Err(ProofError::WrongProofLength {
                    expected,
                    actual: 0,
                });
            }
        }
    };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f % 2 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (first, first);
    for c in path {
        if s == 0 {
            return Err(ProofError::WrongProofLength {
                expected,
                actual: proof.hashes.len(),
            });
        }
        if f % 2 == 1 || f == s {
            fr = alg.node_hash(c, &fr);
            sr = alg.node_hash(c, &sr);
            if f % 2 == 0 {
                while f % 2 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = alg.node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongProofLength {
            expected,
            actual: proof.hashes.len(),
        });
    }
    if fr != *old_root {
        return Err(old_mismatch(&fr));
    }
    if sr != *new_root {
        return Err(new_mismatch(&sr));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockchain::digest::counter;
    use proptest::prelude::*;

    /// Leaf inputs of varying lengths (0 to 96 bytes), different for every index.
    fn leaf_input(i: u64) -> Vec<u8> {
        let len = (i * 7 % 97) as usize;
        (0..len)
            .map(|j| (i as u8).wrapping_mul(31) ^ j as u8)
            .collect()
    }

    fn tree_of(alg: HashAlgorithm, size: u64) -> (MerkleTree, Vec<Vec<u8>>) {
        let mut tree = MerkleTree::new(alg);
        let inputs: Vec<_> = (0..size).map(leaf_input).collect();
        for input in &inputs {
            tree.push_leaf(input);
        }
        (tree, inputs)
    }

    /// RFC 6962 §2.1 MTH, literally: the reference the tree must agree with.
    fn ref_mth(alg: HashAlgorithm, d: &[Vec<u8>]) -> Digest {
        match d.len() {
            0 => alg.hash(&[]),
            1 => alg.leaf_hash(&d[0]),
            n => {
                let k = split_point(n as u64) as usize;
                alg.node_hash(&ref_mth(alg, &d[..k]), &ref_mth(alg, &d[k..]))
            }
        }
    }

    /// RFC 6962 §2.1.1 PATH, literally.
    fn ref_path(alg: HashAlgorithm, m: usize, d: &[Vec<u8>]) -> Vec<Digest> {
        if d.len() <= 1 {
            return Vec::new();
        }
        let k = split_point(d.len() as u64) as usize;
        if m < k {
            let mut p = ref_path(alg, m, &d[..k]);
            p.push(ref_mth(alg, &d[k..]));
            p
        } else {
            let mut p = ref_path(alg, m - k, &d[k..]);
            p.push(ref_mth(alg, &d[..k]));
            p
        }
    }

    /// RFC 6962 §2.1.2 SUBPROOF, literally.
    fn ref_subproof(alg: HashAlgorithm, m: usize, d: &[Vec<u8>], b: bool) -> Vec<Digest> {
        let n = d.len();
        if m == n {
            return if b { Vec::new() } else { vec![ref_mth(alg, d)] };
        }
        let k = split_point(n as u64) as usize;
        if m <= k {
            let mut p = ref_subproof(alg, m, &d[..k], b);
            p.push(ref_mth(alg, &d[k..]));
            p
        } else {
            let mut p = ref_subproof(alg, m - k, &d[k..], false);
            p.push(ref_mth(alg, &d[..k]));
            p
        }
    }

    fn hex32(s: &str) -> Digest {
        let mut out = [0; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("test vector is hex");
        }
        Digest::new(out)
    }

    // transparency-dev/merkle testonly/constants.go (also RFC 6962 test data in
    // certificate-transparency): leaf inputs, roots for sizes 0..=8.
    const KAT_LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    const KAT_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn kat_tree() -> MerkleTree {
        let mut tree = MerkleTree::new(HashAlgorithm::Sha256);
        for leaf in KAT_LEAVES {
            tree.push_leaf(leaf);
        }
        tree
    }

    #[test]
    fn known_answer_roots() {
        let tree = kat_tree();
        for (size, root) in KAT_ROOTS.iter().enumerate() {
            assert_eq!(
                tree.root_at(size as u64).unwrap().to_string(),
                *root,
                "size {size}"
            );
        }
        assert_eq!(tree.root().to_string(), KAT_ROOTS[8]);
    }

    #[test]
    fn known_answer_proofs() {
        // transparency-dev/merkle testonly/reference_test.go and proof/verify_test.go.
        let inclusion: [(u64, u64, &[&str]); 7] = [
            (0, 1, &[]),
            (
                0,
                2,
                &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"],
            ),
            (
                1,
                2,
                &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        let tree = kat_tree();
        let alg = HashAlgorithm::Sha256;
        for (index, size, want) in inclusion {
            let proof = tree.inclusion_proof_at(index, size).unwrap();
            let want: Vec<Digest> = want.iter().map(|h| hex32(h)).collect();
            assert_eq!(proof.hashes, want, "inclusion of {index} in {size}");
            let leaf = alg.leaf_hash(KAT_LEAVES[index as usize]);
            let root = hex32(KAT_ROOTS[size as usize]);
            verify_inclusion(alg, &root, size, index, &leaf, &proof).unwrap();
        }
        // Consistency vectors from the same source (as ct-merkle's known_answer.rs copies them).
        let consistency: [(u64, u64, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (old, new, want) in consistency {
            let proof = tree.consistency_proof(old, new).unwrap();
            let want: Vec<Digest> = want.iter().map(|h| hex32(h)).collect();
            assert_eq!(proof.hashes, want, "consistency {old} -> {new}");
            let (old_root, new_root) = (
                hex32(KAT_ROOTS[old as usize]),
                hex32(KAT_ROOTS[new as usize]),
            );
            verify_consistency(alg, old, &old_root, new, &new_root, &proof).unwrap();
        }
    }

    #[test]
    fn agrees_with_the_rfc_definitions_for_both_algorithms() {
        for alg in HashAlgorithm::ALL {
            let (tree, inputs) = tree_of(alg, 70);
            for size in 0..=70usize {
                let d = &inputs[..size];
                assert_eq!(
                    tree.root_at(size as u64).unwrap(),
                    ref_mth(alg, d),
                    "{alg} size {size}"
                );
                for m in 0..size {
                    let proof = tree.inclusion_proof_at(m as u64, size as u64).unwrap();
                    assert_eq!(
                        proof.hashes,
                        ref_path(alg, m, d),
                        "{alg} path {m} of {size}"
                    );
                }
                for old in 1..size {
                    let proof = tree.consistency_proof(old as u64, size as u64).unwrap();
                    assert_eq!(
                        proof.hashes,
                        ref_subproof(alg, old, d, true),
                        "{alg} proof {old} -> {size}"
                    );
                }
            }
        }
        // A few larger BLAKE3 sizes, around powers of two.
        let alg = HashAlgorithm::Blake3;
        let (tree, inputs) = tree_of(alg, 1100);
        for size in [
            127usize, 128, 129, 255, 256, 257, 511, 1000, 1023, 1024, 1025, 1100,
        ] {
            assert_eq!(
                tree.root_at(size as u64).unwrap(),
                ref_mth(alg, &inputs[..size])
            );
        }
        assert_eq!(tree.root(), ref_mth(alg, &inputs));
        assert_ne!(tree.root(), tree_of(HashAlgorithm::Sha256, 1100).0.root());
    }

    #[test]
    fn every_proof_of_small_trees_verifies() {
        for alg in HashAlgorithm::ALL {
            let (tree, _) = tree_of(alg, 40);
            for size in 0..=40 {
                let root = tree.root_at(size).unwrap();
                for index in 0..size {
                    let proof = tree.inclusion_proof_at(index, size).unwrap();
                    let leaf = tree.leaf_hash(index).unwrap();
                    verify_inclusion(alg, &root, size, index, &leaf, &proof).unwrap();
                }
                for old in 0..=size {
                    let proof = tree.consistency_proof(old, size).unwrap();
                    let old_root = tree.root_at(old).unwrap();
                    verify_consistency(alg, old, &old_root, size, &root, &proof).unwrap();
                }
            }
        }
    }

    /// Every way to corrupt an inclusion proof that must be rejected.
    fn assert_inclusion_rejects(tree: &MerkleTree, index: u64, size: u64) {
        let alg = tree.algorithm();
        let root = tree.root_at(size).unwrap();
        let leaf = tree.leaf_hash(index).unwrap();
        let proof = tree.inclusion_proof_at(index, size).unwrap();
        let verify = |root: &Digest, size, index, leaf: &Digest, proof: &InclusionProof| {
            verify_inclusion(alg, root, size, index, leaf, proof)
        };
        verify(&root, size, index, &leaf, &proof).unwrap();

        for i in 0..proof.hashes.len() {
            for bit in [0, 77, 255] {
                let mut bad = proof.clone();
                bad.hashes[i] = bad.hashes[i].flipped(bit / 8, 1 << (bit % 8));
                assert!(
                    matches!(
                        verify(&root, size, index, &leaf, &bad),
                        Err(ProofError::RootMismatch { .. })
                    ),
                    "hash {i} bit {bit} changed, leaf {index} of {size}"
                );
            }
        }
        let wrong_root = root.flipped(31, 1);
        assert!(matches!(
            verify(&wrong_root, size, index, &leaf, &proof),
            Err(ProofError::RootMismatch { .. })
        ));
        assert!(verify(&alg.empty_root(), size, index, &leaf, &proof).is_err());
        let wrong_leaf = leaf.flipped(0, 0x80);
        assert!(matches!(
            verify(&root, size, index, &wrong_leaf, &proof),
            Err(ProofError::RootMismatch { .. })
        ));

        // Another index or size than the proof was made for.
        for other in [index.wrapping_sub(1), index + 1, index ^ 2] {
            if other < size && other != index {
                assert!(matches!(
                    verify(&root, size, other, &leaf, &proof),
                    Err(ProofError::InclusionProofFor { .. })
                ));
                // The same hashes relabelled for the other index fail on the hashes.
                let relabelled = InclusionProof {
                    index: other,
                    ..proof.clone()
                };
                assert!(
                    verify(&root, size, other, &leaf, &relabelled).is_err(),
                    "{index} as {other} of {size}"
                );
            }
        }
        for other in [size * 2, size / 2, size + 1] {
            if other > index && other != size {
                assert!(verify(&root, other, index, &leaf, &proof).is_err());
                let relabelled = InclusionProof {
                    size: other,
                    ..proof.clone()
                };
                let result = verify(&root, other, index, &leaf, &relabelled);
                // RFC 6962 paths do not encode the size: a proof for size n verifies for
                // n' with the same shape of path, which only happens for n + 1 here.
                if other != size + 1 {
                    assert!(result.is_err(), "leaf {index} of {size} as of {other}");
                }
            }
        }
        assert_eq!(
            verify(&root, size, size, &leaf, &proof),
            Err(ProofError::IndexOutOfRange { index: size, size })
        );

        // Truncated, extended, with a hash inserted in front.
        if let Some((_, shorter)) = proof.hashes.split_last() {
            let bad = InclusionProof {
                hashes: shorter.to_vec(),
                ..proof.clone()
            };
            assert!(matches!(
                verify(&root, size, index, &leaf, &bad),
                Err(ProofError::WrongProofLength { .. })
            ));
        }
        let mut longer = proof.clone();
        longer.hashes.push(root);
        assert!(matches!(
            verify(&root, size, index, &leaf, &longer),
            Err(ProofError::WrongProofLength { .. })
        ));
        let mut front = proof.clone();
        front.hashes.insert(0, Digest::ZERO);
        assert!(matches!(
            verify(&root, size, index, &leaf, &front),
            Err(ProofError::WrongProofLength { .. })
        ));
    }

    /// Every way to corrupt a consistency proof that must be rejected.
    fn assert_consistency_rejects(tree: &MerkleTree, old: u64, new: u64) {
        let alg = tree.algorithm();
        let old_root = tree.root_at(old).unwrap();
        let new_root = tree.root_at(new).unwrap();
        let proof = tree.consistency_proof(old, new).unwrap();
        let verify = |old, old_root: &Digest, new, new_root: &Digest, proof: &ConsistencyProof| {
            verify_consistency(alg, old, old_root, new, new_root, proof)
        };
        verify(old, &old_root, new, &new_root, &proof).unwrap();

        for i in 0..proof.hashes.len() {
            for bit in [0, 100, 255] {
                let mut bad = proof.clone();
                bad.hashes[i] = bad.hashes[i].flipped(bit / 8, 1 << (bit % 8));
                assert!(
                    verify(old, &old_root, new, &new_root, &bad).is_err(),
                    "hash {i} bit {bit} changed, {old} -> {new}"
                );
            }
        }
        let wrong = old_root.flipped(5, 4);
        assert!(verify(old, &wrong, new, &new_root, &proof).is_err());
        let wrong = new_root.flipped(9, 4);
        // Every tree extends the empty tree: from size 0 there is no new root to check.
        assert_eq!(
            verify(old, &old_root, new, &wrong, &proof).is_err(),
            old != 0
        );
        if old != new {
            assert!(
                verify(old, &new_root, new, &old_root, &proof).is_err(),
                "roots swapped"
            );
        }
        if old != 0 && old != new {
            // The roots of other sizes, the proof relabelled to match.
            for (o, n) in [
                (old - 1, new),
                (old + 1, new),
                (old, new + 1),
                (old, new - 1),
            ] {
                if (o, n) == (old, new) || o > n || n > tree.len() {
                    continue;
                }
                assert!(matches!(
                    verify(o, &old_root, n, &new_root, &proof),
                    Err(ProofError::ConsistencyProofFor { .. })
                ));
                let relabelled = ConsistencyProof {
                    old_size: o,
                    new_size: n,
                    ..proof.clone()
                };
                // Like inclusion paths, RFC 6962 consistency proofs do not encode the new
                // size (1 -> 3 and 1 -> 4 have the same shape), but they do the old one.
                if n == new {
                    assert!(
                        verify(o, &old_root, n, &new_root, &relabelled).is_err(),
                        "{old}->{new} as {o}->{n}"
                    );
                }
            }
            let shorter = ConsistencyProof {
                hashes: proof.hashes[1..].to_vec(),
                ..proof.clone()
            };
            assert!(matches!(
                verify(old, &old_root, new, &new_root, &shorter),
                Err(ProofError::WrongProofLength { .. })
            ));
        }
        let mut longer = proof.clone();
        longer.hashes.push(new_root);
        assert!(matches!(
            verify(old, &old_root, new, &new_root, &longer),
            Err(ProofError::WrongProofLength { .. })
        ));
        if new > 0 {
            assert_eq!(
                verify(new, &new_root, old, &old_root, &proof),
                if old == new {
                    Ok(())
                } else {
                    Err(ProofError::OldSizeLarger {
                        old_size: new,
                        new_size: old,
                    })
                }
            );
        }
    }

    #[test]
    fn corrupted_proofs_are_rejected() {
        for alg in HashAlgorithm::ALL {
            let (tree, _) = tree_of(alg, 34);
            for size in 1..=33 {
                for index in 0..size {
                    assert_inclusion_rejects(&tree, index, size);
                }
                for old in 0..=size {
                    assert_consistency_rejects(&tree, old, size);
                }
            }
        }
    }

    #[test]
    fn edge_cases_are_typed_errors() {
        let alg = HashAlgorithm::Sha256;
        let (tree, _) = tree_of(alg, 5);
        let empty = alg.empty_root();
        let leaf = tree.leaf_hash(0).unwrap();
        let none = InclusionProof {
            index: 0,
            size: 0,
            hashes: vec![],
        };
        assert_eq!(
            verify_inclusion(alg, &empty, 0, 0, &leaf, &none),
            Err(ProofError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            tree.inclusion_proof_at(0, 6),
            Err(ProofError::SizeOutOfRange { size: 6, len: 5 })
        );
        assert_eq!(
            tree.inclusion_proof_at(5, 5),
            Err(ProofError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(
            tree.consistency_proof(3, 6),
            Err(ProofError::SizeOutOfRange { size: 6, len: 5 })
        );
        assert_eq!(
            tree.consistency_proof(4, 3),
            Err(ProofError::OldSizeLarger {
                old_size: 4,
                new_size: 3
            })
        );
        assert_eq!(
            tree.root_at(6),
            Err(ProofError::SizeOutOfRange { size: 6, len: 5 })
        );
        // Size 1: the root is the leaf hash and the path is empty.
        let one = tree.inclusion_proof_at(0, 1).unwrap();
        assert!(one.hashes.is_empty());
        verify_inclusion(alg, &leaf, 1, 0, &leaf, &one).unwrap();
        // From the empty tree: an empty proof, and the old root must be H().
        let root = tree.root();
        let from_empty = tree.consistency_proof(0, 5).unwrap();
        assert!(from_empty.hashes.is_empty());
        verify_consistency(alg, 0, &empty, 5, &root, &from_empty).unwrap();
        assert!(matches!(
            verify_consistency(alg, 0, &root, 5, &root, &from_empty),
            Err(ProofError::OldRootMismatch { .. })
        ));
        let padded = ConsistencyProof {
            hashes: vec![root],
            ..from_empty
        };
        assert_eq!(
            verify_consistency(alg, 0, &empty, 5, &root, &padded),
            Err(ProofError::WrongProofLength {
                expected: 0,
                actual: 1
            })
        );
        // Equal sizes: an empty proof and equal roots.
        let same = tree.consistency_proof(5, 5).unwrap();
        assert!(same.hashes.is_empty());
        verify_consistency(alg, 5, &root, 5, &root, &same).unwrap();
        assert!(matches!(
            verify_consistency(alg, 5, &tree.root_at(4).unwrap(), 5, &root, &same),
            Err(ProofError::RootMismatch { .. })
        ));
        let zero = tree.consistency_proof(0, 0).unwrap();
        verify_consistency(alg, 0, &empty, 0, &empty, &zero).unwrap();
        // Errors read as sentences.
        assert_eq!(
            ProofError::WrongProofLength {
                expected: 3,
                actual: 4
            }
            .to_string(),
            "the proof has 4 hashes where 3 are expected"
        );
        // A tree of the other algorithm does not verify.
        let proof = tree.inclusion_proof(2).unwrap();
        let leaf2 = tree.leaf_hash(2).unwrap();
        assert!(verify_inclusion(HashAlgorithm::Blake3, &root, 5, 2, &leaf2, &proof).is_err());
    }

    #[test]
    fn proof_bytes_round_trip_and_bad_lengths_are_rejected() {
        let (tree, _) = tree_of(HashAlgorithm::Sha256, 11);
        let inclusion = tree.inclusion_proof(9).unwrap();
        let bytes = inclusion.to_bytes();
        assert_eq!(bytes.len(), 16 + 32 * inclusion.hashes.len());
        assert_eq!(&bytes[..8], &9u64.to_le_bytes());
        assert_eq!(&bytes[8..16], &11u64.to_le_bytes());
        assert_eq!(InclusionProof::from_bytes(&bytes), Ok(inclusion));
        let consistency = tree.consistency_proof(3, 11).unwrap();
        assert_eq!(
            ConsistencyProof::from_bytes(&consistency.to_bytes()),
            Ok(consistency)
        );
        for len in [0, 8, 15, 17, 47, 49] {
            assert_eq!(
                InclusionProof::from_bytes(&vec![0; len]),
                Err(ProofError::Malformed { len })
            );
            assert_eq!(
                ConsistencyProof::from_bytes(&vec![0; len]),
                Err(ProofError::Malformed { len })
            );
        }
    }

    fn ceil_log2(n: u64) -> u64 {
        u64::from(64 - n.saturating_sub(1).leading_zeros())
    }

    /// Costs in hashes, counted on every call to `HashAlgorithm::hash`: a tree that
    /// rehashed the log (n - 1 node hashes) would fail every assertion for large n.
    #[test]
    fn roots_and_proofs_cost_logarithmic_hashes() {
        const N: u64 = 100_000;
        let alg = HashAlgorithm::Sha256;
        let mut tree = MerkleTree::with_capacity(alg, N as usize);
        let leaves: Vec<Digest> = (0..N)
            .map(|i| {
                let mut d = [0u8; 32];
                d[..8].copy_from_slice(&i.to_le_bytes());
                Digest::new(d)
            })
            .collect();
        let ((), pushes) = counter::count(|| tree.extend(leaves.iter().copied()));
        // One node hash per completed subtree: n - popcount(n) in all.
        assert_eq!(pushes, N - u64::from(N.count_ones()));

        let mut sizes: Vec<u64> = (1..=300).collect();
        sizes.extend([511, 512, 513, 4095, 4096, 65_535, 65_536, 65_537, 99_999, N]);
        let mut max_proof_hashes = 0;
        for &size in &sizes {
            let (root, cost) = counter::count(|| tree.root_at(size).unwrap());
            assert_eq!(cost, u64::from(size.count_ones()) - 1, "root of {size}");
            let log = ceil_log2(size);
            // At most one range in a proof is not a stored subtree: a suffix of the
            // size's decomposition into at most popcount - 1 complete subtrees.
            let fold_bound = u64::from(size.count_ones()).saturating_sub(2);
            for index in [0, size / 3, size / 2, size - 1] {
                let (proof, cost) =
                    counter::count(|| tree.inclusion_proof_at(index, size).unwrap());
                assert!(
                    cost <= log && cost <= fold_bound,
                    "inclusion proof {index} of {size}: {cost} hashes"
                );
                max_proof_hashes = max_proof_hashes.max(cost);
                let (result, verify_cost) = counter::count(|| {
                    verify_inclusion(alg, &root, size, index, &leaves[index as usize], &proof)
                });
                result.unwrap();
                assert_eq!(verify_cost, proof.hashes.len() as u64);
            }
            for old in [1, size / 3, size / 2, size - 1] {
                let (proof, cost) = counter::count(|| tree.consistency_proof(old, size).unwrap());
                assert!(
                    cost <= log && cost <= fold_bound,
                    "consistency proof {old} -> {size}: {cost} hashes"
                );
                max_proof_hashes = max_proof_hashes.max(cost);
                assert!(proof.hashes.len() as u64 <= log + 1);
                let old_root = tree.root_at(old).unwrap();
                let (result, verify_cost) =
                    counter::count(|| verify_consistency(alg, old, &old_root, size, &root, &proof));
                result.unwrap();
                assert!(verify_cost <= 2 * proof.hashes.len() as u64 + 1);
            }
        }
        let ((), cost) = counter::count(|| {
            let _ = tree.root();
        });
        assert_eq!(cost, u64::from(N.count_ones()) - 1);
        // Some proofs do need a folded range (otherwise this test would not test it).
        assert!(max_proof_hashes >= 3, "max proof cost {max_proof_hashes}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn random_proofs_verify_and_any_flip_is_rejected(
            size in 1u64..3000,
            index_seed in any::<u64>(),
            old_seed in any::<u64>(),
            flip in any::<(usize, usize)>(),
            blake3 in any::<bool>(),
        ) {
            let alg = if blake3 { HashAlgorithm::Blake3 } else { HashAlgorithm::Sha256 };
            let mut tree = MerkleTree::new(alg);
            tree.extend((0..size).map(|i| alg.hash(&[&i.to_le_bytes()])));
            let root = tree.root();
            let index = index_seed % size;
            let leaf = tree.leaf_hash(index).unwrap();
            let proof = tree.inclusion_proof(index).unwrap();
            prop_assert!(verify_inclusion(alg, &root, size, index, &leaf, &proof).is_ok());
            if !proof.hashes.is_empty() {
                let mut bad = proof.clone();
                let i = flip.0 % bad.hashes.len();
                bad.hashes[i] = bad.hashes[i].flipped(flip.1 % 32, 1 << (flip.1 % 8));
                prop_assert!(verify_inclusion(alg, &root, size, index, &leaf, &bad).is_err());
            }

            let old = old_seed % (size + 1);
            let old_root = tree.root_at(old).unwrap();
            let proof = tree.consistency_proof(old, size).unwrap();
            prop_assert!(verify_consistency(alg, old, &old_root, size, &root, &proof).is_ok());
            if !proof.hashes.is_empty() {
                let mut bad = proof.clone();
                let i = flip.0 % bad.hashes.len();
                bad.hashes[i] = bad.hashes[i].flipped(flip.1 % 32, 1 << (flip.1 % 8));
                prop_assert!(verify_consistency(alg, old, &old_root, size, &root, &bad).is_err());
            }
        }
    }
}
