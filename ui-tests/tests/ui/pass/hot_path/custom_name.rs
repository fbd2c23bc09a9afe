use knhk_runtime::{PathKind, hot_path, paths, warm_path};

#[hot_path(8, name = "book.best_bid", measure = "always")]
fn best_bid(levels: &[u64]) -> Option<u64> {
    levels.first().copied()
}

#[warm_path(budget = "1.5ms", name = "orders.submit", measure = "always")]
fn submit(levels: &[u64]) -> u64 {
    best_bid(levels).unwrap_or(0)
}

fn main() {
    assert_eq!(submit(&[5, 4]), 5);

    let paths = paths();
    let best_bid = paths.iter().find(|p| p.name == "book.best_bid").unwrap();
    assert_eq!(best_bid.kind, PathKind::Hot);
    let submit = paths.iter().find(|p| p.name == "orders.submit").unwrap();
    assert_eq!(submit.kind, PathKind::Warm);
    // The given name replaces the default `module::function`.
    assert!(!paths.iter().any(|p| p.name.ends_with("::best_bid")));
}
