//! `#[sealed]`: a trait only its own crate can implement.
//!
//! On a trait, the attribute adds a supertrait `Sealed` that lives in a generated
//! `pub(crate)` module beside the trait, `__knhk_sealed_<Trait>`: other crates cannot
//! name it, so they cannot implement it, so they cannot implement the trait. The
//! supertrait carries `#[diagnostic::on_unimplemented]`, so a downstream impl is told
//! that the trait is sealed and by which crate. On an `impl Trait for Type` inside the
//! crate, the attribute adds the matching `impl <path>::__knhk_sealed_<Trait>::Sealed for
//! Type`, where `<path>` is the path the impl names the trait by.
//!
//! parse: the attribute's (absent) arguments and the item, trait or trait impl;
//! expand: the sealed trait and its module, or the impl and its seal.

mod expand;
mod parse;

use proc_macro2::TokenStream;

/// `#[sealed]` on a trait or on an impl of a sealed trait.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = crate::diag::Errors::default();
    parse::args(args, &mut errors);
    let expanded = match parse::item(&item, &mut errors) {
        Some(parse::Sealed::Trait(item)) => expand::sealed_trait(item, &crate_name()),
        Some(parse::Sealed::Impl(item)) => expand::sealed_impl(item),
        // The item as written, so that only the attribute's mistake is reported.
        None => item,
    };
    let mut out = expanded;
    out.extend(errors.into_compile_errors());
    out
}

/// The crate being compiled, for the message that names who may implement the trait.
fn crate_name() -> String {
    std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| "that defines it".to_owned())
}
