//! `#[derive(Builder)]`: a typestate builder whose `build()` compiles only once every
//! required field is set.
//!
//! parse: the derive input and its `#[builder(..)]` options -> [`parse::Input`]
//! (simple checks as each option is read);
//! validate: the builder's method names must not clash;
//! expand: the builder, its setters, `build()` and the per-field marker traits, one
//! module per generated item.

mod expand;
mod parse;
mod validate;

use proc_macro2::TokenStream;

/// `#[derive(Builder)]` on an item.
pub(crate) fn derive(item: TokenStream) -> TokenStream {
    let mut errors = crate::diag::Errors::default();
    let input = match syn::parse2::<syn::DeriveInput>(item) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let model = parse::input(&input, &mut errors);
    let methods = model
        .as_ref()
        .and_then(|model| validate::methods(model, &mut errors));
    // A bad option was reported and left out of the model: the builder is still
    // generated, so that code using it reports nothing more than that option.
    let mut out = match (&model, &methods) {
        (Some(model), Some(methods)) => expand::builder(model, methods),
        _ => TokenStream::new(),
    };
    out.extend(errors.into_compile_errors());
    out
}
