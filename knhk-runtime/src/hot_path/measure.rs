//! Amortized measurement: many calls between two counter reads, the way to check a
//! budget finer than the counter's resolution (see `measure()` and `measure_path()`).

use super::PathInfo;
use super::site;
use crate::tick::{self, Calibration};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hint::black_box;
use std::sync::OnceLock;

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
    /// For [`measure_path()`]: what a suspended probe adds to a call, taken off every
    /// sample (0 for [`measure()`]).
    #[serde(default)]
    pub probe_residue_subtracted: f64,
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
    measure_with(tick::calibrate(), tick::start_raw, iters, SAMPLES, f)
}

const SAMPLES: usize = 11;

/// Samples [`measure_path()`] takes: more, and so each shorter for the same total,
/// since its figure can decide a budget gate. A sample of some milliseconds on a busy
/// machine is likely to be preempted, which inflates it; the median of many short
/// ones is not moved by the few that are.
const PATH_SAMPLES: usize = 31;

/// Times the registered path `name` by running `f` — which calls it — `iters` times
/// between two counter reads, 31 times over (the median is reported; keep `iters` to a
/// few tens of thousands so that each sample is short, and a preempted one rare), with
/// every probe on this thread suspended, so the figure
/// is the path's own code without its probe (paths it calls included, theirs
/// suspended too). Attaches the result to every measuring path of that name, so that
/// [`check_budgets`](crate::check_budgets) can judge a budget too fine to time per
/// call by it (`MetAmortized` / `ExceededAmortized`).
///
/// What is subtracted is the empty loop, as in [`measure()`], and what a suspended
/// probe still adds to a call: it tests a thread-local flag, and the function keeps the
/// heavier prologue the probe's registers gave it. That residue is measured once per
/// process on a small non-inlined function (probed and suspended, against the same
/// function without a probe) and recorded in
/// [`Measurement::probe_residue_subtracted`]; for a function whose prologue differs,
/// the figure is off by the difference, a tick or two (`cargo bench --bench hot_path`
/// compares the result with [`measure()`] of the same code without a probe). A path
/// the compiler inlines into `f` has no prologue to pay, so its figure errs low, by up
/// to the residue. Like
/// [`measure()`], this measures throughput: calls that do not depend on each other
/// overlap.
///
/// Works on any path — free function, inherent or trait method, generic — since the
/// probe, not the attribute, does the suspending. `f` is first called once with probes
/// on (recorded like any call), to check that it does call the path: a figure is never
/// attached to a path the closure did not run. When measuring is off there is no
/// registered path: the figure is still returned (with the empty loop subtracted, as in
/// [`measure()`]) and [`PathMeasurement::attachment`] says why it went nowhere.
///
/// ```
/// use std::hint::black_box;
///
/// #[knhk_runtime::hot_path(2, name = "docs.parity", measure = "always")]
/// fn parity(x: u64) -> bool {
///     x.count_ones() % 2 == 1
/// }
///
/// let m = knhk_runtime::measure_path("docs.parity", 10_000, || parity(black_box(7)));
/// assert!(m.is_attached());
/// let verdicts = knhk_runtime::check_budgets(&knhk_runtime::Policy::default());
/// println!("{m}\n{verdicts}");
/// ```
pub fn measure_path<R>(name: &str, iters: u64, mut f: impl FnMut() -> R) -> PathMeasurement {
    let calibration = tick::calibrate();
    let registered = site::calls_of(name);
    let calls_path = registered.is_some_and(|before| {
        black_box(f());
        site::calls_of(name).is_some_and(|after| after > before)
    });
    let measurement = if calls_path {
        let residue = suspended_probe_residue(calibration);
        let mut m = site::with_probes_suspended(|| {
            measure_with(calibration, tick::start_raw, iters, PATH_SAMPLES, f)
        });
        for sample in &mut m.samples {
            *sample = (*sample - residue).max(0.0);
        }
        m.ticks_per_call = median(&m.samples);
        m.ns_per_call = m.ticks_per_call / calibration.ticks_per_ns;
        m.probe_residue_subtracted = residue;
        m
    } else {
        measure_with(calibration, tick::start_raw, iters, PATH_SAMPLES, f)
    };
    let attachment = match (registered, calls_path) {
        (None, _) => Attachment::NoSuchPath,
        (Some(_), false) => Attachment::NotCalled,
        (Some(_), true) => Attachment::Attached(site::attach(name, &measurement)),
    };
    PathMeasurement {
        name: name.to_owned(),
        measurement,
        attachment,
    }
}

/// What a suspended probe adds to each call of a small non-inlined function, in ticks:
/// the median over seven interleaved rounds of (probed, suspended) − (same function
/// without a probe). Measured once per process, on first use (about 50 ms).
fn suspended_probe_residue(calibration: &Calibration) -> f64 {
    static RESIDUE: OnceLock<f64> = OnceLock::new();
    *RESIDUE.get_or_init(|| {
        const ITERS: u64 = 100_000;
        let mut differences: Vec<f64> = (0..7)
            .map(|_| {
                let probed = site::with_probes_suspended(|| {
                    measure_with(calibration, tick::start_raw, ITERS, SAMPLES, || {
                        site::probed_identity(black_box(7))
                    })
                });
                let plain = measure_with(calibration, tick::start_raw, ITERS, SAMPLES, || {
                    site::plain_identity(black_box(7))
                });
                probed.ticks_per_call - plain.ticks_per_call
            })
            .collect();
        differences.sort_by(f64::total_cmp);
        differences[differences.len() / 2].max(0.0)
    })
}

/// Where [`measure_path()`] put its figure.
#[derive(Clone, Debug, PartialEq)]
pub enum Attachment {
    /// On every registered path of the name, which the closure was seen to call.
    Attached(Vec<PathInfo>),
    /// No registered path has the name: measuring is off in this build for it, or the
    /// name is misspelt.
    NoSuchPath,
    /// A path has the name, but one call of the closure did not call it.
    NotCalled,
}

/// The result of [`measure_path()`]: the figure, and where it went.
#[derive(Clone, Debug, PartialEq)]
pub struct PathMeasurement {
    /// The name asked for.
    pub name: String,
    /// The amortized figure.
    pub measurement: Measurement,
    /// The paths now carrying the figure, or why none does.
    pub attachment: Attachment,
}

impl PathMeasurement {
    /// Whether the figure was attached to at least one path.
    pub fn is_attached(&self) -> bool {
        matches!(self.attachment, Attachment::Attached(_))
    }

    /// The paths now carrying the figure (none unless attached).
    pub fn attached_to(&self) -> &[PathInfo] {
        match &self.attachment {
            Attachment::Attached(paths) => paths,
            Attachment::NoSuchPath | Attachment::NotCalled => &[],
        }
    }
}

impl fmt::Display for PathMeasurement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.measurement;
        write!(
            f,
            "measure_path({}): {:.2} ticks ({:.2} ns) per call over {} calls, ",
            self.name, m.ticks_per_call, m.ns_per_call, m.iters
        )?;
        match &self.attachment {
            Attachment::NoSuchPath => write!(
                f,
                "attached to no path (none named `{}` measures in this build)",
                self.name
            ),
            Attachment::NotCalled => write!(
                f,
                "NOT attached: the closure does not call the path `{}`",
                self.name
            ),
            Attachment::Attached(paths) if paths.len() == 1 => f.write_str("attached to its path"),
            Attachment::Attached(paths) => {
                write!(f, "attached to {} paths of that name", paths.len())
            }
        }
    }
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
        probe_residue_subtracted: 0.0,
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
    use crate::tick::{ClockSource, Ticks};
    use std::cell::Cell;

    const CAL: Calibration = Calibration::fixed(ClockSource::Tsc, 2.0, Ticks(50), Ticks(26));

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
