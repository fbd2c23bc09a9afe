//! `crate = path`: where generated code finds knhk-runtime.
//!
//! Every macro whose expansion names the runtime takes it, for a crate that re-exports
//! the macro and has its users depend on it rather than on knhk-runtime (the way
//! serde's `#[serde(crate = "..")]` works, but with a path rather than a string, so it
//! is spanned and checked like code). Without it the path is `::knhk_runtime`.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::{Expr, PathArguments, Token};

/// The key, as every macro spells it.
pub(crate) const CRATE: &str = "crate";

/// The fix every message about the key ends with.
const EXAMPLE: &str = "`crate = ::my_facade::knhk`";

/// `::knhk_runtime`, the path when no `crate = path` is given.
pub(crate) fn default_path() -> syn::Path {
    syn::parse_quote!(::knhk_runtime)
}

/// The path written as the value of `crate = ..`, or the error to report when it is not
/// a plain path (a string, a path with generics, any other expression).
pub(crate) fn from_value(value: &Expr) -> syn::Result<syn::Path> {
    if let Expr::Path(path) = value
        && path.qself.is_none()
        && path.attrs.is_empty()
        && path
            .path
            .segments
            .iter()
            .all(|s| matches!(s.arguments, PathArguments::None))
    {
        return Ok(path.path.clone());
    }
    Err(syn::Error::new_spanned(
        value,
        format_args!(
            "`crate` takes the path under which knhk-runtime is reachable, without quotes or generics: {EXAMPLE}"
        ),
    ))
}

/// The error for `crate` written without a value, at `span`.
pub(crate) fn missing_value(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        format_args!("`crate` needs the path under which knhk-runtime is reachable: {EXAMPLE}"),
    )
}

/// Reads a leading `crate = path` of a function-like macro, with the separator after it
/// (`,` or `;`, as the macro's arguments are separated); `None` when the input does not
/// start with `crate =`.
pub(crate) fn leading<S: syn::parse::Parse + syn::token::Token>(
    input: ParseStream<'_>,
    separator: &str,
    next: &str,
) -> syn::Result<Option<syn::Path>> {
    if !input.peek(Token![crate]) || input.peek2(Token![::]) {
        return Ok(None);
    }
    let key: Token![crate] = input.parse()?;
    if !input.peek(Token![=]) {
        return Err(missing_value(key.span));
    }
    input.parse::<Token![=]>()?;
    let value: Expr = input.parse()?;
    let path = from_value(&value)?;
    if input.parse::<S>().is_err() {
        return Err(input.error(format_args!(
            "expected `{separator}` after `crate = {}`, then {next}",
            quote::ToTokens::to_token_stream(&path)
                .to_string()
                .replace(' ', "")
        )));
    }
    Ok(Some(path))
}

/// `tokens` with every span set to `span`, so that an error about the expression they
/// start is reported where `span` points.
pub(crate) fn respanned(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), respanned(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn lead(tokens: proc_macro2::TokenStream) -> Result<Option<String>, String> {
        let parser = |input: ParseStream<'_>| {
            let path = leading::<Token![,]>(input, ",", "the algorithm")?;
            input.parse::<proc_macro2::TokenStream>()?;
            Ok(path)
        };
        parser
            .parse2(tokens)
            .map(|p| p.map(|p| quote::ToTokens::to_token_stream(&p).to_string()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_leading_crate_path_is_read_with_its_separator() {
        use quote::quote;
        assert_eq!(
            lead(quote!(crate = ::f::knhk, fnv1a)),
            Ok(Some(":: f :: knhk".into()))
        );
        assert_eq!(
            lead(quote!(crate = crate::k, x)),
            Ok(Some("crate :: k".into()))
        );
        assert_eq!(lead(quote!(fnv1a, "x")), Ok(None));
        // A path that starts with `crate::` is the input, not the option.
        assert_eq!(lead(quote!(crate::X, 1)), Ok(None));
        assert!(lead(quote!(crate = "knhk", x)).is_err_and(|e| e.contains("without quotes")));
        assert!(lead(quote!(crate, x)).is_err_and(|e| e.contains("needs the path")));
        assert!(lead(quote!(crate = k fnv1a)).is_err_and(|e| e.contains("expected `,`")));
    }
}
