//! `static_map!`, `const_hash_map!` and `static_set!`.

use proc_macro2::TokenStream;

pub(crate) fn map(_input: TokenStream) -> TokenStream {
    quote::quote!(::core::compile_error!("static_map! is being built"))
}

pub(crate) fn set(_input: TokenStream) -> TokenStream {
    quote::quote!(::core::compile_error!("static_set! is being built"))
}
