use knhk_runtime::{hot_path, paths, report, warm_path};

#[hot_path(8, measure = "always", name = "measure.always")]
fn always(x: u64) -> u64 {
    x + 1
}

#[hot_path(8, measure = "never", name = "measure.never")]
fn never(x: u64) -> u64 {
    x + 2
}

#[warm_path(500, measure = "always", name = "measure.warm_always")]
fn warm_always(x: u64) -> u64 {
    x + 3
}

#[warm_path(500, measure = "never", name = "measure.warm_never")]
fn warm_never(x: u64) -> u64 {
    x + 4
}

fn main() {
    assert_eq!(always(1), 2);
    assert_eq!(never(1), 3);
    assert_eq!(warm_always(1), 4);
    assert_eq!(warm_never(1), 5);

    // `measure` overrides the build: these hold with and without debug assertions.
    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    assert!(names.contains(&"measure.always"), "{names:?}");
    assert!(names.contains(&"measure.warm_always"), "{names:?}");
    assert!(!names.contains(&"measure.never"), "{names:?}");
    assert!(!names.contains(&"measure.warm_never"), "{names:?}");
    let report = report();
    assert_eq!(report.path("measure.always").unwrap().stats.calls, 1);
    assert_eq!(report.path("measure.warm_always").unwrap().stats.calls, 1);
}
