//! `#[hot_path]` against its peers, in one run:
//!
//! - `plain` vs `not_measuring` (and the same with a 64-element loop, `_sum`): zero
//!   cost when off (ratio of medians 0.97–1.03);
//! - `measuring` vs `fenced_pair` (the probe's own sequence, `read_start()` then
//!   `read_end()`, around the same call): recording hides behind the reads (≤ 1.1×);
//! - `measuring` vs `tracing_instrument`: `#[tracing::instrument]` with a `Registry`
//!   subscriber (≤ 0.7× its cost, while also timing the call);
//! - `measuring_2_threads`: two threads recording into one path;
//! - `estimate_ticks_hash` vs `measure()` of FNV-1a, and `measure()` of workloads of
//!   known relative cost (printed before the benchmarks);
//! - `measure_path()` of a path against `measure()` of the same code unprobed, and what
//!   a suspended probe costs (printed);
//! - the two per-call means of dependent chains several resolutions long: (a) the
//!   amortized `measure_path()` figure and (b) the probe's own mean (printed).
//!
//! Run: `cargo bench -p knhk-runtime --bench hot_path`; and once more with
//! `--features test-counter` to see what the injectable counter costs when built in
//! (the default build has no branch for it).

use criterion::{Criterion, criterion_group, criterion_main};
use knhk_runtime::hash::fnv1a_64;
use knhk_runtime::{estimate_ticks_hash, hot_path, measure, measure_path, report, tick, warm_path};
use std::hint::black_box;
use std::time::{Duration, Instant};

#[inline(never)]
fn plain(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

#[hot_path(8, measure = "never")]
#[inline(never)]
fn not_measuring(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

/// A larger body (~15 ns), where code placement moves the ratio less than for a
/// sub-nanosecond call.
#[inline(never)]
fn plain_sum(xs: &[u64; 64]) -> u64 {
    xs.iter().fold(0, |a, &x| a.rotate_left(3) ^ x)
}

#[warm_path(1_000, measure = "never")]
#[inline(never)]
fn not_measuring_sum(xs: &[u64; 64]) -> u64 {
    xs.iter().fold(0, |a, &x| a.rotate_left(3) ^ x)
}

#[hot_path(8, measure = "always", name = "bench.measuring")]
#[inline(never)]
fn measuring(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

#[hot_path(8, measure = "always", name = "bench.measuring_2_threads")]
#[inline(never)]
fn measuring_shared(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

#[tracing::instrument(level = "info", skip_all)]
#[inline(never)]
fn instrumented(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

fn per_call(c: &mut Criterion) {
    knhk_runtime::tick::calibrate();
    let mut group = c.benchmark_group("hot_path");
    group.bench_function("plain", |b| b.iter(|| plain(black_box(42))));
    group.bench_function("not_measuring", |b| b.iter(|| not_measuring(black_box(42))));
    let xs: [u64; 64] = std::array::from_fn(|i| i as u64 * 0x9e37);
    group.bench_function("plain_sum", |b| b.iter(|| plain_sum(black_box(&xs))));
    group.bench_function("not_measuring_sum", |b| {
        b.iter(|| not_measuring_sum(black_box(&xs)))
    });
    group.bench_function("fenced_pair", |b| {
        b.iter(|| {
            let start = tick::read_start();
            let r = plain(black_box(42));
            let end = tick::read_end();
            black_box(end.since(start));
            r
        })
    });
    group.bench_function("measuring", |b| b.iter(|| measuring(black_box(42))));
    let subscriber = tracing_subscriber::registry();
    tracing::subscriber::with_default(subscriber, || {
        group.bench_function("tracing_instrument", |b| {
            b.iter(|| instrumented(black_box(42)))
        });
    });
    group.bench_function("measuring_2_threads", |b| {
        b.iter_custom(|iters| {
            let per_thread = iters.div_ceil(2);
            let barrier = std::sync::Barrier::new(2);
            let start = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        barrier.wait();
                        for i in 0..per_thread {
                            black_box(measuring_shared(black_box(i)));
                        }
                    });
                }
            });
            // Wall time for iters calls made by two threads at once: the cost per call
            // as each thread sees it is this × 2.
            start.elapsed()
        })
    });
    group.finish();
}

/// The per-byte cost model `estimate_ticks_hash` beside what `measure()` finds for FNV-1a.
fn estimate_against_measure(_: &mut Criterion) {
    println!("estimate_ticks_hash(n) vs measure(fnv1a_64 over n bytes), in TSC ticks:");
    for n in [4_usize, 32, 256, 4096] {
        let data = vec![0xa5_u8; n];
        let m = measure(100_000 / n.max(16) as u64 * 16, || {
            fnv1a_64(black_box(&data))
        });
        println!(
            "  n = {n:>5}: estimate {:>6}, measured {:>9.1} ({:.2} ticks/byte)",
            estimate_ticks_hash(n),
            m.ticks_per_call,
            m.ticks_per_call / n as f64
        );
    }
}

/// A dependent chain of `n` steps (a multiply through `black_box`, so the compiler can
/// neither fold nor reassociate it): its cost is proportional to `n`.
#[inline(never)]
fn chain(n: u64, seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..n {
        x = black_box(x).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 29);
    }
    x
}

/// `measure()` against workloads of known relative cost: chains of n steps, each call
/// fed the previous call's result (so calls cannot overlap and the cost is latency),
/// and the same with independent calls (throughput: short chains overlap).
fn measure_accuracy(_: &mut Criterion) {
    println!("measure() of dependent chains of n steps (cost proportional to n):");
    for (label, chained) in [
        ("each call fed the last result", true),
        ("independent calls", false),
    ] {
        println!("  {label}:");
        let mut base = None;
        for n in [16_u64, 32, 64, 128, 256, 512] {
            let mut x = 3_u64;
            let m = measure(20_000, || {
                let seed = if chained { x } else { black_box(3) };
                x = chain(black_box(n), seed);
                x
            });
            let base = *base.get_or_insert(m.ticks_per_call);
            println!(
                "    n = {n:>3}: {:>8.1} ticks, {:.3} ticks/step, ratio to n = 16: {:>6.3} (expected {:>4.1})",
                m.ticks_per_call,
                m.ticks_per_call / n as f64,
                m.ticks_per_call / base,
                n as f64 / 16.0
            );
        }
    }
}

/// Time per call of `f` over `calls` calls, in ns.
fn per_call_ns(calls: u64, mut f: impl FnMut(u64) -> u64) -> f64 {
    let start = Instant::now();
    for i in 0..calls {
        black_box(f(black_box(i)));
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

/// The ratios of the targets again, each from rounds that alternate the two sides
/// (median of 41 rounds, with the quartiles): on a shared machine whose speed drifts
/// between criterion's benchmarks, the ratio within a round is the steadier figure.
fn interleaved(_: &mut Criterion) {
    const ROUNDS: usize = 41;
    const CALLS: u64 = 100_000;
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry());
    type Side<'a> = &'a dyn Fn() -> f64;
    let pairs: [(&str, Side<'_>, Side<'_>); 3] = [
        (
            "measuring / fenced_pair",
            &|| per_call_ns(CALLS, measuring),
            &|| {
                per_call_ns(CALLS, |x| {
                    let start = tick::read_start();
                    let r = plain(x);
                    let end = tick::read_end();
                    black_box(end.since(start));
                    r
                })
            },
        ),
        (
            "measuring / tracing_instrument",
            &|| per_call_ns(CALLS, measuring),
            &|| tracing::dispatcher::with_default(&dispatch, || per_call_ns(CALLS, instrumented)),
        ),
        (
            "not_measuring / plain",
            &|| per_call_ns(CALLS * 10, not_measuring),
            &|| per_call_ns(CALLS * 10, plain),
        ),
    ];
    println!("interleaved rounds (median ratio [quartiles], median ns of each side):");
    for (label, a, b) in pairs {
        let (mut ratios, mut a_ns, mut b_ns) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let (x, y) = (a(), b());
            ratios.push(x / y);
            a_ns.push(x);
            b_ns.push(y);
        }
        for v in [&mut ratios, &mut a_ns, &mut b_ns] {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "  {label:<32} {:.3} [{:.3}, {:.3}]   {:.2} ns / {:.2} ns",
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4],
            a_ns[ROUNDS / 2],
            b_ns[ROUNDS / 2]
        );
    }
}

/// `measure_path()` of a probed path against `measure()` of the same code unprobed: the
/// suspended probe's cost is subtracted, so the two should agree.
fn suspended_probe(_: &mut Criterion) {
    println!(
        "feature test-counter: {}",
        if cfg!(feature = "test-counter") {
            "on"
        } else {
            "off"
        }
    );
    println!("measure_path() of a probed path vs measure() of the same code without a probe:");
    for round in 0..3 {
        let probed = measure_path("bench.measuring", 1_000_000, || measuring(black_box(42)));
        let bare = measure(1_000_000, || plain(black_box(42)));
        println!(
            "  round {round}: {:.3} vs {:.3} ticks per call (difference {:+.3}), after taking off the suspended probe's residue of {:.3}",
            probed.measurement.ticks_per_call,
            bare.ticks_per_call,
            probed.measurement.ticks_per_call - bare.ticks_per_call,
            probed.measurement.probe_residue_subtracted,
        );
    }
}

/// A dependent chain of `n` steps as a measured path.
#[warm_path(1_000_000, measure = "always", name = "bench.chain")]
#[inline(never)]
fn chain_path(n: u64, seed: u64) -> u64 {
    chain(n, seed)
}

/// (a) `measure_path()` against (b) the probe's own mean, for chains several counter
/// resolutions long, each call fed the last result so both time latency.
fn amortized_against_probe_mean(_: &mut Criterion) {
    let cal = tick::calibrate();
    println!(
        "per-call figures of dependent chains: (a) measure_path(), (b) probe mean; resolution {} ticks",
        cal.resolution.get()
    );
    for n in [4_u64, 16, 64, 256] {
        knhk_runtime::reset();
        let mut x = 3_u64;
        for _ in 0..200_000 {
            x = chain_path(black_box(n), x);
        }
        let report = report();
        let path = report.path("bench.chain").unwrap();
        let b = path.stats.mean_per_call(&report.calibration).unwrap();
        let p50 = path.stats.percentile(50.0).unwrap();
        let mut y = 3_u64;
        let a = measure_path("bench.chain", 20_000, || {
            y = chain_path(black_box(n), y);
            y
        })
        .measurement
        .ticks_per_call;
        println!(
            "  n = {n:>3}: (a) {a:>8.1}  (b) {b:>8.1}  p50 {p50:>6}  (b)/(a) {:.3}  ({:.1} resolutions)",
            b / a,
            a / cal.resolution.get() as f64
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(60);
    targets = estimate_against_measure, measure_accuracy, suspended_probe, amortized_against_probe_mean, interleaved, per_call
}
criterion_main!(benches);
