//! `static_map!`, `const_hash_map!` and `static_set!`: compile-time perfect-hash maps.
//!
//! parse: a leading `crate = path;`, the items and their entries -> [`parse::Input`]
//! (malformed entries reported and skipped); validate: the declared type, each key
//! against the key type, duplicate keys -> every item [`validate::Valid`], or the
//! declared types for stubs; hash: the table search (`hash::build`), with the same hash
//! as the runtime; expand: the `static` with its tables, or a stub beside the errors.

mod expand;
mod hash;
mod parse;
mod validate;

use crate::diag::Errors;
use parse::Kind;
use proc_macro2::TokenStream;

/// `static_map! { [crate = path;] [pub] static NAME: StaticMap<K, V> = { key => value, .. }; .. }`
pub(crate) fn map(input: TokenStream) -> TokenStream {
    run(Kind::Map, input)
}

/// `static_set! { [crate = path;] [pub] static NAME: StaticSet<K> = { key, .. }; .. }`
pub(crate) fn set(input: TokenStream) -> TokenStream {
    run(Kind::Set, input)
}

fn run(kind: Kind, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let input = parse::input(kind, input, &mut errors);
    let krate = &input.krate;
    let stubs = match validate::items(kind, &input.items, &mut errors) {
        validate::Outcome::Valid(items) => {
            let mut out = TokenStream::new();
            for item in &items {
                match hash::build(&item.keys) {
                    Some(table) => out.extend(expand::item(krate, item, &table)),
                    None => errors.at(
                        item.declared.item.name.span(),
                        format_args!(
                            "could not find a perfect hash for the keys of `{}`; this should not happen, please report it with the keys",
                            item.declared.item.name
                        ),
                    ),
                }
            }
            if errors.is_empty() {
                return out;
            }
            items.into_iter().map(|item| item.declared).collect()
        }
        validate::Outcome::Invalid(stubs) => stubs,
    };
    // One error, not a cascade: every item still exists, with its declared type.
    let mut out = TokenStream::new();
    for declared in &stubs {
        out.extend(expand::stub(krate, declared));
    }
    out.extend(errors.into_compile_errors());
    out
}
