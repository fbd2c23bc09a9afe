//! Small pieces of generics handling shared by the derives and attributes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::GenericParam;

/// A generic parameter as an argument: `'a`, `T`, `N`.
pub(crate) fn param_arg(param: &GenericParam) -> TokenStream {
    match param {
        GenericParam::Lifetime(p) => {
            let lifetime = &p.lifetime;
            quote!(#lifetime)
        }
        GenericParam::Type(p) => {
            let ident = &p.ident;
            quote!(#ident)
        }
        GenericParam::Const(p) => {
            let ident = &p.ident;
            quote!(#ident)
        }
    }
}
