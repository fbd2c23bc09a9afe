use knhk_runtime::hot_path;

#[hot_path(8, measure = "sometimes")]
fn mix(x: u64) -> u64 {
    x.rotate_left(5)
}

fn main() {
    let _ = mix(1);
}
