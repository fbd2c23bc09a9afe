//! Each state and setting, the consecutive mode's whole cycle, and every builder error,
//! on a manual clock.

use super::*;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    Timeout,
    NotFound,
    BadRequest,
}

type Events = Arc<Mutex<Vec<BreakerEvent>>>;
type Breaker = CircuitBreaker<u32, Fail, ManualClock>;

fn build(config: BreakerConfig) -> (Breaker, ManualClock, Events) {
    let clock = ManualClock::new();
    let events = Events::default();
    let seen = events.clone();
    let breaker = CircuitBreaker::builder()
        .name("test")
        .config(config)
        .on_event(move |e| seen.lock().unwrap().push(*e))
        .clock(clock.clone())
        .build()
        .unwrap();
    (breaker, clock, events)
}

fn ok(b: &Breaker) -> Result<u32, BreakerError<Fail>> {
    b.call(|| Ok(1))
}

fn fail(b: &Breaker) -> Result<u32, BreakerError<Fail>> {
    b.call(|| Err(Fail::Timeout))
}

fn transitions(events: &Events) -> Vec<(State, State)> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match *e {
            BreakerEvent::StateTransition { from, to } => Some((from, to)),
            _ => None,
        })
        .collect()
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn opens_after_the_failure_rate_reaches_its_threshold_at_the_minimum() {
    let (b, _, events) = build(
        BreakerConfig::new()
            .count_window(10)
            .minimum_calls(4)
            .failure_rate_threshold(50.0),
    );
    ok(&b).unwrap();
    ok(&b).unwrap();
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Closed, "3 calls: below the minimum");
    assert_eq!(b.metrics().failure_rate, None);
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open, "2 of 4 failed: 50% reaches 50%");
    let m = b.metrics();
    assert_eq!(
        (m.calls, m.failed_calls, m.failure_rate),
        (4, 2, Some(50.0))
    );
    assert_eq!(
        events.lock().unwrap()[..2],
        [
            BreakerEvent::FailureRateExceeded {
                rate: 50.0,
                threshold: 50.0,
                calls: 4
            },
            BreakerEvent::StateTransition {
                from: State::Closed,
                to: State::Open
            }
        ]
    );
}

#[test]
fn a_success_at_the_minimum_can_open_it() {
    let (b, _, _) = build(BreakerConfig::new().count_window(5).minimum_calls(3));
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    ok(&b).unwrap();
    assert_eq!(
        b.state(),
        State::Open,
        "2 of 3 failed, counted from the third call"
    );
}

#[test]
fn the_count_window_forgets_calls_older_than_its_size() {
    let (b, _, _) = build(BreakerConfig::new().count_window(4).minimum_calls(4));
    fail(&b).unwrap_err();
    for _ in 0..4 {
        ok(&b).unwrap();
    }
    let m = b.metrics();
    assert_eq!((m.calls, m.failed_calls, m.failure_rate), (4, 0, Some(0.0)));
    for _ in 0..1_000 {
        ok(&b).unwrap();
    }
    fail(&b).unwrap_err();
    assert_eq!(b.metrics().failed_calls, 1);
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open, "2 of the last 4");
}

#[test]
fn open_rejects_until_the_wait_is_over_then_half_open_admits_exactly_the_permits() {
    let (b, clock, events) = build(
        BreakerConfig::new()
            .count_window(2)
            .minimum_calls(2)
            .permitted_calls_in_half_open(3)
            .wait_in_open(10 * SECOND),
    );
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    let mut called = false;
    let err = b
        .call(|| {
            called = true;
            Ok(0)
        })
        .unwrap_err();
    assert!(!called, "an open breaker does not call");
    let BreakerError::Rejected(r) = err else {
        panic!("{err:?}")
    };
    assert_eq!(r.state, State::Open);
    assert_eq!(r.retry_after, Some(10 * SECOND));
    assert_eq!(
        r.to_string(),
        "circuit breaker `test` is open; trial calls in 10s"
    );
    clock.advance(10 * SECOND);
    assert_eq!(
        b.state(),
        State::Open,
        "at the deadline, as resilience4j: not yet"
    );
    clock.advance(Duration::from_millis(1));
    assert_eq!(b.state(), State::HalfOpen, "decided on read");
    let permits: Vec<_> = (0..3).map(|_| b.try_acquire().unwrap()).collect();
    let rejected = b.try_acquire().unwrap_err();
    assert_eq!(rejected.state, State::HalfOpen);
    assert_eq!(b.metrics().not_permitted_calls, 2);
    drop(permits);
    assert_eq!(
        b.half_open_permits_left(),
        3,
        "dropped permits are released"
    );
    assert!(events.lock().unwrap().contains(&BreakerEvent::Rejected {
        state: State::HalfOpen
    }));
}

#[test]
fn half_open_closes_after_its_permits_succeed_with_a_new_window() {
    let (b, clock, events) = build(
        BreakerConfig::new()
            .count_window(4)
            .minimum_calls(2)
            .permitted_calls_in_half_open(2)
            .wait_in_open(SECOND),
    );
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    clock.advance(2 * SECOND);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.metrics().calls, 1);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics().calls, 0, "a new window");
    assert_eq!(
        transitions(&events),
        [
            (State::Closed, State::Open),
            (State::Open, State::HalfOpen),
            (State::HalfOpen, State::Closed)
        ]
    );
}

#[test]
fn half_open_reopens_when_its_trial_rate_reaches_the_threshold() {
    let (b, clock, _) = build(
        BreakerConfig::new()
            .count_window(4)
            .minimum_calls(2)
            .permitted_calls_in_half_open(2)
            .wait_in_open(SECOND),
    );
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    clock.advance(2 * SECOND);
    ok(&b).unwrap();
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open);
    let m = b.metrics();
    assert_eq!(
        (m.calls, m.failed_calls, m.failure_rate),
        (2, 1, Some(50.0)),
        "open shows the trial calls that opened it"
    );
    assert_eq!(m.transitions, 3);
}

#[test]
fn half_open_decides_at_the_minimum_when_it_is_below_the_permits() {
    let (b, clock, _) = build(
        BreakerConfig::new()
            .count_window(4)
            .minimum_calls(1)
            .permitted_calls_in_half_open(5)
            .wait_in_open(SECOND),
    );
    fail(&b).unwrap_err();
    clock.advance(2 * SECOND);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::Closed, "min(minimum calls, permits) = 1");
}

#[test]
fn consecutive_mode_opens_on_a_run_reopens_on_a_trial_failure_closes_on_successes() {
    let (b, clock, events) = build(BreakerConfig::consecutive(3, 2, Duration::from_millis(500)));
    // Open after N failures in a row; a success resets the run.
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    ok(&b).unwrap();
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics().failed_calls, 2);
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open, "3 in a row");
    assert!(ok(&b).unwrap_err().is_rejected());
    // Half-open after the timeout.
    clock.advance(Duration::from_millis(501));
    assert_eq!(b.state(), State::HalfOpen);
    // Reopen on a half-open failure.
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open);
    clock.advance(Duration::from_millis(501));
    // Close after M successes.
    ok(&b).unwrap();
    assert_eq!(b.state(), State::HalfOpen);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics().failure_rate, None, "no rates in this mode");
    assert_eq!(
        transitions(&events),
        [
            (State::Closed, State::Open),
            (State::Open, State::HalfOpen),
            (State::HalfOpen, State::Open),
            (State::Open, State::HalfOpen),
            (State::HalfOpen, State::Closed)
        ]
    );
}

#[test]
fn exponential_backoff_lengthens_each_opening_until_it_closes() {
    let (b, clock, _) = build(
        BreakerConfig::new()
            .count_window(1)
            .minimum_calls(1)
            .permitted_calls_in_half_open(1)
            .wait_in_open(SECOND)
            .exponential_backoff(2.0, 3 * SECOND),
    );
    fail(&b).unwrap_err();
    let mut waits = Vec::new();
    for _ in 0..4 {
        let r = b.try_acquire().unwrap_err();
        waits.push(r.retry_after.unwrap());
        clock.advance(r.retry_after.unwrap() + Duration::from_millis(1));
        fail(&b).unwrap_err(); // the trial call fails: open again
    }
    assert_eq!(waits, [SECOND, 2 * SECOND, 3 * SECOND, 3 * SECOND]);
    clock.advance(4 * SECOND);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::Closed);
    fail(&b).unwrap_err();
    assert_eq!(
        b.try_acquire().unwrap_err().retry_after,
        Some(SECOND),
        "closing forgets the openings"
    );
}

#[test]
fn max_wait_in_half_open_decides_from_what_it_has() {
    let config = BreakerConfig::new()
        .count_window(2)
        .minimum_calls(2)
        .permitted_calls_in_half_open(4)
        .wait_in_open(SECOND)
        .max_wait_in_half_open(5 * SECOND);
    // One good trial call, then nothing: closed.
    let (b, clock, _) = build(config);
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    clock.advance(2 * SECOND);
    ok(&b).unwrap();
    let _held = b.try_acquire().unwrap();
    clock.advance(5 * SECOND);
    assert_eq!(b.state(), State::HalfOpen);
    clock.advance(Duration::from_millis(1));
    assert_eq!(b.state(), State::Closed);
    // No trial call at all: open again.
    let (b, clock, _) = build(config);
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    clock.advance(2 * SECOND);
    assert_eq!(b.state(), State::HalfOpen);
    clock.advance(6 * SECOND);
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.try_acquire().unwrap_err().retry_after,
        Some(SECOND),
        "no backoff configured"
    );
}

#[test]
fn predicates_ignore_record_and_judge_results() {
    let clock = ManualClock::new();
    let b = CircuitBreaker::<u32, Fail>::builder()
        .count_window(4)
        .minimum_calls(4)
        .permitted_calls_in_half_open(1)
        .ignore_error(|e| *e == Fail::NotFound)
        .record_error(|e| *e != Fail::BadRequest)
        .record_result(|v| *v == 0)
        .clock(clock.clone())
        .build()
        .unwrap();
    b.call(|| Err(Fail::NotFound)).unwrap_err();
    assert_eq!(b.metrics().calls, 0, "ignored: neither success nor failure");
    b.call(|| Err(Fail::BadRequest)).unwrap_err();
    b.call(|| Ok(0)).unwrap();
    let m = b.metrics();
    assert_eq!(
        (m.calls, m.failed_calls),
        (2, 1),
        "bad request: success; 0: failure"
    );
    b.call(|| Ok(0)).unwrap();
    b.call(|| Ok(0)).unwrap();
    assert_eq!(b.state(), State::Open);
    // In half-open an ignored call gives its permit back.
    clock.advance(Duration::from_secs(61));
    b.call(|| Err(Fail::NotFound)).unwrap_err();
    assert_eq!(b.half_open_permits_left(), 1);
    b.call(|| Ok(1)).unwrap();
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn a_panic_inside_call_is_a_failure_and_unwinds_on() {
    let (b, _, _) = build(BreakerConfig::new().count_window(2).minimum_calls(1));
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = b.call(|| -> Result<u32, Fail> { panic!("boom") });
    }));
    assert!(unwound.is_err());
    assert_eq!(b.state(), State::Open);
}

#[test]
fn permits_give_verdicts_by_hand() {
    let (b, _, _) = build(BreakerConfig::new().count_window(4).minimum_calls(4));
    let p = b.try_acquire().unwrap();
    assert_eq!((p.state(), p.period()), (State::Closed, 0));
    p.success();
    b.try_acquire().unwrap().failure(&Fail::Timeout);
    b.try_acquire().unwrap().ignore();
    b.try_acquire().unwrap().record(&Ok(3));
    drop(b.try_acquire().unwrap());
    let m = b.metrics();
    assert_eq!((m.calls, m.failed_calls), (3, 1));
}

#[test]
fn a_verdict_after_the_state_moved_on_is_not_recorded() {
    let (b, _, _) = build(BreakerConfig::new().count_window(4).minimum_calls(1));
    let late = b.try_acquire().unwrap();
    b.transition_to_disabled().unwrap();
    b.transition_to_closed().unwrap();
    late.failure(&Fail::Timeout);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics().calls, 0);
}

#[test]
fn slow_calls_count_against_their_own_threshold() {
    let clock = ManualClock::new();
    let b = CircuitBreaker::<u32, Fail>::builder()
        .count_window(4)
        .minimum_calls(4)
        .slow_call_duration_threshold(Duration::from_millis(100))
        .slow_call_rate_threshold(50.0)
        .clock(clock.clone())
        .build()
        .unwrap();
    let call = |ms: u64, result: Result<u32, Fail>| {
        b.call(|| {
            clock.advance(Duration::from_millis(ms));
            result
        })
    };
    call(100, Ok(1)).unwrap(); // at the threshold: not slow
    call(101, Ok(1)).unwrap();
    call(5, Ok(1)).unwrap();
    let m = b.metrics();
    assert_eq!((m.calls, m.slow_calls), (3, 1));
    call(500, Err(Fail::Timeout)).unwrap_err();
    assert_eq!(b.state(), State::Open, "2 of 4 slow: 50%, failures 25%");
}

#[test]
fn the_time_window_keeps_the_last_seconds_in_buckets() {
    let (b, clock, _) = build(
        BreakerConfig::new()
            .time_window(3)
            .minimum_calls(5)
            .failure_rate_threshold(60.0),
    );
    clock.set(Duration::from_millis(10_200));
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    clock.advance(SECOND); // second 11
    ok(&b).unwrap();
    clock.advance(SECOND); // 12
    ok(&b).unwrap();
    assert_eq!(b.metrics().calls, 4);
    clock.advance(SECOND); // 13: second 10 leaves
    assert_eq!(
        (b.metrics().calls, b.metrics().failed_calls),
        (2, 0),
        "read without a call"
    );
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Open, "3 of 5 in seconds 11-13");
    clock.advance(Duration::from_secs(100));
    assert_eq!(b.metrics().calls, 0, "an idle window empties");
}

#[test]
fn a_time_window_after_an_idle_gap_starts_from_the_totals_then() {
    let (b, clock, _) = build(BreakerConfig::new().time_window(2).minimum_calls(3));
    ok(&b).unwrap();
    ok(&b).unwrap();
    clock.advance(Duration::from_secs(50));
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    assert_eq!(b.metrics().calls, 2);
    assert_eq!(b.state(), State::Closed);
    ok(&b).unwrap();
    assert_eq!(b.state(), State::Open, "2 of 3, all in the last 2 s");
}

#[test]
fn metrics_only_reports_each_threshold_once_and_never_opens() {
    let (b, _, events) = build(BreakerConfig::new().count_window(2).minimum_calls(2));
    b.transition_to_metrics_only().unwrap();
    for _ in 0..10 {
        fail(&b).unwrap_err();
    }
    assert_eq!(b.state(), State::MetricsOnly);
    let reported = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, BreakerEvent::FailureRateExceeded { .. }))
        .count();
    assert_eq!(reported, 1);
    assert_eq!(b.metrics().failure_rate, Some(100.0));
    assert_eq!(
        b.transition_to_open(),
        Err(IllegalTransition {
            breaker: "test",
            from: State::MetricsOnly,
            to: State::Open
        })
    );
}

#[test]
fn disabled_admits_and_records_nothing_forced_open_rejects_everything() {
    let (b, _, _) = build(BreakerConfig::new().count_window(2).minimum_calls(1));
    b.transition_to_disabled().unwrap();
    for _ in 0..5 {
        fail(&b).unwrap_err();
    }
    assert_eq!((b.state(), b.metrics().calls), (State::Disabled, 0));
    b.transition_to_forced_open().unwrap();
    let BreakerError::Rejected(r) = ok(&b).unwrap_err() else {
        panic!("called while forced open")
    };
    assert_eq!(
        r.to_string(),
        "circuit breaker `test` is forced open",
        "{r:?}"
    );
    assert_eq!(b.state(), State::ForcedOpen);
}

#[test]
fn transitions_follow_resilience4js_table() {
    let (b, _, events) = build(BreakerConfig::new());
    assert_eq!(
        b.transition_to_half_open().unwrap_err().to_string(),
        "circuit breaker `test` cannot go from closed to half-open"
    );
    b.transition_to_closed().unwrap();
    assert!(
        transitions(&events).is_empty(),
        "closed to closed: not reported"
    );
    b.transition_to_open().unwrap();
    b.transition_to_half_open().unwrap();
    b.transition_to_forced_open().unwrap();
    b.transition_to_disabled().unwrap();
    b.transition_to_metrics_only().unwrap();
    assert!(b.transition_to_half_open().is_err());
    assert_eq!(b.metrics().transitions, 6);
    b.reset();
    assert_eq!(b.state(), State::Closed);
    assert_eq!(events.lock().unwrap().last(), Some(&BreakerEvent::Reset));
}

#[test]
fn reset_closes_forgets_rejections_and_empties_the_window() {
    let (b, _, _) = build(BreakerConfig::new().count_window(2).minimum_calls(2));
    fail(&b).unwrap_err();
    fail(&b).unwrap_err();
    ok(&b).unwrap_err();
    assert_eq!(b.metrics().not_permitted_calls, 1);
    b.reset();
    let m = b.metrics();
    assert_eq!(
        (m.state, m.calls, m.not_permitted_calls),
        (State::Closed, 0, 0)
    );
    fail(&b).unwrap_err();
    assert_eq!(b.state(), State::Closed, "one call, minimum two");
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn call_async_records_and_a_dropped_future_releases_its_permit() {
    let (b, clock, _) = build(
        BreakerConfig::new()
            .count_window(2)
            .minimum_calls(1)
            .permitted_calls_in_half_open(1)
            .wait_in_open(SECOND),
    );
    assert_eq!(
        block_on(b.call_async(async { Err(Fail::Timeout) })),
        Err(BreakerError::Inner(Fail::Timeout))
    );
    assert_eq!(b.state(), State::Open);
    clock.advance(2 * SECOND);
    // A future that is polled once, holds the only permit, and is dropped.
    {
        let mut pending = std::pin::pin!(b.call_async(std::future::pending()));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(pending.as_mut().poll(&mut cx).is_pending());
        assert_eq!(b.half_open_permits_left(), 0);
        assert!(b.try_acquire().is_err());
    }
    assert_eq!(b.half_open_permits_left(), 1);
    assert_eq!(block_on(b.call_async(async { Ok(5) })), Ok(5));
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn every_builder_error_names_the_setting() {
    let cases: [(BreakerConfig, BreakerConfigError); 14] = [
        (
            BreakerConfig::new().failure_rate_threshold(0.0),
            BreakerConfigError::FailureRateThreshold { percent: 0.0 },
        ),
        (
            BreakerConfig::new().failure_rate_threshold(100.5),
            BreakerConfigError::FailureRateThreshold { percent: 100.5 },
        ),
        (
            BreakerConfig::new().slow_call_rate_threshold(-1.0),
            BreakerConfigError::SlowCallRateThreshold { percent: -1.0 },
        ),
        (
            BreakerConfig::new().count_window(0),
            BreakerConfigError::ZeroWindow {
                window: SlidingWindow::Count(0),
            },
        ),
        (
            BreakerConfig::new().time_window(0),
            BreakerConfigError::ZeroWindow {
                window: SlidingWindow::Time(0),
            },
        ),
        (
            BreakerConfig::new()
                .count_window(MAX_COUNT_WINDOW + 1)
                .minimum_calls(1),
            BreakerConfigError::WindowTooLarge {
                window: SlidingWindow::Count(MAX_COUNT_WINDOW + 1),
                max: MAX_COUNT_WINDOW,
            },
        ),
        (
            BreakerConfig::new().time_window(MAX_TIME_WINDOW_SECONDS + 1),
            BreakerConfigError::WindowTooLarge {
                window: SlidingWindow::Time(MAX_TIME_WINDOW_SECONDS + 1),
                max: MAX_TIME_WINDOW_SECONDS,
            },
        ),
        (
            BreakerConfig::new().minimum_calls(0),
            BreakerConfigError::ZeroMinimumCalls,
        ),
        (
            BreakerConfig::new().count_window(10).minimum_calls(11),
            BreakerConfigError::MinimumCallsAboveWindow {
                minimum: 11,
                window: 10,
            },
        ),
        (
            BreakerConfig::new().permitted_calls_in_half_open(0),
            BreakerConfigError::PermittedCallsInHalfOpen {
                calls: 0,
                max: MAX_PERMITTED_CALLS_IN_HALF_OPEN,
            },
        ),
        (
            BreakerConfig::new().wait_in_open(Duration::ZERO),
            BreakerConfigError::ZeroDuration {
                setting: "wait_in_open",
            },
        ),
        (
            BreakerConfig::new().exponential_backoff(0.5, Duration::from_secs(600)),
            BreakerConfigError::BackoffMultiplier { multiplier: 0.5 },
        ),
        (
            BreakerConfig::new().exponential_backoff(2.0, SECOND),
            BreakerConfigError::BackoffMaxBelowWait {
                max: SECOND,
                wait: Duration::from_secs(60),
            },
        ),
        (
            BreakerConfig::consecutive(3, 1, SECOND).slow_call_duration_threshold(SECOND),
            BreakerConfigError::SlowCallsWithoutRates,
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(config.validate(), Err(expected), "{config:?}");
        let built = CircuitBreaker::<(), ()>::builder().config(config).build();
        assert_eq!(built.unwrap_err(), expected);
        assert!(!expected.to_string().is_empty());
        assert!(expected.summary().starts_with("breaker config: "));
    }
    for (config, setting) in [
        (
            BreakerConfig::new().slow_call_duration_threshold(Duration::ZERO),
            "slow_call_duration_threshold",
        ),
        (
            BreakerConfig::new().max_wait_in_half_open(Duration::ZERO),
            "max_wait_in_half_open",
        ),
    ] {
        assert_eq!(
            config.validate(),
            Err(BreakerConfigError::ZeroDuration { setting })
        );
    }
    assert_eq!(
        BreakerConfig::new()
            .failure_rate_threshold(f32::NAN)
            .validate()
            .map_err(|e| e.summary()),
        Err("breaker config: failure-rate threshold outside (0, 100]")
    );
    assert_eq!(
        BreakerConfig::new()
            .permitted_calls_in_half_open(MAX_PERMITTED_CALLS_IN_HALF_OPEN + 1)
            .validate(),
        Err(BreakerConfigError::PermittedCallsInHalfOpen {
            calls: MAX_PERMITTED_CALLS_IN_HALF_OPEN + 1,
            max: MAX_PERMITTED_CALLS_IN_HALF_OPEN
        })
    );
    assert_eq!(
        BreakerConfigError::MinimumCallsAboveWindow {
            minimum: 11,
            window: 10
        }
        .to_string(),
        "minimum number of calls 11 is above the count window's size 10; \
         the rates would never count: lower the minimum or widen the window"
    );
    assert_eq!(BreakerConfig::new().validate(), Ok(()));
}

#[test]
fn the_tick_clock_moves_in_nanoseconds() {
    let clock = TickClock::new();
    let a = clock.now_nanos();
    std::thread::sleep(Duration::from_millis(20));
    let b = clock.now_nanos();
    assert!(b - a >= 15_000_000, "{a} {b}");
    assert!(b - a < 5_000_000_000, "{a} {b}");
}

#[test]
fn tracing_events_are_the_registrys() {
    use tracing_subscriber::layer::SubscriberExt;
    #[derive(Clone, Default)]
    struct Names(Arc<Mutex<Vec<String>>>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Names {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            struct Visit(Vec<String>);
            impl tracing::field::Visit for Visit {
                fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn fmt::Debug) {
                    self.0.push(format!("{}={v:?}", f.name()));
                }
                fn record_str(&mut self, f: &tracing::field::Field, v: &str) {
                    self.0.push(format!("{}={v}", f.name()));
                }
            }
            let mut visit = Visit(Vec::new());
            event.record(&mut visit);
            assert_eq!(event.metadata().target(), "knhk::breaker");
            self.0.lock().unwrap().push(visit.0.join(" "));
        }
    }
    let names = Names::default();
    let subscriber = tracing_subscriber::registry().with(names.clone());
    tracing::subscriber::with_default(subscriber, || {
        let (b, _, _) = build(BreakerConfig::new().count_window(1).minimum_calls(1));
        fail(&b).unwrap_err();
        ok(&b).unwrap_err();
    });
    let seen = names.0.lock().unwrap();
    assert_eq!(seen.len(), 3, "{seen:#?}");
    assert!(seen[0].contains("breaker.failure_rate=100"), "{}", seen[0]);
    assert!(
        seen[1].contains("breaker.previous_state=closed") && seen[1].contains("breaker.state=open"),
        "{}",
        seen[1]
    );
    assert!(seen[2].contains("breaker.rejected_calls=1"), "{}", seen[2]);
}
