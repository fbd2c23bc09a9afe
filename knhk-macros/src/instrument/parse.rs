//! `#[instrument(..)]` on the struct and its fields, each key checked as it is read.

use crate::diag::{Errors, code_list, did_you_mean, first_seen};
use crate::krate::CRATE;
use crate::registry::Registry;
use proc_macro2::{Span, TokenStream};
use std::sync::Arc;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, Lit, LitStr, Meta};

const LEVEL: &str = "level";
const TARGET: &str = "target";
const SPAN: &str = "span";
const REGISTRY: &str = "registry";
const ATTR: &str = "attr";
const SKIP: &str = "skip";

const STRUCT_KEYS: &[&str] = &[LEVEL, TARGET, SPAN, REGISTRY, CRATE];
const FIELD_KEYS: &[&str] = &[ATTR, SKIP];
const LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error"];

/// The struct and its options.
pub(crate) struct Input<'a> {
    pub(crate) item: &'a DeriveInput,
    /// `level = ".."`, as `tracing::Level`'s constant name; `INFO` unless given.
    pub(crate) level: syn::Ident,
    pub(crate) target: Option<LitStr>,
    /// `span = "<span group id>"`.
    pub(crate) span: Option<LitStr>,
    /// `registry = ".."`; without it `registry/` beside the crate's Cargo.toml, if any.
    pub(crate) registry: Option<LitStr>,
    /// The fields recorded as attributes, in declaration order.
    pub(crate) fields: Vec<Recorded<'a>>,
}

/// A field given `#[instrument(attr = "..")]`.
pub(crate) struct Recorded<'a> {
    /// `self.name` or `self.0`.
    pub(crate) member: syn::Member,
    pub(crate) ty: &'a syn::Type,
    pub(crate) attr: LitStr,
}

/// The path given as `#[instrument(crate = path)]`, or `::knhk_runtime`. Other keys
/// are read by [`input`], in the second step.
pub(crate) fn krate(attrs: &[Attribute], errors: &mut Errors) -> syn::Path {
    let mut krate = crate::krate::default_path();
    for attr in attrs.iter().filter(|a| a.path().is_ident("instrument")) {
        let Ok(list) = attr
            .parse_args_with(syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated)
        else {
            continue; // reported by the second step
        };
        for meta in list {
            if let Meta::NameValue(nv) = &meta
                && nv.path.is_ident(CRATE)
            {
                match crate::krate::from_value(&nv.value) {
                    Ok(path) => krate = path,
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    krate
}

fn metas(attr: &Attribute, errors: &mut Errors) -> Vec<Meta> {
    match attr
        .parse_args_with(syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated)
    {
        Ok(list) => list.into_iter().collect(),
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    }
}

fn key_of(meta: &Meta) -> String {
    meta.path()
        .get_ident()
        .map_or_else(|| quote::quote!(#meta).to_string(), ToString::to_string)
}

fn unknown(key: &str, span: Span, keys: &[&str], place: &str, errors: &mut Errors) {
    let hint = did_you_mean(key, keys).map_or_else(
        || format!("; {place} takes {}", code_list(keys)),
        |k| format!("; did you mean `{k}`?"),
    );
    errors.at(
        span,
        format!("unknown key `{key}` in `#[instrument(..)]`{hint}"),
    );
}

/// A string value, or the error that says `key` takes one.
fn string(meta: &Meta, key: &str, example: &str, errors: &mut Errors) -> Option<LitStr> {
    if let Meta::NameValue(nv) = meta
        && let Expr::Lit(lit) = &nv.value
        && let Lit::Str(s) = &lit.lit
    {
        return Some(s.clone());
    }
    let at: &dyn quote::ToTokens = match meta {
        Meta::NameValue(nv) => &nv.value,
        other => other,
    };
    errors.spanned(at, format!("`{key}` takes a string: `{key} = {example}`"));
    None
}

/// Reads the struct's and fields' options; `None` if the item is not a struct.
pub(crate) fn input<'a>(item: &'a DeriveInput, errors: &mut Errors) -> Option<Input<'a>> {
    let data = match &item.data {
        Data::Struct(data) => data,
        Data::Enum(e) => {
            errors.at(
                e.enum_token.span,
                "`#[derive(Instrument)]` is for structs, whose fields it records; an enum's fields differ by variant. Derive it on a struct that holds the enum, with `#[instrument(attr = \"..\")]` on that field",
            );
            return None;
        }
        Data::Union(u) => {
            errors.at(
                u.union_token.span,
                "`#[derive(Instrument)]` is for structs, whose fields it records; a union does not know which of its fields holds a value. Derive it on a struct with one field per attribute",
            );
            return None;
        }
    };
    let mut input = Input {
        item,
        level: syn::Ident::new("INFO", Span::call_site()),
        target: None,
        span: None,
        registry: None,
        fields: Vec::new(),
    };
    let mut seen = Vec::new();
    for attr in item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("instrument"))
    {
        for meta in metas(attr, errors) {
            let key = key_of(&meta);
            let Some(&known) = STRUCT_KEYS.iter().find(|k| **k == key) else {
                let hint_keys: Vec<&str> = STRUCT_KEYS.iter().chain(FIELD_KEYS).copied().collect();
                if FIELD_KEYS.contains(&key.as_str()) {
                    errors.spanned(
                        meta.path(),
                        format!(
                            "`{key}` belongs on a field: `#[instrument({key}..)]` above the field"
                        ),
                    );
                } else {
                    unknown(
                        &key,
                        meta.path().span(),
                        &hint_keys[..STRUCT_KEYS.len()],
                        "the struct",
                        errors,
                    );
                }
                continue;
            };
            if !first_seen(&mut seen, known, meta.path().span(), errors) {
                continue;
            }
            match known {
                LEVEL => {
                    if let Some(s) = string(&meta, LEVEL, "\"debug\"", errors) {
                        let v = s.value();
                        if LEVELS.contains(&v.as_str()) {
                            input.level = syn::Ident::new(&v.to_ascii_uppercase(), s.span());
                        } else {
                            errors.at(
                                s.span(),
                                format!("`{v}` is not a level; write one of {}", code_list(LEVELS)),
                            );
                        }
                    }
                }
                TARGET => input.target = string(&meta, TARGET, "\"my_crate::orders\"", errors),
                SPAN => input.span = string(&meta, SPAN, "\"span.shop.checkout\"", errors),
                REGISTRY => input.registry = string(&meta, REGISTRY, "\"registry\"", errors),
                _ => {} // `crate`, read by the first step
            }
        }
    }
    let fields: Vec<(syn::Member, &syn::Field)> = match &data.fields {
        Fields::Named(named) => named
            .named
            .iter()
            .map(|f| (syn::Member::Named(f.ident.clone().expect("named")), f))
            .collect(),
        Fields::Unnamed(unnamed) => unnamed
            .unnamed
            .iter()
            .enumerate()
            .map(|(i, f)| (syn::Member::Unnamed(syn::Index::from(i)), f))
            .collect(),
        Fields::Unit => Vec::new(),
    };
    for (member, field) in fields {
        let mut attr_value: Option<LitStr> = None;
        let mut skip: Option<Span> = None;
        let mut seen = Vec::new();
        for attr in field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("instrument"))
        {
            for meta in metas(attr, errors) {
                let key = key_of(&meta);
                let Some(&known) = FIELD_KEYS.iter().find(|k| **k == key) else {
                    if STRUCT_KEYS.contains(&key.as_str()) {
                        errors.spanned(
                            meta.path(),
                            format!("`{key}` belongs on the struct: `#[instrument({key} = ..)]` above `struct`"),
                        );
                    } else {
                        unknown(&key, meta.path().span(), FIELD_KEYS, "a field", errors);
                    }
                    continue;
                };
                if !first_seen(&mut seen, known, meta.path().span(), errors) {
                    continue;
                }
                match known {
                    ATTR => attr_value = string(&meta, ATTR, "\"server.port\"", errors),
                    _ => {
                        if let Meta::Path(p) = &meta {
                            skip = Some(p.span());
                        } else {
                            errors.spanned(&meta, "`skip` takes no value: `#[instrument(skip)]`");
                        }
                    }
                }
            }
        }
        match (attr_value, skip) {
            (Some(a), Some(s)) => errors.at(
                s,
                format!(
                    "`skip` and `attr = \"{}\"` contradict each other: a field is recorded or skipped; remove one",
                    a.value()
                ),
            ),
            (Some(attr), None) => input.fields.push(Recorded {
                member,
                ty: &field.ty,
                attr,
            }),
            _ => {}
        }
    }
    Some(input)
}

/// The user's registry: `registry = ".."`, or `registry/` beside the crate's Cargo.toml
/// when that exists; `None` for neither (knhk's registry alone is used).
pub(crate) fn user_registry(input: &Input<'_>) -> Result<Option<Arc<Registry>>, TokenStream> {
    let dir = match &input.registry {
        Some(dir) => dir.clone(),
        None => {
            let exists = std::env::var_os("CARGO_MANIFEST_DIR")
                .is_some_and(|d| std::path::Path::new(&d).join("registry").is_dir());
            if !exists {
                return Ok(None);
            }
            LitStr::new("registry", input.item.ident.span())
        }
    };
    crate::registry::open(&dir).map(|(_, r)| Some(r))
}
