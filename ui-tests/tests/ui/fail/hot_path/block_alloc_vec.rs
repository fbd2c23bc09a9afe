use knhk_runtime::block;

fn main() {
    let x = 41_u64;
    let v = block::hot_path! { budget = 8, vec![x, x] };
    assert_eq!(v, [41, 41]);
}
