use knhk_runtime::block;

fn main() {
    let x = 1_u64;
    let y = block::hot_path! { crate, budget = 8, x + 1 };
    assert_eq!(y, 2);
}
