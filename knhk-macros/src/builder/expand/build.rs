//! The finishing method, `build()` (or `finish_fn = name`): a struct literal whose
//! fields are taken from their states, each state bound by what it must provide.

use super::{Builder, FieldCx, FieldKind};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

pub(super) fn function(cx: &Builder<'_>, fields: &[FieldCx<'_>]) -> TokenStream {
    let Builder { input, name, .. } = cx;
    let ident = input.ident;
    let vis = input.vis;
    let (_, ty_generics, _) = input.generics.split_for_impl();
    let finish = &cx.methods.finish;
    let (bounds, values): (Vec<_>, Vec<_>) = fields
        .iter()
        .map(|field| {
            let (bound, value) = bound_and_value(cx, field);
            let field_ident = field.field.ident;
            (bound, quote!(#field_ident: #value))
        })
        .unzip();
    let finish_doc =
        format!("Builds the [`{name}`]; compiles only once every required field is set.");
    let where_bounds = (!bounds.is_empty()).then(|| quote!(where #(#bounds),*));
    quote! {
        #[doc = #finish_doc]
        #[inline(always)]
        #vis fn #finish(self) -> #ident #ty_generics #where_bounds {
            #ident { #(#values),* }
        }
    }
}

/// `build()`'s bound on the state of `field` and the expression that takes its value.
fn bound_and_value(cx: &Builder<'_>, field: &FieldCx<'_>) -> (TokenStream, TokenStream) {
    let Builder { rt, self_ty, .. } = cx;
    let FieldCx {
        state,
        module,
        index,
        ty,
        ..
    } = field;
    let span = field.field.ident.span();
    match &field.field.kind {
        FieldKind::Required => {
            let is_set = field.is_set();
            (
                quote_spanned!(span=> #state: #module::#is_set<#ty>),
                quote!(#module::#is_set::__knhk_value(self.#index)),
            )
        }
        FieldKind::Optional(_) => (
            quote!(#state: #rt::Slot<#ty>),
            quote!(#rt::Slot::value_or_else(self.#index, || ::core::option::Option::None)),
        ),
        // Spanned on the field, so that a type without `Default` is reported there.
        FieldKind::Default => (quote!(#state: #rt::Slot<#ty>), {
            let rt = crate::krate::respanned(rt.clone(), span);
            quote_spanned!(span=> #rt::Slot::value_or_default(self.#index))
        }),
        FieldKind::DefaultExpr(expr) => {
            let expr = self_ty.in_expr(expr);
            (
                quote!(#state: #rt::Slot<#ty>),
                quote!(#rt::Slot::value_or_else(self.#index, || #expr)),
            )
        }
    }
}
