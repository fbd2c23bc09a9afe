//! The sliding windows: counts of calls, failures and slow calls, kept as running
//! totals in one atomic word so that recording a call is one atomic add, and the
//! window's counts are the difference between the totals now and where the window
//! begins.
//!
//! **Count window** of `n` calls. A call's add returns the totals after it (call
//! number `p`), which it stores in a ring slot of its own (`p` modulo the ring's size,
//! a power of two above `n`); call `p` finds the totals at call `p - n` in the
//! ring and subtracts. The 32-bit call number in each stored word says which call
//! stored it, so a slot whose writer has not stored yet is seen for what it is, and
//! that evaluation is skipped, never made from the wrong calls. A success in a full
//! window cannot raise either rate, so it is not evaluated: the closed path is one
//! atomic add, one load and one store.
//!
//! **Time window** of `n` seconds, in per-second buckets: the first call of each
//! second (and of each second skipped since) stores the totals at the start of that
//! second in its bucket, with the second as a tag; the window is the totals now less
//! those at the start of its oldest second. O(1) per call and per snapshot; a gap of
//! idle seconds costs at most `n` bucket writes, once.
//!
//! **Consecutive**: a run of failures, reset by a success.
//!
//! The totals are sums of fields in one `u64` (a field's carry spills into the next
//! one up); a difference of two totals decodes exactly as long as each field's count
//! over the window fits in the field, which the window's maximum size ensures.

use crate::sync::AtomicU64;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};

use super::state::Padded;

/// Calls, failures and slow calls over a window or a half-open period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) calls: u32,
    pub(crate) failures: u32,
    pub(crate) slow: u32,
}

/// A count window's totals: `[calls: 32][failures: 16][slow: 16]`.
const COUNT_CALL: u64 = 1 << 32;
const COUNT_FAILURE: u64 = 1 << 16;
const COUNT_SLOW: u64 = 1;
/// Past this many calls in one period the period's base is moved up, so that the
/// 32-bit call numbers never wrap between the base and now.
const REBASE_AFTER: u32 = 1 << 30;

fn count_delta(failure: bool, slow: bool) -> u64 {
    COUNT_CALL + u64::from(failure) * COUNT_FAILURE + u64::from(slow) * COUNT_SLOW
}

fn count_calls(totals: u64) -> u32 {
    (totals >> 32) as u32
}

fn count_decode(diff: u64) -> Counts {
    Counts {
        calls: (diff >> 32) as u32,
        failures: ((diff >> 16) & 0xFFFF) as u32,
        slow: (diff & 0xFFFF) as u32,
    }
}

#[derive(Debug)]
pub(crate) struct CountWindow {
    size: u32,
    mask: u32,
    /// log2(slots) - 3 with 16 slots or more, else 0 (see `slot`).
    spread: u32,
    /// Running totals and where the current period began, written by every call.
    totals: Padded<AtomicU64>,
    base: Padded<AtomicU64>,
    ring: Box<[AtomicU64]>,
}

impl CountWindow {
    pub(crate) fn new(size: u32) -> Self {
        // More slots than calls: the totals at call `p - size` stay in the ring after
        // call `p` stores its own, for a snapshot to find.
        let slots = (size + 1).next_power_of_two();
        CountWindow {
            size,
            mask: slots - 1,
            spread: if slots >= 16 {
                slots.trailing_zeros() - 3
            } else {
                0
            },
            totals: Padded(AtomicU64::new(0)),
            base: Padded(AtomicU64::new(0)),
            ring: (0..slots).map(|_| AtomicU64::new(u64::MAX)).collect(),
        }
    }

    /// Call `p`'s ring slot: consecutive calls go to different cache lines (eight
    /// slots a line), so threads recording one after another do not write one line.
    #[inline]
    fn slot(&self, p: u32) -> usize {
        let i = p & self.mask;
        (if self.spread == 0 {
            i
        } else {
            ((i & 7) << self.spread) | (i >> 3)
        }) as usize
    }

    /// Records one call; the window after it when the call could have moved a rate
    /// up to a threshold (and its ring slot for the call `size` back was written).
    #[inline]
    pub(crate) fn record(&self, failure: bool, slow: bool) -> Option<Counts> {
        let delta = count_delta(failure, slow);
        let now = self.totals.fetch_add(delta, Relaxed).wrapping_add(delta);
        let p = count_calls(now);
        let base = self.base.load(Relaxed);
        let in_period = p.wrapping_sub(count_calls(base));
        let slot = &self.ring[self.slot(p)];
        if in_period <= self.size {
            slot.store(now, Relaxed);
            return Some(count_decode(now.wrapping_sub(base)));
        }
        if delta == COUNT_CALL && in_period < REBASE_AFTER {
            slot.store(now, Relaxed);
            return None;
        }
        self.full_window(now, p, slot)
    }

    #[inline(never)]
    fn full_window(&self, now: u64, p: u32, slot: &AtomicU64) -> Option<Counts> {
        let back = p.wrapping_sub(self.size);
        let older = self.ring[self.slot(back)].load(Relaxed);
        slot.store(now, Relaxed);
        if count_calls(older) != back {
            return None;
        }
        if p.wrapping_sub(count_calls(self.base.load(Relaxed))) >= REBASE_AFTER {
            self.base.store(older, Relaxed);
        }
        Some(count_decode(now.wrapping_sub(older)))
    }

    /// The window's counts now.
    pub(crate) fn snapshot(&self) -> Counts {
        for _ in 0..64 {
            let now = self.totals.load(Acquire);
            let base = self.base.load(Acquire);
            let p = count_calls(now);
            if p.wrapping_sub(count_calls(base)) <= self.size {
                return count_decode(now.wrapping_sub(base));
            }
            let back = p.wrapping_sub(self.size);
            let older = self.ring[self.slot(back)].load(Acquire);
            if count_calls(older) == back {
                return count_decode(now.wrapping_sub(older));
            }
            // The call `size` back is still storing its totals.
            std::hint::spin_loop();
        }
        self.snapshot_from_ring()
    }

    /// The latest window whose two ends are both in the ring (a writer stayed
    /// preempted between its add and its store).
    #[cold]
    fn snapshot_from_ring(&self) -> Counts {
        let now = self.totals.load(Acquire);
        let p = count_calls(now);
        for lag in 1..=self.mask.saturating_sub(self.size) + 1 {
            let end = p.wrapping_sub(lag);
            let back = end.wrapping_sub(self.size);
            let (e, b) = (
                self.ring[self.slot(end)].load(Acquire),
                self.ring[self.slot(back)].load(Acquire),
            );
            if count_calls(e) == end && count_calls(b) == back {
                return count_decode(e.wrapping_sub(b));
            }
        }
        Counts::default()
    }

    /// A new period: the window starts empty.
    pub(crate) fn begin_period(&self) {
        self.base.store(self.totals.load(Acquire), Release);
    }
}

/// A time window's totals: `a = [calls: 32][failures: 32]`, `b = [_: 32][slow: 32]`.
const TIME_CALL: u64 = 1 << 32;
const TIME_FAILURE: u64 = 1;

#[derive(Debug)]
struct Bucket {
    /// The second + 1 whose start the totals below are; 0 while being written.
    tag: AtomicU64,
    a: AtomicU64,
    b: AtomicU64,
}

#[derive(Debug)]
pub(crate) struct TimeWindow {
    seconds: u64,
    mask: u64,
    /// The latest second with its bucket written, + 1 (0: none yet).
    head: Padded<AtomicU64>,
    totals_a: Padded<AtomicU64>,
    totals_b: AtomicU64,
    base_a: Padded<AtomicU64>,
    base_b: AtomicU64,
    buckets: Box<[Bucket]>,
}

/// The more recent of two totals words, by their 32-bit call counts.
fn later(x: (u64, u64), y: (u64, u64)) -> (u64, u64) {
    let (cx, cy) = ((x.0 >> 32) as u32, (y.0 >> 32) as u32);
    if cy.wrapping_sub(cx) < 1 << 31 { y } else { x }
}

fn time_decode(a: u64, b: u64) -> Counts {
    Counts {
        calls: (a >> 32) as u32,
        failures: a as u32,
        slow: b as u32,
    }
}

impl TimeWindow {
    pub(crate) fn new(seconds: u32) -> Self {
        let slots = (u64::from(seconds) + 1).next_power_of_two();
        TimeWindow {
            seconds: u64::from(seconds),
            mask: slots - 1,
            head: Padded(AtomicU64::new(0)),
            totals_a: Padded(AtomicU64::new(0)),
            totals_b: AtomicU64::new(0),
            base_a: Padded(AtomicU64::new(0)),
            base_b: AtomicU64::new(0),
            buckets: (0..slots)
                .map(|_| Bucket {
                    tag: AtomicU64::new(0),
                    a: AtomicU64::new(0),
                    b: AtomicU64::new(0),
                })
                .collect(),
        }
    }

    /// Records one call at `now_nanos`; the window after it.
    #[inline]
    pub(crate) fn record(&self, now_nanos: u64, failure: bool, slow: bool) -> Option<Counts> {
        let second = now_nanos / 1_000_000_000;
        if self.head.load(Acquire) <= second {
            self.advance(second);
        }
        let delta = TIME_CALL + u64::from(failure) * TIME_FAILURE;
        let a = self.totals_a.fetch_add(delta, Relaxed).wrapping_add(delta);
        let b = if slow {
            self.totals_b.fetch_add(1, Relaxed).wrapping_add(1)
        } else {
            self.totals_b.load(Relaxed)
        };
        let start = self.start_of(second)?;
        let (sa, sb) = later(start, self.base());
        Some(time_decode(a.wrapping_sub(sa), b.wrapping_sub(sb)))
    }

    /// Writes the buckets of every second after the last one written, up to `second`
    /// (at most the window's worth): each holds the totals now.
    #[cold]
    fn advance(&self, second: u64) {
        let mut head = self.head.load(Acquire);
        while head <= second {
            match self
                .head
                .compare_exchange(head, second + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    let a = self.totals_a.load(Acquire);
                    let b = self.totals_b.load(Acquire);
                    let first = head.max((second + 1).saturating_sub(self.seconds));
                    for s in first..=second {
                        let bucket = &self.buckets[(s & self.mask) as usize];
                        bucket.tag.store(0, Relaxed);
                        bucket.a.store(a, Release);
                        bucket.b.store(b, Release);
                        bucket.tag.store(s + 1, Release);
                    }
                    return;
                }
                Err(seen) => head = seen,
            }
        }
    }

    /// The totals at the start of the window that ends in `second`, if its bucket is
    /// written and not being rewritten.
    fn start_of(&self, second: u64) -> Option<(u64, u64)> {
        let oldest = (second + 1).saturating_sub(self.seconds);
        let bucket = &self.buckets[(oldest & self.mask) as usize];
        let tag = bucket.tag.load(Acquire);
        if tag != oldest + 1 {
            return None;
        }
        let (a, b) = (bucket.a.load(Acquire), bucket.b.load(Acquire));
        (bucket.tag.load(Acquire) == tag).then_some((a, b))
    }

    fn base(&self) -> (u64, u64) {
        (self.base_a.load(Acquire), self.base_b.load(Acquire))
    }

    /// The window's counts at `now_nanos`.
    pub(crate) fn snapshot(&self, now_nanos: u64) -> Counts {
        let second = now_nanos / 1_000_000_000;
        let oldest = (second + 1).saturating_sub(self.seconds);
        for _ in 0..64 {
            let head = self.head.load(Acquire);
            let (a, b) = (self.totals_a.load(Acquire), self.totals_b.load(Acquire));
            if head == 0 || head - 1 < oldest {
                // Nothing recorded since before the window's oldest second.
                return Counts::default();
            }
            // The oldest second is at most the last one written, so its bucket was
            // written by the advance that passed it (seconds since have none yet).
            if let Some(start) = self.start_of(second) {
                let (sa, sb) = later(start, self.base());
                return time_decode(a.wrapping_sub(sa), b.wrapping_sub(sb));
            }
            std::hint::spin_loop();
        }
        let (sa, sb) = self.base();
        time_decode(
            self.totals_a.load(Acquire).wrapping_sub(sa),
            self.totals_b.load(Acquire).wrapping_sub(sb),
        )
    }

    pub(crate) fn begin_period(&self) {
        self.base_b.store(self.totals_b.load(Acquire), Release);
        self.base_a.store(self.totals_a.load(Acquire), Release);
    }
}

/// The consecutive-failure mode's run of failures.
#[derive(Debug)]
pub(crate) struct Consecutive {
    run: Padded<AtomicU64>,
}

impl Consecutive {
    pub(crate) fn new() -> Self {
        Consecutive {
            run: Padded(AtomicU64::new(0)),
        }
    }

    /// Records one call; after a failure, the run it makes.
    #[inline]
    pub(crate) fn record(&self, failure: bool) -> Option<u64> {
        if failure {
            Some(self.run.fetch_add(1, Relaxed) + 1)
        } else {
            if self.run.load(Relaxed) != 0 {
                self.run.store(0, Relaxed);
            }
            None
        }
    }

    pub(crate) fn run(&self) -> u64 {
        self.run.load(Acquire)
    }

    pub(crate) fn begin_period(&self) {
        self.run.store(0, Release);
    }
}

/// A breaker's window, of the kind its configuration names.
#[derive(Debug)]
pub(crate) enum Window {
    Count(CountWindow),
    Time(TimeWindow),
    Consecutive(Consecutive),
}

impl Window {
    pub(crate) fn begin_period(&self) {
        match self {
            Window::Count(w) => w.begin_period(),
            Window::Time(w) => w.begin_period(),
            Window::Consecutive(w) => w.begin_period(),
        }
    }

    pub(crate) fn snapshot(&self, now_nanos: impl FnOnce() -> u64) -> Counts {
        match self {
            Window::Count(w) => w.snapshot(),
            Window::Time(w) => w.snapshot(now_nanos()),
            Window::Consecutive(w) => {
                let run = u32::try_from(w.run()).unwrap_or(u32::MAX);
                Counts {
                    calls: run,
                    failures: run,
                    slow: 0,
                }
            }
        }
    }
}

/// The outcomes of the current (or last) half-open period:
/// `[period & (2^28 - 1): 28][calls: 12][failures: 12][slow: 12]`.
#[derive(Debug)]
pub(crate) struct HalfOpenCounts {
    word: AtomicU64,
}

const TAG_BITS: u32 = 28;
const TAG_MASK: u64 = (1 << TAG_BITS) - 1;
const HO_CALL: u64 = 1 << 24;
const HO_FAILURE: u64 = 1 << 12;
const HO_SLOW: u64 = 1;

fn ho_decode(word: u64) -> Counts {
    Counts {
        calls: ((word >> 24) & 0xFFF) as u32,
        failures: ((word >> 12) & 0xFFF) as u32,
        slow: (word & 0xFFF) as u32,
    }
}

impl HalfOpenCounts {
    pub(crate) fn new() -> Self {
        HalfOpenCounts {
            word: AtomicU64::new(0),
        }
    }

    /// Records a trial call of `period`; the period's counts after it, or `None` if a
    /// later period has begun recording.
    pub(crate) fn record(&self, period: u64, failure: bool, slow: bool) -> Option<Counts> {
        let tag = period & TAG_MASK;
        let delta = HO_CALL + u64::from(failure) * HO_FAILURE + u64::from(slow) * HO_SLOW;
        let mut word = self.word.load(Acquire);
        loop {
            let seen = word >> (64 - TAG_BITS);
            let current = if seen == tag {
                word
            } else if seen.wrapping_sub(tag) & TAG_MASK < 1 << (TAG_BITS - 1) {
                return None;
            } else {
                tag << (64 - TAG_BITS)
            };
            let next = current + delta;
            match self.word.compare_exchange_weak(word, next, AcqRel, Acquire) {
                Ok(_) => return Some(ho_decode(next)),
                Err(seen) => word = seen,
            }
        }
    }

    /// The counts of `period` (zero if it has recorded nothing).
    pub(crate) fn of(&self, period: u64) -> Counts {
        let word = self.word.load(Acquire);
        if word >> (64 - TAG_BITS) == period & TAG_MASK {
            ho_decode(word)
        } else {
            Counts::default()
        }
    }
}
