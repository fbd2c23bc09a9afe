use knhk_runtime::hot_path;

#[hot_path(8, crate = "knhk_runtime")]
fn mix(x: u64) -> u64 {
    x ^ 1
}

fn main() {
    assert_eq!(mix(1), 0);
}
