//! loom models of the circuit breaker: every interleaving of concurrent callers.
//! A half-open period never admits more trial calls than its permits (taken, given
//! back and taken again), a threshold crossed by two callers at once opens the breaker
//! once, and an open wait that is over moves it to half-open once however many
//! callers see it.
#![cfg(loom)]

use knhk_runtime::breaker::{BreakerEvent, CircuitBreaker, ManualClock, State};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::sync::atomic::AtomicUsize as StdCounter;
use std::time::Duration;

type Breaker = CircuitBreaker<(), (), ManualClock>;

/// A breaker counting the transitions it reports into `transitions`.
fn breaker(permitted: u32, transitions: std::sync::Arc<StdCounter>) -> (Arc<Breaker>, ManualClock) {
    let clock = ManualClock::new();
    let breaker = CircuitBreaker::builder()
        .count_window(2)
        .minimum_calls(2)
        .permitted_calls_in_half_open(permitted)
        .wait_in_open(Duration::from_secs(1))
        .on_event(move |e| {
            if let BreakerEvent::StateTransition { .. } = e {
                transitions.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .clock(clock.clone())
        .build()
        .unwrap();
    (Arc::new(breaker), clock)
}

/// Takes a half-open permit, if one is free, and holds it while `held` says how many
/// are held at once; gives it back (`release`) or a success.
fn trial(breaker: &Breaker, held: &AtomicUsize, permitted: usize, release: bool) -> bool {
    let Ok(permit) = breaker.try_acquire() else {
        return false;
    };
    if permit.state() != State::HalfOpen {
        // The period was decided already and the breaker closed.
        permit.ignore();
        return false;
    }
    let now = held.fetch_add(1, Ordering::SeqCst) + 1;
    assert!(now <= permitted, "{now} trial calls held at once");
    held.fetch_sub(1, Ordering::SeqCst);
    if release {
        drop(permit);
    } else {
        permit.success();
    }
    true
}

#[test]
fn three_callers_never_hold_more_than_the_permits() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        let (b, _) = breaker(1, Default::default());
        b.transition_to_open().unwrap();
        b.transition_to_half_open().unwrap();
        let held = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = [true, false]
            .into_iter()
            .map(|release| {
                let (b, held) = (b.clone(), held.clone());
                thread::spawn(move || trial(&b, &held, 1, release))
            })
            .collect();
        let mine = trial(&b, &held, 1, false);
        let admitted = threads
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum::<usize>()
            + usize::from(mine);
        assert!(admitted >= 1);
        // Two successes against one permit: the first closes the period.
        assert!(admitted <= 2, "{admitted} trial calls admitted");
    });
}

#[test]
fn two_permits_decide_the_period_once() {
    loom::model(|| {
        let transitions = std::sync::Arc::new(StdCounter::new(0));
        let (b, _) = breaker(2, transitions.clone());
        b.transition_to_open().unwrap();
        b.transition_to_half_open().unwrap();
        let before = transitions.load(std::sync::atomic::Ordering::SeqCst);
        let other = b.clone();
        let t = thread::spawn(move || other.call(|| Err(())).is_ok());
        let _ = b.call(|| Ok(()));
        t.join().unwrap();
        // One success and one failure of two trials: 50% reaches 50%, open again.
        let m = b.metrics();
        assert_eq!(m.state, State::Open, "{m:?}");
        assert_eq!(
            transitions.load(std::sync::atomic::Ordering::SeqCst) - before,
            1,
            "decided once"
        );
        assert_eq!(m.transitions, 3);
    });
}

#[test]
fn two_failures_at_once_open_it_once() {
    loom::model(|| {
        let transitions = std::sync::Arc::new(StdCounter::new(0));
        let (b, _) = breaker(1, transitions.clone());
        let other = b.clone();
        let t = thread::spawn(move || {
            let _ = other.call(|| Err(()));
        });
        let _ = b.call(|| Err(()));
        t.join().unwrap();
        let m = b.metrics();
        assert_eq!(
            (m.state, m.transitions, m.calls, m.failed_calls),
            (State::Open, 1, 2, 2)
        );
        assert_eq!(transitions.load(std::sync::atomic::Ordering::SeqCst), 1);
    });
}

#[test]
fn an_open_wait_that_is_over_moves_it_to_half_open_once() {
    loom::model(|| {
        let transitions = std::sync::Arc::new(StdCounter::new(0));
        let (b, clock) = breaker(1, transitions.clone());
        b.transition_to_open().unwrap();
        clock.advance(Duration::from_secs(2));
        let other = b.clone();
        let t = thread::spawn(move || other.try_acquire().map(|p| p.period()).ok());
        let mine = b.try_acquire().map(|p| p.period()).ok();
        let theirs = t.join().unwrap();
        // Permits were dropped unused, so each caller may have had the one in turn,
        // but both in the half-open period the one transition made.
        assert!(mine.is_some() || theirs.is_some());
        for period in [mine, theirs].into_iter().flatten() {
            assert_eq!(period, 2);
        }
        assert_eq!(b.state(), State::HalfOpen);
        assert_eq!(transitions.load(std::sync::atomic::Ordering::SeqCst), 2);
    });
}
