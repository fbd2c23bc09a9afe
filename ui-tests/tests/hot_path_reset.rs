//! `reset()` zeroes every path; in its own binary, since it zeroes the paths of any
//! test running beside it. The binary has no counting allocator, so its report also
//! shows how allocations read when nobody counts them.

use knhk_runtime::{hot_path, report};
use std::hint::black_box;

#[hot_path(8, name = "registry.reset_me", measure = "always")]
fn reset_me(x: u64) -> u64 {
    x ^ 1
}

#[test]
fn reset_zeroes_every_figure_and_recording_resumes() {
    for i in 0..100 {
        black_box(reset_me(i));
    }
    assert_eq!(report().path("registry.reset_me").unwrap().stats.calls, 100);
    knhk_runtime::reset();
    let after = report();
    let stats = &after.path("registry.reset_me").unwrap().stats;
    assert_eq!(stats.calls, 0);
    assert_eq!(stats.raw_sum, Some(0));
    assert_eq!(stats.min_ticks, None);
    assert_eq!(stats.max_ticks, None);
    assert!(stats.histogram.is_empty());
    black_box(reset_me(7));
    assert_eq!(report().path("registry.reset_me").unwrap().stats.calls, 1);
}

#[hot_path(8, name = "registry.uncounted", measure = "always")]
fn uncounted(x: u64) -> u64 {
    x ^ 2
}

#[test]
fn without_a_counting_allocator_allocations_are_unknown_not_zero() {
    black_box(uncounted(3));
    let report = report();
    assert!(!report.allocations_counted);
    let path = report.path("registry.uncounted").unwrap();
    assert_eq!(path.stats.allocations, None);
    let table = report.to_string();
    let row = table
        .lines()
        .find(|l| l.starts_with("registry.uncounted "))
        .expect("a row for uncounted");
    assert!(row.trim_end().ends_with("n/a"), "{row}");
}
