//! Model -> tokens. Nothing here can fail: every check happened before.
//!
//! A measured function keeps its attributes, visibility and signature; its body gains a
//! `static` site (registered with `inventory`) and a probe whose drop records the call,
//! so early `return`, `?` and panics are all measured without touching the user's code.
//! Unless `measure` says otherwise, the choice between the measured and the original
//! item is left to `::knhk_runtime::__private::select!`, whose definition the runtime
//! picks by its own feature `measure`, and which otherwise applies `cfg(debug_assertions)`
//! in the user's crate.

use super::parse::{Args, Budget, Kind, Measure};
use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{AttrStyle, ItemFn, Stmt};

pub(crate) fn function(args: &Args, function: &ItemFn, original: TokenStream) -> TokenStream {
    match args.measure {
        Measure::Never => original,
        Measure::Always => measured_function(args, function),
        Measure::Auto => {
            let measured = measured_function(args, function);
            quote! {
                ::knhk_runtime::__private::select! { item { #measured } { #original } }
            }
        }
    }
}

pub(crate) fn block(args: &Args, body: &[Stmt]) -> TokenStream {
    let default_name = quote!(::core::concat!(::core::module_path!(), "::{block}"));
    let site = site(args, default_name);
    let measured = quote!({
        #site
        let __knhk_probe = ::knhk_runtime::__private::Probe::start(&__KNHK_SITE);
        #(#body)*
    });
    let body = quote!({ #(#body)* });
    match args.measure {
        Measure::Never => body,
        Measure::Always => measured,
        Measure::Auto => quote! {
            ::knhk_runtime::__private::select! { expr { #measured } { #body } }
        },
    }
}

fn measured_function(args: &Args, function: &ItemFn) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    let (outer, inner): (Vec<_>, Vec<_>) = attrs
        .iter()
        .partition(|a| matches!(a.style, AttrStyle::Outer));
    let ident = sig.ident.unraw().to_string();
    let default_name = quote!(::core::concat!(::core::module_path!(), "::", #ident));
    let site = site(args, default_name);
    // The body's statements follow the probe directly (not as a nested block, which
    // `unused_braces` would flag on a one-expression body), so the tail expression is
    // still the function's value and the probe drops after it is computed.
    let stmts = &block.stmts;
    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #site
            let __knhk_probe = ::knhk_runtime::__private::Probe::start(&__KNHK_SITE);
            #(#stmts)*
        }
    }
}

/// The path's `static` site and its registration.
fn site(args: &Args, default_name: TokenStream) -> TokenStream {
    let name = match &args.name {
        Some(name) => quote!(#name),
        None => default_name,
    };
    let kind = match args.kind {
        Kind::Hot => quote!(::knhk_runtime::__private::PathKind::Hot),
        Kind::Warm => quote!(::knhk_runtime::__private::PathKind::Warm),
    };
    let budget = match args.budget {
        Some(Budget::Ticks(ticks)) => quote!(::knhk_runtime::__private::Budget::Ticks(#ticks)),
        Some(Budget::Nanos(nanos)) => quote!(::knhk_runtime::__private::Budget::Nanos(#nanos)),
        // Unreachable after validation; a budget of one tick keeps the expansion total.
        None => quote!(::knhk_runtime::__private::Budget::Ticks(1)),
    };
    let allow_alloc = args.allow_alloc;
    quote! {
        static __KNHK_SITE: ::knhk_runtime::__private::Site =
            ::knhk_runtime::__private::Site::new(::knhk_runtime::__private::SiteMeta {
                name: #name,
                kind: #kind,
                budget: #budget,
                allow_alloc: #allow_alloc,
                file: ::core::file!(),
                line: ::core::line!(),
                column: ::core::column!(),
            });
        ::knhk_runtime::__private::inventory::submit! {
            ::knhk_runtime::__private::Registration(&__KNHK_SITE)
        }
    }
}
