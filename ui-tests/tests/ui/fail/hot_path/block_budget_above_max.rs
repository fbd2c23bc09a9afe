use knhk_runtime::block;

fn main() {
    let x = 41_u64;
    let y = block::hot_path! { budget = 9, x + 1 };
    assert_eq!(y, 42);
}
