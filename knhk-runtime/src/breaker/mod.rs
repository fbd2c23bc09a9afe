//! A circuit breaker with resilience4j's semantics, shared by `&self` (put it in an
//! `Arc`), whose closed path takes no lock and allocates nothing.
//!
//! ```
//! use knhk_runtime::breaker::{BreakerError, CircuitBreaker, State};
//! use std::time::Duration;
//!
//! let breaker = CircuitBreaker::<u32, String>::builder()
//!     .name("inventory")
//!     .count_window(10)
//!     .minimum_calls(4)
//!     .failure_rate_threshold(50.0)
//!     .wait_in_open(Duration::from_secs(30))
//!     .build()?;
//! for _ in 0..4 {
//!     let _ = breaker.call(|| Err::<u32, _>("timeout".to_owned()));
//! }
//! assert_eq!(breaker.state(), State::Open);
//! match breaker.call(|| Ok(7)) {
//!     Err(BreakerError::Rejected(rejected)) => println!("{rejected}"), // not called
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), knhk_runtime::breaker::BreakerConfigError>(())
//! ```
//!
//! # What it does (resilience4j's `CircuitBreakerStateMachine`)
//!
//! - **Closed**: calls go through and their outcomes enter a sliding window, of the
//!   last `n` calls ([`SlidingWindow::Count`]) or of the last `n` seconds in per-second
//!   buckets ([`SlidingWindow::Time`]). Once the window holds at least the minimum
//!   number of calls, a failure rate or slow-call rate at or above its threshold opens
//!   the breaker. The rates are checked after each call is recorded.
//! - **Open**: calls are rejected with [`Rejected`] until the wait is over; the first
//!   call or read of the state after it moves the breaker to half-open (no timer
//!   thread). With [`exponential_backoff`](BreakerConfig::exponential_backoff), the
//!   `n`-th opening since the breaker last closed waits `wait × multiplier^(n-1)`.
//! - **HalfOpen**: `permitted_calls_in_half_open` trial calls are admitted, each by a
//!   compare-and-swap on the period's permit count, the rest rejected. Once
//!   `min(minimum_calls, permitted)` of them are recorded their rates decide: below the
//!   thresholds it closes (a new, empty window), otherwise it opens again. An ignored
//!   outcome, or a permit dropped without a verdict, gives its slot back. With
//!   [`max_wait_in_half_open`](BreakerConfig::max_wait_in_half_open) the breaker
//!   decides from what it has once that time has passed (resilience4j issue 2289).
//! - **Disabled** (calls go through, nothing recorded), **ForcedOpen** (everything
//!   rejected), **MetricsOnly** (recorded, thresholds reported, never opens): only an
//!   explicit `transition_to_*` or [`reset`](CircuitBreaker::reset) leaves them.
//! - **Consecutive** ([`BreakerConfig::consecutive`], the simplest breaker, with no
//!   window or rates): `n` failures in a row open it; in half-open a failure reopens it and `permitted`
//!   successes close it.
//! - **Predicates**: `ignore_error` (neither success nor failure), `record_error`
//!   (which errors are failures), `record_result` (which values are). A panic inside
//!   [`call`](CircuitBreaker::call) (or while a [`Permit`] is alive, or inside
//!   [`call_async`](CircuitBreaker::call_async)'s future) counts as a failure and
//!   unwinds on.
//! - **Events**: transitions, rejections and thresholds reached go to the listener
//!   and out through `tracing` as the registry's `knhk.breaker.*` events.
//!
//! # Where it differs from resilience4j
//!
//! - A minimum number of calls above a count window's size is an error, not clamped.
//! - Slow-call detection is off until a slow-call duration threshold is set
//!   (resilience4j times every call against a default of 60 s), so the closed path
//!   reads no clock unless asked to.
//! - A count window holds at most 65 535 calls, a time window 3 600 seconds, a
//!   half-open period 4 095 trial calls (the widths of the counters packed into one
//!   atomic word).
//! - A verdict given after the breaker has moved to another period (the call was
//!   admitted before a transition and finished after it) is not recorded; resilience4j
//!   records it in the new state's metrics. Under concurrency the check and the record
//!   are not one atomic step, so a call finishing at the instant of a transition may
//!   still land in the new period's window.
//! - A count window's rates are not evaluated after a success once the window is full
//!   (a success cannot raise a rate). Under concurrency an evaluation whose other end
//!   of the window is not yet stored by its writer is skipped, so a crossing can be
//!   acted on one call later.
//! - The number of rejected calls (`not_permitted_calls`) counts from build or the last
//!   reset, not per state. Metrics have no separate count of slow failed calls.
//! - Rejections carry how long an open breaker still waits. Every timed transition is
//!   decided when the breaker is next called or read (resilience4j's optional
//!   automatic transition has a scheduler thread).
//!
//! # How
//!
//! One atomic word holds the state, the openings since the breaker last closed and
//! the period (transitions so far); a transition is one compare-and-swap from the word
//! a thread saw (see `state.rs`). A closed call loads it, runs, loads it again to
//! check the period, and records: one atomic add on the window's running totals, a
//! load and a store (see `window.rs`). Nothing on that path locks or allocates; with
//! slow-call detection or a time window it also reads the clock:
//!
//! ```
//! use knhk_runtime::alloc::{CountingAllocator, thread_allocations};
//! use knhk_runtime::breaker::{BreakerConfig, CircuitBreaker};
//! use std::time::Duration;
//!
//! #[global_allocator]
//! static ALLOC: CountingAllocator = CountingAllocator::new();
//!
//! # fn main() {
//! let configs = [
//!     BreakerConfig::new().count_window(100),
//!     BreakerConfig::new().count_window(100).slow_call_duration_threshold(Duration::from_secs(1)),
//!     BreakerConfig::new().time_window(30),
//!     BreakerConfig::consecutive(1_000, 1, Duration::from_secs(1)),
//! ];
//! for config in configs {
//!     // One failure in three stays under the 50 % threshold: closed throughout.
//!     let breaker = CircuitBreaker::<u64, ()>::builder().config(config).build().unwrap();
//!     let _ = breaker.call(|| Ok(0)); // a thread's first call may set up thread-locals
//!     let before = thread_allocations();
//!     for i in 0..10_000_u64 {
//!         let _ = breaker.call(|| if i % 3 == 0 { Err(()) } else { Ok(i) });
//!     }
//!     assert_eq!(thread_allocations() - before, 0, "{config:?}");
//!     assert_eq!(breaker.metrics().state, knhk_runtime::breaker::State::Closed);
//! }
//! # }
//! ```

mod builder;
mod clock;
mod config;
mod events;
mod permit;
mod state;
mod window;

#[cfg(test)]
mod tests;

pub use builder::BreakerBuilder;
pub use clock::{Clock, ManualClock, TickClock};
pub use config::{
    Backoff, BreakerConfig, BreakerConfigError, MAX_COUNT_WINDOW, MAX_PERMITTED_CALLS_IN_HALF_OPEN,
    MAX_TIME_WINDOW_SECONDS, SlidingWindow,
};
pub use events::BreakerEvent;
pub use permit::{BreakerError, IllegalTransition, Permit, Rejected};
pub use state::State;

use crate::sync::AtomicU64;
use builder::{Listener, Predicates};
use state::{
    Admission, CLOSED, DISABLED, Entered, FORCED_OPEN, HALF_OPEN, INIT, METRICS_ONLY, OPEN,
    PLAIN_MASK, Padded, Permits, Source,
};
use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::time::Duration;
use window::{Counts, HalfOpenCounts, Window};

/// A circuit breaker protecting calls that return `Result<T, E>`, with time from `C`.
///
/// See the [module docs](self) for its states and decisions, and
/// [`CircuitBreaker::builder`] for its settings.
pub struct CircuitBreaker<T, E, C: Clock = TickClock> {
    state: Padded<AtomicU64>,
    window: Window,
    permits: Permits,
    half_open: HalfOpenCounts,
    entered: Entered,
    rejected: AtomicU64,
    /// MetricsOnly: `[period: 62][slow-call rate reported: 1][failure rate reported: 1]`.
    reported: AtomicU64,
    settings: Settings,
    name: &'static str,
    predicates: Predicates<T, E>,
    listener: Option<Listener>,
    clock: C,
    _types: PhantomData<fn(&T, &E)>,
}

/// The configuration, turned into what each decision compares against.
#[derive(Debug)]
pub(crate) struct Settings {
    config: BreakerConfig,
    slow_nanos: Option<u64>,
    time_window: bool,
    /// Neither slow-call detection nor a time window: a closed call reads no clock.
    untimed: bool,
    /// The consecutive-failure mode's run length.
    consecutive: Option<u64>,
    minimum: u32,
    half_open_minimum: u32,
    permitted: u32,
    max_half_open_nanos: Option<u64>,
}

impl Settings {
    pub(crate) fn new(config: BreakerConfig) -> Self {
        Settings {
            config,
            slow_nanos: config.slow_call_duration.map(config::duration_nanos),
            time_window: matches!(config.window, SlidingWindow::Time(_)),
            untimed: config.slow_call_duration.is_none()
                && !matches!(config.window, SlidingWindow::Time(_)),
            consecutive: match config.window {
                SlidingWindow::Consecutive(n) => Some(u64::from(n)),
                _ => None,
            },
            minimum: config.minimum_calls,
            half_open_minimum: config
                .minimum_calls
                .min(config.permitted_calls_in_half_open),
            permitted: config.permitted_calls_in_half_open,
            max_half_open_nanos: config.max_wait_in_half_open.map(config::duration_nanos),
        }
    }
}

/// What a call's verdict counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    Failure,
    Ignored,
}

/// A window's rates, once it holds the minimum number of calls.
#[derive(Clone, Copy, Debug)]
struct Rates {
    failure: f32,
    slow: f32,
    failure_exceeded: bool,
    slow_exceeded: bool,
    calls: u32,
}

/// Whether `count` of `calls` is at least `threshold` percent (exactly, in f64).
fn reaches(count: u32, calls: u32, threshold: f32) -> bool {
    f64::from(count) * 100.0 >= f64::from(threshold) * f64::from(calls)
}

fn percent(count: u32, calls: u32) -> f32 {
    (f64::from(count) * 100.0 / f64::from(calls)) as f32
}

/// A snapshot of a breaker: its state and the counts its decisions are made from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// The state (after any transition that reading it decided).
    pub state: State,
    /// Calls in the window: closed and metrics only, the sliding window; half-open,
    /// the period's trial calls; open, whichever window opened it; in consecutive
    /// mode, the current run of failures.
    pub calls: u32,
    /// Of those, failures.
    pub failed_calls: u32,
    /// Of those, slower than the slow-call threshold.
    pub slow_calls: u32,
    /// Calls rejected since the breaker was built or last reset.
    pub not_permitted_calls: u64,
    /// Failures as a percentage of calls; `None` below the minimum number of calls
    /// (resilience4j's -1) and in consecutive mode.
    pub failure_rate: Option<f32>,
    /// Slow calls as a percentage of calls; `None` likewise.
    pub slow_call_rate: Option<f32>,
    /// Transitions since the breaker was built.
    pub transitions: u64,
}

impl Metrics {
    /// Calls in the window that succeeded.
    pub fn successful_calls(&self) -> u32 {
        self.calls.saturating_sub(self.failed_calls)
    }
}

impl<T, E> CircuitBreaker<T, E, TickClock> {
    /// A builder with resilience4j's defaults (see [`BreakerConfig`]).
    pub fn builder() -> BreakerBuilder<T, E, TickClock> {
        BreakerBuilder::new()
    }
}

impl<T, E, C: Clock> CircuitBreaker<T, E, C> {
    /// The name events and errors carry.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The settings it was built with.
    pub fn config(&self) -> &BreakerConfig {
        &self.settings.config
    }

    /// Calls `f` if the breaker permits it, and records its outcome.
    ///
    /// A panic in `f` is recorded as a failure and unwinds on.
    #[inline]
    pub fn call<F>(&self, f: F) -> Result<T, BreakerError<E>>
    where
        F: FnOnce() -> Result<T, E>,
    {
        // Not through `try_acquire`: a `Result<Permit, Rejected>` returned and taken
        // apart costs the closed path a store-forwarding stall.
        let word = self.state.load(Acquire);
        let permit = if word & PLAIN_MASK == CLOSED {
            self.permit(word)
        } else {
            self.acquire_slow(word)?
        };
        let result = f();
        permit.record(&result);
        result.map_err(BreakerError::Inner)
    }

    /// Awaits `future` if the breaker permits it (asked when this is first polled),
    /// and records its outcome. Works under any executor: it only wraps the future.
    /// Dropped before it finishes, the call is neither success nor failure.
    ///
    /// ```
    /// # use knhk_runtime::breaker::CircuitBreaker;
    /// # use std::future::Future;
    /// # fn block_on<F: Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v } }
    /// # }
    /// let breaker = CircuitBreaker::<u8, ()>::builder().build().unwrap();
    /// let reply = block_on(breaker.call_async(async { Ok(42) }));
    /// assert_eq!(reply, Ok(42));
    /// ```
    pub async fn call_async<F>(&self, future: F) -> Result<T, BreakerError<E>>
    where
        F: IntoFuture<Output = Result<T, E>>,
    {
        let permit = self.try_acquire()?;
        let result = future.into_future().await;
        permit.record(&result);
        result.map_err(BreakerError::Inner)
    }

    /// Permission for one call, or why not; give the [`Permit`] a verdict when the
    /// call is over.
    #[inline]
    pub fn try_acquire(&self) -> Result<Permit<'_, T, E, C>, Rejected> {
        let word = self.state.load(Acquire);
        if word & PLAIN_MASK == CLOSED {
            return Ok(self.permit(word));
        }
        self.acquire_slow(word)
    }

    #[inline]
    fn permit(&self, word: u64) -> Permit<'_, T, E, C> {
        let start = if self.settings.slow_nanos.is_some() {
            self.clock.now_nanos()
        } else {
            0
        };
        Permit {
            breaker: self,
            word,
            start,
        }
    }

    #[cold]
    #[inline(never)]
    fn acquire_slow(&self, mut word: u64) -> Result<Permit<'_, T, E, C>, Rejected> {
        loop {
            match state::kind(word) {
                CLOSED | METRICS_ONLY | DISABLED => return Ok(self.permit(word)),
                FORCED_OPEN => return Err(self.reject(word, None)),
                OPEN => match self.open_remaining(word, self.clock.now_nanos()) {
                    Some(left) => return Err(self.reject(word, Some(left))),
                    None => self.open_to_half_open(word),
                },
                _ => {
                    if self.half_open_expired(word) {
                        self.decide_half_open(word, true);
                    } else {
                        match self
                            .permits
                            .acquire(state::epoch(word), self.settings.permitted)
                        {
                            Admission::Granted => return Ok(self.permit(word)),
                            Admission::Exhausted => return Err(self.reject(word, None)),
                            Admission::Stale => {}
                        }
                    }
                }
            }
            word = self.state.load(Acquire);
        }
    }

    fn reject(&self, word: u64, retry_after: Option<u64>) -> Rejected {
        let count = self.rejected.fetch_add(1, Relaxed) + 1;
        let state = state::state_of(word);
        self.emit(state, BreakerEvent::Rejected { state }, count);
        Rejected {
            breaker: self.name,
            state,
            retry_after: retry_after.map(Duration::from_nanos),
        }
    }

    /// How long the Open period of `word` still waits, or `None` once it is over.
    fn open_remaining(&self, word: u64, now: u64) -> Option<u64> {
        let wait = self.settings.config.open_wait_nanos(state::attempts(word));
        match self.entered.elapsed(state::epoch(word), now) {
            Some(elapsed) if elapsed > wait => None,
            Some(elapsed) => Some(wait - elapsed),
            // Its start is not written yet: it has only just begun.
            None => Some(wait),
        }
    }

    fn open_to_half_open(&self, word: u64) {
        if self
            .transition(word, HALF_OPEN, state::attempts(word), Source::Window)
            .is_some()
        {
            self.emit_transition(State::Open, State::HalfOpen);
        }
    }

    fn half_open_expired(&self, word: u64) -> bool {
        self.settings.max_half_open_nanos.is_some_and(|max| {
            self.entered
                .elapsed(state::epoch(word), self.clock.now_nanos())
                .is_some_and(|elapsed| elapsed > max)
        })
    }

    /// Records a verdict for a call admitted in the state `word`.
    #[inline]
    pub(crate) fn complete(&self, word: u64, start: u64, outcome: Outcome) {
        if word & PLAIN_MASK == CLOSED && self.settings.untimed && outcome != Outcome::Ignored {
            let failure = outcome == Outcome::Failure;
            if self.state.load(Acquire) != word {
                // Admitted in an earlier period.
                return;
            }
            match &self.window {
                Window::Count(w) => {
                    if let Some(counts) = w.record(failure, false) {
                        self.check_rates(word, counts);
                    }
                }
                Window::Consecutive(w) => {
                    if let Some(run) = w.record(failure) {
                        self.check_run(word, run);
                    }
                }
                Window::Time(_) => {}
            }
            return;
        }
        self.complete_timed(word, start, outcome);
    }

    /// Every other verdict: ignored, timed (slow calls, a time window), or not closed.
    #[inline(never)]
    fn complete_timed(&self, word: u64, start: u64, outcome: Outcome) {
        if outcome == Outcome::Ignored {
            if state::kind(word) == HALF_OPEN {
                self.permits.release(state::epoch(word));
            }
            return;
        }
        let failure = outcome == Outcome::Failure;
        let (now, slow) = match self.settings.slow_nanos {
            Some(threshold) => {
                let now = self.clock.now_nanos();
                (now, now.saturating_sub(start) > threshold)
            }
            None if self.settings.time_window => (self.clock.now_nanos(), false),
            None => (0, false),
        };
        if self.state.load(Acquire) != word {
            return;
        }
        if word & PLAIN_MASK == CLOSED {
            match &self.window {
                Window::Count(w) => {
                    if let Some(counts) = w.record(failure, slow) {
                        self.check_rates(word, counts);
                    }
                }
                Window::Time(w) => {
                    if let Some(counts) = w.record(now, failure, slow) {
                        self.check_rates(word, counts);
                    }
                }
                Window::Consecutive(w) => {
                    if let Some(run) = w.record(failure) {
                        self.check_run(word, run);
                    }
                }
            }
            return;
        }
        self.complete_other(word, failure, slow, now);
    }

    #[inline(never)]
    fn complete_other(&self, word: u64, failure: bool, slow: bool, now: u64) {
        match state::kind(word) {
            HALF_OPEN => {
                if let Some(counts) = self.half_open.record(state::epoch(word), failure, slow) {
                    self.check_half_open(word, counts);
                }
            }
            METRICS_ONLY if word & INIT == 0 => {
                let counts = match &self.window {
                    Window::Count(w) => w.record(failure, slow),
                    Window::Time(w) => w.record(now, failure, slow),
                    Window::Consecutive(w) => {
                        w.record(failure);
                        None
                    }
                };
                if let Some(counts) = counts {
                    self.check_rates(word, counts);
                }
            }
            // Disabled, or a period whose window is still being set up.
            _ => {}
        }
    }

    fn rates(&self, counts: Counts, minimum: u32) -> Option<Rates> {
        if counts.calls == 0 || counts.calls < minimum {
            return None;
        }
        let config = &self.settings.config;
        Some(Rates {
            failure: percent(counts.failures, counts.calls),
            slow: percent(counts.slow, counts.calls),
            failure_exceeded: reaches(counts.failures, counts.calls, config.failure_rate_threshold),
            slow_exceeded: reaches(counts.slow, counts.calls, config.slow_call_rate_threshold),
            calls: counts.calls,
        })
    }

    #[inline(never)]
    fn check_rates(&self, word: u64, counts: Counts) {
        let Some(rates) = self.rates(counts, self.settings.minimum) else {
            return;
        };
        if !rates.failure_exceeded && !rates.slow_exceeded {
            return;
        }
        let config = self.settings.config;
        let failure_event = BreakerEvent::FailureRateExceeded {
            rate: rates.failure,
            threshold: config.failure_rate_threshold,
            calls: rates.calls,
        };
        let slow_event = BreakerEvent::SlowCallRateExceeded {
            rate: rates.slow,
            threshold: config.slow_call_rate_threshold,
            calls: rates.calls,
        };
        if state::kind(word) == METRICS_ONLY {
            let period = state::epoch(word);
            if rates.failure_exceeded && self.report_once(period, 1) {
                self.emit(State::MetricsOnly, failure_event, 0);
            }
            if rates.slow_exceeded && self.report_once(period, 2) {
                self.emit(State::MetricsOnly, slow_event, 0);
            }
            return;
        }
        if self.transition(word, OPEN, 1, Source::Window).is_some() {
            if rates.failure_exceeded {
                self.emit(State::Closed, failure_event, 0);
            }
            if rates.slow_exceeded {
                self.emit(State::Closed, slow_event, 0);
            }
            self.emit_transition(State::Closed, State::Open);
        }
    }

    #[inline(never)]
    fn check_run(&self, word: u64, run: u64) {
        if self.settings.consecutive.is_some_and(|n| run >= n)
            && self.transition(word, OPEN, 1, Source::Window).is_some()
        {
            self.emit_transition(State::Closed, State::Open);
        }
    }

    /// Whether this thread is the first to report `bit` in the MetricsOnly `period`.
    fn report_once(&self, period: u64, bit: u64) -> bool {
        let mut word = self.reported.load(Acquire);
        loop {
            let current = if word >> 2 == period {
                word
            } else {
                period << 2
            };
            if current & bit != 0 {
                return false;
            }
            match self
                .reported
                .compare_exchange_weak(word, current | bit, AcqRel, Acquire)
            {
                Ok(_) => return true,
                Err(seen) => word = seen,
            }
        }
    }

    fn check_half_open(&self, word: u64, counts: Counts) {
        let close = match self.settings.consecutive {
            Some(_) if counts.failures > 0 => false,
            Some(_) if counts.calls >= self.settings.permitted => true,
            Some(_) => return,
            None => match self.rates(counts, self.settings.half_open_minimum) {
                Some(r) => !r.failure_exceeded && !r.slow_exceeded,
                None => return,
            },
        };
        self.end_half_open(word, close);
    }

    /// Decides a half-open period from the trial calls it has (its maximum wait is over).
    fn decide_half_open(&self, word: u64, _timed_out: bool) {
        let counts = self.half_open.of(state::epoch(word));
        let close = counts.calls > 0
            && match self.settings.consecutive {
                Some(_) => counts.failures == 0,
                None => self
                    .rates(counts, 1)
                    .is_some_and(|r| !r.failure_exceeded && !r.slow_exceeded),
            };
        self.end_half_open(word, close);
    }

    fn end_half_open(&self, word: u64, close: bool) {
        if close {
            if self.transition(word, CLOSED, 0, Source::Window).is_some() {
                self.emit_transition(State::HalfOpen, State::Closed);
            }
        } else if self
            .transition(
                word,
                OPEN,
                state::attempts(word).saturating_add(1),
                Source::HalfOpen,
            )
            .is_some()
        {
            self.emit_transition(State::HalfOpen, State::Open);
        }
    }

    /// Moves from the state `from` (as this thread saw it) to `to`; `None` if another
    /// thread moved first. The winner sets up the new period.
    fn transition(&self, from: u64, to: u64, attempts: u32, source: Source) -> Option<u64> {
        let next = state::next(from, to, attempts, source);
        self.state
            .compare_exchange(from, next, AcqRel, Acquire)
            .ok()?;
        match to {
            CLOSED | METRICS_ONLY => {
                self.window.begin_period();
                // Recording starts; if another transition came first, it has its own.
                let _ = self
                    .state
                    .compare_exchange(next, next & !INIT, AcqRel, Acquire);
            }
            OPEN | HALF_OPEN => self.entered.set(state::epoch(next), self.clock.now_nanos()),
            _ => {}
        }
        Some(next)
    }

    fn emit_transition(&self, from: State, to: State) {
        self.emit(to, BreakerEvent::StateTransition { from, to }, 0);
    }

    fn emit(&self, state: State, event: BreakerEvent, rejected: u64) {
        if let Some(listener) = &self.listener {
            listener(&event);
        }
        events::trace(self.name, state, &event, rejected);
    }

    pub(crate) fn classify_error(&self, error: &E) -> Outcome {
        if let Some(ignore) = &self.predicates.ignore_error
            && ignore(error)
        {
            return Outcome::Ignored;
        }
        match &self.predicates.record_error {
            Some(record) if !record(error) => Outcome::Success,
            _ => Outcome::Failure,
        }
    }

    pub(crate) fn classify_value(&self, value: &T) -> Outcome {
        match &self.predicates.record_result {
            Some(record) if record(value) => Outcome::Failure,
            _ => Outcome::Success,
        }
    }

    /// The state, after any timed transition that is due: an Open wait that is over
    /// (to HalfOpen), a HalfOpen maximum wait that is over (decided).
    pub fn state(&self) -> State {
        let word = self.state.load(Acquire);
        match state::kind(word) {
            OPEN if self.open_remaining(word, self.clock.now_nanos()).is_none() => {
                self.open_to_half_open(word);
            }
            HALF_OPEN if self.half_open_expired(word) => self.decide_half_open(word, true),
            _ => {}
        }
        state::state_of(self.state.load(Acquire))
    }

    /// The state and the counts behind its decisions, in O(1).
    pub fn metrics(&self) -> Metrics {
        self.state();
        let word = self.state.load(Acquire);
        let period = state::epoch(word);
        let window = || {
            (
                self.window.snapshot(|| self.clock.now_nanos()),
                self.settings.minimum,
            )
        };
        let (counts, minimum) = match state::kind(word) {
            CLOSED | METRICS_ONLY => window(),
            OPEN => match state::source(word) {
                Source::Window => window(),
                Source::HalfOpen => (
                    self.half_open.of(period.wrapping_sub(1)),
                    self.settings.half_open_minimum,
                ),
                Source::Nothing => (Counts::default(), 1),
            },
            HALF_OPEN => (self.half_open.of(period), self.settings.half_open_minimum),
            _ => (Counts::default(), 1),
        };
        let rates = match self.settings.consecutive {
            Some(_) => None,
            None => self.rates(counts, minimum),
        };
        Metrics {
            state: state::state_of(word),
            calls: counts.calls,
            failed_calls: counts.failures,
            slow_calls: counts.slow,
            not_permitted_calls: self.rejected.load(Relaxed),
            failure_rate: rates.map(|r| r.failure),
            slow_call_rate: rates.map(|r| r.slow),
            transitions: period,
        }
    }

    /// Trial calls the current half-open period can still admit (0 in other states).
    pub fn half_open_permits_left(&self) -> u32 {
        let word = self.state.load(Acquire);
        if state::kind(word) == HALF_OPEN {
            self.permits
                .remaining(state::epoch(word), self.settings.permitted)
        } else {
            0
        }
    }

    fn transition_to(&self, to: State) -> Result<(), IllegalTransition> {
        let mut word = self.state.load(Acquire);
        loop {
            let from = state::state_of(word);
            if !from.can_transition_to(to) {
                return Err(IllegalTransition {
                    breaker: self.name,
                    from,
                    to,
                });
            }
            let (attempts, source) = match (to, from) {
                (State::Open, State::Closed | State::MetricsOnly) => {
                    (state::attempts(word) + 1, Source::Window)
                }
                (State::Open, State::HalfOpen) => (state::attempts(word) + 1, Source::HalfOpen),
                (State::Open, State::Open) => (state::attempts(word) + 1, state::source(word)),
                (State::Open | State::ForcedOpen, _) => {
                    (state::attempts(word) + 1, Source::Nothing)
                }
                (State::HalfOpen, _) => (state::attempts(word), Source::Window),
                _ => (0, Source::Window),
            };
            if self.transition(word, to.kind(), attempts, source).is_some() {
                if from != to {
                    self.emit_transition(from, to);
                }
                return Ok(());
            }
            word = self.state.load(Acquire);
        }
    }

    /// Closes the breaker with a new, empty window (allowed from every state).
    pub fn transition_to_closed(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::Closed)
    }

    /// Opens the breaker for the wait of one more opening (not from metrics only).
    pub fn transition_to_open(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::Open)
    }

    /// Starts a half-open period (not from closed or metrics only).
    pub fn transition_to_half_open(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::HalfOpen)
    }

    /// Lets every call through and records nothing, until another transition.
    pub fn transition_to_disabled(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::Disabled)
    }

    /// Rejects every call until another transition.
    pub fn transition_to_forced_open(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::ForcedOpen)
    }

    /// Records calls and reports thresholds reached, never opening (a new, empty
    /// window).
    pub fn transition_to_metrics_only(&self) -> Result<(), IllegalTransition> {
        self.transition_to(State::MetricsOnly)
    }

    /// Closes the breaker with a new, empty window, forgets its openings and its
    /// count of rejected calls, and reports a reset.
    pub fn reset(&self) {
        let mut word = self.state.load(Acquire);
        while self.transition(word, CLOSED, 0, Source::Window).is_none() {
            word = self.state.load(Acquire);
        }
        self.rejected.store(0, Relaxed);
        let from = state::state_of(word);
        if from != State::Closed {
            self.emit_transition(from, State::Closed);
        }
        self.emit(from, BreakerEvent::Reset, 0);
    }
}

impl<T, E, C: Clock> fmt::Debug for CircuitBreaker<T, E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.state.load(Acquire);
        f.debug_struct("CircuitBreaker")
            .field("name", &self.name)
            .field("state", &state::state_of(word))
            .field("period", &state::epoch(word))
            .field("config", &self.settings.config)
            .finish_non_exhaustive()
    }
}
