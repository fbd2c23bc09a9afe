//! Macro input -> [`Item`]s: `attrs vis static NAME: Type = { entries };`, one or more.
//!
//! Malformed entries are reported here, each where it goes wrong, and skipped to the
//! next comma, so that every broken entry of a long map is reported at once.

use crate::diag::Errors;
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::token::Brace;
use syn::{Attribute, Expr, Ident, Token, Type, Visibility, braced};

/// Which macro is reading.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Map,
    Set,
}

impl Kind {
    pub(crate) fn macro_name(self) -> &'static str {
        match self {
            Kind::Map => "static_map!",
            Kind::Set => "static_set!",
        }
    }

    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Kind::Map => "StaticMap",
            Kind::Set => "StaticSet",
        }
    }
}

/// `static` or `const`, as written.
pub(crate) enum Keyword {
    Static(Token![static]),
    Const(Token![const]),
}

/// The macro's input: `[crate = path;] item..`.
pub(crate) struct Input {
    /// Where the expansion finds knhk-runtime.
    pub(crate) krate: syn::Path,
    pub(crate) items: Vec<Item>,
}

/// One declared map or set.
pub(crate) struct Item {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) keyword: Keyword,
    pub(crate) name: Ident,
    pub(crate) ty: Type,
    pub(crate) entries: Entries,
}

/// The entries as written, in the shape of the type they were read for.
pub(crate) enum Entries {
    /// `key => value, ..`
    Map(Vec<(Expr, Expr)>),
    /// `key, ..`
    Set(Vec<Expr>),
}

impl Entries {
    /// Every key, in entry order.
    pub(crate) fn keys(&self) -> Vec<&Expr> {
        match self {
            Entries::Map(entries) => entries.iter().map(|(key, _)| key).collect(),
            Entries::Set(keys) => keys.iter().collect(),
        }
    }
}

/// Reads a leading `crate = path;` and every item; keeps the items whose header could
/// be read, with the entries that could be read. Anything malformed is in `errors`.
pub(crate) fn input(kind: Kind, input: TokenStream, errors: &mut Errors) -> Input {
    let mut krate = crate::krate::default_path();
    let parser = |input: ParseStream<'_>| {
        let mut items = Vec::new();
        let mut given = false;
        loop {
            let at = input.span();
            match crate::krate::leading::<Token![;]>(input, ";", "the items") {
                Ok(Some(path)) if !given => {
                    krate = path;
                    given = true;
                }
                Ok(Some(_)) => errors.at(at, "`crate` is given twice; remove one"),
                Ok(None) => break,
                // Reported, and the items after it still declared, so that code using
                // them reports nothing more.
                Err(e) => {
                    errors.push(e);
                    skip_option(input);
                }
            }
        }
        if input.is_empty() {
            errors.at(
                Span::call_site(),
                format_args!(
                    "{} declares nothing; write `static NAME: {} = {{ .. }};`",
                    kind.macro_name(),
                    example_type(kind)
                ),
            );
        }
        while !input.is_empty() {
            match item(kind, input, errors) {
                Ok(item) => items.push(item),
                // A header that cannot be read leaves no reliable place to resume.
                Err(e) => {
                    errors.push(e);
                    break;
                }
            }
        }
        Ok(items)
    };
    let items = match parser.parse2(input) {
        Ok(items) => items,
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    Input { krate, items }
}

fn example_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Map => "StaticMap<&'static str, u32>",
        Kind::Set => "StaticSet<&'static str>",
    }
}

fn item(kind: Kind, input: ParseStream<'_>, errors: &mut Errors) -> syn::Result<Item> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    let keyword = if input.peek(Token![static]) {
        let token: Token![static] = input.parse()?;
        if let Some(mutability) = input.parse::<Option<Token![mut]>>()? {
            errors.at(
                mutability.span,
                "a static map or set cannot be `mut`: its tables are fixed at compile time; remove `mut`",
            );
        }
        Keyword::Static(token)
    } else if input.peek(Token![const]) {
        Keyword::Const(input.parse()?)
    } else {
        return Err(input.error(format_args!(
            "expected `static` or `const`, as in `static NAME: {} = {{ .. }};`",
            example_type(kind)
        )));
    };
    let name: Ident = input.parse()?;
    if !input.peek(Token![:]) {
        return Err(input.error(format_args!(
            "expected `:` and the type after `{name}`, as in `{name}: {}`",
            example_type(kind)
        )));
    }
    input.parse::<Token![:]>()?;
    let ty: Type = input.parse()?;
    if !input.peek(Token![=]) {
        return Err(input.error(format_args!(
            "expected `=` and the entries in braces after the type: `= {{ .. }};`"
        )));
    }
    input.parse::<Token![=]>()?;
    if !input.peek(Brace) {
        let what = match kind {
            Kind::Map => "`{ key => value, .. }`",
            Kind::Set => "`{ key, .. }`",
        };
        return Err(input.error(format_args!("expected the entries in braces, as in {what}")));
    }
    let content;
    braced!(content in input);
    // Entries as the written type has them, so that `StaticSet<K>` in `static_map!`
    // is reported once, as a wrong type, and not again at every entry.
    let entries = match written_kind(&ty).unwrap_or(kind) {
        Kind::Map => map_entries(&content, errors),
        Kind::Set => set_entries(&content, errors),
    };
    if input.peek(Token![;]) {
        input.parse::<Token![;]>()?;
    } else if !input.is_empty() {
        errors.push(input.error("expected `;` after the closing `}` of the entries"));
    }
    Ok(Item {
        attrs,
        vis,
        keyword,
        name,
        ty,
        entries,
    })
}

/// The kind the written type names, if it names one.
fn written_kind(ty: &Type) -> Option<Kind> {
    let mut ty = ty;
    while let Type::Group(group) = ty {
        ty = &group.elem;
    }
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    [Kind::Map, Kind::Set]
        .into_iter()
        .find(|kind| last.ident == kind.type_name())
}

/// `key => value, ..`
fn map_entries(input: ParseStream<'_>, errors: &mut Errors) -> Entries {
    let mut entries = Vec::new();
    while !input.is_empty() {
        if input.peek(Token![,]) {
            let comma: Token![,] = input.parse().unwrap_or_default();
            errors.at(
                comma.span,
                "unexpected `,`: an entry is missing before it; remove the extra comma",
            );
            continue;
        }
        if let Some(arrow) = input.parse::<Option<Token![=>]>>().ok().flatten() {
            errors.spanned(
                arrow,
                "missing key before `=>`; write the key first: `\"key\" => value`",
            );
            skip_entry(input);
            continue;
        }
        let key: Expr = match input.parse() {
            Ok(key) => key,
            Err(e) => {
                errors.push(e);
                skip_entry(input);
                continue;
            }
        };
        let key_text = quote::ToTokens::to_token_stream(&key).to_string();
        if input.is_empty() || input.peek(Token![,]) {
            errors.spanned(
                &key,
                format_args!(
                    "missing `=> value` after the key `{key_text}`: every entry of a map has a value; for keys alone use `static_set!`"
                ),
            );
            let _ = input.parse::<Option<Token![,]>>();
            continue;
        }
        let arrow: Token![=>] = match input.parse() {
            Ok(arrow) => arrow,
            Err(_) => {
                let found = input.cursor().token_tree().map(|(tt, _)| tt);
                let (span, what) = match &found {
                    Some(TokenTree::Punct(p)) if p.as_char() == ':' => (
                        p.span(),
                        "write `=>` between a key and its value, not `:`".to_owned(),
                    ),
                    Some(TokenTree::Punct(p)) if p.as_char() == '=' => (
                        p.span(),
                        "write `=>` between a key and its value, not `=`".to_owned(),
                    ),
                    Some(tt) => (
                        tt.span(),
                        format!(
                            "expected `=>` between the key and its value: `{key_text} => {tt}`"
                        ),
                    ),
                    None => (key.span(), "expected `=>` after the key".to_owned()),
                };
                errors.at(span, what);
                skip_entry(input);
                continue;
            }
        };
        if input.is_empty() || input.peek(Token![,]) {
            errors.spanned(
                arrow,
                format_args!("missing value after `{key_text} =>`; write the value, as in `{key_text} => value`"),
            );
            let _ = input.parse::<Option<Token![,]>>();
            continue;
        }
        let value: Expr = match input.parse() {
            Ok(value) => value,
            Err(e) => {
                errors.push(e);
                skip_entry(input);
                continue;
            }
        };
        entries.push((key, value));
        end_of_entry(input, errors);
    }
    Entries::Map(entries)
}

/// `key, ..`
fn set_entries(input: ParseStream<'_>, errors: &mut Errors) -> Entries {
    let mut entries = Vec::new();
    while !input.is_empty() {
        if input.peek(Token![,]) {
            let comma: Token![,] = input.parse().unwrap_or_default();
            errors.at(
                comma.span,
                "unexpected `,`: a key is missing before it; remove the extra comma",
            );
            continue;
        }
        let key: Expr = match input.parse() {
            Ok(key) => key,
            Err(e) => {
                errors.push(e);
                skip_entry(input);
                continue;
            }
        };
        if input.peek(Token![=>]) {
            let arrow: Token![=>] = input.parse().unwrap_or_default();
            errors.spanned(
                arrow,
                "a set has keys only: remove `=>` and the value, or use `static_map!` for a map",
            );
            skip_entry(input);
            continue;
        }
        entries.push(key);
        end_of_entry(input, errors);
    }
    Entries::Set(entries)
}

/// After an entry: a comma, or the end. A missing comma is reported and the next entry
/// read from where it starts, since that is the likeliest repair.
fn end_of_entry(input: ParseStream<'_>, errors: &mut Errors) {
    if input.is_empty() {
        return;
    }
    if input.parse::<Option<Token![,]>>().ok().flatten().is_none() {
        errors.push(input.error("missing `,` before this entry; entries are separated by commas"));
    }
}

/// Skips to just after the next `;` or `,` (or to the end) after a malformed
/// `crate = path`, where the items start.
fn skip_option(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if matches!(p.as_char(), ';' | ',')) {
                break;
            }
        }
        Ok(((), rest))
    });
}

/// Skips to just after the next `,` (or to the end) after a malformed entry. Commas
/// inside brackets are inside one token tree, so only top-level commas count.
fn skip_entry(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
        }
        Ok(((), rest))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(kind: Kind, tokens: TokenStream) -> (Vec<Item>, String) {
        let mut errors = Errors::default();
        let items = input(kind, tokens, &mut errors).items;
        (
            items,
            errors
                .into_compile_errors()
                .to_string()
                .replace("\\\"", "\""),
        )
    }

    #[test]
    fn reads_several_items() {
        let (items, errors) = parse(
            Kind::Map,
            quote! {
                /// Docs.
                pub static A: StaticMap<&'static str, u8> = { "a" => 1, "b" => 2, };
                const B: StaticMap<u8, u8> = {};
            },
        );
        assert_eq!(errors, "");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].entries.keys().len(), 2);
        assert_eq!(items[0].attrs.len(), 1);
        assert!(items[1].entries.keys().is_empty());
    }

    #[test]
    fn reports_every_malformed_entry_and_keeps_the_rest() {
        let (items, errors) = parse(
            Kind::Map,
            quote! {
                static A: StaticMap<&'static str, u8> = {
                    "a" 1, "b" => , "c" => 3, "d": 4, "e", => 6, "f" => 6 "g" => 7
                };
            },
        );
        assert_eq!(items[0].entries.keys().len(), 3, "c, f and g");
        for message in [
            "expected `=>` between the key and its value",
            "missing value after `\"b\" =>`",
            "not `:`",
            "missing `=> value` after the key `\"e\"`",
            "missing key before `=>`",
            "missing `,` before this entry",
        ] {
            assert!(errors.contains(message), "{message} in {errors}");
        }
    }

    #[test]
    fn a_set_with_values_is_reported() {
        let (items, errors) = parse(
            Kind::Set,
            quote!(static S: StaticSet<u8> = { 1, 2 => 3, 4 };),
        );
        assert_eq!(items[0].entries.keys().len(), 2);
        assert!(errors.contains("a set has keys only"), "{errors}");
    }

    #[test]
    fn a_leading_crate_path_is_read_once() {
        let path = |tokens: TokenStream| {
            let mut errors = Errors::default();
            let read = input(Kind::Set, tokens, &mut errors);
            let path = quote::ToTokens::to_token_stream(&read.krate).to_string();
            let errors = errors.into_compile_errors().to_string();
            (path, read.items.len(), errors)
        };
        let (krate, items, errors) = path(quote!(
            static S: StaticSet<u8> = { 1 };
        ));
        assert_eq!(
            (krate.as_str(), items, errors.as_str()),
            (":: knhk_runtime", 1, "")
        );
        let (krate, items, errors) =
            path(quote!(crate = ::facade::knhk; static S: StaticSet<u8> = { 1 };));
        assert_eq!(
            (krate.as_str(), items, errors.as_str()),
            (":: facade :: knhk", 1, "")
        );
        let (_, _, errors) = path(quote!(crate = a; crate = b; static S: StaticSet<u8> = {};));
        assert!(errors.contains("given twice"), "{errors}");
        let (_, items, errors) = path(quote!(crate = "knhk"; static S: StaticSet<u8> = {};));
        // Reported, and the item still read, for its stub.
        assert!(errors.contains("without quotes") && items == 1, "{errors}");
        let (_, items, errors) = path(quote!(crate = knhk, static S: StaticSet<u8> = {};));
        assert!(errors.contains("expected `;` after `crate = knhk`") && items == 1);
    }

    #[test]
    fn a_header_without_braces_is_reported() {
        let (items, errors) = parse(
            Kind::Map,
            quote!(
                static A: StaticMap<u8, u8> = [1];
            ),
        );
        assert!(items.is_empty());
        assert!(
            errors.contains("expected the entries in braces"),
            "{errors}"
        );
    }
}
