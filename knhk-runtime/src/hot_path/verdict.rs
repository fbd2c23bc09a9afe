//! Budget verdicts.

use super::report::{PathReport, Report};
use super::{Budget, PathKind};
use crate::tick::Calibration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How budgets are judged: one verdict per path, by percentile, never by one outlier,
/// and able to fail on any counter: a reading far enough over the budget is proof per call, and
/// a budget too fine for the counter is judged by the path's amortized figure.
///
/// ```
/// use knhk_runtime::tick::{Calibration, ClockSource, Ticks};
/// use knhk_runtime::{Budget, PathKind, PathReport, PathStats, Policy, Verdict};
///
/// let cal = Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(26));
/// let mut path = PathReport {
///     name: "book.match".into(), kind: PathKind::Warm, budget: Budget::Ticks(500),
///     allow_alloc: false, file: "src/book.rs".into(), line: 10, id: 1,
///     duplicate_name: false, generic: false, amortized: None,
///     stats: PathStats { calls: 1, raw_sum: Some(352), min_ticks: Some(300), max_ticks: Some(300),
///                        histogram: vec![(288, 319, 1)], ..PathStats::default() },
/// };
/// assert!(matches!(Policy::default().judge(&path, &cal), Verdict::Met { .. }));
/// // An 8-tick budget on a counter stepping by 26: 300 ticks is proof it broke.
/// path.budget = Budget::Ticks(8);
/// assert!(matches!(Policy::default().judge(&path, &cal), Verdict::Exceeded { .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The percentile of calls (0..=100) that must fit the budget; 99 by default.
    pub percentile: f64,
    /// Judge under this calibration instead of the one the figures were measured under.
    pub calibration: Option<Calibration>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            percentile: 99.0,
            calibration: None,
        }
    }
}

impl Policy {
    /// Judge the `percentile`-th percentile (0..=100).
    pub fn at_percentile(percentile: f64) -> Policy {
        Policy {
            percentile,
            ..Policy::default()
        }
    }

    /// Judge under `calibration`, for decisions that are the same on every machine.
    pub fn with_calibration(self, calibration: Calibration) -> Policy {
        Policy {
            calibration: Some(calibration),
            ..self
        }
    }

    /// The margin above a budget that a per-call reading at this policy's percentile
    /// must clear to prove the budget broken: the largest of the counter's resolution,
    /// the spread of the overhead at that percentile (the median overhead when the
    /// calibration did not record its tail) and the overhead's drift since calibration,
    /// so that neither counter jitter nor a changed core clock can cross it.
    pub fn margin(&self, calibration: &Calibration) -> u64 {
        let spread = calibration
            .overhead_spread_at(self.percentile)
            .unwrap_or(calibration.overhead_median);
        calibration
            .resolution
            .get()
            .max(spread.get())
            .max(calibration.drift().get())
    }

    /// The verdict on one path whose figures are in ticks of `calibration`.
    ///
    /// In this order:
    /// 1. never called and never amortized: [`Verdict::NotCalled`];
    /// 2. per call, by the policy's percentile: [`Verdict::Exceeded`] when the lower
    ///    bound of the histogram bucket holding it is above budget + [margin](Self::margin)
    ///    (proof, whatever else was measured); [`Verdict::Met`] when the budget is at
    ///    least the resolution and the percentile (its bucket's upper bound), plus the
    ///    overhead's drift since calibration, is within it;
    /// 3. otherwise by the path's amortized figure ([`crate::measure_path()`]):
    ///    [`Verdict::MetAmortized`] or [`Verdict::ExceededAmortized`];
    /// 4. otherwise [`Verdict::NotMeasurablePerCall`]: amortize it to settle it.
    pub fn judge(&self, path: &PathReport, calibration: &Calibration) -> Verdict {
        let budget = path.budget.ticks(calibration).get();
        let resolution = calibration.resolution.get();
        let margin = self.margin(calibration);
        let per_call = path.stats.percentile(self.percentile).map(|upper| {
            let lower = path
                .stats
                .percentile_lower_bound(self.percentile)
                .unwrap_or(upper);
            (lower, upper)
        });
        if per_call.is_none() && path.amortized.is_none() {
            return Verdict::NotCalled;
        }
        if let Some((lower, upper)) = per_call {
            if lower > budget.saturating_add(margin) {
                return Verdict::Exceeded {
                    observed_ticks: lower,
                    budget_ticks: budget,
                    margin_ticks: margin,
                    over_budget_calls: path.stats.over_budget,
                    calls: path.stats.calls,
                };
            }
            // A drifted overhead may have taken too much off: Met must hold with it back.
            if budget >= resolution && upper.saturating_add(calibration.drift().get()) <= budget {
                return Verdict::Met {
                    observed_ticks: upper,
                    budget_ticks: budget,
                };
            }
        }
        if let Some(m) = &path.amortized {
            let (ticks_per_call, iters) = (m.ticks_per_call, m.iters);
            return if ticks_per_call <= budget as f64 {
                Verdict::MetAmortized {
                    ticks_per_call,
                    budget_ticks: budget,
                    iters,
                }
            } else {
                Verdict::ExceededAmortized {
                    ticks_per_call,
                    budget_ticks: budget,
                    iters,
                }
            };
        }
        Verdict::NotMeasurablePerCall {
            observed_ticks: per_call.map_or(0, |(_, upper)| upper),
            budget_ticks: budget,
            resolution_ticks: resolution,
            margin_ticks: margin,
        }
    }
}

/// How a verdict was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// From the per-call histogram.
    PerCall,
    /// From an amortized figure of the path's own code.
    Amortized,
    /// Not reached: nothing could decide it.
    Undecided,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::PerCall => "per call",
            Method::Amortized => "amortized",
            Method::Undecided => "undecided",
        })
    }
}

/// The verdict on one path.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    /// The policy's percentile fits the budget. Only possible when budget >= resolution.
    Met {
        /// The percentile (its bucket's upper bound), in ticks.
        observed_ticks: u64,
        /// The budget, in ticks.
        budget_ticks: u64,
    },
    /// The policy's percentile is over the budget by more than counter jitter can
    /// explain: proof, at any resolution.
    Exceeded {
        /// The least the percentile can be (its bucket's lower bound), in ticks.
        observed_ticks: u64,
        /// The budget, in ticks.
        budget_ticks: u64,
        /// What `observed_ticks` cleared above the budget ([`Policy::margin`]).
        margin_ticks: u64,
        /// Calls over budget + resolution.
        over_budget_calls: u64,
        /// All measured calls.
        calls: u64,
    },
    /// Per call undecided; the path's own code, amortized, fits the budget.
    MetAmortized {
        /// The amortized figure.
        ticks_per_call: f64,
        /// The budget, in ticks.
        budget_ticks: u64,
        /// Calls per sample it was amortized over.
        iters: u64,
    },
    /// Per call undecided; the path's own code, amortized, is over the budget.
    ExceededAmortized {
        /// The amortized figure.
        ticks_per_call: f64,
        /// The budget, in ticks.
        budget_ticks: u64,
        /// Calls per sample it was amortized over.
        iters: u64,
    },
    /// Per call, neither met nor proven exceeded (the budget is finer than the counter,
    /// or the reading is within the jitter margin of it), and no amortized figure:
    /// settle it with [`crate::measure_path()`].
    NotMeasurablePerCall {
        /// The percentile (its bucket's upper bound), in ticks; 0 if never called.
        observed_ticks: u64,
        /// The budget, in ticks.
        budget_ticks: u64,
        /// The counter's resolution, in ticks.
        resolution_ticks: u64,
        /// The margin a reading must clear to prove the budget broken.
        margin_ticks: u64,
    },
    /// The path was never called while measuring, nor amortized.
    NotCalled,
}

impl Verdict {
    /// Which measurement decided it.
    pub fn method(&self) -> Method {
        match self {
            Verdict::Met { .. } | Verdict::Exceeded { .. } => Method::PerCall,
            Verdict::MetAmortized { .. } | Verdict::ExceededAmortized { .. } => Method::Amortized,
            Verdict::NotMeasurablePerCall { .. } | Verdict::NotCalled => Method::Undecided,
        }
    }

    /// Whether it breaks the budget (per call or amortized).
    pub fn is_exceeded(&self) -> bool {
        matches!(
            self,
            Verdict::Exceeded { .. } | Verdict::ExceededAmortized { .. }
        )
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Verdict::Met {
                observed_ticks,
                budget_ticks,
            } => write!(f, "met per call ({observed_ticks} <= {budget_ticks} ticks)"),
            Verdict::Exceeded {
                observed_ticks,
                budget_ticks,
                margin_ticks,
                over_budget_calls,
                calls,
            } => write!(
                f,
                "EXCEEDED per call (at least {observed_ticks} > {budget_ticks} + margin {margin_ticks} ticks; {over_budget_calls} of {calls} calls over budget)"
            ),
            Verdict::MetAmortized {
                ticks_per_call,
                budget_ticks,
                iters,
            } => write!(
                f,
                "met amortized ({ticks_per_call:.2} <= {budget_ticks} ticks per call over {iters} calls)"
            ),
            Verdict::ExceededAmortized {
                ticks_per_call,
                budget_ticks,
                iters,
            } => write!(
                f,
                "EXCEEDED amortized ({ticks_per_call:.2} > {budget_ticks} ticks per call over {iters} calls)"
            ),
            Verdict::NotMeasurablePerCall {
                observed_ticks,
                budget_ticks,
                resolution_ticks,
                margin_ticks,
            } => {
                if budget_ticks < resolution_ticks {
                    write!(
                        f,
                        "not measurable per call (budget {budget_ticks} < resolution {resolution_ticks} ticks); amortize it with measure_path()"
                    )
                } else {
                    write!(
                        f,
                        "undecided per call ({observed_ticks} is within the margin of {margin_ticks} ticks over the budget of {budget_ticks}); amortize it with measure_path()"
                    )
                }
            }
            Verdict::NotCalled => f.write_str("not called"),
        }
    }
}

/// A verdict with the path it is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathVerdict {
    /// Full name of the path.
    pub name: String,
    /// Source location of the attribute, `file:line`.
    pub location: String,
    /// Hot or warm.
    pub kind: PathKind,
    /// Budget as written.
    pub budget: Budget,
    /// The verdict on its ticks.
    pub verdict: Verdict,
    /// Which measurement decided it.
    pub method: Method,
    /// Allocations made by a hot path without `allow_alloc` (0 when not counted).
    pub alloc_violations: u64,
    /// Another path has the same name: the table shows the location beside it.
    #[serde(default)]
    pub duplicate_name: bool,
    /// A generic function's path, shared by every instantiation: the table shows `<..>`.
    #[serde(default)]
    pub generic: bool,
}

impl PathVerdict {
    /// The name as the table prints it: `<..>` after a generic function's, the
    /// location after a name another path shares.
    pub fn display_name(&self) -> String {
        let generic = if self.generic { "<..>" } else { "" };
        if self.duplicate_name {
            format!("{}{generic} ({})", self.name, self.location)
        } else {
            format!("{}{generic}", self.name)
        }
    }
}

/// One verdict per registered path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetVerdicts {
    /// The policy judged by.
    pub policy: Policy,
    /// Sorted like the report: by name, then location.
    pub paths: Vec<PathVerdict>,
}

impl BudgetVerdicts {
    /// The verdict on the path named `name`, if exactly one path has that name: `None`
    /// when none has it and when several do ([`named`](Self::named) gives them all,
    /// [`at`](Self::at) one by location).
    pub fn get(&self, name: &str) -> Option<&Verdict> {
        let mut named = self.paths.iter().filter(|p| p.name == name);
        let first = named.next()?;
        named.next().is_none().then_some(&first.verdict)
    }

    /// Every path named `name` with its verdict, in location order.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a PathVerdict> + 'a {
        self.paths.iter().filter(move |p| p.name == name)
    }

    /// The path whose attribute is at `line` of `file` (its `location` is `file:line`).
    pub fn at(&self, file: &str, line: u32) -> Option<&PathVerdict> {
        self.paths.iter().find(|p| {
            p.location
                .rsplit_once(':')
                .is_some_and(|(f, l)| f == file && l.parse() == Ok(line))
        })
    }

    /// Paths over budget, or allocating where they must not.
    pub fn failures(&self) -> impl Iterator<Item = &PathVerdict> {
        self.paths
            .iter()
            .filter(|p| p.verdict.is_exceeded() || p.alloc_violations > 0)
    }

    /// `Err` naming every failure: for a user's CI gate.
    pub fn into_result(self) -> Result<(), BudgetError> {
        let failures: Vec<String> = self.failures().map(describe_failure).collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(BudgetError {
                failures,
                paths: self.paths.len(),
            })
        }
    }
}

fn describe_failure(p: &PathVerdict) -> String {
    let generic = if p.generic { "<..>" } else { "" };
    let mut text = format!("{}{generic} ({}): {}", p.name, p.location, p.verdict);
    if p.alloc_violations > 0 {
        text.push_str(&format!(
            "; {} allocations on a hot path",
            p.alloc_violations
        ));
    }
    text
}

impl fmt::Display for BudgetVerdicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "budget verdicts at p{}:", self.policy.percentile)?;
        for p in &self.paths {
            write!(
                f,
                "  {:<40} {:>10}  {:<9}  {}",
                p.display_name(),
                p.budget.to_string(),
                p.method.to_string(),
                p.verdict
            )?;
            if p.alloc_violations > 0 {
                write!(f, "; {} ALLOCATIONS", p.alloc_violations)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Paths that broke their budgets, from [`BudgetVerdicts::into_result`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} of {paths} paths broke their budgets:\n  {}", failures.len(), failures.join("\n  "))]
pub struct BudgetError {
    /// One line per failing path: name, location and what failed.
    pub failures: Vec<String>,
    /// Paths judged.
    pub paths: usize,
}

impl Report {
    /// One verdict per path under `policy`.
    pub fn check(&self, policy: &Policy) -> BudgetVerdicts {
        let calibration = policy.calibration.as_ref().unwrap_or(&self.calibration);
        BudgetVerdicts {
            policy: *policy,
            paths: self
                .paths
                .iter()
                .map(|p| {
                    let verdict = policy.judge(p, calibration);
                    PathVerdict {
                        name: p.name.clone(),
                        location: format!("{}:{}", p.file, p.line),
                        kind: p.kind,
                        budget: p.budget,
                        method: verdict.method(),
                        verdict,
                        alloc_violations: p.stats.alloc_violations.unwrap_or(0),
                        duplicate_name: p.duplicate_name,
                        generic: p.generic,
                    }
                })
                .collect(),
        }
    }
}
