//! `algorithm, input[, expected]` -> [`Call`].

use crate::diag::did_you_mean;
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, Token};

/// A hash function the runtime provides as `const fn`.
#[derive(Clone, Copy)]
pub(crate) struct Algorithm {
    /// Path below `::knhk_runtime::hash`.
    pub(crate) function: &'static str,
    /// Width of the result in bits.
    pub(crate) bits: u32,
}

const fn algorithm(function: &'static str, bits: u32) -> Algorithm {
    Algorithm { function, bits }
}

/// Every name `const_hash!` accepts, with what it calls.
pub(crate) const ALGORITHMS: &[(&str, Algorithm)] = &[
    ("fnv1a", algorithm("fnv1a_64", 64)),
    ("fnv1a_32", algorithm("fnv1a_32", 32)),
    ("fnv1a_64", algorithm("fnv1a_64", 64)),
    ("fnv1a_128", algorithm("fnv1a_128", 128)),
    ("xxh3", algorithm("xxh3::xxh3_64", 64)),
    ("xxh3_64", algorithm("xxh3::xxh3_64", 64)),
    ("xxh3_128", algorithm("xxh3::xxh3_128", 128)),
];

pub(crate) struct Call {
    pub(crate) algorithm: Algorithm,
    pub(crate) algorithm_ident: Ident,
    pub(crate) input: Expr,
    pub(crate) expected: Option<Expr>,
}

pub(crate) fn parse(tokens: TokenStream, with_expected: bool) -> syn::Result<Call> {
    let usage = if with_expected {
        "write `hash_proof!(fnv1a, \"input\", 0x...)`"
    } else {
        "write `const_hash!(fnv1a, \"input\")`"
    };
    let parser = |input: ParseStream<'_>| {
        if input.is_empty() {
            return Err(input.error(format!("missing algorithm and input; {usage}")));
        }
        let ident: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected the algorithm's name first; {usage}"),
            )
        })?;
        let algorithm = lookup(&ident)?;
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `,` and the input after the algorithm; {usage}"),
            )
        })?;
        let hashed: Expr = input.parse()?;
        let expected = if with_expected {
            input.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("expected `,` and the expected hash after the input; {usage}"),
                )
            })?;
            let expected: Expr = input.parse()?;
            if algorithm.bits > 64 {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "`hash_proof!` checks hashes of up to 64 bits, and `{ident}` has {}; compare `const_hash!({ident}, ..)` in a `const` assertion instead",
                        algorithm.bits
                    ),
                ));
            }
            Some(expected)
        } else {
            None
        };
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens after the last argument; {usage}"
            )));
        }
        Ok(Call {
            algorithm,
            algorithm_ident: ident,
            input: hashed,
            expected,
        })
    };
    parser.parse2(tokens)
}

fn lookup(ident: &Ident) -> syn::Result<Algorithm> {
    let name = ident.to_string();
    if let Some((_, algorithm)) = ALGORITHMS.iter().find(|(n, _)| *n == name) {
        return Ok(*algorithm);
    }
    let names: Vec<&str> = ALGORITHMS.iter().map(|(n, _)| *n).collect();
    let known = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = match did_you_mean(&name, &names) {
        Some(guess) => format!(
            "unknown hash algorithm `{name}`; did you mean `{guess}`? The algorithms are {known}"
        ),
        None => format!("unknown hash algorithm `{name}`; the algorithms are {known}"),
    };
    Err(syn::Error::new(ident.span(), message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn reads_each_form() {
        let call = parse(quote!(fnv1a_32, "x"), false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(call.algorithm.bits, 32);
        assert!(call.expected.is_none());
        let call = parse(quote!(xxh3, b"x", 0x1234,), true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(call.algorithm.function, "xxh3::xxh3_64");
        assert!(call.expected.is_some());
    }

    #[test]
    fn rejects_what_it_cannot_check() {
        let message = |r: syn::Result<Call>| r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message(parse(quote!(md5, "x"), false)).contains("the algorithms are `fnv1a`"));
        assert!(message(parse(quote!(fnv1, "x"), false)).contains("did you mean `fnv1a`"));
        assert!(message(parse(quote!(xxh3_128, "x", 1), true)).contains("up to 64 bits"));
        assert!(message(parse(quote!(fnv1a), false)).contains("expected `,`"));
        assert!(message(parse(quote!(fnv1a, "x", 1), false)).contains("unexpected tokens"));
    }
}
