use knhk_runtime::hot_path;

#[hot_path(8)]
fn copy(xs: &[u64]) -> Vec<u64> {
    xs.to_owned()
}

fn main() {
    let _ = copy(&[1]);
}
