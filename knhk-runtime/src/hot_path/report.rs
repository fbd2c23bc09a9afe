//! The budget report: a table for people, JSON for machines.

use super::histogram;
use super::site::sites;
use super::{Budget, PathKind};
use crate::tick::Calibration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every path's statistics, with the calibration they were measured under.
///
/// Prints as a table; [`Report::to_json`] / [`Report::from_json`] round-trip it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
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
    /// What was measured.
    pub stats: PathStats,
}

/// Per-path figures, in ticks with the measurement overhead subtracted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PathStats {
    /// Measured calls.
    pub calls: u64,
    /// Sum of all calls' ticks.
    pub total_ticks: u64,
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

    /// Mean ticks per call.
    pub fn mean(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.total_ticks as f64 / self.calls as f64)
    }
}

impl Report {
    pub(crate) fn collect(calibration: &Calibration) -> Report {
        let counted = crate::alloc::is_installed();
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
                    stats: PathStats {
                        calls: t.calls,
                        total_ticks: t.total,
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
            calibration: *calibration,
            allocations_counted: counted,
            paths,
        }
    }

    /// The path named `name` (the first, if the name is not unique).
    pub fn path(&self, name: &str) -> Option<&PathReport> {
        self.paths.iter().find(|p| p.name == name)
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

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report has only JSON-representable fields")
    }

    /// A report read back from [`Report::to_json`].
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
    /// - from the sync ([`LockchainError::Io`](crate::lockchain::LockchainError::Io)):
    ///   the entry stays appended in this handle but is not acknowledged, and the
    ///   handle is poisoned (every later `append` and `sync` fails with
    ///   [`LockchainError::Poisoned`](crate::lockchain::LockchainError::Poisoned)). Drop
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
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-seal-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("reports.lockchain");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut chain = Lockchain::create(&path)?;
    /// let receipt = knhk_runtime::report().seal(&mut chain)?;
    /// let sealed = chain.get(receipt.seq).unwrap();
    /// let back = Report::from_json(std::str::from_utf8(sealed.payload()).unwrap()).unwrap();
    /// assert_eq!(back.calibration, knhk_runtime::report().calibration);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    #[cfg(unix)]
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
        writeln!(
            f,
            "counter: {} at {:.3} ticks/ns; resolution {} ticks; overhead {} ticks (min), {} (median, subtracted from every figure)",
            c.source,
            c.ticks_per_ns,
            c.resolution.get(),
            c.overhead_min.get(),
            c.overhead_median.get(),
        )?;
        writeln!(
            f,
            "figures in {}; p50/p99 are histogram bucket upper bounds (within 25%)",
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
        writeln!(
            f,
            "{:<name_width$}  {:<4}  {:>10}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>7}  {:>6}",
            "path", "kind", "budget", "calls", "min", "p50", "p99", "max", "over", "allocs"
        )?;
        for p in &self.paths {
            let s = &p.stats;
            writeln!(
                f,
                "{:<name_width$}  {:<4}  {:>10}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>7}  {:>6}",
                display_name(p),
                p.kind.to_string(),
                p.budget.to_string(),
                s.calls,
                na(s.min_ticks),
                na(s.percentile(50.0)),
                na(s.percentile(99.0)),
                na(s.max_ticks),
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

fn display_name(p: &PathReport) -> String {
    if p.duplicate_name {
        format!("{} ({}:{})", p.name, p.file, p.line)
    } else {
        p.name.clone()
    }
}
