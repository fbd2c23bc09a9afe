//! `static_map!`, `const_hash_map!` and `static_set!`: compile-time perfect-hash maps.
//!
//! parse: the items and their entries -> [`parse::Item`]s (malformed entries reported
//! and skipped); validate: the declared type, each key against the key type, duplicate
//! keys; hash: the table search (`hash::build`), with the same hash as the runtime;
//! expand: the `static` with its tables, or a stub beside the errors.

mod expand;
mod hash;
mod parse;
mod validate;

use crate::diag::Errors;
use parse::Kind;
use proc_macro2::TokenStream;

/// `static_map! { [pub] static NAME: StaticMap<K, V> = { key => value, .. }; .. }`
pub(crate) fn map(input: TokenStream) -> TokenStream {
    run(Kind::Map, input)
}

/// `static_set! { [pub] static NAME: StaticSet<K> = { key, .. }; .. }`
pub(crate) fn set(input: TokenStream) -> TokenStream {
    run(Kind::Set, input)
}

fn run(kind: Kind, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let items = parse::items(kind, input, &mut errors);
    let checked: Vec<_> = items
        .iter()
        .map(|item| validate::item(kind, item, &mut errors))
        .collect();
    let mut out = TokenStream::new();
    if errors.is_empty() {
        for (item, checked) in items.iter().zip(&checked) {
            let Some(checked) = checked else { continue };
            let Some(keys) = &checked.keys else { continue };
            match hash::build(keys) {
                Some(table) => out.extend(expand::item(kind, item, checked, &table)),
                None => {
                    errors.at(
                        item.name.span(),
                        format_args!(
                            "could not find a perfect hash for the keys of `{}`; this should not happen, please report it with the keys",
                            item.name
                        ),
                    );
                    out.extend(expand::stub(kind, item, checked));
                }
            }
        }
        if errors.is_empty() {
            return out;
        }
    }
    // One error, not a cascade: every item still exists, with its declared type.
    let mut out = TokenStream::new();
    for (item, checked) in items.iter().zip(&checked) {
        if let Some(checked) = checked {
            out.extend(expand::stub(kind, item, checked));
        }
    }
    out.extend(errors.into_compile_errors());
    out
}
