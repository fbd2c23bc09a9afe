//! The sealed trait with its private supertrait, or an impl with its seal.

use crate::generics::param_arg;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{GenericParam, Ident, ItemImpl, ItemTrait, PathArguments, Token, TypeParamBound};

/// The generated module holding the seal of trait `name`.
fn module_name(name: &Ident) -> Ident {
    format_ident!("__knhk_sealed_{}", name.unraw(), span = name.span())
}

/// The trait with the seal as its first supertrait, and the module that defines the seal.
///
/// The seal has the trait's generic parameters (without bounds, with defaults), so that
/// one type can implement `Trait<A>` and `Trait<B>` and seal each.
pub(crate) fn sealed_trait(mut item: ItemTrait, crate_name: &str) -> TokenStream {
    let name = item.ident.unraw().to_string();
    let module = module_name(&item.ident);

    let params: Punctuated<GenericParam, Token![,]> = item
        .generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(p) => {
                let mut p = p.clone();
                p.colon_token = None;
                p.bounds.clear();
                p.attrs.clear();
                GenericParam::Lifetime(p)
            }
            GenericParam::Type(p) => {
                let mut p = p.clone();
                p.colon_token = None;
                p.bounds.clear();
                p.attrs.clear();
                GenericParam::Type(p)
            }
            GenericParam::Const(p) => {
                let mut p = p.clone();
                p.attrs.clear();
                GenericParam::Const(p)
            }
        })
        .collect();
    let args: Vec<TokenStream> = item.generics.params.iter().map(param_arg).collect();
    let (seal, params) = if params.is_empty() {
        (quote!(#module::Sealed), TokenStream::new())
    } else {
        (quote!(#module::Sealed<#(#args),*>), quote!(<#params>))
    };
    let seal: TypeParamBound = syn::parse_quote!(#seal);
    item.supertraits.insert(0, seal);
    item.colon_token.get_or_insert_with(Default::default);
    // Generic defaults may name items of the trait's module.
    let has_defaults = item.generics.params.iter().any(|p| match p {
        GenericParam::Type(p) => p.default.is_some(),
        GenericParam::Const(p) => p.default.is_some(),
        GenericParam::Lifetime(_) => false,
    });
    let use_super = has_defaults.then(|| {
        quote!(
            use super::*;
        )
    });

    let message = format!("`{{Self}}` cannot implement `{name}`: the trait is sealed");
    let label = format!("`{name}` is sealed");
    let note = format!(
        "only crate `{crate_name}` can implement `{name}`; use one of the types it implements it for, or, inside `{crate_name}`, write `#[sealed]` on the impl"
    );
    // After the user's docs, so that their summary line stays first; not on an
    // undocumented trait, whose missing docs `missing_docs` should still report.
    if item.attrs.iter().any(|a| a.path().is_ident("doc")) {
        let doc = format!("\n\nThis trait is sealed: only crate `{crate_name}` can implement it.");
        item.attrs.push(syn::parse_quote!(#[doc = #doc]));
    }
    quote! {
        #item

        #[doc(hidden)]
        #[allow(non_snake_case, unreachable_pub)]
        pub(crate) mod #module {
            #use_super

            /// The seal of a `#[sealed]` trait: only this crate can implement it.
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait Sealed #params {}
        }
    }
}

/// The impl as written and the seal's impl for the same type, under the same generics.
///
/// The seal is named by the path the impl names the trait by, with its last segment
/// `Trait<Args>` replaced by `__knhk_sealed_Trait::Sealed<Args>`, spanned on the trait's
/// name so that a trait without a seal is reported there.
pub(crate) fn sealed_impl(item: ItemImpl) -> TokenStream {
    let Some((_, path, _)) = &item.trait_ else {
        // parse only passes trait impls
        return quote!(#item);
    };
    let mut seal = path.clone();
    if let Some(last) = seal.segments.pop() {
        let last = last.into_value();
        let module = module_name(&last.ident);
        let span = last.ident.span();
        let args = match &last.arguments {
            PathArguments::AngleBracketed(args) => quote!(#args),
            _ => TokenStream::new(),
        };
        seal.segments
            .push(syn::parse_quote_spanned!(span=> #module));
        seal.segments
            .push(syn::parse_quote_spanned!(span=> Sealed #args));
    }
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let span = path
        .segments
        .last()
        .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
    let seal_impl = quote_spanned! {span=>
        #[automatically_derived]
        impl #impl_generics #seal for #self_ty #where_clause {}
    };
    quote! {
        #item
        #seal_impl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trait_gets_the_seal_first_and_a_module_beside_it() {
        let item: ItemTrait = syn::parse_quote!(
            pub trait Tel<'a, T: Clone = u8, const N: usize>: Send {
                fn f(&self);
            }
        );
        let out = sealed_trait(item, "demo").to_string();
        assert!(out.contains("pub trait Tel < 'a , T : Clone = u8 , const N : usize > : __knhk_sealed_Tel :: Sealed < 'a , T , N > + Send"), "{out}");
        assert!(out.contains("pub (crate) mod __knhk_sealed_Tel"), "{out}");
        assert!(
            out.contains("pub trait Sealed < 'a , T = u8 , const N : usize > { }"),
            "{out}"
        );
        assert!(
            out.contains("only crate `demo` can implement `Tel`"),
            "{out}"
        );
    }

    #[test]
    fn trait_without_supertraits_gets_a_colon() {
        let item: ItemTrait = syn::parse_quote!(
            trait r#T {}
        );
        let out = sealed_trait(item, "demo").to_string();
        assert!(
            out.contains("trait r#T : __knhk_sealed_T :: Sealed { }"),
            "{out}"
        );
        assert!(out.contains("pub trait Sealed { }"), "{out}");
        assert!(!out.contains("use super"), "{out}");
    }

    #[test]
    fn impl_seals_through_the_trait_path() {
        let item: ItemImpl = syn::parse_quote!(
            unsafe impl<X: Copy> crate::a::Tel<'static, X, 3> for Vec<X> where X: Send {}
        );
        let out = sealed_impl(item).to_string();
        assert!(out.contains("impl < X : Copy > crate :: a :: __knhk_sealed_Tel :: Sealed < 'static , X , 3 > for Vec < X > where X : Send { }"), "{out}");
        assert!(
            !out.contains("unsafe impl < X : Copy > crate :: a :: __knhk_sealed"),
            "{out}"
        );
    }
}
