//! The macro's limit and `knhk_runtime::MAX_HOT_PATH_TICKS` are the same number: the
//! largest budget the attribute accepts is the constant (and `budget_above_max` is
//! the next one up, rejected).

use knhk_runtime::{MAX_HOT_PATH_TICKS, TickBudget, hot_path};

const _: () = assert!(MAX_HOT_PATH_TICKS == 8);
const _: TickBudget<MAX_HOT_PATH_TICKS> = TickBudget::new();

#[hot_path(8)]
fn at_the_limit(x: u64) -> u64 {
    x ^ 1
}

fn main() {
    assert_eq!(at_the_limit(1), 0);
}
