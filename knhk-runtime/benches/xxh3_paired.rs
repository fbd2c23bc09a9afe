//! Runtime XXH3 against `xxhash-rust`, measured in pairs: `cargo bench -p knhk-runtime
//! --bench xxh3_paired` (or `scripts/bench-xxh3`, which runs it on two builds).
//!
//! Criterion (`benches/hash/xxh3.rs`) times each function in a window of its own, so on
//! a shared machine the two sides of a ratio see different stretches of the host's load;
//! its control, the peer against itself, moves by ±10–20 % from one window to the next
//! here. This bench alternates the two sides in slices of about 20 µs of work, swaps
//! which goes first every pair, and reports the median over thousands of pairs of each
//! pair's ratio: a stretch of load then falls on both sides of the pairs it touches,
//! and the median sets those pairs aside. The same control (the peer from a second copy
//! of the loop) shows what is left of the noise.
//!
//! It also pairs knhk's AVX-512 backend with its AVX2 one (`avx512_vs_avx2`, > 1: AVX-512
//! is faster) where the CPU has both.
//!
//! Each side is a generic loop over its own closure type, so the hash is inlined into it
//! as it is into a caller's code, as in criterion's `b.iter`.

use knhk_runtime::cpu::Backend;
use knhk_runtime::hash::xxh3_dispatch::{self, Kernel};
use std::hint::black_box;
use std::time::Instant;

/// The input sizes, as in `benches/hash/xxh3.rs`.
const SIZES: [usize; 6] = [16, 128, 240, 1024, 4096, 64 * 1024];

/// Pairs per size, after a warm-up of a tenth as many.
const PAIRS: usize = 20_001;

/// Work per slice, in bytes hashed (about 20 µs at 1–50 GB/s here), at least 64 calls.
const SLICE_BYTES: usize = 256 * 1024;

fn data(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(131) ^ (i >> 7)) as u8)
        .collect()
}

/// Nanoseconds for `calls` calls of `hash` on `input`.
#[inline(never)]
fn slice<F: Fn(&[u8]) -> u64>(hash: &F, input: &[u8], calls: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        black_box(hash(black_box(input)));
    }
    start.elapsed().as_nanos() as f64
}

/// What [`paired`] measured: the median of the per-pair ratios `time(b) / time(a)`
/// (> 1: `a` is faster), its quartiles, and each side's median nanoseconds per call.
struct Paired {
    ratio: f64,
    quartiles: (f64, f64),
    ns: (f64, f64),
}

/// `a` and `b` on `input`, alternated slice by slice.
fn paired<A, B>(a: &A, b: &B, input: &[u8]) -> Paired
where
    A: Fn(&[u8]) -> u64,
    B: Fn(&[u8]) -> u64,
{
    let calls = (SLICE_BYTES / input.len().max(1)).max(64);
    for _ in 0..PAIRS / 10 {
        slice(a, input, calls);
        slice(b, input, calls);
    }
    let mut ratios = Vec::with_capacity(PAIRS);
    let (mut times_a, mut times_b) = (Vec::with_capacity(PAIRS), Vec::with_capacity(PAIRS));
    for pair in 0..PAIRS {
        let (ta, tb) = if pair % 2 == 0 {
            let ta = slice(a, input, calls);
            (ta, slice(b, input, calls))
        } else {
            let tb = slice(b, input, calls);
            (slice(a, input, calls), tb)
        };
        ratios.push(tb / ta);
        times_a.push(ta / calls as f64);
        times_b.push(tb / calls as f64);
    }
    for v in [&mut ratios, &mut times_a, &mut times_b] {
        v.sort_by(f64::total_cmp);
    }
    let (median, quarter) = (PAIRS / 2, PAIRS / 4);
    Paired {
        ratio: ratios[median],
        quartiles: (ratios[quarter], ratios[PAIRS - 1 - quarter]),
        ns: (times_a[median], times_b[median]),
    }
}

/// For each of `sizes`: checks that `a` and `b` agree, then (unless `quick`) pairs them
/// and prints one line, `xxh3_paired/<name><size> ratio [quartiles]  times`.
fn compare<A, B>(
    name: &str,
    (a_name, a): (&str, A),
    (b_name, b): (&str, B),
    sizes: &[usize],
    quick: bool,
) where
    A: Fn(&[u8]) -> u64,
    B: Fn(&[u8]) -> u64,
{
    for &len in sizes {
        let input = data(len);
        assert_eq!(
            a(&input),
            b(&input),
            "{a_name} and {b_name} disagree at {len} B"
        );
        if quick {
            continue;
        }
        let Paired {
            ratio,
            quartiles: (low, high),
            ns: (ta, tb),
        } = paired(&a, &b, &input);
        let id = format!("xxh3_paired/{name}{len}");
        println!(
            "{id:<34} {ratio:.3} [{low:.3} {high:.3}]  {a_name} {ta:.2} ns, {b_name} {tb:.2} ns"
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing of the kind
    // and only wants to know that the bench builds and the sides agree.
    let quick = !std::env::args().any(|a| a == "--bench");
    let knhk = ("knhk", |i: &[u8]| xxh3_dispatch::xxh3_64(i));
    let peer = ("xxhash-rust", |i: &[u8]| xxhash_rust::xxh3::xxh3_64(i));
    let peer_again = ("again", |i: &[u8]| xxhash_rust::xxh3::xxh3_64(i));
    println!("xxh3_paired: backend {}", xxh3_dispatch::backend());
    println!(
        "throughput ratio, the first named side over the second: median of {PAIRS} pairs [quartiles]"
    );
    compare("", knhk, peer, &SIZES, quick);
    // knhk's AVX-512 backend against its AVX2 one, where the CPU has both: whether the
    // detected backend is the faster one at the lengths that run the stripe loop.
    let kernel = |backend| Kernel::available().find(|k| k.backend() == backend);
    if let (Some(wide), Some(narrow)) = (kernel(Backend::Avx512), kernel(Backend::Avx2)) {
        let wide = ("avx512", move |i: &[u8]| wide.xxh3_64(i));
        let narrow = ("avx2", move |i: &[u8]| narrow.xxh3_64(i));
        compare(
            "avx512_vs_avx2/",
            wide,
            narrow,
            &[256, 1024, 4096, 64 * 1024],
            quick,
        );
    }
    compare("control/", peer_again, peer, &[16, 128], quick);
}
