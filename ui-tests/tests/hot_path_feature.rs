//! A path without a `measure` argument measures exactly when its crate has debug
//! assertions or knhk-runtime has feature `measure`. `scripts/test` runs this file in
//! a debug build, a release build, and a release build with the feature.

use knhk_runtime::{MEASURE_FEATURE, hot_path, paths, report, warm_path};
use std::hint::black_box;

#[hot_path(8, name = "feature.hot")]
fn hot(x: u64) -> u64 {
    x.rotate_left(3)
}

#[warm_path("1ms", name = "feature.warm")]
fn warm(x: u64) -> u64 {
    hot(x) ^ 1
}

#[test]
fn measuring_follows_debug_assertions_and_the_feature() {
    black_box(warm(black_box(7)));
    let expected = cfg!(debug_assertions) || MEASURE_FEATURE;
    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    assert_eq!(names.contains(&"feature.hot"), expected, "{names:?}");
    assert_eq!(names.contains(&"feature.warm"), expected, "{names:?}");
    let calls = report().path("feature.hot").map(|p| p.stats.calls);
    assert_eq!(calls, expected.then_some(1));
    println!(
        "debug assertions: {}, feature measure: {MEASURE_FEATURE}, measured: {expected}",
        cfg!(debug_assertions)
    );
}
