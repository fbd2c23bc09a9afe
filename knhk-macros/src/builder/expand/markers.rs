//! The marker traits behind the messages, in a hidden module beside the builder, and
//! their impls for `Unset` and `Set<T>`: each setter requires `<field>_is_unset` of its
//! field's state, and `build()` requires `<field>_is_set<T>` of each required field's.

use super::{Builder, FieldCx};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

/// The module holding every field's marker traits.
pub(super) fn module(cx: &Builder<'_>, fields: &[FieldCx<'_>]) -> TokenStream {
    let Builder {
        input,
        builder,
        module,
        ..
    } = cx;
    let vis = input.vis;
    let traits = fields.iter().map(|field| traits(cx, field));
    let module_doc = format!("The marker traits behind the messages of [`{builder}`].");
    quote! {
        #[doc = #module_doc]
        #[doc(hidden)]
        #[allow(non_snake_case, non_camel_case_types)]
        #vis mod #module {
            #(#traits)*
        }
    }
}

/// `<field>_is_unset`, and for a required field `<field>_is_set<T>`.
fn traits(cx: &Builder<'_>, field: &FieldCx<'_>) -> TokenStream {
    let inner_vis = &cx.inner_vis;
    let field_name = &field.name;
    let is_unset = field.is_unset();
    let setter = field.field.ident;
    let calls = match &field.field.kind {
        super::FieldKind::Optional(_) => {
            let maybe = super::super::validate::maybe_setter(setter);
            format!("`.{setter}(..)` or `.{maybe}(..)`")
        }
        _ => format!("`.{setter}(..)`"),
    };
    let message = format!("field `{field_name}` is already set");
    let label = format!("`{field_name}` was set before this call");
    let note = format!("each field is set once; remove one of the calls to {calls}");
    let doc = format!("Implemented by the state of `{field_name}` while it is not set.");
    let mut out = quote! {
        #[doc = #doc]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        #inner_vis trait #is_unset {}
    };
    if field.is_required() {
        let is_set = field.is_set();
        let finish_name = cx.finish_name();
        let message = format!("missing required field `{field_name}`");
        let label = format!("`{field_name}` is not set");
        let note = format!("set it with `.{setter}(..)` before calling `.{finish_name}()`");
        let doc = format!("Implemented by the state of `{field_name}` once it is set.");
        out.extend(quote! {
            #[doc = #doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #inner_vis trait #is_set<T> {
                /// The value set.
                fn __knhk_value(self) -> T;
            }
        });
    }
    out
}

/// The impls of a field's marker traits, spanned on the field.
pub(super) fn impls(cx: &Builder<'_>, field: &FieldCx<'_>) -> TokenStream {
    let rt = &cx.rt;
    let module = &field.module;
    let span = field.field.ident.span();
    let is_unset = field.is_unset();
    let mut out = quote_spanned! {span=>
        #[automatically_derived]
        impl #module::#is_unset for #rt::Unset {}
    };
    if field.is_required() {
        let is_set = field.is_set();
        out.extend(quote_spanned! {span=>
            #[automatically_derived]
            impl<T> #module::#is_set<T> for #rt::Set<T> {
                #[inline(always)]
                fn __knhk_value(self) -> T {
                    self.0
                }
            }
        });
    }
    out
}
