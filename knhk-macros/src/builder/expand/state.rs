//! The builder struct, one state parameter per field, its states held in chunks; and
//! its `Debug` impl.

use super::Builder;
use proc_macro2::TokenStream;
use quote::quote;

/// `struct NameBuilder<'a, T, __S0 = Unset, ..>((__S0, __S1), (__S2,), PhantomData<..>)`.
pub(super) fn builder_struct(cx: &Builder<'_>) -> TokenStream {
    let Builder {
        input,
        rt,
        name,
        builder,
        states,
        phantom,
        builder_where,
        layout,
        ..
    } = cx;
    let vis = input.vis;
    let user_params = input.generics.params.iter();
    let field_list = input
        .fields
        .iter()
        .map(|f| format!("`{}`", f.ident))
        .collect::<Vec<_>>()
        .join(", ");
    let krate = cx.krate;
    let krate_name = quote!(#krate).to_string().replace(' ', "");
    let start = &cx.methods.start;
    let finish_name = cx.finish_name();
    let builder_doc = format!(
        "Builds a [`{name}`] one field at a time; [`{name}::{start}`] makes one.\n\n\
         Each type parameter after [`{name}`]'s own is the state of one field, in the order \
         {field_list}: [`Unset`]({krate_name}::builder::Unset) or \
         [`Set<T>`]({krate_name}::builder::Set), where `T` is the field's type. \
         Every field is set once, and `.{finish_name}()` compiles once the required ones are set."
    );
    let must_use = format!("a builder does nothing until `.{finish_name}()` is called");
    let state_chunks = (0..layout.chunks()).map(|c| {
        let chunk_states = layout.slots(c).map(|(_, j)| &states[j]);
        quote!((#(#chunk_states,)*))
    });
    quote! {
        #[doc = #builder_doc]
        #[must_use = #must_use]
        #vis struct #builder<#(#user_params,)* #(#states = #rt::Unset),*>(#(#state_chunks,)* #phantom) #builder_where;
    }
}

/// `Debug` for every state: `NameBuilder { .. }`, since the states need not be `Debug`.
pub(super) fn debug_impl(cx: &Builder<'_>) -> TokenStream {
    let Builder {
        builder,
        all_generics,
        builder_where,
        ..
    } = cx;
    let (all_impl_generics, all_ty_generics, _) = all_generics.split_for_impl();
    let builder_debug = format!("{builder} {{ .. }}");
    quote! {
        #[automatically_derived]
        impl #all_impl_generics ::core::fmt::Debug for #builder #all_ty_generics #builder_where {
            fn fmt(&self, __knhk_f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __knhk_f.write_str(#builder_debug)
            }
        }
    }
}
