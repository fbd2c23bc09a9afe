use knhk_runtime::{Budget, PathKind, paths, warm_path};

#[warm_path(5000, measure = "always")]
fn in_ticks(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

#[warm_path("2us", measure = "always")]
fn in_micros(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

#[warm_path(budget = "1.5ms", measure = "always")]
fn in_millis(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

#[warm_path("250ns", measure = "always")]
fn in_nanos(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

/// Warm paths have no allocation lint.
#[warm_path("2µs", measure = "always")]
fn allocating(xs: &[u64]) -> Vec<u64> {
    xs.iter().map(|x| x * 2).collect()
}

fn main() {
    let xs = [1, 2, 3];
    assert_eq!(in_ticks(&xs), 6);
    assert_eq!(in_micros(&xs), 6);
    assert_eq!(in_millis(&xs), 6);
    assert_eq!(in_nanos(&xs), 6);
    assert_eq!(allocating(&xs), [2, 4, 6]);

    let paths = paths();
    let budget = |suffix: &str| {
        let path = paths
            .iter()
            .find(|p| p.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} not registered"));
        assert_eq!(path.kind, PathKind::Warm);
        path.budget
    };
    assert_eq!(budget("::in_ticks"), Budget::Ticks(5000));
    assert_eq!(budget("::in_micros"), Budget::Nanos(2_000));
    assert_eq!(budget("::in_millis"), Budget::Nanos(1_500_000));
    assert_eq!(budget("::in_nanos"), Budget::Nanos(250));
    assert_eq!(budget("::allocating"), Budget::Nanos(2_000));
}
