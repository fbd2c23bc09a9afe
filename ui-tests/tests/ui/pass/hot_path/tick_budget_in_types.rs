use knhk_runtime::{MAX_HOT_PATH_TICKS, TickBudget, assert_tick_budget, estimate_ticks_hash};

const PROOF: TickBudget<8> = TickBudget::new();
const SMALLEST: TickBudget<1> = TickBudget::new();

// Any const expression: the FNV-1a cost model's figure for a 3-byte key.
assert_tick_budget!(estimate_ticks_hash(3));
assert_tick_budget!(MAX_HOT_PATH_TICKS);
assert_tick_budget!(8);
// A cost, unlike a budget, may be 0: an empty key costs nothing to hash.
assert_tick_budget!(estimate_ticks_hash(0));

fn needs_hot_budget<const B: u64>(budget: TickBudget<B>) -> u64
where
    TickBudget<B>: knhk_runtime::WithinHotPathBudget,
{
    budget.ticks()
}

fn main() {
    assert_eq!(PROOF.ticks(), 8);
    assert_eq!(SMALLEST.ticks(), 1);
    assert_eq!(needs_hot_budget(TickBudget::<3>::new()), 3);
    assert!(estimate_ticks_hash(3) <= MAX_HOT_PATH_TICKS);
}
