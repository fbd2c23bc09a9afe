use knhk_runtime::{hot_path, paths};

trait Book {
    fn best_bid(&self) -> u64;

    /// A default method with a body can be measured where it is defined.
    #[hot_path(8)]
    fn spread(&self, ask: u64) -> u64 {
        let bid = self.best_bid();
        ask.saturating_sub(bid)
    }
}

struct Bids(u64);

impl Book for Bids {
    #[hot_path(8, name = "trait_methods.best_bid")]
    fn best_bid(&self) -> u64 {
        self.0
    }
}

fn main() {
    let bids = Bids(100);
    assert_eq!(bids.best_bid(), 100);
    assert_eq!(bids.spread(103), 3);
    assert_eq!(Book::best_bid(&bids), 100);

    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    assert_eq!(
        names.contains(&"trait_methods.best_bid"),
        cfg!(debug_assertions),
        "{names:?}"
    );
    assert_eq!(
        names.iter().any(|n| n.ends_with("::spread")),
        cfg!(debug_assertions),
        "{names:?}"
    );
}
