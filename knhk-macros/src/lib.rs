//! Procedural macros for [knhk](https://docs.rs/knhk-runtime).
//!
//! Use them through `knhk-runtime`, which re-exports every macro here; the code they
//! generate calls `::knhk_runtime::__private`, so this crate alone is not useful.
//!
//! Each macro lives in its own folder as three stages: `parse` (tokens to a model,
//! with the simple checks), `validate` (checks across the model, errors accumulated,
//! and the model made whole: no `Option` that expansion would have to fill in) and
//! `expand` (model to tokens, which cannot fail).
//!
//! Every macro whose expansion names the runtime takes `crate = path`, read by
//! `krate.rs`, and starts every path it emits with it (`::knhk_runtime` by default): in
//! an attribute's arguments (`#[hot_path(8, crate = path)]`, `#[builder(crate = path)]`),
//! first in a function-like macro, followed by its separator (`const_hash!(crate = path,
//! fnv1a, "x")`, `block::hot_path! { crate = path, .. }`, `static_map! { crate = path;
//! .. }`). A macro added later follows the same rule, with a pass test that reaches the
//! runtime only under another name (`ui-tests/tests/ui/pass/*/crate_path_for_reexports.rs`).

mod builder;
mod const_hash;
mod diag;
mod generics;
mod hot_path;
mod impl_paths;
mod instrument;
mod krate;
mod registry;
mod sealed;
mod semconv;
mod static_map;
mod telemetry;

use proc_macro::TokenStream;

/// Times a function against a budget of at most `MAX_HOT_PATH_TICKS`; see `knhk_runtime::hot_path`.
#[proc_macro_attribute]
pub fn hot_path(args: TokenStream, item: TokenStream) -> TokenStream {
    diag::catch_bugs_keeping(&item, || {
        hot_path::attribute(hot_path::Kind::Hot, args.into(), item.clone().into())
    })
}

/// Times a function against a budget in ticks or as a duration; see `knhk_runtime::warm_path`.
#[proc_macro_attribute]
pub fn warm_path(args: TokenStream, item: TokenStream) -> TokenStream {
    diag::catch_bugs_keeping(&item, || {
        hot_path::attribute(hot_path::Kind::Warm, args.into(), item.clone().into())
    })
}

/// Names an impl's measured methods after its type; see `knhk_runtime::impl_paths`.
#[proc_macro_attribute]
pub fn impl_paths(args: TokenStream, item: TokenStream) -> TokenStream {
    diag::catch_bugs_keeping(&item, || {
        impl_paths::attribute(args.into(), item.clone().into())
    })
}

/// Block form of `#[hot_path]`; see `knhk_runtime::block::hot_path!`.
#[proc_macro]
pub fn hot_path_block(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| hot_path::block(hot_path::Kind::Hot, input.into()))
}

/// Block form of `#[warm_path]`; see `knhk_runtime::block::warm_path!`.
#[proc_macro]
pub fn warm_path_block(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| hot_path::block(hot_path::Kind::Warm, input.into()))
}

/// A compile-time perfect-hash map; see `knhk_runtime::static_map!`.
#[proc_macro]
pub fn static_map(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| static_map::map(input.into()))
}

/// `static_map!` under its other name, `const_hash_map!`.
#[proc_macro]
pub fn const_hash_map(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| static_map::map(input.into()))
}

/// A compile-time perfect-hash set; see `knhk_runtime::static_set!`.
#[proc_macro]
pub fn static_set(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| static_map::set(input.into()))
}

/// A hash computed at compile time; see `knhk_runtime::const_hash!`.
#[proc_macro]
pub fn const_hash(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| const_hash::const_hash(input.into()))
}

/// Seals a trait so only its crate can implement it; see `knhk_runtime::sealed`.
#[proc_macro_attribute]
pub fn sealed(args: TokenStream, item: TokenStream) -> TokenStream {
    diag::catch_bugs_keeping(&item, || {
        sealed::attribute(args.into(), item.clone().into())
    })
}

/// A hash value checked by the compiler; see `knhk_runtime::hash_proof!`.
#[proc_macro]
pub fn hash_proof(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| const_hash::hash_proof(input.into()))
}

/// Constants and typed keys generated from a Weaver registry; see `knhk_runtime::semconv!`.
#[proc_macro]
pub fn semconv(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| semconv::semconv(input.into()))
}

/// A registry-checked `tracing` event; see `knhk_runtime::event!`.
#[proc_macro]
pub fn event(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| telemetry::expand(telemetry::Kind::Event, input.into()))
}

/// A registry-checked `tracing` span; see `knhk_runtime::span!`.
#[proc_macro]
pub fn span(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| telemetry::expand(telemetry::Kind::Span, input.into()))
}

/// A typestate builder for a struct with named fields; see `knhk_runtime::Builder`.
#[proc_macro_derive(Builder, attributes(builder))]
pub fn derive_builder(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| builder::derive(input.into()))
}

/// A `tracing` span per struct whose fields are registry attributes; see
/// `knhk_runtime::Instrument`.
#[proc_macro_derive(Instrument, attributes(instrument))]
pub fn derive_instrument(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| instrument::derive(input.into()))
}

/// The checking step of `#[derive(Instrument)]`, called by the runtime's
/// `__instrument!` with the directory of its registry. Not public API.
#[doc(hidden)]
#[proc_macro]
pub fn __instrument_checked(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| instrument::checked(input.into()))
}

/// Expanded once in knhk-runtime: the `__instrument!` forwarder that knows where the
/// runtime's registry is. Not public API.
#[doc(hidden)]
#[proc_macro]
pub fn __instrument_forwarder(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| instrument::forwarder(input.into()))
}

/// The runtime's items that state the hot-path maximum (`MAX_HOT_PATH_TICKS`,
/// `WithinHotPathBudget` and its impls); knhk-runtime expands it once. Not public API.
#[doc(hidden)]
#[proc_macro]
pub fn __hot_path_budget_items(input: TokenStream) -> TokenStream {
    diag::catch_bugs(|| hot_path::runtime_items(input.into()))
}
