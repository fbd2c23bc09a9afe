//! `#[derive(Instrument)]`: a `tracing` span per type whose recorded fields are
//! attributes of a registry, checked at compile time.
//!
//! The derive runs in two steps. The derive itself reads only `crate = path` and hands
//! the item to the runtime's `__instrument!`, a `macro_rules!` the runtime generated
//! (with [`forwarder`]) while it was compiled, which knows where the runtime's own
//! registry is on disk; it calls [`checked`] with that directory and the item. So the
//! user's registry is checked merged with knhk's, wherever cargo put knhk's sources.

mod expand;
mod parse;

use crate::diag::Errors;
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream, Parser};
use syn::{DeriveInput, LitStr, Token};

/// The derive: `#krate::__instrument! { krate = { #krate }, <the item> }`.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let item: DeriveInput = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let krate = parse::krate(&item.attrs, &mut errors);
    if !errors.is_empty() {
        return errors.into_compile_errors();
    }
    quote! {
        #krate::__instrument! { krate = { #krate }, #input }
    }
}

/// What the runtime's `__instrument!` passes on.
struct Forwarded {
    knhk_registry: LitStr,
    krate: syn::Path,
    item: DeriveInput,
}

impl Parse for Forwarded {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: syn::Ident = input.parse()?;
        if key != "knhk_registry" {
            return Err(syn::Error::new(key.span(), "expected `knhk_registry`"));
        }
        input.parse::<Token![=]>()?;
        let knhk_registry = input.parse()?;
        input.parse::<Token![,]>()?;
        let key: syn::Ident = input.parse()?;
        if key != "krate" {
            return Err(syn::Error::new(key.span(), "expected `krate`"));
        }
        input.parse::<Token![=]>()?;
        let content;
        syn::braced!(content in input);
        let krate = content.parse()?;
        input.parse::<Token![,]>()?;
        let item = input.parse()?;
        Ok(Forwarded {
            knhk_registry,
            krate,
            item,
        })
    }
}

/// The second step: the item checked against the user's registry merged with knhk's
/// (`knhk_registry`), and its `span` and `instrument_call`.
pub(crate) fn checked(input: TokenStream) -> TokenStream {
    let forwarded = match Parser::parse2(Forwarded::parse, input) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let Some(parsed) = parse::input(&forwarded.item, &mut errors) else {
        return errors.into_compile_errors();
    };
    let knhk_root = std::path::PathBuf::from(forwarded.knhk_registry.value());
    let knhk = match crate::registry::load(&knhk_root) {
        Ok(r) => r,
        Err(findings) => {
            // knhk's own registry is checked when the runtime builds; this is a bug.
            let list: Vec<String> = findings.iter().map(ToString::to_string).collect();
            return syn::Error::new(
                proc_macro2::Span::call_site(),
                format!("knhk-runtime's registry does not load: {}", list.join("; ")),
            )
            .to_compile_error();
        }
    };
    let user = match parse::user_registry(&parsed) {
        Ok(r) => r,
        Err(tokens) => return tokens,
    };
    let mut tokens = expand::expand(
        &forwarded.krate,
        &parsed,
        user.as_deref(),
        &knhk,
        &mut errors,
    );
    tokens.extend(errors.into_compile_errors());
    tokens
}

/// `forwarder!("registry")`, expanded once in knhk-runtime: the `__instrument!` that
/// hands derives the absolute path of the runtime's registry.
pub(crate) fn forwarder(input: TokenStream) -> TokenStream {
    let dir: LitStr = match syn::parse2(input) {
        Ok(d) => d,
        Err(e) => return e.to_compile_error(),
    };
    let root = match crate::registry::root_of(&dir) {
        Ok(r) => r,
        Err(e) => return e.to_compile_error(),
    };
    let root = root.canonicalize().unwrap_or(root);
    let path = root.to_string_lossy().into_owned();
    quote! {
        /// Forwards `#[derive(Instrument)]` to its checking step with the directory of
        /// knhk-runtime's registry. Not public API.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __instrument {
            (krate = { $($krate:tt)* }, $($item:tt)*) => {
                $crate::__private::instrument_checked! {
                    knhk_registry = #path, krate = { $($krate)* }, $($item)*
                }
            };
        }
    }
}
