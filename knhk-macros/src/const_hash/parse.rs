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
    ("xxh3", algorithm("xxh3_64", 64)),
    ("xxh3_64", algorithm("xxh3_64", 64)),
    ("xxh3_128", algorithm("xxh3_128", 128)),
];

/// `const_hash!([crate = path,] algorithm, input)`.
pub(crate) struct Call {
    pub(crate) algorithm: Algorithm,
    pub(crate) algorithm_ident: Ident,
    pub(crate) input: Expr,
    /// Where the expansion finds knhk-runtime.
    pub(crate) krate: syn::Path,
}

/// `hash_proof!([crate = path,] algorithm, input, expected)`.
pub(crate) struct Proof {
    pub(crate) call: Call,
    pub(crate) expected: Expr,
}

const HASH_USAGE: &str = "write `const_hash!(fnv1a, \"input\")`";
const PROOF_USAGE: &str = "write `hash_proof!(fnv1a, \"input\", 0x...)`";

pub(crate) fn call(tokens: TokenStream) -> syn::Result<Call> {
    let parser = |input: ParseStream<'_>| {
        let call = read_call(input, HASH_USAGE)?;
        end(input, HASH_USAGE)?;
        Ok(call)
    };
    parser.parse2(tokens)
}

pub(crate) fn proof(tokens: TokenStream) -> syn::Result<Proof> {
    let parser = |input: ParseStream<'_>| {
        let call = read_call(input, PROOF_USAGE)?;
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `,` and the expected hash after the input; {PROOF_USAGE}"),
            )
        })?;
        let expected: Expr = input.parse()?;
        if call.algorithm.bits > 64 {
            let ident = &call.algorithm_ident;
            return Err(syn::Error::new(
                ident.span(),
                format!(
                    "`hash_proof!` checks hashes of up to 64 bits, and `{ident}` has {}; compare `const_hash!({ident}, ..)` in a `const` assertion instead",
                    call.algorithm.bits
                ),
            ));
        }
        end(input, PROOF_USAGE)?;
        Ok(Proof { call, expected })
    };
    parser.parse2(tokens)
}

/// `[crate = path,] algorithm, input`, the arguments both macros start with.
fn read_call(input: ParseStream<'_>, usage: &str) -> syn::Result<Call> {
    if input.is_empty() {
        return Err(input.error(format!("missing algorithm and input; {usage}")));
    }
    let krate = crate::krate::leading::<Token![,]>(input, ",", "the algorithm")?
        .unwrap_or_else(crate::krate::default_path);
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
    Ok(Call {
        algorithm,
        algorithm_ident: ident,
        input: hashed,
        krate,
    })
}

/// An optional trailing comma, then nothing.
fn end(input: ParseStream<'_>, usage: &str) -> syn::Result<()> {
    let _ = input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(input.error(format!(
            "unexpected tokens after the last argument; {usage}"
        )));
    }
    Ok(())
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
        let path = |p: &syn::Path| quote::ToTokens::to_token_stream(p).to_string();
        let read = call(quote!(fnv1a_32, "x")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.algorithm.bits, 32);
        assert_eq!(path(&read.krate), ":: knhk_runtime");
        let read = proof(quote!(xxh3, b"x", 0x1234,)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.call.algorithm.function, "xxh3_64");
        let read =
            call(quote!(crate = ::facade::knhk, fnv1a, "x")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(path(&read.krate), ":: facade :: knhk");
        let read = proof(quote!(crate = my_knhk, fnv1a, "a", 1)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(path(&read.call.krate), "my_knhk");
    }

    #[test]
    fn rejects_what_it_cannot_check() {
        fn message<T>(r: syn::Result<T>) -> String {
            r.err().map(|e| e.to_string()).unwrap_or_default()
        }
        assert!(message(call(quote!(md5, "x"))).contains("the algorithms are `fnv1a`"));
        assert!(message(call(quote!(fnv1, "x"))).contains("did you mean `fnv1a`"));
        assert!(message(proof(quote!(xxh3_128, "x", 1))).contains("up to 64 bits"));
        assert!(message(call(quote!(fnv1a))).contains("expected `,`"));
        assert!(message(call(quote!(fnv1a, "x", 1))).contains("unexpected tokens"));
        assert!(message(call(quote!(crate = "k", fnv1a, "x"))).contains("without quotes"));
    }
}
