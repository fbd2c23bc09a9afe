//! The budgets `#[hot_path]` accepts are those `TickBudget` accepts, 1 to
//! `MAX_HOT_PATH_TICKS` (and `budget_zero`, `budget_above_max`, `tick_budget_0` and
//! `tick_budget_9` are the next ones out, rejected by both).

use knhk_runtime::{MAX_HOT_PATH_TICKS, TickBudget, hot_path};

const _: () = assert!(MAX_HOT_PATH_TICKS == 8);
const _: TickBudget<MAX_HOT_PATH_TICKS> = TickBudget::new();
const _: TickBudget<1> = TickBudget::new();

#[hot_path(8)]
fn at_the_limit(x: u64) -> u64 {
    x ^ 1
}

#[hot_path(1)]
fn at_the_floor(x: u64) -> u64 {
    x
}

fn main() {
    assert_eq!(at_the_limit(1), 0);
    assert_eq!(at_the_floor(3), 3);
}
