//! Checks on the annotated item: what kind of item, `async`/`const`, and the
//! allocation lint for hot paths; and the arguments made whole for expansion.

use super::parse::{Args, Budget, Kind, Measure};
use crate::diag::Errors;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Item, ItemFn, Stmt};

/// The arguments of a path that can be expanded: every one known, defaulted or given.
pub(crate) struct Checked {
    pub(crate) kind: Kind,
    pub(crate) budget: Budget,
    /// `None`: named after the function, or `{block}` in its module.
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) allow_alloc: bool,
    pub(crate) measure: Measure,
    pub(crate) krate: syn::Path,
    /// The `impl`'s type, from `#[impl_paths]`: part of the default name.
    pub(crate) impl_type: Option<syn::LitStr>,
    /// The `impl` is generic, from `#[impl_paths]`.
    pub(crate) impl_generic: bool,
}

/// The arguments as expansion takes them; `None` when the budget is missing or was
/// rejected, which parsing has reported.
pub(crate) fn complete(args: Args) -> Option<Checked> {
    let Args {
        kind,
        budget,
        name,
        allow_alloc,
        measure,
        krate,
        impl_type,
        impl_generic,
    } = args;
    Some(Checked {
        kind,
        budget: budget?,
        name,
        allow_alloc,
        measure,
        krate,
        impl_type,
        impl_generic,
    })
}

/// Parses the item and checks that it is a function the attribute can measure.
pub(crate) fn function(
    kind: Kind,
    item: &TokenStream,
    args: &Args,
    errors: &mut Errors,
) -> Option<ItemFn> {
    let attr = kind.attribute();
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => function,
        Ok(Item::Verbatim(tokens)) if is_bodiless_fn(&tokens) => {
            errors.spanned(
                &tokens,
                format_args!(
                    "`#[{attr}]` needs a function body to measure; put it on the function's implementations instead"
                ),
            );
            return None;
        }
        Ok(other) => {
            let (span, what) = describe(&other);
            errors.at(
                span,
                format_args!("`#[{attr}]` applies to functions and methods, not to {what}"),
            );
            return None;
        }
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    if let Some(token) = function.sig.asyncness {
        errors.at(
            token.span,
            format_args!(
                "`#[{attr}]` cannot measure an `async fn`: its body runs across many polls, not within one call; measure the synchronous work it calls instead"
            ),
        );
    }
    if let Some(token) = function.sig.constness {
        errors.at(
            token.span,
            format_args!(
                "`#[{attr}]` cannot apply to a `const fn`: the cycle counter cannot be read during const evaluation; remove `const` or the attribute"
            ),
        );
    }
    if kind == Kind::Hot && !args.allow_alloc {
        lint_allocations(&function.block.stmts, Context::Attribute, errors);
    }
    Some(function)
}

/// Checks the body of a block form.
pub(crate) fn block(kind: Kind, args: &Args, body: &[Stmt], errors: &mut Errors) {
    if kind == Kind::Hot && !args.allow_alloc {
        lint_allocations(body, Context::Block, errors);
    }
}

/// Where the checked code was written, for the fix the message suggests.
#[derive(Clone, Copy)]
enum Context {
    Attribute,
    Block,
}

fn is_bodiless_fn(tokens: &TokenStream) -> bool {
    syn::parse2::<syn::TraitItemFn>(tokens.clone()).is_ok_and(|f| f.default.is_none())
}

fn describe(item: &Item) -> (Span, &'static str) {
    match item {
        Item::Struct(i) => (i.struct_token.span, "a struct"),
        Item::Enum(i) => (i.enum_token.span, "an enum"),
        Item::Union(i) => (i.union_token.span, "a union"),
        Item::Const(i) => (i.const_token.span, "a constant"),
        Item::Static(i) => (i.static_token.span, "a static"),
        Item::Mod(i) => (i.mod_token.span, "a module"),
        Item::Trait(i) => (i.trait_token.span, "a trait"),
        Item::Impl(i) => (
            i.impl_token.span,
            "an impl block; put it on each method to measure",
        ),
        Item::Type(i) => (i.type_token.span, "a type alias"),
        Item::Use(i) => (i.use_token.span, "a `use` declaration"),
        Item::ExternCrate(i) => (i.extern_token.span, "an `extern crate`"),
        Item::ForeignMod(i) => (i.abi.extern_token.span, "an `extern` block"),
        Item::Macro(i) => (i.mac.path.span(), "a macro invocation"),
        other => (other.span(), "this item"),
    }
}

/// Constructs that obviously allocate or print, and what each does.
const FORBIDDEN_MACROS: &[(&str, &str)] = &[
    ("vec", "allocates a `Vec` on the heap"),
    ("format", "allocates a `String` on the heap"),
    (
        "println",
        "prints to stdout (locking it, and possibly allocating)",
    ),
    (
        "eprintln",
        "prints to stderr (locking it, and possibly allocating)",
    ),
    (
        "print",
        "prints to stdout (locking it, and possibly allocating)",
    ),
    (
        "eprint",
        "prints to stderr (locking it, and possibly allocating)",
    ),
    (
        "dbg",
        "prints to stderr (locking it, and possibly allocating)",
    ),
];
const FORBIDDEN_CALLS: &[(&str, &str, &str)] = &[
    ("Box", "new", "allocates on the heap"),
    ("String", "from", "allocates a `String` on the heap"),
];
const FORBIDDEN_METHODS: &[(&str, &str)] = &[
    ("to_string", "allocates a `String` on the heap"),
    (
        "to_owned",
        "usually allocates (`str` and slices copy to the heap)",
    ),
    ("collect", "usually allocates a collection on the heap"),
];

fn lint_allocations(body: &[Stmt], context: Context, errors: &mut Errors) {
    let mut finder = AllocationFinder { errors, context };
    for stmt in body {
        finder.visit_stmt(stmt);
    }
}

struct AllocationFinder<'e> {
    errors: &'e mut Errors,
    context: Context,
}

impl AllocationFinder<'_> {
    fn report(&mut self, tokens: &dyn quote::ToTokens, construct: &str, what: &str) {
        let fix = match self.context {
            Context::Attribute => {
                "add `allow_alloc` to the attribute: `#[hot_path(.., allow_alloc)]`"
            }
            Context::Block => {
                "add `allow_alloc,` to the arguments: `block::hot_path! { budget = .., allow_alloc, .. }`"
            }
        };
        self.errors.spanned(
            tokens,
            format_args!(
                "`{construct}` {what}, and a hot path must neither allocate nor print; move it out of the hot path, or, if it is intended, {fix}"
            ),
        );
    }
}

impl<'ast> Visit<'ast> for AllocationFinder<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(last) = mac.path.segments.last() {
            let name = last.ident.to_string();
            if let Some((_, why)) = FORBIDDEN_MACROS.iter().find(|(m, _)| *m == name) {
                self.report(&mac.path, &format!("{name}!"), why);
            }
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if let [.., ty, func] = segments.as_slice()
                && let Some((_, _, why)) = FORBIDDEN_CALLS
                    .iter()
                    .find(|(t, f, _)| t == ty && f == func)
            {
                self.report(path, &format!("{ty}::{func}"), why);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        if let Some((_, why)) = FORBIDDEN_METHODS.iter().find(|(m, _)| *m == name) {
            self.report(&call.method, &format!(".{name}()"), why);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    // A nested item is not part of this call's work unless called, and then it is
    // checked (or not) by its own attribute.
    fn visit_item(&mut self, _: &'ast Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn findings(body: TokenStream) -> usize {
        let block: syn::Block = syn::parse2(quote!({ #body })).expect("test body parses");
        let mut errors = Errors::default();
        lint_allocations(&block.stmts, Context::Attribute, &mut errors);
        errors
            .into_compile_errors()
            .to_string()
            .matches("compile_error")
            .count()
    }

    #[test]
    fn finds_each_construct_and_only_those() {
        assert_eq!(findings(quote!(let v = vec![1];)), 1);
        assert_eq!(findings(quote!(let s = std::format!("{}", 1);)), 1);
        assert_eq!(findings(quote!(println!("x");)), 1);
        assert_eq!(findings(quote!(let b = ::std::boxed::Box::new(1);)), 1);
        assert_eq!(findings(quote!(let s = String::from("x");)), 1);
        assert_eq!(findings(quote!(let s = 1.to_string().to_owned();)), 2);
        assert_eq!(
            findings(quote!(let v: Vec<u8> = it.map(|x| x.collect()).collect();)),
            2
        );
        assert_eq!(findings(quote!(let x = a.wrapping_mul(b) ^ c;)), 0);
        assert_eq!(
            findings(quote!(
                fn helper() -> String {
                    format!("x")
                }
            )),
            0
        );
    }
}
