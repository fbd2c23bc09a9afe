//! The tick clock: the CPU's constant-rate counter, and what one process learns about it.
//!
//! A tick is one count of that counter: on x86_64 the time-stamp counter read between
//! `lfence`s (only when CPUID reports an invariant TSC), on aarch64 `CNTVCT_EL0` (at the
//! frequency in `CNTFRQ_EL0`), elsewhere nanoseconds from [`std::time::Instant`].
//!
//! A measured window opens with [`read_start()`] and closes with [`read_end()`]: the
//! start read completes before the timed code begins, and the end read does not begin
//! before the timed code has finished (see `arch::read_start` for the sequences and the
//! vendor manuals that justify them).
//!
//! A counter read is not free and a counter does not always advance by one: on an AMD
//! EPYC (Zen 4) VM the TSC runs at 2.6 GHz but moves in steps of 26 ticks, and two
//! fenced reads back to back differ by 52 or 78; on an Intel Xeon VM it moves in steps
//! of 2 and a fenced pair costs about 32. [`calibrate()`] measures, once per
//! process, the counter's frequency against the OS clock, the overhead of one
//! measurement (its minimum, median, mean and how far its tail spreads) and the
//! counter's resolution, and every figure knhk reports is judged against them. A
//! [`Calibration`] can also be written down, so that tests and budget decisions are
//! the same on every machine.
//!
//! ```
//! let cal = knhk_runtime::tick::calibrate();
//! let start = knhk_runtime::tick::read_start();
//! let end = knhk_runtime::tick::read_end();
//! assert!(end >= start);
//! assert!(cal.resolution.get() >= 1);
//! println!("{} per ns, resolution {} ({})", cal.ticks_per_ns, cal.resolution, cal.resolution_basis.unwrap());
//! ```

use serde::{Deserialize, Serialize};
#[cfg(feature = "test-counter")]
use std::cell::Cell;
use std::fmt;
use std::sync::OnceLock;
use std::time::Instant;

/// A number of counter ticks (see the [module docs](self) for what one tick is).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ticks(pub u64);

impl Ticks {
    /// The count as a plain number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self - earlier`, or zero if the counter appears to have gone backwards.
    pub const fn since(self, earlier: Ticks) -> Ticks {
        Ticks(self.0.saturating_sub(earlier.0))
    }

    /// How far apart two counts are.
    pub const fn abs_diff(self, other: Ticks) -> Ticks {
        Ticks(self.0.abs_diff(other.0))
    }
}

impl fmt::Display for Ticks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ticks", self.0)
    }
}

/// Which counter [`read_start()`] and [`read_end()`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClockSource {
    /// x86_64 time-stamp counter (invariant TSC), read as `lfence; rdtsc; lfence` at the
    /// start of a window and `lfence; rdtsc` at its end.
    Tsc,
    /// aarch64 virtual counter `CNTVCT_EL0`, read between `isb`s.
    Cntvct,
    /// Nanoseconds since the process first read the clock, from `Instant`.
    Instant,
}

impl ClockSource {
    /// What one tick of this source is, for reports.
    pub const fn unit(self) -> &'static str {
        match self {
            ClockSource::Tsc => "TSC ticks",
            ClockSource::Cntvct => "CNTVCT ticks",
            ClockSource::Instant => "ns",
        }
    }
}

impl fmt::Display for ClockSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockSource::Tsc => "TSC (lfence; rdtsc; lfence .. lfence; rdtsc)",
            ClockSource::Cntvct => "CNTVCT_EL0 (isb; mrs; isb .. isb; mrs)",
            ClockSource::Instant => "Instant (ns)",
        })
    }
}

/// The source the reads use on this machine (decided once, from CPUID on x86_64, by
/// [`cpu`](crate::cpu)).
pub fn source() -> ClockSource {
    if arch::counter_usable() {
        if cfg!(target_arch = "x86_64") {
            ClockSource::Tsc
        } else {
            ClockSource::Cntvct
        }
    } else {
        ClockSource::Instant
    }
}

/// Reads the counter, fenced on both sides: no earlier instruction is still running
/// and no later one has begun. The read for one-off timestamps.
#[inline(always)]
pub fn now() -> Ticks {
    Ticks(start_raw())
}

/// Reads the counter to open a measured window: every earlier instruction has
/// completed before the read, and the read completes before any later instruction
/// (the timed code) begins.
///
/// ```
/// use knhk_runtime::tick::{read_end, read_start};
/// let start = read_start();
/// let x = std::hint::black_box(6_u64) * 7;
/// let elapsed = read_end().since(start);
/// # assert_eq!(x, 42);
/// println!("{elapsed}");
/// ```
#[inline(always)]
pub fn read_start() -> Ticks {
    Ticks(start_raw())
}

/// Reads the counter to close a measured window: the read begins only once every
/// earlier instruction (the timed code) has completed.
#[inline(always)]
pub fn read_end() -> Ticks {
    Ticks(end_raw())
}

/// [`read_start()`] as a plain number; what the probe and `measure()` call.
#[inline(always)]
pub(crate) fn start_raw() -> u64 {
    read_with(arch::read_start)
}

/// [`read_end()`] as a plain number.
#[inline(always)]
pub(crate) fn end_raw() -> u64 {
    read_with(arch::read_end)
}

/// Reads with `counter` (one of the fenced sequences) where the counter is usable, the
/// OS clock where not, and the test counter first when one is installed.
#[inline(always)]
fn read_with(counter: impl FnOnce() -> u64) -> u64 {
    #[cfg(feature = "test-counter")]
    if let Some(t) = test_counter::read() {
        return t;
    }
    if arch::counter_usable() {
        counter()
    } else {
        instant_nanos()
    }
}

fn instant_nanos() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A counter that tests drive by hand, on one thread (feature `test-counter`, off by
/// default: without it the reads above have no branch for it).
///
/// While installed on a thread, every read on that thread returns the fake time and
/// then advances it by the read's cost, as a real read costs time after it samples.
/// [`advance`](test_counter::advance) stands for the work being timed.
///
/// ```
/// # #[cfg(feature = "test-counter")] {
/// use knhk_runtime::tick::{read_end, read_start, test_counter, Ticks};
/// test_counter::install(1_000, 30);
/// let start = read_start();
/// test_counter::advance(7);
/// assert_eq!(read_end().since(start), Ticks(37));
/// test_counter::uninstall();
/// # }
/// ```
#[cfg(feature = "test-counter")]
pub mod test_counter {
    use super::Cell;

    thread_local! {
        static CLOCK: Cell<Option<(u64, u64)>> = const { Cell::new(None) };
    }

    /// Makes every read on this thread return the fake time, starting at `start`, each
    /// read then advancing it by `read_cost`.
    pub fn install(start: u64, read_cost: u64) {
        CLOCK.with(|c| c.set(Some((start, read_cost))));
    }

    /// Back to the real counter on this thread.
    pub fn uninstall() {
        CLOCK.with(|c| c.set(None));
    }

    /// Moves the fake time on by `ticks` (the timed work); does nothing when not installed.
    pub fn advance(ticks: u64) {
        CLOCK.with(|c| {
            if let Some((now, cost)) = c.get() {
                c.set(Some((now + ticks, cost)));
            }
        });
    }

    /// The fake time, if installed on this thread.
    pub fn now() -> Option<u64> {
        CLOCK.with(|c| c.get().map(|(now, _)| now))
    }

    #[inline(always)]
    pub(super) fn read() -> Option<u64> {
        CLOCK
            .try_with(|c| {
                let (now, cost) = c.get()?;
                c.set(Some((now + cost, cost)));
                Some(now)
            })
            .ok()
            .flatten()
    }
}

#[cfg(target_arch = "x86_64")]
mod arch {
    use crate::cpu::{self, Feature};
    use core::arch::asm;

    /// An invariant TSC ticks at a constant rate in every power state and on every
    /// core; without it the TSC is not a clock. One relaxed load once `cpu` has
    /// detected, so the fenced reads can ask on every call.
    #[inline(always)]
    pub(super) fn counter_usable() -> bool {
        cpu::has(Feature::InvariantTsc)
    }

    // Why these sequences. RDTSC is not a serializing instruction: on its own it may read
    // the counter before earlier instructions finish, and later instructions may start
    // before it has read. Intel's "Intel 64 and IA-32 Architectures Software Developer's
    // Manual", Volume 2B, instruction reference "RDTSC—Read Time-Stamp Counter"
    // (Description), says: software that needs RDTSC to run only after all previous
    // instructions have executed can put LFENCE immediately before it, and software that
    // needs RDTSC to complete before any subsequent instruction begins can put LFENCE
    // immediately after it; Volume 2A, "LFENCE—Load Fence", states that LFENCE does not
    // execute until all prior instructions have completed locally and no later
    // instruction begins execution until LFENCE completes. AMD's "AMD64 Architecture
    // Programmer's Manual, Volume 3: General-Purpose and System Instructions", entry
    // "RDTSC", likewise calls it non-serializing; AMD's "Software Techniques for Managing
    // Speculation on AMD Processors" (2018), mitigation G-2, makes LFENCE dispatch
    // serializing (MSR C001_1029[1], which Linux sets on every AMD family that has it,
    // and which later families always behave as): dispatch stops until LFENCE is the
    // oldest instruction, which is the ordering Intel documents. So on both vendors:
    //   start: lfence; rdtsc; lfence   the body cannot begin before the start is read
    //   end:   lfence; rdtsc           the end is not read before the body has finished
    // Recording after the end read needs no fence: it is outside the window.
    // The `asm!` blocks are not `nomem`, so the compiler keeps the body's memory
    // accesses between them too.

    #[inline(always)]
    pub(super) fn read_start() -> u64 {
        let (lo, hi): (u32, u32);
        // SAFETY: `lfence` needs SSE2 and `rdtsc` the TSC, both part of every x86_64
        // processor; they write only EDX:EAX, declared as outputs, and touch no memory
        // or flags. Only reached once CPUID reported an invariant TSC.
        unsafe {
            asm!("lfence", "rdtsc", "lfence", out("eax") lo, out("edx") hi,
                 options(nostack, preserves_flags));
        }
        (u64::from(hi) << 32) | u64::from(lo)
    }

    #[inline(always)]
    pub(super) fn read_end() -> u64 {
        let (lo, hi): (u32, u32);
        // SAFETY: as in `read_start`.
        unsafe {
            asm!("lfence", "rdtsc", out("eax") lo, out("edx") hi,
                 options(nostack, preserves_flags));
        }
        (u64::from(hi) << 32) | u64::from(lo)
    }

    pub(super) fn frequency_hz() -> Option<u64> {
        None
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    /// The generic timer's virtual count is architecturally constant-rate.
    #[inline(always)]
    pub(super) fn counter_usable() -> bool {
        true
    }

    // The Arm Architecture Reference Manual (A-profile), D12.1 "About the Generic Timer"
    // / "Reading the counter": reads of CNTVCT_EL0 can occur speculatively and out of
    // order relative to other instructions; an ISB before the read orders it after
    // earlier instructions, and an ISB after it keeps later instructions from starting
    // before it.

    #[inline(always)]
    pub(super) fn read_start() -> u64 {
        let value: u64;
        // SAFETY: `CNTVCT_EL0` is readable from EL0 on Linux and macOS; `isb` has no
        // operands. Only the output register is written.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntvct_el0", "isb", out(reg) value, options(nostack));
        }
        value
    }

    #[inline(always)]
    pub(super) fn read_end() -> u64 {
        let value: u64;
        // SAFETY: as in `read_start`.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nostack));
        }
        value
    }

    pub(super) fn frequency_hz() -> Option<u64> {
        let hz: u64;
        // SAFETY: `CNTFRQ_EL0` is readable from EL0 and holds the counter's frequency.
        unsafe {
            core::arch::asm!("mrs {}, cntfrq_el0", out(reg) hz, options(nostack, nomem));
        }
        (hz != 0).then_some(hz)
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod arch {
    #[inline(always)]
    pub(super) fn counter_usable() -> bool {
        false
    }

    pub(super) fn read_start() -> u64 {
        0
    }

    pub(super) fn read_end() -> u64 {
        0
    }

    pub(super) fn frequency_hz() -> Option<u64> {
        None
    }
}

/// Percentiles of the measurement overhead above its median: what a reading can gain
/// from the counter reads alone.
///
/// A reading at percentile p of a path's histogram has had the overhead's median
/// subtracted, but its own overhead was typically that of percentile p: up to
/// `at(p) - median` ticks of it are the counter's, not the body's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverheadTail {
    /// 75th percentile of the overhead.
    pub p75: Ticks,
    /// 90th percentile.
    pub p90: Ticks,
    /// 95th percentile.
    pub p95: Ticks,
    /// 99th percentile.
    pub p99: Ticks,
    /// 99.9th percentile.
    pub p999: Ticks,
}

impl OverheadTail {
    /// Every percentile equal to `overhead`: a counter whose reads always cost the same.
    pub const fn flat(overhead: Ticks) -> OverheadTail {
        OverheadTail {
            p75: overhead,
            p90: overhead,
            p95: overhead,
            p99: overhead,
            p999: overhead,
        }
    }

    /// The overhead at `percentile` (50..=100), rounded up to the next percentile kept
    /// (so never less than at `percentile`); beyond 99.9, the 99.9th.
    pub fn at(&self, percentile: f64) -> Ticks {
        [
            (75.0, self.p75),
            (90.0, self.p90),
            (95.0, self.p95),
            (99.0, self.p99),
        ]
        .into_iter()
        .find(|&(p, _)| percentile <= p)
        .map_or(self.p999, |(_, t)| t)
    }
}

/// How a calibration's resolution was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResolutionBasis {
    /// From this many increments between distinct reads.
    Increments(u32),
    /// The counter never advanced between two reads, so no increment was seen: the
    /// resolution is the coarsest gap observed between reads (or `u64::MAX` when the
    /// counter did not move at all), and no per-call figure can be trusted.
    NoIncrements,
    /// Written down ([`Calibration::fixed`]), not measured.
    Written,
}

impl fmt::Display for ResolutionBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolutionBasis::Increments(n) => write!(f, "measured from {n} increments"),
            ResolutionBasis::NoIncrements => f.write_str(
                "CALIBRATION FAILED: the counter never advanced; coarsest gap observed used",
            ),
            ResolutionBasis::Written => f.write_str("written down, not measured"),
        }
    }
}

/// What one process knows about its counter: frequency, cost of a measurement, resolution.
///
/// Measured once by [`calibrate()`], or written down for deterministic tests:
///
/// ```
/// use knhk_runtime::tick::{Calibration, ClockSource, Ticks};
/// let cal = Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(26));
/// assert_eq!(cal.ns_to_ticks(1_000), Ticks(2_600));
/// assert_eq!(cal.ticks_to_ns(Ticks(26)), 10.0);
/// assert_eq!(cal.overhead_spread_at(99.0), Some(Ticks(0)));
/// ```
///
/// Fields added after the first release are optional, so that reports sealed before
/// them still read back (`None` there: not recorded).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The counter the figures are for.
    pub source: ClockSource,
    /// Counter ticks per nanosecond of OS time.
    pub ticks_per_ns: f64,
    /// Smallest cost of an empty measured window (a start read, then an end read).
    pub overhead_min: Ticks,
    /// Median cost of an empty measured window: what each per-call figure has
    /// subtracted from it. (Subtracting the minimum instead would add the typical
    /// excess, a few ticks, to every reading.)
    pub overhead_median: Ticks,
    /// Mean cost of an empty window (without the slowest 0.1% of windows, which a
    /// single interrupt during calibration dominates): what the per-call mean subtracts
    /// from the mean of the raw readings.
    #[serde(default)]
    pub overhead_mean: Option<f64>,
    /// The overhead's percentiles above the median.
    #[serde(default)]
    pub overhead_tail: Option<OverheadTail>,
    /// The step that covers at least 90% of the increments between distinct reads: no
    /// per-call figure finer than this is a measurement.
    pub resolution: Ticks,
    /// How [`resolution`](Self::resolution) was found.
    #[serde(default)]
    pub resolution_basis: Option<ResolutionBasis>,
    /// What one measured call, made inside another's window, adds to that window
    /// besides its body (its two counter reads and its recording), measured with the
    /// probe itself; the enclosing call subtracts it.
    #[serde(default)]
    pub nested_probe: Option<Ticks>,
    /// How far the median overhead had moved when a report was taken: the same empty
    /// windows measured again then. A counter of constant rate sees a fence's fixed
    /// cycles as more or fewer ticks when the core's clock changes, so the overhead
    /// subtracted may be off by this much; verdicts widen their margin by it and
    /// narrow `Met` by it. `None` outside a report (and in reports before it existed).
    #[serde(default)]
    pub overhead_drift: Option<Ticks>,
}

impl Calibration {
    /// A calibration written down rather than measured, with every overhead figure
    /// (min, median, mean and tail) equal to `overhead` and no nested-probe cost.
    pub const fn fixed(
        source: ClockSource,
        ticks_per_ns: f64,
        overhead: Ticks,
        resolution: Ticks,
    ) -> Self {
        Calibration {
            source,
            ticks_per_ns,
            overhead_min: overhead,
            overhead_median: overhead,
            overhead_mean: Some(overhead.0 as f64),
            overhead_tail: Some(OverheadTail::flat(overhead)),
            resolution,
            resolution_basis: Some(ResolutionBasis::Written),
            nested_probe: Some(Ticks(0)),
            overhead_drift: None,
        }
    }

    /// The same, with the overhead's drift at report time given.
    pub const fn with_overhead_drift(self, ticks: Ticks) -> Self {
        Calibration {
            overhead_drift: Some(ticks),
            ..self
        }
    }

    /// The overhead's drift, zero when none was measured.
    pub fn drift(&self) -> Ticks {
        self.overhead_drift.unwrap_or(Ticks(0))
    }

    /// The same, with the overhead's tail percentiles given.
    pub const fn with_overhead_tail(self, tail: OverheadTail) -> Self {
        Calibration {
            overhead_tail: Some(tail),
            ..self
        }
    }

    /// The same, with the cost of a nested probe given.
    pub const fn with_nested_probe(self, ticks: Ticks) -> Self {
        Calibration {
            nested_probe: Some(ticks),
            ..self
        }
    }

    /// How far above the median the overhead reaches at `percentile`: what counter jitter
    /// alone can add to a reading there. Zero at or below the median; `None` when the
    /// tail was not recorded (a report from before it was).
    pub fn overhead_spread_at(&self, percentile: f64) -> Option<Ticks> {
        if percentile <= 50.0 {
            return Some(Ticks(0));
        }
        let tail = self.overhead_tail?;
        Some(tail.at(percentile).since(self.overhead_median))
    }

    /// Whether the counter could be calibrated (its resolution was measured or written).
    pub fn is_trustworthy(&self) -> bool {
        self.resolution_basis != Some(ResolutionBasis::NoIncrements)
    }

    /// Nanoseconds in `ticks`.
    pub fn ticks_to_ns(&self, ticks: Ticks) -> f64 {
        ticks.0 as f64 / self.ticks_per_ns
    }

    /// Ticks in `nanos` nanoseconds, rounded up.
    pub fn ns_to_ticks(&self, nanos: u64) -> Ticks {
        let ticks = (nanos as f64 * self.ticks_per_ns).ceil();
        Ticks(if ticks >= u64::MAX as f64 {
            u64::MAX
        } else {
            ticks as u64
        })
    }

    /// Runs the calibration against a counter read by `start` (opening a window) and
    /// `end` (closing one), timing its frequency against `os_nanos`.
    ///
    /// The overhead figures are those of empty windows, a `start` then an `end`.
    /// [`calibrate()`] runs this against [`read_start()`] and [`read_end()`], the
    /// sequences a probe uses, then replaces the overhead figures with those of the
    /// probe's own windows around an empty body (what the compiler puts between a
    /// probe's reads is part of every reading too) and adds the nested-probe cost,
    /// which this leaves `None`. Tests give it a synthetic counter. `os_nanos` is only
    /// read while measuring the frequency, for about 3 × 5 ms of its time.
    pub fn measure_with(
        source: ClockSource,
        mut start: impl FnMut() -> u64,
        mut end: impl FnMut() -> u64,
        mut os_nanos: impl FnMut() -> u64,
    ) -> Calibration {
        const WINDOW_NS: u64 = 5_000_000;
        const ROUNDS: usize = 3;
        const SAMPLES: usize = 20_000;

        let ticks_per_ns = match (source, arch::frequency_hz()) {
            (ClockSource::Instant, _) => 1.0,
            (ClockSource::Cntvct, Some(hz)) => hz as f64 / 1e9,
            _ => {
                let mut rates: Vec<f64> = (0..ROUNDS)
                    .map(|_| {
                        let (t0, n0) = (start(), os_nanos());
                        let mut n1 = n0;
                        while n1.wrapping_sub(n0) < WINDOW_NS {
                            n1 = os_nanos();
                        }
                        let t1 = end();
                        t1.wrapping_sub(t0) as f64 / n1.wrapping_sub(n0) as f64
                    })
                    .collect();
                rates.sort_by(f64::total_cmp);
                rates[ROUNDS / 2]
            }
        };

        // Empty windows, exactly as a probe opens and closes one.
        let mut gaps: Vec<u64> = (0..SAMPLES)
            .map(|_| {
                let a = start();
                let b = end();
                b.wrapping_sub(a)
            })
            .collect();
        gaps.sort_unstable();

        // Vary the gap between reads so that the increments are spread over many
        // multiples of the true step, rather than all equal to one multiple of it.
        let mut increments = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            let a = start();
            for _ in 0..(i % 7) * 4 {
                core::hint::spin_loop();
            }
            let mut b = end();
            let mut tries = 0;
            while b == a && tries < 1_000_000 {
                b = end();
                tries += 1;
            }
            if b == a {
                // A million reads without a change: the counter is stuck, and waiting
                // on every remaining sample would take hours.
                break;
            }
            increments.push(b.wrapping_sub(a));
        }
        let (resolution, basis) = match resolution_of(&increments) {
            Some(step) => (
                step,
                ResolutionBasis::Increments(u32::try_from(increments.len()).unwrap_or(u32::MAX)),
            ),
            None => {
                let coarsest = gaps[SAMPLES - 1];
                (
                    if coarsest == 0 { u64::MAX } else { coarsest },
                    ResolutionBasis::NoIncrements,
                )
            }
        };

        let mut cal = Calibration {
            source,
            ticks_per_ns,
            overhead_min: Ticks(0),
            overhead_median: Ticks(0),
            overhead_mean: None,
            overhead_tail: None,
            resolution: Ticks(resolution),
            resolution_basis: Some(basis),
            nested_probe: None,
            overhead_drift: None,
        };
        cal.set_overhead(&gaps);
        cal
    }

    /// Sets every overhead figure from `windows`, the costs of empty measured windows,
    /// sorted.
    fn set_overhead(&mut self, windows: &[u64]) {
        let n = windows.len();
        if n == 0 {
            return;
        }
        let quantile = |p: f64| Ticks(windows[((p / 100.0) * (n - 1) as f64).round() as usize]);
        self.overhead_min = Ticks(windows[0]);
        self.overhead_median = quantile(50.0);
        // The mean leaves out the slowest 0.1%: in a calibration of some milliseconds, an
        // interrupt or a preemption is a chance event that, caught once, would move the
        // mean by tens of ticks.
        let kept = &windows[..n - n / 1_000];
        self.overhead_mean = Some(kept.iter().map(|&w| w as f64).sum::<f64>() / kept.len() as f64);
        self.overhead_tail = Some(OverheadTail {
            p75: quantile(75.0),
            p90: quantile(90.0),
            p95: quantile(95.0),
            p99: quantile(99.0),
            p999: quantile(99.9),
        });
    }
}

/// Empty probe windows timed for the overhead figures of [`calibrate()`].
const OVERHEAD_SAMPLES: usize = 20_000;

impl fmt::Display for Calibration {
    /// The report header's counter line: source, frequency, resolution (and how it was
    /// found), and the overhead's min, median, mean and spread.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let basis = self
            .resolution_basis
            .map_or_else(|| "basis not recorded".to_owned(), |b| b.to_string());
        write!(
            f,
            "counter: {} at {:.3} ticks/ns; resolution {} ticks ({basis}); overhead min {}, median {} (subtracted from every reading)",
            self.source,
            self.ticks_per_ns,
            self.resolution.get(),
            self.overhead_min.get(),
            self.overhead_median.get(),
        )?;
        match self.overhead_mean {
            Some(mean) => write!(f, ", mean {mean:.1}")?,
            None => f.write_str(", mean not recorded")?,
        }
        match (self.overhead_spread_at(90.0), self.overhead_spread_at(99.0)) {
            (Some(p90), Some(p99)) => {
                write!(f, ", spread +{} at p90, +{} at p99", p90.get(), p99.get())?
            }
            _ => f.write_str(", spread not recorded")?,
        }
        if let Some(drift) = self.overhead_drift {
            write!(f, ", drift {} since calibration", drift.get())?;
        }
        match self.nested_probe {
            Some(t) => write!(
                f,
                "; a nested probe costs {} ticks, taken off the reading of the path around it",
                t.get()
            ),
            None => f.write_str("; nested-probe cost not recorded"),
        }
    }
}

/// The largest step `s` such that at least 90% of `increments` are multiples of `s`;
/// `None` when there are none to judge by.
///
/// A counter that moves in steps of 26 (with a rare dithered step of 1 or 25) gives
/// increments of 52, 78, 104, ...: 26 covers them, 52 does not. A counter that moves by
/// one gives increments of every value, which only 1 covers.
pub(crate) fn resolution_of(increments: &[u64]) -> Option<u64> {
    if increments.is_empty() {
        return None;
    }
    let mut sorted = increments.to_vec();
    sorted.sort_unstable();
    let largest_candidate = sorted[sorted.len() / 2].clamp(1, 1 << 20);
    let needed = (increments.len() * 9).div_ceil(10);
    (1..=largest_candidate)
        .rev()
        .find(|&s| increments.iter().filter(|&&d| d % s == 0).count() >= needed)
}

static CALIBRATION: OnceLock<Calibration> = OnceLock::new();

/// The process's calibration, measured on the first call (about 20 ms) and kept.
///
/// Calling it at start-up is optional: otherwise the first measured call calibrates
/// (before its own counter read, so its figure is unaffected, but that call takes the
/// 20 ms). Allocations it makes are knhk's own and are not counted against any path.
///
/// ```
/// let calibration = knhk_runtime::tick::calibrate();
/// assert!(calibration.ticks_per_ns > 0.0);
/// assert!(std::ptr::eq(calibration, knhk_runtime::tick::calibrate()), "measured once");
/// ```
pub fn calibrate() -> &'static Calibration {
    CALIBRATION.get_or_init(|| {
        crate::alloc::uncounted(|| {
            let source = source();
            let epoch = Instant::now();
            let mut cal = Calibration::measure_with(source, start_raw, end_raw, || {
                u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
            });
            cal.set_overhead(&crate::hot_path::site::probe_windows(
                &cal,
                OVERHEAD_SAMPLES,
            ));
            cal.nested_probe = Some(crate::hot_path::site::nested_probe_cost(&cal));
            cal
        })
    })
}

/// The process's calibration if it has been measured or installed.
pub fn calibration() -> Option<&'static Calibration> {
    CALIBRATION.get()
}

/// Uses `calibration` for this process instead of measuring one.
///
/// Fails, returning the calibration already in force, once one has been measured or
/// installed (each measured call relies on it not changing).
pub fn install(calibration: Calibration) -> Result<(), &'static Calibration> {
    CALIBRATION.set(calibration).map_err(|_| {
        CALIBRATION
            .get()
            .expect("set failed, so a value is present")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A counter with a true rate of one per read-cost unit, visible only in steps of
    /// 26, with a dithered step of 1 on one read in 25.
    fn stepped_counter() -> impl FnMut() -> u64 {
        let mut t = 1_000_u64;
        let mut reads = 0_u64;
        move || {
            reads += 1;
            t += 20 + (reads * 7) % 41;
            let visible = t - t % 26;
            if reads.is_multiple_of(25) {
                visible + 1
            } else {
                visible
            }
        }
    }

    #[test]
    fn resolution_of_a_stepped_counter_is_its_step() {
        let mut c = stepped_counter();
        let increments: Vec<u64> = (0..5_000)
            .map(|_| {
                let a = c();
                let b = c();
                b.wrapping_sub(a)
            })
            .filter(|&d| d != 0)
            .collect();
        assert_eq!(resolution_of(&increments), Some(26));
    }

    #[test]
    fn resolution_of_a_fine_counter_is_one() {
        let increments: Vec<u64> = (0..5_000_u64).map(|i| 40 + (i * 7919) % 37).collect();
        assert_eq!(resolution_of(&increments), Some(1));
    }

    #[test]
    fn a_counter_that_never_advances_fails_calibration_instead_of_claiming_one_tick() {
        assert_eq!(resolution_of(&[]), None);
        let stuck = || 7_u64;
        let cal = Calibration::measure_with(ClockSource::Instant, stuck, stuck, || 0);
        assert_eq!(cal.resolution_basis, Some(ResolutionBasis::NoIncrements));
        assert_eq!(cal.resolution, Ticks(u64::MAX));
        assert!(!cal.is_trustworthy());
        assert!(cal.to_string().contains("CALIBRATION FAILED"), "{cal}");
    }

    #[test]
    fn a_counter_seen_to_move_only_in_gaps_falls_back_to_the_coarsest_gap() {
        // Reads alternate 0, 40, 0, 40, ...: every start/end pair differs by 40, but
        // the increments loop waits for a change it only sees when `end` moves on, and
        // here it never does between a start and its end after the first 20_000 pairs.
        let reads = Cell::new(0_u64);
        let start = || {
            reads.set(reads.get() + 1);
            if reads.get() <= 20_000 { 0 } else { 5 }
        };
        let end = || if reads.get() <= 20_000 { 40 } else { 5 };
        let cal = Calibration::measure_with(ClockSource::Instant, start, end, || 0);
        assert_eq!(cal.resolution_basis, Some(ResolutionBasis::NoIncrements));
        assert_eq!(cal.resolution, Ticks(40));
    }

    #[test]
    fn the_overhead_tail_gives_the_spread_at_each_percentile() {
        let tail = OverheadTail {
            p75: Ticks(40),
            p90: Ticks(44),
            p95: Ticks(50),
            p99: Ticks(60),
            p999: Ticks(90),
        };
        let cal =
            Calibration::fixed(ClockSource::Tsc, 2.8, Ticks(38), Ticks(2)).with_overhead_tail(tail);
        assert_eq!(cal.overhead_spread_at(50.0), Some(Ticks(0)));
        assert_eq!(cal.overhead_spread_at(10.0), Some(Ticks(0)));
        assert_eq!(cal.overhead_spread_at(80.0), Some(Ticks(6)));
        assert_eq!(cal.overhead_spread_at(90.0), Some(Ticks(6)));
        assert_eq!(cal.overhead_spread_at(99.0), Some(Ticks(22)));
        assert_eq!(cal.overhead_spread_at(100.0), Some(Ticks(52)));
        let old = Calibration {
            overhead_tail: None,
            ..cal
        };
        assert_eq!(old.overhead_spread_at(90.0), None);
        assert_eq!(
            Calibration::fixed(ClockSource::Cntvct, 1.0, Ticks(9), Ticks(1)).source,
            ClockSource::Cntvct
        );
    }

    #[test]
    fn the_header_line_names_source_frequency_resolution_and_overhead() {
        let cal = Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(26));
        let line = cal.to_string();
        for part in [
            "TSC",
            "2.600 ticks/ns",
            "resolution 26 ticks",
            "written down",
            "min 52",
            "median 52",
            "mean 52.0",
            "spread +0 at p90",
        ] {
            assert!(line.contains(part), "{part:?} missing from {line}");
        }
    }

    #[test]
    fn calibration_of_a_synthetic_counter_is_exact() {
        // Counter: +50 per read. OS clock: +1000 ns per read, during which the counter
        // moves 2000 ticks, so the true rate is 2 ticks per ns, plus read costs.
        let ticks = Cell::new(0_u64);
        let nanos = Cell::new(0_u64);
        let counter = || {
            ticks.set(ticks.get() + 50);
            ticks.get()
        };
        let os = || {
            nanos.set(nanos.get() + 1_000);
            ticks.set(ticks.get() + 2_000); // 2 ticks per ns pass while the OS clock is read
            nanos.get()
        };
        let cal = Calibration::measure_with(ClockSource::Tsc, counter, counter, os);
        assert_eq!(cal.overhead_min, Ticks(50));
        assert_eq!(cal.overhead_median, Ticks(50));
        assert_eq!(cal.overhead_mean, Some(50.0));
        assert_eq!(cal.overhead_tail, Some(OverheadTail::flat(Ticks(50))));
        assert_eq!(cal.resolution, Ticks(50));
        assert_eq!(
            cal.resolution_basis,
            Some(ResolutionBasis::Increments(20_000))
        );
        // Between the two counter reads: 5001 OS reads (n0, then 5000 until 5 ms have
        // passed) and the closing counter read, over 5000 × 1000 ns of OS time.
        let expected = (5_001.0 * 2_000.0 + 50.0) / 5_000_000.0;
        assert!(
            (cal.ticks_per_ns - expected).abs() < 1e-9,
            "{}",
            cal.ticks_per_ns
        );
    }

    #[test]
    fn conversions_round_up_to_whole_ticks() {
        let cal = Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(26));
        assert_eq!(cal.ns_to_ticks(1), Ticks(3));
        assert_eq!(cal.ns_to_ticks(2_000), Ticks(5_200));
        assert_eq!(cal.ns_to_ticks(u64::MAX), Ticks(u64::MAX));
    }

    #[test]
    fn the_real_counter_is_monotonic_and_calibrates() {
        let cal = calibrate();
        let mut last = now();
        for _ in 0..10_000 {
            let t = read_start();
            assert!(read_end() >= t);
            assert!(t >= last);
            last = t;
        }
        assert!(cal.ticks_per_ns > 0.0);
        assert!(cal.overhead_min <= cal.overhead_median);
        assert!(cal.resolution.get() >= 1);
        assert!(cal.is_trustworthy());
        assert!(cal.nested_probe.is_some());
        assert_eq!(calibration(), Some(cal));
    }
}
