// `#[impl_paths]` names the measured methods of an impl; on a function it has no type
// to give them.
#[knhk_runtime::impl_paths]
#[knhk_runtime::hot_path(8)]
fn get(x: u32) -> u32 {
    x
}

fn main() {
    get(1);
}
