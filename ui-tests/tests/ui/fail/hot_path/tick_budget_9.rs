use knhk_runtime::TickBudget;

const _: TickBudget<9> = TickBudget::new();

fn main() {}
