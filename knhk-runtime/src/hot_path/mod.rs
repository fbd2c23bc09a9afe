//! Hot and warm paths: their registry, statistics, report and budget verdicts.
//!
//! Every `#[hot_path]` / `#[warm_path]` that measures registers one [`site::Site`]
//! with `inventory` at link time; this module reads them all. Its items are public at
//! the crate root, their one path.

pub(crate) mod budget;
pub(crate) mod histogram;
pub(crate) mod measure;
pub(crate) mod report;
pub(crate) mod site;
mod svg;
pub(crate) mod verdict;

use crate::tick::{Calibration, Ticks};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a path is a hot path (at most 8 ticks, allocation-checked) or a warm one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PathKind {
    /// `#[hot_path]`: budget in ticks, at most [`crate::MAX_HOT_PATH_TICKS`].
    Hot,
    /// `#[warm_path]`: budget in ticks or as a duration, no cap.
    Warm,
}

impl fmt::Display for PathKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathKind::Hot => "hot",
            PathKind::Warm => "warm",
        })
    }
}

/// A path's budget, in the unit it was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Budget {
    /// Counter ticks per call.
    Ticks(u64),
    /// Nanoseconds per call.
    Nanos(u64),
}

impl Budget {
    /// The budget in ticks under `calibration` (durations rounded up).
    pub fn ticks(self, calibration: &Calibration) -> Ticks {
        match self {
            Budget::Ticks(t) => Ticks(t),
            Budget::Nanos(ns) => calibration.ns_to_ticks(ns),
        }
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Budget::Ticks(1) => f.write_str("1 tick"),
            Budget::Ticks(t) => write!(f, "{t} ticks"),
            Budget::Nanos(ns) if ns >= 1_000_000_000 && ns % 1_000_000 == 0 => {
                write!(f, "{} s", ns as f64 / 1e9)
            }
            Budget::Nanos(ns) if ns >= 1_000_000 && ns % 1_000 == 0 => {
                write!(f, "{} ms", ns as f64 / 1e6)
            }
            Budget::Nanos(ns) if ns >= 1_000 => write!(f, "{} µs", ns as f64 / 1e3),
            Budget::Nanos(ns) => write!(f, "{ns} ns"),
        }
    }
}

/// What a path declared: everything known about it at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathInfo {
    /// Full name: `module::function`, or the `name = ".."` given.
    pub name: &'static str,
    /// Hot or warm.
    pub kind: PathKind,
    /// The budget as written.
    pub budget: Budget,
    /// Whether the hot path may allocate.
    pub allow_alloc: bool,
    /// Source file of the attribute.
    pub file: &'static str,
    /// Line of the attribute.
    pub line: u32,
    /// Column of the attribute.
    pub column: u32,
    /// FNV-1a-64 of name, file, line and column, computed at compile time: unique per path.
    pub id: u64,
    /// Every instantiation of a generic function shares the path (`f::<u8>` and
    /// `f::<f64>` add up).
    pub generic: bool,
}

/// Every registered path, hot and warm (each measuring `#[hot_path]` / `#[warm_path]`
/// linked into the program), sorted by name, then file and line.
///
/// ```
/// #[knhk_runtime::warm_path(budget = 100_000, name = "docs.sum", measure = "always")]
/// fn sum(xs: &[u64]) -> u64 {
///     xs.iter().sum()
/// }
///
/// sum(&[1, 2, 3]);
/// let path = knhk_runtime::paths().into_iter().find(|p| p.name == "docs.sum").unwrap();
/// assert_eq!(path.budget, knhk_runtime::Budget::Ticks(100_000));
/// let report = knhk_runtime::report();
/// assert_eq!(report.path("docs.sum").unwrap().stats.calls, 1);
/// println!("{report}");
/// ```
pub fn paths() -> Vec<PathInfo> {
    let mut paths: Vec<PathInfo> = site::sites().map(|s| s.info()).collect();
    paths.sort_by(|a, b| {
        (a.name, a.file, a.line, a.column).cmp(&(b.name, b.file, b.line, b.column))
    });
    paths
}

/// A snapshot of every path's statistics, under the process's calibration.
pub fn report() -> report::Report {
    report::Report::collect(crate::tick::calibrate())
}

/// Zeroes every path's statistics.
///
/// Counts recorded by other threads while this runs may survive it: each thread
/// writes its own counters without atomic read-modify-write, which is what keeps
/// recording cheap.
pub fn reset() {
    for site in site::sites() {
        site.reset();
    }
}

/// One verdict per registered path under `policy`; see [`Policy`](verdict::Policy).
pub fn check_budgets(policy: &verdict::Policy) -> verdict::BudgetVerdicts {
    report().check(policy)
}
