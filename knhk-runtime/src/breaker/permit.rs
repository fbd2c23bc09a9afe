//! Permission for one call, and the errors of a protected call.

use super::clock::Clock;
use super::state::{self, State};
use super::{CircuitBreaker, Outcome};
use std::fmt;
use std::mem::ManuallyDrop;
use std::time::Duration;

/// Permission for one call, from [`CircuitBreaker::try_acquire`], for code that
/// cannot be wrapped in a closure: give it a verdict when the call is over.
///
/// A permit dropped without a verdict gives its half-open trial slot back, as
/// [`ignore`](Self::ignore) does; dropped while the thread panics, it counts as a
/// failure.
///
/// ```
/// use knhk_runtime::breaker::CircuitBreaker;
/// let breaker = CircuitBreaker::<(), std::io::Error>::builder().build().unwrap();
/// match breaker.try_acquire() {
///     Ok(permit) => match std::fs::metadata("/") {
///         Ok(_) => permit.success(),
///         Err(e) => permit.failure(&e),
///     },
///     Err(rejected) => eprintln!("{rejected}"),
/// }
/// assert_eq!(breaker.metrics().calls, 1);
/// ```
#[must_use = "a permit dropped without a verdict is released, as `ignore()` does"]
pub struct Permit<'a, T, E, C: Clock> {
    pub(crate) breaker: &'a CircuitBreaker<T, E, C>,
    pub(crate) word: u64,
    pub(crate) start: u64,
}

impl<T, E, C: Clock> Permit<'_, T, E, C> {
    /// The state the call was admitted in (closed, half-open, disabled or metrics
    /// only).
    pub fn state(&self) -> State {
        state::state_of(self.word)
    }

    /// How many transitions the breaker had made when the call was admitted: permits
    /// of one period were admitted by the same state, and a verdict given after the
    /// breaker has moved to another period is not recorded.
    pub fn period(&self) -> u64 {
        state::epoch(self.word)
    }

    /// The call succeeded.
    #[inline]
    pub fn success(self) {
        self.finish(Outcome::Success);
    }

    /// The call failed with `error`: a failure, unless the breaker's predicates
    /// ignore the error or do not record it (then a success).
    #[inline]
    pub fn failure(self, error: &E) {
        let outcome = self.breaker.classify_error(error);
        self.finish(outcome);
    }

    /// The call counts as neither success nor failure; a half-open trial slot is
    /// given back.
    #[inline]
    pub fn ignore(self) {
        self.finish(Outcome::Ignored);
    }

    /// The verdict for `result`, by the breaker's predicates: what `call` records.
    #[inline]
    pub fn record(self, result: &Result<T, E>) {
        let outcome = match result {
            Ok(value) => self.breaker.classify_value(value),
            Err(error) => self.breaker.classify_error(error),
        };
        self.finish(outcome);
    }

    #[inline]
    fn finish(self, outcome: Outcome) {
        let this = ManuallyDrop::new(self);
        this.breaker.complete(this.word, this.start, outcome);
    }
}

impl<T, E, C: Clock> Drop for Permit<'_, T, E, C> {
    fn drop(&mut self) {
        let outcome = if std::thread::panicking() {
            Outcome::Failure
        } else {
            Outcome::Ignored
        };
        self.breaker.complete(self.word, self.start, outcome);
    }
}

impl<T, E, C: Clock> fmt::Debug for Permit<'_, T, E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("breaker", &self.breaker.name())
            .field("state", &self.state())
            .field("period", &self.period())
            .finish()
    }
}

/// A call the breaker did not let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The breaker's name.
    pub breaker: &'static str,
    /// Open, forced open, or half-open with every trial permit taken.
    pub state: State,
    /// For an open breaker, how long until it lets trial calls through (before any
    /// backoff of the next opening).
    pub retry_after: Option<Duration>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let breaker = self.breaker;
        match self.state {
            State::HalfOpen => write!(
                f,
                "circuit breaker `{breaker}` is half-open and every trial call is taken"
            ),
            State::ForcedOpen => write!(f, "circuit breaker `{breaker}` is forced open"),
            state => {
                write!(f, "circuit breaker `{breaker}` is {state}")?;
                match self.retry_after {
                    Some(wait) => write!(f, "; trial calls in {wait:?}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for Rejected {}

/// A protected call's error: the breaker rejected it, or the call itself failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakerError<E> {
    /// Not permitted; the call was not made.
    Rejected(Rejected),
    /// The call was made and returned this error.
    Inner(E),
}

impl<E> BreakerError<E> {
    /// The call's own error, if it was made.
    pub fn into_inner(self) -> Option<E> {
        match self {
            BreakerError::Inner(e) => Some(e),
            BreakerError::Rejected(_) => None,
        }
    }

    /// Whether the breaker rejected the call.
    pub fn is_rejected(&self) -> bool {
        matches!(self, BreakerError::Rejected(_))
    }
}

impl<E: fmt::Display> fmt::Display for BreakerError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakerError::Rejected(r) => r.fmt(f),
            BreakerError::Inner(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for BreakerError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BreakerError::Rejected(_) => None,
            BreakerError::Inner(e) => e.source(),
        }
    }
}

impl<E> From<Rejected> for BreakerError<E> {
    fn from(r: Rejected) -> Self {
        BreakerError::Rejected(r)
    }
}

/// A transition resilience4j does not allow (closed to half-open, metrics only to
/// open or half-open).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("circuit breaker `{breaker}` cannot go from {from} to {to}")]
pub struct IllegalTransition {
    /// The breaker's name.
    pub breaker: &'static str,
    /// The state it was in.
    pub from: State,
    /// The state asked for.
    pub to: State,
}
