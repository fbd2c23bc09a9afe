use knhk_runtime::hot_path;

#[hot_path(8)]
fn doubled(xs: &[u64]) -> Vec<u64> {
    xs.iter().map(|x| x * 2).collect()
}

fn main() {
    let _ = doubled(&[1]);
}
