use knhk_runtime::hot_path;

const BUDGET: u64 = 8;

#[hot_path(BUDGET)]
fn mix(x: u64) -> u64 {
    x.rotate_left(5)
}

fn main() {
    let _ = mix(BUDGET);
}
