//! `fnv1a_batch/*`: a scalar loop of `fnv1a_64` over the batch against each batch backend
//! this CPU has, forced, and dispatch; 32-byte keys. See main.rs.
//!
//! - `scalar_loop/N` (over N slices, as the batch functions get them),
//!   `scalar_loop_arrays/N` (over N `[u8; 32]`), `<backend>/N`, `dispatched/N`:
//!   `fnv1a_64_batch*` over N slices;
//! - `hash_batch_8/scalar_loop`, `hash_batch_8/<backend>`, `hash_batch_8/dispatched`:
//!   eight `[u8; 32]` keys.

use criterion::{BenchmarkId, Criterion, Throughput};
use knhk_runtime::hash::fnv1a_64;
use knhk_runtime::simd::{
    self, fnv1a_64_batch, fnv1a_64_batch_with, hash_batch_8, hash_batch_8_with,
};
use std::hint::black_box;

const SIZES: [usize; 3] = [8, 64, 1024];

/// Distinct, deterministic 32-byte keys.
fn keys(n: usize) -> Vec<[u8; 32]> {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            core::array::from_fn(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
        })
        .collect()
}

pub(crate) fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("fnv1a_batch");
    for n in SIZES {
        let keys = keys(n);
        let slices: Vec<&[u8]> = keys.iter().map(|k| k.as_slice()).collect();
        let mut out = vec![0_u64; n];
        group.throughput(Throughput::Elements(n as u64));

        group.bench_function(BenchmarkId::new("scalar_loop", n), |b| {
            b.iter(|| {
                for (hash, key) in out.iter_mut().zip(black_box(&slices)) {
                    *hash = fnv1a_64(key);
                }
                black_box(&mut out);
            })
        });
        // The same loop over `[u8; 32]`s: the length is known, so the compiler unrolls it.
        group.bench_function(BenchmarkId::new("scalar_loop_arrays", n), |b| {
            b.iter(|| {
                for (hash, key) in out.iter_mut().zip(black_box(&keys)) {
                    *hash = fnv1a_64(key);
                }
                black_box(&mut out);
            })
        });
        for backend in simd::available() {
            group.bench_function(BenchmarkId::new(backend.name(), n), |b| {
                b.iter(|| fnv1a_64_batch_with(backend, black_box(&slices), black_box(&mut out)))
            });
        }
        group.bench_function(BenchmarkId::new("dispatched", n), |b| {
            b.iter(|| fnv1a_64_batch(black_box(&slices), black_box(&mut out)))
        });
    }

    let keys: [[u8; 32]; 8] = keys(8).try_into().unwrap_or([[0; 32]; 8]);
    group.throughput(Throughput::Elements(8));
    group.bench_function(BenchmarkId::new("hash_batch_8", "scalar_loop"), |b| {
        b.iter(|| black_box(&keys).map(|key| fnv1a_64(&key)))
    });
    for backend in simd::available() {
        group.bench_function(BenchmarkId::new("hash_batch_8", backend.name()), |b| {
            b.iter(|| hash_batch_8_with(backend, black_box(&keys)))
        });
    }
    group.bench_function(BenchmarkId::new("hash_batch_8", "dispatched"), |b| {
        b.iter(|| hash_batch_8(black_box(&keys)))
    });
    group.finish();
}
