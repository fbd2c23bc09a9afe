//! The derive input -> [`Input`], reading every `#[builder(..)]` and checking each key
//! as it is read.

use crate::diag::{Errors, code_list, did_you_mean, first_seen};
use proc_macro2::Span;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Attribute, Data, DeriveInput, Expr, Fields, GenericArgument, Ident, Meta, PathArguments, Token,
    Type, Visibility,
};

pub(crate) const INTO: &str = "into";
pub(crate) const DEFAULT: &str = "default";
pub(crate) const START_FN: &str = "start_fn";
pub(crate) const FINISH_FN: &str = "finish_fn";
use crate::krate::CRATE;

const STRUCT_KEYS: &[&str] = &[INTO, START_FN, FINISH_FN, CRATE];
const FIELD_KEYS: &[&str] = &[INTO, DEFAULT];
const ALL_KEYS: &[&str] = &[INTO, DEFAULT, START_FN, FINISH_FN, CRATE];

/// A struct with named fields and its `#[builder(..)]` options.
pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) fields: Vec<Field<'a>>,
    /// Struct-level `into`: every field's setter takes `impl Into<T>`.
    pub(crate) into: bool,
    pub(crate) start_fn: Option<Ident>,
    pub(crate) finish_fn: Option<Ident>,
    /// `crate = path`: where generated code finds knhk-runtime; `::knhk_runtime` unless given.
    pub(crate) krate: syn::Path,
}

/// One named field.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) docs: Vec<&'a Attribute>,
    pub(crate) kind: FieldKind<'a>,
    pub(crate) into: bool,
}

/// What happens to a field that is never set.
pub(crate) enum FieldKind<'a> {
    /// `build()` does not compile.
    Required,
    /// An `Option<T>`: `None`. Holds the `T`.
    Optional(&'a Type),
    /// `#[builder(default)]`: `Default::default()`.
    Default,
    /// `#[builder(default = expr)]`.
    DefaultExpr(Expr),
}

/// Reads the input; `None` when it is not a struct with named fields (reported).
pub(crate) fn input<'a>(input: &'a DeriveInput, errors: &mut Errors) -> Option<Input<'a>> {
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(named),
            Fields::Unnamed(fields) => {
                errors.spanned(
                    fields,
                    "`#[derive(Builder)]` needs named fields to name its setters, and a tuple struct has none; give the fields names: `struct Name { field: Type, .. }`",
                );
                None
            }
            Fields::Unit => {
                errors.at(
                    data.struct_token.span,
                    format_args!(
                        "a unit struct has no fields to set, so it needs no builder; remove `#[derive(Builder)]` and write `{}`",
                        input.ident
                    ),
                );
                None
            }
        },
        Data::Enum(data) => {
            errors.at(
                data.enum_token.span,
                "`#[derive(Builder)]` applies to structs with named fields, not to enums; derive it on a struct, one per variant if need be",
            );
            None
        }
        Data::Union(data) => {
            errors.at(
                data.union_token.span,
                "`#[derive(Builder)]` applies to structs with named fields, not to unions: a union holds one field at a time, and a builder sets them all",
            );
            None
        }
    };
    let mut model = Input {
        ident: &input.ident,
        vis: &input.vis,
        generics: &input.generics,
        fields: Vec::new(),
        into: false,
        start_fn: None,
        finish_fn: None,
        krate: crate::krate::default_path(),
    };
    read_struct_options(&input.attrs, &mut model, errors);
    let named = named?;
    for field in &named.named {
        // Named fields always have an identifier.
        let Some(ident) = &field.ident else { continue };
        model.fields.push(read_field(field, ident, errors));
    }
    Some(model)
}

/// The `key` / `key = value` items of every `#[builder(..)]` among `attrs`.
fn builder_metas(attrs: &[Attribute], errors: &mut Errors) -> Vec<Meta> {
    let mut metas = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("builder")) {
        match &attr.meta {
            Meta::List(list) => {
                match list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
                    Ok(items) => metas.extend(items),
                    Err(e) => errors.push(e),
                }
            }
            other => errors.spanned(
                other,
                "`builder` takes its options in parentheses: `#[builder(default)]`, `#[builder(into)]`, ..",
            ),
        }
    }
    metas
}

fn meta_key(meta: &Meta) -> String {
    let path = meta.path();
    let key = path.segments.last().map(|s| s.ident.to_string());
    match key {
        Some(key) if path.segments.len() == 1 && path.leading_colon.is_none() => key,
        _ => quote::ToTokens::to_token_stream(path).to_string(),
    }
}

fn read_struct_options(attrs: &[Attribute], model: &mut Input<'_>, errors: &mut Errors) {
    let mut seen = Vec::new();
    for meta in builder_metas(attrs, errors) {
        let key = meta_key(&meta);
        let span = meta.path().span();
        match key.as_str() {
            INTO => {
                if first_seen(&mut seen, INTO, span, errors) {
                    flag(&meta, errors);
                    model.into = true;
                }
            }
            START_FN => {
                if first_seen(&mut seen, START_FN, span, errors) {
                    model.start_fn = fn_name(&meta, errors);
                }
            }
            FINISH_FN => {
                if first_seen(&mut seen, FINISH_FN, span, errors) {
                    model.finish_fn = fn_name(&meta, errors);
                }
            }
            CRATE => {
                if first_seen(&mut seen, CRATE, span, errors)
                    && let Some(path) = crate_path(&meta, errors)
                {
                    model.krate = path;
                }
            }
            DEFAULT => errors.at(
                span,
                "`default` goes on a field, not on the struct: `#[builder(default)] field: Type`",
            ),
            _ => unknown_key(&key, span, STRUCT_KEYS, "the struct", errors),
        }
    }
}

fn read_field<'a>(field: &'a syn::Field, ident: &'a Ident, errors: &mut Errors) -> Field<'a> {
    let option = option_inner(&field.ty);
    let mut model = Field {
        ident,
        ty: &field.ty,
        docs: field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect(),
        kind: option.map_or(FieldKind::Required, FieldKind::Optional),
        into: false,
    };
    let mut seen = Vec::new();
    for meta in builder_metas(&field.attrs, errors) {
        let key = meta_key(&meta);
        let span = meta.path().span();
        match key.as_str() {
            INTO => {
                if first_seen(&mut seen, INTO, span, errors) {
                    flag(&meta, errors);
                    // Meant as given, whatever the value: no conversion errors after this.
                    model.into = true;
                }
            }
            DEFAULT => {
                if !first_seen(&mut seen, DEFAULT, span, errors) {
                    continue;
                }
                let value = match meta {
                    Meta::Path(_) => Some(None),
                    Meta::NameValue(nv) => {
                        if let Some(token) = find_self(nv.value.to_token_stream()) {
                            errors.at(
                                token.span(),
                                "a default is evaluated on its own, when `build()` finds the field unset: it cannot use `self` or the other fields; compute the value before building and set the field instead",
                            );
                            // Reported: no second error from the expression itself.
                            Some(Some(syn::parse_quote!(::core::unreachable!())))
                        } else {
                            Some(Some(nv.value))
                        }
                    }
                    Meta::List(list) => {
                        errors.spanned(
                            &list,
                            "write `default` alone or `default = <expression>`, without parentheses",
                        );
                        // Meant as defaulted: no "missing required field" after this.
                        Some(None)
                    }
                };
                if option.is_some() {
                    errors.at(
                        span,
                        format_args!(
                            "`{ident}` is an `Option`, so it is already optional and `None` when not set; remove `default`, or make the field's type non-`Option` to default it to something else"
                        ),
                    );
                } else if let Some(value) = value {
                    model.kind = value.map_or(FieldKind::Default, FieldKind::DefaultExpr);
                }
            }
            START_FN | FINISH_FN | CRATE => errors.at(
                span,
                format_args!(
                    "`{key}` goes on the struct, not on a field: put `#[builder({key} = ..)]` above `struct`"
                ),
            ),
            _ => unknown_key(&key, span, FIELD_KEYS, "a field", errors),
        }
    }
    model
}

/// The first `self` in `tokens`, at any depth.
fn find_self(tokens: proc_macro2::TokenStream) -> Option<Ident> {
    tokens.into_iter().find_map(|token| match token {
        proc_macro2::TokenTree::Ident(ident) if ident == "self" => Some(ident),
        proc_macro2::TokenTree::Group(group) => find_self(group.stream()),
        _ => None,
    })
}

/// The `T` of `Option<T>`, `std::option::Option<T>` or `core::option::Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (last, prefix) = segments.split_last()?;
    let prefix: Vec<String> = prefix.iter().map(|s| s.ident.to_string()).collect();
    let known_prefix = match prefix.as_slice() {
        [] => path.path.leading_colon.is_none(),
        [krate, option] => (krate == "std" || krate == "core") && option == "option",
        _ => false,
    };
    if last.ident != "Option" || !known_prefix {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

/// Reports `key = ..` and `key(..)` for a flag.
fn flag(meta: &Meta, errors: &mut Errors) {
    match meta {
        Meta::Path(_) => {}
        _ => {
            let key = meta_key(meta);
            errors.spanned(
                meta,
                format_args!("`{key}` is a flag and takes no value; write `{key}` alone"),
            );
        }
    }
}

fn fn_name(meta: &Meta, errors: &mut Errors) -> Option<Ident> {
    let key = meta_key(meta);
    if let Meta::NameValue(nv) = meta
        && let Expr::Path(path) = &nv.value
        && path.qself.is_none()
        && path.attrs.is_empty()
        && let Some(ident) = path.path.get_ident()
    {
        return Some(ident.clone());
    }
    let example = if key == START_FN { "new" } else { "finish" };
    match meta {
        Meta::NameValue(nv) => errors.spanned(
            &nv.value,
            format_args!(
                "`{key}` takes the function's name as an identifier, without quotes: `{key} = {example}`"
            ),
        ),
        _ => errors.spanned(
            meta,
            format_args!("`{key}` needs a name: `{key} = {example}`"),
        ),
    }
    None
}

fn crate_path(meta: &Meta, errors: &mut Errors) -> Option<syn::Path> {
    let read = match meta {
        Meta::NameValue(nv) => crate::krate::from_value(&nv.value),
        _ => Err(crate::krate::missing_value(meta.span())),
    };
    read.map_err(|e| errors.push(e)).ok()
}

fn unknown_key(key: &str, span: Span, keys: &[&str], place: &str, errors: &mut Errors) {
    let known = code_list(keys);
    match did_you_mean(key, ALL_KEYS) {
        Some(guess) if keys.contains(&guess) => errors.at(
            span,
            format_args!(
                "unknown option `{key}` for `#[builder]` on {place}; did you mean `{guess}`?"
            ),
        ),
        _ => errors.at(
            span,
            format_args!(
                "unknown option `{key}` for `#[builder]` on {place}; the options there are {known}"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(ty: &str) -> Option<String> {
        let ty: Type = syn::parse_str(ty).unwrap();
        option_inner(&ty).map(|t| quote::ToTokens::to_token_stream(t).to_string())
    }

    #[test]
    fn recognises_option_by_its_usual_paths_only() {
        assert_eq!(inner("Option<u8>").as_deref(), Some("u8"));
        assert_eq!(
            inner("std::option::Option<String>").as_deref(),
            Some("String")
        );
        assert_eq!(inner("::core::option::Option<T>").as_deref(), Some("T"));
        assert_eq!(inner("::Option<u8>"), None);
        assert_eq!(inner("my::Option<u8>"), None);
        assert_eq!(inner("Option"), None);
        assert_eq!(inner("Vec<u8>"), None);
    }
}
