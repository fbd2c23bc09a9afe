//! The budget report.

use super::histogram;
use super::measure::Measurement;
use super::site::sites;
use super::{Budget, PathKind};
use crate::tick::Calibration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The [`Report::format`] this build writes.
///
/// - 1: the first format (no `format` field). Its per-call sums were of readings
///   clamped at zero, which biases a mean upward, so it carries no mean; its
///   calibration has no overhead mean, tail or nested-probe cost, so a verdict on it is
///   judged with the overhead's median as the jitter margin; it has no amortized
///   figures. It reads back as such.
/// - 2: sums of unclamped raw readings (`PathStats::raw_sum`), the overhead's mean,
///   tail and drift, the resolution's basis, the nested-probe cost, amortized figures.
pub const REPORT_FORMAT: u32 = 2;

fn first_format() -> u32 {
    1
}

/// Empty probe windows timed when a report is taken, for the overhead's drift.
const DRIFT_SAMPLES: usize = 5_000;

/// Every path's statistics, with the calibration they were measured under.
///
/// Prints as a table; [`Report::to_json`] / [`Report::from_json`] round-trip it, and
/// read reports sealed by earlier versions (see [`REPORT_FORMAT`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The format the report was written in ([`REPORT_FORMAT`] for a new one).
    #[serde(default = "first_format")]
    pub format: u32,
    /// The counter and what it costs; every tick figure below is in its unit.
    pub calibration: Calibration,
    /// Whether [`crate::alloc::CountingAllocator`] is installed; without it the
    /// allocation figures are unknown.
    pub allocations_counted: bool,
    /// One entry per path, sorted by name, then file and line.
    pub paths: Vec<PathReport>,
}

/// One path in a [`Report`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathReport {
    /// Full name.
    pub name: String,
    /// Hot or warm.
    pub kind: PathKind,
    /// Budget as written.
    pub budget: Budget,
    /// Whether a hot path may allocate.
    pub allow_alloc: bool,
    /// Source file of the attribute.
    pub file: String,
    /// Line of the attribute.
    pub line: u32,
    /// Compile-time id (FNV-1a-64 of name and location).
    pub id: u64,
    /// Another path has the same name; they are told apart by file and line.
    pub duplicate_name: bool,
    /// A generic function's path: every instantiation adds to it. Printed with `<..>`
    /// after the name.
    #[serde(default)]
    pub generic: bool,
    /// What was measured per call.
    pub stats: PathStats,
    /// The last amortized figure of the path's own code, from
    /// [`measure_path()`](crate::measure_path), if any.
    #[serde(default)]
    pub amortized: Option<Measurement>,
}

/// Per-path figures, in ticks with the measurement overhead subtracted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PathStats {
    /// Measured calls.
    pub calls: u64,
    /// Sum of every call's raw reading: the counter difference minus nested
    /// bookkeeping, before the overhead is subtracted and never clamped, so that the
    /// mean is not biased upward when the overhead reads low. `None` in format 1.
    #[serde(default)]
    pub raw_sum: Option<i64>,
    /// Fastest call, if any.
    pub min_ticks: Option<u64>,
    /// Slowest call, if any.
    pub max_ticks: Option<u64>,
    /// Calls whose reading exceeded budget + resolution.
    pub over_budget: u64,
    /// Over-budget events not emitted because of the one-per-second limit.
    pub suppressed_events: u64,
    /// Allocations made inside the path, when they are counted.
    pub allocations: Option<u64>,
    /// Allocations made by a hot path without `allow_alloc`, when counted.
    pub alloc_violations: Option<u64>,
    /// `(lowest value, highest value, count)` of each non-empty histogram bucket.
    pub histogram: Vec<(u64, u64, u64)>,
}

impl PathStats {
    /// The `p`-th percentile (0..=100) in ticks: the upper bound of the histogram bucket
    /// it falls in, capped at the maximum, so never below the true value and at most 25%
    /// above it. `None` before the first call.
    pub fn percentile(&self, p: f64) -> Option<u64> {
        let counts: Vec<(usize, u64)> = self
            .histogram
            .iter()
            .map(|&(low, _, n)| (histogram::bucket(low), n))
            .collect();
        histogram::percentile(&counts, p, self.max_ticks?)
    }

    /// The lower bound of the histogram bucket holding the `p`-th percentile: the
    /// least the percentile can be.
    pub fn percentile_lower_bound(&self, p: f64) -> Option<u64> {
        let upper = self.percentile(p)?;
        let low = histogram::bounds(histogram::bucket(upper)).0;
        Some(low.max(self.min_ticks.unwrap_or(0)).min(upper))
    }

    /// The per-call mean in ticks from the probe's own readings: the mean raw reading
    /// minus the overhead's mean under `calibration`. `None` before the first call, or
    /// when the report or calibration predates the figures it needs.
    ///
    /// Fenced reads serialise each call, so this is a latency; an amortized figure is a
    /// throughput, and the two differ for short calls.
    pub fn mean_per_call(&self, calibration: &Calibration) -> Option<f64> {
        let sum = self.raw_sum?;
        let overhead = calibration.overhead_mean?;
        (self.calls > 0).then(|| sum as f64 / self.calls as f64 - overhead)
    }
}

impl Report {
    pub(crate) fn collect(calibration: &Calibration) -> Report {
        let counted = crate::alloc::is_installed();
        let windows = super::site::probe_windows(calibration, DRIFT_SAMPLES);
        let now = crate::tick::Ticks(windows[windows.len() / 2]);
        let calibration =
            &calibration.with_overhead_drift(now.abs_diff(calibration.overhead_median));
        let mut paths: Vec<PathReport> = sites()
            .map(|site| {
                let info = site.info();
                let t = site.snapshot();
                let seen = t.calls > 0;
                PathReport {
                    name: info.name.to_owned(),
                    kind: info.kind,
                    budget: info.budget,
                    allow_alloc: info.allow_alloc,
                    file: info.file.to_owned(),
                    line: info.line,
                    id: info.id,
                    duplicate_name: false,
                    generic: info.generic,
                    amortized: site.amortized(),
                    stats: PathStats {
                        calls: t.calls,
                        raw_sum: Some(t.raw_sum as i64),
                        min_ticks: seen.then_some(t.min),
                        max_ticks: seen.then_some(t.max),
                        over_budget: t.over_budget,
                        suppressed_events: t.suppressed_events,
                        allocations: counted.then_some(t.allocations),
                        alloc_violations: counted.then_some(t.alloc_violations),
                        histogram: t
                            .histogram
                            .iter()
                            .map(|&(i, n)| {
                                let (low, high) = histogram::bounds(i);
                                (low, high, n)
                            })
                            .collect(),
                    },
                }
            })
            .collect();
        paths.sort_by(|a, b| (&a.name, &a.file, a.line).cmp(&(&b.name, &b.file, b.line)));
        for i in 1..paths.len() {
            if paths[i].name == paths[i - 1].name {
                paths[i].duplicate_name = true;
                paths[i - 1].duplicate_name = true;
            }
        }
        Report {
            format: REPORT_FORMAT,
            calibration: *calibration,
            allocations_counted: counted,
            paths,
        }
    }

    /// The path named `name`, if exactly one path has that name: `None` when none
    /// has it and when several do ([`paths_named`](Self::paths_named) gives them all,
    /// [`path_at`](Self::path_at) and [`path_with_id`](Self::path_with_id) one of them).
    pub fn path(&self, name: &str) -> Option<&PathReport> {
        let mut named = self.paths.iter().filter(|p| p.name == name);
        let first = named.next()?;
        named.next().is_none().then_some(first)
    }

    /// Every path named `name`, in file and line order.
    pub fn paths_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a PathReport> + 'a {
        self.paths.iter().filter(move |p| p.name == name)
    }

    /// The path whose attribute is at `line` of `file` (as `file!()` names it).
    pub fn path_at(&self, file: &str, line: u32) -> Option<&PathReport> {
        self.paths.iter().find(|p| p.file == file && p.line == line)
    }

    /// The path with compile-time id `id` ([`PathInfo::id`](crate::PathInfo::id)).
    pub fn path_with_id(&self, id: u64) -> Option<&PathReport> {
        self.paths.iter().find(|p| p.id == id)
    }

    /// Names used by more than one path.
    pub fn duplicate_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .paths
            .iter()
            .filter(|p| p.duplicate_name)
            .map(|p| p.name.as_str())
            .collect();
        names.dedup();
        names
    }

    /// The report as JSON (feature `json`).
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report has only JSON-representable fields")
    }

    /// A report read back from [`Report::to_json`] (feature `json`).
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Report, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Appends the report's JSON ([`Report::to_json`]) to a lockchain as one entry,
    /// syncs, and returns the entry's receipt: the report is acknowledged when this
    /// returns `Ok`. The sync also acknowledges entries appended to `chain` before.
    ///
    /// Errors:
    /// - from the append (read-only chain, a handle poisoned by an earlier failed sync,
    ///   the file cannot grow, e.g. a full disk): nothing was appended; the chain is as
    ///   before.
    /// - from the sync ([`FileError::Io`](crate::mapped_file::FileError::Io)):
    ///   the entry stays appended in this handle but is not acknowledged, and the
    ///   handle is poisoned (every later `append` and `sync` fails with
    ///   [`FileError::Poisoned`](crate::mapped_file::FileError::Poisoned)). Drop
    ///   `chain` and reopen the file with
    ///   [`Lockchain::open`](crate::lockchain::Lockchain::open): it recovers the last
    ///   committed state, which holds the report or not depending on the step that
    ///   failed (FORMAT.md §1.4). Either way the report was not acknowledged: if it must
    ///   be kept, seal it again into the reopened chain (which may then hold it twice).
    ///
    /// ```
    /// use knhk_runtime::Report;
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("reports.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// let report = knhk_runtime::report();
    /// let receipt = report.seal(&mut chain)?;
    /// let sealed = chain.get(receipt.seq).unwrap();
    /// let back = Report::from_json(std::str::from_utf8(sealed.payload()).unwrap()).unwrap();
    /// assert_eq!(back, report);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    #[cfg(all(unix, feature = "lockchain"))]
    pub fn seal(
        &self,
        chain: &mut crate::lockchain::Lockchain,
    ) -> Result<crate::lockchain::Receipt, crate::lockchain::LockchainError> {
        let receipt = chain.append(self.to_json().as_bytes())?;
        chain.sync()?;
        Ok(receipt)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.calibration;
        writeln!(f, "{c}")?;
        if self.format != REPORT_FORMAT {
            writeln!(
                f,
                "report format {} (this build writes {REPORT_FORMAT}): figures it did not record show as n/a",
                self.format
            )?;
        }
        writeln!(
            f,
            "figures in {} per call; p50/p99 are histogram bucket upper bounds (within 25%); \
             mean is the probe's own (raw mean - overhead mean, fenced: latency); \
             amortized is measure_path() of the path's own code (throughput)",
            c.source.unit()
        )?;
        let na = |v: Option<u64>| v.map_or_else(|| "n/a".to_owned(), |v| v.to_string());
        let name_width = self
            .paths
            .iter()
            .map(|p| display_name(p).chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let na_f = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"));
        writeln!(
            f,
            "{:<name_width$}  {:<4}  {:>10}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>9}  {:>9}  {:>7}  {:>6}",
            "path",
            "kind",
            "budget",
            "calls",
            "min",
            "p50",
            "p99",
            "max",
            "mean",
            "amortized",
            "over",
            "allocs"
        )?;
        for p in &self.paths {
            let s = &p.stats;
            writeln!(
                f,
                "{:<name_width$}  {:<4}  {:>10}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>9}  {:>9}  {:>7}  {:>6}",
                display_name(p),
                p.kind.to_string(),
                p.budget.to_string(),
                s.calls,
                na(s.min_ticks),
                na(s.percentile(50.0)),
                na(s.percentile(99.0)),
                na(s.max_ticks),
                na_f(s.mean_per_call(c)),
                na_f(p.amortized.as_ref().map(|m| m.ticks_per_call)),
                s.over_budget,
                na(s.allocations),
            )?;
        }
        if self.paths.is_empty() {
            writeln!(f, "(no measured paths registered)")?;
        }
        Ok(())
    }
}

/// The name as the tables print it: `<..>` after a generic function's, and the
/// location after one another path shares.
pub(crate) fn display_name(p: &PathReport) -> String {
    let generic = if p.generic { "<..>" } else { "" };
    if p.duplicate_name {
        format!("{}{generic} ({}:{})", p.name, p.file, p.line)
    } else {
        format!("{}{generic}", p.name)
    }
}
