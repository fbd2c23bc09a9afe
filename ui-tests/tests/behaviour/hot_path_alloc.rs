//! The allocation check, with the counting allocator installed.

use knhk_runtime::{Policy, hot_path, report, warm_path};
use std::hint::black_box;

/// Allocates where the attribute's lint cannot see it: in a helper.
fn make_buffer(n: usize) -> Vec<u8> {
    vec![0; n]
}

#[hot_path(8, name = "alloc.sneaky", measure = "always")]
fn sneaky(n: usize) -> usize {
    make_buffer(n).len()
}

#[hot_path(8, name = "alloc.allowed", allow_alloc, measure = "always")]
fn allowed(n: usize) -> usize {
    vec![1_u8; n].len()
}

#[warm_path(1_000_000, name = "alloc.warm", measure = "always")]
fn warm(n: usize) -> usize {
    make_buffer(n).len() + make_buffer(n).len()
}

#[hot_path(8, name = "alloc.clean", measure = "always")]
fn clean(n: usize) -> usize {
    n.count_ones() as usize
}

#[test]
fn the_allocation_check_fires_on_an_allocating_hot_path() {
    for i in 1..=10 {
        black_box(sneaky(black_box(i)));
        black_box(allowed(black_box(i)));
        black_box(warm(black_box(i)));
        black_box(clean(black_box(i)));
    }
    let report = report();
    assert!(report.allocations_counted);
    let stats = |name: &str| report.path(name).unwrap().stats.clone();

    let sneaky = stats("alloc.sneaky");
    assert_eq!(sneaky.allocations, Some(10));
    assert_eq!(sneaky.alloc_violations, Some(10));

    let allowed = stats("alloc.allowed");
    assert_eq!(allowed.allocations, Some(10));
    assert_eq!(allowed.alloc_violations, Some(0));

    // Warm paths are not allocation-checked, but their allocations are counted.
    let warm = stats("alloc.warm");
    assert_eq!(warm.allocations, Some(20));
    assert_eq!(warm.alloc_violations, Some(0));

    let clean = stats("alloc.clean");
    assert_eq!(clean.allocations, Some(0));
    assert_eq!(clean.alloc_violations, Some(0));

    // The verdicts carry the violations, and the CI gate names the violating path
    // (allocating paths may also be over their 8 ticks; that is a separate finding).
    let verdicts = report.check(&Policy::default());
    let violations = |name: &str| {
        verdicts
            .paths
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .alloc_violations
    };
    assert_eq!(violations("alloc.sneaky"), 10);
    assert_eq!(violations("alloc.allowed"), 0);
    let error = verdicts.into_result().unwrap_err();
    assert!(
        error
            .failures
            .iter()
            .any(|f| f.starts_with("alloc.sneaky") && f.contains("10 allocations")),
        "{error}"
    );
    assert!(
        !error
            .failures
            .iter()
            .any(|f| f.contains("alloc.allowed") && f.contains("allocations"))
    );
}
