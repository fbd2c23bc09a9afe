//! Amortized measurement: many calls between two counter reads.
//!
//! The way to check a budget finer than the counter's resolution, and the way a
//! user's CI can gate on budgets.

use crate::tick::{self, Calibration};
use serde::{Deserialize, Serialize};
use std::hint::black_box;

/// The result of [`measure()`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Calls per sample.
    pub iters: u64,
    /// Median over the samples of (loop with calls − empty loop) / iters, in ticks.
    pub ticks_per_call: f64,
    /// The same in nanoseconds.
    pub ns_per_call: f64,
    /// Median cost of the empty loop (with its two counter reads) per call, in ticks:
    /// what was subtracted.
    pub overhead_subtracted: f64,
    /// The counter's resolution divided by `iters`: per-call figures finer than this
    /// are not measurements.
    pub resolution: f64,
    /// Every sample's ticks per call, in the order taken.
    pub samples: Vec<f64>,
}

impl Measurement {
    /// Whether the figure is at least the per-call resolution.
    pub fn is_resolved(&self) -> bool {
        self.ticks_per_call >= self.resolution
    }
}

/// Times `f` by running it `iters` times between two counter reads, minus the same
/// loop empty, over 11 samples; reports the median.
///
/// Calls that do not depend on each other overlap in the processor, so this measures
/// throughput: a short dependent chain can measure well below its latency. To measure
/// latency, feed each call the previous call's result (`let mut x = 0; measure(n, ||
/// { x = f(x); x })`); `cargo bench --bench hot_path` shows both against workloads of
/// known relative cost.
///
/// ```
/// use std::hint::black_box;
/// let m = knhk_runtime::measure(10_000, || black_box(3_u64).wrapping_mul(7));
/// assert_eq!(m.samples.len(), 11);
/// println!("{:.2} ticks per call ({:.2} ns)", m.ticks_per_call, m.ns_per_call);
/// ```
pub fn measure<R>(iters: u64, f: impl FnMut() -> R) -> Measurement {
    measure_with(tick::calibrate(), tick::read, iters, 11, f)
}

/// [`measure()`] with a given counter, calibration and number of samples.
pub fn measure_with<R>(
    calibration: &Calibration,
    mut counter: impl FnMut() -> u64,
    iters: u64,
    samples: usize,
    mut f: impl FnMut() -> R,
) -> Measurement {
    let iters = iters.max(1);
    let samples = samples.max(1);
    let mut per_call = Vec::with_capacity(samples);
    let mut empty_per_call = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t0 = counter();
        for i in 0..iters {
            black_box(i);
        }
        let t1 = counter();
        for _ in 0..iters {
            black_box(f());
        }
        let t2 = counter();
        let empty = t1.wrapping_sub(t0) as f64;
        let full = t2.wrapping_sub(t1) as f64;
        empty_per_call.push(empty / iters as f64);
        per_call.push(((full - empty) / iters as f64).max(0.0));
    }
    let ticks_per_call = median(&per_call);
    Measurement {
        iters,
        ticks_per_call,
        ns_per_call: ticks_per_call / calibration.ticks_per_ns,
        overhead_subtracted: median(&empty_per_call),
        resolution: calibration.resolution.get() as f64 / iters as f64,
        samples: per_call,
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tick::Ticks;
    use std::cell::Cell;

    const CAL: Calibration = Calibration::fixed(2.0, Ticks(50), Ticks(26));

    #[test]
    fn subtracts_the_empty_loop_exactly() {
        // Each counter read costs 50 ticks; each call of f costs 7; the empty loop nothing.
        let clock = Cell::new(0_u64);
        let read = || {
            clock.set(clock.get() + 50);
            clock.get()
        };
        let m = measure_with(&CAL, read, 1_000, 5, || clock.set(clock.get() + 7));
        assert_eq!(m.ticks_per_call, 7.0);
        assert_eq!(m.ns_per_call, 3.5);
        assert_eq!(m.overhead_subtracted, 50.0 / 1_000.0);
        assert_eq!(m.resolution, 26.0 / 1_000.0);
        assert_eq!(m.samples, vec![7.0; 5]);
        assert!(m.is_resolved());
    }

    #[test]
    fn reports_the_median_sample() {
        // Sample k costs (k + 1) * 10 ticks per call, except sample 2, which a
        // preemption makes cost 10_000: the median ignores it.
        let clock = Cell::new(0_u64);
        let sample = Cell::new(0_u64);
        let calls = Cell::new(0_u64);
        let read = || clock.get();
        let f = || {
            let k = sample.get();
            let cost = if k == 2 { 10_000 } else { (k + 1) * 10 };
            clock.set(clock.get() + cost);
            calls.set(calls.get() + 1);
            if calls.get().is_multiple_of(100) {
                sample.set(k + 1);
            }
        };
        let m = measure_with(&CAL, read, 100, 5, f);
        assert_eq!(m.samples, vec![10.0, 20.0, 10_000.0, 40.0, 50.0]);
        assert_eq!(m.ticks_per_call, 40.0);
    }

    #[test]
    fn a_cost_below_resolution_is_flagged() {
        let clock = Cell::new(0_u64);
        let m = measure_with(&CAL, || clock.get(), 10, 3, || ());
        assert_eq!(m.ticks_per_call, 0.0);
        assert!(!m.is_resolved());
    }
}
