//! Where a breaker's time comes from: knhk's tick clock by default, or any [`Clock`],
//! such as the [`ManualClock`] that makes tests deterministic.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A source of monotonic time for a breaker.
///
/// It is read once per call only where the configuration needs it (slow-call detection,
/// a time window), when the breaker is open, and when a half-open period has a maximum
/// wait.
pub trait Clock: Send + Sync {
    /// Nanoseconds since a fixed origin of this clock's choosing; never decreasing.
    fn now_nanos(&self) -> u64;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_nanos(&self) -> u64 {
        (**self).now_nanos()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now_nanos(&self) -> u64 {
        (**self).now_nanos()
    }
}

/// knhk's tick clock: the counter [`tick`](crate::tick) reads, turned into nanoseconds
/// with the process's calibration (a read and a multiplication, where `Instant::now`
/// costs 25–50 ns on a VM).
///
/// On x86_64 with an invariant TSC it reads the TSC without the fences
/// [`tick::now`](crate::tick::now) puts around it: a breaker's timestamps (when an
/// open wait began, whether a call took longer than a threshold of milliseconds) do
/// not need a read ordered to the instruction, and the fences cost about 15 ns a read
/// on the development VM (BENCHMARKS.md). Making one calibrates the counter if it is
/// not yet (about 20 ms, once per process).
#[derive(Clone, Copy, Debug)]
pub struct TickClock {
    /// Nanoseconds per tick, in 32.32 fixed point.
    ns_per_tick_q32: u64,
    unfenced_tsc: bool,
}

impl TickClock {
    /// A clock on the calibrated counter.
    pub fn new() -> Self {
        let calibration = crate::tick::calibrate();
        let q32 = (1u64 << 32) as f64 / calibration.ticks_per_ns;
        TickClock {
            ns_per_tick_q32: if q32.is_finite() && q32 >= 1.0 {
                q32 as u64
            } else {
                1 << 32
            },
            unfenced_tsc: cfg!(target_arch = "x86_64")
                && calibration.source == crate::tick::ClockSource::Tsc,
        }
    }

    #[inline(always)]
    fn ticks(&self) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if self.unfenced_tsc {
            // SAFETY: `rdtsc` is part of every x86_64 processor and only reads the
            // time-stamp counter into EDX:EAX. `unfenced_tsc` is set only when the
            // calibration's source is the TSC, which `tick` chooses only when CPUID
            // reports it invariant, so these ticks are the calibrated ones.
            return unsafe { core::arch::x86_64::_rdtsc() };
        }
        crate::tick::now().get()
    }
}

impl Default for TickClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TickClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        ((u128::from(self.ticks()) * u128::from(self.ns_per_tick_q32)) >> 32) as u64
    }
}

/// A clock that moves only when told to: clones share one time, so a test keeps one
/// and gives the breaker another.
///
/// ```
/// use knhk_runtime::breaker::{Clock, ManualClock};
/// use std::time::Duration;
/// let clock = ManualClock::new();
/// let theirs = clock.clone();
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(theirs.now_nanos(), 1_500_000_000);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the time on by `by`.
    pub fn advance(&self, by: Duration) {
        self.nanos
            .fetch_add(super::config::duration_nanos(by), Ordering::SeqCst);
    }

    /// Sets the time to `since_origin`; a clock must not go back, so an earlier time
    /// is ignored.
    pub fn set(&self, since_origin: Duration) {
        self.nanos.fetch_max(
            super::config::duration_nanos(since_origin),
            Ordering::SeqCst,
        );
    }
}

impl Clock for ManualClock {
    fn now_nanos(&self) -> u64 {
        self.nanos.load(Ordering::SeqCst)
    }
}
