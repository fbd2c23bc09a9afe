use knhk_runtime::hot_path;

#[hot_path(4, name = "expand.mix")]
fn mix(x: u64) -> u64 {
    x.rotate_left(5) ^ 0x9e37
}

fn main() {
    let _ = mix(1);
}
