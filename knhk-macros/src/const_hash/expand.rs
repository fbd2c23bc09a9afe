//! [`Call`] and [`Proof`] -> tokens.

use super::parse::{Call, Proof};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

/// The runtime's `const fn` for the algorithm, applied to the input's bytes.
pub(crate) fn const_hash(call: &Call) -> TokenStream {
    let segments = call
        .algorithm
        .function
        .split("::")
        .map(|s| syn::Ident::new(s, call.algorithm_ident.span()));
    let input = &call.input;
    let krate = &call.krate;
    // The input's span on `Bytes::new`, the path to it included, so a wrong type is
    // reported on the input alone.
    let spanned_krate = crate::krate::respanned(krate.to_token_stream(), input.span());
    let bytes = quote_spanned!(input.span()=> #spanned_krate::__private::Bytes::new(#input).get());
    quote!(#krate::hash:: #(#segments)::* (#bytes))
}

pub(crate) fn hash_proof(proof: &Proof) -> TokenStream {
    let hash = const_hash(&proof.call);
    let expected = &proof.expected;
    let krate = &proof.call.krate;
    // The failing bound is reported where `__KNHK_ACTUAL` stands: on the expected value.
    let actual = syn::Ident::new(
        "__KNHK_ACTUAL",
        Span::mixed_site().located_at(expected.span()),
    );
    quote! {
        {
            const #actual: u64 = #hash as u64;
            #krate::hash::HashProof::<{ #expected }>::prove::<#actual>()
        }
    }
}
