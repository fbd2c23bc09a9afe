//! Budget verdicts under injected calibrations are exact, and can fail on any counter.

use knhk_runtime::tick::{Calibration, ClockSource, OverheadTail, Ticks};
use knhk_runtime::{
    Attachment, Budget, Measurement, Method, PathKind, PathReport, PathStats, Policy,
    REPORT_FORMAT, Report, Verdict, hot_path, measure_path, report, warm_path,
};
use std::hint::black_box;

/// A counter with the given resolution whose reads cost `overhead` at the median and
/// spread `spread` ticks above it at p90 and beyond.
fn counter(resolution: u64, overhead: u64, spread: u64) -> Calibration {
    let at = |extra| Ticks(overhead + extra);
    Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(overhead), Ticks(resolution))
        .with_overhead_tail(OverheadTail {
            p75: at(spread / 2),
            p90: at(spread),
            p95: at(spread),
            p99: at(spread),
            p999: at(spread),
        })
}

/// The counters of point 1: a fine one, the Intel VM's (steps of 2, a fenced pair ~32),
/// the AMD EPYC VM's (steps of 26, a pair 52) and a coarser one still.
fn counters() -> [(u64, Calibration); 4] {
    [
        (1, counter(1, 20, 6)),
        (2, counter(2, 32, 8)),
        (26, counter(26, 52, 26)),
        (52, counter(52, 104, 52)),
    ]
}

/// A path with `calls` calls of `value` ticks each (one histogram bucket).
fn path(budget: Budget, kind: PathKind, calls: u64, value: u64) -> PathReport {
    let mut stats = PathStats {
        calls,
        raw_sum: Some((calls * value) as i64),
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
        generic: false,
        stats,
        amortized: None,
    }
}

fn hot(calls: u64, value: u64) -> PathReport {
    path(Budget::Ticks(8), PathKind::Hot, calls, value)
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

fn amortized(ticks_per_call: f64) -> Measurement {
    Measurement {
        iters: 1_000_000,
        ticks_per_call,
        ns_per_call: ticks_per_call / 2.6,
        overhead_subtracted: 0.5,
        resolution: 26.0 / 1e6,
        samples: vec![ticks_per_call; 11],
        probe_residue_subtracted: 0.0,
    }
}

fn report_of(calibration: Calibration, paths: Vec<PathReport>) -> Report {
    Report {
        format: REPORT_FORMAT,
        calibration,
        allocations_counted: false,
        paths,
    }
}

#[test]
fn a_path_ten_times_over_its_budget_is_exceeded_on_every_counter() {
    for (resolution, cal) in counters() {
        for percentile in [50.0, 90.0, 99.0] {
            let verdict = Policy::at_percentile(percentile).judge(&hot(1_000, 80), &cal);
            assert!(
                matches!(
                    verdict,
                    Verdict::Exceeded {
                        budget_ticks: 8,
                        ..
                    }
                ),
                "resolution {resolution}, p{percentile}: {verdict:?}"
            );
            assert_eq!(verdict.method(), Method::PerCall);
        }
        let gate = report_of(cal, vec![hot(1_000, 80)]).check(&Policy::default());
        let error = gate.into_result().expect_err("a gate on it fails");
        assert_eq!(error.failures.len(), 1, "resolution {resolution}");
    }
}

#[test]
fn a_path_well_within_budget_is_met_on_fine_counters_and_never_on_coarse_ones() {
    for (resolution, cal) in counters() {
        let verdict = Policy::default().judge(&hot(1_000, 2), &cal);
        if resolution <= 2 {
            assert_eq!(
                verdict,
                Verdict::Met {
                    observed_ticks: 2,
                    budget_ticks: 8
                },
                "resolution {resolution}"
            );
        } else {
            assert!(
                matches!(verdict, Verdict::NotMeasurablePerCall { budget_ticks: 8, resolution_ticks, .. } if resolution_ticks == resolution),
                "resolution {resolution}: {verdict:?}"
            );
        }
        let gate = report_of(cal, vec![hot(1_000, 2)]).check(&Policy::default());
        assert!(gate.into_result().is_ok(), "resolution {resolution}");
    }
}

#[test]
fn readings_within_one_overhead_spread_of_the_budget_are_never_exceeded() {
    for (resolution, cal) in counters() {
        for percentile in [50.0, 75.0, 90.0, 99.0, 99.9] {
            let policy = Policy::at_percentile(percentile);
            let spread = cal.overhead_spread_at(percentile).unwrap().get();
            for reading in 8..=8 + spread.max(resolution) {
                let verdict = policy.judge(&hot(1_000, reading), &cal);
                assert!(
                    !verdict.is_exceeded(),
                    "resolution {resolution}, p{percentile}, reading {reading}: {verdict:?}"
                );
            }
        }
    }
}

#[test]
fn the_margin_is_the_resolution_or_the_overhead_spread_at_the_percentile() {
    let amd = counter(26, 52, 40);
    assert_eq!(Policy::at_percentile(50.0).margin(&amd), 26);
    assert_eq!(Policy::at_percentile(99.0).margin(&amd), 40);
    let intel = counter(2, 32, 8);
    assert_eq!(Policy::at_percentile(50.0).margin(&intel), 2);
    assert_eq!(Policy::at_percentile(90.0).margin(&intel), 8);
    // A calibration sealed before the tail was recorded: the median overhead stands in.
    let old = Calibration {
        overhead_tail: None,
        ..amd
    };
    assert_eq!(Policy::at_percentile(99.0).margin(&old), 52);
    // The margin must be cleared by the least the percentile can be: its bucket's lower
    // bound, or the fastest call if that is higher. 8 + 26 = 34.
    let p = Policy::at_percentile(50.0);
    assert!(!p.judge(&hot(10, 34), &amd).is_exceeded());
    assert!(p.judge(&hot(10, 35), &amd).is_exceeded());
    let mut spread_out = hot(10, 35);
    spread_out.stats.min_ticks = Some(3);
    assert!(
        !p.judge(&spread_out, &amd).is_exceeded(),
        "bucket 32..=35 may hold 34"
    );
}

#[test]
fn an_overhead_that_drifted_since_calibration_widens_the_margin_and_narrows_met() {
    // The Intel VM's counter, whose empty window measured 52 at calibration and 78 when
    // a report was taken (the core's clock had changed): readings may be off by 26.
    let intel = counter(2, 52, 4);
    let drifted = intel.with_overhead_drift(Ticks(26));
    let p50 = Policy::at_percentile(50.0);
    assert_eq!(p50.margin(&drifted), 26);
    // 4 ticks read with 26 perhaps taken off too many: not shown met.
    assert!(matches!(
        p50.judge(&hot(1_000, 4), &intel),
        Verdict::Met { .. }
    ));
    assert!(matches!(
        p50.judge(&hot(1_000, 4), &drifted),
        Verdict::NotMeasurablePerCall { .. }
    ));
    // 30 ticks read with 26 perhaps too few taken off: not proof of 8 broken.
    assert!(p50.judge(&hot(1_000, 30), &intel).is_exceeded());
    assert!(!p50.judge(&hot(1_000, 30), &drifted).is_exceeded());
    // Far over stays proof; undecided ones go to the amortized figure.
    assert!(p50.judge(&hot(1_000, 80), &drifted).is_exceeded());
    let mut amortized_path = hot(1_000, 4);
    amortized_path.amortized = Some(amortized(2.0));
    assert_eq!(
        p50.judge(&amortized_path, &drifted).method(),
        Method::Amortized
    );
    assert!(drifted.to_string().contains("drift 26 since calibration"));
}

#[test]
fn the_reported_failure_of_the_epyc_quickstart_is_exceeded() {
    // `book.checksum`, budget 8, measured 416_806 ticks at p50 on a counter stepping by
    // 26: once reported "not measurable", now proof.
    let amd = counter(26, 52, 26);
    let verdict = Policy::at_percentile(90.0).judge(&hot(2, 416_806), &amd);
    assert!(matches!(verdict, Verdict::Exceeded { .. }), "{verdict:?}");
}

#[test]
fn a_never_called_path_is_not_called_whatever_its_budget() {
    for (_, cal) in counters() {
        assert_eq!(
            Policy::default().judge(&hot(0, 0), &cal),
            Verdict::NotCalled
        );
        let warm = path(Budget::Ticks(100_000), PathKind::Warm, 0, 0);
        assert_eq!(Policy::default().judge(&warm, &cal), Verdict::NotCalled);
    }
}

#[test]
fn amortized_figures_settle_what_per_call_cannot() {
    let amd = counter(26, 52, 26);
    let mut p = hot(1_000, 4);
    p.amortized = Some(amortized(1.5));
    let met = Policy::default().judge(&p, &amd);
    assert_eq!(
        met,
        Verdict::MetAmortized {
            ticks_per_call: 1.5,
            budget_ticks: 8,
            iters: 1_000_000
        }
    );
    assert_eq!(met.method(), Method::Amortized);
    p.amortized = Some(amortized(9.25));
    let exceeded = Policy::default().judge(&p, &amd);
    assert!(matches!(exceeded, Verdict::ExceededAmortized { .. }));
    let error = report_of(amd, vec![p.clone()])
        .check(&Policy::default())
        .into_result()
        .unwrap_err();
    assert!(
        error.failures[0].contains("EXCEEDED amortized (9.25 > 8"),
        "{error}"
    );

    // Never called with its probe, only amortized: judged by the figure.
    let mut only_amortized = hot(0, 0);
    only_amortized.amortized = Some(amortized(3.0));
    assert!(matches!(
        Policy::default().judge(&only_amortized, &amd),
        Verdict::MetAmortized { .. }
    ));
}

#[test]
fn a_per_call_exceeded_stands_whatever_the_amortized_figure_says() {
    for (resolution, cal) in counters() {
        let mut p = hot(1_000, 800);
        p.amortized = Some(amortized(0.5));
        let verdict = Policy::default().judge(&p, &cal);
        assert!(
            matches!(verdict, Verdict::Exceeded { .. }),
            "resolution {resolution}: {verdict:?}"
        );
    }
}

#[test]
fn met_and_exceeded_follow_the_policy_percentile() {
    // 98 calls at 100 ticks, 2 at 5000: p50 fits a 120-tick budget, p99 does not.
    let mut p = path(Budget::Ticks(120), PathKind::Warm, 98, 100);
    p.stats.calls = 100;
    p.stats.max_ticks = Some(5_000);
    p.stats.over_budget = 2;
    p.stats.histogram.push((4_096, 5_119, 2));
    let amd = counter(26, 52, 26);
    assert_eq!(
        Policy::at_percentile(50.0).judge(&p, &amd),
        Verdict::Met {
            observed_ticks: 111,
            budget_ticks: 120
        }
    );
    assert_eq!(
        Policy::at_percentile(99.0).judge(&p, &amd),
        Verdict::Exceeded {
            observed_ticks: 4_096,
            budget_ticks: 120,
            margin_ticks: 26,
            over_budget_calls: 2,
            calls: 100
        }
    );
}

#[test]
fn durations_are_judged_in_ticks_of_the_calibration() {
    // 2 µs = 5200 ticks at 2.6 ticks/ns; 2000 at 1 tick/ns.
    let p = path(Budget::Nanos(2_000), PathKind::Warm, 10, 4_000);
    let amd = counter(26, 52, 26);
    assert!(matches!(
        Policy::default().judge(&p, &amd),
        Verdict::Met {
            budget_ticks: 5_200,
            ..
        }
    ));
    let fine = Calibration::fixed(ClockSource::Tsc, 1.0, Ticks(20), Ticks(1));
    assert!(matches!(
        Policy::default().judge(&p, &fine),
        Verdict::Exceeded {
            budget_ticks: 2_000,
            ..
        }
    ));
}

#[hot_path(8, name = "verdicts.tiny", measure = "always")]
fn tiny(x: u32) -> u32 {
    x.count_ones()
}

#[warm_path(100, name = "verdicts.slow", measure = "always")]
fn slow() -> u64 {
    (0..10_000_u64).fold(0, |a, i| black_box(a ^ i))
}

#[hot_path(8, name = "verdicts.amortized", measure = "always")]
fn amortized_me(x: u64) -> u64 {
    x.rotate_left(5)
}

#[test]
fn check_budgets_gives_one_verdict_per_path_under_the_policy_calibration() {
    black_box(tiny(7));
    black_box(slow());
    let amd = counter(26, 52, 26);
    let verdicts = report().check(&Policy::default().with_calibration(amd));
    assert_eq!(verdicts.paths.len(), report().paths.len());
    // Whatever one call of `tiny` read here, 8 ticks is finer than a 26-tick counter:
    // never met per call on it, and not proven exceeded unless it read over 34.
    let tiny_verdict = verdicts.get("verdicts.tiny").unwrap();
    assert!(
        !matches!(tiny_verdict, Verdict::Met { .. }),
        "{tiny_verdict:?}"
    );
    // 100 ticks for ten thousand iterations: exceeded on any machine, per call.
    let slow = verdicts
        .paths
        .iter()
        .find(|p| p.name == "verdicts.slow")
        .unwrap();
    assert!(matches!(slow.verdict, Verdict::Exceeded { .. }));
    assert_eq!(slow.method, Method::PerCall);
    let error = verdicts.clone().into_result().unwrap_err();
    assert!(
        error
            .failures
            .iter()
            .any(|f| f.starts_with("verdicts.slow (")),
        "{error}"
    );
    assert!(error.to_string().contains("paths broke their budgets"));
    assert!(verdicts.to_string().contains("per call"));
}

#[test]
fn measure_path_attaches_the_real_functions_figure_to_its_path() {
    // Never called with its probe: only the amortized figure can judge it.
    let m = measure_path("verdicts.amortized", 100_000, || {
        amortized_me(black_box(0x1234))
    });
    assert!(m.is_attached(), "{m}");
    assert_eq!(m.attached_to()[0].name, "verdicts.amortized");
    assert_eq!(m.measurement.samples.len(), 31);
    let report = report();
    let path = report.path("verdicts.amortized").unwrap();
    // The probe was suspended: of the million calls only the one that checked the
    // closure calls the path was recorded.
    assert_eq!(path.stats.calls, 1);
    assert_eq!(path.amortized.as_ref(), Some(&m.measurement));
    // Under a counter too coarse to show 8 ticks met per call, that figure judges the
    // path, unless its one recorded call (cold, in a debug build) is already proof.
    let amd = counter(26, 52, 26);
    let verdict = report.check(&Policy::default().with_calibration(amd));
    let v = verdict
        .paths
        .iter()
        .find(|p| p.name == "verdicts.amortized")
        .unwrap();
    let one_call = path.stats.percentile_lower_bound(99.0).unwrap();
    if one_call > 8 + 26 {
        assert!(matches!(v.verdict, Verdict::Exceeded { .. }), "{v:?}");
    } else {
        assert_eq!(v.method, Method::Amortized, "{v:?}");
        assert!(matches!(
            v.verdict,
            Verdict::MetAmortized { .. } | Verdict::ExceededAmortized { .. }
        ));
    }
    // Without that call, the figure alone decides.
    let mut unprobed = path.clone();
    unprobed.stats = PathStats::default();
    assert_eq!(
        Policy::default().judge(&unprobed, &amd).method(),
        Method::Amortized
    );
    // Recording resumes after it.
    black_box(amortized_me(1));
    assert_eq!(
        knhk_runtime::report()
            .path("verdicts.amortized")
            .unwrap()
            .stats
            .calls,
        2
    );
}

#[hot_path(8, name = "verdicts.not_the_closures", measure = "always")]
fn not_the_closures() -> u64 {
    7
}

#[test]
fn measure_path_attaches_nothing_to_a_path_the_closure_does_not_call() {
    black_box(not_the_closures());
    let m = measure_path("verdicts.not_the_closures", 1_000, || {
        black_box(3_u64).wrapping_mul(5)
    });
    assert_eq!(m.attachment, Attachment::NotCalled);
    assert!(m.to_string().contains("does not call"), "{m}");
    assert_eq!(
        report()
            .path("verdicts.not_the_closures")
            .unwrap()
            .amortized,
        None
    );
}

#[test]
fn measure_path_of_a_name_no_path_has_attaches_nothing() {
    let m = measure_path("verdicts.no_such_path", 1_000, || black_box(3_u64) * 5);
    assert_eq!(m.attachment, Attachment::NoSuchPath);
    assert!(m.to_string().contains("attached to no path"), "{m}");
    assert_eq!(m.measurement.samples.len(), 31);
}

trait Scale {
    fn scale(&self, x: u64) -> u64;
}

struct Doubler;

impl Scale for Doubler {
    #[hot_path(8, name = "verdicts.trait_method", measure = "always")]
    fn scale(&self, x: u64) -> u64 {
        x << 1
    }
}

#[hot_path(8, name = "verdicts.generic", measure = "always")]
fn widen<T: Into<u64>>(x: T) -> u64 {
    x.into() + 1
}

struct Counter(u64);

impl Counter {
    #[hot_path(8, name = "verdicts.inherent_method", measure = "always")]
    fn bump(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

#[test]
fn measure_path_works_on_trait_methods_generics_and_inherent_methods() {
    let doubler: &dyn Scale = &Doubler;
    let mut counter = Counter(0);
    for m in [
        measure_path("verdicts.trait_method", 1_000, || {
            doubler.scale(black_box(3))
        }),
        measure_path("verdicts.generic", 1_000, || widen(black_box(3_u32))),
        measure_path("verdicts.inherent_method", 1_000, || counter.bump()),
    ] {
        assert!(m.is_attached(), "{m}");
        let report = report();
        let path = report.path(&m.name).unwrap();
        assert_eq!(path.amortized.as_ref(), Some(&m.measurement), "{}", m.name);
        // Only the checking call was recorded; the 31 000 measured ones were not.
        assert_eq!(path.stats.calls, 1, "{}", m.name);
    }
    // Every call ran the real body, probe suspended or not: 1 + 31 × 1 000.
    assert_eq!(counter.0, 31_001);
}
