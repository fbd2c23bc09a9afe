//! Checks across the fields: the builder's methods must have distinct names.

use super::parse::{FieldKind, Input};
use crate::diag::Errors;
use proc_macro2::Span;
use syn::Ident;

/// The methods that start and finish the builder, once their names are checked.
pub(crate) struct Methods {
    /// `builder`, or `start_fn = name`.
    pub(crate) start: Ident,
    /// `build`, or `finish_fn = name`.
    pub(crate) finish: Ident,
}

/// The second setter of an `Option` field `x`: `maybe_x`, which takes the `Option`.
pub(crate) fn maybe_setter(field: &Ident) -> Ident {
    let bare = syn::ext::IdentExt::unraw(field);
    Ident::new(&format!("maybe_{bare}"), field.span())
}

/// The builder's start and finish methods; `None` when a setter's name clashes with
/// another setter or with the finishing method (reported: the builder would not compile).
pub(crate) fn methods(input: &Input<'_>, errors: &mut Errors) -> Option<Methods> {
    let start = input
        .start_fn
        .clone()
        .unwrap_or_else(|| Ident::new("builder", Span::call_site()));
    let finish = input
        .finish_fn
        .clone()
        .unwrap_or_else(|| Ident::new("build", Span::call_site()));
    let finish_name = syn::ext::IdentExt::unraw(&finish).to_string();
    let mut ok = true;
    let fields: Vec<String> = input
        .fields
        .iter()
        .map(|f| syn::ext::IdentExt::unraw(f.ident).to_string())
        .collect();
    for (field, name) in input.fields.iter().zip(&fields) {
        if *name == finish_name {
            let fix = if input.finish_fn.is_some() {
                "choose another `finish_fn`"
            } else {
                "name the finishing method otherwise with `#[builder(finish_fn = finish)]` on the struct"
            };
            errors.at(
                field.ident.span(),
                format_args!(
                    "the setter of field `{name}` would have the same name as the method that finishes the builder, `{finish_name}`; {fix}"
                ),
            );
            ok = false;
        }
        if let FieldKind::Optional(_) = field.kind {
            let maybe_name = maybe_setter(field.ident).to_string();
            if fields.contains(&maybe_name) || maybe_name == finish_name {
                let other = if maybe_name == finish_name {
                    "the method that finishes the builder"
                } else {
                    "the setter of the field of that name"
                };
                errors.at(
                    field.ident.span(),
                    format_args!(
                        "the `Option` field `{name}` gets a setter `{maybe_name}`, which clashes with {other}; rename one of them"
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(Methods { start, finish })
}
