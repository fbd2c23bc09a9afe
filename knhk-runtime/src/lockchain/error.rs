//! Errors of the [`Lockchain`](super::Lockchain) and its reader: each names the file and, for damage,
//! the byte offset, the sequence number and what was expected against what was found.

use super::digest::{Digest, HashAlgorithm};
use crate::mapped_file::{FileError, show_magic};
use std::fmt;
use std::path::PathBuf;

/// What a lockchain's header says of the committed chain: the fields a handle checks
/// against the file before it trusts what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommittedHeader {
    /// The hash algorithm of the chain.
    pub algorithm: HashAlgorithm,
    /// When the chain was created, in nanoseconds since the Unix epoch.
    pub created_ns: u64,
    /// Committed entries.
    pub entries: u64,
    /// Bytes from the start of the file to the end of the last committed entry.
    pub committed_len: u64,
    /// The hash of the last committed entry.
    pub head: Digest,
}

impl fmt::Display for CommittedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} committed entries ending at byte {} with head hash {} ({} chain created at {} ns)",
            self.entries, self.committed_len, self.head, self.algorithm, self.created_ns
        )
    }
}

/// What went wrong with a lockchain file.
///
/// ```
/// use knhk_runtime::lockchain::{LockchainError, LockchainReader};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("zero-length.lockchain");
/// std::fs::write(&path, b"")?;
/// match LockchainReader::open(&path) {
///     Err(e @ LockchainError::TruncatedHeader { file_len: 0, .. }) => {
///         assert!(e.to_string().starts_with(&format!("{}: ", path.display())));
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockchainError {
    /// Opening, locking, mapping, growing or syncing the file failed, or the handle is
    /// poisoned by an earlier failed sync ([`FileError::Poisoned`]): the same errors
    /// as `MmapStorage`'s.
    #[error(transparent)]
    File(#[from] FileError),
    /// A payload longer than the format's 2^32 - 1 bytes.
    #[error("payload of {len} bytes exceeds the maximum of 4294967295 bytes per entry")]
    PayloadTooLarge {
        /// Its length.
        len: usize,
    },
    /// The file is shorter than the 128-byte header (a zero-length file is this too).
    #[error(
        "{}: file of {file_len} bytes ends at byte offset {file_len}, inside the 128-byte header",
        path.display()
    )]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Its length, which is also the offset where it ends.
        file_len: u64,
    },
    /// The first 8 bytes are not `KNHKLCHN`: the file is not a lockchain.
    #[error(
        "{}: not a lockchain file: magic at byte offset 0 is {}, expected `KNHKLCHN`",
        path.display(),
        show_magic(found)
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// Its first 8 bytes.
        found: [u8; 8],
    },
    /// A header field after the magic holds a value this version does not accept;
    /// `offset` is the field's.
    #[error("{}: header {field} at byte offset {offset}: expected {expected}, found {found}", path.display())]
    BadHeaderField {
        /// The file.
        path: PathBuf,
        /// Which field.
        field: HeaderField,
        /// Byte offset of the field (of the first bad byte for
        /// [`HeaderField::Reserved`]).
        offset: u64,
        /// What the format requires.
        expected: String,
        /// What the file holds.
        found: String,
    },
    /// The header hash (bytes 96..128) is not the hash of bytes 0..96.
    #[error(
        "{}: header hash at byte offset 96 does not match the header: expected {}, found {}",
        path.display(),
        expected,
        found
    )]
    HeaderHashMismatch {
        /// The file.
        path: PathBuf,
        /// `H(header[0..96])`.
        expected: Digest,
        /// What the file holds.
        found: Digest,
    },
    /// The header's committed length (byte offset 24) is past the end of the file: the
    /// file was truncated by something else.
    #[error(
        "{}: committed length {committed_len} (header byte offset 24) is past the end of the file at {file_len}",
        path.display()
    )]
    CommittedLengthPastEnd {
        /// The file.
        path: PathBuf,
        /// The header's committed length.
        committed_len: u64,
        /// The file's length.
        file_len: u64,
    },
    /// The header's committed length (byte offset 24) is below the header size 128.
    #[error(
        "{}: committed length {committed_len} (header byte offset 24) is below the header size 128",
        path.display()
    )]
    CommittedLengthTooSmall {
        /// The file.
        path: PathBuf,
        /// The header's committed length.
        committed_len: u64,
    },
    /// An entry inside the committed length is damaged.
    #[error("{}: entry {seq} at byte offset {offset}: {fault}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The sequence number the entry should carry (its position in the chain).
        seq: u64,
        /// Byte offset of the entry's first byte.
        offset: u64,
        /// What is wrong with it.
        fault: EntryFault,
    },
    /// The walk over the committed entries found another count than the header's
    /// committed count (byte offset 16).
    #[error(
        "{}: header committed count (byte offset 16) is {header}, the committed bytes hold {found} entries",
        path.display()
    )]
    CountMismatch {
        /// The file.
        path: PathBuf,
        /// The header's count.
        header: u64,
        /// Entries found.
        found: u64,
    },
    /// The last committed entry's hash is not the header's head hash (byte offset 32).
    #[error(
        "{}: header head hash (byte offset 32) is {}, the last committed entry's hash is {}",
        path.display(),
        header,
        found
    )]
    HeadMismatch {
        /// The file.
        path: PathBuf,
        /// The header's head hash.
        header: Digest,
        /// The last entry's hash (zeroes for an empty chain).
        found: Digest,
    },
    /// `verify`: an entry is not where this handle wrote or found it (the bytes on disk
    /// still form a valid chain, of other entry sizes): the file was rewritten behind
    /// the handle.
    #[error(
        "{}: entry {seq} spans bytes {found_offset}..{found_end} on disk, this handle has it at \
         {expected_offset}..{expected_end}: the file was rewritten behind the handle",
        path.display()
    )]
    EntryMoved {
        /// The file.
        path: PathBuf,
        /// The first entry whose place differs.
        seq: u64,
        /// Where the handle has it.
        expected_offset: u64,
        /// Where the handle has it end.
        expected_end: u64,
        /// Where it is on disk.
        found_offset: u64,
        /// Where it ends on disk.
        found_end: u64,
    },
    /// The header on disk no longer says what this handle last wrote or read.
    #[error(
        "{}: header changed on disk since it was read: {found}, expected {expected}{}",
        path.display(),
        if *reader { ", or more entries ending further" } else { "" }
    )]
    HeaderChanged {
        /// The file.
        path: PathBuf,
        /// What the header on disk says.
        found: Box<CommittedHeader>,
        /// What the handle last wrote or read.
        expected: Box<CommittedHeader>,
        /// The handle is a reader, for which a header ahead by whole entries is not a
        /// change.
        reader: bool,
    },
    /// `verify_against`: the chain holds fewer entries than the saved receipt proves
    /// existed (whole entries were removed from the end).
    #[error(
        "{}: chain truncated: the receipt is for entry {receipt_seq}, the chain holds {len} entries",
        path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The receipt's sequence number.
        receipt_seq: u64,
        /// Entries in the chain.
        len: u64,
    },
    /// `verify_against` on a reader opened before the receipt's entry was
    /// committed: the file holds it, this handle does not; reopen to see it.
    #[error(
        "{}: this handle holds {len} entries, opened before entry {receipt_seq} of the receipt \
         was committed; the file now holds {committed_on_disk}: reopen it with \
         `LockchainReader::open` to check the receipt",
        path.display()
    )]
    ReaderBehind {
        /// The file.
        path: PathBuf,
        /// The receipt's sequence number.
        receipt_seq: u64,
        /// Entries in this handle.
        len: u64,
        /// The committed count of the header on disk now.
        committed_on_disk: u64,
    },
    /// `verify_against`: the entry at the receipt's sequence number has another hash.
    #[error(
        "{}: entry {seq} has hash {}, the receipt says {}",
        path.display(),
        found,
        expected
    )]
    ReceiptMismatch {
        /// The file.
        path: PathBuf,
        /// The receipt's sequence number.
        seq: u64,
        /// The receipt's hash.
        expected: Digest,
        /// The entry's hash.
        found: Digest,
    },
}

/// A header field that [`LockchainError::BadHeaderField`] names, in the order
/// FORMAT.md §1.1 checks them (after the magic).
///
/// ```
/// use knhk_runtime::lockchain::HeaderField;
/// assert_eq!(HeaderField::HashAlgorithm.to_string(), "hash algorithm");
/// assert_eq!(HeaderField::HeaderSize.offset(), 12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderField {
    /// Bytes 8..10, `1`.
    Version,
    /// Byte 10, `1` (SHA-256) or `2` (BLAKE3).
    HashAlgorithm,
    /// Byte 11, `0`.
    Flags,
    /// Bytes 12..16, `128`.
    HeaderSize,
    /// Bytes 72..96, zero.
    Reserved,
}

impl HeaderField {
    /// The field's name, as messages write it.
    pub fn name(self) -> &'static str {
        match self {
            HeaderField::Version => "version",
            HeaderField::HashAlgorithm => "hash algorithm",
            HeaderField::Flags => "flags",
            HeaderField::HeaderSize => "header size",
            HeaderField::Reserved => "reserved",
        }
    }

    /// The byte offset where the field starts.
    pub fn offset(self) -> u64 {
        match self {
            HeaderField::Version => 8,
            HeaderField::HashAlgorithm => 10,
            HeaderField::Flags => 11,
            HeaderField::HeaderSize => 12,
            HeaderField::Reserved => 72,
        }
    }
}

impl fmt::Display for HeaderField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with one entry, in the order FORMAT.md §1.2 checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryFault {
    /// Fewer than 56 bytes (the fixed part) remain before the committed length.
    TruncatedEntryHeader {
        /// Bytes left before the committed length.
        available: u64,
    },
    /// The reserved field (entry bytes 4..8) is not zero.
    NonZeroReserved {
        /// Its value.
        found: u32,
    },
    /// The sequence number (entry bytes 8..16) is not the entry's position.
    BadSequence {
        /// The position.
        expected: u64,
        /// The stored number.
        found: u64,
    },
    /// The payload length (entry bytes 0..4) makes the entry run past the committed length.
    BadLength {
        /// The payload length.
        payload_len: u32,
        /// Bytes the entry needs (88 + payload + padding).
        needed: u64,
        /// Bytes left before the committed length.
        available: u64,
    },
    /// A padding byte after the payload is not zero.
    NonZeroPadding {
        /// Byte offset of the first non-zero padding byte in the file.
        at: u64,
    },
    /// The previous hash is not the previous entry's hash.
    BrokenLink {
        /// The previous entry's hash (zeroes for entry 0).
        expected: Digest,
        /// The stored previous hash.
        found: Digest,
    },
    /// The stored entry hash is not the hash of the entry's canonical bytes.
    HashMismatch {
        /// `H(canonical bytes)`.
        expected: Digest,
        /// The stored entry hash.
        found: Digest,
    },
}

impl EntryFault {
    /// A short name of the fault, the same for every instance of a variant (for counting).
    ///
    /// ```
    /// use knhk_runtime::lockchain::EntryFault;
    /// assert_eq!(EntryFault::NonZeroReserved { found: 1 }.name(), "non-zero reserved");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            EntryFault::TruncatedEntryHeader { .. } => "truncated entry header",
            EntryFault::NonZeroReserved { .. } => "non-zero reserved",
            EntryFault::BadSequence { .. } => "bad sequence",
            EntryFault::BadLength { .. } => "bad length",
            EntryFault::NonZeroPadding { .. } => "non-zero padding",
            EntryFault::BrokenLink { .. } => "broken link",
            EntryFault::HashMismatch { .. } => "hash mismatch",
        }
    }
}

impl fmt::Display for EntryFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryFault::TruncatedEntryHeader { available } => write!(
                f,
                "truncated entry header: {available} bytes left before the committed length, an entry header needs 56"
            ),
            EntryFault::NonZeroReserved { found } => {
                write!(
                    f,
                    "reserved field (entry bytes 4..8) is {found}, expected 0"
                )
            }
            EntryFault::BadSequence { expected, found } => {
                write!(f, "bad sequence: expected {expected}, found {found}")
            }
            EntryFault::BadLength {
                payload_len,
                needed,
                available,
            } => write!(
                f,
                "bad length: payload length {payload_len} makes the entry {needed} bytes, only {available} are left before the committed length"
            ),
            EntryFault::NonZeroPadding { at } => {
                write!(f, "non-zero padding at byte offset {at}")
            }
            EntryFault::BrokenLink { expected, found } => write!(
                f,
                "broken link: previous hash is {}, the previous entry's hash is {}",
                found, expected
            ),
            EntryFault::HashMismatch { expected, found } => write!(
                f,
                "hash mismatch: stored entry hash is {}, the entry hashes to {}",
                found, expected
            ),
        }
    }
}

impl LockchainError {
    /// A short name of the error's kind, the same for every instance (for counting):
    /// the [`EntryFault::name`] for [`LockchainError::Corrupt`], else the variant.
    ///
    /// ```
    /// use knhk_runtime::lockchain::LockchainError;
    /// assert_eq!(LockchainError::PayloadTooLarge { len: 1 << 33 }.kind(), "payload too large");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            LockchainError::File(e) => e.kind(),
            LockchainError::PayloadTooLarge { .. } => "payload too large",
            LockchainError::TruncatedHeader { .. } => "truncated header",
            LockchainError::BadMagic { .. } => "bad magic",
            LockchainError::BadHeaderField { field, .. } => match field {
                HeaderField::Version => "bad version",
                HeaderField::HashAlgorithm => "bad hash algorithm",
                HeaderField::Flags => "bad flags",
                HeaderField::HeaderSize => "bad header size",
                HeaderField::Reserved => "non-zero header reserved",
            },
            LockchainError::HeaderHashMismatch { .. } => "header hash mismatch",
            LockchainError::CommittedLengthPastEnd { .. } => "committed length past end",
            LockchainError::CommittedLengthTooSmall { .. } => "committed length too small",
            LockchainError::Corrupt { fault, .. } => fault.name(),
            LockchainError::CountMismatch { .. } => "count mismatch",
            LockchainError::HeadMismatch { .. } => "head mismatch",
            LockchainError::EntryMoved { .. } => "entry moved",
            LockchainError::HeaderChanged { .. } => "header changed",
            LockchainError::Truncated { .. } => "truncated",
            LockchainError::ReaderBehind { .. } => "reader behind",
            LockchainError::ReceiptMismatch { .. } => "receipt mismatch",
        }
    }
}
