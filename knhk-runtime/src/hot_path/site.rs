//! One measured path: its static site, per-thread counters, and the probe that records.
//!
//! Recording must hide behind the counter reads. Each thread therefore writes its own
//! counters (one [`Shard`] per thread per path) with plain loads and stores, not atomic
//! read-modify-write: measured on the development VM, six atomic updates of a shared
//! cell cost 1.13× a bare fenced counter pair (90 ns per call from two threads), while
//! thread-owned cells cost 1.03×. Readers sum every thread's shard.
//!
//! A probe finds its thread's shard before the first counter read: the first 64 sites
//! through a thread-local array without a destructor (one load), later ones through a
//! slower table. When a thread exits, its shards go back to their sites and the next
//! new thread reuses them, so memory is bounded by the number of threads alive at once
//! and no count is lost.
//!
//! Nested paths. The runtime's own work never counts as the user's: what a thread's
//! first call of a path does (calibration, taking a slot, allocating a shard) and the
//! over-budget events are timed, their allocations wound back
//! ([`crate::alloc::uncounted`]), and their ticks added to a per-thread total of
//! bookkeeping, as is each probe's own cost (its two counter reads and its recording,
//! [`Calibration::nested_probe`](crate::tick::Calibration::nested_probe), measured with
//! the probe itself). A probe subtracts from its reading whatever that total grew by
//! inside its window, so an outer path's figure is its body's, inner bodies included,
//! without the inner probes. What is left uncorrected is the few instructions of an
//! inner probe's shard lookup before its first counter read, which the nested cost,
//! measured around a whole probe, includes on average.
//!
//! Suspension. While [`with_probes_suspended`] runs, every probe on the thread skips its
//! counter reads and recording: what `measure_path()` needs to time a path's own code
//! over many calls. A suspended probe still costs a thread-local load and a branch,
//! which the compiler threads straight to the body.

use super::histogram::{self, BUCKETS};
use super::measure::Measurement;
use super::{Budget, PathInfo, PathKind};
use crate::tick::{self, Calibration, Ticks};
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError};

/// What the attribute knows at compile time; `Site::new` derives the id from it.
#[derive(Clone, Copy, Debug)]
pub struct SiteMeta {
    /// Full name of the path.
    pub name: &'static str,
    /// Hot or warm.
    pub kind: PathKind,
    /// Budget as written.
    pub budget: Budget,
    /// Whether a hot path may allocate.
    pub allow_alloc: bool,
    /// `file!()` at the attribute.
    pub file: &'static str,
    /// `line!()` at the attribute.
    pub line: u32,
    /// `column!()` at the attribute.
    pub column: u32,
    /// A generic function's (or a method of a generic `impl` marked `#[impl_paths]`):
    /// every instantiation shares this site.
    pub generic: bool,
}

/// The registry entry generated code submits to `inventory`.
#[derive(Debug)]
pub struct Registration(pub &'static Site);

inventory::collect!(Registration);

/// Every registered site.
pub(crate) fn sites() -> impl Iterator<Item = &'static Site> {
    inventory::iter::<Registration>.into_iter().map(|r| r.0)
}

/// The static state of one path: its metadata, cached thresholds and every thread's shard.
#[derive(Debug)]
pub struct Site {
    meta: SiteMeta,
    id: u64,
    /// 1 + this site's index in every thread's shard tables; 0 until first use.
    slot: AtomicUsize,
    /// Ticks subtracted from each raw reading (the calibrated median overhead).
    overhead: AtomicU64,
    /// What this probe adds to an enclosing window besides the body.
    nested_probe: AtomicU64,
    /// A reading above this many ticks is over budget: budget + resolution.
    threshold: AtomicU64,
    /// Budget in ticks, for events.
    budget_ticks: AtomicU64,
    /// One second in ticks: the least time between two over-budget events.
    event_period: AtomicU64,
    /// Counter value of the last over-budget event, 0 for none yet.
    last_event: AtomicU64,
    /// Over-budget events emitted since the last reset. Every over-budget call not
    /// emitted is suppressed, so no counter is touched for those: the shards' own
    /// over-budget counts, minus this, are the suppressed events.
    emitted: AtomicU64,
    /// The shards' over-budget total when the last event was emitted.
    over_at_last_event: AtomicU64,
    /// Every shard this site has had; never freed, since they hold its counts.
    shards: Mutex<Vec<&'static Shard>>,
    /// Shards of exited threads, for the next new thread to take over.
    free: Mutex<Vec<&'static Shard>>,
    /// The last amortized measurement of this path's own code (`measure_path()`).
    amortized: Mutex<Option<Measurement>>,
}

/// Slots handed out so far; each site takes one on first use.
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);
/// Serialises slot assignment, so a site never takes two.
static PREPARE: Mutex<()> = Mutex::new(());

impl Site {
    /// A site for `meta`; `const`, so it lives in a `static` with its id computed at compile time.
    pub const fn new(meta: SiteMeta) -> Site {
        Site {
            id: site_id(&meta),
            meta,
            slot: AtomicUsize::new(0),
            overhead: AtomicU64::new(0),
            nested_probe: AtomicU64::new(0),
            threshold: AtomicU64::new(u64::MAX),
            budget_ticks: AtomicU64::new(0),
            event_period: AtomicU64::new(u64::MAX),
            last_event: AtomicU64::new(0),
            emitted: AtomicU64::new(0),
            over_at_last_event: AtomicU64::new(0),
            shards: Mutex::new(Vec::new()),
            free: Mutex::new(Vec::new()),
            amortized: Mutex::new(None),
        }
    }

    /// A site of the runtime's own, never registered, that nothing is ever over budget on.
    const fn internal(name: &'static str) -> Site {
        Site::new(SiteMeta {
            name,
            kind: PathKind::Warm,
            budget: Budget::Ticks(u64::MAX),
            allow_alloc: true,
            file: file!(),
            line: line!(),
            column: 0,
            generic: false,
        })
    }

    pub(crate) fn info(&self) -> PathInfo {
        let m = &self.meta;
        PathInfo {
            name: m.name,
            kind: m.kind,
            budget: m.budget,
            allow_alloc: m.allow_alloc,
            file: m.file,
            line: m.line,
            column: m.column,
            id: self.id,
            generic: m.generic,
        }
    }

    /// Calibrates if needed, caches this site's thresholds and takes a slot. Runs
    /// before the first counter read of the first call, so it is never measured; inside
    /// an enclosing window it is bookkeeping, subtracted there.
    #[cold]
    #[inline(never)]
    fn prepare(&self) -> usize {
        bookkeeping(|| self.prepare_with(tick::calibrate()))
    }

    fn prepare_with(&self, cal: &Calibration) -> usize {
        let _guard = PREPARE.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = self.slot.load(Relaxed);
        if slot != 0 {
            return slot - 1;
        }
        let budget = self.meta.budget.ticks(cal).get();
        self.overhead.store(cal.overhead_median.get(), Relaxed);
        self.nested_probe
            .store(cal.nested_probe.map_or(0, Ticks::get), Relaxed);
        self.budget_ticks.store(budget, Relaxed);
        self.event_period
            .store(cal.ns_to_ticks(1_000_000_000).get(), Relaxed);
        self.threshold
            .store(budget.saturating_add(cal.resolution.get()), Relaxed);
        let slot = NEXT_SLOT.fetch_add(1, Relaxed);
        // Release: a thread that sees the slot sees the thresholds stored above.
        self.slot
            .store(slot + 1, std::sync::atomic::Ordering::Release);
        slot
    }

    #[inline(always)]
    fn slot(&self) -> usize {
        match self.slot.load(std::sync::atomic::Ordering::Acquire) {
            0 => self.prepare(),
            slot => slot - 1,
        }
    }

    /// This thread's shard for this site.
    #[inline(always)]
    fn shard(&'static self) -> &'static Shard {
        let slot = self.slot();
        let cached = if slot < FAST_SLOTS {
            LOCAL.with(|local| local.fast[slot].get())
        } else {
            None
        };
        match cached {
            Some(shard) => shard,
            None => self.claim(slot),
        }
    }

    /// Finds or takes this thread's shard: a free one left by an exited thread, or a
    /// new one. Once the thread's claims are gone (it is exiting), samples are dropped.
    /// Bookkeeping: neither its ticks nor its allocations (the shard, the claims table,
    /// the thread-local destructor's registration) count against an enclosing path.
    #[cold]
    #[inline(never)]
    fn claim(&'static self, slot: usize) -> &'static Shard {
        bookkeeping(|| self.claim_now(slot))
    }

    fn claim_now(&'static self, slot: usize) -> &'static Shard {
        let claimed = CLAIMS.try_with(|claims| {
            let mut claims = claims.0.try_borrow_mut().ok()?;
            if let Some(Some((_, shard))) = claims.get(slot) {
                return Some(*shard);
            }
            let reused = self
                .free
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            let shard = reused.unwrap_or_else(|| {
                let shard: &'static Shard = Box::leak(Box::new(Shard::new()));
                self.shards
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(shard);
                shard
            });
            if claims.len() <= slot {
                claims.resize(slot + 1, None);
            }
            claims[slot] = Some((self, shard));
            if slot < FAST_SLOTS {
                LOCAL.with(|local| local.fast[slot].set(Some(shard)));
            }
            Some(shard)
        });
        claimed.ok().flatten().unwrap_or(&DISCARD)
    }

    /// Records one call whose window read `raw` ticks (overhead included, nested
    /// bookkeeping already taken out, so possibly below zero) and made `allocations`;
    /// `now` is the window's closing read.
    #[inline(always)]
    fn record(&self, shard: &Shard, raw: i64, allocations: u64, now: u64) {
        let overhead = self.overhead.load(Relaxed) as i64;
        let ticks = raw.saturating_sub(overhead).max(0) as u64;
        let over = ticks > self.threshold.load(Relaxed);
        let violations = if self.meta.kind == PathKind::Hot && !self.meta.allow_alloc {
            allocations
        } else {
            0
        };
        shard.record(raw, ticks, over, allocations, violations);
        if over {
            self.over_budget(ticks, now);
        }
    }

    /// Emits a `knhk::performance` event, at most one per path per second. A call that
    /// is not due costs an atomic load and a comparison: no counter read (`now` is the
    /// probe's own), no write. The event itself is bookkeeping: a subscriber may take
    /// long and allocate, and an enclosing path pays neither.
    #[inline(always)]
    fn over_budget(&self, ticks: u64, now: u64) {
        let now = now | 1;
        let last = self.last_event.load(Relaxed);
        if last != 0 && now.wrapping_sub(last) < self.event_period.load(Relaxed) {
            return;
        }
        if self
            .last_event
            .compare_exchange(last, now, Relaxed, Relaxed)
            .is_ok()
        {
            self.emit(ticks);
        }
    }

    #[cold]
    #[inline(never)]
    fn emit(&self, ticks: u64) {
        bookkeeping(|| {
            let over = self.over_budget_total();
            let before = self.over_at_last_event.swap(over, Relaxed);
            // Every over-budget call since the last event but this one was held back.
            let suppressed = over.saturating_sub(before).saturating_sub(1);
            self.emitted.fetch_add(1, Relaxed);
            let budget = self.budget_ticks.load(Relaxed);
            crate::telemetry::budget_exceeded(self.meta.name, budget, ticks, suppressed);
        });
    }

    fn over_budget_total(&self) -> u64 {
        self.shards
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|shard| shard.over_budget.load(Relaxed))
            .sum()
    }

    /// The sum of every thread's counters.
    pub(crate) fn snapshot(&self) -> Totals {
        let mut totals = Totals {
            min: u64::MAX,
            ..Totals::default()
        };
        let shards = self.shards.lock().unwrap_or_else(PoisonError::into_inner);
        let mut histogram = [0_u64; BUCKETS];
        for shard in shards.iter() {
            totals.raw_sum = totals.raw_sum.wrapping_add(shard.raw_sum.load(Relaxed));
            totals.min = totals.min.min(shard.min.load(Relaxed));
            totals.max = totals.max.max(shard.max.load(Relaxed));
            totals.over_budget += shard.over_budget.load(Relaxed);
            totals.allocations += shard.allocations.load(Relaxed);
            totals.alloc_violations += shard.alloc_violations.load(Relaxed);
            for (sum, count) in histogram.iter_mut().zip(&shard.histogram) {
                *sum += count.load(Relaxed);
            }
        }
        totals.calls = histogram.iter().sum();
        totals.histogram = histogram
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(i, &n)| (i, n))
            .collect();
        totals.suppressed_events = totals
            .over_budget
            .saturating_sub(self.emitted.load(Relaxed));
        totals
    }

    /// The last amortized measurement attached to this path.
    pub(crate) fn amortized(&self) -> Option<Measurement> {
        self.amortized
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn reset(&self) {
        for shard in self
            .shards
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            shard.reset();
        }
        self.emitted.store(0, Relaxed);
        self.over_at_last_event.store(0, Relaxed);
        self.last_event.store(0, Relaxed);
        *self
            .amortized
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Attaches `measurement` to every registered path named `name`; returns them.
pub(crate) fn attach(name: &str, measurement: &Measurement) -> Vec<PathInfo> {
    sites()
        .filter(|site| site.meta.name == name)
        .map(|site| {
            *site
                .amortized
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(measurement.clone());
            site.info()
        })
        .collect()
}

/// The calls recorded by every registered path named `name`; `None` when none is.
pub(crate) fn calls_of(name: &str) -> Option<u64> {
    sites()
        .filter(|site| site.meta.name == name)
        .map(|site| site.snapshot().calls)
        .reduce(|a, b| a + b)
}

/// Runs `f` as the runtime's own work: its allocations are wound back, and its ticks
/// (with one read's cost, which the closing read adds) go to this thread's bookkeeping
/// total instead of any bookkeeping `f` itself recorded, so nothing is counted twice.
#[inline(always)]
fn bookkeeping<R>(f: impl FnOnce() -> R) -> R {
    let saved = LOCAL.with(|local| local.nested.get());
    let t0 = tick::start_raw();
    let result = crate::alloc::uncounted(f);
    let t1 = tick::end_raw();
    let read_cost = tick::calibration().map_or(0, |c| c.overhead_median.get());
    LOCAL.with(|local| {
        local.nested.set(
            saved
                .wrapping_add(t1.wrapping_sub(t0))
                .wrapping_add(read_cost),
        )
    });
    result
}

/// Runs `f` with every probe on this thread suspended: no counter reads, no recording.
pub(crate) fn with_probes_suspended<R>(f: impl FnOnce() -> R) -> R {
    struct Resume(bool);
    impl Drop for Resume {
        fn drop(&mut self) {
            let _ = LOCAL.try_with(|local| local.suspended.set(self.0));
        }
    }
    let _resume = Resume(LOCAL.with(|local| local.suspended.replace(true)));
    f()
}

/// A small non-inlined function with a probe, for what a suspended probe adds to a call
/// (`measure_path()` subtracts it): the test of the flag, and the heavier prologue the
/// probe's registers give the function even when it is skipped.
#[inline(never)]
pub(crate) fn probed_identity(x: u64) -> u64 {
    static RESIDUE: Site = Site::internal("knhk.measure_path.residue");
    let _probe = Probe::start(&RESIDUE);
    std::hint::black_box(x)
}

/// [`probed_identity`] without the probe.
#[inline(never)]
pub(crate) fn plain_identity(x: u64) -> u64 {
    std::hint::black_box(x)
}

/// Windows of a probe around an empty body, opened and closed by the probe's own code
/// (not a bare pair of reads, which a probe's window exceeds by what the compiler
/// places between its reads): the overhead every reading has subtracted. Runs inside
/// [`tick::calibrate`], and again when a report is taken (for the overhead's drift);
/// returns the readings sorted.
pub(crate) fn probe_windows(cal: &Calibration, samples: usize) -> Vec<u64> {
    static EMPTY: Site = Site::internal("knhk.calibration.overhead");
    EMPTY.prepare_with(cal);
    let mut windows: Vec<u64> = (0..samples)
        .map(|_| {
            let probe = Probe::start(&EMPTY);
            let window = probe.close().map_or(0, |(window, _)| window);
            // Nothing to record: the window is the figure.
            std::mem::forget(probe);
            window
        })
        .collect();
    windows.sort_unstable();
    windows
}

/// What one probe adds to an enclosing window besides its body: the median of windows
/// around a probe of an empty body, minus the median of empty windows, both opened and
/// closed with the probe's own reads. Runs once, inside [`tick::calibrate`].
pub(crate) fn nested_probe_cost(cal: &Calibration) -> Ticks {
    static INNER: Site = Site::internal("knhk.calibration.nested_probe");
    const SAMPLES: usize = 10_000;
    INNER.prepare_with(cal);
    // The first call takes a shard: not part of the steady cost.
    drop(Probe::start(&INNER));
    let mut with = Vec::with_capacity(SAMPLES);
    let mut without = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let a = tick::start_raw();
        drop(std::hint::black_box(Probe::start(&INNER)));
        let b = tick::end_raw();
        with.push(b.wrapping_sub(a));
        let a = tick::start_raw();
        let b = tick::end_raw();
        without.push(b.wrapping_sub(a));
    }
    with.sort_unstable();
    without.sort_unstable();
    Ticks(with[SAMPLES / 2].saturating_sub(without[SAMPLES / 2]))
}

/// FNV-1a-64 over name, file, line and column, separated so that no two differ only
/// in where one field ends.
const fn site_id(meta: &SiteMeta) -> u64 {
    use crate::hash::{fnv1a_64, fnv1a_64_continue};
    let mut h = fnv1a_64(meta.name.as_bytes());
    h = fnv1a_64_continue(h, &[0xff]);
    h = fnv1a_64_continue(h, meta.file.as_bytes());
    h = fnv1a_64_continue(h, &[0xff]);
    h = fnv1a_64_continue(h, &meta.line.to_le_bytes());
    fnv1a_64_continue(h, &meta.column.to_le_bytes())
}

/// Slots with a place in a thread's [`Local::fast`] table.
const FAST_SLOTS: usize = 64;

/// What every probe on a thread reads: one thread-local block without a destructor, so
/// reading it is a plain load at any point of the thread's life.
struct Local {
    /// Probes skip their reads and recording (`with_probes_suspended`).
    suspended: Cell<bool>,
    /// Running total of bookkeeping ticks on this thread (wrapping); a probe subtracts
    /// what it grew by inside its window.
    nested: Cell<u64>,
    /// This thread's shards of the first sites, by slot.
    fast: [Cell<Option<&'static Shard>>; FAST_SLOTS],
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            suspended: Cell::new(false),
            nested: Cell::new(0),
            fast: [const { Cell::new(None) }; FAST_SLOTS],
        }
    };
    /// Every shard this thread owns, by slot; handed back to the sites on exit.
    static CLAIMS: Claims = const { Claims(RefCell::new(Vec::new())) };
}

/// Where samples go when a thread's claims are already gone (a measured call from a
/// thread-local destructor at exit). Never read.
static DISCARD: Shard = Shard::new();

struct Claims(RefCell<Vec<Option<(&'static Site, &'static Shard)>>>);

impl Drop for Claims {
    fn drop(&mut self) {
        for (slot, claim) in self.0.get_mut().drain(..).enumerate() {
            if slot < FAST_SLOTS {
                let _ = LOCAL.try_with(|local| local.fast[slot].set(None));
            }
            if let Some((site, shard)) = claim {
                site.free
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(shard);
            }
        }
    }
}

/// Sums over every thread, as read by reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct Totals {
    pub(crate) calls: u64,
    /// Sum of the raw readings (wrapping; read as signed).
    pub(crate) raw_sum: u64,
    pub(crate) min: u64,
    pub(crate) max: u64,
    pub(crate) over_budget: u64,
    pub(crate) allocations: u64,
    pub(crate) alloc_violations: u64,
    pub(crate) suppressed_events: u64,
    /// (bucket index, count) for every bucket with a count.
    pub(crate) histogram: Vec<(usize, u64)>,
}

/// One thread's counters for one path. Only the owning thread writes (load + store,
/// no read-modify-write); other threads read, or zero it on reset.
#[repr(align(64))]
struct Shard {
    // No call counter: the histogram's sum is the number of calls, one store less.
    /// Sum of the raw readings, before the overhead is subtracted and unclamped, as
    /// two's complement: the per-call mean subtracts the overhead's mean from it.
    raw_sum: AtomicU64,
    min: AtomicU64,
    max: AtomicU64,
    over_budget: AtomicU64,
    allocations: AtomicU64,
    alloc_violations: AtomicU64,
    histogram: [AtomicU64; BUCKETS],
}

impl std::fmt::Debug for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shard")
            .field("raw_sum", &self.raw_sum)
            .finish_non_exhaustive()
    }
}

#[inline(always)]
fn bump(cell: &AtomicU64, by: u64) {
    cell.store(cell.load(Relaxed).wrapping_add(by), Relaxed);
}

impl Shard {
    const fn new() -> Shard {
        Shard {
            raw_sum: AtomicU64::new(0),
            min: AtomicU64::new(u64::MAX),
            max: AtomicU64::new(0),
            over_budget: AtomicU64::new(0),
            allocations: AtomicU64::new(0),
            alloc_violations: AtomicU64::new(0),
            histogram: [const { AtomicU64::new(0) }; BUCKETS],
        }
    }

    #[inline(always)]
    fn record(&self, raw: i64, ticks: u64, over: bool, allocations: u64, violations: u64) {
        bump(&self.raw_sum, raw as u64);
        if ticks < self.min.load(Relaxed) {
            self.min.store(ticks, Relaxed);
        }
        if ticks > self.max.load(Relaxed) {
            self.max.store(ticks, Relaxed);
        }
        bump(&self.histogram[histogram::bucket(ticks)], 1);
        if over {
            bump(&self.over_budget, 1);
        }
        if allocations != 0 {
            bump(&self.allocations, allocations);
            bump(&self.alloc_violations, violations);
        }
    }

    fn reset(&self) {
        for cell in [
            &self.raw_sum,
            &self.max,
            &self.over_budget,
            &self.allocations,
            &self.alloc_violations,
        ] {
            cell.store(0, Relaxed);
        }
        self.min.store(u64::MAX, Relaxed);
        for cell in &self.histogram {
            cell.store(0, Relaxed);
        }
    }
}

/// Times one call: made before the body runs, records when dropped, so every way out
/// of the body (`return`, `?`, the tail expression, a panic) is measured.
#[derive(Debug)]
#[must_use = "a probe records when dropped; bind it to a local that lives as long as the body"]
pub struct Probe {
    site: &'static Site,
    shard: &'static Shard,
    allocations: u64,
    /// The thread's bookkeeping total when the window opened.
    nested: u64,
    start: u64,
    /// Started while probes were suspended: reads and records nothing.
    idle: bool,
}

impl Probe {
    /// Starts timing a call of `site`.
    #[inline(always)]
    pub fn start(site: &'static Site) -> Probe {
        if LOCAL.with(|local| local.suspended.get()) {
            return Probe {
                site,
                shard: &DISCARD,
                allocations: 0,
                nested: 0,
                start: 0,
                idle: true,
            };
        }
        let shard = site.shard();
        let allocations = crate::alloc::thread_allocations();
        let nested = LOCAL.with(|local| local.nested.get());
        Probe {
            site,
            shard,
            allocations,
            nested,
            start: tick::start_raw(),
            idle: false,
        }
    }

    /// Closes the window: the counter difference and the closing read, or `None` for a
    /// suspended probe.
    /// Everything a probe does inside its window is in [`Probe::start`] after the
    /// start read and here before the end read, which is what calibration times.
    #[inline(always)]
    fn close(&self) -> Option<(u64, u64)> {
        if self.idle {
            return None;
        }
        let end = tick::end_raw();
        Some((end.wrapping_sub(self.start), end))
    }
}

/// Records a probe's closed window: after the end read, so nothing here is timed. Not
/// inlined, so that the drop glue stays small enough to be inlined into the measured
/// function (otherwise the call into it would sit inside the window), and given the
/// probe's fields by value, so that they stay in registers across the body instead of
/// being stored inside the window.
#[inline(never)]
fn finish(
    site: &'static Site,
    shard: &'static Shard,
    allocations_at_start: u64,
    nested_at_start: u64,
    window: u64,
    end: u64,
) {
    let allocations = crate::alloc::thread_allocations().wrapping_sub(allocations_at_start);
    let inner = LOCAL
        .with(|local| local.nested.get())
        .wrapping_sub(nested_at_start);
    let raw = window.wrapping_sub(inner) as i64;
    site.record(shard, raw, allocations, end);
    let cost = site.nested_probe.load(Relaxed);
    LOCAL.with(|local| local.nested.set(local.nested.get().wrapping_add(cost)));
}

impl Drop for Probe {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some((window, end)) = self.close() {
            finish(
                self.site,
                self.shard,
                self.allocations,
                self.nested,
                window,
                end,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SITE: Site = Site::new(SiteMeta {
        name: "site.tests.reuse",
        kind: PathKind::Hot,
        budget: Budget::Ticks(8),
        allow_alloc: false,
        file: file!(),
        line: line!(),
        column: 0,
        generic: false,
    });

    #[test]
    fn shards_of_exited_threads_are_reused_and_keep_their_counts() {
        for _ in 0..20 {
            std::thread::spawn(|| {
                for _ in 0..10 {
                    drop(Probe::start(&SITE));
                }
            })
            .join()
            .unwrap();
        }
        assert_eq!(SITE.snapshot().calls, 200);
        // One thread at a time: every thread took over the shard of the one before.
        assert_eq!(SITE.shards.lock().unwrap().len(), 1);

        let barrier = std::sync::Barrier::new(3);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    drop(Probe::start(&SITE));
                    barrier.wait();
                });
            }
        });
        // Three threads alive at once need three shards, no more.
        assert_eq!(SITE.shards.lock().unwrap().len(), 3);
        assert_eq!(SITE.snapshot().calls, 203);
    }

    #[test]
    fn ids_differ_by_location_alone() {
        let meta = |line| SiteMeta {
            name: "same",
            kind: PathKind::Hot,
            budget: Budget::Ticks(1),
            allow_alloc: false,
            file: "f.rs",
            line,
            column: 1,
            generic: false,
        };
        assert_ne!(site_id(&meta(1)), site_id(&meta(2)));
        assert_eq!(site_id(&meta(1)), site_id(&meta(1)));
    }
}
