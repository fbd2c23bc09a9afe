//! Where a breaker's time comes from: knhk's tick clock by default, or any [`Clock`],
//! such as the [`ManualClock`] that makes tests deterministic.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
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

/// knhk's tick clock ([`tick::now`](crate::tick::now)), turned into nanoseconds with
/// the process's calibration: a counter read and a multiplication, where
/// `Instant::now` costs 25–50 ns on a VM. The first read in a process calibrates the
/// counter (about 20 ms, once; building a breaker reads its clock once).
#[derive(Clone, Copy, Debug, Default)]
pub struct TickClock;

impl TickClock {
    /// The clock (all of them read the same counter).
    pub const fn new() -> Self {
        TickClock
    }

    /// Nanoseconds per tick, in 32.32 fixed point.
    fn ns_per_tick_q32() -> u64 {
        static Q32: OnceLock<u64> = OnceLock::new();
        *Q32.get_or_init(|| {
            let q32 = (1u64 << 32) as f64 / crate::tick::calibrate().ticks_per_ns;
            if q32.is_finite() && q32 >= 1.0 {
                q32 as u64
            } else {
                1 << 32
            }
        })
    }
}

impl Clock for TickClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        let ticks = crate::tick::now().get();
        ((u128::from(ticks) * u128::from(Self::ns_per_tick_q32())) >> 32) as u64
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
