//! The lockchain's storage, appends, verification and proofs, in one run:
//! `cargo bench -p knhk-runtime --bench lockchain`.
//!
//! - `storage_get/mmap` vs `storage_get/pread`: one random 64-byte record of a file at
//!   least 4× the last-level cache, through `MmapStorage::get` (a reference into the
//!   map) or `pread` into a stack buffer; both read all 64 bytes. The file size is 4×
//!   `/sys/devices/system/cpu/cpu0/cache/index3/size` (32 MiB if unknown), or
//!   `KNHK_BENCH_STORAGE_BYTES` (bytes, or with a `K`/`M`/`G` suffix) for a small run.
//!   The file is kept under the target's scratch directory and reused while valid.
//!   Ratio: `scripts/bench-medians storage_get --ratio storage_get/pread:storage_get/mmap`.
//! - `append/*`: `Lockchain::append` throughput without `sync`, with `sync()` after
//!   every entry, and `append_batch` of 64 then `sync()`, at 64 B and 1 KiB payloads.
//! - `verify/*`: `Lockchain::verify` of a 64 MiB chain (1 KiB payloads), SHA-256 and
//!   BLAKE3, in bytes of committed file per second.
//! - `proof/*`: inclusion proof generation and verification in a chain of 1 M entries.

// The tests' RNG, so the benchmark draws its indices the same way.
#[path = "../tests/lockchain_util/mod.rs"]
mod lockchain_util;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use knhk_runtime::lockchain::{
    CreateOptions, Digest, HashAlgorithm, InclusionProof, Lockchain, LockchainReader,
    verify_inclusion,
};
use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record};
use lockchain_util::Rng;
use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One cache line of data.
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(64))]
struct Line {
    words: [u64; 8],
}

impl Record for Line {
    const TYPE_ID: u64 = 0x6b6e_686b_6265_6e63;
}

fn line(i: u64) -> Line {
    Line {
        words: std::array::from_fn(|w| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ w as u64),
    }
}

/// Reads every byte of the record.
#[inline(always)]
fn fold(l: &Line) -> u64 {
    l.words.iter().fold(0, |a, &w| a ^ w)
}

/// Random indices below `n`, drawn before measuring.
fn random_indices(n: u64, count: usize) -> Vec<u64> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..count).map(|_| rng.below(n)).collect()
}

/// `512K`, `480M`, `2G` or plain bytes.
fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().last()? {
        (i, 'K' | 'k') => (&s[..i], 1 << 10),
        (i, 'M' | 'm') => (&s[..i], 1 << 20),
        (i, 'G' | 'g') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// The storage file's size in bytes, and where it came from.
fn storage_bytes() -> (u64, String) {
    if let Ok(v) = std::env::var("KNHK_BENCH_STORAGE_BYTES") {
        match parse_size(&v) {
            Some(n) => return (n, format!("KNHK_BENCH_STORAGE_BYTES={v}")),
            None => eprintln!("ignoring KNHK_BENCH_STORAGE_BYTES={v:?}: not a size"),
        }
    }
    let sys = "/sys/devices/system/cpu/cpu0/cache/index3/size";
    match std::fs::read_to_string(sys)
        .ok()
        .and_then(|s| parse_size(&s))
    {
        Some(llc) => (4 * llc, format!("4 × L3 of {} MiB ({sys})", llc >> 20)),
        None => (4 * (32 << 20), "4 × an assumed 32 MiB L3".to_owned()),
    }
}

fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("knhk-bench-lockchain");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A synced storage of `n` lines at `path`, reused if it already holds exactly them.
fn storage_file(path: &Path, n: u64) {
    if let Ok(s) = MmapStorageReader::<Line>::open(path)
        && s.len() as u64 == n
        && [0, n / 2, n - 1]
            .iter()
            .all(|&i| s.get(i as usize).map(fold) == Some(fold(&line(i))))
    {
        return;
    }
    let _ = std::fs::remove_file(path);
    let started = Instant::now();
    let mut s = MmapStorage::<Line>::create(path).unwrap();
    s.reserve(n as usize).unwrap();
    for i in 0..n {
        s.push(line(i)).unwrap();
    }
    s.sync().unwrap();
    eprintln!(
        "storage_get: wrote {} in {:.1?}",
        path.display(),
        started.elapsed()
    );
}

fn storage_get(c: &mut Criterion) {
    let (bytes, source) = storage_bytes();
    let n = (bytes.saturating_sub(64) / 64).max(1);
    let path = scratch_dir().join(format!("storage-{n}.stor"));
    storage_file(&path, n);
    eprintln!(
        "storage_get: {n} records of 64 B ({:.2} GiB, {source})",
        (64 + 64 * n) as f64 / f64::from(1 << 30)
    );

    // Map every page, and bring the whole file into the page cache for `pread` too.
    let storage = MmapStorageReader::<Line>::open_populated(&path).unwrap();
    let file = File::open(&path).unwrap();
    let mut chunk = vec![0u8; 1 << 20];
    let mut offset = 0;
    let file_len = 64 + 64 * n;
    while offset < file_len {
        let len = chunk.len().min((file_len - offset) as usize);
        file.read_exact_at(&mut chunk[..len], offset).unwrap();
        offset += len as u64;
    }
    let check: u64 = storage.iter().map(fold).fold(0, |a, x| a ^ x);
    black_box(check);

    const INDICES: usize = 1 << 20;
    let indices = random_indices(n, INDICES);
    let mut group = c.benchmark_group("storage_get");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mmap", |b| {
        let mut k = 0;
        b.iter(|| {
            let i = indices[k % INDICES];
            k += 1;
            fold(storage.get(i as usize).unwrap())
        })
    });
    group.bench_function("pread", |b| {
        let mut k = 0;
        b.iter(|| {
            let i = indices[k % INDICES];
            k += 1;
            let mut buf = Line { words: [0; 8] };
            file.read_exact_at(bytemuck::bytes_of_mut(&mut buf), 64 + 64 * i)
                .unwrap();
            fold(&buf)
        })
    });
    group.finish();
}

/// Appends `iters` entries of `payload` to fresh chains of at most `max_file` bytes
/// each, timing only the appends.
fn append_unsynced(dir: &Path, payload: &[u8], iters: u64, max_file: u64) -> Duration {
    let per_file = (max_file / (88 + payload.len() as u64 + 8)).max(1);
    let path = dir.join("append-unsynced.lockchain");
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let _ = std::fs::remove_file(&path);
        let mut chain = Lockchain::create(&path).unwrap();
        let count = left.min(per_file);
        let start = Instant::now();
        for _ in 0..count {
            black_box(chain.append(payload).unwrap());
        }
        total += start.elapsed();
        left -= count;
    }
    let _ = std::fs::remove_file(&path);
    total
}

fn append(c: &mut Criterion) {
    let dir = scratch_dir();
    let mut group = c.benchmark_group("append");
    for len in [64usize, 1024] {
        let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
        group.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: len as u64,
        });
        group.bench_with_input(BenchmarkId::new("unsynced", len), &payload, |b, p| {
            b.iter_custom(|iters| append_unsynced(&dir, p, iters, 256 << 20))
        });
    }
    group.finish();

    // Every iteration waits for the device: few samples.
    let mut group = c.benchmark_group("append");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for len in [64usize, 1024] {
        let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let path = dir.join(format!("append-synced-{len}.lockchain"));
        let _ = std::fs::remove_file(&path);
        let mut chain = Lockchain::create(&path).unwrap();
        group.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: len as u64,
        });
        group.bench_function(BenchmarkId::new("sync_each", len), |b| {
            b.iter(|| {
                let r = chain.append(&payload).unwrap();
                chain.sync().unwrap();
                r
            })
        });
        let batch: Vec<&[u8]> = vec![&payload; 64];
        group.throughput(Throughput::ElementsAndBytes {
            elements: 64,
            bytes: 64 * len as u64,
        });
        group.bench_function(BenchmarkId::new("sync_batch64", len), |b| {
            b.iter(|| {
                let r = chain.append_batch(&batch).unwrap();
                chain.sync().unwrap();
                r
            })
        });
        drop(chain);
        let _ = std::fs::remove_file(&path);
    }
    group.finish();
}

/// A synced chain of `entries` entries of `payload_len` bytes, rebuilt on every run.
fn build_chain(path: &Path, alg: HashAlgorithm, entries: u64, payload_len: usize) {
    let _ = std::fs::remove_file(path);
    let started = Instant::now();
    let options = CreateOptions {
        hash: alg,
        initial_capacity: 128 + entries * (88 + payload_len as u64 + 8),
    };
    let mut chain = Lockchain::create_with(path, options).unwrap();
    let mut payload = vec![0u8; payload_len];
    for i in 0..entries {
        payload[..8].copy_from_slice(&i.to_le_bytes());
        chain.append(&payload).unwrap();
    }
    chain.sync().unwrap();
    eprintln!(
        "built {} ({entries} entries, {} bytes) in {:.1?}",
        path.display(),
        chain.verify().unwrap().end,
        started.elapsed()
    );
}

fn verify(c: &mut Criterion) {
    let dir = scratch_dir();
    let mut group = c.benchmark_group("verify");
    group
        .sample_size(15)
        .measurement_time(Duration::from_secs(4));
    let entries = (64 << 20) / (88 + 1024);
    for alg in HashAlgorithm::ALL {
        let path = dir.join(format!("verify-{}.lockchain", alg.to_byte()));
        build_chain(&path, alg, entries, 1024);
        let chain = LockchainReader::open(&path).unwrap();
        group.throughput(Throughput::Bytes(chain.verify().unwrap().end));
        let name = if alg == HashAlgorithm::Sha256 {
            "sha256_64MiB"
        } else {
            "blake3_64MiB"
        };
        group.bench_function(name, |b| b.iter(|| chain.verify().unwrap()));
        drop(chain);
        let _ = std::fs::remove_file(&path);
    }
    group.finish();
}

fn proof(c: &mut Criterion) {
    const ENTRIES: u64 = 1 << 20;
    let alg = HashAlgorithm::Sha256;
    let path = scratch_dir().join("proof-1M.lockchain");
    build_chain(&path, alg, ENTRIES, 64);
    let chain = LockchainReader::open(&path).unwrap();
    let root = chain.root();
    let seqs = random_indices(ENTRIES, 4096);
    let proofs: Vec<(u64, Digest, InclusionProof)> = seqs
        .iter()
        .map(|&seq| {
            let leaf = alg.leaf_hash(chain.get(seq).unwrap().canonical_bytes());
            (seq, leaf, chain.inclusion_proof(seq).unwrap())
        })
        .collect();

    let mut group = c.benchmark_group("proof");
    group.bench_function("inclusion_generate_1M", |b| {
        let mut k = 0;
        b.iter(|| {
            let seq = seqs[k % seqs.len()];
            k += 1;
            chain.inclusion_proof(seq).unwrap()
        })
    });
    group.bench_function("inclusion_verify_1M", |b| {
        let mut k = 0;
        b.iter(|| {
            let (seq, leaf, proof) = &proofs[k % proofs.len()];
            k += 1;
            verify_inclusion(alg, &root, ENTRIES, *seq, leaf, proof).unwrap()
        })
    });
    group.finish();
    drop(chain);
    let _ = std::fs::remove_file(&path);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = storage_get, append, verify, proof
}
criterion_main!(benches);
