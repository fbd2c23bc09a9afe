//! The tick clock: the CPU's constant-rate counter, and what one process learns about it.
//!
//! A tick is one count of that counter: on x86_64 the time-stamp counter read behind
//! `lfence` (only when CPUID reports an invariant TSC), on aarch64 `CNTVCT_EL0` (at the
//! frequency in `CNTFRQ_EL0`), elsewhere nanoseconds from [`std::time::Instant`].
//!
//! A counter read is not free and a counter does not always advance by one: on the
//! development VM the TSC runs at about 2.6 GHz but moves in steps of about 26 ticks, and
//! two fenced reads back to back differ by 52 or 78. [`calibrate()`] measures, once per
//! process, the counter's frequency against the OS clock, the overhead of one
//! measurement and the counter's resolution, and every figure knhk reports is judged
//! against them. A [`Calibration`] can also be written down, so that tests and budget
//! decisions are the same on every machine.
//!
//! ```
//! let cal = knhk_runtime::tick::calibrate();
//! let start = knhk_runtime::tick::now();
//! let end = knhk_runtime::tick::now();
//! assert!(end >= start);
//! assert!(cal.resolution.get() >= 1);
//! println!("{} per ns, resolution {}", cal.ticks_per_ns, cal.resolution);
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
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
}

impl fmt::Display for Ticks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ticks", self.0)
    }
}

/// Which counter [`now()`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClockSource {
    /// x86_64 time-stamp counter (invariant TSC), read as `lfence; rdtsc`.
    Tsc,
    /// aarch64 virtual counter `CNTVCT_EL0`, read after `isb`.
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
            ClockSource::Tsc => "TSC (lfence; rdtsc)",
            ClockSource::Cntvct => "CNTVCT_EL0",
            ClockSource::Instant => "Instant (ns)",
        })
    }
}

const SOURCE_UNKNOWN: u8 = 0;
const SOURCE_COUNTER: u8 = 1;
const SOURCE_INSTANT: u8 = 2;
static SOURCE: AtomicU8 = AtomicU8::new(SOURCE_UNKNOWN);

/// The source [`now()`] reads on this machine (decided once, from CPUID on x86_64).
pub fn source() -> ClockSource {
    if counter_usable() {
        if cfg!(target_arch = "x86_64") {
            ClockSource::Tsc
        } else {
            ClockSource::Cntvct
        }
    } else {
        ClockSource::Instant
    }
}

#[inline(always)]
fn counter_usable() -> bool {
    match SOURCE.load(Ordering::Relaxed) {
        SOURCE_COUNTER => true,
        SOURCE_INSTANT => false,
        _ => detect_source(),
    }
}

#[cold]
fn detect_source() -> bool {
    let usable = arch::counter_usable();
    SOURCE.store(
        if usable {
            SOURCE_COUNTER
        } else {
            SOURCE_INSTANT
        },
        Ordering::Relaxed,
    );
    usable
}

/// Reads the counter.
#[inline(always)]
pub fn now() -> Ticks {
    Ticks(read())
}

/// Reads the counter as a plain number; what generated code calls.
#[inline(always)]
pub(crate) fn read() -> u64 {
    if counter_usable() {
        arch::read_counter()
    } else {
        instant_nanos()
    }
}

fn instant_nanos() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(target_arch = "x86_64")]
mod arch {
    use core::arch::x86_64::{__cpuid, _mm_lfence, _rdtsc};

    /// An invariant TSC (CPUID 0x8000_0007, EDX bit 8) ticks at a constant rate in every
    /// power state and on every core; without it the TSC is not a clock.
    pub(super) fn counter_usable() -> bool {
        let max_extended = __cpuid(0x8000_0000).eax;
        max_extended >= 0x8000_0007 && (__cpuid(0x8000_0007).edx & (1 << 8)) != 0
    }

    #[inline(always)]
    pub(super) fn read_counter() -> u64 {
        // `lfence` waits for every earlier instruction to finish, so the read is not
        // hoisted above the work being timed.
        // SAFETY: `lfence` needs SSE2 and `rdtsc` the TSC, both part of every x86_64
        // processor; neither touches memory. This is only reached once CPUID reported an
        // invariant TSC.
        unsafe {
            _mm_lfence();
            _rdtsc()
        }
    }

    pub(super) fn frequency_hz() -> Option<u64> {
        None
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    /// The generic timer's virtual count is architecturally constant-rate.
    pub(super) fn counter_usable() -> bool {
        true
    }

    #[inline(always)]
    pub(super) fn read_counter() -> u64 {
        let value: u64;
        // SAFETY: `CNTVCT_EL0` is readable from EL0 on Linux and macOS; `isb` keeps the read
        // from being speculated ahead of earlier instructions. No memory is touched.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nostack, nomem));
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
    pub(super) fn counter_usable() -> bool {
        false
    }

    pub(super) fn read_counter() -> u64 {
        0
    }

    pub(super) fn frequency_hz() -> Option<u64> {
        None
    }
}

/// What one process knows about its counter: frequency, cost of a measurement, resolution.
///
/// Measured once by [`calibrate()`], or written down for deterministic tests:
///
/// ```
/// use knhk_runtime::{Calibration, Ticks};
/// let cal = Calibration::fixed(2.6, Ticks(52), Ticks(26));
/// assert_eq!(cal.ns_to_ticks(1_000), Ticks(2_600));
/// assert_eq!(cal.ticks_to_ns(Ticks(26)), 10.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The counter the figures are for.
    pub source: ClockSource,
    /// Counter ticks per nanosecond of OS time.
    pub ticks_per_ns: f64,
    /// Smallest gap between two back-to-back reads: what measuring an empty body costs
    /// at best.
    pub overhead_min: Ticks,
    /// Median gap between two back-to-back reads: what measuring an empty body
    /// typically costs, and what each per-call figure has subtracted from it.
    /// (Subtracting the minimum instead would add the typical excess, a few ticks, to
    /// every reading.)
    pub overhead_median: Ticks,
    /// The step that covers at least 90% of the increments between distinct reads: no
    /// per-call figure finer than this is a measurement.
    pub resolution: Ticks,
}

impl Calibration {
    /// A calibration written down rather than measured, with overhead min = median.
    pub const fn fixed(ticks_per_ns: f64, overhead: Ticks, resolution: Ticks) -> Self {
        Calibration {
            source: ClockSource::Tsc,
            ticks_per_ns,
            overhead_min: overhead,
            overhead_median: overhead,
            resolution,
        }
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

    /// Runs the calibration against `counter`, timing its frequency against `os_nanos`.
    ///
    /// This is what [`calibrate()`] runs against the real counter; tests give it a
    /// synthetic one. `os_nanos` is only read while measuring the frequency, for about
    /// 3 × 5 ms of its time.
    pub fn measure_with(
        source: ClockSource,
        mut counter: impl FnMut() -> u64,
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
                        let (t0, n0) = (counter(), os_nanos());
                        let mut n1 = n0;
                        while n1.wrapping_sub(n0) < WINDOW_NS {
                            n1 = os_nanos();
                        }
                        let t1 = counter();
                        t1.wrapping_sub(t0) as f64 / n1.wrapping_sub(n0) as f64
                    })
                    .collect();
                rates.sort_by(f64::total_cmp);
                rates[ROUNDS / 2]
            }
        };

        let mut gaps: Vec<u64> = (0..SAMPLES)
            .map(|_| {
                let a = counter();
                let b = counter();
                b.wrapping_sub(a)
            })
            .collect();
        gaps.sort_unstable();

        // Vary the gap between reads so that the increments are spread over many
        // multiples of the true step, rather than all equal to one multiple of it.
        let mut increments = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            let a = counter();
            for _ in 0..(i % 7) * 4 {
                core::hint::spin_loop();
            }
            let mut b = counter();
            let mut tries = 0;
            while b == a && tries < 1_000_000 {
                b = counter();
                tries += 1;
            }
            if b != a {
                increments.push(b.wrapping_sub(a));
            }
        }

        Calibration {
            source,
            ticks_per_ns,
            overhead_min: Ticks(gaps[0]),
            overhead_median: Ticks(gaps[SAMPLES / 2]),
            resolution: Ticks(resolution_of(&increments)),
        }
    }
}

/// The largest step `s` such that at least 90% of `increments` are multiples of `s`.
///
/// A counter that moves in steps of 26 (with a rare dithered step of 1 or 25) gives
/// increments of 52, 78, 104, ...: 26 covers them, 52 does not. A counter that moves by
/// one gives increments of every value, which only 1 covers.
pub(crate) fn resolution_of(increments: &[u64]) -> u64 {
    if increments.is_empty() {
        return 1;
    }
    let mut sorted = increments.to_vec();
    sorted.sort_unstable();
    let largest_candidate = sorted[sorted.len() / 2].clamp(1, 1 << 20);
    let needed = (increments.len() * 9).div_ceil(10);
    (1..=largest_candidate)
        .rev()
        .find(|&s| increments.iter().filter(|&&d| d % s == 0).count() >= needed)
        .unwrap_or(1)
}

static CALIBRATION: OnceLock<Calibration> = OnceLock::new();

/// The process's calibration, measured on the first call (about 20 ms) and kept.
pub fn calibrate() -> &'static Calibration {
    CALIBRATION.get_or_init(|| {
        let source = source();
        let epoch = Instant::now();
        Calibration::measure_with(source, read, || {
            u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
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
        assert_eq!(resolution_of(&increments), 26);
    }

    #[test]
    fn resolution_of_a_fine_counter_is_one() {
        let increments: Vec<u64> = (0..5_000_u64).map(|i| 40 + (i * 7919) % 37).collect();
        assert_eq!(resolution_of(&increments), 1);
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
        let cal = Calibration::measure_with(ClockSource::Tsc, counter, os);
        assert_eq!(cal.overhead_min, Ticks(50));
        assert_eq!(cal.overhead_median, Ticks(50));
        assert_eq!(cal.resolution, Ticks(50));
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
        let cal = Calibration::fixed(2.6, Ticks(52), Ticks(26));
        assert_eq!(cal.ns_to_ticks(1), Ticks(3));
        assert_eq!(cal.ns_to_ticks(2_000), Ticks(5_200));
        assert_eq!(cal.ns_to_ticks(u64::MAX), Ticks(u64::MAX));
    }

    #[test]
    fn the_real_counter_is_monotonic_and_calibrates() {
        let cal = calibrate();
        let mut last = now();
        for _ in 0..10_000 {
            let t = now();
            assert!(t >= last);
            last = t;
        }
        assert!(cal.ticks_per_ns > 0.0);
        assert!(cal.overhead_min <= cal.overhead_median);
        assert!(cal.resolution.get() >= 1);
        assert_eq!(calibration(), Some(cal));
    }
}
