//! [`Call`] -> tokens.

use super::parse::Call;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The runtime's `const fn` for the algorithm, applied to the input's bytes.
fn hash_call(call: &Call) -> TokenStream {
    let segments = call
        .algorithm
        .function
        .split("::")
        .map(|s| syn::Ident::new(s, call.algorithm_ident.span()));
    let input = &call.input;
    // The input's span on `Bytes::new`, so a wrong type is reported on the input.
    let bytes = quote_spanned!(input.span()=> ::knhk_runtime::__private::Bytes::new(#input).get());
    quote!(::knhk_runtime::hash:: #(#segments)::* (#bytes))
}

pub(crate) fn const_hash(call: &Call) -> TokenStream {
    hash_call(call)
}

pub(crate) fn hash_proof(call: &Call) -> TokenStream {
    let hash = hash_call(call);
    let expected = call
        .expected
        .as_ref()
        .expect("parsed with an expected value");
    // The failing bound is reported where `__KNHK_ACTUAL` stands: on the expected value.
    let actual = syn::Ident::new(
        "__KNHK_ACTUAL",
        Span::mixed_site().located_at(expected.span()),
    );
    quote! {
        {
            const #actual: u64 = #hash as u64;
            ::knhk_runtime::hash::HashProof::<{ #expected }>::prove::<#actual>()
        }
    }
}
