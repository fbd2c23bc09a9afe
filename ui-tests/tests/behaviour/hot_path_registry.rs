//! Registration through `inventory`, statistics and the report, through the facade.

use knhk_runtime::{Budget, PathKind, hot_path, paths, report, warm_path};
use std::hint::black_box;

#[hot_path(8, name = "registry.mix", measure = "always")]
fn mix(x: u64) -> u64 {
    x.rotate_left(7) ^ 0x5555
}

#[warm_path(budget = "2us", name = "registry.handler", measure = "always")]
fn handler(xs: &[u64]) -> u64 {
    xs.iter().map(|&x| mix(x)).fold(0, u64::wrapping_add)
}

#[hot_path(8, measure = "never")]
fn never_measured(x: u64) -> u64 {
    x + 1
}

struct Bids(u64);
struct Asks(u64);

impl Bids {
    #[hot_path(8, measure = "always")]
    fn get(&self) -> u64 {
        self.0
    }
}

impl Asks {
    #[hot_path(8, measure = "always")]
    fn get(&self) -> u64 {
        self.0
    }
}

#[test]
fn registrations_arrive_sorted_with_their_metadata() {
    let paths = paths();
    let names: Vec<&str> = paths.iter().map(|p| p.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let mix = paths
        .iter()
        .find(|p| p.name == "registry.mix")
        .expect("mix registered");
    assert_eq!(mix.kind, PathKind::Hot);
    assert_eq!(mix.budget, Budget::Ticks(8));
    assert!(mix.file.ends_with("hot_path_registry.rs"), "{}", mix.file);
    assert_eq!(mix.line, 6);

    let handler = paths.iter().find(|p| p.name == "registry.handler").unwrap();
    assert_eq!(handler.kind, PathKind::Warm);
    assert_eq!(handler.budget, Budget::Nanos(2_000));

    // `measure = "never"` generates no site at all.
    assert!(!names.iter().any(|n| n.contains("never_measured")));
    assert_eq!(never_measured(1), 2);
}

#[test]
fn same_named_methods_on_two_types_stay_distinct() {
    assert_eq!(Bids(1).get() + Asks(2).get(), 3);
    let gets: Vec<_> = paths()
        .into_iter()
        .filter(|p| p.name == concat!(module_path!(), "::get"))
        .collect();
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert_ne!(gets[0].id, gets[1].id);
    assert_ne!(gets[0].line, gets[1].line);

    let ids: std::collections::HashSet<u64> = paths().iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), paths().len(), "every path has its own id");

    let report = report();
    let entries: Vec<_> = report
        .paths
        .iter()
        .filter(|p| p.name == concat!(module_path!(), "::get"))
        .collect();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|p| p.duplicate_name));
    assert!(
        report
            .duplicate_names()
            .contains(&concat!(module_path!(), "::get"))
    );
    assert!(
        report
            .to_string()
            .contains(concat!(module_path!(), "::get (", file!(), ":"))
    );
}

#[test]
fn stats_after_n_calls_are_exact() {
    const N: u64 = 1_000;
    let inputs: Vec<u64> = (0..10).collect();
    for _ in 0..N {
        black_box(handler(black_box(&inputs)));
    }
    let report = report();
    let handler = report.path("registry.handler").unwrap();
    assert_eq!(handler.stats.calls, N);
    let s = &handler.stats;
    let in_histogram: u64 = s.histogram.iter().map(|&(_, _, n)| n).sum();
    assert_eq!(in_histogram, N);
    let (min, max) = (s.min_ticks.unwrap(), s.max_ticks.unwrap());
    assert!(min <= s.percentile(50.0).unwrap());
    assert!(s.percentile(50.0).unwrap() <= s.percentile(99.0).unwrap());
    assert!(s.percentile(99.0).unwrap() <= max);
    // Raw readings are the per-call figures with the median overhead added back.
    let overhead = report.calibration.overhead_median.get();
    let raw_sum = s.raw_sum.expect("this build records raw sums");
    assert!(raw_sum <= ((max + overhead) * N) as i64, "{raw_sum}");
    if min > 0 {
        assert!(raw_sum >= ((min + overhead) * N) as i64, "{raw_sum}");
    }
    assert!(s.mean_per_call(&report.calibration).is_some());
    // Every handler call made ten measured mix calls (other tests may add more).
    assert!(report.path("registry.mix").unwrap().stats.calls >= 10 * N);
}

#[test]
fn the_report_round_trips_through_json() {
    black_box(mix(3));
    let report = report();
    let json = report.to_json();
    assert!(json.contains("\"registry.mix\""));
    let back = knhk_runtime::Report::from_json(&json).expect("valid JSON");
    assert_eq!(back, report);
}

#[test]
fn the_table_names_units_resolution_and_overhead() {
    black_box(mix(5));
    let report = report();
    let table = report.to_string();
    let cal = report.calibration;
    assert!(
        table.contains(&format!("resolution {} ticks", cal.resolution.get())),
        "{table}"
    );
    assert!(
        table.contains(&format!("overhead min {}", cal.overhead_min.get())),
        "{table}"
    );
    assert!(table.contains(cal.source.unit()), "{table}");
    // The overhead was timed again for this report: its drift is in the header.
    assert!(cal.overhead_drift.is_some());
    assert!(table.contains(" since calibration"), "{table}");
    // The probe's own mean beside the amortized figure, per path.
    let header = table
        .lines()
        .find(|l| l.starts_with("path "))
        .expect("a header row");
    assert!(
        header.contains(" mean ") && header.contains(" amortized "),
        "{header}"
    );
    let row = table
        .lines()
        .find(|l| l.starts_with("registry.mix "))
        .expect("a row for mix");
    assert!(row.contains("hot") && row.contains("8 ticks"), "{row}");
    // The counting allocator is installed in this binary: mix allocated nothing.
    assert!(report.allocations_counted);
    assert!(row.trim_end().ends_with(" 0"), "{row}");
    let handler = table
        .lines()
        .find(|l| l.starts_with("registry.handler "))
        .unwrap();
    assert!(handler.contains("2 µs"), "{handler}");
}
