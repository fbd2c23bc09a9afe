use knhk_runtime::hot_path;

struct Book(u64);

#[hot_path(8)]
impl Book {
    fn best_bid(&self) -> u64 {
        self.0
    }
}

fn main() {
    let _ = Book(1).best_bid();
}
