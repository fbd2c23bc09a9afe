//! Error accumulation and the safety net around every entry point.

use proc_macro2::{Span, TokenStream};
use std::fmt::Display;

/// Errors collected while reading and checking one macro input, reported together.
#[derive(Default)]
pub(crate) struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(error),
            None => self.first = Some(error),
        }
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// An error underlining all of `tokens` (not just their first token).
    pub(crate) fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Every error as `compile_error!` invocations.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.first.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}

/// Notes `key` as given; reports it and returns false if it was given before.
pub(crate) fn first_seen(
    seen: &mut Vec<&'static str>,
    key: &'static str,
    span: Span,
    errors: &mut Errors,
) -> bool {
    if seen.contains(&key) {
        errors.at(span, format_args!("`{key}` is given twice; remove one"));
        false
    } else {
        seen.push(key);
        true
    }
}

/// `words` in backticks, comma-separated: the list of known keys an error offers.
pub(crate) fn code_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Runs a function-like or derive macro, turning a panic (a bug in this crate) into a
/// compile error that says so. There is no item of the user's to keep: a derive's item
/// stays anyway, and a function-like macro's input is not Rust on its own.
pub(crate) fn catch_bugs(f: impl FnOnce() -> TokenStream) -> proc_macro::TokenStream {
    guarded(None, f).into()
}

/// Runs an attribute macro like [`catch_bugs`], and on a panic emits the user's `item`
/// unchanged beside the error, so that one bug is one error and not also "cannot find
/// function" wherever the item is used.
pub(crate) fn catch_bugs_keeping(
    item: &proc_macro::TokenStream,
    f: impl FnOnce() -> TokenStream,
) -> proc_macro::TokenStream {
    guarded(Some(item.clone().into()), f).into()
}

fn guarded(keep: Option<TokenStream>, f: impl FnOnce() -> TokenStream) -> TokenStream {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(tokens) => tokens,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let message = format!(
                "bug in knhk-macros: the macro panicked ({what}); please report it with the code that caused it"
            );
            let mut tokens = syn::Error::new(Span::call_site(), message).to_compile_error();
            tokens.extend(keep);
            tokens
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["budget", "name", "allow_alloc", "measure"];
        assert_eq!(did_you_mean("budgte", &keys), Some("budget"));
        assert_eq!(did_you_mean("allow_allocs", &keys), Some("allow_alloc"));
        assert_eq!(did_you_mean("nmae", &keys), Some("name"));
        assert_eq!(did_you_mean("frobnicate", &keys), None);
    }

    #[test]
    fn a_panic_becomes_one_error_beside_the_kept_item() {
        let item: TokenStream = quote::quote!(
            fn kept() {}
        );
        let out = guarded(Some(item.clone()), || panic!("index out of range")).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("bug in knhk-macros"), "{out}");
        assert!(out.contains("index out of range"), "{out}");
        assert!(out.ends_with(&item.to_string()), "{out}");

        let out = guarded(None, || panic!("{}", String::from("formatted"))).to_string();
        assert!(out.contains("(formatted)"), "{out}");
        assert!(!out.contains("fn kept"), "{out}");

        let fine = guarded(Some(item.clone()), || {
            quote::quote!(
                fn expanded() {}
            )
        });
        assert_eq!(
            fine.to_string(),
            quote::quote!(
                fn expanded() {}
            )
            .to_string()
        );
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
