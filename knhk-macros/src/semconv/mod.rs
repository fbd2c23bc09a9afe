//! `semconv!("registry")`: constants and typed keys generated from a Weaver registry.
//!
//! The path is relative to the invoking crate's directory (`CARGO_MANIFEST_DIR`). The
//! registry is loaded and checked ([`crate::registry`]); a finding is a compile error
//! naming the file, line and rule. Every file read is embedded with `include_bytes!`,
//! so editing the registry rebuilds the crate.

use crate::registry::model::{AttrType, Attribute, MemberValue, Primitive, Stability};
use crate::registry::{self, Registry};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::path::PathBuf;
use syn::parse::{ParseStream, Parser};
use syn::{LitStr, Token};

const USAGE: &str =
    "write `semconv!(\"registry\")`, the registry's directory relative to the crate's Cargo.toml";

pub(crate) fn semconv(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let (krate, dir) = (|input: ParseStream<'_>| {
        let krate = crate::krate::leading::<Token![,]>(input, ",", "the registry's directory")?
            .unwrap_or_else(crate::krate::default_path);
        let dir: LitStr = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), USAGE))?;
        let _: Option<Token![,]> = input.parse()?;
        if !input.is_empty() {
            return Err(input.error(USAGE));
        }
        Ok((krate, dir))
    })
    .parse2(input)?;
    let (root, registry) = match registry::open(&dir) {
        Ok(opened) => opened,
        Err(errors) => return Ok(errors),
    };
    Ok(generate(&krate, &root, &registry))
}

/// `performance.budget_ticks` -> `PERFORMANCE_BUDGET_TICKS`.
pub(crate) fn const_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `error.type` -> `ErrorType`.
fn type_name(name: &str) -> String {
    name.split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

fn generate(krate: &syn::Path, root: &std::path::Path, registry: &Registry) -> TokenStream {
    // The registry's own attributes and those of its dependencies that its groups use.
    let mut attrs: BTreeMap<&str, &Attribute> = registry
        .own_attributes
        .iter()
        .map(|a| (a.name.as_str(), a))
        .collect();
    for g in &registry.groups {
        for a in &g.attributes {
            if let Some(def) = registry.attributes.get(&a.attribute.name) {
                attrs.entry(def.name.as_str()).or_insert(def);
            }
        }
    }
    let tracked = std::iter::once(root.join("manifest.yaml"))
        .filter(|p| p.is_file())
        .chain(registry.files.iter().cloned())
        .map(|p| {
            let p = p.canonicalize().unwrap_or(p);
            // Under the crate's directory, named from it: the expansion carries no
            // machine's path.
            let base = std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .and_then(|b| b.canonicalize().ok());
            match base.as_deref().and_then(|b| p.strip_prefix(b).ok()) {
                Some(rel) => {
                    let rel = format!("/{}", rel.to_string_lossy());
                    quote!(
                        const _: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), #rel));
                    )
                }
                None => {
                    let p = p.to_string_lossy().into_owned();
                    quote!(
                        const _: &[u8] = include_bytes!(#p);
                    )
                }
            }
        });
    let mut names = Vec::new();
    let mut keys = Vec::new();
    let mut enums = Vec::new();
    for a in attrs.values() {
        let ident = format_ident!("{}", const_name(&a.name));
        let name = &a.name;
        let docs = docs(a);
        let deprecated = a.deprecated.as_ref().map(|d| {
            let note = match &d.renamed_to {
                Some(to) => format!("renamed to `{to}`"),
                None => d
                    .note
                    .clone()
                    .unwrap_or_else(|| d.reason.clone())
                    .trim()
                    .to_owned(),
            };
            quote!(#[deprecated(note = #note)])
        });
        names.push(quote! {
            #(#[doc = #docs])*
            #deprecated
            pub const #ident: &str = #name;
        });
        let value_type = match &a.ty {
            Some(AttrType::Enum(members))
                if members
                    .iter()
                    .all(|m| matches!(m.value, MemberValue::Str(_))) =>
            {
                let enum_ident = format_ident!("{}", type_name(&a.name));
                let variants: Vec<_> = members
                    .iter()
                    .map(|m| format_ident!("{}", type_name(&m.id)))
                    .collect();
                let values: Vec<String> = members
                    .iter()
                    .map(|m| match &m.value {
                        MemberValue::Str(s) => s.clone(),
                        _ => String::new(),
                    })
                    .collect();
                let member_docs: Vec<String> = members
                    .iter()
                    .map(|m| {
                        m.brief
                            .clone()
                            .unwrap_or_else(|| format!("`{}`", value_of(&m.value)))
                            .trim()
                            .to_owned()
                    })
                    .collect();
                let enum_doc = format!("The values of `{name}` the registry lists.");
                enums.push(quote! {
                    #[doc = #enum_doc]
                    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                    #[non_exhaustive]
                    pub enum #enum_ident {
                        #( #[doc = #member_docs] #variants, )*
                    }
                    impl #enum_ident {
                        /// The value as recorded.
                        pub const fn as_str(self) -> &'static str {
                            match self { #( Self::#variants => #values, )* }
                        }
                    }
                    // Recorded as its value, through its key or as a string attribute.
                    impl #krate::semconv::Value<#enum_ident> for #enum_ident {
                        type Recorded<'a> = &'static str where Self: 'a;
                        #[inline(always)]
                        fn recorded(&self) -> &'static str {
                            self.as_str()
                        }
                    }
                    impl #krate::semconv::Value<&'static str> for #enum_ident {
                        type Recorded<'a> = &'static str where Self: 'a;
                        #[inline(always)]
                        fn recorded(&self) -> &'static str {
                            self.as_str()
                        }
                    }
                    // A string enum is open (values outside its members are allowed,
                    // as OpenTelemetry's are): its key takes any string too.
                    #[diagnostic::do_not_recommend]
                    impl #krate::semconv::Value<#enum_ident> for str {
                        type Recorded<'a> = &'a str where Self: 'a;
                        #[inline(always)]
                        fn recorded(&self) -> &str {
                            self
                        }
                    }
                    #[diagnostic::do_not_recommend]
                    impl #krate::semconv::Value<#enum_ident> for ::std::string::String {
                        type Recorded<'a> = &'a str where Self: 'a;
                        #[inline(always)]
                        fn recorded(&self) -> &str {
                            self
                        }
                    }
                    #[diagnostic::do_not_recommend]
                    impl #krate::semconv::Value<#enum_ident> for ::std::borrow::Cow<'_, str> {
                        type Recorded<'a> = &'a str where Self: 'a;
                        #[inline(always)]
                        fn recorded(&self) -> &str {
                            self
                        }
                    }
                });
                quote!(#enum_ident)
            }
            Some(ty) => rust_type(ty),
            None => continue,
        };
        let key_doc = format!("`{name}` with its type: see [`{ident}`](super::{ident}).");
        keys.push(quote! {
            #[doc = #key_doc]
            #deprecated
            pub const #ident: #krate::semconv::Key<#value_type> = #krate::semconv::Key::new(#name);
        });
    }
    let mut groups = Vec::new();
    let mut metrics = Vec::new();
    for g in &registry.groups {
        if let (registry::model::GroupType::Metric, Some(name), Some(instrument), Some(unit)) = (
            g.group.ty,
            &g.group.metric_name,
            &g.group.instrument,
            &g.group.unit,
        ) {
            let ident = format_ident!("{}", const_name(name));
            let variant = format_ident!(
                "{}",
                match instrument.as_str() {
                    "counter" => "Counter",
                    "updowncounter" => "UpDownCounter",
                    "gauge" => "Gauge",
                    _ => "Histogram",
                }
            );
            let brief = g.group.brief.clone().unwrap_or_default().trim().to_owned();
            let shape = format!("A {instrument} in `{unit}`.");
            let attributes = attribute_list(g);
            metrics.push(quote! {
                #[doc = #brief] #[doc = ""] #[doc = #shape] #[doc = ""] #[doc = #attributes]
                pub const #ident: #krate::semconv::Metric = #krate::semconv::Metric::new(
                    #name, #krate::semconv::Instrument::#variant, #unit,
                );
            });
            continue;
        }
        let (module, name) = match g.group.ty {
            registry::model::GroupType::Event => ("events", g.group.name.clone()),
            registry::model::GroupType::Span => (
                "spans",
                Some(
                    g.group
                        .id
                        .strip_prefix("span.")
                        .unwrap_or(&g.group.id)
                        .to_owned(),
                ),
            ),
            _ => continue,
        };
        let Some(name) = name else { continue };
        let ident = format_ident!("{}", const_name(&name));
        let brief = g.group.brief.clone().unwrap_or_default().trim().to_owned();
        let attributes = attribute_list(g);
        groups.push((module, quote! { #[doc = #brief] #[doc = ""] #[doc = #attributes] pub const #ident: &str = #name; }));
    }
    let events = groups
        .iter()
        .filter(|(m, _)| *m == "events")
        .map(|(_, t)| t);
    let spans = groups.iter().filter(|(m, _)| *m == "spans").map(|(_, t)| t);
    let registry_data = registry_data(krate, registry);
    let keys_doc = format!(
        "Every attribute as a [`Key`]({}::semconv::Key) that carries its type.",
        quote!(#krate).to_string().replace(' ', "")
    );
    quote! {
        #(#tracked)*
        #(#names)*
        #[doc = #keys_doc]
        pub mod keys {
            #[allow(unused_imports)]
            use super::*;
            #(#keys)*
        }
        #(#enums)*
        /// The names of the registry's events.
        pub mod events { #(#events)* }
        /// The names of the registry's spans.
        pub mod spans { #(#spans)* }
        /// The registry's metrics, each with its instrument and unit.
        pub mod metrics { #(#metrics)* }
        #registry_data
    }
}

/// `registry()`: the resolved registry as data, for checks at run time.
fn registry_data(krate: &syn::Path, registry: &Registry) -> TokenStream {
    let schema = quote!(#krate::semconv::schema);
    let schema_url = registry
        .manifest
        .as_ref()
        .and_then(|m| m.schema_url.clone())
        .unwrap_or_default();
    let own: std::collections::HashSet<&str> = registry
        .own_attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let primitive = |p: Primitive| {
        let v = format_ident!(
            "{}",
            match p {
                Primitive::String => "Str",
                Primitive::Int => "Int",
                Primitive::Double => "Double",
                Primitive::Boolean => "Boolean",
            }
        );
        quote!(#schema::Primitive::#v)
    };
    let attributes = registry.attributes.values().map(|a| {
        let name = &a.name;
        let ty = match &a.ty {
            Some(AttrType::Primitive(p)) => {
                let p = primitive(*p);
                quote!(#schema::AttributeType::Primitive(#p))
            }
            Some(AttrType::Array(p)) => {
                let p = primitive(*p);
                quote!(#schema::AttributeType::Array(#p))
            }
            Some(AttrType::Template(inner)) => match &**inner {
                AttrType::Primitive(p) => {
                    let p = primitive(*p);
                    quote!(#schema::AttributeType::Template(#schema::TemplateOf::Primitive(#p)))
                }
                AttrType::Array(p) => {
                    let p = primitive(*p);
                    quote!(#schema::AttributeType::Template(#schema::TemplateOf::Array(#p)))
                }
                _ => quote!(#schema::AttributeType::Any),
            },
            Some(AttrType::Enum(members)) => {
                let values = members.iter().map(|m| match &m.value {
                    MemberValue::Str(s) => quote!(#schema::EnumValue::Str(#s)),
                    MemberValue::Int(i) => quote!(#schema::EnumValue::Int(#i)),
                    MemberValue::Double(d) => quote!(#schema::EnumValue::Double(#d)),
                });
                quote!(#schema::AttributeType::Enum(&[#(#values),*]))
            }
            Some(AttrType::Any) | None => quote!(#schema::AttributeType::Any),
        };
        let stability = match a.stability {
            Some(s) => {
                let v = format_ident!(
                    "{}",
                    match s {
                        Stability::Stable => "Stable",
                        Stability::ReleaseCandidate => "ReleaseCandidate",
                        Stability::Alpha => "Alpha",
                        Stability::Beta => "Beta",
                        Stability::Development
                        | Stability::Experimental
                        | Stability::Deprecated => "Development",
                    }
                );
                quote!(Some(#schema::Stability::#v))
            }
            None => quote!(None),
        };
        let deprecated = match &a.deprecated {
            Some(d) => {
                let why = match &d.renamed_to {
                    Some(to) => format!("renamed to `{to}`"),
                    None => d
                        .note
                        .clone()
                        .unwrap_or_else(|| d.reason.clone())
                        .trim()
                        .to_owned(),
                };
                quote!(Some(#why))
            }
            None => quote!(None),
        };
        let is_own = own.contains(name.as_str());
        quote! {
            #schema::Attribute {
                name: #name, ty: #ty, stability: #stability, deprecated: #deprecated, own: #is_own,
            }
        }
    });
    let signals = registry.groups.iter().filter_map(|g| {
        let (kind, name) = match g.group.ty {
            registry::model::GroupType::Span => (
                quote!(Span),
                g.group.id.strip_prefix("span.").unwrap_or(&g.group.id).to_owned(),
            ),
            registry::model::GroupType::Event => (quote!(Event), g.group.name.clone()?),
            registry::model::GroupType::Metric => (quote!(Metric), g.group.metric_name.clone()?),
            _ => return None,
        };
        let attributes = g.attributes.iter().map(|a| {
            use registry::model::RequirementLevel;
            let name = &a.attribute.name;
            let requirement = format_ident!(
                "{}",
                match a.requirement {
                    RequirementLevel::Required => "Required",
                    RequirementLevel::ConditionallyRequired(_) => "ConditionallyRequired",
                    RequirementLevel::Recommended(_) => "Recommended",
                    RequirementLevel::OptIn => "OptIn",
                }
            );
            quote!(#schema::SignalAttribute { name: #name, requirement: #schema::Requirement::#requirement })
        });
        Some(quote! {
            #schema::Signal {
                kind: #schema::SignalKind::#kind, name: #name, attributes: &[#(#attributes),*],
            }
        })
    });
    quote! {
        /// The registry as data: its attributes (its dependencies' too) and its own
        /// spans, events and metrics, for checks of what runs.
        pub fn registry() -> &'static #schema::Registry {
            static REGISTRY: #schema::Registry = #schema::Registry {
                schema_url: #schema_url,
                attributes: &[#(#attributes),*],
                signals: &[#(#signals),*],
            };
            &REGISTRY
        }
    }
}

/// "Attributes: `a` (required), `b` (recommended)." for a group's documentation.
fn attribute_list(g: &registry::ResolvedGroup) -> String {
    let list: Vec<String> = g
        .attributes
        .iter()
        .map(|a| format!("`{}` ({})", a.attribute.name, requirement(&a.requirement)))
        .collect();
    format!("Attributes: {}.", list.join(", "))
}

fn value_of(v: &MemberValue) -> String {
    match v {
        MemberValue::Str(s) => s.clone(),
        MemberValue::Int(i) => i.to_string(),
        MemberValue::Double(d) => d.to_string(),
    }
}

fn primitive_type(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(&'static str),
        Primitive::Int => quote!(i64),
        Primitive::Double => quote!(f64),
        Primitive::Boolean => quote!(bool),
    }
}

fn rust_type(ty: &AttrType) -> TokenStream {
    match ty {
        AttrType::Primitive(p) => primitive_type(*p),
        AttrType::Array(p) => {
            let t = primitive_type(*p);
            quote!(&'static [#t])
        }
        AttrType::Template(inner) => rust_type(inner),
        // A string enum's key is its generated enum's (not this).
        AttrType::Enum(members) => primitive_type(crate::registry::model::enum_value_type(members)),
        AttrType::Any => quote!(&'static str),
    }
}

fn docs(a: &Attribute) -> Vec<String> {
    let mut out = vec![format!(
        "`{}` ({}){}",
        a.name,
        a.ty.as_ref()
            .map_or_else(|| "untyped".to_owned(), AttrType::name),
        a.brief
            .as_deref()
            .map_or_else(String::new, |b| format!(": {}", b.trim()))
    )];
    if let Some(note) = &a.note {
        out.push(String::new());
        out.extend(note.trim().lines().map(str::to_owned));
    }
    if let Some(examples) = &a.examples {
        let shown: Vec<String> = examples
            .iter()
            .map(|e| format!("`{}`", example_text(e)))
            .collect();
        out.push(String::new());
        out.push(format!("Examples: {}.", shown.join(", ")));
    }
    out.push(String::new());
    out.push(format!(
        "Stability: {}.",
        a.stability.map_or("not stated", Stability::name)
    ));
    out
}

fn example_text(e: &registry::model::Example) -> String {
    use registry::model::Example;
    match e {
        Example::Str(s) => format!("{s:?}"),
        Example::Int(i) => i.to_string(),
        Example::Double(d) => d.to_string(),
        Example::Bool(b) => b.to_string(),
        Example::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(example_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Example::Other => "…".to_owned(),
    }
}

fn requirement(r: &registry::model::RequirementLevel) -> String {
    use registry::model::RequirementLevel;
    match r {
        RequirementLevel::Required => "required".to_owned(),
        RequirementLevel::Recommended(_) => "recommended".to_owned(),
        RequirementLevel::OptIn => "opt-in".to_owned(),
        RequirementLevel::ConditionallyRequired(when) => format!("required {}", when.trim()),
    }
}
