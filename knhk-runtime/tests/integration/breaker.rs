//! The circuit breaker against a small reference model written from resilience4j's
//! rules with plain collections (a `VecDeque` of the window's calls, a counter of
//! permits): random configurations and random sequences of calls (successes, failures,
//! ignored errors, slow calls), permits held and given verdicts or dropped, clock
//! advances, explicit transitions and resets must give the same decisions and the
//! same metrics after every step. Then four real threads on one breaker: half-open
//! periods never admit more trial calls than their permits, every transition is
//! reported exactly once, and every rejection is counted.

use knhk_runtime::breaker::{
    BreakerConfig, BreakerError, BreakerEvent, CircuitBreaker, ManualClock, Metrics, Permit,
    Rejected, SlidingWindow, State,
};
use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    Timeout,
    NotFound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Success,
    Failure,
    Ignored,
    Dropped,
}

#[derive(Clone, Debug)]
enum Op {
    /// A call through `call` that takes `ms` milliseconds.
    Call(Verdict, u64),
    /// `try_acquire`, the permit held.
    Acquire,
    /// A verdict for the held permit at this index (modulo how many are held).
    Finish(usize, Verdict),
    Advance(u64),
    Transition(State),
    Reset,
    Metrics,
}

const MS: u64 = 1_000_000;

/// The reference: resilience4j's rules, written as directly as they read.
struct Model {
    config: BreakerConfig,
    now: u64,
    state: State,
    period: u64,
    attempts: u32,
    /// When the current Open or HalfOpen period began, in µs (as the breaker keeps it).
    since_us: u64,
    /// Open: shows the closed window, the last half-open period, or nothing.
    open_shows: Shows,
    /// The window's calls of this period: (second, failure, slow).
    window: VecDeque<(u64, bool, bool)>,
    run: u64,
    /// The last half-open period's trial outcomes, and its period.
    trials: Vec<(bool, bool)>,
    trials_period: u64,
    permits_left: u32,
    rejected: u64,
    reported: (u64, bool, bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shows {
    Window,
    Trials,
    Nothing,
}

#[derive(Clone, Copy, Debug)]
struct Held {
    period: u64,
    state: State,
    start: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Counts {
    calls: u32,
    failures: u32,
    slow: u32,
}

impl Model {
    fn new(config: BreakerConfig) -> Self {
        Model {
            config,
            now: 0,
            state: State::Closed,
            period: 0,
            attempts: 0,
            since_us: 0,
            open_shows: Shows::Window,
            window: VecDeque::new(),
            run: 0,
            trials: Vec::new(),
            trials_period: u64::MAX,
            permits_left: 0,
            rejected: 0,
            reported: (u64::MAX, false, false),
        }
    }

    fn wait(&self) -> u64 {
        let first = self.config.open_wait().as_nanos() as u64;
        match self.config.backoff() {
            None => first,
            Some(b) => {
                let w = first as f64 * b.multiplier.powi(self.attempts as i32 - 1);
                (w as u64).min(b.max.as_nanos() as u64)
            }
        }
    }

    fn elapsed(&self) -> u64 {
        (self.now / 1_000 - self.since_us) * 1_000
    }

    fn enter(&mut self, to: State, attempts: u32, shows: Shows) {
        self.period += 1;
        self.state = to;
        self.attempts = attempts;
        match to {
            State::Closed | State::MetricsOnly => {
                self.window.clear();
                self.run = 0;
            }
            State::Open => {
                self.open_shows = shows;
                self.since_us = self.now / 1_000;
            }
            State::HalfOpen => {
                self.since_us = self.now / 1_000;
                self.permits_left = self.config.permitted_in_half_open();
                self.trials.clear();
                self.trials_period = self.period;
            }
            _ => {}
        }
    }

    fn second(&self) -> u64 {
        self.now / 1_000_000_000
    }

    fn window_counts(&self) -> Counts {
        let mut c = Counts::default();
        let calls: Vec<_> = match self.config.window() {
            SlidingWindow::Count(n) => self.window.iter().rev().take(n as usize).collect(),
            SlidingWindow::Time(s) => {
                let oldest = (self.second() + 1).saturating_sub(u64::from(s));
                self.window.iter().filter(|w| w.0 >= oldest).collect()
            }
            SlidingWindow::Consecutive(_) => {
                let run = self.run as u32;
                return Counts {
                    calls: run,
                    failures: run,
                    slow: 0,
                };
            }
        };
        for &(_, failure, slow) in calls {
            c.calls += 1;
            c.failures += u32::from(failure);
            c.slow += u32::from(slow);
        }
        c
    }

    fn trial_counts(&self, period: u64) -> Counts {
        if self.trials_period != period {
            return Counts::default();
        }
        let mut c = Counts::default();
        for &(failure, slow) in &self.trials {
            c.calls += 1;
            c.failures += u32::from(failure);
            c.slow += u32::from(slow);
        }
        c
    }

    /// (failure rate, slow rate, failure reached, slow reached), at or above the minimum.
    fn rates(&self, c: Counts, minimum: u32) -> Option<(f32, f32, bool, bool)> {
        if c.calls == 0 || c.calls < minimum {
            return None;
        }
        let reach = |n: u32, t: f32| f64::from(n) * 100.0 >= f64::from(t) * f64::from(c.calls);
        Some((
            (f64::from(c.failures) * 100.0 / f64::from(c.calls)) as f32,
            (f64::from(c.slow) * 100.0 / f64::from(c.calls)) as f32,
            reach(c.failures, self.config.failure_rate()),
            reach(c.slow, self.config.slow_call_rate()),
        ))
    }

    fn half_open_minimum(&self) -> u32 {
        self.config
            .minimum()
            .min(self.config.permitted_in_half_open())
    }

    fn consecutive(&self) -> Option<u64> {
        match self.config.window() {
            SlidingWindow::Consecutive(n) => Some(u64::from(n)),
            _ => None,
        }
    }

    fn end_half_open(&mut self, close: bool) {
        if close {
            self.enter(State::Closed, 0, Shows::Window);
        } else {
            self.enter(State::Open, self.attempts + 1, Shows::Trials);
        }
    }

    fn decide_from_what_it_has(&mut self) {
        let c = self.trial_counts(self.period);
        let close = c.calls > 0
            && match self.consecutive() {
                Some(_) => c.failures == 0,
                None => self.rates(c, 1).is_some_and(|r| !r.2 && !r.3),
            };
        self.end_half_open(close);
    }

    fn half_open_expired(&self) -> bool {
        self.config
            .half_open_max_wait()
            .is_some_and(|max| self.elapsed() > max.as_nanos() as u64)
    }

    /// Timed transitions that a read decides.
    fn read_state(&mut self) -> State {
        if self.state == State::Open && self.elapsed() > self.wait() {
            self.enter(State::HalfOpen, self.attempts, Shows::Window);
        }
        if self.state == State::HalfOpen && self.half_open_expired() {
            self.decide_from_what_it_has();
        }
        self.state
    }

    fn acquire(&mut self) -> Result<Held, Rejected> {
        loop {
            let held = Held {
                period: self.period,
                state: self.state,
                start: self.now,
            };
            match self.state {
                State::Closed | State::MetricsOnly | State::Disabled => return Ok(held),
                State::ForcedOpen => return Err(self.reject(None)),
                State::Open => {
                    if self.elapsed() > self.wait() {
                        self.enter(State::HalfOpen, self.attempts, Shows::Window);
                    } else {
                        let left = self.wait() - self.elapsed();
                        return Err(self.reject(Some(Duration::from_nanos(left))));
                    }
                }
                State::HalfOpen => {
                    if self.half_open_expired() {
                        self.decide_from_what_it_has();
                    } else if self.permits_left > 0 {
                        self.permits_left -= 1;
                        return Ok(held);
                    } else {
                        return Err(self.reject(None));
                    }
                }
            }
        }
    }

    fn reject(&mut self, retry_after: Option<Duration>) -> Rejected {
        self.rejected += 1;
        Rejected {
            breaker: "model",
            state: self.state,
            retry_after,
        }
    }

    fn complete(&mut self, held: Held, verdict: Verdict) {
        if matches!(verdict, Verdict::Ignored | Verdict::Dropped) {
            if held.state == State::HalfOpen && held.period == self.period {
                self.permits_left += 1;
            }
            return;
        }
        let failure = verdict == Verdict::Failure;
        let slow = self
            .config
            .slow_call_duration()
            .is_some_and(|t| self.now - held.start > t.as_nanos() as u64);
        if held.period != self.period {
            return;
        }
        match self.state {
            State::Closed | State::MetricsOnly => {
                if let Some(n) = self.consecutive() {
                    if failure {
                        self.run += 1;
                        if self.run >= n && self.state == State::Closed {
                            self.enter(State::Open, 1, Shows::Window);
                        }
                    } else {
                        self.run = 0;
                    }
                    return;
                }
                self.window.push_back((self.second(), failure, slow));
                let Some((_, _, f, s)) = self.rates(self.window_counts(), self.config.minimum())
                else {
                    return;
                };
                if !f && !s {
                    return;
                }
                if self.state == State::Closed {
                    self.enter(State::Open, 1, Shows::Window);
                } else {
                    if self.reported.0 != self.period {
                        self.reported = (self.period, false, false);
                    }
                    self.reported.1 |= f;
                    self.reported.2 |= s;
                }
            }
            State::HalfOpen => {
                self.trials.push((failure, slow));
                let c = self.trial_counts(self.period);
                let close = match self.consecutive() {
                    Some(_) if c.failures > 0 => false,
                    Some(_) if c.calls >= self.config.permitted_in_half_open() => true,
                    Some(_) => return,
                    None => match self.rates(c, self.half_open_minimum()) {
                        Some(r) => !r.2 && !r.3,
                        None => return,
                    },
                };
                self.end_half_open(close);
            }
            _ => {}
        }
    }

    fn transition(&mut self, to: State) -> bool {
        let from = self.state;
        if !from.can_transition_to(to) {
            return false;
        }
        let (attempts, shows) = match (to, from) {
            (State::Open, State::Closed | State::MetricsOnly) => (self.attempts + 1, Shows::Window),
            (State::Open, State::HalfOpen) => (self.attempts + 1, Shows::Trials),
            (State::Open, State::Open) => (self.attempts + 1, self.open_shows),
            (State::Open | State::ForcedOpen, _) => (self.attempts + 1, Shows::Nothing),
            (State::HalfOpen, _) => (self.attempts, Shows::Window),
            _ => (0, Shows::Window),
        };
        self.enter(to, attempts, shows);
        true
    }

    fn reset(&mut self) {
        self.enter(State::Closed, 0, Shows::Window);
        self.rejected = 0;
    }

    fn metrics(&mut self) -> Metrics {
        let state = self.read_state();
        let (c, minimum) = match state {
            State::Closed | State::MetricsOnly => (self.window_counts(), self.config.minimum()),
            State::Open => match self.open_shows {
                Shows::Window => (self.window_counts(), self.config.minimum()),
                Shows::Trials => (self.trial_counts(self.period - 1), self.half_open_minimum()),
                Shows::Nothing => (Counts::default(), 1),
            },
            State::HalfOpen => (self.trial_counts(self.period), self.half_open_minimum()),
            _ => (Counts::default(), 1),
        };
        let rates = match self.consecutive() {
            Some(_) => None,
            None => self.rates(c, minimum),
        };
        Metrics {
            state,
            calls: c.calls,
            failed_calls: c.failures,
            slow_calls: c.slow,
            not_permitted_calls: self.rejected,
            failure_rate: rates.map(|r| r.0),
            slow_call_rate: rates.map(|r| r.1),
            transitions: self.period,
        }
    }
}

fn config_strategy() -> impl Strategy<Value = BreakerConfig> {
    let window = prop_oneof![
        (1u32..=6).prop_map(SlidingWindow::Count),
        // 16 ring slots or more: consecutive calls' slots spread over cache lines.
        (15u32..=24).prop_map(SlidingWindow::Count),
        (1u32..=4).prop_map(SlidingWindow::Time),
        (1u32..=4).prop_map(SlidingWindow::Consecutive),
    ];
    (
        window,
        1u32..=6,
        prop::sample::select(vec![20.0f32, 50.0, 66.6, 100.0]),
        prop::sample::select(vec![34.0f32, 50.0, 100.0]),
        prop::option::of(50u64..=200),
        1u32..=4,
        1u64..=3,
        any::<bool>(),
        prop::option::of(1u64..=4),
    )
        .prop_map(
            |(window, minimum, failure, slow_rate, slow_ms, permitted, wait, backoff, ho)| {
                let minimum = match window {
                    SlidingWindow::Count(n) => minimum.min(n),
                    _ => minimum,
                };
                let mut c = BreakerConfig::new()
                    .sliding_window(window)
                    .minimum_calls(minimum)
                    .failure_rate_threshold(failure)
                    .slow_call_rate_threshold(slow_rate)
                    .permitted_calls_in_half_open(permitted)
                    .wait_in_open(Duration::from_secs(wait));
                if let (Some(ms), false) =
                    (slow_ms, matches!(window, SlidingWindow::Consecutive(_)))
                {
                    c = c.slow_call_duration_threshold(Duration::from_millis(ms));
                }
                if backoff {
                    c = c.exponential_backoff(2.0, Duration::from_secs(wait * 3));
                }
                if let Some(s) = ho {
                    c = c.max_wait_in_half_open(Duration::from_secs(s));
                }
                c
            },
        )
}

fn verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        3 => Just(Verdict::Success),
        3 => Just(Verdict::Failure),
        1 => Just(Verdict::Ignored),
        1 => Just(Verdict::Dropped),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (verdict(), prop::sample::select(vec![0u64, 10, 120, 300])).prop_map(|(v, ms)| Op::Call(v, ms)),
        2 => Just(Op::Acquire),
        2 => (any::<usize>(), verdict()).prop_map(|(i, v)| Op::Finish(i, v)),
        3 => prop::sample::select(vec![1u64, 400, 999, 1000, 1001, 2500]).prop_map(Op::Advance),
        1 => prop::sample::select(vec![
            State::Closed, State::Open, State::HalfOpen, State::Disabled, State::ForcedOpen, State::MetricsOnly,
        ]).prop_map(Op::Transition),
        1 => Just(Op::Reset),
        1 => Just(Op::Metrics),
    ]
}

type Breaker = CircuitBreaker<u32, Fail, ManualClock>;

fn give<C: knhk_runtime::breaker::Clock>(permit: Permit<'_, u32, Fail, C>, v: Verdict) {
    match v {
        Verdict::Success => permit.success(),
        Verdict::Failure => permit.failure(&Fail::Timeout),
        Verdict::Ignored => permit.failure(&Fail::NotFound),
        Verdict::Dropped => drop(permit),
    }
}

fn run_model(config: BreakerConfig, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let clock = ManualClock::new();
    let breaker: Breaker = CircuitBreaker::builder()
        .name("model")
        .config(config)
        .ignore_error(|e| *e == Fail::NotFound)
        .clock(clock.clone())
        .build()
        .unwrap();
    let mut model = Model::new(config);
    let mut held: Vec<(Permit<'_, u32, Fail, ManualClock>, Held)> = Vec::new();
    for (step, op) in ops.into_iter().enumerate() {
        match op {
            Op::Call(v, ms) => {
                let expected = model.acquire();
                let result = breaker.call(|| {
                    clock.advance(Duration::from_millis(ms));
                    match v {
                        Verdict::Success => Ok(1),
                        Verdict::Failure => Err(Fail::Timeout),
                        Verdict::Ignored | Verdict::Dropped => Err(Fail::NotFound),
                    }
                });
                match (expected, result) {
                    (Ok(h), result) => {
                        prop_assert!(
                            !matches!(result, Err(BreakerError::Rejected(_))),
                            "step {step}: rejected, the model admits: {result:?}"
                        );
                        model.now += ms * MS;
                        let v = if v == Verdict::Dropped {
                            Verdict::Ignored
                        } else {
                            v
                        };
                        model.complete(h, v);
                    }
                    (Err(m), Err(BreakerError::Rejected(r))) => {
                        prop_assert_eq!(
                            (m.state, m.retry_after),
                            (r.state, r.retry_after),
                            "step {}",
                            step
                        );
                    }
                    (Err(m), other) => {
                        prop_assert!(
                            false,
                            "step {step}: admitted, the model rejects ({m:?}): {other:?}"
                        );
                    }
                }
            }
            Op::Acquire => match (model.acquire(), breaker.try_acquire()) {
                (Ok(h), Ok(p)) => {
                    prop_assert_eq!(
                        (p.state(), p.period()),
                        (h.state, h.period),
                        "step {}",
                        step
                    );
                    held.push((p, h));
                }
                (Err(m), Err(r)) => {
                    prop_assert_eq!(
                        (m.state, m.retry_after),
                        (r.state, r.retry_after),
                        "step {}",
                        step
                    )
                }
                (m, r) => prop_assert!(false, "step {step}: model {m:?}, breaker {r:?}"),
            },
            Op::Finish(i, v) => {
                if !held.is_empty() {
                    let (p, h) = held.remove(i % held.len());
                    give(p, v);
                    model.complete(h, v);
                }
            }
            Op::Advance(ms) => {
                clock.advance(Duration::from_millis(ms));
                model.now += ms * MS;
            }
            Op::Transition(to) => {
                let result = match to {
                    State::Closed => breaker.transition_to_closed(),
                    State::Open => breaker.transition_to_open(),
                    State::HalfOpen => breaker.transition_to_half_open(),
                    State::Disabled => breaker.transition_to_disabled(),
                    State::ForcedOpen => breaker.transition_to_forced_open(),
                    State::MetricsOnly => breaker.transition_to_metrics_only(),
                };
                prop_assert_eq!(
                    result.is_ok(),
                    model.transition(to),
                    "step {}: to {:?}",
                    step,
                    to
                );
            }
            Op::Reset => {
                breaker.reset();
                model.reset();
            }
            Op::Metrics => {}
        }
        prop_assert_eq!(
            breaker.metrics(),
            model.metrics(),
            "step {}: after {:?}",
            step,
            op
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_breaker_decides_as_the_reference_model(config in config_strategy(), ops in prop::collection::vec(op(), 1..120)) {
        run_model(config, ops)?;
    }
}

/// The model test can fail: a breaker whose half-open period admits one more trial
/// call than the model's is caught.
#[test]
fn the_model_catches_a_breaker_that_differs() {
    let config = BreakerConfig::new()
        .count_window(2)
        .minimum_calls(2)
        .permitted_calls_in_half_open(1)
        .wait_in_open(Duration::from_secs(1));
    let ops = vec![
        Op::Call(Verdict::Failure, 0),
        Op::Call(Verdict::Failure, 0),
        Op::Advance(1001),
        Op::Acquire,
        Op::Acquire,
    ];
    let mut model_config = config;
    // The model is told of two permits, the breaker has one.
    model_config = model_config.permitted_calls_in_half_open(2);
    let clock = ManualClock::new();
    let breaker: Breaker = CircuitBreaker::builder()
        .config(config)
        .clock(clock.clone())
        .build()
        .unwrap();
    let mut model = Model::new(model_config);
    let mut diverged = false;
    let mut held = Vec::new();
    for op in ops {
        match op {
            Op::Call(v, _) => {
                let h = model.acquire().unwrap();
                let _ = breaker.call(|| {
                    if v == Verdict::Failure {
                        Err(Fail::Timeout)
                    } else {
                        Ok(1)
                    }
                });
                model.complete(h, v);
            }
            Op::Advance(ms) => {
                clock.advance(Duration::from_millis(ms));
                model.now += ms * MS;
            }
            Op::Acquire => {
                let (m, b) = (model.acquire(), breaker.try_acquire());
                diverged |= m.is_ok() != b.is_ok();
                if let Ok(p) = b {
                    held.push(p);
                }
            }
            _ => {}
        }
    }
    assert!(
        diverged,
        "the second trial call: the model admits it, the breaker must not"
    );
}

/// Per half-open period: permits held now, the most held at once, verdicts given.
type Periods = HashMap<u64, (u32, u32, u32)>;

#[test]
fn four_threads_never_exceed_the_half_open_permits_and_lose_no_transition() {
    const PERMITTED: u32 = 3;
    const THREADS: usize = 4;
    const OPS: usize = 200_000;
    let clock = ManualClock::new();
    let transitions = Arc::new(AtomicU64::new(0));
    let bad_transitions = Arc::new(Mutex::new(Vec::new()));
    let (t, bad) = (transitions.clone(), bad_transitions.clone());
    let breaker: Arc<Breaker> = Arc::new(
        CircuitBreaker::builder()
            .count_window(16)
            .minimum_calls(8)
            .failure_rate_threshold(50.0)
            .permitted_calls_in_half_open(PERMITTED)
            .wait_in_open(Duration::from_millis(2))
            .ignore_error(|e| *e == Fail::NotFound)
            .on_event(move |e| {
                if let BreakerEvent::StateTransition { from, to } = *e {
                    t.fetch_add(1, Ordering::SeqCst);
                    let allowed = matches!(
                        (from, to),
                        (State::Closed, State::Open)
                            | (State::Open, State::HalfOpen)
                            | (State::HalfOpen, State::Open | State::Closed)
                    );
                    if !allowed {
                        bad.lock().unwrap().push((from, to));
                    }
                }
            })
            .clock(clock.clone())
            .build()
            .unwrap(),
    );
    // Per half-open period: permits held now, the most held at once, verdicts given.
    let periods: Arc<Mutex<Periods>> = Arc::default();
    let rejected_seen = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|id| {
            let (breaker, clock, periods, rejected_seen) = (
                breaker.clone(),
                clock.clone(),
                periods.clone(),
                rejected_seen.clone(),
            );
            std::thread::spawn(move || {
                let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ id as u64;
                for i in 0..OPS {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if id == 0 && i % 16 == 0 {
                        clock.advance(Duration::from_micros(700));
                    }
                    // Phases of mostly failures and mostly successes flip the breaker.
                    let failing = (i / 5_000) % 2 == 0;
                    let failure = if failing {
                        !x.is_multiple_of(4)
                    } else {
                        x.is_multiple_of(8)
                    };
                    match breaker.try_acquire() {
                        Ok(permit) => {
                            let half_open = permit.state() == State::HalfOpen;
                            let period = permit.period();
                            if half_open {
                                let mut p = periods.lock().unwrap();
                                let e = p.entry(period).or_default();
                                e.0 += 1;
                                e.1 = e.1.max(e.0);
                            }
                            if x.is_multiple_of(7) {
                                std::thread::yield_now();
                            }
                            let verdict = match (x >> 8) % 10 {
                                0 => Verdict::Dropped,
                                1 => Verdict::Ignored,
                                _ if failure => Verdict::Failure,
                                _ => Verdict::Success,
                            };
                            if half_open {
                                // Counted before the verdict frees the permit.
                                let mut p = periods.lock().unwrap();
                                let e = p.get_mut(&period).unwrap();
                                e.0 -= 1;
                                if matches!(verdict, Verdict::Success | Verdict::Failure) {
                                    e.2 += 1;
                                }
                                drop(p);
                            }
                            give(permit, verdict);
                        }
                        Err(_) => {
                            rejected_seen.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let m = breaker.metrics();
    let periods = periods.lock().unwrap();
    assert!(
        periods.len() > 10,
        "the run went half-open {} times",
        periods.len()
    );
    for (period, &(held, most, verdicts)) in periods.iter() {
        assert_eq!(held, 0, "period {period}");
        assert!(
            most <= PERMITTED,
            "period {period}: {most} trial calls at once"
        );
        assert!(
            verdicts <= PERMITTED,
            "period {period}: {verdicts} trial verdicts"
        );
    }
    assert!(
        bad_transitions.lock().unwrap().is_empty(),
        "{:?}",
        bad_transitions.lock().unwrap()
    );
    // `metrics()` may itself have moved an open breaker whose wait was over.
    assert_eq!(transitions.load(Ordering::SeqCst), m.transitions, "{m:?}");
    assert_eq!(rejected_seen.load(Ordering::SeqCst), m.not_permitted_calls);
    assert!(m.calls <= 16 && m.failed_calls <= m.calls, "{m:?}");
}
