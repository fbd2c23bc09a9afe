//! `MmapStorage` through its public API: round trips across reopens and growth, every
//! header check, unsynced records after a reopen, the writer lock, read-only handles
//! that never write, and random push/sync/reopen sequences against a `Vec` model.
#![cfg(unix)]

use crate::lockchain_util::scratch;
use knhk_runtime::mapped_file::{FileError, Mapping};
use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record, StorageError};
use proptest::prelude::*;
use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// A 64-byte record; its words derive from its index so every byte can be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct Line {
    words: [u64; 8],
}

impl Record for Line {
    const TYPE_ID: u64 = 0x4c49_4e45;
}

fn line(i: u64) -> Line {
    Line {
        words: std::array::from_fn(|w| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ w as u64),
    }
}

/// Same size as [`Line`], another type id.
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct OtherLine {
    bytes: [u8; 64],
}

impl Record for OtherLine {
    const TYPE_ID: u64 = 0x0123_4567;
}

/// Same type id as [`Line`], another size: a layout change that forgot to change the id.
#[derive(Clone, Copy, Debug, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct ShortLine {
    words: [u64; 4],
}

impl Record for ShortLine {
    const TYPE_ID: u64 = Line::TYPE_ID;
}

/// A synced storage of `n` lines.
fn storage_of(name: &str, n: u64) -> PathBuf {
    let path = scratch(name);
    let mut s = MmapStorage::<Line>::create(&path).unwrap();
    for i in 0..n {
        s.push(line(i)).unwrap();
    }
    s.sync().unwrap();
    path
}

fn patch(path: &PathBuf, offset: u64, bytes: &[u8]) {
    let f = OpenOptions::new().write(true).open(path).unwrap();
    f.write_all_at(bytes, offset).unwrap();
}

fn check_lines<M: Mapping>(s: &MmapStorageReader<Line, M>, n: u64) {
    assert_eq!(s.len(), n as usize);
    assert_eq!(s.is_empty(), n == 0);
    for i in 0..n {
        assert_eq!(s.get(i as usize), Some(&line(i)), "record {i}");
    }
    assert_eq!(s.get(n as usize), None);
    assert_eq!(s.get(usize::MAX), None);
    assert!(s.iter().copied().eq((0..n).map(line)));
    assert_eq!(s.as_slice().len(), n as usize);
}

#[test]
fn round_trip_across_reopen_and_growth() {
    let path = scratch("round-trip.stor");
    let mut s = MmapStorage::<Line>::create(&path).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 64 * 1024);
    let mut lengths = vec![];
    for i in 0..20_000 {
        assert_eq!(s.push(line(i)).unwrap(), i as usize);
        let len = std::fs::metadata(&path).unwrap().len();
        if lengths.last() != Some(&len) {
            lengths.push(len);
        }
    }
    // 20 000 × 64 + 64 bytes need 2 MiB: five doublings from 64 KiB.
    assert_eq!(
        lengths,
        [1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21]
    );
    check_lines(&s, 20_000);
    s.sync().unwrap();
    drop(s);

    let mut s = MmapStorage::<Line>::open(&path).unwrap();
    check_lines(&s, 20_000);
    for i in 20_000..40_000 {
        s.push(line(i)).unwrap();
    }
    s.sync().unwrap();
    drop(s);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 22);

    let s = MmapStorageReader::<Line>::open(&path).unwrap();
    check_lines(&s, 40_000);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[24..32], &40_000u64.to_le_bytes());
    assert_eq!(
        &bytes[64 + 64 * 12_345..64 + 64 * 12_346],
        bytemuck::bytes_of(&line(12_345))
    );
}

#[test]
fn wrong_type_id_names_both_ids() {
    let path = storage_of("type-id.stor", 3);
    let err = MmapStorageReader::<OtherLine>::open(&path).unwrap_err();
    let StorageError::TypeIdMismatch {
        expected, found, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*expected, *found), (0x0123_4567, 0x4c49_4e45));
    let message = err.to_string();
    assert!(
        message.contains("record type id at byte offset 16 is 0x4c494e45"),
        "{message}"
    );
    assert!(
        message.contains("`integration::mmap_storage::OtherLine` declares 0x1234567"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(matches!(
        MmapStorage::<OtherLine>::open(&path),
        Err(StorageError::TypeIdMismatch { .. })
    ));
}

#[test]
fn wrong_record_size_names_both_sizes() {
    let path = storage_of("record-size.stor", 3);
    let err = MmapStorage::<ShortLine>::open(&path).unwrap_err();
    let StorageError::RecordSizeMismatch {
        expected, found, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*expected, *found), (32, 64));
    let message = err.to_string();
    assert!(
        message.contains(
            "record size at byte offset 12 is 64 bytes, `integration::mmap_storage::ShortLine` is 32 bytes"
        ),
        "{message}"
    );
    // The refused open released its lock: the right type opens read-write.
    check_lines(&MmapStorage::<Line>::open(&path).unwrap(), 3);
}

#[test]
fn foreign_files_are_not_storage() {
    let path = scratch("foreign.lockchain");
    let mut lockchain_like = b"KNHKLCHN".to_vec();
    lockchain_like.resize(4096, 0);
    std::fs::write(&path, &lockchain_like).unwrap();
    let err = MmapStorage::<Line>::open(&path).unwrap_err();
    assert!(
        matches!(&err, StorageError::BadMagic { found, .. } if found == b"KNHKLCHN"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("not an MmapStorage file: magic at byte offset 0 is `KNHKLCHN` (4b4e484b4c43484e), expected `KNHKSTOR`"),
        "{message}"
    );

    // Shorter than the header, but not storage all the same.
    let path = scratch("text.txt");
    std::fs::write(
        &path,
        "hello, this is a text file and nothing more\n\u{1}\u{2}\u{3}....",
    )
    .unwrap();
    let err = MmapStorageReader::<Line>::open(&path).unwrap_err();
    assert!(err.to_string().contains("`hello, t`"), "{err}");
}

#[test]
fn bad_version_and_reserved_bytes() {
    let path = storage_of("version.stor", 1);
    patch(&path, 8, &2u16.to_le_bytes());
    let err = MmapStorageReader::<Line>::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StorageError::BadVersion {
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{err:?}"
    );

    for offset in [10u64, 11, 32, 47, 63] {
        let path = storage_of("reserved.stor", 1);
        patch(&path, offset, &[0x80]);
        let err = MmapStorage::<Line>::open(&path).unwrap_err();
        assert!(
            matches!(err, StorageError::NonZeroReserved { offset: o, found: 0x80, .. } if o == offset),
            "offset {offset}: {err:?}"
        );
    }
}

#[test]
fn truncated_header_and_zero_length_file() {
    for len in [0usize, 1, 8, 63] {
        let full = storage_of("truncated.stor", 2);
        let bytes = std::fs::read(&full).unwrap();
        let path = scratch("truncated-header.stor");
        std::fs::write(&path, &bytes[..len]).unwrap();
        for err in [
            MmapStorage::<Line>::open(&path).unwrap_err(),
            MmapStorageReader::<Line>::open(&path).unwrap_err(),
        ] {
            assert!(
                matches!(err, StorageError::TruncatedHeader { file_len, .. } if file_len == len as u64),
                "{len}: {err:?}"
            );
            assert!(
                err.to_string().contains("inside the 64-byte header"),
                "{err}"
            );
        }
    }
}

#[test]
fn length_past_end_of_file() {
    // The header claims more records than the file holds.
    let path = storage_of("length.stor", 5);
    let file_len = std::fs::metadata(&path).unwrap().len();
    let fits = (file_len - 64) / 64;
    patch(&path, 24, &fits.to_le_bytes());
    assert_eq!(
        MmapStorageReader::<Line>::open(&path).unwrap().len(),
        fits as usize
    );
    patch(&path, 24, &(fits + 1).to_le_bytes());
    let err = MmapStorage::<Line>::open(&path).unwrap_err();
    assert!(
        matches!(err, StorageError::LengthPastEnd { len, needed, file_len: f, .. }
            if len == fits + 1 && needed == 64 + (fits + 1) * 64 && f == file_len),
        "{err:?}"
    );
    // A length whose byte count overflows is past the end too, not a panic.
    patch(&path, 24, &u64::MAX.to_le_bytes());
    let err = MmapStorageReader::<Line>::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StorageError::LengthPastEnd {
                needed: u64::MAX,
                ..
            }
        ),
        "{err:?}"
    );

    // The file was cut by something else after the last sync.
    let path = storage_of("cut.stor", 100);
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(64 + 99 * 64 + 10)
        .unwrap();
    let err = MmapStorageReader::<Line>::open(&path).unwrap_err();
    assert!(
        err.to_string().contains(
            "length 100 (header byte offset 24) needs 6464 bytes, past the end of the file at 6410"
        ),
        "{err}"
    );
}

#[test]
fn records_not_synced_are_gone_after_reopen() {
    let path = scratch("unsynced.stor");
    let mut s = MmapStorage::<Line>::create(&path).unwrap();
    for i in 0..10 {
        s.push(line(i)).unwrap();
    }
    s.sync().unwrap();
    for i in 10..2000 {
        s.push(line(i)).unwrap(); // grows the file, never synced
    }
    assert_eq!((s.len(), s.synced_len()), (2000, 10));
    drop(s);

    let reader = MmapStorageReader::<Line>::open(&path).unwrap();
    check_lines(&reader, 10);
    let mut s = MmapStorage::<Line>::open(&path).unwrap();
    check_lines(&s, 10);
    assert_eq!(s.synced_len(), 10);
    // The next push takes index 10, over the unsynced bytes.
    assert_eq!(s.push(line(1_000_000)).unwrap(), 10);
    assert_eq!(s.get(10), Some(&line(1_000_000)));
    assert_eq!(s.get(11), None);
    s.sync().unwrap();
    drop(s);
    let s = MmapStorageReader::<Line>::open(&path).unwrap();
    assert_eq!(s.len(), 11);
    assert_eq!(s.get(10), Some(&line(1_000_000)));
}

#[test]
fn a_reader_never_writes() {
    let path = storage_of("read-only.stor", 3000);
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    for populated in [false, true] {
        let s = if populated {
            MmapStorageReader::<Line>::open_populated(&path).unwrap()
        } else {
            MmapStorageReader::<Line>::open(&path).unwrap()
        };
        check_lines(&s, 3000);
    }
    // Refused opens of the wrong type do not write either.
    assert!(MmapStorageReader::<OtherLine>::open(&path).is_err());

    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn one_writer_at_a_time_and_readers_beside_it() {
    let path = storage_of("lock.stor", 4);
    let mut writer = MmapStorage::<Line>::open(&path).unwrap();
    let err = MmapStorage::<Line>::open(&path).unwrap_err();
    assert!(
        matches!(err, StorageError::File(FileError::Locked { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("MmapStorageReader::open"), "{err}");

    let reader = MmapStorageReader::<Line>::open(&path).unwrap();
    for i in 4..5000 {
        writer.push(line(i)).unwrap(); // remaps the writer several times
    }
    writer.sync().unwrap();
    // The reader keeps the records synced when it opened, in place.
    check_lines(&reader, 4);
    check_lines(&MmapStorageReader::<Line>::open(&path).unwrap(), 5000);
    drop(writer);
    check_lines(&MmapStorage::<Line>::open(&path).unwrap(), 5000);
}

#[test]
fn create_refuses_an_existing_file() {
    let path = storage_of("exists.stor", 7);
    let err = MmapStorage::<Line>::create(&path).unwrap_err();
    assert!(
        matches!(&err, StorageError::File(FileError::Io { op: "create", source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err:?}"
    );
    check_lines(&MmapStorageReader::<Line>::open(&path).unwrap(), 7);
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[test]
fn create_and_growth_reserve_the_blocks_of_the_file() {
    use std::os::unix::fs::MetadataExt;
    // Blocks reserved up front: a store into the map can never meet a full disk (a
    // sparse file would raise SIGBUS there instead of an error from `push`).
    let allocated = |path: &PathBuf| {
        let m = std::fs::metadata(path).unwrap();
        (m.blocks() * 512, m.len())
    };
    let path = scratch("blocks.stor");
    let mut s = MmapStorage::<Line>::create(&path).unwrap();
    let (blocks, len) = allocated(&path);
    assert_eq!(len, 64 * 1024);
    assert!(blocks >= len, "create: {blocks} bytes of blocks for {len}");
    s.reserve(10_000).unwrap();
    let (blocks, len) = allocated(&path);
    assert_eq!(len, 1 << 20);
    assert!(blocks >= len, "growth: {blocks} bytes of blocks for {len}");
}

#[derive(Clone, Debug)]
enum Op {
    Push(u64),
    PushMany(u16),
    Sync,
    /// Drop the writer without syncing and open it again.
    Reopen,
    /// Check a read-only handle opened now.
    Read,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u64>().prop_map(Op::Push),
        1 => (0u16..1500).prop_map(Op::PushMany),
        2 => Just(Op::Sync),
        1 => Just(Op::Reopen),
        1 => Just(Op::Read),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_push_sync_reopen_matches_a_vec(ops in prop::collection::vec(op(), 1..30)) {
        let path = scratch("model.stor");
        let mut s = MmapStorage::<Line>::create(&path).unwrap();
        let mut model: Vec<Line> = Vec::new();
        let mut synced = 0;
        for op in ops {
            match op {
                Op::Push(x) => {
                    prop_assert_eq!(s.push(line(x)).unwrap(), model.len());
                    model.push(line(x));
                }
                Op::PushMany(n) => {
                    for k in 0..u64::from(n) {
                        let r = line(k ^ model.len() as u64);
                        s.push(r).unwrap();
                        model.push(r);
                    }
                }
                Op::Sync => {
                    s.sync().unwrap();
                    synced = model.len();
                }
                Op::Reopen => {
                    drop(s);
                    s = MmapStorage::<Line>::open(&path).unwrap();
                    model.truncate(synced);
                }
                Op::Read => {
                    let r = MmapStorageReader::<Line>::open(&path).unwrap();
                    prop_assert_eq!(r.as_slice(), &model[..synced]);
                }
            }
            prop_assert_eq!(s.len(), model.len());
            prop_assert_eq!(s.synced_len(), synced);
            prop_assert!(s.capacity() >= s.len());
        }
        prop_assert_eq!(s.as_slice(), &model[..]);
        drop(s);
        let r = MmapStorageReader::<Line>::open(&path).unwrap();
        prop_assert_eq!(r.as_slice(), &model[..synced]);
        let _ = std::fs::remove_file(&path);
    }
}
