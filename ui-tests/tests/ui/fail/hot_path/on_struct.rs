use knhk_runtime::hot_path;

#[hot_path(8)]
struct Book {
    best_bid: u64,
}

fn main() {
    let book = Book { best_bid: 1 };
    let _ = book.best_bid;
}
