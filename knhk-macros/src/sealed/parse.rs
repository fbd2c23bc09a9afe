//! The attribute's arguments (there are none) and the item it is on.

use crate::diag::Errors;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Item, ItemImpl, ItemTrait};

/// What `#[sealed]` can be put on.
pub(crate) enum Sealed {
    /// A trait to seal.
    Trait(ItemTrait),
    /// An impl of a sealed trait, inside the crate that defines it.
    Impl(ItemImpl),
}

/// `#[sealed]` takes no arguments.
pub(crate) fn args(args: TokenStream, errors: &mut Errors) {
    if !args.is_empty() {
        errors.spanned(
            &args,
            "`#[sealed]` takes no arguments; write `#[sealed]`: the seal is always private to the crate",
        );
    }
}

/// The trait or trait impl, or `None` after recording why it is neither.
pub(crate) fn item(item: &TokenStream, errors: &mut Errors) -> Option<Sealed> {
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Trait(mut item)) => {
            remove_repeated(&mut item.attrs, errors);
            Some(Sealed::Trait(item))
        }
        Ok(Item::Impl(item)) => impl_of_trait(item, errors).map(Sealed::Impl),
        Ok(other) => {
            let (span, what) = describe(&other);
            errors.at(
                span,
                format_args!(
                    "`#[sealed]` goes on a trait, to seal it, or on an `impl Trait for Type` of a sealed trait, not on {what}"
                ),
            );
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn impl_of_trait(mut item: ItemImpl, errors: &mut Errors) -> Option<ItemImpl> {
    let Some((negative, _, _)) = &item.trait_ else {
        errors.spanned(
            {
                let (impl_token, self_ty) = (&item.impl_token, &item.self_ty);
                quote::quote!(#impl_token #self_ty)
            },
            "`#[sealed]` on an impl needs an impl of a sealed trait, `#[sealed] impl Trait for Type`; an inherent impl has nothing to seal, so remove the attribute",
        );
        return None;
    };
    if let Some(bang) = negative {
        errors.at(
            bang.span,
            "`#[sealed]` cannot seal a negative impl; remove the attribute",
        );
        return None;
    }
    remove_repeated(&mut item.attrs, errors);
    Some(item)
}

/// A second `#[sealed]` would generate a second seal of the same name: report it and
/// drop it, so that the user sees this error alone.
fn remove_repeated(attrs: &mut Vec<syn::Attribute>, errors: &mut Errors) {
    attrs.retain(|attr| {
        let repeated = attr
            .path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "sealed");
        if repeated {
            errors.spanned(attr, "`#[sealed]` is given twice; remove this one");
        }
        !repeated
    });
}

fn describe(item: &Item) -> (Span, &'static str) {
    match item {
        Item::Struct(i) => (i.struct_token.span, "a struct"),
        Item::Enum(i) => (i.enum_token.span, "an enum"),
        Item::Union(i) => (i.union_token.span, "a union"),
        Item::Fn(i) => (i.sig.fn_token.span, "a function"),
        Item::Const(i) => (i.const_token.span, "a constant"),
        Item::Static(i) => (i.static_token.span, "a static"),
        Item::Mod(i) => (i.mod_token.span, "a module"),
        Item::Type(i) => (i.type_token.span, "a type alias"),
        Item::Use(i) => (i.use_token.span, "a `use` declaration"),
        Item::TraitAlias(i) => (i.trait_token.span, "a trait alias"),
        Item::Macro(i) => (i.mac.path.span(), "a macro invocation"),
        other => (other.span(), "this item"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors_of(args: TokenStream, item: TokenStream) -> String {
        let mut errors = Errors::default();
        super::args(args, &mut errors);
        let _ = super::item(&item, &mut errors);
        errors.into_compile_errors().to_string()
    }

    #[test]
    fn accepts_traits_and_trait_impls() {
        assert_eq!(
            errors_of(
                quote!(),
                quote!(
                    pub trait T {}
                )
            ),
            ""
        );
        assert_eq!(
            errors_of(
                quote!(),
                quote!(
                    impl<X> a::T<X> for Vec<X> {}
                )
            ),
            ""
        );
    }

    #[test]
    fn rejects_arguments_other_items_and_inherent_impls() {
        assert!(
            errors_of(
                quote!(pub),
                quote!(
                    trait T {}
                )
            )
            .contains("takes no arguments")
        );
        assert!(
            errors_of(
                quote!(),
                quote!(
                    struct S;
                )
            )
            .contains("not on a struct")
        );
        assert!(
            errors_of(
                quote!(),
                quote!(
                    fn f() {}
                )
            )
            .contains("not on a function")
        );
        assert!(
            errors_of(quote!(), quote!(impl S {})).contains("an inherent impl has nothing to seal")
        );
        assert!(errors_of(quote!(), quote!(impl !T for S {})).contains("negative impl"));
        assert!(
            errors_of(
                quote!(),
                quote!(
                    #[sealed]
                    trait T {}
                )
            )
            .contains("given twice")
        );
    }
}
