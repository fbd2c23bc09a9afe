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
//! A budget over the maximum does not compile, nor does one of 0 ticks, which
//! `#[hot_path(0)]` rejects too:
//!
//! ```compile_fail,E0277
//! const TOO_MUCH: knhk_runtime::TickBudget<9> = knhk_runtime::TickBudget::new();
//! ```
//!
//! ```compile_fail,E0277
//! const NOTHING: knhk_runtime::TickBudget<0> = knhk_runtime::TickBudget::new();
//! ```

/// A tick budget as a type. [`TickBudget::new`] only exists for the budgets a
/// `#[hot_path]` accepts, 1 to [`MAX_HOT_PATH_TICKS`], so holding one is proof that the
/// budget is a hot-path budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TickBudget<const B: u64>;

mod sealed {
    pub trait Sealed {}
}

// `MAX_HOT_PATH_TICKS`, `WithinHotPathBudget` (with its message) and its impls for
// `TickBudget<1>` to `TickBudget<MAX_HOT_PATH_TICKS>`: the number is written once, in
// knhk-macros, which needs it to reject `#[hot_path(9)]` as it expands.
knhk_macros::__hot_path_budget_items!();

impl<const B: u64> TickBudget<B> {
    /// The proof that `B` is a hot-path budget; does not compile for `B` of 0 or above
    /// [`MAX_HOT_PATH_TICKS`].
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

/// Fails to compile when a cost (any const expression, such as an estimate) exceeds
/// [`MAX_HOT_PATH_TICKS`]. A cost of 0 fits: unlike a budget, an estimate may be 0.
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
            "{}",
            $crate::__private::__OVER_MAX_HOT_PATH_TICKS,
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
