//! The lockchain: an append-only, hash-chained log with RFC 6962 Merkle proofs
//! (format in `FORMAT.md` beside this file, rendered as [`format_spec`]).
//!
//! [`Lockchain`] (Unix only) is the log: one memory-mapped file whose entries each
//! carry a sequence number, a timestamp, the previous entry's hash, a payload and their
//! own hash; an entry is acknowledged once [`Lockchain::sync`] returns, damage inside
//! the committed length is an error naming the entry and byte offset, and a crash's
//! unacknowledged tail is dropped on the next [`Lockchain::open`].
//!
//! The writer and the reader are two types: [`Lockchain`] appends and syncs under the
//! file's writer lock; [`LockchainReader`] takes no lock, has no way to write, and sees
//! the entries committed when it opened. Every read (`get`, `iter`, `verify`, Merkle
//! roots and proofs) is a method of `LockchainReader`, which a `Lockchain` derefs to.
//!
//! ```
//! # #[cfg(unix)] {
//! use knhk_runtime::lockchain::{Lockchain, LockchainReader};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("log.lockchain");
//! let mut log = Lockchain::create(&path)?;
//! let receipt = log.append(b"deploy 1.4.2")?;
//! log.sync()?; // acknowledged
//! drop(log);
//! let log = LockchainReader::open(&path)?;
//! log.verify_against(&receipt)?;
//! assert_eq!(log.get(0).unwrap().payload(), b"deploy 1.4.2");
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod digest;
mod merkle;

#[cfg(unix)]
mod chain;
mod error;
#[cfg(unix)]
mod format;

#[cfg(unix)]
pub use chain::{
    CreateOptions, Entry, Iter, Lockchain, LockchainReader, MIN_GROWTH, Receipt, VerifiedHead,
};
pub use digest::{DIGEST_LEN, Digest, HashAlgorithm, LEAF_PREFIX, NODE_PREFIX, ParseDigestError};
pub use error::{CommittedHeader, EntryFault, HeaderField, LockchainError};
pub use merkle::{
    ConsistencyProof, InclusionProof, MerkleTree, ProofError, verify_consistency, verify_inclusion,
};

/// The on-disk format, version 1: the specification the code and tests follow.
#[doc = include_str!("FORMAT.md")]
pub mod format_spec {}
