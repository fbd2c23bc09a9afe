//! Model -> tokens. Nothing here can fail: every check happened before.
//!
//! A measured function keeps its attributes, visibility and signature; its body gains a
//! `static` site (registered with `inventory`) and a probe whose drop records the call,
//! so early `return`, `?` and panics are all measured without touching the user's code.
//! Unless `measure` says otherwise, the choice between the measured and the original
//! item is left to the runtime's `__private::select!`, whose definition the runtime
//! picks by its own feature `measure`, and which otherwise applies `cfg(debug_assertions)`
//! in the user's crate. Every path to the runtime starts with the `crate = path` given,
//! `::knhk_runtime` by default.

use super::parse::{Budget, Kind, Measure};
use super::validate::Checked;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{AttrStyle, ItemFn, Stmt};

pub(crate) fn function(args: &Checked, function: &ItemFn, original: TokenStream) -> TokenStream {
    let krate = &args.krate;
    match args.measure {
        Measure::Never => original,
        Measure::Always => measured_function(args, function),
        Measure::Auto => {
            let measured = measured_function(args, function);
            quote! {
                #krate::__private::select! { item { #measured } { #original } }
            }
        }
    }
}

pub(crate) fn block(args: &Checked, body: &[Stmt]) -> TokenStream {
    let krate = &args.krate;
    let default_name = quote!(::core::concat!(::core::module_path!(), "::{block}"));
    // A block cannot see whether the function around it is generic.
    let site = site(args, default_name, false);
    let measured = quote!({
        #site
        let __knhk_probe = #krate::__private::Probe::start(&__KNHK_SITE);
        #(#body)*
    });
    let body = quote!({ #(#body)* });
    match args.measure {
        Measure::Never => body,
        Measure::Always => measured,
        Measure::Auto => quote! {
            #krate::__private::select! { expr { #measured } { #body } }
        },
    }
}

fn measured_function(args: &Checked, function: &ItemFn) -> TokenStream {
    let krate = &args.krate;
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
    let default_name = match &args.impl_type {
        Some(ty) => quote!(::core::concat!(::core::module_path!(), "::", #ty, "::", #ident)),
        None => quote!(::core::concat!(::core::module_path!(), "::", #ident)),
    };
    let site = site(args, default_name, args.impl_generic || is_generic(sig));
    // The body's statements follow the probe directly (not as a nested block, which
    // `unused_braces` would flag on a one-expression body), so the tail expression is
    // still the function's value and the probe drops after it is computed.
    let stmts = &block.stmts;
    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #site
            let __knhk_probe = #krate::__private::Probe::start(&__KNHK_SITE);
            #(#stmts)*
        }
    }
}

/// Whether every instantiation of `sig` shares one site: it has type or const
/// parameters, or an `impl Trait` argument (lifetimes do not make instantiations).
fn is_generic(sig: &syn::Signature) -> bool {
    struct ImplTrait(bool);
    impl<'ast> syn::visit::Visit<'ast> for ImplTrait {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let typed = sig
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
    let mut found = ImplTrait(false);
    for input in &sig.inputs {
        syn::visit::visit_fn_arg(&mut found, input);
    }
    typed || found.0
}

/// The path's `static` site and its registration.
fn site(args: &Checked, default_name: TokenStream, generic: bool) -> TokenStream {
    let krate = &args.krate;
    let name = match &args.name {
        Some(name) => quote!(#name),
        None => default_name,
    };
    let kind = match args.kind {
        Kind::Hot => quote!(#krate::__private::PathKind::Hot),
        Kind::Warm => quote!(#krate::__private::PathKind::Warm),
    };
    let budget = match args.budget {
        Budget::Ticks(ticks) => quote!(#krate::__private::Budget::Ticks(#ticks)),
        Budget::Nanos(nanos) => quote!(#krate::__private::Budget::Nanos(#nanos)),
    };
    let allow_alloc = args.allow_alloc;
    quote! {
        static __KNHK_SITE: #krate::__private::Site =
            #krate::__private::Site::new(#krate::__private::SiteMeta {
                name: #name,
                kind: #kind,
                budget: #budget,
                allow_alloc: #allow_alloc,
                file: ::core::file!(),
                line: ::core::line!(),
                column: ::core::column!(),
                generic: #generic,
            });
        #krate::__private::inventory::submit! {
            #krate::__private::Registration(&__KNHK_SITE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, validate};
    use crate::diag::Errors;
    use quote::quote;

    #[test]
    fn a_crate_path_replaces_every_mention_of_knhk_runtime() {
        let mut errors = Errors::default();
        let args = parse::Args::from_attribute(
            parse::Kind::Hot,
            quote!(8, crate = ::facade::knhk, measure = "always"),
            &mut errors,
        );
        let args = validate::complete(args).filter(|_| errors.is_empty());
        let args = args.unwrap_or_else(|| panic!("{}", errors.into_compile_errors()));
        let function: syn::ItemFn = syn::parse_quote!(
            fn f() -> u8 {
                1
            }
        );
        let out = super::function(&args, &function, quote!(#function)).to_string();
        assert!(!out.contains("knhk_runtime"), "{out}");
        assert!(
            out.contains(":: facade :: knhk :: __private :: Probe"),
            "{out}"
        );
        let body: syn::Block = syn::parse_quote!({ 1 });
        let out = super::block(&args, &body.stmts).to_string();
        assert!(!out.contains("knhk_runtime"), "{out}");
        assert!(
            out.contains(":: facade :: knhk :: __private :: Site"),
            "{out}"
        );
    }
}
