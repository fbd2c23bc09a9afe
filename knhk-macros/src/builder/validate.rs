//! Checks across the fields: the builder's methods must have distinct names.

use super::parse::{FieldKind, Input};
use crate::diag::Errors;
use syn::Ident;

/// The setters of a field: `x`, and `maybe_x` for an `Option` field.
pub(crate) fn setter_names(field: &super::parse::Field<'_>) -> (Ident, Option<Ident>) {
    let plain = field.ident.clone();
    let maybe = matches!(field.kind, FieldKind::Optional(_)).then(|| {
        let bare = syn::ext::IdentExt::unraw(field.ident);
        Ident::new(&format!("maybe_{bare}"), field.ident.span())
    });
    (plain, maybe)
}

/// The name of the method that finishes the builder.
pub(crate) fn finish_fn(input: &Input<'_>) -> Ident {
    input
        .finish_fn
        .clone()
        .unwrap_or_else(|| Ident::new("build", proc_macro2::Span::call_site()))
}

/// Reports setters whose names clash with another setter or with the finishing
/// method; returns false if any do (the builder would not compile).
pub(crate) fn method_names(input: &Input<'_>, errors: &mut Errors) -> bool {
    let finish = finish_fn(input);
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
        if let (_, Some(maybe)) = setter_names(field) {
            let maybe_name = maybe.to_string();
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
    ok
}
