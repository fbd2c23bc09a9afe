//! `const_hash!([crate = path,] algorithm, input)` and
//! `hash_proof!([crate = path,] algorithm, input, expected)`.
//!
//! Both expand to calls of the runtime's `const fn` hashes, so the compiler evaluates
//! the hash and the macro never re-implements it; the macro's part is to read the
//! algorithm and say clearly when it is unknown.

mod expand;
mod parse;

use proc_macro2::TokenStream;

pub(crate) fn const_hash(input: TokenStream) -> TokenStream {
    match parse::call(input) {
        Ok(call) => expand::const_hash(&call),
        Err(e) => e.to_compile_error(),
    }
}

pub(crate) fn hash_proof(input: TokenStream) -> TokenStream {
    match parse::proof(input) {
        Ok(call) => expand::hash_proof(&call),
        Err(e) => e.to_compile_error(),
    }
}
