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
use super::parse::{Item, Keyword, Kind};
use super::validate::Checked;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The item with its tables.
pub(crate) fn item(kind: Kind, item: &Item, checked: &Checked<'_>, table: &Table) -> TokenStream {
    let key_ty = checked.key_ty;
    let seed = Literal::u64_suffixed(table.seed);
    let displacements = table
        .displacements
        .iter()
        .map(|&d| Literal::u64_unsuffixed(d));
    let keys = table.order.iter().map(|&i| &item.entries[i].key);
    let (entry_ty, entries) = match kind {
        Kind::Map => {
            let value_ty = checked.value_ty;
            let values = table.order.iter().map(|&i| &item.entries[i].value);
            (quote!((#key_ty, #value_ty)), quote!(#((#keys, #values)),*))
        }
        Kind::Set => (quote!((#key_ty, ())), quote!(#((#keys, ())),*)),
    };
    let (ty, path) = types(kind, checked);
    let len = table.order.len();
    let buckets = table.displacements.len();
    let init = quote!({
        static __KNHK_DISPLACEMENTS: [u64; #buckets] = [#(#displacements),*];
        static __KNHK_ENTRIES: [#entry_ty; #len] = [#entries];
        #path::__from_tables(#seed, &__KNHK_DISPLACEMENTS, &__KNHK_ENTRIES)
    });
    declaration(item, &ty, init)
}

/// The item with empty tables, emitted beside the errors so that code using it still
/// type-checks and the user sees only what is wrong with the macro's input.
pub(crate) fn stub(kind: Kind, item: &Item, checked: &Checked<'_>) -> TokenStream {
    let (ty, path) = types(kind, checked);
    let init = quote!(#path::__from_tables(0, &[0], &[]));
    declaration(item, &ty, init)
}

/// The declared type, and the same as an expression path (with `::<>`).
fn types(kind: Kind, checked: &Checked<'_>) -> (TokenStream, TokenStream) {
    let key_ty = checked.key_ty;
    let (name, args) = match kind {
        Kind::Map => {
            let value_ty = checked.value_ty;
            (quote!(StaticMap), quote!(<#key_ty, #value_ty>))
        }
        Kind::Set => (quote!(StaticSet), quote!(<#key_ty>)),
    };
    (
        quote!(::knhk_runtime::__private::#name #args),
        quote!(::knhk_runtime::__private::#name::#args),
    )
}

fn declaration(item: &Item, ty: &TokenStream, init: TokenStream) -> TokenStream {
    let Item {
        attrs, vis, name, ..
    } = item;
    let keyword = match &item.keyword {
        Keyword::Static(token) => quote!(#token),
        Keyword::Const(token) => quote!(#token),
    };
    quote! {
        #(#attrs)*
        #vis #keyword #name: #ty = #init;
    }
}
