//! `#[impl_paths]` on an `impl` block: hands the impl's type to every `#[hot_path]` /
//! `#[warm_path]` on its methods, so their default names are
//! `module::Type::method` (`module::<Type as Trait>::method` in a trait impl) and two
//! types' `get` are two names; and tells them when the impl is generic, so the report
//! marks the path as shared by every instantiation.
//!
//! The attribute rewrites nothing but those attributes' arguments, adding the hidden
//! `__impl = "Type"` and, for a generic impl, `__impl_generic`.

use crate::diag::Errors;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemImpl, LitStr, Meta};

const USAGE: &str = "write `#[impl_paths]` alone on an `impl` block whose methods carry `#[hot_path]` or `#[warm_path]`";

pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.spanned(
            &args,
            format_args!("`#[impl_paths]` takes no arguments; {USAGE}"),
        );
    }
    let mut imp = match syn::parse2::<ItemImpl>(item.clone()) {
        Ok(imp) => imp,
        Err(e) => {
            errors.at(
                e.span(),
                format_args!("`#[impl_paths]` goes on an `impl` block; {USAGE}"),
            );
            let mut out = errors.into_compile_errors();
            out.extend(item);
            return out;
        }
    };
    let name = impl_name(&imp);
    let generic = imp
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
    let mut named = 0;
    for item in &mut imp.items {
        let ImplItem::Fn(method) = item else { continue };
        for attr in &mut method.attrs {
            if is_path_attribute(attr.path()) {
                hand_on(&mut attr.meta, &name, generic);
                named += 1;
            }
        }
    }
    if named == 0 {
        errors.spanned(
            &imp.self_ty,
            format_args!(
                "`#[impl_paths]` found no method with `#[hot_path]` or `#[warm_path]` here to name; it looks for attributes spelled so (not renamed on import), or remove it"
            ),
        );
    }
    let mut out = errors.into_compile_errors();
    out.extend(imp.into_token_stream());
    out
}

/// `hot_path`, `warm_path`, or a path ending in them (`knhk_runtime::hot_path`).
fn is_path_attribute(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "hot_path" || s.ident == "warm_path")
}

/// Adds the hidden arguments to `#[hot_path(..)]` (or turns `#[hot_path]`, which then
/// reports its missing budget, into a list).
fn hand_on(meta: &mut Meta, name: &str, generic: bool) {
    let lit = LitStr::new(name, meta.span());
    let hidden = if generic {
        quote!(__impl = #lit, __impl_generic)
    } else {
        quote!(__impl = #lit)
    };
    match meta {
        Meta::List(list) => {
            let tokens = std::mem::take(&mut list.tokens);
            let needs_comma = !tokens.is_empty() && !ends_with_comma(&tokens);
            list.tokens = if needs_comma {
                quote!(#tokens, #hidden)
            } else {
                quote!(#tokens #hidden)
            };
        }
        Meta::Path(path) => {
            *meta = syn::parse_quote!(#path(#hidden));
        }
        // `#[hot_path = ..]` is not a form the attribute takes; it says so itself.
        Meta::NameValue(_) => {}
    }
}

fn ends_with_comma(tokens: &TokenStream) -> bool {
    matches!(
        tokens.clone().into_iter().last(),
        Some(TokenTree::Punct(p)) if p.as_char() == ',' && p.spacing() == Spacing::Alone
    )
}

/// `Type` for an inherent impl, `<Type as Trait>` for a trait impl, each printed
/// compactly (`Book<T>`, not `Book < T >`).
fn impl_name(imp: &ItemImpl) -> String {
    let ty = compact(imp.self_ty.to_token_stream());
    match &imp.trait_ {
        Some((_, path, _)) => format!("<{ty} as {}>", compact(path.to_token_stream())),
        None => ty,
    }
}

/// Tokens as Rust writes them: no space inside `<..>`, around `::` or before `,` and
/// `;`, one after them.
fn compact(tokens: TokenStream) -> String {
    let mut out = String::new();
    write_compact(tokens, &mut out);
    out
}

fn write_compact(tokens: TokenStream, out: &mut String) {
    let mut previous_word = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if previous_word {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                previous_word = true;
            }
            TokenTree::Literal(lit) => {
                if previous_word {
                    out.push(' ');
                }
                out.push_str(&lit.to_string());
                previous_word = true;
            }
            TokenTree::Punct(p) => {
                out.push(p.as_char());
                if matches!(p.as_char(), ',' | ';') {
                    out.push(' ');
                }
                // `dyn Trait + Send`: keep the words apart around `+`.
                previous_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_compact(group.stream(), out);
                out.push_str(close);
                previous_word = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(imp: TokenStream) -> String {
        impl_name(&syn::parse2(imp).unwrap())
    }

    #[test]
    fn the_impls_type_is_printed_as_rust_writes_it() {
        assert_eq!(name_of(quote!(impl Bids {})), "Bids");
        assert_eq!(
            name_of(quote!(
                impl<T: Ord> Book<T> {}
            )),
            "Book<T>"
        );
        assert_eq!(
            name_of(quote!(
                impl<'a> Side for &'a mut Levels<'a, u32> {}
            )),
            "<&'a mut Levels<'a, u32> as Side>"
        );
        assert_eq!(
            name_of(quote!(impl crate::Strategy<[u8; 4]> for Bids {})),
            "<Bids as crate::Strategy<[u8; 4]>>"
        );
        assert_eq!(
            name_of(quote!(impl Handler for Box<dyn Fn(u8) -> u8 + Send> {})),
            "<Box<dyn Fn(u8)->u8+Send> as Handler>"
        );
    }

    #[test]
    fn the_hidden_arguments_follow_the_written_ones() {
        let out = attribute(
            TokenStream::new(),
            quote!(
                impl<T> Bids<T> {
                    #[hot_path(8)]
                    fn best(&self) -> u32 {
                        0
                    }
                    #[knhk_runtime::warm_path(budget = 100)]
                    fn depth(&self) -> u32 {
                        0
                    }
                    fn plain(&self) {}
                }
            ),
        )
        .to_string();
        assert!(
            out.contains("# [hot_path (8 , __impl = \"Bids<T>\" , __impl_generic)]"),
            "{out}"
        );
        assert!(
            out.contains("warm_path (budget = 100 , __impl = \"Bids<T>\" , __impl_generic)]"),
            "{out}"
        );
        assert!(!out.contains("compile_error"), "{out}");
    }
}
