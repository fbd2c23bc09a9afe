//! Budget verdicts: one per path, judged by percentile, never by one outlier.
//!
//! ```
//! use knhk_runtime::{Budget, Calibration, PathKind, PathReport, PathStats, Policy, Ticks, Verdict};
//!
//! let cal = Calibration::fixed(2.6, Ticks(52), Ticks(26));
//! let path = PathReport {
//!     name: "book.match".into(), kind: PathKind::Warm, budget: Budget::Ticks(500),
//!     allow_alloc: false, file: "src/book.rs".into(), line: 10, id: 1,
//!     duplicate_name: false,
//!     stats: PathStats { calls: 1, total_ticks: 300, min_ticks: Some(300), max_ticks: Some(300),
//!                        histogram: vec![(288, 319, 1)], ..PathStats::default() },
//! };
//! assert!(matches!(Policy::default().judge(&path, &cal), Verdict::Met { .. }));
//! ```

use super::report::{PathReport, Report};
use super::{Budget, PathKind};
use crate::tick::Calibration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How budgets are judged.
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

    /// The verdict on one path whose figures are in ticks of `calibration`.
    pub fn judge(&self, path: &PathReport, calibration: &Calibration) -> Verdict {
        let budget = path.budget.ticks(calibration).get();
        let resolution = calibration.resolution.get();
        if budget < resolution {
            return Verdict::NotMeasurablePerCall {
                budget_ticks: budget,
                resolution_ticks: resolution,
            };
        }
        let Some(observed) = path.stats.percentile(self.percentile) else {
            return Verdict::NotCalled;
        };
        if observed <= budget {
            Verdict::Met {
                observed_ticks: observed,
                budget_ticks: budget,
            }
        } else {
            Verdict::Exceeded {
                observed_ticks: observed,
                budget_ticks: budget,
                over_budget_calls: path.stats.over_budget,
                calls: path.stats.calls,
            }
        }
    }
}

/// The verdict on one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The policy's percentile fits the budget. Only possible when budget >= resolution.
    Met {
        /// The percentile, in ticks.
        observed_ticks: u64,
        /// The budget, in ticks.
        budget_ticks: u64,
    },
    /// The policy's percentile is over the budget.
    Exceeded {
        /// The percentile, in ticks.
        observed_ticks: u64,
        /// The budget, in ticks.
        budget_ticks: u64,
        /// Calls over budget + resolution.
        over_budget_calls: u64,
        /// All measured calls.
        calls: u64,
    },
    /// The budget is finer than the counter's resolution: a single call cannot show it
    /// met. Check it with [`crate::measure()`], which amortizes over many calls.
    NotMeasurablePerCall {
        /// The budget, in ticks.
        budget_ticks: u64,
        /// The counter's resolution, in ticks.
        resolution_ticks: u64,
    },
    /// The path was never called while measuring.
    NotCalled,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Verdict::Met {
                observed_ticks,
                budget_ticks,
            } => write!(f, "met ({observed_ticks} <= {budget_ticks} ticks)"),
            Verdict::Exceeded {
                observed_ticks,
                budget_ticks,
                over_budget_calls,
                calls,
            } => write!(
                f,
                "EXCEEDED ({observed_ticks} > {budget_ticks} ticks; {over_budget_calls} of {calls} calls over budget)"
            ),
            Verdict::NotMeasurablePerCall {
                budget_ticks,
                resolution_ticks,
            } => write!(
                f,
                "not measurable per call (budget {budget_ticks} < resolution {resolution_ticks} ticks; use measure())"
            ),
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
    /// Allocations made by a hot path without `allow_alloc` (0 when not counted).
    pub alloc_violations: u64,
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
    /// The verdict on the path named `name`.
    pub fn get(&self, name: &str) -> Option<&Verdict> {
        self.paths
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.verdict)
    }

    /// Paths over budget, or allocating where they must not.
    pub fn failures(&self) -> impl Iterator<Item = &PathVerdict> {
        self.paths
            .iter()
            .filter(|p| matches!(p.verdict, Verdict::Exceeded { .. }) || p.alloc_violations > 0)
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
    let mut text = format!("{} ({}): {}", p.name, p.location, p.verdict);
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
                "  {:<40} {:>10}  {}",
                p.name,
                p.budget.to_string(),
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
                .map(|p| PathVerdict {
                    name: p.name.clone(),
                    location: format!("{}:{}", p.file, p.line),
                    kind: p.kind,
                    budget: p.budget,
                    verdict: policy.judge(p, calibration),
                    alloc_violations: p.stats.alloc_violations.unwrap_or(0),
                })
                .collect(),
        }
    }
}
