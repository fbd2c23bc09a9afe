//! What a breaker reports: each event goes to the breaker's listener, if it has one,
//! and out through `tracing` as the registry's `knhk.breaker.*` events (target
//! `knhk::breaker`), declared in `registry/knhk/breaker.yaml`.

use super::state::State;
use std::fmt;

/// Something a breaker did, as its listener (`BreakerBuilder::on_event`) sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BreakerEvent {
    /// The state changed (transitions from a state to itself are not reported).
    StateTransition {
        /// The state before.
        from: State,
        /// The state after.
        to: State,
    },
    /// A call was not permitted.
    Rejected {
        /// The state that rejected it: open, forced open, or half-open with every
        /// trial permit taken.
        state: State,
    },
    /// The failure rate reached its threshold (closed: just before opening;
    /// metrics only: once per period).
    FailureRateExceeded {
        /// The rate, in percent.
        rate: f32,
        /// The threshold, in percent.
        threshold: f32,
        /// The calls in the window.
        calls: u32,
    },
    /// The slow-call rate reached its threshold.
    SlowCallRateExceeded {
        /// The rate, in percent.
        rate: f32,
        /// The threshold, in percent.
        threshold: f32,
        /// The calls in the window.
        calls: u32,
    },
    /// `reset()` closed the breaker and cleared its counts.
    Reset,
}

impl fmt::Display for BreakerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakerEvent::StateTransition { from, to } => write!(f, "{from} -> {to}"),
            BreakerEvent::Rejected { state } => write!(f, "call rejected ({state})"),
            BreakerEvent::FailureRateExceeded {
                rate,
                threshold,
                calls,
            } => write!(
                f,
                "failure rate {rate:.1}% of {calls} calls reached the threshold {threshold}%"
            ),
            BreakerEvent::SlowCallRateExceeded {
                rate,
                threshold,
                calls,
            } => write!(
                f,
                "slow-call rate {rate:.1}% of {calls} calls reached the threshold {threshold}%"
            ),
            BreakerEvent::Reset => f.write_str("reset"),
        }
    }
}

/// Emits `event` through `tracing` for the breaker `name` (`rejected` is its running
/// count of rejections, for `Rejected`).
pub(crate) fn trace(name: &'static str, state: State, event: &BreakerEvent, rejected: u64) {
    match *event {
        BreakerEvent::StateTransition { from, to } => {
            if matches!(to, State::Open | State::ForcedOpen) {
                knhk_macros::event!(
                    crate = crate,
                    target = "knhk::breaker",
                    WARN,
                    "knhk.breaker.state_changed",
                    breaker.name = name,
                    breaker.previous_state = from.as_str(),
                    breaker.state = to.as_str(),
                    "circuit breaker state changed",
                );
            } else {
                knhk_macros::event!(
                    crate = crate,
                    target = "knhk::breaker",
                    INFO,
                    "knhk.breaker.state_changed",
                    breaker.name = name,
                    breaker.previous_state = from.as_str(),
                    breaker.state = to.as_str(),
                    "circuit breaker state changed",
                );
            }
        }
        BreakerEvent::Rejected { state } => {
            knhk_macros::event!(
                crate = crate,
                target = "knhk::breaker",
                DEBUG,
                "knhk.breaker.rejected",
                breaker.name = name,
                breaker.state = state.as_str(),
                breaker.rejected_calls = rejected,
                "circuit breaker rejected a call",
            );
        }
        BreakerEvent::FailureRateExceeded {
            rate,
            threshold,
            calls,
        } => {
            knhk_macros::event!(
                crate = crate,
                target = "knhk::breaker",
                WARN,
                "knhk.breaker.failure_rate_exceeded",
                breaker.name = name,
                breaker.state = state.as_str(),
                breaker.failure_rate = f64::from(rate),
                breaker.threshold = f64::from(threshold),
                breaker.calls = calls,
                "circuit breaker failure rate reached its threshold",
            );
        }
        BreakerEvent::SlowCallRateExceeded {
            rate,
            threshold,
            calls,
        } => {
            knhk_macros::event!(
                crate = crate,
                target = "knhk::breaker",
                WARN,
                "knhk.breaker.slow_call_rate_exceeded",
                breaker.name = name,
                breaker.state = state.as_str(),
                breaker.slow_call_rate = f64::from(rate),
                breaker.threshold = f64::from(threshold),
                breaker.calls = calls,
                "circuit breaker slow-call rate reached its threshold",
            );
        }
        BreakerEvent::Reset => {
            knhk_macros::event!(
                crate = crate,
                target = "knhk::breaker",
                INFO,
                "knhk.breaker.reset",
                breaker.name = name,
                breaker.previous_state = state.as_str(),
                "circuit breaker reset",
            );
        }
    }
}
