//! The lockchain: an append-only, hash-chained log with RFC 6962 Merkle proofs
//! (format in `FORMAT.md` beside this file, rendered as [`format_spec`]).
//!
//! [`Lockchain`] (Unix only) is the log: one memory-mapped file whose entries each
//! carry a sequence number, a timestamp, the previous entry's hash, a payload and their
//! own hash; an entry is acknowledged once [`Lockchain::sync`] returns, damage inside
//! the committed length is an error naming the entry and byte offset, and a crash's
//! unacknowledged tail is dropped on the next [`Lockchain::open`].
//!
//! ```
//! # #[cfg(unix)] {
//! use knhk_runtime::lockchain::Lockchain;
//!
//! # let dir = std::env::temp_dir().join(format!("knhk-doc-mod-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let path = dir.join("log.lockchain");
//! # let _ = std::fs::remove_file(&path);
//! let mut log = Lockchain::create(&path)?;
//! let receipt = log.append(b"deploy 1.4.2")?;
//! log.sync()?; // acknowledged
//! drop(log);
//! let log = Lockchain::open_read_only(&path)?;
//! log.verify_against(&receipt)?;
//! assert_eq!(log.get(0).unwrap().payload(), b"deploy 1.4.2");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # }
//! # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
//! ```

pub mod digest;
pub mod merkle;
#[cfg(unix)]
pub mod storage;

#[cfg(unix)]
mod chain;
mod error;
#[cfg(unix)]
mod file;
#[cfg(unix)]
mod format;

#[cfg(unix)]
pub use chain::{CreateOptions, Entry, Iter, Lockchain, MIN_GROWTH, Receipt, VerifiedHead};
pub use digest::{Digest, HashAlgorithm};
pub use error::{EntryFault, HeaderField, LockchainError};
pub use merkle::{ConsistencyProof, InclusionProof, MerkleTree, ProofError};
#[cfg(unix)]
pub use storage::{MmapStorage, Record, StorageError};

/// The on-disk format, version 1: the specification the code and tests follow.
#[doc = include_str!("FORMAT.md")]
pub mod format_spec {}
