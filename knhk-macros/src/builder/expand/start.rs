//! The struct's start function, `Name::builder()` (or `start_fn = name`): a builder
//! with every field unset.

use super::Builder;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn function(cx: &Builder<'_>) -> TokenStream {
    let Builder {
        input,
        rt,
        name,
        builder,
        phantom,
        layout,
        ..
    } = cx;
    let ident = input.ident;
    let vis = input.vis;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let start = &cx.methods.start;
    let finish_name = cx.finish_name();
    let start_doc = format!(
        "Starts building a [`{name}`]: set its fields with the setters of [`{builder}`], then call `.{finish_name}()`."
    );
    let unset_chunks = (0..layout.chunks()).map(|c| {
        let unset = layout.slots(c).map(|_| quote!(#rt::Unset));
        quote!((#(#unset,)*))
    });
    let phantom_value = phantom
        .as_ref()
        .map(|_| quote!(::core::marker::PhantomData));
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #start_doc]
            #[inline(always)]
            #vis fn #start() -> #builder #ty_generics {
                #builder(#(#unset_chunks,)* #phantom_value)
            }
        }
    }
}
