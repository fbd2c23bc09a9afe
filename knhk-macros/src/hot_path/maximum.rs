//! The hot-path maximum, written once for both crates.
//!
//! The attribute needs the number while it expands, to reject `#[hot_path(9)]` on the
//! literal with the fix; knhk-runtime needs it in its constant, in the budgets
//! `TickBudget` accepts and in their messages. A proc-macro crate can export only
//! macros, so the number lives here and the runtime expands
//! `knhk_macros::__hot_path_budget_items!()` for the items that state it.

use proc_macro2::TokenStream;
use quote::quote;

/// The largest budget `#[hot_path]` accepts, in ticks.
pub(crate) const MAX_HOT_PATH_TICKS: u64 = 8;

/// The smallest budget `#[hot_path]` and `#[warm_path]` accept: 0 ticks can never be met.
pub(crate) const MIN_TICKS: u64 = 1;

/// `MAX_HOT_PATH_TICKS`, the trait `WithinHotPathBudget` with its message, its impls for
/// `TickBudget<MIN_TICKS..=MAX_HOT_PATH_TICKS>`, and the message of `assert_tick_budget!`,
/// for the runtime's `hot_path::budget` module, which defines `TickBudget` and
/// `sealed::Sealed`.
pub(crate) fn runtime_items(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return syn::Error::new_spanned(input, "`__hot_path_budget_items!` takes no input")
            .to_compile_error();
    }
    let (min, max) = (MIN_TICKS, MAX_HOT_PATH_TICKS);
    let max_doc = format!(
        "The largest budget a `#[hot_path]` may have, in ticks. The smallest is {min}: a budget of 0 ticks can never be met."
    );
    let trait_doc = format!(
        "Implemented by [`TickBudget<B>`] for `B` in `{min}..={max}`: the budgets a hot path may have, the same `#[hot_path(B)]` accepts."
    );
    let message = format!("`{{Self}}` is not a hot-path budget, which is {min} to {max} ticks");
    let label = format!("not a budget of {min} to {max} ticks");
    let note = format!(
        "give it {min} to `MAX_HOT_PATH_TICKS` ({max}) ticks: a budget of 0 can never be met, and code that needs more than {max} is measured as a `#[warm_path]`"
    );
    let over = format!(
        "tick budget exceeds the maximum hot-path budget of {max} ticks (`MAX_HOT_PATH_TICKS`); lower it, or measure the code as a `#[warm_path]`"
    );
    let max = proc_macro2::Literal::u64_unsuffixed(max);
    let budgets = (min..=MAX_HOT_PATH_TICKS).map(proc_macro2::Literal::u64_unsuffixed);
    quote! {
        #[doc = #max_doc]
        pub const MAX_HOT_PATH_TICKS: u64 = #max;

        #[doc = #trait_doc]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait WithinHotPathBudget: sealed::Sealed {}

        #(
            impl sealed::Sealed for TickBudget<#budgets> {}
            impl WithinHotPathBudget for TickBudget<#budgets> {}
        )*

        /// The message of `assert_tick_budget!`.
        #[doc(hidden)]
        pub const __OVER_MAX_HOT_PATH_TICKS: &str = #over;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_items_state_the_range_and_every_budget_in_it() {
        let out = runtime_items(TokenStream::new()).to_string();
        assert!(out.contains("MAX_HOT_PATH_TICKS : u64 = 8 ;"), "{out}");
        assert_eq!(
            out.matches("impl WithinHotPathBudget for").count(),
            8,
            "{out}"
        );
        assert!(out.contains("TickBudget < 1 >") && out.contains("TickBudget < 8 >"));
        assert!(!out.contains("TickBudget < 0 >") && !out.contains("TickBudget < 9 >"));
        assert!(out.contains("1 to 8 ticks"), "{out}");
    }

    #[test]
    fn input_is_an_error_not_ignored() {
        let out = runtime_items(quote!(9)).to_string();
        assert!(out.contains("compile_error"), "{out}");
    }
}
