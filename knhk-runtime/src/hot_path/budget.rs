//! Budgets checked by the compiler.
//!
//! ```
//! use knhk_runtime::{TickBudget, assert_tick_budget, estimate_ticks_hash};
//!
//! const PROOF: TickBudget<8> = TickBudget::new();
//! assert_tick_budget!(estimate_ticks_hash(3));
//! assert_eq!(PROOF.ticks(), 8);
//! ```
//!
//! A budget over the maximum does not compile:
//!
//! ```compile_fail
//! const TOO_MUCH: knhk_runtime::TickBudget<9> = knhk_runtime::TickBudget::new();
//! ```

/// The largest budget a `#[hot_path]` may have, in ticks.
pub const MAX_HOT_PATH_TICKS: u64 = 8;

/// A tick budget as a type. [`TickBudget::new`] only exists for budgets up to
/// [`MAX_HOT_PATH_TICKS`], so holding one is proof that the budget is a hot-path budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TickBudget<const B: u64>;

/// Implemented by [`TickBudget<B>`] for `B` in `0..=8`: the budgets a hot path may have.
#[diagnostic::on_unimplemented(
    message = "`{Self}` exceeds the maximum hot-path budget of 8 ticks",
    label = "this budget is over 8 ticks",
    note = "lower the budget to at most `MAX_HOT_PATH_TICKS` (8), or measure the code as a `#[warm_path]`"
)]
pub trait WithinHotPathBudget: sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
}

macro_rules! within_budget {
    ($($b:literal)*) => {$(
        impl sealed::Sealed for TickBudget<$b> {}
        impl WithinHotPathBudget for TickBudget<$b> {}
    )*};
}
within_budget!(0 1 2 3 4 5 6 7 8);

impl<const B: u64> TickBudget<B> {
    /// The proof that `B` is a hot-path budget; does not compile for `B` above 8.
    pub const fn new() -> Self
    where
        Self: WithinHotPathBudget,
    {
        TickBudget
    }

    /// The budget, in ticks.
    pub const fn ticks(self) -> u64 {
        B
    }
}

/// Fails to compile when a budget (any const expression) exceeds [`MAX_HOT_PATH_TICKS`].
///
/// ```
/// knhk_runtime::assert_tick_budget!(8);
/// ```
///
/// ```compile_fail
/// knhk_runtime::assert_tick_budget!(9);
/// ```
#[macro_export]
macro_rules! assert_tick_budget {
    ($budget:expr) => {
        const _: () = ::core::assert!(
            ($budget) as u64 <= $crate::MAX_HOT_PATH_TICKS,
            "tick budget exceeds the maximum hot-path budget of 8 ticks (`MAX_HOT_PATH_TICKS`); lower it, or measure the code as a `#[warm_path]`",
        );
    };
}

/// Estimated FNV-1a cost, in hundredths of a counter tick per byte.
///
/// FNV-1a is one dependent xor and multiply per byte, so a single call's cost grows
/// with the multiply's latency. Measured with [`crate::measure()`] on the development
/// machine of 2026-11-25 (Intel Xeon, Sapphire Rapids class, 2-core VM; TSC at
/// 2.6 GHz): 2.56 ticks per byte over 4 KiB, 2.12 over 256 B. Shorter inputs measure
/// less per byte (0.9 at 32 B, 0.7 at 4 B) only because consecutive calls overlap in
/// an amortized loop; one call on its own still pays the chain. (An AMD EPYC Zen 4
/// 2-core VM measured about 1.44.) `cargo bench -p knhk-runtime --bench
/// hot_path` prints the estimate beside `measure()` for 4 B to 4 KiB.
pub const HASH_TICKS_PER_BYTE_X100: u64 = 256;

/// A per-byte hash cost estimate: ticks to FNV-1a-hash `n` bytes, rounded up.
///
/// ```
/// use knhk_runtime::estimate_ticks_hash;
/// assert_eq!(estimate_ticks_hash(0), 0);
/// assert_eq!(estimate_ticks_hash(3), 8); // 7.68 rounded up
/// assert_eq!(estimate_ticks_hash(100), 256);
/// ```
pub const fn estimate_ticks_hash(n: usize) -> u64 {
    (n as u64)
        .saturating_mul(HASH_TICKS_PER_BYTE_X100)
        .div_ceil(100)
}
