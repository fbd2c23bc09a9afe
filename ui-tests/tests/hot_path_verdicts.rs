//! Budget verdicts under an injected calibration are exact.

use knhk_runtime::{
    Budget, Calibration, PathKind, PathReport, PathStats, Policy, Ticks, Verdict, hot_path, report,
    warm_path,
};
use std::hint::black_box;

/// The development VM's counter: 2.6 ticks per ns, steps of 26, a fenced pair costs 52.
const VM: Calibration = Calibration::fixed(2.6, Ticks(52), Ticks(26));
/// A counter that moves by one.
const FINE: Calibration = Calibration::fixed(1.0, Ticks(20), Ticks(1));

/// A path with `calls` calls of `value` ticks each (one histogram bucket).
fn path(budget: Budget, kind: PathKind, calls: u64, value: u64) -> PathReport {
    let mut stats = PathStats {
        calls,
        total_ticks: calls * value,
        min_ticks: Some(value),
        max_ticks: Some(value),
        ..PathStats::default()
    };
    if calls > 0 {
        let bucket = bucket_of(value);
        stats.histogram = vec![(bucket.0, bucket.1, calls)];
    } else {
        stats.min_ticks = None;
        stats.max_ticks = None;
    }
    PathReport {
        name: "p".into(),
        kind,
        budget,
        allow_alloc: false,
        file: "f.rs".into(),
        line: 1,
        id: 1,
        duplicate_name: false,
        stats,
    }
}

/// The histogram bucket bounds the runtime uses (log2, four sub-buckets per octave).
fn bucket_of(v: u64) -> (u64, u64) {
    if v < 8 {
        return (v, v);
    }
    let octave = 63 - v.leading_zeros();
    let width = 1_u64 << (octave - 2);
    let low = v - (v - (1 << octave)) % width;
    (low, low + width - 1)
}

#[test]
fn a_budget_below_the_resolution_is_never_shown_met() {
    let p = path(Budget::Ticks(8), PathKind::Hot, 100, 0);
    assert_eq!(
        Policy::default().judge(&p, &VM),
        Verdict::NotMeasurablePerCall {
            budget_ticks: 8,
            resolution_ticks: 26
        }
    );
    assert_eq!(
        Policy::default().judge(&p, &FINE),
        Verdict::Met {
            observed_ticks: 0,
            budget_ticks: 8
        }
    );
}

#[test]
fn met_and_exceeded_follow_the_policy_percentile() {
    // 98 calls at 100 ticks, 2 at 5000: p50 fits a 120-tick budget, p99 does not.
    let mut p = path(Budget::Ticks(120), PathKind::Warm, 98, 100);
    p.stats.calls = 100;
    p.stats.max_ticks = Some(5_000);
    p.stats.over_budget = 2;
    p.stats.histogram.push((4_096, 5_119, 2));
    assert_eq!(
        Policy::at_percentile(50.0).judge(&p, &VM),
        Verdict::Met {
            observed_ticks: 111,
            budget_ticks: 120
        }
    );
    assert_eq!(
        Policy::at_percentile(99.0).judge(&p, &VM),
        Verdict::Exceeded {
            observed_ticks: 5_000,
            budget_ticks: 120,
            over_budget_calls: 2,
            calls: 100
        }
    );
}

#[test]
fn durations_are_judged_in_ticks_of_the_calibration() {
    // 2 µs = 5200 ticks at 2.6 ticks/ns; 2000 at 1 tick/ns.
    let p = path(Budget::Nanos(2_000), PathKind::Warm, 10, 4_000);
    assert!(matches!(
        Policy::default().judge(&p, &VM),
        Verdict::Met {
            budget_ticks: 5_200,
            ..
        }
    ));
    assert!(matches!(
        Policy::default().judge(&p, &FINE),
        Verdict::Exceeded {
            budget_ticks: 2_000,
            ..
        }
    ));
}

#[test]
fn an_uncalled_path_has_no_verdict_on_its_ticks() {
    let p = path(Budget::Ticks(100), PathKind::Warm, 0, 0);
    assert_eq!(Policy::default().judge(&p, &VM), Verdict::NotCalled);
}

#[hot_path(8, name = "verdicts.tiny", measure = "always")]
fn tiny(x: u32) -> u32 {
    x.count_ones()
}

#[warm_path(100, name = "verdicts.slow", measure = "always")]
fn slow() -> u64 {
    (0..10_000_u64).fold(0, |a, i| black_box(a ^ i))
}

#[test]
fn check_budgets_gives_one_verdict_per_path_under_the_policy_calibration() {
    black_box(tiny(7));
    black_box(slow());
    let verdicts = report().check(&Policy::default().with_calibration(VM));
    assert_eq!(verdicts.paths.len(), report().paths.len());
    assert_eq!(
        verdicts.get("verdicts.tiny"),
        Some(&Verdict::NotMeasurablePerCall {
            budget_ticks: 8,
            resolution_ticks: 26
        })
    );
    // 100 ticks for ten thousand iterations: exceeded on any machine.
    assert!(matches!(
        verdicts.get("verdicts.slow"),
        Some(Verdict::Exceeded { .. })
    ));
    let error = verdicts.clone().into_result().unwrap_err();
    assert!(
        error
            .failures
            .iter()
            .any(|f| f.starts_with("verdicts.slow (")),
        "{error}"
    );
    assert!(error.to_string().contains("paths broke their budgets"));
    assert!(verdicts.to_string().contains("not measurable per call"));
}
