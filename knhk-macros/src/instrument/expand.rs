//! The checked item's `span` and `instrument_call`.

use super::parse::Input;
use crate::diag::{Errors, code_list, did_you_mean};
use crate::registry::model::{AttrType, Attribute, GroupType, Primitive, RequirementLevel};
use crate::registry::{Registry, ResolvedGroup};
use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The attribute knhk declares for the instrumented type's name.
pub(crate) const TYPE_ATTRIBUTE: &str = "knhk.instrument.type";

/// Where an attribute name is looked up: the user's registry (with its dependencies),
/// then knhk's.
struct Registries<'r> {
    user: Option<&'r Registry>,
    knhk: &'r Registry,
}

impl<'r> Registries<'r> {
    fn attribute(&self, name: &str) -> Option<&'r Attribute> {
        self.user
            .and_then(|u| u.attributes.get(name))
            .or_else(|| self.knhk.attributes.get(name))
    }

    fn all_attributes(&self) -> Vec<&'r str> {
        let mut names: Vec<&str> = self
            .user
            .into_iter()
            .chain(std::iter::once(self.knhk))
            .flat_map(|r| r.attributes.keys().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    fn groups(&self) -> impl Iterator<Item = &'r ResolvedGroup> {
        self.user
            .into_iter()
            .chain(std::iter::once(self.knhk))
            .flat_map(|r| r.groups.iter())
    }
}

/// The `T` of `semconv::Value<T>` a field of this attribute type must implement.
fn marker(ty: Option<&AttrType>) -> Option<TokenStream> {
    let primitive = |p: Primitive| match p {
        Primitive::String => quote!(&'static str),
        Primitive::Int => quote!(i64),
        Primitive::Double => quote!(f64),
        Primitive::Boolean => quote!(bool),
    };
    Some(match ty? {
        AttrType::Primitive(p) => primitive(*p),
        AttrType::Enum(members) => primitive(crate::registry::model::enum_value_type(members)),
        AttrType::Array(p) => {
            let p = primitive(*p);
            quote!(&'static [#p])
        }
        AttrType::Template(inner) => return marker(Some(inner)),
        AttrType::Any => return None,
    })
}

/// Whether `tokens` name one of the type parameters (a field of a generic type gets a
/// `where` bound instead of an error at the call).
fn mentions(tokens: TokenStream, params: &[&syn::Ident]) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => params.contains(&&i),
        TokenTree::Group(g) => mentions(g.stream(), params),
        _ => false,
    })
}

pub(crate) fn expand(
    krate: &syn::Path,
    input: &Input<'_>,
    user: Option<&Registry>,
    knhk: &Registry,
    errors: &mut Errors,
) -> TokenStream {
    let registries = Registries { user, knhk };
    let item = input.item;
    let ident = &item.ident;
    let type_name = ident.to_string();

    // The span group, when one is named.
    let group = input.span.as_ref().and_then(|lit| {
        let id = lit.value();
        match registries.groups().find(|g| g.group.id == id) {
            Some(g) if g.group.ty == GroupType::Span => Some(g),
            Some(g) => {
                errors.at(
                    lit.span(),
                    format!(
                        "`{id}` is a{} {} group, not a span group; `span = ..` names a group of `type: span`",
                        if g.group.ty == GroupType::AttributeGroup || g.group.ty == GroupType::Event { "n" } else { "" },
                        g.group.ty.name()
                    ),
                );
                None
            }
            None => {
                let spans: Vec<&str> = registries
                    .groups()
                    .filter(|g| g.group.ty == GroupType::Span)
                    .map(|g| g.group.id.as_str())
                    .collect();
                let hint = did_you_mean(&id, &spans).map_or_else(
                    || {
                        if spans.is_empty() {
                            "; the registry declares no spans".to_owned()
                        } else {
                            format!("; its span groups: {}", code_list(&spans))
                        }
                    },
                    |s| format!("; did you mean `{s}`?"),
                );
                errors.at(lit.span(), format!("`{id}` is not a span group of the registry{hint}"));
                None
            }
        }
    });

    let params: Vec<&syn::Ident> = item.generics.type_params().map(|p| &p.ident).collect();
    let mut predicates = Vec::new();
    let mut fields = Vec::new();
    let mut given: Vec<String> = Vec::new();
    for f in &input.fields {
        let name = f.attr.value();
        if given.contains(&name) {
            errors.at(
                f.attr.span(),
                format!("`{name}` is recorded by two fields; give each attribute to one field"),
            );
            continue;
        }
        given.push(name.clone());
        let attribute = match group {
            Some(g) => {
                let declared: Vec<&str> = g
                    .attributes
                    .iter()
                    .map(|a| a.attribute.name.as_str())
                    .collect();
                match g.attributes.iter().find(|a| a.attribute.name == name) {
                    Some(a) => &a.attribute,
                    None => {
                        let hint = did_you_mean(&name, &declared).map_or_else(
                            || format!("; its attributes: {}", code_list(&declared)),
                            |c| format!("; did you mean `{c}`?"),
                        );
                        errors.at(
                            f.attr.span(),
                            format!(
                                "`{name}` is not an attribute of the span group `{}`{hint}",
                                g.group.id
                            ),
                        );
                        continue;
                    }
                }
            }
            None => match registries.attribute(&name) {
                Some(a) => a,
                None => {
                    let all = registries.all_attributes();
                    let hint = did_you_mean(&name, &all).map_or_else(
                        || {
                            if user.is_none() {
                                "; declare it in `registry/` beside the crate's Cargo.toml (or name one with `#[instrument(registry = \"..\")]`)".to_owned()
                            } else {
                                "; declare it in the registry".to_owned()
                            }
                        },
                        |c| format!("; did you mean `{c}`?"),
                    );
                    errors.at(
                        f.attr.span(),
                        format!("`{name}` is not an attribute of the registry{hint}"),
                    );
                    continue;
                }
            },
        };
        let member = &f.member;
        let ty = f.ty;
        let value = match marker(attribute.ty.as_ref()) {
            Some(marker) => {
                if mentions(quote!(#ty), &params) {
                    predicates.push(quote!(#ty: #krate::semconv::Value<#marker>));
                }
                // The call on the field's type, so a wrong type is reported there;
                // `self` keeps the method's span, where it is in scope.
                let call = quote!(#krate::__private::attribute_value::<#marker, _>);
                let call = crate::krate::respanned(call, ty.span());
                let value = quote!(&self.#member);
                quote_spanned!(ty.span()=> #call(#value))
            }
            // `any`: recorded as written, through its `Debug`.
            None => quote!(#krate::__private::tracing::field::debug(&self.#member)),
        };
        fields.push(quote!(#name = #value));
    }
    // A misspelt attribute would also be reported missing: its error says enough.
    if let Some(g) = group.filter(|_| errors.is_empty()) {
        let missing: Vec<&str> = g
            .attributes
            .iter()
            .filter(|a| {
                a.requirement == RequirementLevel::Required && !given.contains(&a.attribute.name)
            })
            .map(|a| a.attribute.name.as_str())
            .collect();
        if !missing.is_empty() {
            let lit = input.span.as_ref().expect("a group comes from `span = ..`");
            errors.at(
                lit.span(),
                format!(
                    "the span group `{}` requires {}, which no field records; add `#[instrument(attr = \"{}\")]` to the field that holds it",
                    g.group.id,
                    code_list(&missing),
                    missing[0]
                ),
            );
        }
    }
    if !errors.is_empty() {
        // The methods still exist, recording nothing more, so that the errors above are
        // the only ones: not also "no method named `instrument_call`" at every use.
        fields.clear();
        predicates.clear();
    }

    let span_name = group.map_or_else(
        || type_name.clone(),
        |g| {
            g.group.name.clone().unwrap_or_else(|| {
                g.group
                    .id
                    .strip_prefix("span.")
                    .unwrap_or(&g.group.id)
                    .to_owned()
            })
        },
    );
    let kind = group
        .and_then(|g| g.group.span_kind.as_ref())
        .map_or_else(|| "internal".to_owned(), |(k, _)| k.clone());
    let tracing = quote!(#krate::__private::tracing);
    let level = &input.level;
    let target = input.target.as_ref().map(|t| quote!(target: #t,));
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    let where_clause = match (where_clause, predicates.is_empty()) {
        (Some(w), _) => {
            let existing = w.predicates.iter();
            quote!(where #(#existing,)* #(#predicates,)*)
        }
        (None, true) => quote!(),
        (None, false) => quote!(where #(#predicates,)*),
    };
    let vis = &item.vis;
    let recorded: Vec<String> = input
        .fields
        .iter()
        .map(|f| format!("`{}`", f.attr.value()))
        .collect();
    let span_doc = format!(
        "A `{span_name}` span ({kind}) for `operation`, recorded as `otel.name`, with \
         `{TYPE_ATTRIBUTE} = \"{type_name}\"`{}.",
        if recorded.is_empty() {
            String::new()
        } else {
            format!(" and {}", recorded.join(", "))
        }
    );
    quote! {
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #span_doc]
            #[inline]
            #vis fn span(&self, operation: &'static str) -> #tracing::Span {
                #tracing::span!(
                    #target #tracing::Level::#level,
                    #span_name,
                    "otel.name" = operation,
                    "otel.kind" = #kind,
                    #TYPE_ATTRIBUTE = #type_name,
                    #(#fields,)*
                )
            }

            /// Runs `f` inside [`span`](Self::span)`(operation)`.
            #[inline]
            #vis fn instrument_call<R>(&self, operation: &'static str, f: impl FnOnce() -> R) -> R {
                self.span(operation).in_scope(f)
            }
        }
    }
}
