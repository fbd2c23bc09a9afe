use knhk_runtime::hot_path;

#[hot_path(8)]
fn pair(x: u64) -> Vec<u64> {
    vec![x, x]
}

fn main() {
    let _ = pair(1);
}
