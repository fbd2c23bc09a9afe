use knhk_runtime::block;

fn main() {
    let xs = [1_u64, 2, 3];
    let total = block::warm_path! { budget = "2us", name = "expand.total",
        xs.iter().sum::<u64>()
    };
    assert_eq!(total, 6);
}
