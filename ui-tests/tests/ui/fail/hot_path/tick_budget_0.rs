use knhk_runtime::TickBudget;

const _: TickBudget<0> = TickBudget::new();

fn main() {}
