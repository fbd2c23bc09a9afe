use knhk_runtime::hot_path;

trait Book {
    #[hot_path(8)]
    fn best_bid(&self) -> u64;
}

struct Bids(u64);

impl Book for Bids {
    fn best_bid(&self) -> u64 {
        self.0
    }
}

fn main() {
    let _ = Bids(1).best_bid();
}
