//! Files that are not (or no longer) valid lockchains give typed errors naming the
//! offset, never a panic; a property test feeds thousands of random and mutated files
//! to `open_read_only` + `verify` (and to `open`).
#![cfg(unix)]

use crate::lockchain_util::{Rng, payload_for, scratch};
use knhk_runtime::lockchain::{
    CreateOptions, Digest, EntryFault, HashAlgorithm, HeaderField, Lockchain, LockchainError,
    LockchainReader, VerifiedHead,
};
use proptest::prelude::*;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A valid committed chain of 12 entries, its bytes and the offsets of its entries.
fn valid() -> &'static (Vec<u8>, Vec<u64>, u64) {
    static VALID: OnceLock<(Vec<u8>, Vec<u64>, u64)> = OnceLock::new();
    VALID.get_or_init(|| {
        let path = scratch("bad-files-valid");
        let options = CreateOptions {
            hash: HashAlgorithm::Sha256,
            initial_capacity: 4096,
        };
        let mut chain = Lockchain::create_with(&path, options).unwrap();
        for i in 0..12 {
            chain
                .append(&payload_for(i)[..payload_for(i).len().min(300)])
                .unwrap();
        }
        chain.sync().unwrap();
        let end = chain.verify().unwrap().end;
        let offsets = chain.iter().map(|e| e.offset()).collect();
        drop(chain);
        (std::fs::read(&path).unwrap(), offsets, end)
    })
}

fn open_both(
    path: &Path,
) -> (
    Result<VerifiedHead, LockchainError>,
    Result<VerifiedHead, LockchainError>,
) {
    let ro = LockchainReader::open(path).and_then(|c| c.verify());
    let rw = Lockchain::open(path).and_then(|c| c.verify());
    (ro, rw)
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Rewrites header fields and recomputes the header hash, as a forger would.
fn forge(bytes: &mut [u8], count: Option<u64>, committed: Option<u64>, head: Option<[u8; 32]>) {
    if let Some(c) = count {
        bytes[16..24].copy_from_slice(&c.to_le_bytes());
    }
    if let Some(c) = committed {
        bytes[24..32].copy_from_slice(&c.to_le_bytes());
    }
    if let Some(h) = head {
        bytes[32..64].copy_from_slice(&h);
    }
    let alg = HashAlgorithm::from_byte(bytes[10]).unwrap_or_default();
    let hash = alg.hash(&[&bytes[..96]]);
    bytes[96..128].copy_from_slice(hash.as_bytes());
}

#[test]
fn a_zero_length_file_is_a_truncated_header_at_offset_0() {
    let path = write("zero-length", b"");
    for r in [open_both(&path).0, open_both(&path).1] {
        match r {
            Err(LockchainError::TruncatedHeader {
                file_len: 0,
                path: p,
            }) => assert_eq!(p, path),
            other => panic!("{other:?}"),
        }
    }
    let message = LockchainReader::open(&path).unwrap_err().to_string();
    assert!(message.contains("byte offset 0"), "{message}");
}

#[test]
fn a_truncated_header_names_where_the_file_ends() {
    let (bytes, _, _) = valid();
    for len in [1, 8, 64, 127] {
        let path = write("truncated-header", &bytes[..len]);
        let (ro, rw) = open_both(&path);
        for r in [ro, rw] {
            match r {
                Err(LockchainError::TruncatedHeader { file_len, .. }) => {
                    assert_eq!(file_len, len as u64)
                }
                other => panic!("{len}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_foreign_file_or_random_bytes_are_a_bad_magic_at_offset_0() {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    pdf.resize(4096, b' ');
    let mut rng = Rng(42);
    let random: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    let storage = {
        // An MmapStorage file: right size, wrong magic.
        let mut b = b"KNHKSTOR".to_vec();
        b.resize(4096, 0);
        b
    };
    for (name, bytes) in [("pdf", pdf), ("random", random), ("storage", storage)] {
        let path = write(name, &bytes);
        let (ro, rw) = open_both(&path);
        for r in [ro, rw] {
            match r {
                Err(e @ LockchainError::BadMagic { found, .. }) => {
                    assert_eq!(found[..], bytes[..8]);
                    let message = e.to_string();
                    assert!(message.contains("not a lockchain file"), "{message}");
                    assert!(message.contains("magic at byte offset 0 is `"), "{message}");
                    assert!(message.contains("expected `KNHKLCHN`"), "{message}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}

#[test]
fn header_fields_are_checked_in_order_with_their_offsets() {
    let (bytes, _, _) = valid();
    let cases: [(usize, u8, HeaderField, u64); 6] = [
        (8, 2, HeaderField::Version, 8),
        (10, 3, HeaderField::HashAlgorithm, 10),
        (10, 0, HeaderField::HashAlgorithm, 10),
        (11, 1, HeaderField::Flags, 11),
        (12, 64, HeaderField::HeaderSize, 12),
        (90, 1, HeaderField::Reserved, 90),
    ];
    for (at, value, field, offset) in cases {
        let mut b = bytes.clone();
        b[at] = value;
        let path = write("header-field", &b);
        match LockchainReader::open(&path) {
            Err(LockchainError::BadHeaderField {
                field: f,
                offset: o,
                ..
            }) => {
                assert_eq!((f, o), (field, offset))
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // Two bad fields at once: the earlier in FORMAT.md §1.1's order is reported, so a
    // check done out of order fails here. Every pair of the cases above (except two
    // values of the same byte), in both orders of writing them.
    for (i, &(at_a, value_a, field_a, offset_a)) in cases.iter().enumerate() {
        for &(at_b, value_b, field_b, _) in &cases[i + 1..] {
            if at_a == at_b {
                continue;
            }
            let mut b = bytes.clone();
            b[at_a] = value_a;
            b[at_b] = value_b;
            let path = write("header-two-fields", &b);
            for r in [open_both(&path).0, open_both(&path).1] {
                match r {
                    Err(LockchainError::BadHeaderField {
                        field: f,
                        offset: o,
                        ..
                    }) => assert_eq!((f, o), (field_a, offset_a), "{field_a} and {field_b}"),
                    other => panic!("{field_a} and {field_b}: {other:?}"),
                }
            }
        }
    }
    // The magic comes before every field; the header hash and the committed length
    // come after them all.
    let mut b = bytes.clone();
    b[0] = b'X';
    b[12] = 64;
    let path = write("header-magic-and-size", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::BadMagic { .. })
    ));
    let mut b = bytes.clone();
    forge(&mut b, None, Some(u64::MAX), None);
    b[90] = 1; // reserved, after the hash was computed: both the hash and the field are bad
    let path = write("header-reserved-and-hash", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::BadHeaderField {
            field: HeaderField::Reserved,
            offset: 90,
            ..
        })
    ));
    let mut b = bytes.clone();
    b[16..24].copy_from_slice(&u64::MAX.to_le_bytes()); // count, hash not fixed
    b[24..32].copy_from_slice(&u64::MAX.to_le_bytes()); // committed length past the end
    let path = write("header-hash-and-length", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::HeaderHashMismatch { .. })
    ));
    let mut b = bytes.clone();
    b[20] ^= 1; // the count, without fixing the header hash
    let path = write("header-hash", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::HeaderHashMismatch { .. })
    ));
}

#[test]
fn a_committed_length_past_the_end_of_the_file_is_reported() {
    let (bytes, _, end) = valid();
    // Truncated by something else in the middle of the committed entries.
    let cut = *end as usize - 100;
    let path = write("past-end", &bytes[..cut]);
    let (ro, rw) = open_both(&path);
    for r in [ro, rw] {
        match r {
            Err(e @ LockchainError::CommittedLengthPastEnd { .. }) => {
                let LockchainError::CommittedLengthPastEnd {
                    committed_len,
                    file_len,
                    ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!((committed_len, file_len), (*end, cut as u64));
            }
            other => panic!("{other:?}"),
        }
    }
    // A forged committed length beyond the file.
    let mut b = bytes.clone();
    forge(&mut b, None, Some(u64::MAX), None);
    let path = write("past-end-forged", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::CommittedLengthPastEnd {
            committed_len: u64::MAX,
            ..
        })
    ));
    // And one inside the header.
    let mut b = bytes.clone();
    forge(&mut b, None, Some(100), None);
    let path = write("too-small", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::CommittedLengthTooSmall {
            committed_len: 100,
            ..
        })
    ));
}

#[test]
fn an_entry_length_past_the_committed_end_names_the_entry_and_offset() {
    let (bytes, offsets, end) = valid();
    for (seq, len) in [(0usize, u32::MAX), (5, 100_000), (11, 4000)] {
        let mut b = bytes.clone();
        let at = offsets[seq] as usize;
        b[at..at + 4].copy_from_slice(&len.to_le_bytes());
        let path = write("entry-length", &b);
        let (ro, rw) = open_both(&path);
        for r in [ro, rw] {
            match r {
                Err(LockchainError::Corrupt {
                    seq: s,
                    offset,
                    fault:
                        EntryFault::BadLength {
                            payload_len,
                            available,
                            ..
                        },
                    ..
                }) => {
                    assert_eq!((s, offset, payload_len), (seq as u64, at as u64, len));
                    assert_eq!(available, end - at as u64);
                }
                other => panic!("entry {seq}: {other:?}"),
            }
        }
    }
}

#[test]
fn count_and_head_must_match_the_entries() {
    let (bytes, _, _) = valid();
    let mut b = bytes.clone();
    forge(&mut b, Some(11), None, None);
    let path = write("count", &b);
    assert!(matches!(
        LockchainReader::open(&path),
        Err(LockchainError::CountMismatch {
            header: 11,
            found: 12,
            ..
        })
    ));
    let mut b = bytes.clone();
    forge(&mut b, None, None, Some([9; 32]));
    let path = write("head", &b);
    match LockchainReader::open(&path) {
        Err(LockchainError::HeadMismatch { header, .. }) => {
            assert_eq!(header, Digest::new([9; 32]))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn verify_notices_a_header_changed_behind_a_writer() {
    let path = scratch("changed-header");
    let mut chain = Lockchain::create(&path).unwrap();
    chain.append(b"a").unwrap();
    chain.sync().unwrap();
    let other = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    // Flip a byte of the head hash (writing a fixed value would change nothing when the
    // hash, which covers a timestamp, already held it: one run in 256).
    let byte = std::fs::read(&path).unwrap()[40];
    other.write_all_at(&[!byte], 40).unwrap();
    assert!(matches!(
        chain.verify(),
        Err(LockchainError::HeaderHashMismatch { .. })
    ));
    let mut header = std::fs::read(&path).unwrap()[..128].to_vec();
    header[40] ^= 0xff;
    forge(&mut header, Some(0), Some(128), Some([0; 32]));
    other.write_all_at(&header, 0).unwrap();
    match chain.verify() {
        Err(
            ref e @ LockchainError::HeaderChanged {
                ref found,
                ref expected,
                reader,
                ..
            },
        ) => {
            assert_eq!((found.entries, found.committed_len), (0, 128), "{e}");
            assert_eq!(found.head, Digest::new([0; 32]), "{e}");
            assert_ne!(found, expected, "{e}");
            assert!(!reader, "{e}");
            assert!(e.to_string().contains("0 committed entries"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_forged_header_on_a_sparse_file_is_an_error_not_an_allocation() {
    // A few KiB of data and a 1 TiB hole: a header claiming u64::MAX entries in 1 TiB
    // must not make `open` reserve room for them (an abort on a failed allocation)
    // before the walk finds that the entries are not there.
    let (bytes, _, end) = valid();
    let committed: u64 = 1 << 40;
    let mut b = bytes[..*end as usize].to_vec();
    forge(&mut b, Some(u64::MAX), Some(committed), None);
    let path = write("sparse-forged", &b);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(committed)
        .unwrap();
    let (ro, rw) = open_both(&path);
    std::fs::remove_file(&path).unwrap();
    for r in [ro, rw] {
        match r {
            Err(LockchainError::Corrupt {
                seq: 12,
                offset,
                fault:
                    EntryFault::BadSequence {
                        expected: 12,
                        found: 0,
                    },
                ..
            }) => assert_eq!(offset, *end),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_reader_accepts_a_header_ahead_of_it_but_no_other_change() {
    let path = scratch("reader-header");
    let mut writer = Lockchain::create(&path).unwrap();
    writer.append_batch(&[&b"a"[..], b"b"]).unwrap();
    writer.sync().unwrap();
    let end = writer.verify().unwrap().end;
    let reader = LockchainReader::open(&path).unwrap();
    reader.verify().unwrap();
    let good = std::fs::read(&path).unwrap()[..128].to_vec();
    let other = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    // Valid headers (hash recomputed) that disagree with what the reader opened with
    // without being ahead of it in both count and length.
    let cases = [
        ("another head hash", None, None, Some([9; 32])),
        (
            "a longer length, the same count",
            None,
            Some(end + 88),
            None,
        ),
        ("a larger count, the same length", Some(3), None, None),
        (
            "a larger count, a shorter length",
            Some(3),
            Some(end - 8),
            None,
        ),
    ];
    for (case, count, committed, head) in cases {
        let mut header = good.clone();
        forge(&mut header, count, committed, head);
        other.write_all_at(&header, 0).unwrap();
        match reader.verify() {
            Err(
                ref e @ LockchainError::HeaderChanged {
                    ref found,
                    ref expected,
                    reader,
                    ..
                },
            ) => {
                // The reader's own view is what it opened with; the header on disk
                // differs in the forged field only.
                assert_eq!(expected.entries, 2, "{case}: {e}");
                assert_eq!(found.algorithm, expected.algorithm, "{case}: {e}");
                assert_eq!(found.created_ns, expected.created_ns, "{case}: {e}");
                assert_eq!(found.entries, count.unwrap_or(2), "{case}: {e}");
                assert_eq!(found.committed_len, committed.unwrap_or(end), "{case}: {e}");
                assert_eq!(found.head == expected.head, head.is_none(), "{case}: {e}");
                assert!(reader, "{case}: {e}");
                assert!(
                    e.to_string().contains("or more entries ending further"),
                    "{case}: {e}"
                )
            }
            other => panic!("{case}: {other:?}"),
        }
        other.write_all_at(&good, 0).unwrap();
        reader.verify().unwrap();
    }
    // The writer committing more is a header ahead in both.
    writer.append(b"c").unwrap();
    writer.sync().unwrap();
    assert_eq!(reader.verify().unwrap().len, 2);
}

/// The bytes of entry `seq` with `payload` after an entry hashing to `prev`, and its
/// hash (FORMAT.md §1.2), as a forger would write them.
fn entry_bytes(alg: HashAlgorithm, seq: u64, prev: Digest, payload: &[u8]) -> (Vec<u8>, Digest) {
    let mut b = Vec::new();
    b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&seq.to_le_bytes());
    b.extend_from_slice(&7u64.to_le_bytes());
    b.extend_from_slice(prev.as_bytes());
    b.extend_from_slice(payload);
    let hash = alg.hash(&[&b]);
    b.resize(b.len().next_multiple_of(8), 0);
    b.extend_from_slice(hash.as_bytes());
    (b, hash)
}

#[test]
fn verify_names_an_entry_moved_behind_the_handle() {
    // Entries 1 and 2 (96 bytes each) rewritten behind the handle as a valid pair of
    // 104 and 88 bytes: the chain still checks, but not where the handle has it.
    let rewrite = |path: &Path, at: u64, prev: Digest| {
        let alg = HashAlgorithm::Sha256;
        let (one, one_hash) = entry_bytes(alg, 1, prev, b"0123456789");
        let (two, two_hash) = entry_bytes(alg, 2, one_hash, b"");
        assert_eq!((one.len(), two.len()), (104, 88));
        let other = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        other.write_all_at(&[one, two].concat(), at).unwrap();
        two_hash
    };
    let check = |r: Result<VerifiedHead, LockchainError>, at: u64| match r {
        Err(
            e @ LockchainError::EntryMoved {
                seq: 1,
                expected_offset,
                expected_end,
                found_offset,
                found_end,
                ..
            },
        ) => {
            assert_eq!(
                (expected_offset, expected_end, found_offset, found_end),
                (at, at + 96, at, at + 104)
            );
            assert!(e.to_string().contains("rewritten behind the handle"), "{e}");
        }
        other => panic!("{other:?}"),
    };
    // A writer whose entries 1 and 2 are not synced yet (its header is unchanged).
    let path = scratch("moved-writer");
    let mut writer = Lockchain::create(&path).unwrap();
    let zero = writer.append(b"x").unwrap();
    writer.sync().unwrap();
    writer.append_batch(&[&b"bb"[..], b"cc"]).unwrap();
    let at = writer.get(1).unwrap().offset();
    rewrite(&path, at, zero.hash);
    check(writer.verify(), at);
    // A reader of three committed entries, the header left alone.
    let path = scratch("moved-reader");
    let mut writer = Lockchain::create(&path).unwrap();
    let zero = writer.append(b"x").unwrap();
    writer.append_batch(&[&b"bb"[..], b"cc"]).unwrap();
    writer.sync().unwrap();
    drop(writer);
    let reader = LockchainReader::open(&path).unwrap();
    let at = reader.get(1).unwrap().offset();
    rewrite(&path, at, zero.hash);
    check(reader.verify(), at);
}

/// What a mutation does to a valid file.
#[derive(Clone, Debug)]
enum Mutation {
    Flip {
        at: usize,
        mask: u8,
    },
    Truncate {
        len: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Remove {
        at: usize,
        len: usize,
    },
    /// Header fields replaced, header hash recomputed.
    Forge {
        count: u64,
        committed: u64,
        head_byte: Option<u8>,
    },
    /// An entry's length field replaced (no hash fixed).
    EntryLength {
        seq: usize,
        len: u32,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1..200usize).prop_map(|(at, len)| Mutation::Remove { at, len }),
        (
            prop_oneof![0..20u64, any::<u64>()],
            prop_oneof![0..5000u64, any::<u64>()],
            prop::option::of(any::<u8>())
        )
            .prop_map(|(count, committed, head_byte)| Mutation::Forge {
                count,
                committed,
                head_byte
            }),
        (0..12usize, any::<u32>()).prop_map(|(seq, len)| Mutation::EntryLength { seq, len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation, offsets: &[u64]) {
    match m {
        Mutation::Flip { at, mask } => {
            let i = at % bytes.len().max(1);
            if let Some(b) = bytes.get_mut(i) {
                *b ^= mask;
            }
        }
        Mutation::Truncate { len } => bytes.truncate(len % (bytes.len() + 1)),
        Mutation::Insert { at, bytes: new } => {
            let i = at % (bytes.len() + 1);
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Remove { at, len } => {
            let i = at % (bytes.len() + 1);
            let j = (i + len).min(bytes.len());
            bytes.drain(i..j);
        }
        Mutation::Forge {
            count,
            committed,
            head_byte,
        } => {
            if bytes.len() >= 128 {
                forge(
                    bytes,
                    Some(*count),
                    Some(*committed),
                    head_byte.map(|b| [b; 32]),
                );
            }
        }
        Mutation::EntryLength { seq, len } => {
            let at = offsets[*seq] as usize;
            if bytes.len() >= at + 4 {
                bytes[at..at + 4].copy_from_slice(&len.to_le_bytes());
            }
        }
    }
}

/// Opens `bytes` both ways; any result is fine, a panic is not (proptest reports it).
fn open_anything(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    let ro = LockchainReader::open(path).and_then(|c| {
        let head = c.verify()?;
        // Whatever opened must be readable to the end.
        assert_eq!(c.iter().count() as u64, head.len);
        Ok(head)
    });
    let rw = Lockchain::open(path).and_then(|c| c.verify());
    if let (Ok(ro), Ok(rw)) = (&ro, &rw) {
        assert_eq!(ro.len, rw.len);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        let (bytes, offsets, _) = valid();
        let mut b = bytes.clone();
        for m in &mutations {
            apply(&mut b, m, offsets);
        }
        let path = scratch("proptest-mutated");
        open_anything(&path, &b);
    }

    #[test]
    fn random_files_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        header_kind in 0..3u8,
        alg in 1..=2u8,
    ) {
        let mut b = body;
        // Random bytes, random bytes behind a valid magic, and random header fields
        // behind a valid header hash (so the entry walk sees random entries).
        if header_kind >= 1 && b.len() >= 16 {
            b[..8].copy_from_slice(b"KNHKLCHN");
            b[8..10].copy_from_slice(&1u16.to_le_bytes());
            b[10] = alg;
            b[11] = 0;
            b[12..16].copy_from_slice(&128u32.to_le_bytes());
        }
        if header_kind == 2 && b.len() >= 128 {
            b[72..96].fill(0);
            let committed = 128 + u64::from(b[24]) * 8 % (b.len() as u64 - 127);
            forge(&mut b, None, Some(committed), None);
        }
        let path = scratch("proptest-random");
        open_anything(&path, &b);
    }
}
