use knhk_runtime::hot_path;

#[hot_path(8)]
fn boxed(x: u64) -> Box<u64> {
    Box::new(x)
}

fn main() {
    let _ = boxed(1);
}
