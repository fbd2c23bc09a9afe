//! Encoding and checking of the header and the entries, byte for byte as FORMAT.md says.
//!
//! Everything here works on byte slices and never panics on their content: every
//! length read from the file goes through checked arithmetic and `get`.

use super::digest::{Digest, HashAlgorithm};
use super::error::{CommittedHeader, EntryFault, HeaderField, LockchainError};
use crate::mapped_file::{u16_at, u32_at, u64_at};
use std::path::Path;

/// `KNHKLCHN`.
pub(crate) const MAGIC: [u8; 8] = *b"KNHKLCHN";
/// The only version there is.
pub(crate) const VERSION: u16 = 1;
/// Bytes in the header, and the offset of entry 0.
pub(crate) const HEADER_LEN: u64 = 128;
/// Bytes before the payload: length, reserved, sequence number, timestamp, previous hash.
pub(crate) const ENTRY_FIXED: u64 = 56;
/// Bytes of an entry besides its payload and padding: the fixed part and the entry hash.
pub(crate) const ENTRY_OVERHEAD: u64 = ENTRY_FIXED + 32;
/// The hash of "no previous entry".
pub(crate) const ZERO_DIGEST: Digest = Digest::ZERO;

/// The header's fields (FORMAT.md §1.1) besides the constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) alg: HashAlgorithm,
    pub(crate) count: u64,
    pub(crate) committed_len: u64,
    pub(crate) head: Digest,
    pub(crate) created: u64,
}

fn digest_at(b: &[u8], at: usize) -> Digest {
    let mut d = [0; 32];
    d.copy_from_slice(&b[at..at + 32]);
    Digest::new(d)
}

impl Header {
    /// The fields a handle checks against the file, for an error to show.
    pub(crate) fn committed(&self) -> CommittedHeader {
        CommittedHeader {
            algorithm: self.alg,
            created_ns: self.created,
            entries: self.count,
            committed_len: self.committed_len,
            head: self.head,
        }
    }

    /// The 128 bytes of this header, header hash included.
    pub(crate) fn encode(&self) -> [u8; 128] {
        let mut b = [0u8; 128];
        b[0..8].copy_from_slice(&MAGIC);
        b[8..10].copy_from_slice(&VERSION.to_le_bytes());
        b[10] = self.alg.to_byte();
        b[11] = 0;
        b[12..16].copy_from_slice(&(HEADER_LEN as u32).to_le_bytes());
        b[16..24].copy_from_slice(&self.count.to_le_bytes());
        b[24..32].copy_from_slice(&self.committed_len.to_le_bytes());
        b[32..64].copy_from_slice(self.head.as_bytes());
        b[64..72].copy_from_slice(&self.created.to_le_bytes());
        let hash = self.alg.hash(&[&b[..96]]);
        b[96..128].copy_from_slice(hash.as_bytes());
        b
    }

    /// Checks a header read from a file of `file_len` bytes, in FORMAT.md §1.1's order
    /// (the caller has checked `file_len >= 128`).
    pub(crate) fn decode(
        b: &[u8; 128],
        file_len: u64,
        path: &Path,
    ) -> Result<Header, LockchainError> {
        let bad = |field: HeaderField, offset: u64, expected: String, found: String| {
            LockchainError::BadHeaderField {
                path: path.to_owned(),
                field,
                offset,
                expected,
                found,
            }
        };
        if b[0..8] != MAGIC {
            let mut found = [0; 8];
            found.copy_from_slice(&b[0..8]);
            return Err(LockchainError::BadMagic {
                path: path.to_owned(),
                found,
            });
        }
        let version = u16_at(b, 8);
        if version != VERSION {
            return Err(bad(
                HeaderField::Version,
                8,
                VERSION.to_string(),
                version.to_string(),
            ));
        }
        let Some(alg) = HashAlgorithm::from_byte(b[10]) else {
            return Err(bad(
                HeaderField::HashAlgorithm,
                10,
                "1 (SHA-256) or 2 (BLAKE3)".to_owned(),
                b[10].to_string(),
            ));
        };
        if b[11] != 0 {
            return Err(bad(
                HeaderField::Flags,
                11,
                "0".to_owned(),
                b[11].to_string(),
            ));
        }
        let size = u32_at(b, 12);
        if u64::from(size) != HEADER_LEN {
            return Err(bad(
                HeaderField::HeaderSize,
                12,
                HEADER_LEN.to_string(),
                size.to_string(),
            ));
        }
        if let Some(i) = b[72..96].iter().position(|&x| x != 0) {
            return Err(bad(
                HeaderField::Reserved,
                72 + i as u64,
                "0".to_owned(),
                b[72 + i].to_string(),
            ));
        }
        let expected = alg.hash(&[&b[..96]]);
        let found = digest_at(b, 96);
        if expected != found {
            return Err(LockchainError::HeaderHashMismatch {
                path: path.to_owned(),
                expected,
                found,
            });
        }
        let committed_len = u64_at(b, 24);
        if committed_len > file_len {
            return Err(LockchainError::CommittedLengthPastEnd {
                path: path.to_owned(),
                committed_len,
                file_len,
            });
        }
        if committed_len < HEADER_LEN {
            return Err(LockchainError::CommittedLengthTooSmall {
                path: path.to_owned(),
                committed_len,
            });
        }
        Ok(Header {
            alg,
            count: u64_at(b, 16),
            committed_len,
            head: digest_at(b, 32),
            created: u64_at(b, 64),
        })
    }
}

/// Zero bytes after a payload of `n` bytes so that the entry hash starts at a multiple of 8.
pub(crate) const fn padding(n: u64) -> u64 {
    (8 - (ENTRY_FIXED + n) % 8) % 8
}

/// Bytes an entry with a payload of `n` bytes occupies: `88 + n + padding`.
pub(crate) const fn entry_size(n: u32) -> u64 {
    let n = n as u64;
    ENTRY_OVERHEAD + n + padding(n)
}

/// Writes an entry into `dst` (exactly [`entry_size`] bytes) and returns its entry hash
/// and its Merkle leaf hash.
pub(crate) fn write_entry(
    dst: &mut [u8],
    alg: HashAlgorithm,
    seq: u64,
    timestamp: u64,
    prev: &Digest,
    payload: &[u8],
) -> (Digest, Digest) {
    let n = payload.len();
    let fixed = ENTRY_FIXED as usize;
    let canonical_len = fixed + n;
    dst[0..4].copy_from_slice(&(n as u32).to_le_bytes());
    dst[4..8].fill(0);
    dst[8..16].copy_from_slice(&seq.to_le_bytes());
    dst[16..24].copy_from_slice(&timestamp.to_le_bytes());
    dst[24..56].copy_from_slice(prev.as_bytes());
    dst[fixed..canonical_len].copy_from_slice(payload);
    let hash_at = dst.len() - 32;
    dst[canonical_len..hash_at].fill(0);
    let canonical = &dst[..canonical_len];
    let hash = alg.hash(&[canonical]);
    let leaf = alg.leaf_hash(canonical);
    dst[hash_at..].copy_from_slice(hash.as_bytes());
    (hash, leaf)
}

/// One entry as stored, borrowed from the file's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawEntry<'a> {
    pub(crate) offset: u64,
    pub(crate) seq: u64,
    pub(crate) timestamp: u64,
    pub(crate) prev: Digest,
    pub(crate) payload: &'a [u8],
    pub(crate) canonical: &'a [u8],
    pub(crate) hash: Digest,
    /// Offset one past the entry.
    pub(crate) end: u64,
}

/// The entry whose bytes (exactly [`entry_size`] of them, payload length first) are
/// `bytes`, starting at file offset `offset`.
fn raw_entry(bytes: &[u8], offset: u64) -> RawEntry<'_> {
    let canonical_len = ENTRY_FIXED as usize + u32_at(bytes, 0) as usize;
    RawEntry {
        offset,
        seq: u64_at(bytes, 8),
        timestamp: u64_at(bytes, 16),
        prev: digest_at(bytes, 24),
        payload: &bytes[ENTRY_FIXED as usize..canonical_len],
        canonical: &bytes[..canonical_len],
        hash: digest_at(bytes, bytes.len() - 32),
        end: offset + bytes.len() as u64,
    }
}

/// Reads the entry at `offset` of `region` (the file's bytes from offset 0) without
/// checking anything but that it fits; `None` if it does not.
pub(crate) fn read_entry(region: &[u8], offset: u64) -> Option<RawEntry<'_>> {
    let start = usize::try_from(offset).ok()?;
    let fixed = region.get(start..start.checked_add(ENTRY_FIXED as usize)?)?;
    let size = usize::try_from(entry_size(u32_at(fixed, 0))).ok()?;
    let bytes = region.get(start..start.checked_add(size)?)?;
    Some(raw_entry(bytes, offset))
}

/// Checks the entry at `offset` of `region` (the file's bytes `[0, committed length)`)
/// in FORMAT.md §1.2's order; `check_hash` also recomputes the entry hash.
pub(crate) fn check_entry<'a>(
    region: &'a [u8],
    offset: u64,
    alg: HashAlgorithm,
    expected_seq: u64,
    prev: &Digest,
    check_hash: bool,
) -> Result<RawEntry<'a>, EntryFault> {
    let available = (region.len() as u64).saturating_sub(offset);
    if available < ENTRY_FIXED {
        return Err(EntryFault::TruncatedEntryHeader { available });
    }
    // `offset + 56 <= region.len()`, so these slices are in bounds.
    let start = offset as usize;
    let fixed = &region[start..start + ENTRY_FIXED as usize];
    let reserved = u32_at(fixed, 4);
    if reserved != 0 {
        return Err(EntryFault::NonZeroReserved { found: reserved });
    }
    let seq = u64_at(fixed, 8);
    if seq != expected_seq {
        return Err(EntryFault::BadSequence {
            expected: expected_seq,
            found: seq,
        });
    }
    let n = u32_at(fixed, 0);
    let needed = entry_size(n);
    if needed > available {
        return Err(EntryFault::BadLength {
            payload_len: n,
            needed,
            available,
        });
    }
    // `offset + needed <= region.len()`, so the entry is in bounds.
    let entry = raw_entry(&region[start..start + needed as usize], offset);
    let pad_start = offset + ENTRY_FIXED + u64::from(n);
    let pad = &region[pad_start as usize..(entry.end - 32) as usize];
    if let Some(i) = pad.iter().position(|&b| b != 0) {
        return Err(EntryFault::NonZeroPadding {
            at: pad_start + i as u64,
        });
    }
    if entry.prev != *prev {
        return Err(EntryFault::BrokenLink {
            expected: *prev,
            found: entry.prev,
        });
    }
    if check_hash {
        let expected = alg.hash(&[entry.canonical]);
        if expected != entry.hash {
            return Err(EntryFault::HashMismatch {
                expected,
                found: entry.hash,
            });
        }
    }
    Ok(entry)
}

/// What a walk over the entries found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WalkEnd {
    /// Entries found.
    pub(crate) count: u64,
    /// The last entry's hash, zeroes when there is none.
    pub(crate) head: Digest,
}

/// Checks every entry of `region` (the file's bytes `[0, end)`) from offset 128 up to
/// exactly its end, calling `visit` on each; on damage returns the entry's sequence
/// number, offset and fault.
pub(crate) fn walk<'a>(
    region: &'a [u8],
    alg: HashAlgorithm,
    check_hash: bool,
    mut visit: impl FnMut(&RawEntry<'a>),
) -> Result<WalkEnd, (u64, u64, EntryFault)> {
    let end = region.len() as u64;
    let mut offset = HEADER_LEN;
    let mut seq = 0u64;
    let mut head = ZERO_DIGEST;
    while offset < end {
        let entry = check_entry(region, offset, alg, seq, &head, check_hash)
            .map_err(|fault| (seq, offset, fault))?;
        visit(&entry);
        head = entry.hash;
        offset = entry.end;
        seq += 1;
    }
    Ok(WalkEnd { count: seq, head })
}

/// Nanoseconds since the Unix epoch, 0 before it, saturating in the year 2554.
pub(crate) fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_sizes_are_multiples_of_8() {
        for n in 0..64u32 {
            let size = entry_size(n);
            assert_eq!(size % 8, 0, "n = {n}");
            assert!(size >= 88 + u64::from(n) && size < 96 + u64::from(n));
        }
        assert_eq!(entry_size(0), 88);
        assert_eq!(entry_size(1), 96);
        assert_eq!(entry_size(8), 96);
        assert_eq!(entry_size(u32::MAX), 88 + u64::from(u32::MAX) + 1);
    }

    #[test]
    fn header_round_trips_and_every_byte_matters() {
        let h = Header {
            alg: HashAlgorithm::Blake3,
            count: 3,
            committed_len: 400,
            head: Digest::new([7; 32]),
            created: 1_700_000_000_000_000_000,
        };
        let b = h.encode();
        let path = Path::new("x");
        assert_eq!(Header::decode(&b, 400, path).unwrap(), h);
        for i in 0..128 {
            let mut c = b;
            c[i] ^= 0x01;
            assert!(Header::decode(&c, 1 << 20, path).is_err(), "byte {i}");
        }
    }

    #[test]
    fn written_entries_check_and_read_back() {
        let alg = HashAlgorithm::Sha256;
        let mut region = vec![0u8; 128];
        let mut prev = ZERO_DIGEST;
        for (seq, payload) in [&b""[..], b"a", b"12345678", b"hello world"]
            .iter()
            .enumerate()
        {
            let at = region.len();
            region.resize(at + entry_size(payload.len() as u32) as usize, 0xee);
            let (hash, leaf) = write_entry(&mut region[at..], alg, seq as u64, 5, &prev, payload);
            assert_eq!(leaf, alg.leaf_hash(&region[at..at + 56 + payload.len()]));
            let e = check_entry(&region, at as u64, alg, seq as u64, &prev, true).unwrap();
            assert_eq!((e.payload, e.hash, e.timestamp), (*payload, hash, 5));
            prev = hash;
        }
        let end = walk(&region, alg, true, |_| {}).unwrap();
        assert_eq!(
            end,
            WalkEnd {
                count: 4,
                head: prev
            }
        );
    }
}
