//! The lockchain: an append-only, hash-chained log with RFC 6962 Merkle proofs
//! (format in `FORMAT.md` beside this file).

pub mod digest;
pub mod merkle;
#[cfg(unix)]
pub mod storage;

#[cfg(unix)]
pub use storage::{MmapStorage, Record, StorageError};
