//! Runtime XXH3 against `xxhash-rust`, which picks its SIMD path at compile time by
//! `cfg(target_feature)`: built as cargo builds benches here (no `-C target-cpu`), that
//! is its SSE2 path on x86_64. knhk's runtime picks its backend when it runs.
//!
//! - `xxh3/knhk_dispatched/N` vs `xxh3/xxhash_rust/N`: XXH3-64 (`hash::xxh3_dispatch`),
//!   N from 16 B to 64 KiB;
//! - `xxh3/xxhash_rust_again/N`, N = 16 and 128: the peer from a second closure, a
//!   control for the ratios at the sizes where both sides run the same instructions;
//! - `xxh3/knhk_dispatched_128/4096` vs `xxh3/xxhash_rust_128/4096`: XXH3-128;
//! - `xxh3/knhk_const/4096`: the `const fn` called at runtime, for information;
//! - `xxh3/knhk_<backend>/N`: each backend the CPU runs, called explicitly, at 1 KiB,
//!   4 KiB and 64 KiB, so that the SSE2 backend can be compared with the peer's SSE2
//!   path like for like, and the backends with one another.

use criterion::{BenchmarkId, Criterion, Throughput};
use knhk_runtime::hash;
use knhk_runtime::hash::xxh3_dispatch::{self, Kernel};
use std::hint::black_box;

const SIZES: [usize; 6] = [16, 128, 240, 1024, 4096, 64 * 1024];

/// The sizes at which each backend is benched on its own: all in the stripe loop.
const BACKEND_SIZES: [usize; 3] = [1024, 4096, 64 * 1024];

fn data(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(131) ^ (i >> 7)) as u8)
        .collect()
}

/// Whether to bench the peer before knhk at each size: `XXH3_PEER_FIRST=1`, which
/// `scripts/bench-xxh3` sets every other round so that neither side always runs second.
fn peer_first() -> bool {
    std::env::var_os("XXH3_PEER_FIRST").is_some_and(|v| v == "1")
}

pub(crate) fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("xxh3");
    for len in SIZES {
        let input = data(len);
        group.throughput(Throughput::Bytes(len as u64));
        for peer in [peer_first(), !peer_first()] {
            if peer {
                group.bench_with_input(BenchmarkId::new("xxhash_rust", len), &input[..], |b, i| {
                    b.iter(|| xxhash_rust::xxh3::xxh3_64(black_box(i)))
                });
            } else {
                group.bench_with_input(
                    BenchmarkId::new("knhk_dispatched", len),
                    &input[..],
                    |b, i| b.iter(|| xxh3_dispatch::xxh3_64(black_box(i))),
                );
            }
        }
    }

    // A control: the peer again, from a second closure (so from other addresses), at the
    // sizes where knhk and the peer compile to the same instructions. Its ratio to
    // `xxhash_rust` is what placement and the machine's noise alone make of a ratio.
    for len in [16, 128] {
        let input = data(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(
            BenchmarkId::new("xxhash_rust_again", len),
            &input[..],
            |b, i| b.iter(|| xxhash_rust::xxh3::xxh3_64(black_box(i))),
        );
    }

    let input = data(4096);
    group.throughput(Throughput::Bytes(4096));
    group.bench_with_input(
        BenchmarkId::new("knhk_dispatched_128", 4096),
        &input[..],
        |b, i| b.iter(|| xxh3_dispatch::xxh3_128(black_box(i))),
    );
    group.bench_with_input(
        BenchmarkId::new("xxhash_rust_128", 4096),
        &input[..],
        |b, i| b.iter(|| xxhash_rust::xxh3::xxh3_128(black_box(i))),
    );
    group.bench_with_input(BenchmarkId::new("knhk_const", 4096), &input[..], |b, i| {
        b.iter(|| hash::xxh3_64(black_box(i)))
    });
    for len in BACKEND_SIZES {
        let input = data(len);
        group.throughput(Throughput::Bytes(len as u64));
        for kernel in Kernel::available() {
            let name = format!("knhk_{}", kernel.backend().name());
            group.bench_with_input(BenchmarkId::new(name, len), &input[..], |b, i| {
                b.iter(|| kernel.xxh3_64(black_box(i)))
            });
        }
    }
    group.finish();
}
