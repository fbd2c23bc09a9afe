//! A field's setters: `x(T)`, and for an `Option<T>` field `x(T)` calling
//! `maybe_x(Option<T>)`. Each moves the builder into the type with the field's state
//! `Set`, and requires the state to be unset.

use super::{Builder, FieldCx, FieldKind};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Index;

pub(super) fn setters(cx: &Builder<'_>, field: &FieldCx<'_>) -> TokenStream {
    let Builder {
        input,
        rt,
        builder,
        user_args,
        states,
        self_ty,
        ..
    } = cx;
    let vis = input.vis;
    let FieldCx {
        i,
        name: field_name,
        state,
        module,
        ty,
        ..
    } = field;
    let span = field.field.ident.span();
    let is_unset = field.is_unset();
    let unset_bound = quote_spanned!(span=> #state: #module::#is_unset);
    let into = field.field.into || input.into;
    let mut returned = user_args.clone();
    returned.extend(states.iter().enumerate().map(|(j, s)| {
        if j == *i {
            quote!(#rt::Set<#ty>)
        } else {
            quote!(#s)
        }
    }));
    let returned = quote!(#builder<#(#returned),*>);
    let docs = &field.field.docs;
    let generated_doc = (docs.is_empty()).then(|| {
        let doc = format!("Sets `{field_name}`.");
        quote!(#[doc = #doc])
    });
    let setter = field.field.ident;
    let param = field.field.ident;
    match &field.field.kind {
        FieldKind::Optional(inner) => {
            let maybe = super::super::validate::maybe_setter(setter);
            let inner = self_ty.in_type(inner);
            let (arg, maybe_arg, value) = if into {
                (
                    quote!(impl ::core::convert::Into<#inner>),
                    quote!(::core::option::Option<impl ::core::convert::Into<#inner>>),
                    quote!(::core::option::Option::map(#param, ::core::convert::Into::into)),
                )
            } else {
                (
                    quote!(#inner),
                    quote!(::core::option::Option<#inner>),
                    quote!(#param),
                )
            };
            let body = moved(cx, field, value);
            let maybe_doc = format!(
                "Sets `{field_name}` to the `Option` given, `None` included; [`{setter}`](Self::{setter}) takes the value without `Some`."
            );
            quote! {
                #(#docs)*
                #generated_doc
                #[inline(always)]
                #vis fn #setter(self, #param: #arg) -> #returned
                where #unset_bound {
                    self.#maybe(::core::option::Option::Some(#param))
                }
                #[doc = #maybe_doc]
                #[inline(always)]
                #vis fn #maybe(self, #param: #maybe_arg) -> #returned
                where #unset_bound {
                    #body
                }
            }
        }
        FieldKind::Required | FieldKind::Default | FieldKind::DefaultExpr(_) => {
            let (arg, value) = if into {
                (
                    quote!(impl ::core::convert::Into<#ty>),
                    quote!(::core::convert::Into::into(#param)),
                )
            } else {
                (quote!(#ty), quote!(#param))
            };
            let body = moved(cx, field, value);
            quote! {
                #(#docs)*
                #generated_doc
                #[inline(always)]
                #vis fn #setter(self, #param: #arg) -> #returned
                where #unset_bound {
                    #body
                }
            }
        }
    }
}

/// The builder with `value` set in the field's slot: its chunk rebuilt slot by slot,
/// the other chunks moved whole.
fn moved(cx: &Builder<'_>, field: &FieldCx<'_>, value: TokenStream) -> TokenStream {
    let Builder {
        rt,
        builder,
        layout,
        ..
    } = cx;
    let phantom_moved = cx.phantom_moved();
    let chunks = (0..layout.chunks()).map(|c| {
        let c = Index::from(c);
        if c != field.chunk {
            return quote!(self.#c);
        }
        let slots = layout.slots(c.index as usize).map(|(k, j)| {
            if j == field.i {
                quote!(#rt::Set(#value))
            } else {
                quote!(self.#c.#k)
            }
        });
        quote!((#(#slots,)*))
    });
    quote!(#builder(#(#chunks,)* #phantom_moved))
}
