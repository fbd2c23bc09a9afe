//! Nested paths under an injected counter (feature `test-counter`): an outer path's
//! reading is its body's cost, inner bodies included, without the inner probes or the
//! runtime's bookkeeping, exactly.
//!
//! `cargo test -p knhk-runtime --features test-counter --test nested_counter`

use knhk_runtime::tick::{self, test_counter};
use knhk_runtime::tick::{Calibration, ClockSource, Ticks};
use knhk_runtime::{hot_path, report, warm_path};

/// What one fake read costs, after it samples the fake time.
const READ: u64 = 30;

/// The calibration the fake counter has: an empty window costs one read, a probe
/// inside a window adds its two reads, and the counter moves by one.
fn calibration() -> Calibration {
    Calibration::fixed(ClockSource::Tsc, 1.0, Ticks(READ), Ticks(1))
        .with_nested_probe(Ticks(2 * READ))
}

#[hot_path(8, name = "fake.inner", measure = "always")]
fn inner() {
    test_counter::advance(5);
}

/// Over its one-tick budget on every call: emits an event from inside the outer window.
#[warm_path(1, name = "fake.inner_over", measure = "always")]
fn inner_over() {
    test_counter::advance(40);
}

#[warm_path(1_000, name = "fake.outer", measure = "always")]
fn outer() {
    test_counter::advance(100);
    inner();
    test_counter::advance(7);
    inner_over();
    inner();
}

#[warm_path(1_000, name = "fake.outermost", measure = "always")]
fn outermost() {
    test_counter::advance(3);
    outer();
}

fn figures(name: &str) -> (u64, u64, u64) {
    let report = report();
    let s = &report.path(name).unwrap().stats;
    (s.calls, s.min_ticks.unwrap(), s.max_ticks.unwrap())
}

#[test]
fn an_outer_reading_is_its_bodys_own_cost_on_first_and_later_calls() {
    tick::install(calibration()).expect("nothing calibrated before");
    std::thread::spawn(|| {
        test_counter::install(1_000_000, READ);
        // The first call of every path happens inside `outermost`'s window: slots,
        // shards, an over-budget event, all bookkeeping.
        outermost();
        for _ in 0..99 {
            outermost();
        }
        test_counter::uninstall();
    })
    .join()
    .unwrap();

    let body = |name| match name {
        "fake.inner" => 5,
        "fake.inner_over" => 40,
        "fake.outer" => 100 + 5 + 7 + 40 + 5,
        "fake.outermost" => 3 + 157,
        _ => unreachable!(),
    };
    let resolution = calibration().resolution.get();
    for (name, calls) in [
        ("fake.inner", 200),
        ("fake.inner_over", 100),
        ("fake.outer", 100),
        ("fake.outermost", 100),
    ] {
        let (n, min, max) = figures(name);
        assert_eq!(n, calls, "{name}");
        let expected = body(name);
        for (what, got) in [("min", min), ("max", max)] {
            assert!(
                got.abs_diff(expected) <= resolution,
                "{name}: {what} {got}, body costs {expected}"
            );
        }
    }
    // And every raw reading was the body plus one read, so the mean is exact too.
    let report = report();
    let mean = report
        .path("fake.outermost")
        .unwrap()
        .stats
        .mean_per_call(&report.calibration)
        .unwrap();
    assert!((mean - 160.0).abs() <= resolution as f64, "{mean}");
    assert_eq!(
        report.path("fake.inner_over").unwrap().stats.over_budget,
        100
    );
}
