//! What a breaker decides by: its window, thresholds, waits and half-open trials, as
//! plain data that a `const` can hold and check at compile time.

use std::time::Duration;

/// The largest count window: its counts are 16-bit fields of one atomic word.
pub const MAX_COUNT_WINDOW: u32 = 65_535;
/// The largest time window, in seconds (one hour of per-second buckets).
pub const MAX_TIME_WINDOW_SECONDS: u32 = 3_600;
/// The most trial calls a half-open period may admit: its counts are 12-bit fields.
pub const MAX_PERMITTED_CALLS_IN_HALF_OPEN: u32 = 4_095;

/// Which calls a breaker's failure and slow-call rates are computed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlidingWindow {
    /// The last `n` calls (resilience4j's `COUNT_BASED`), 1 to [`MAX_COUNT_WINDOW`].
    Count(u32),
    /// The calls of the last `n` seconds, in per-second buckets (resilience4j's
    /// `TIME_BASED`), 1 to [`MAX_TIME_WINDOW_SECONDS`].
    Time(u32),
    /// No rates: `n` failures in a row open the breaker, and in half-open a failure
    /// reopens it while `permitted_calls_in_half_open` successes close it: a failure
    /// threshold, a success threshold and an open timeout, nothing more.
    Consecutive(u32),
}

/// A breaker's settings, checked by [`validate`](Self::validate) (the builder calls
/// it) or, in a `const`, by [`checked`](Self::checked) at compile time.
///
/// The defaults are resilience4j's, except that slow-call detection is off until
/// [`slow_call_duration_threshold`](Self::slow_call_duration_threshold) sets it (so the
/// closed path reads no clock unless asked to):
///
/// | setting | default |
/// |---|---|
/// | window | `Count(100)` |
/// | failure-rate threshold | 50 % |
/// | slow-call-rate threshold | 100 % |
/// | slow-call duration threshold | off |
/// | minimum number of calls | 100 |
/// | permitted calls in half-open | 10 |
/// | wait in open | 60 s, no backoff |
/// | maximum wait in half-open | none |
///
/// ```
/// use knhk_runtime::breaker::BreakerConfig;
/// use std::time::Duration;
///
/// const PAYMENTS: BreakerConfig = BreakerConfig::new()
///     .count_window(50)
///     .minimum_calls(20)
///     .failure_rate_threshold(25.0)
///     .wait_in_open(Duration::from_secs(5))
///     .checked(); // a bad setting fails the build here
/// assert_eq!(PAYMENTS.validate(), Ok(()));
/// ```
///
/// ```compile_fail
/// use knhk_runtime::breaker::BreakerConfig;
/// // "minimum number of calls above the count window's size": not a breaker.
/// const BAD: BreakerConfig = BreakerConfig::new().count_window(10).minimum_calls(20).checked();
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreakerConfig {
    pub(crate) window: SlidingWindow,
    pub(crate) failure_rate_threshold: f32,
    pub(crate) slow_call_rate_threshold: f32,
    pub(crate) slow_call_duration: Option<Duration>,
    pub(crate) minimum_calls: u32,
    pub(crate) permitted_calls_in_half_open: u32,
    pub(crate) wait_in_open: Duration,
    pub(crate) backoff: Option<Backoff>,
    pub(crate) max_wait_in_half_open: Option<Duration>,
}

/// Exponential backoff of the open wait across repeated openings: the `n`-th opening
/// since the breaker last closed waits `wait_in_open × multiplier^(n-1)`, at most `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// The factor between one opening's wait and the next; at least 1.
    pub multiplier: f64,
    /// The longest wait; at least `wait_in_open`.
    pub max: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl BreakerConfig {
    /// resilience4j's defaults (see the table above).
    pub const fn new() -> Self {
        BreakerConfig {
            window: SlidingWindow::Count(100),
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration: None,
            minimum_calls: 100,
            permitted_calls_in_half_open: 10,
            wait_in_open: Duration::from_secs(60),
            backoff: None,
            max_wait_in_half_open: None,
        }
    }

    /// A breaker without a window or rates: `failures` in a row open it, it stays open for
    /// `open_timeout`, then admits `successes` trial calls, closing after that many
    /// successes and reopening on the first failure.
    ///
    /// ```
    /// use knhk_runtime::breaker::{BreakerConfig, SlidingWindow};
    /// use std::time::Duration;
    /// const FIVE_IN_A_ROW: BreakerConfig =
    ///     BreakerConfig::consecutive(5, 2, Duration::from_millis(500)).checked();
    /// assert_eq!(FIVE_IN_A_ROW.window(), SlidingWindow::Consecutive(5));
    /// ```
    pub const fn consecutive(failures: u32, successes: u32, open_timeout: Duration) -> Self {
        Self::new()
            .sliding_window(SlidingWindow::Consecutive(failures))
            .permitted_calls_in_half_open(successes)
            .wait_in_open(open_timeout)
    }

    /// The window the rates are computed over.
    pub const fn window(self) -> SlidingWindow {
        self.window
    }

    /// Sets the window.
    pub const fn sliding_window(mut self, window: SlidingWindow) -> Self {
        self.window = window;
        self
    }

    /// The last `calls` calls: `SlidingWindow::Count(calls)`.
    pub const fn count_window(self, calls: u32) -> Self {
        self.sliding_window(SlidingWindow::Count(calls))
    }

    /// The last `seconds` seconds: `SlidingWindow::Time(seconds)`.
    pub const fn time_window(self, seconds: u32) -> Self {
        self.sliding_window(SlidingWindow::Time(seconds))
    }

    /// Opens at a failure rate (percent of the window's calls) at or above this;
    /// in (0, 100].
    pub const fn failure_rate_threshold(mut self, percent: f32) -> Self {
        self.failure_rate_threshold = percent;
        self
    }

    /// Opens at a slow-call rate at or above this; in (0, 100].
    pub const fn slow_call_rate_threshold(mut self, percent: f32) -> Self {
        self.slow_call_rate_threshold = percent;
        self
    }

    /// A call that takes longer than this is slow; setting it turns on slow-call
    /// detection (two clock reads per call).
    pub const fn slow_call_duration_threshold(mut self, threshold: Duration) -> Self {
        self.slow_call_duration = Some(threshold);
        self
    }

    /// The rates count only once the window holds this many calls; at least 1, and
    /// at most a count window's size.
    pub const fn minimum_calls(mut self, calls: u32) -> Self {
        self.minimum_calls = calls;
        self
    }

    /// Trial calls admitted per half-open period; 1 to
    /// [`MAX_PERMITTED_CALLS_IN_HALF_OPEN`].
    pub const fn permitted_calls_in_half_open(mut self, calls: u32) -> Self {
        self.permitted_calls_in_half_open = calls;
        self
    }

    /// How long the breaker stays open before it lets trial calls through; not zero.
    pub const fn wait_in_open(mut self, wait: Duration) -> Self {
        self.wait_in_open = wait;
        self
    }

    /// Multiplies the open wait by `multiplier` at each opening after the first,
    /// up to `max`, until the breaker closes.
    pub const fn exponential_backoff(mut self, multiplier: f64, max: Duration) -> Self {
        self.backoff = Some(Backoff { multiplier, max });
        self
    }

    /// After this long in half-open the breaker decides from the trial calls it has
    /// (closed if their rates are below the thresholds, open if not or if there were
    /// none) instead of waiting for all of them; not zero.
    pub const fn max_wait_in_half_open(mut self, wait: Duration) -> Self {
        self.max_wait_in_half_open = Some(wait);
        self
    }

    /// The failure-rate threshold, in percent.
    pub const fn failure_rate(&self) -> f32 {
        self.failure_rate_threshold
    }

    /// The slow-call-rate threshold, in percent.
    pub const fn slow_call_rate(&self) -> f32 {
        self.slow_call_rate_threshold
    }

    /// The slow-call duration threshold, if slow calls are detected.
    pub const fn slow_call_duration(&self) -> Option<Duration> {
        self.slow_call_duration
    }

    /// The minimum number of calls.
    pub const fn minimum(&self) -> u32 {
        self.minimum_calls
    }

    /// Trial calls per half-open period.
    pub const fn permitted_in_half_open(&self) -> u32 {
        self.permitted_calls_in_half_open
    }

    /// The first open wait.
    pub const fn open_wait(&self) -> Duration {
        self.wait_in_open
    }

    /// The backoff, if any.
    pub const fn backoff(&self) -> Option<Backoff> {
        self.backoff
    }

    /// The maximum wait in half-open, if any.
    pub const fn half_open_max_wait(&self) -> Option<Duration> {
        self.max_wait_in_half_open
    }

    /// The first impossible setting, if any.
    pub const fn validate(&self) -> Result<(), BreakerConfigError> {
        let window = match self.window {
            SlidingWindow::Count(n) => {
                if n == 0 {
                    return Err(BreakerConfigError::ZeroWindow {
                        window: self.window,
                    });
                }
                if n > MAX_COUNT_WINDOW {
                    return Err(BreakerConfigError::WindowTooLarge {
                        window: self.window,
                        max: MAX_COUNT_WINDOW,
                    });
                }
                Some(n)
            }
            SlidingWindow::Time(n) => {
                if n == 0 {
                    return Err(BreakerConfigError::ZeroWindow {
                        window: self.window,
                    });
                }
                if n > MAX_TIME_WINDOW_SECONDS {
                    return Err(BreakerConfigError::WindowTooLarge {
                        window: self.window,
                        max: MAX_TIME_WINDOW_SECONDS,
                    });
                }
                None
            }
            SlidingWindow::Consecutive(n) => {
                if n == 0 {
                    return Err(BreakerConfigError::ZeroWindow {
                        window: self.window,
                    });
                }
                if self.slow_call_duration.is_some() {
                    return Err(BreakerConfigError::SlowCallsWithoutRates);
                }
                None
            }
        };
        if !(self.failure_rate_threshold > 0.0 && self.failure_rate_threshold <= 100.0) {
            return Err(BreakerConfigError::FailureRateThreshold {
                percent: self.failure_rate_threshold,
            });
        }
        if !(self.slow_call_rate_threshold > 0.0 && self.slow_call_rate_threshold <= 100.0) {
            return Err(BreakerConfigError::SlowCallRateThreshold {
                percent: self.slow_call_rate_threshold,
            });
        }
        if let Some(d) = self.slow_call_duration
            && d.is_zero()
        {
            return Err(BreakerConfigError::ZeroDuration {
                setting: "slow_call_duration_threshold",
            });
        }
        if self.minimum_calls == 0 {
            return Err(BreakerConfigError::ZeroMinimumCalls);
        }
        if let Some(size) = window
            && self.minimum_calls > size
        {
            return Err(BreakerConfigError::MinimumCallsAboveWindow {
                minimum: self.minimum_calls,
                window: size,
            });
        }
        if self.permitted_calls_in_half_open == 0
            || self.permitted_calls_in_half_open > MAX_PERMITTED_CALLS_IN_HALF_OPEN
        {
            return Err(BreakerConfigError::PermittedCallsInHalfOpen {
                calls: self.permitted_calls_in_half_open,
                max: MAX_PERMITTED_CALLS_IN_HALF_OPEN,
            });
        }
        if self.wait_in_open.is_zero() {
            return Err(BreakerConfigError::ZeroDuration {
                setting: "wait_in_open",
            });
        }
        if let Some(b) = self.backoff {
            if !(b.multiplier >= 1.0 && b.multiplier <= 1e6) {
                return Err(BreakerConfigError::BackoffMultiplier {
                    multiplier: b.multiplier,
                });
            }
            if b.max.as_nanos() < self.wait_in_open.as_nanos() {
                return Err(BreakerConfigError::BackoffMaxBelowWait {
                    max: b.max,
                    wait: self.wait_in_open,
                });
            }
        }
        if let Some(d) = self.max_wait_in_half_open
            && d.is_zero()
        {
            return Err(BreakerConfigError::ZeroDuration {
                setting: "max_wait_in_half_open",
            });
        }
        Ok(())
    }

    /// The same configuration, or, in a `const`, a compile error naming the first
    /// impossible setting (at run time, a panic: use [`validate`](Self::validate)).
    pub const fn checked(self) -> Self {
        match self.validate() {
            Ok(()) => self,
            Err(e) => panic!("{}", e.summary()),
        }
    }

    /// The open wait of the `attempt`-th opening (1 for the first), in nanoseconds.
    pub(crate) fn open_wait_nanos(&self, attempt: u32) -> u64 {
        let first = duration_nanos(self.wait_in_open);
        match self.backoff {
            None => first,
            Some(b) => {
                let exponent = attempt.saturating_sub(1).min(1_000) as i32;
                let wait = first as f64 * b.multiplier.powi(exponent);
                let max = duration_nanos(b.max);
                if wait >= max as f64 { max } else { wait as u64 }
            }
        }
    }
}

/// A duration in nanoseconds, saturating at `u64::MAX` (584 years).
pub(crate) fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A setting no breaker can work with, named with its value.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum BreakerConfigError {
    /// A failure-rate threshold outside (0, 100].
    #[error(
        "failure-rate threshold {percent}% is outside (0, 100]; give a percentage such as 50.0"
    )]
    FailureRateThreshold {
        /// The value given.
        percent: f32,
    },
    /// A slow-call-rate threshold outside (0, 100].
    #[error(
        "slow-call-rate threshold {percent}% is outside (0, 100]; give a percentage such as 100.0"
    )]
    SlowCallRateThreshold {
        /// The value given.
        percent: f32,
    },
    /// A window of zero calls or seconds.
    #[error("sliding window {window:?} is empty; a window needs at least one call or second")]
    ZeroWindow {
        /// The window given.
        window: SlidingWindow,
    },
    /// A window larger than the breaker's counters hold.
    #[error("sliding window {window:?} is larger than the maximum of {max}")]
    WindowTooLarge {
        /// The window given.
        window: SlidingWindow,
        /// The largest allowed.
        max: u32,
    },
    /// A minimum number of calls of zero.
    #[error("minimum number of calls is 0; it must be at least 1")]
    ZeroMinimumCalls,
    /// A minimum number of calls that a count window can never hold.
    #[error(
        "minimum number of calls {minimum} is above the count window's size {window}; \
         the rates would never count: lower the minimum or widen the window"
    )]
    MinimumCallsAboveWindow {
        /// The minimum given.
        minimum: u32,
        /// The count window's size.
        window: u32,
    },
    /// Zero, or too many, trial calls in half-open.
    #[error("permitted calls in half-open {calls} is outside 1..={max}")]
    PermittedCallsInHalfOpen {
        /// The value given.
        calls: u32,
        /// The largest allowed.
        max: u32,
    },
    /// A duration of zero where one is needed.
    #[error("`{setting}` is zero; give a positive duration")]
    ZeroDuration {
        /// The setting's name.
        setting: &'static str,
    },
    /// A backoff multiplier below 1 (the wait would shrink), above 10^6, or NaN.
    #[error("backoff multiplier {multiplier} is outside [1, 1e6]")]
    BackoffMultiplier {
        /// The value given.
        multiplier: f64,
    },
    /// A backoff cap below the first wait.
    #[error("backoff maximum {max:?} is below the wait in open {wait:?}")]
    BackoffMaxBelowWait {
        /// The cap given.
        max: Duration,
        /// The first wait.
        wait: Duration,
    },
    /// Slow-call detection with the consecutive-failure window, which has no rates.
    #[error(
        "slow-call detection needs a count or time window; the consecutive-failure window has no rates"
    )]
    SlowCallsWithoutRates,
}

impl BreakerConfigError {
    /// A fixed sentence for each kind of error: what a compile-time check can print.
    pub const fn summary(&self) -> &'static str {
        match self {
            BreakerConfigError::FailureRateThreshold { .. } => {
                "breaker config: failure-rate threshold outside (0, 100]"
            }
            BreakerConfigError::SlowCallRateThreshold { .. } => {
                "breaker config: slow-call-rate threshold outside (0, 100]"
            }
            BreakerConfigError::ZeroWindow { .. } => "breaker config: empty sliding window",
            BreakerConfigError::WindowTooLarge { .. } => {
                "breaker config: sliding window above its maximum"
            }
            BreakerConfigError::ZeroMinimumCalls => "breaker config: minimum number of calls is 0",
            BreakerConfigError::MinimumCallsAboveWindow { .. } => {
                "breaker config: minimum number of calls above the count window's size"
            }
            BreakerConfigError::PermittedCallsInHalfOpen { .. } => {
                "breaker config: permitted calls in half-open outside 1..=4095"
            }
            BreakerConfigError::ZeroDuration { .. } => "breaker config: a duration is zero",
            BreakerConfigError::BackoffMultiplier { .. } => {
                "breaker config: backoff multiplier outside [1, 1e6]"
            }
            BreakerConfigError::BackoffMaxBelowWait { .. } => {
                "breaker config: backoff maximum below the wait in open"
            }
            BreakerConfigError::SlowCallsWithoutRates => {
                "breaker config: slow-call detection with the consecutive-failure window"
            }
        }
    }
}
