//! `event!` and `span!`: a registry's event or span by name, its attributes checked at
//! compile time (each declared on it, every required one given, each value of the
//! declared type through `semconv::Value`), expanded to the `tracing` call one would
//! write by hand.

use crate::diag::Errors;
use crate::registry::model::{AttrType, GroupType, Primitive, RequirementLevel, enum_value_type};
use crate::registry::{self, Registry, ResolvedGroup};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Token};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Event,
    Span,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Span => "span",
        }
    }
}

/// How a value is written after `name =`.
enum Written {
    Value(Expr),
    /// `%expr`: recorded with `Display`.
    Display(Expr),
    /// `?expr`: recorded with `Debug`.
    Debug(Expr),
    /// `_`: declared on the span, recorded later (`tracing::field::Empty`).
    Later(Token![_]),
}

struct Field {
    name: String,
    tokens: TokenStream,
    value: Written,
}

struct Call {
    krate: syn::Path,
    registry: Option<LitStr>,
    target: Option<Expr>,
    level: Ident,
    name: LitStr,
    fields: Vec<Field>,
    message: Option<TokenStream>,
}

fn usage(kind: Kind) -> String {
    format!(
        "write `{0}!(LEVEL, \"registry.{0}.name\", attribute.name = value, ...)`, LEVEL one of TRACE, DEBUG, INFO, WARN, ERROR; \
         options first: `crate = path,` `registry = \"dir\",` `target = \"target\",`",
        kind.word()
    )
}

pub(crate) fn expand(kind: Kind, input: TokenStream) -> TokenStream {
    match (|input: ParseStream<'_>| parse(kind, input)).parse2(input) {
        Ok(call) => check_and_expand(kind, call),
        Err(e) => e.to_compile_error(),
    }
}

fn parse(kind: Kind, input: ParseStream<'_>) -> syn::Result<Call> {
    let mut krate = None;
    let mut registry = None;
    let mut target = None;
    loop {
        if input.peek(Token![crate]) && input.peek2(Token![=]) {
            krate = crate::krate::leading::<Token![,]>(input, ",", "the level")?;
        } else if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let key: Ident = input.fork().parse()?;
            match key.to_string().as_str() {
                "registry" => {
                    input.parse::<Ident>()?;
                    input.parse::<Token![=]>()?;
                    registry = Some(input.parse::<LitStr>()?);
                }
                "target" => {
                    input.parse::<Ident>()?;
                    input.parse::<Token![=]>()?;
                    target = Some(input.parse::<Expr>()?);
                }
                _ => break,
            }
            input.parse::<Token![,]>()?;
        } else {
            break;
        }
    }
    let level: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "expected the level before the {}'s name; {}",
                kind.word(),
                usage(kind)
            ),
        )
    })?;
    if !["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level.to_string().as_str()) {
        return Err(syn::Error::new(
            level.span(),
            format!("`{level}` is not a level: TRACE, DEBUG, INFO, WARN or ERROR"),
        ));
    }
    input
        .parse::<Token![,]>()
        .map_err(|e| syn::Error::new(e.span(), usage(kind)))?;
    if !input.peek(LitStr)
        && let Ok(path) = input.fork().call(dotted)
    {
        // The name written as the attributes are, unquoted: quote it.
        return Err(syn::Error::new_spanned(
            &path.tokens,
            format!(
                "the {}'s name is a string: write `\"{}\"`",
                kind.word(),
                path.name
            ),
        ));
    }
    let name: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "expected the {}'s name as a string; {}",
                kind.word(),
                usage(kind)
            ),
        )
    })?;
    let mut fields = Vec::new();
    let mut message = None;
    while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
        if input.peek(LitStr) {
            if kind == Kind::Span {
                return Err(input.error("a span has no message: its name is the registry's"));
            }
            message = Some(input.parse::<TokenStream>()?);
            break;
        }
        fields.push(parse_field(input)?);
    }
    if !input.is_empty() {
        return Err(input.error(format!("expected `,` between attributes; {}", usage(kind))));
    }
    Ok(Call {
        krate: krate.unwrap_or_else(crate::krate::default_path),
        registry,
        target,
        level,
        name,
        fields,
        message,
    })
}

/// A dotted name (`shop.order.id`) as written.
struct Dotted {
    name: String,
    tokens: TokenStream,
}

fn dotted(input: ParseStream<'_>) -> syn::Result<Dotted> {
    let mut parts = vec![Ident::parse_any(input)?];
    while input.peek(Token![.]) {
        input.parse::<Token![.]>()?;
        parts.push(Ident::parse_any(input)?);
    }
    let name = parts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(".");
    let mut tokens = TokenStream::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            tokens.extend(quote_spanned!(p.span()=> .));
        }
        p.to_tokens(&mut tokens);
    }
    Ok(Dotted { name, tokens })
}

fn parse_field(input: ParseStream<'_>) -> syn::Result<Field> {
    let Dotted { name, tokens } = dotted(input)?;
    input.parse::<Token![=]>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected `=` and a value after `{name}`: write `{name} = value`"),
        )
    })?;
    let value = if input.peek(Token![%]) {
        input.parse::<Token![%]>()?;
        Written::Display(input.parse()?)
    } else if input.peek(Token![?]) {
        input.parse::<Token![?]>()?;
        Written::Debug(input.parse()?)
    } else if input.peek(Token![_]) && (input.peek2(Token![,]) || input.peek2(syn::parse::End)) {
        Written::Later(input.parse()?)
    } else {
        Written::Value(input.parse()?)
    };
    Ok(Field {
        name,
        tokens,
        value,
    })
}

fn find<'r>(registry: &'r Registry, kind: Kind, name: &str) -> Option<&'r ResolvedGroup> {
    registry.groups.iter().find(|g| match kind {
        Kind::Event => g.group.ty == GroupType::Event && g.group.name.as_deref() == Some(name),
        Kind::Span => {
            g.group.ty == GroupType::Span
                && (g.group.name.as_deref() == Some(name) || g.group.id == format!("span.{name}"))
        }
    })
}

fn names_of(registry: &Registry, kind: Kind) -> Vec<String> {
    registry
        .groups
        .iter()
        .filter_map(|g| match (kind, g.group.ty) {
            (Kind::Event, GroupType::Event) => g.group.name.clone(),
            (Kind::Span, GroupType::Span) => Some(g.group.name.clone().unwrap_or_else(|| {
                g.group
                    .id
                    .strip_prefix("span.")
                    .unwrap_or(&g.group.id)
                    .to_owned()
            })),
            _ => None,
        })
        .collect()
}

fn check_and_expand(kind: Kind, call: Call) -> TokenStream {
    let dir = call
        .registry
        .clone()
        .unwrap_or_else(|| LitStr::new("registry", call.name.span()));
    let (_, registry) = match registry::open(&dir) {
        Ok(opened) => opened,
        Err(errors) => return errors,
    };
    let registry = &*registry;
    let name = call.name.value();
    let Some(group) = find(registry, kind, &name) else {
        let known = names_of(registry, kind);
        let refs: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = crate::diag::did_you_mean(&name, &refs).map_or_else(
            || format!("; its {}s: {}", kind.word(), crate::diag::code_list(&refs)),
            |c| format!("; did you mean `{c}`?"),
        );
        return syn::Error::new(
            call.name.span(),
            format!(
                "`{name}` is not a{} {} of the registry `{}`{hint}",
                if kind == Kind::Event { "n" } else { "" },
                kind.word(),
                dir.value()
            ),
        )
        .to_compile_error();
    };
    let mut errors = Errors::default();
    let declared: Vec<&str> = group
        .attributes
        .iter()
        .map(|a| a.attribute.name.as_str())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    let krate = &call.krate;
    let mut fields = Vec::new();
    for f in &call.fields {
        if seen.contains(&f.name.as_str()) {
            errors.spanned(&f.tokens, format!("`{}` is given twice", f.name));
            continue;
        }
        seen.push(&f.name);
        let Some(attr) = group.attributes.iter().find(|a| a.attribute.name == f.name) else {
            let hint = crate::diag::did_you_mean(&f.name, &declared).map_or_else(
                || format!("; its attributes: {}", crate::diag::code_list(&declared)),
                |c| format!("; did you mean `{c}`?"),
            );
            errors.spanned(
                &f.tokens,
                format!(
                    "`{}` is not an attribute of {} `{name}` in the registry{hint}",
                    f.name,
                    kind.word()
                ),
            );
            continue;
        };
        // A string literal, not the dotted identifiers as written: `tracing`'s macros take
        // `"a.b.c" = v` in one step but munch `a.b.c = v` a token at a time, about a
        // millisecond of compile time per span or event (BENCHMARKS.md).
        let field = LitStr::new(&f.name, f.tokens.span());
        let ty = attr.attribute.ty.as_ref();
        let is_string = matches!(
            ty,
            Some(AttrType::Primitive(Primitive::String) | AttrType::Any)
        ) || matches!(ty, Some(AttrType::Enum(members)) if enum_value_type(members) == Primitive::String)
            || matches!(ty, Some(AttrType::Template(inner)) if **inner == AttrType::Primitive(Primitive::String));
        let value = match &f.value {
            Written::Later(underscore) => {
                if kind == Kind::Event {
                    errors.spanned(
                        underscore,
                        "an event records its attributes when it is emitted: give a value",
                    );
                    continue;
                }
                if attr.requirement == RequirementLevel::Required {
                    errors.spanned(
                        underscore,
                        format!(
                            "`{}` is required on span `{name}`: give its value now, not `_`",
                            f.name
                        ),
                    );
                    continue;
                }
                quote_spanned!(underscore.span()=> #krate::__private::tracing::field::Empty)
            }
            Written::Display(e) | Written::Debug(e) if !is_string => {
                errors.spanned(e, format!(
                    "`{}` is of type {} in the registry; `%` and `?` record text, for string attributes",
                    f.name,
                    ty.map_or_else(|| "any".to_owned(), AttrType::name)
                ));
                continue;
            }
            Written::Display(e) => quote!(%#e),
            Written::Debug(e) => quote!(?#e),
            Written::Value(e) => match marker(ty) {
                Ok(Some(marker)) => {
                    // The whole call on the value's span: a wrong type is then one
                    // error there (the function's bound and its argument agree).
                    let call = quote!(#krate::__private::attribute_value::<#marker, _>);
                    let call = crate::krate::respanned(call, e.span());
                    let span = e.span();
                    quote_spanned!(span=> #call(&(#e)))
                }
                Ok(None) => quote!(#e),
                Err(msg) => {
                    errors.spanned(e, format!("`{}`: {msg}", f.name));
                    continue;
                }
            },
        };
        fields.push(quote!(#field = #value));
    }
    let missing: Vec<&str> = group
        .attributes
        .iter()
        .filter(|a| {
            a.requirement == RequirementLevel::Required
                && !seen.contains(&a.attribute.name.as_str())
        })
        .map(|a| a.attribute.name.as_str())
        .collect();
    if !missing.is_empty() {
        errors.at(
            call.name.span(),
            format!(
                "{} `{name}` requires {}: add {}",
                kind.word(),
                crate::diag::code_list(&missing),
                missing
                    .iter()
                    .map(|m| format!("`{m} = ...`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if !errors.is_empty() {
        return errors.into_compile_errors();
    }
    let tracing = quote!(#krate::__private::tracing);
    let level = &call.level;
    let target = call.target.as_ref().map(|t| quote!(target: #t,));
    let name_lit = &call.name;
    match kind {
        Kind::Event => {
            let message = call.message.as_ref().map(|m| quote!(, #m));
            quote! {
                #tracing::event!(name: #name_lit, #target #tracing::Level::#level, #(#fields),* #message)
            }
        }
        Kind::Span => quote! {
            #tracing::span!(#target #tracing::Level::#level, #name_lit, #(#fields),*)
        },
    }
}

/// The `T` of `semconv::Value<T>` for an attribute type; `None` for `any` (no check).
/// An enum's is its members' values' type: a string enum takes strings (it is open:
/// values outside its members are allowed), an int enum integers.
fn marker(ty: Option<&AttrType>) -> Result<Option<TokenStream>, &'static str> {
    Ok(Some(match ty {
        Some(AttrType::Primitive(p)) => primitive_marker(*p),
        Some(AttrType::Enum(members)) => primitive_marker(enum_value_type(members)),
        Some(AttrType::Template(inner)) => return marker(Some(inner)),
        Some(AttrType::Array(_)) => {
            return Err(
                "array attributes cannot be recorded through `tracing`, which has no array values",
            );
        }
        Some(AttrType::Any) | None => return Ok(None),
    }))
}

fn primitive_marker(p: Primitive) -> TokenStream {
    match p {
        Primitive::Int => quote!(i64),
        Primitive::Double => quote!(f64),
        Primitive::Boolean => quote!(bool),
        Primitive::String => quote!(&'static str),
    }
}
