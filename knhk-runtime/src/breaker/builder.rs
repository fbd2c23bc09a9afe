//! Building a breaker: its settings ([`BreakerConfig`]), name, predicates, listener and
//! clock.

use super::clock::{Clock, TickClock};
use super::config::{BreakerConfig, BreakerConfigError, SlidingWindow};
use super::events::BreakerEvent;
use super::state::{Entered, Padded, Permits};
use super::window::{Consecutive, CountWindow, HalfOpenCounts, TimeWindow, Window};
use super::{CircuitBreaker, Settings};
use crate::sync::AtomicU64;
use std::fmt;
use std::time::Duration;

pub(crate) type ErrorPredicate<E> = Box<dyn Fn(&E) -> bool + Send + Sync>;
pub(crate) type ResultPredicate<T> = Box<dyn Fn(&T) -> bool + Send + Sync>;
pub(crate) type Listener = Box<dyn Fn(&BreakerEvent) + Send + Sync>;

/// Which outcomes count as what (resilience4j's `recordExceptions`,
/// `ignoreExceptions` and `recordResult`).
pub(crate) struct Predicates<T, E> {
    pub(crate) record_error: Option<ErrorPredicate<E>>,
    pub(crate) ignore_error: Option<ErrorPredicate<E>>,
    pub(crate) record_result: Option<ResultPredicate<T>>,
}

/// A [`CircuitBreaker`] being configured; [`build`](Self::build) checks the settings.
///
/// ```
/// use knhk_runtime::breaker::{BreakerConfigError, CircuitBreaker};
/// use std::time::Duration;
///
/// #[derive(Debug)]
/// enum FetchError { Timeout, NotFound, Server(u16) }
///
/// let breaker = CircuitBreaker::<String, FetchError>::builder()
///     .name("catalog")
///     .count_window(20)
///     .minimum_calls(10)
///     .failure_rate_threshold(50.0)
///     .slow_call_duration_threshold(Duration::from_millis(250))
///     .wait_in_open(Duration::from_secs(2))
///     .exponential_backoff(2.0, Duration::from_secs(60))
///     .permitted_calls_in_half_open(3)
///     .ignore_error(|e| matches!(e, FetchError::NotFound)) // neither success nor failure
///     .record_result(|body: &String| body.is_empty())      // an empty body is a failure
///     .build()
///     .unwrap();
/// assert_eq!(breaker.name(), "catalog");
///
/// let bad = CircuitBreaker::<String, FetchError>::builder().count_window(10).minimum_calls(20).build();
/// assert_eq!(bad.unwrap_err(), BreakerConfigError::MinimumCallsAboveWindow { minimum: 20, window: 10 });
/// ```
pub struct BreakerBuilder<T, E, C = TickClock> {
    name: &'static str,
    config: BreakerConfig,
    predicates: Predicates<T, E>,
    listener: Option<Listener>,
    clock: C,
}

impl<T, E> BreakerBuilder<T, E, TickClock> {
    pub(crate) fn new() -> Self {
        BreakerBuilder {
            name: "circuit-breaker",
            config: BreakerConfig::new(),
            predicates: Predicates {
                record_error: None,
                ignore_error: None,
                record_result: None,
            },
            listener: None,
            clock: TickClock::new(),
        }
    }
}

macro_rules! config_setters {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty);)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.config = self.config.$name($arg);
            self
        }
    )*};
}

impl<T, E, C: Clock> BreakerBuilder<T, E, C> {
    /// The name events and errors carry (`circuit-breaker` unless set).
    #[must_use]
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Every setting at once, from a [`BreakerConfig`] (a `const` one, say).
    #[must_use]
    pub fn config(mut self, config: BreakerConfig) -> Self {
        self.config = config;
        self
    }

    config_setters! {
        /// See [`BreakerConfig::sliding_window`].
        sliding_window(window: SlidingWindow);
        /// The last `calls` calls.
        count_window(calls: u32);
        /// The last `seconds` seconds.
        time_window(seconds: u32);
        /// See [`BreakerConfig::failure_rate_threshold`].
        failure_rate_threshold(percent: f32);
        /// See [`BreakerConfig::slow_call_rate_threshold`].
        slow_call_rate_threshold(percent: f32);
        /// See [`BreakerConfig::slow_call_duration_threshold`].
        slow_call_duration_threshold(threshold: Duration);
        /// See [`BreakerConfig::minimum_calls`].
        minimum_calls(calls: u32);
        /// See [`BreakerConfig::permitted_calls_in_half_open`].
        permitted_calls_in_half_open(calls: u32);
        /// See [`BreakerConfig::wait_in_open`].
        wait_in_open(wait: Duration);
        /// See [`BreakerConfig::max_wait_in_half_open`].
        max_wait_in_half_open(wait: Duration);
    }

    /// See [`BreakerConfig::exponential_backoff`].
    #[must_use]
    pub fn exponential_backoff(mut self, multiplier: f64, max: Duration) -> Self {
        self.config = self.config.exponential_backoff(multiplier, max);
        self
    }

    /// Which errors are failures: those for which `predicate` is true; the others
    /// count as successes (all errors are failures unless set).
    #[must_use]
    pub fn record_error(mut self, predicate: impl Fn(&E) -> bool + Send + Sync + 'static) -> Self {
        self.predicates.record_error = Some(Box::new(predicate));
        self
    }

    /// Which errors count as neither success nor failure (checked before
    /// `record_error`); in half-open, their trial slot is given back.
    #[must_use]
    pub fn ignore_error(mut self, predicate: impl Fn(&E) -> bool + Send + Sync + 'static) -> Self {
        self.predicates.ignore_error = Some(Box::new(predicate));
        self
    }

    /// Which successful results count as failures.
    #[must_use]
    pub fn record_result(mut self, predicate: impl Fn(&T) -> bool + Send + Sync + 'static) -> Self {
        self.predicates.record_result = Some(Box::new(predicate));
        self
    }

    /// Called with every event (transitions, rejections, thresholds reached,
    /// resets), on the thread that caused it, besides the `tracing` event.
    #[must_use]
    pub fn on_event(mut self, listener: impl Fn(&BreakerEvent) + Send + Sync + 'static) -> Self {
        self.listener = Some(Box::new(listener));
        self
    }

    /// The clock the breaker reads ([`TickClock`] unless set).
    pub fn clock<C2: Clock>(self, clock: C2) -> BreakerBuilder<T, E, C2> {
        BreakerBuilder {
            name: self.name,
            config: self.config,
            predicates: self.predicates,
            listener: self.listener,
            clock,
        }
    }

    /// The breaker, closed; or the first impossible setting.
    pub fn build(self) -> Result<CircuitBreaker<T, E, C>, BreakerConfigError> {
        self.config.validate()?;
        let config = self.config;
        let window = match config.window {
            SlidingWindow::Count(n) => Window::Count(CountWindow::new(n)),
            SlidingWindow::Time(s) => Window::Time(TimeWindow::new(s)),
            SlidingWindow::Consecutive(_) => Window::Consecutive(Consecutive::new()),
        };
        // Reads the clock once, so a tick clock's calibration is not paid by a call.
        let _ = self.clock.now_nanos();
        Ok(CircuitBreaker {
            state: Padded(AtomicU64::new(0)),
            window,
            permits: Permits::new(),
            half_open: HalfOpenCounts::new(),
            entered: Entered::new(),
            rejected: AtomicU64::new(0),
            reported: AtomicU64::new(0),
            settings: Settings::new(config),
            name: self.name,
            predicates: self.predicates,
            listener: self.listener,
            clock: self.clock,
            _types: std::marker::PhantomData,
        })
    }
}

impl<T, E, C: fmt::Debug> fmt::Debug for BreakerBuilder<T, E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BreakerBuilder")
            .field("name", &self.name)
            .field("config", &self.config)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}
