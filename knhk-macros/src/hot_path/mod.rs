//! `#[hot_path]`, `#[warm_path]` and their block forms.
//!
//! parse: attribute tokens -> [`parse::Args`] (simple checks as each argument is read);
//! validate: the annotated item (kind of item, `async`/`const`, allocation lint);
//! expand: measured and plain code, chosen by the runtime's `__private::select!`.

mod expand;
mod maximum;
mod parse;
mod validate;

use proc_macro2::TokenStream;

pub(crate) use parse::Kind;

pub(crate) use maximum::{MAX_HOT_PATH_TICKS, MIN_TICKS, runtime_items};

/// `#[hot_path(..)]` / `#[warm_path(..)]` on an item.
pub(crate) fn attribute(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = crate::diag::Errors::default();
    let args = parse::Args::from_attribute(kind, args, &mut errors);
    let function = validate::function(kind, &item, &args, &mut errors);
    match (function, validate::complete(args)) {
        (Some(function), Some(args)) if errors.is_empty() => {
            expand::function(&args, &function, item)
        }
        // One error, not a cascade: the item as written, plus what is wrong with it.
        _ => {
            let mut out = item;
            out.extend(errors.into_compile_errors());
            out
        }
    }
}

/// `block::hot_path! { budget = 8, name = "..", <statements> }` and the warm form.
/// A block whose budget is missing or rejected still type-checks where it stands.
pub(crate) fn block(kind: Kind, input: TokenStream) -> TokenStream {
    let mut errors = crate::diag::Errors::default();
    let Some((args, body)) = parse::Args::from_block(kind, input, &mut errors) else {
        return errors.into_compile_errors();
    };
    validate::block(kind, &args, &body, &mut errors);
    match validate::complete(args) {
        Some(args) if errors.is_empty() => expand::block(&args, &body),
        _ => {
            // The errors first and the code as its value, so that it still type-checks
            // where it stands and the user sees only what is wrong with the arguments.
            let errors = errors.into_compile_errors();
            quote::quote!({ #errors #(#body)* })
        }
    }
}
