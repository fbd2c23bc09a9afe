//! `Self` in code moved from the struct into the builder's impl, where it would mean
//! the builder.

use proc_macro2::{Group, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// What `Self` becomes in code moved from the struct into the builder's impl.
pub(super) struct SelfType {
    /// Before `::`: `<Name<..>>`.
    pub(super) qualified: TokenStream,
    /// A type: `Name<..>`.
    pub(super) ty: TokenStream,
    /// An expression, or a type within one: `Name::<..>`.
    pub(super) expr: TokenStream,
}

impl SelfType {
    pub(super) fn in_type(&self, tokens: impl ToTokens) -> TokenStream {
        self.replace(tokens.into_token_stream(), &self.ty)
    }

    pub(super) fn in_expr(&self, tokens: impl ToTokens) -> TokenStream {
        self.replace(tokens.into_token_stream(), &self.expr)
    }

    fn replace(&self, tokens: TokenStream, bare: &TokenStream) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = TokenStream::new();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) if ident == "Self" => {
                    let path_follows = matches!(
                        tokens.get(i + 1),
                        Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint
                    );
                    out.extend(if path_follows {
                        self.qualified.clone()
                    } else {
                        bare.clone()
                    });
                }
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), self.replace(group.stream(), bare));
                    new.set_span(group.span());
                    out.extend([TokenTree::Group(new)]);
                }
                other => out.extend([other.clone()]),
            }
        }
        out
    }
}
