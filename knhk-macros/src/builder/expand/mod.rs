//! [`Input`] -> the builder type, its setters, `build()`, the start function and one
//! pair of marker traits per field, one module per generated item. Cannot fail.
//!
//! The builder has one type parameter per field, the field's state: `Unset` or
//! `Set<T>`, held by value (see [`Layout`] for where). All setters live in one impl
//! block generic over every state, so a setter costs its return type and about 2√n
//! moves, and nothing else is generated per pair of fields; what does not depend on
//! the struct (`Set`, `Unset`, `Slot`) is in knhk-runtime. The marker traits carry the
//! messages: each setter requires `<field>_is_unset` of its state, and `build()`
//! requires `<field>_is_set<T>` of each required field's state, which also hands over
//! the value, and `Slot<T>` of the others.
//!
//! - [`state`]: the builder struct and its `Debug` impl;
//! - [`markers`]: the module of marker traits and their impls for `Set`/`Unset`;
//! - [`start`]: the struct's start function;
//! - [`setters`]: one or two setters per field;
//! - [`build`]: the finishing method and what it requires of each state.

mod build;
mod layout;
mod markers;
mod self_type;
mod setters;
mod start;
mod state;

use super::parse::{Field, FieldKind, Input};
use super::validate::Methods;
use crate::generics::param_arg;
use layout::Layout;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use self_type::SelfType;
use syn::ext::IdentExt;
use syn::{GenericParam, Ident, Index, Visibility};

/// The whole expansion.
pub(crate) fn builder(input: &Input<'_>, methods: &Methods) -> TokenStream {
    let cx = Builder::new(input, methods);
    let fields: Vec<FieldCx<'_>> = (0..input.fields.len()).map(|i| cx.field(i)).collect();
    let state = state::builder_struct(&cx);
    let markers = markers::module(&cx, &fields);
    let marker_impls = fields.iter().map(|field| markers::impls(&cx, field));
    let start = start::function(&cx);
    let setters = fields.iter().map(|field| setters::setters(&cx, field));
    let finish = build::function(&cx, &fields);
    let debug = state::debug_impl(&cx);
    let Builder {
        builder,
        all_generics,
        builder_where,
        ..
    } = &cx;
    let (all_impl_generics, all_ty_generics, _) = all_generics.split_for_impl();
    quote! {
        #state

        #markers

        #(#marker_impls)*

        #start

        #[automatically_derived]
        impl #all_impl_generics #builder #all_ty_generics #builder_where {
            #(#setters)*

            #finish
        }

        #debug
    }
}

/// What every generated item needs to know of the struct and its builder.
struct Builder<'a> {
    input: &'a Input<'a>,
    methods: &'a Methods,
    /// The path to knhk-runtime.
    krate: &'a syn::Path,
    /// `<krate>::builder`, where `Set`, `Unset` and `Slot` live.
    rt: TokenStream,
    /// The struct's name without `r#`.
    name: String,
    /// `<Name>Builder`.
    builder: Ident,
    /// `__knhk_<Name>Builder`, the module of marker traits.
    module: Ident,
    /// The visibility of the struct, seen from inside that module.
    inner_vis: TokenStream,
    /// The struct's generic parameters as arguments.
    user_args: Vec<TokenStream>,
    /// One state parameter per field: `__S0`, `__S1`, ...
    states: Vec<Ident>,
    /// The struct's generics followed by the states.
    all_generics: syn::Generics,
    /// The `PhantomData` field of a generic struct's builder.
    phantom: Option<TokenStream>,
    /// The struct's where clause, with `Self` meaning the struct.
    builder_where: TokenStream,
    layout: Layout,
    self_ty: SelfType,
}

impl<'a> Builder<'a> {
    fn new(input: &'a Input<'a>, methods: &'a Methods) -> Builder<'a> {
        let krate = &input.krate;
        let ident = input.ident;
        let name = ident.unraw().to_string();
        let builder = Ident::new(&format!("{name}Builder"), ident.span());
        let module = format_ident!("__knhk_{}", builder);
        let generics = input.generics;
        let (_, ty_generics, _) = generics.split_for_impl();
        let states: Vec<Ident> = (0..input.fields.len())
            .map(|i| format_ident!("__S{}", i))
            .collect();
        let mut all_generics = generics.clone();
        all_generics.params.extend(
            states
                .iter()
                .map(|s| -> GenericParam { syn::parse_quote!(#s) }),
        );
        // In the builder's impl `Self` is the builder: field types and defaults that say
        // `Self` mean the struct.
        let self_ty = SelfType {
            qualified: quote!(<#ident #ty_generics>),
            ty: quote!(#ident #ty_generics),
            expr: {
                let turbofish = ty_generics.as_turbofish();
                quote!(#ident #turbofish)
            },
        };
        Builder {
            input,
            methods,
            krate,
            rt: quote!(#krate::builder),
            name,
            builder,
            module,
            inner_vis: nested_vis(input.vis),
            user_args: generics.params.iter().map(param_arg).collect(),
            states,
            all_generics,
            phantom: (!generics.params.is_empty())
                .then(|| quote!(::core::marker::PhantomData<fn() -> #ident #ty_generics>)),
            // `Self` in the struct's where clause means the struct, in the builder too.
            builder_where: self_ty.in_type(&generics.where_clause),
            layout: Layout::new(input.fields.len()),
            self_ty,
        }
    }

    /// The name of the finishing method, as the messages write it.
    fn finish_name(&self) -> String {
        self.methods.finish.to_string()
    }

    /// `self.<n>` for the phantom field of a generic struct's builder, moved as is.
    fn phantom_moved(&self) -> Option<TokenStream> {
        self.phantom.as_ref().map(|_| {
            let index = Index::from(self.layout.chunks());
            quote!(self.#index)
        })
    }

    fn field(&self, i: usize) -> FieldCx<'a> {
        let field = &self.input.fields[i];
        // Bounds and marker impls carry the field's span, so that rustc's "required by
        // this bound" and "implemented for" notes point at the field.
        let span = field.ident.span();
        let (chunk, slot) = self.layout.position(i);
        FieldCx {
            i,
            field: &self.input.fields[i],
            name: field.ident.to_string(),
            bare: field.ident.unraw(),
            state: Ident::new(&self.states[i].to_string(), span),
            module: Ident::new(&self.module.to_string(), span),
            index: quote!(#chunk.#slot),
            chunk,
            ty: self.self_ty.in_type(field.ty),
        }
    }
}

/// What the items generated for one field need to know of it.
struct FieldCx<'a> {
    /// Its position among the fields.
    i: usize,
    field: &'a Field<'a>,
    /// Its name as written, `r#` included.
    name: String,
    /// Its name without `r#`, for the names derived from it.
    bare: Ident,
    /// Its state parameter, with the field's span.
    state: Ident,
    /// The marker module, with the field's span.
    module: Ident,
    /// The chunk holding its state.
    chunk: Index,
    /// `<chunk>.<slot>`, where its state is held.
    index: TokenStream,
    /// Its type, with `Self` meaning the struct.
    ty: TokenStream,
}

impl FieldCx<'_> {
    /// The name of its `<field>_is_unset` marker trait.
    fn is_unset(&self) -> Ident {
        format_ident!("{}_is_unset", self.bare)
    }

    /// The name of its `<field>_is_set` marker trait (required fields only).
    fn is_set(&self) -> Ident {
        format_ident!("{}_is_set", self.bare)
    }

    fn is_required(&self) -> bool {
        matches!(self.field.kind, FieldKind::Required)
    }
}

/// The visibility, seen from inside a module declared next to the struct, that reaches
/// as far as the struct's own.
fn nested_vis(vis: &Visibility) -> TokenStream {
    match vis {
        Visibility::Public(_) => quote!(pub),
        Visibility::Inherited => quote!(pub(super)),
        Visibility::Restricted(restricted) => {
            let path = &restricted.path;
            let first = path.segments.first().map(|s| s.ident.to_string());
            match first.as_deref() {
                Some("crate") => quote!(pub(in #path)),
                Some("self") => {
                    let rest = path.segments.iter().skip(1);
                    quote!(pub(in super #(::#rest)*))
                }
                _ => quote!(pub(in super::#path)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(source: &str) -> String {
        let input: syn::DeriveInput = syn::parse_str(source).unwrap();
        let mut errors = crate::diag::Errors::default();
        let model = super::super::parse::input(&input, &mut errors).unwrap();
        let methods = super::super::validate::methods(&model, &mut errors).unwrap();
        assert!(errors.is_empty());
        builder(&model, &methods).to_string()
    }

    #[test]
    fn nested_visibility_reaches_as_far_as_the_struct() {
        let nested = |v: &str| nested_vis(&syn::parse_str(v).unwrap()).to_string();
        assert_eq!(nested(""), "pub (super)");
        assert_eq!(nested("pub"), "pub");
        assert_eq!(nested("pub(crate)"), "pub (in crate)");
        assert_eq!(nested("pub(self)"), "pub (in super)");
        assert_eq!(nested("pub(super)"), "pub (in super :: super)");
        assert_eq!(nested("pub(in crate::a)"), "pub (in crate :: a)");
        assert_eq!(nested("pub(in super::a)"), "pub (in super :: super :: a)");
    }

    #[test]
    fn a_crate_path_replaces_every_mention_of_knhk_runtime() {
        let out = expand(
            "#[builder(crate = ::facade::knhk)] struct S<T> { a: u8, b: Option<T>, #[builder(default)] c: u8 }",
        );
        assert!(!out.contains("knhk_runtime"), "{out}");
        assert!(out.contains(":: facade :: knhk :: builder :: Set"), "{out}");
    }

    #[test]
    fn field_docs_become_the_setters_docs() {
        let out = expand(
            "struct S { /// The port to listen on.\n port: u16, /// A name.\n name: Option<String> }",
        );
        let setter = |name: &str| {
            let at = out
                .find(&format!("fn {name} ("))
                .unwrap_or_else(|| panic!("no `{name}` in {out}"));
            out[..at].rfind("# [doc =").map(|d| out[d..at].to_owned())
        };
        assert!(
            setter("port").is_some_and(|d| d.contains("The port to listen on.")),
            "{out}"
        );
        assert!(
            setter("name").is_some_and(|d| d.contains("A name.")),
            "{out}"
        );
        // `maybe_name` has docs of its own, which point at `name`.
        assert!(
            setter("maybe_name").is_some_and(|d| d.contains("[`name`](Self::name)")),
            "{out}"
        );
    }

    #[test]
    fn self_in_the_where_clause_means_the_struct_in_the_builder() {
        let out = expand("struct S<T> where T: PartialEq<Self> { a: T }");
        // The builder struct, its impl and its `Debug` impl; the struct's own impl keeps
        // `Self`, which means the struct there.
        assert_eq!(out.matches("PartialEq < S < T > >").count(), 3, "{out}");
        assert_eq!(out.matches("PartialEq < Self >").count(), 1, "{out}");
    }

    #[test]
    fn required_fields_are_never_wrapped_in_option() {
        let out = expand("struct S { a: u8, b: String }");
        assert!(!out.contains("Option"), "{out}");
        assert!(!out.contains("unwrap"), "{out}");
        assert!(!out.contains("unsafe"), "{out}");
    }
}
