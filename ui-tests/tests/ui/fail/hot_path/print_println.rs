use knhk_runtime::hot_path;

#[hot_path(8)]
fn mix(x: u64) -> u64 {
    println!("mixing {x}");
    x.rotate_left(5)
}

fn main() {
    let _ = mix(1);
}
