//! knhk turns performance contracts into checked code.
//!
//! Put `#[hot_path(8)]` on a function and, whenever measuring is on, every call is
//! timed with the CPU's constant-rate counter, recorded into per-path statistics,
//! and judged against its budget; the path registers itself, so [`report()`] and
//! [`check_budgets()`] see it without any set-up. When measuring is off the attribute
//! expands to the function exactly as written.
//!
//! ```
//! use knhk_runtime::{hot_path, warm_path};
//!
//! /// Index of the lowest set bit: a single instruction, well inside 8 ticks.
//! #[hot_path(8)]
//! fn lowest_bit(mask: u64) -> u32 {
//!     mask.trailing_zeros()
//! }
//!
//! #[warm_path("50us")]
//! fn handle(masks: &[u64]) -> u32 {
//!     masks.iter().map(|&m| lowest_bit(m)).sum()
//! }
//!
//! assert_eq!(handle(&[1, 2, 4]), 3);
//! // In a build with debug assertions (as here) both paths were measured:
//! # #[cfg(debug_assertions)]
//! assert!(knhk_runtime::report().paths.iter().any(|p| p.name.ends_with("lowest_bit")));
//! ```
//!
//! # When measuring is on
//!
//! Each path is measured when the crate that *defines* it is compiled with debug
//! assertions, or when `knhk-runtime` is built with its feature `measure`; a path can
//! override both with `measure = "always"` or `measure = "never"`. The procedural
//! macro cannot see the runtime's features, so it emits both the measured and the
//! original item inside `__private::select!`, a `macro_rules!` macro that this crate
//! defines one way or the other depending on `measure`.
//!
//! # Ticks
//!
//! A tick is one count of the CPU's constant-rate counter (see [`tick`]). Budgets below
//! the counter's resolution cannot be checked per call; [`measure()`] checks them by
//! amortizing over many calls, and the report says which paths are in that case.

pub mod alloc;
pub mod hash;
pub mod hot_path;
pub mod semconv;
pub mod simd;
mod telemetry;
pub mod tick;

pub use hot_path::budget::{
    MAX_HOT_PATH_TICKS, TickBudget, WithinHotPathBudget, estimate_ticks_hash,
};
pub use hot_path::measure::{Measurement, measure, measure_with};
pub use hot_path::report::{PathReport, PathStats, Report};
pub use hot_path::verdict::{BudgetError, BudgetVerdicts, PathVerdict, Policy, Verdict};
pub use hot_path::{Budget, PathInfo, PathKind, check_budgets, hot_paths, report, reset};
pub use tick::{Calibration, ClockSource, Ticks};

/// Measures a function against a tick budget of at most [`MAX_HOT_PATH_TICKS`].
///
/// `#[hot_path(8)]` or `#[hot_path(budget = 8, name = "book.best_bid", allow_alloc,
/// measure = "always" | "never")]`. Works on free functions and methods (generic or
/// not, with `?` and early `return`), keeping the signature, attributes and docs.
/// The body may not call obviously allocating or printing constructs (`vec!`,
/// `format!`, `println!`, `Box::new`, `.to_string()`, `.collect()`, ...) unless
/// `allow_alloc` is given.
///
/// ```
/// #[knhk_runtime::hot_path(8)]
/// fn mix(x: u64) -> u64 {
///     x.rotate_left(5) ^ 0x9e37_79b9_7f4a_7c15
/// }
/// assert_eq!(mix(0), 0x9e37_79b9_7f4a_7c15);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::hot_path;

/// Measures a function against a budget in ticks or as a duration, with no cap.
///
/// `#[warm_path(5000)]`, `#[warm_path("2us")]`, `#[warm_path(budget = "1.5ms", name =
/// "orders.submit")]`. No allocation lint: warm paths are the request handlers around
/// hot paths.
///
/// ```
/// #[knhk_runtime::warm_path("20us")]
/// fn total(xs: &[u32]) -> u64 {
///     xs.iter().map(|&x| u64::from(x)).sum()
/// }
/// assert_eq!(total(&[1, 2, 3]), 6);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::warm_path;

/// Block forms of the path attributes, for code that is not a function of its own.
///
/// A crate cannot export an attribute and a function-like macro under one name, so the
/// block form of `#[hot_path]` is `block::hot_path!`:
///
/// ```
/// use knhk_runtime::block;
///
/// let x = 41_u64;
/// let y = block::hot_path! { budget = 8, name = "doc.increment", x + 1 };
/// assert_eq!(y, 42);
/// ```
#[cfg(feature = "macros")]
pub mod block {
    /// `block::hot_path! { budget = 8, name = "..", <statements> }`: `#[hot_path]` for a block.
    #[doc(inline)]
    pub use knhk_macros::hot_path_block as hot_path;
    /// `block::warm_path! { budget = "2us", name = "..", <statements> }`: `#[warm_path]` for a block.
    #[doc(inline)]
    pub use knhk_macros::warm_path_block as warm_path;
}

/// Whether this build of knhk-runtime has feature `measure`, which measures every path
/// without a `measure` argument, whatever the debug assertions of its crate.
pub const MEASURE_FEATURE: bool = cfg!(feature = "measure");

/// Calibrates the tick clock now, so that no measured call pays for it.
///
/// Optional: the first measured call calibrates otherwise (before its own counter
/// read, so its figure is unaffected, but that call takes about 20 ms longer).
pub fn init() -> &'static Calibration {
    tick::calibrate()
}

/// What generated code calls. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::hot_path::site::{Probe, Registration, Site, SiteMeta};
    pub use crate::hot_path::{Budget, PathKind};
    pub use inventory;

    /// Chooses between the measured and the original code. This definition: the
    /// runtime was built with feature `measure`, so always the measured one.
    #[cfg(feature = "measure")]
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __knhk_select {
        (item { $($measured:tt)* } { $($original:tt)* }) => { $($measured)* };
        (expr { $measured:expr } { $original:expr }) => { $measured };
    }

    /// Chooses between the measured and the original code. This definition: without
    /// feature `measure`, by the debug assertions of the crate the code lands in.
    #[cfg(not(feature = "measure"))]
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __knhk_select {
        (item { $($measured:tt)* } { $($original:tt)* }) => {
            #[cfg(debug_assertions)]
            $($measured)*
            #[cfg(not(debug_assertions))]
            $($original)*
        };
        (expr { $measured:expr } { $original:expr }) => {{
            #[cfg(debug_assertions)]
            let __knhk_value = $measured;
            #[cfg(not(debug_assertions))]
            let __knhk_value = $original;
            __knhk_value
        }};
    }

    pub use crate::__knhk_select as select;
}
