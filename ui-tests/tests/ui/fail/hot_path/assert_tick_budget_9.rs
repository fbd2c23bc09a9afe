use knhk_runtime::assert_tick_budget;

assert_tick_budget!(9);

fn main() {}
