use knhk_runtime::hot_path;

#[hot_path(8)]
fn side(bid: bool) -> String {
    String::from(if bid { "bid" } else { "ask" })
}

fn main() {
    let _ = side(true);
}
