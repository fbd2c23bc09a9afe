//! Every byte of a lockchain's header and committed entries matters: flipping any one
//! of them (two masks, every offset) makes opening or verifying fail, read-only and
//! read-write, without a panic; bytes past the committed length do not matter to a
//! reader. Deleting, reordering or duplicating whole entries is detected too, with the
//! header left alone or forged to match.
#![cfg(unix)]

use crate::lockchain_util::{Rng, scratch};
use knhk_runtime::lockchain::{
    CreateOptions, Digest, HashAlgorithm, Lockchain, LockchainError, LockchainReader, Receipt,
    VerifiedHead,
};
use std::collections::BTreeMap;
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Where the file first grows: a small initial capacity so that an entry crosses it.
const INITIAL_CAPACITY: u64 = 2600;

struct Sample {
    receipts: Vec<Receipt>,
    /// `(offset, end)` of every entry.
    spans: Vec<(usize, usize)>,
    committed_len: usize,
    head: VerifiedHead,
}

/// A committed chain of 24 entries with an empty payload, one crossing the growth
/// boundary at 2600 and one crossing the page boundary at 4096.
fn build(path: &Path, alg: HashAlgorithm) -> Sample {
    let options = CreateOptions {
        hash: alg,
        initial_capacity: INITIAL_CAPACITY,
    };
    let mut chain = Lockchain::create_with(path, options).unwrap();
    let sizes = [
        5usize, 0, 13, 100, 1000, 900, 1700, 7, 8, 9, 0, 31, 64, 250, 1, 2, 3, 17, 40, 99, 128,
        255, 3000, 11,
    ];
    let mut receipts = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        let payload: Vec<u8> = (0..n).map(|j| (i * 31 + j * 7) as u8 | 1).collect();
        receipts.push(chain.append(&payload).unwrap());
        if i % 5 == 4 {
            chain.sync().unwrap();
        }
    }
    chain.sync().unwrap();
    let head = chain.verify().unwrap();
    let spans: Vec<(usize, usize)> = (0..chain.len())
        .map(|seq| {
            let e = chain.get(seq).unwrap();
            let start = e.offset() as usize;
            let end = chain
                .get(seq + 1)
                .map_or(head.end as usize, |n| n.offset() as usize);
            (start, end)
        })
        .collect();
    let crosses = |b: usize| spans.iter().any(|&(s, e)| s < b && b < e);
    assert!(
        crosses(INITIAL_CAPACITY as usize),
        "an entry crosses the growth boundary"
    );
    assert!(crosses(4096), "an entry crosses a page boundary");
    assert!(chain.iter().any(|e| e.payload().is_empty()));
    assert!(chain.len() >= 20);
    drop(chain);
    assert_eq!(
        std::fs::metadata(path).unwrap().len(),
        64 * 1024,
        "the file grew"
    );
    Sample {
        receipts,
        spans,
        committed_len: head.end as usize,
        head,
    }
}

fn read_only_verify(path: &Path) -> Result<VerifiedHead, LockchainError> {
    LockchainReader::open(path).and_then(|c| c.verify())
}

fn read_write_verify(path: &Path) -> Result<VerifiedHead, LockchainError> {
    Lockchain::open(path).and_then(|c| c.verify())
}

/// Runs `check` and turns a panic into a message naming the case.
fn no_panic<T>(case: &str, check: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(v) => v,
        Err(_) => panic!("panicked on {case}"),
    }
}

#[test]
fn flipping_any_committed_byte_fails_open_or_verify() {
    for alg in HashAlgorithm::ALL {
        let path = scratch(&format!("tamper-{}", alg.to_byte()));
        let sample = build(&path, alg);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let original = std::fs::read(&path).unwrap();
        let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut cases = 0;
        for offset in 0..sample.committed_len {
            for mask in [0x01u8, 0xff] {
                file.write_all_at(&[original[offset] ^ mask], offset as u64)
                    .unwrap();
                let case = format!("{alg}: byte {offset} ^ {mask:#04x}");
                let ro = no_panic(&case, || read_only_verify(&path));
                let rw = no_panic(&case, || read_write_verify(&path));
                match (ro, rw) {
                    (Err(ro), Err(rw)) => {
                        assert_eq!(ro.kind(), rw.kind(), "{case}: {ro} / {rw}");
                        *reasons.entry(ro.kind()).or_default() += 1;
                    }
                    (ro, rw) => panic!("{case} was not detected: {ro:?} / {rw:?}"),
                }
                cases += 1;
                file.write_all_at(&original[offset..=offset], offset as u64)
                    .unwrap();
            }
        }
        eprintln!(
            "{alg}: {cases} flips over {} committed bytes, all detected: {reasons:?}",
            sample.committed_len
        );
        // The checks this chain exercises, each at least once (a header flip is caught
        // by the header hash unless an earlier field check catches it first).
        for kind in [
            "bad magic",
            "bad version",
            "bad hash algorithm",
            "bad flags",
            "bad header size",
            "non-zero header reserved",
            "header hash mismatch",
            "non-zero reserved",
            "bad sequence",
            "bad length",
            "non-zero padding",
            "broken link",
            "hash mismatch",
        ] {
            assert!(
                reasons.contains_key(kind),
                "{alg}: no flip was a {kind:?}: {reasons:?}"
            );
        }
        assert_eq!(std::fs::read(&path).unwrap(), original);
        assert_eq!(read_only_verify(&path).unwrap(), sample.head);
    }
}

#[test]
fn bytes_past_the_committed_length_are_not_entries() {
    let path = scratch("tamper-tail");
    let sample = build(&path, HashAlgorithm::Sha256);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    let mut rng = Rng(7);
    let mut offsets: Vec<usize> = (sample.committed_len..sample.committed_len + 200).collect();
    offsets.extend(
        (0..100).map(|_| {
            sample.committed_len + rng.below((len - sample.committed_len) as u64) as usize
        }),
    );
    offsets.push(len - 1);
    for &offset in &offsets {
        file.write_all_at(&[0xff], offset as u64).unwrap();
        // A reader never looks there.
        assert_eq!(
            read_only_verify(&path).unwrap(),
            sample.head,
            "byte {offset}"
        );
        // A writer drops it as an unacknowledged tail, and zeroes it.
        let chain = Lockchain::open(&path).unwrap();
        assert_eq!(
            chain.discarded_tail_bytes(),
            (offset + 1 - sample.committed_len) as u64
        );
        assert_eq!(chain.verify().unwrap(), sample.head);
        drop(chain);
        let mut byte = [1u8];
        file.read_exact_at(&mut byte, offset as u64).unwrap();
        assert_eq!(byte, [0], "byte {offset} zeroed");
    }
}

/// The file with its entries replaced by `order` (indices into the original entries),
/// and its header either kept or forged to describe the new entries.
fn splice(
    original: &[u8],
    sample: &Sample,
    order: &[usize],
    forge: bool,
    alg: HashAlgorithm,
) -> Vec<u8> {
    let mut out = original[..128].to_vec();
    for &i in order {
        let (s, e) = sample.spans[i];
        out.extend_from_slice(&original[s..e]);
    }
    let committed = out.len() as u64;
    out.resize(original.len().max(out.len()), 0);
    if forge {
        let head = order
            .last()
            .map_or(Digest::ZERO, |&i| sample.receipts[i].hash);
        out[16..24].copy_from_slice(&(order.len() as u64).to_le_bytes());
        out[24..32].copy_from_slice(&committed.to_le_bytes());
        out[32..64].copy_from_slice(head.as_bytes());
        let hash = alg.hash(&[&out[..96]]);
        out[96..128].copy_from_slice(hash.as_bytes());
    }
    out
}

#[test]
fn deleted_reordered_or_duplicated_entries_are_detected() {
    let alg = HashAlgorithm::Sha256;
    let path = scratch("tamper-splice");
    let sample = build(&path, alg);
    let original = std::fs::read(&path).unwrap();
    let n = sample.spans.len();
    let all: Vec<usize> = (0..n).collect();
    let without = |k: usize| -> Vec<usize> { all.iter().copied().filter(|&i| i != k).collect() };
    let mut cases: Vec<(String, Vec<usize>)> = vec![
        ("delete the first".into(), without(0)),
        ("delete entry 7".into(), without(7)),
        ("delete the page-crossing one".into(), without(22)),
        ("swap 3 and 4".into(), {
            let mut v = all.clone();
            v.swap(3, 4);
            v
        }),
        ("swap the first and the last".into(), {
            let mut v = all.clone();
            v.swap(0, n - 1);
            v
        }),
        ("reverse".into(), all.iter().rev().copied().collect()),
        ("duplicate entry 5".into(), {
            let mut v = all.clone();
            v.insert(6, 5);
            v
        }),
        ("duplicate the last".into(), {
            let mut v = all.clone();
            v.push(n - 1);
            v
        }),
    ];
    cases.push(("delete the last".into(), without(n - 1)));
    let spliced = scratch("tamper-splice-out");
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (name, order) in &cases {
        for forge in [false, true] {
            let case = format!("{name} (header {})", if forge { "forged" } else { "kept" });
            std::fs::write(&spliced, splice(&original, &sample, order, forge, alg)).unwrap();
            let ro = no_panic(&case, || read_only_verify(&spliced));
            let rw = no_panic(&case, || read_write_verify(&spliced));
            if name == "duplicate the last" && !forge {
                // The copy lies past the committed length: an unacknowledged tail,
                // ignored by a reader and dropped by a writer.
                assert_eq!(ro.unwrap(), sample.head, "{case}");
                assert_eq!(rw.unwrap(), sample.head, "{case}");
                continue;
            }
            if name == "delete the last" && forge {
                // A shorter chain with a consistent header is a valid chain: only a
                // receipt kept from before tells that entries were removed.
                assert_eq!(ro.unwrap().len, n as u64 - 1, "{case}");
                let chain = LockchainReader::open(&spliced).unwrap();
                match chain.verify_against(sample.head.head.as_ref().unwrap()) {
                    Err(e @ LockchainError::Truncated { .. }) => {
                        *reasons.entry(e.kind()).or_default() += 1;
                    }
                    other => panic!("{case}: {other:?}"),
                }
                continue;
            }
            match (ro, rw) {
                (Err(ro), Err(_)) => *reasons.entry(ro.kind()).or_default() += 1,
                (ro, rw) => panic!("{case} was not detected: {ro:?} / {rw:?}"),
            }
        }
    }
    eprintln!("splices: {reasons:?}");
    assert!(reasons.contains_key("bad sequence"), "{reasons:?}");
    assert!(reasons.contains_key("truncated"), "{reasons:?}");
}
