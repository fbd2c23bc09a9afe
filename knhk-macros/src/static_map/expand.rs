//! Model -> tokens. Nothing here can fail: every check, and the table search, happened
//! before.
//!
//! A map becomes the declared `static` (or `const`) of type
//! `::knhk_runtime::__private::StaticMap<K, V>`, initialised by a `const fn` from two
//! `static` arrays, the displacements and the entries in slot order:
//!
//! ```text
//! pub static NAME: ::knhk_runtime::__private::StaticMap<K, V> = {
//!     static __KNHK_DISPLACEMENTS: [u64; B] = [..];
//!     static __KNHK_ENTRIES: [(K, V); N] = [(key, value), ..];
//!     ::knhk_runtime::__private::StaticMap::<K, V>::__from_tables(seed, &__KNHK_DISPLACEMENTS, &__KNHK_ENTRIES)
//! };
//! ```
//!
//! `static` rather than `const` arrays, so that values may have interior mutability (a
//! map of atomic counters) and every use of the map sees the same entries. Keys and
//! values keep their tokens, so a value of the wrong type is reported on it.

use super::hash::Table;
use super::parse::Keyword;
use super::validate::{Contents, Declared, Shape, Valid};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The item with its tables.
pub(crate) fn item(krate: &syn::Path, item: &Valid<'_>, table: &Table) -> TokenStream {
    let key_ty = item.declared.key_ty;
    let seed = Literal::u64_suffixed(table.seed);
    let displacements = table
        .displacements
        .iter()
        .map(|&d| Literal::u64_unsuffixed(d));
    let (entry_ty, entries) = match item.contents {
        Contents::Map { value_ty, entries } => {
            let entries = table.order.iter().map(|&i| {
                let (key, value) = &entries[i];
                quote!((#key, #value))
            });
            (quote!((#key_ty, #value_ty)), quote!(#(#entries),*))
        }
        Contents::Set(keys) => {
            let keys = table.order.iter().map(|&i| &keys[i]);
            (quote!((#key_ty, ())), quote!(#((#keys, ())),*))
        }
    };
    let (ty, path) = types(krate, &item.declared);
    let len = table.order.len();
    let buckets = table.displacements.len();
    let init = quote!({
        static __KNHK_DISPLACEMENTS: [u64; #buckets] = [#(#displacements),*];
        static __KNHK_ENTRIES: [#entry_ty; #len] = [#entries];
        #path::__from_tables(#seed, &__KNHK_DISPLACEMENTS, &__KNHK_ENTRIES)
    });
    declaration(&item.declared, &ty, init)
}

/// The item with empty tables, emitted beside the errors so that code using it still
/// type-checks and the user sees only what is wrong with the macro's input.
pub(crate) fn stub(krate: &syn::Path, declared: &Declared<'_>) -> TokenStream {
    let (ty, path) = types(krate, declared);
    let init = quote!(#path::__from_tables(0, &[0], &[]));
    declaration(declared, &ty, init)
}

/// The declared type, and the same as an expression path (with `::<>`).
fn types(krate: &syn::Path, declared: &Declared<'_>) -> (TokenStream, TokenStream) {
    let key_ty = declared.key_ty;
    let (name, args) = match declared.shape {
        Shape::Map { value_ty } => (quote!(StaticMap), quote!(<#key_ty, #value_ty>)),
        Shape::Set => (quote!(StaticSet), quote!(<#key_ty>)),
    };
    (
        quote!(#krate::__private::#name #args),
        quote!(#krate::__private::#name::#args),
    )
}

fn declaration(declared: &Declared<'_>, ty: &TokenStream, init: TokenStream) -> TokenStream {
    let super::parse::Item {
        attrs, vis, name, ..
    } = declared.item;
    let keyword = match &declared.item.keyword {
        Keyword::Static(token) => quote!(#token),
        Keyword::Const(token) => quote!(#token),
    };
    quote! {
        #(#attrs)*
        #vis #keyword #name: #ty = #init;
    }
}
