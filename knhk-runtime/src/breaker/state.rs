//! The breaker's states, and the one atomic word that holds the current one.
//!
//! ```text
//! bits 0..=2   kind: Closed 0, Open 1, HalfOpen 2, Disabled 3, ForcedOpen 4, MetricsOnly 5
//! bit  3       INIT: a Closed or MetricsOnly period whose window is being set up
//!              (calls are admitted, their outcomes not recorded)
//! bits 4..=5   for Open: whose counts metrics() shows (the closed window, the last
//!              half-open period's, or none)
//! bits 6..=15  attempts: openings since the breaker last closed (the backoff's
//!              exponent), saturating at 1023
//! bits 16..=63 period: how many transitions came before this state; never wraps
//! ```
//!
//! Every transition is one compare-and-swap from the word a thread saw to a word of the
//! next period, so two threads can never both make one, and a thread acting on what
//! it saw (a permit, a verdict) can tell that the state has moved on since.

use crate::sync::AtomicU64;
use std::fmt;
use std::sync::atomic::Ordering::{AcqRel, Acquire};

/// The state of a [`CircuitBreaker`](super::CircuitBreaker) (resilience4j's seven less
/// its internal one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Calls go through and are recorded; the rates decide when it opens.
    Closed,
    /// Calls are rejected until the wait is over.
    Open,
    /// A fixed number of trial calls go through and decide: closed or open again.
    HalfOpen,
    /// Calls go through and nothing is recorded; only a transition leaves it.
    Disabled,
    /// Every call is rejected; only a transition leaves it.
    ForcedOpen,
    /// Calls go through and are recorded, and crossings of the thresholds are
    /// reported, but the breaker never opens.
    MetricsOnly,
}

impl State {
    /// The name the registry gives the state (`breaker.state`).
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half_open",
            State::Disabled => "disabled",
            State::ForcedOpen => "forced_open",
            State::MetricsOnly => "metrics_only",
        }
    }

    /// Whether calls get through in this state (trial calls count: half-open).
    pub const fn admits_calls(self) -> bool {
        !matches!(self, State::Open | State::ForcedOpen)
    }

    pub(crate) const fn from_kind(kind: u64) -> State {
        match kind {
            CLOSED => State::Closed,
            OPEN => State::Open,
            HALF_OPEN => State::HalfOpen,
            DISABLED => State::Disabled,
            FORCED_OPEN => State::ForcedOpen,
            _ => State::MetricsOnly,
        }
    }

    pub(crate) const fn kind(self) -> u64 {
        match self {
            State::Closed => CLOSED,
            State::Open => OPEN,
            State::HalfOpen => HALF_OPEN,
            State::Disabled => DISABLED,
            State::ForcedOpen => FORCED_OPEN,
            State::MetricsOnly => METRICS_ONLY,
        }
    }

    /// Whether resilience4j allows a transition from `self` to `to` (every pair but
    /// Closed to HalfOpen and MetricsOnly to Open or HalfOpen).
    pub const fn can_transition_to(self, to: State) -> bool {
        !matches!(
            (self, to),
            (State::Closed, State::HalfOpen)
                | (State::MetricsOnly, State::Open)
                | (State::MetricsOnly, State::HalfOpen)
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half-open",
            State::Disabled => "disabled",
            State::ForcedOpen => "forced open",
            State::MetricsOnly => "metrics only",
        })
    }
}

pub(crate) const CLOSED: u64 = 0;
pub(crate) const OPEN: u64 = 1;
pub(crate) const HALF_OPEN: u64 = 2;
pub(crate) const DISABLED: u64 = 3;
pub(crate) const FORCED_OPEN: u64 = 4;
pub(crate) const METRICS_ONLY: u64 = 5;

pub(crate) const KIND_MASK: u64 = 0b111;
pub(crate) const INIT: u64 = 1 << 3;
/// The low bits of a Closed state ready to record: kind 0, no INIT (a Closed word
/// has no metrics source and no attempts).
pub(crate) const PLAIN_MASK: u64 = 0xF;

/// For Open: whose counts `metrics()` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Window = 0,
    HalfOpen = 1,
    Nothing = 2,
}

const SOURCE_SHIFT: u32 = 4;
const ATTEMPTS_SHIFT: u32 = 6;
const MAX_ATTEMPTS: u64 = (1 << 10) - 1;
const EPOCH_SHIFT: u32 = 16;

pub(crate) const fn kind(word: u64) -> u64 {
    word & KIND_MASK
}

pub(crate) const fn state_of(word: u64) -> State {
    State::from_kind(kind(word))
}

pub(crate) const fn epoch(word: u64) -> u64 {
    word >> EPOCH_SHIFT
}

pub(crate) const fn attempts(word: u64) -> u32 {
    ((word >> ATTEMPTS_SHIFT) & MAX_ATTEMPTS) as u32
}

pub(crate) const fn source(word: u64) -> Source {
    match (word >> SOURCE_SHIFT) & 0b11 {
        0 => Source::Window,
        1 => Source::HalfOpen,
        _ => Source::Nothing,
    }
}

/// The word of the period after `from`'s, in state `to`.
pub(crate) const fn next(from: u64, to: u64, attempts: u32, source: Source) -> u64 {
    let attempts = if attempts as u64 > MAX_ATTEMPTS {
        MAX_ATTEMPTS
    } else {
        attempts as u64
    };
    let init = if to == CLOSED || to == METRICS_ONLY {
        INIT
    } else {
        0
    };
    let source = if to == OPEN { source as u64 } else { 0 };
    ((epoch(from) + 1) << EPOCH_SHIFT)
        | (attempts << ATTEMPTS_SHIFT)
        | (source << SOURCE_SHIFT)
        | init
        | to
}

/// A value on a cache line of its own: the state word is read by every call and
/// should not share a line with counters that every call writes.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Whether a half-open permit was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    Granted,
    Exhausted,
    /// The permits belong to a later period: the state has moved on.
    Stale,
}

/// The permits of the current half-open period: `[period: 48][remaining: 16]`.
///
/// A period's permits are set up by whichever caller first finds the word tagged with
/// an earlier period, in the same compare-and-swap that takes its own permit, so no
/// caller can ever use a permit left over from an earlier period.
#[derive(Debug)]
pub(crate) struct Permits {
    word: AtomicU64,
}

impl Permits {
    pub(crate) fn new() -> Self {
        Permits {
            word: AtomicU64::new(0),
        }
    }

    pub(crate) fn acquire(&self, period: u64, permitted: u32) -> Admission {
        let mut word = self.word.load(Acquire);
        loop {
            let (tag, remaining) = (word >> 16, word & 0xFFFF);
            let next = if tag == period {
                if remaining == 0 {
                    return Admission::Exhausted;
                }
                word - 1
            } else if tag > period {
                return Admission::Stale;
            } else {
                (period << 16) | u64::from(permitted - 1)
            };
            match self.word.compare_exchange_weak(word, next, AcqRel, Acquire) {
                Ok(_) => return Admission::Granted,
                Err(seen) => word = seen,
            }
        }
    }

    /// Gives back a permit of `period` (a trial call ignored, or dropped without a
    /// verdict); nothing if that period is over.
    pub(crate) fn release(&self, period: u64) {
        let mut word = self.word.load(Acquire);
        while word >> 16 == period {
            match self
                .word
                .compare_exchange_weak(word, word + 1, AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(seen) => word = seen,
            }
        }
    }

    /// Permits left in `period` (all of them if it has not started using them).
    pub(crate) fn remaining(&self, period: u64, permitted: u32) -> u32 {
        let word = self.word.load(Acquire);
        if word >> 16 == period {
            (word & 0xFFFF) as u32
        } else {
            permitted
        }
    }
}

/// When the current Open or HalfOpen period began: `[period & 0xFFFF: 16][µs: 48]`.
///
/// Written by the thread that made the transition, just after it; a reader that finds
/// an older period's tag knows the time is not written yet and takes the period to
/// have just begun.
#[derive(Debug)]
pub(crate) struct Entered {
    word: AtomicU64,
}

const MICROS_MASK: u64 = (1 << 48) - 1;

impl Entered {
    pub(crate) fn new() -> Self {
        Entered {
            word: AtomicU64::new(0),
        }
    }

    pub(crate) fn set(&self, period: u64, now_nanos: u64) {
        let tag = period & 0xFFFF;
        let next = (tag << 48) | ((now_nanos / 1_000) & MICROS_MASK);
        let mut word = self.word.load(Acquire);
        loop {
            // A later period's time is never overwritten by an earlier one's.
            let ahead = ((word >> 48).wrapping_sub(tag)) & 0xFFFF;
            if ahead != 0 && ahead < 0x8000 {
                return;
            }
            match self.word.compare_exchange_weak(word, next, AcqRel, Acquire) {
                Ok(_) => return,
                Err(seen) => word = seen,
            }
        }
    }

    /// Nanoseconds since `period` began, or `None` if its time is not written yet.
    pub(crate) fn elapsed(&self, period: u64, now_nanos: u64) -> Option<u64> {
        let word = self.word.load(Acquire);
        if word >> 48 != period & 0xFFFF {
            return None;
        }
        let now_micros = (now_nanos / 1_000) & MICROS_MASK;
        let micros = now_micros.wrapping_sub(word & MICROS_MASK) & MICROS_MASK;
        Some(micros.saturating_mul(1_000))
    }
}
