//! [`Input`] -> the builder type, its setters, `build()`, the start function and one
//! pair of marker traits per field. Cannot fail.
//!
//! The builder has one type parameter per field, the field's state: `Unset` or
//! `Set<T>`, held by value (see [`Layout`] for where). All setters live in one impl
//! block generic over every state, so a setter costs its return type and about 2√n
//! moves, and nothing else is generated per pair of fields; what does not depend on
//! the struct (`Set`, `Unset`, `Slot`) is in knhk-runtime. The marker traits carry the
//! messages: each setter requires `<field>_is_unset` of its state, and `build()`
//! requires `<field>_is_set<T>` of each required field's state, which also hands over
//! the value, and `Slot<T>` of the others.

use super::parse::{Field, FieldKind, Input};
use super::validate::{finish_fn, setter_names};
use crate::generics::param_arg;
use proc_macro2::{Group, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{GenericParam, Ident, Index, Visibility};

/// The whole expansion.
pub(crate) fn builder(input: &Input<'_>) -> TokenStream {
    let krate = &input.krate;
    let rt = quote!(#krate::builder);
    let ident = input.ident;
    let name = ident.unraw().to_string();
    let builder = Ident::new(&format!("{name}Builder"), ident.span());
    let module = format_ident!("__knhk_{}", builder);
    let vis = input.vis;
    let inner_vis = nested_vis(vis);
    let generics = input.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let user_params = generics.params.iter();
    let user_args: Vec<TokenStream> = generics.params.iter().map(param_arg).collect();
    let n = input.fields.len();
    let states: Vec<Ident> = (0..n).map(|i| format_ident!("__S{}", i)).collect();
    let phantom = (!generics.params.is_empty())
        .then(|| quote!(::core::marker::PhantomData<fn() -> #ident #ty_generics>));
    let phantom_value = phantom
        .as_ref()
        .map(|_| quote!(::core::marker::PhantomData));
    let layout = Layout::new(n);
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
    let phantom_moved = phantom.as_ref().map(|_| {
        let index = Index::from(layout.chunks());
        quote!(self.#index)
    });

    let mut all_generics = generics.clone();
    all_generics.params.extend(
        states
            .iter()
            .map(|s| -> GenericParam { syn::parse_quote!(#s) }),
    );
    let (all_impl_generics, all_ty_generics, _) = all_generics.split_for_impl();

    let finish = finish_fn(input);
    let finish_name = finish.to_string();
    let start = input
        .start_fn
        .clone()
        .unwrap_or_else(|| Ident::new("builder", Span::call_site()));

    let mut traits = Vec::new();
    let mut trait_impls = Vec::new();
    let mut setters = Vec::new();
    let mut bounds = Vec::new();
    let mut values = Vec::new();
    for (i, field) in input.fields.iter().enumerate() {
        let field_name = field.ident.to_string();
        let bare = field.ident.unraw();
        let (setter, maybe_setter) = setter_names(field);
        // Bounds and marker impls carry the field's span, so that rustc's "required by
        // this bound" and "implemented for" notes point at the field.
        let span = field.ident.span();
        let state = &Ident::new(&states[i].to_string(), span);
        let module = &Ident::new(&module.to_string(), span);
        let (chunk, slot) = layout.position(i);
        let index = quote!(#chunk.#slot);
        let ty = &self_ty.in_type(field.ty);

        let is_unset = format_ident!("{}_is_unset", bare);
        let unset_bound = quote_spanned!(span=> #state: #module::#is_unset);
        let calls = match &maybe_setter {
            Some(maybe) => format!("`.{setter}(..)` or `.{maybe}(..)`"),
            None => format!("`.{setter}(..)`"),
        };
        let message = format!("field `{field_name}` is already set");
        let label = format!("`{field_name}` was set before this call");
        let note = format!("each field is set once; remove one of the calls to {calls}");
        let doc = format!("Implemented by the state of `{field_name}` while it is not set.");
        traits.push(quote! {
            #[doc = #doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #inner_vis trait #is_unset {}
        });
        trait_impls.push(quote_spanned! {span=>
            #[automatically_derived]
            impl #module::#is_unset for #rt::Unset {}
        });

        // The setters: `x(T)`, and for an `Option<T>` field `x(T)` calling `maybe_x(Option<T>)`.
        let into = field.into || input.into;
        let mut returned = user_args.clone();
        returned.extend(states.iter().enumerate().map(|(j, s)| {
            if j == i {
                quote!(#rt::Set<#ty>)
            } else {
                quote!(#s)
            }
        }));
        let returned = quote!(#builder<#(#returned),*>);
        let moved = |value: TokenStream| {
            let chunks = (0..layout.chunks()).map(|c| {
                let c = Index::from(c);
                if c != chunk {
                    return quote!(self.#c);
                }
                let slots = layout.slots(c.index as usize).map(|(k, j)| {
                    if j == i {
                        quote!(#rt::Set(#value))
                    } else {
                        quote!(self.#c.#k)
                    }
                });
                quote!((#(#slots,)*))
            });
            quote!(#builder(#(#chunks,)* #phantom_moved))
        };
        let docs = &field.docs;
        let generated_doc = (docs.is_empty()).then(|| {
            let doc = format!("Sets `{field_name}`.");
            quote!(#[doc = #doc])
        });
        let param = field.ident;
        match (&field.kind, &maybe_setter) {
            (FieldKind::Optional(inner), Some(maybe)) => {
                let inner = self_ty.in_type(inner);
                let (arg, maybe_arg, value) = if into {
                    (
                        quote!(impl ::core::convert::Into<#inner>),
                        quote!(::core::option::Option<impl ::core::convert::Into<#inner>>),
                        quote!(::core::option::Option::map(#param, ::core::convert::Into::into)),
                    )
                } else {
                    (
                        quote!(#inner),
                        quote!(::core::option::Option<#inner>),
                        quote!(#param),
                    )
                };
                let body = moved(value);
                let maybe_doc = format!(
                    "Sets `{field_name}` to the `Option` given, `None` included; [`{setter}`](Self::{setter}) takes the value without `Some`."
                );
                setters.push(quote! {
                    #(#docs)*
                    #generated_doc
                    #[inline(always)]
                    #vis fn #setter(self, #param: #arg) -> #returned
                    where #unset_bound {
                        self.#maybe(::core::option::Option::Some(#param))
                    }
                    #[doc = #maybe_doc]
                    #[inline(always)]
                    #vis fn #maybe(self, #param: #maybe_arg) -> #returned
                    where #unset_bound {
                        #body
                    }
                });
            }
            _ => {
                let (arg, value) = if into {
                    (
                        quote!(impl ::core::convert::Into<#ty>),
                        quote!(::core::convert::Into::into(#param)),
                    )
                } else {
                    (quote!(#ty), quote!(#param))
                };
                let body = moved(value);
                setters.push(quote! {
                    #(#docs)*
                    #generated_doc
                    #[inline(always)]
                    #vis fn #setter(self, #param: #arg) -> #returned
                    where #unset_bound {
                        #body
                    }
                });
            }
        }

        // What `build()` requires of the state and how it turns it into the value.
        let (bound, value) = required_or_slot(field, ty, &self_ty, &rt, module, state, &index);
        if let FieldKind::Required = field.kind {
            let is_set = format_ident!("{}_is_set", bare);
            let message = format!("missing required field `{field_name}`");
            let label = format!("`{field_name}` is not set");
            let note = format!("set it with `.{setter}(..)` before calling `.{finish_name}()`");
            let doc = format!("Implemented by the state of `{field_name}` once it is set.");
            traits.push(quote! {
                #[doc = #doc]
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                #inner_vis trait #is_set<T> {
                    /// The value set.
                    fn __knhk_value(self) -> T;
                }
            });
            trait_impls.push(quote_spanned! {span=>
                #[automatically_derived]
                impl<T> #module::#is_set<T> for #rt::Set<T> {
                    #[inline(always)]
                    fn __knhk_value(self) -> T {
                        self.0
                    }
                }
            });
        }
        bounds.push(bound);
        let field_ident = field.ident;
        values.push(quote!(#field_ident: #value));
    }

    let field_list = input
        .fields
        .iter()
        .map(|f| format!("`{}`", f.ident))
        .collect::<Vec<_>>()
        .join(", ");
    let krate_name = quote!(#krate).to_string().replace(' ', "");
    let builder_doc = format!(
        "Builds a [`{name}`] one field at a time; [`{name}::{start}`] makes one.\n\n\
         Each type parameter after [`{name}`]'s own is the state of one field, in the order \
         {field_list}: [`Unset`]({krate_name}::builder::Unset) or \
         [`Set<T>`]({krate_name}::builder::Set), where `T` is the field's type. \
         Every field is set once, and `.{finish_name}()` compiles once the required ones are set."
    );
    let module_doc = format!("The marker traits behind the messages of [`{builder}`].");
    let start_doc = format!(
        "Starts building a [`{name}`]: set its fields with the setters of [`{builder}`], then call `.{finish_name}()`."
    );
    let finish_doc =
        format!("Builds the [`{name}`]; compiles only once every required field is set.");
    let must_use = format!("a builder does nothing until `.{finish_name}()` is called");
    let where_bounds = (!bounds.is_empty()).then(|| quote!(where #(#bounds),*));
    // `Self` in the struct's where clause means the struct, in the builder too.
    let builder_where = self_ty.in_type(&generics.where_clause);
    let unset_chunks = (0..layout.chunks()).map(|c| {
        let unset = layout.slots(c).map(|_| quote!(#rt::Unset));
        quote!((#(#unset,)*))
    });
    let state_chunks = (0..layout.chunks()).map(|c| {
        let chunk_states = layout.slots(c).map(|(_, j)| &states[j]);
        quote!((#(#chunk_states,)*))
    });
    let builder_debug = format!("{builder} {{ .. }}");

    quote! {
        #[doc = #builder_doc]
        #[must_use = #must_use]
        #vis struct #builder<#(#user_params,)* #(#states = #rt::Unset),*>(#(#state_chunks,)* #phantom) #builder_where;

        #[doc = #module_doc]
        #[doc(hidden)]
        #[allow(non_snake_case, non_camel_case_types)]
        #vis mod #module {
            #(#traits)*
        }

        #(#trait_impls)*

        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #start_doc]
            #[inline(always)]
            #vis fn #start() -> #builder #ty_generics {
                #builder(#(#unset_chunks,)* #phantom_value)
            }
        }

        #[automatically_derived]
        impl #all_impl_generics #builder #all_ty_generics #builder_where {
            #(#setters)*

            #[doc = #finish_doc]
            #[inline(always)]
            #vis fn #finish(self) -> #ident #ty_generics #where_bounds {
                #ident { #(#values),* }
            }
        }

        #[automatically_derived]
        impl #all_impl_generics ::core::fmt::Debug for #builder #all_ty_generics #builder_where {
            fn fmt(&self, __knhk_f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __knhk_f.write_str(#builder_debug)
            }
        }
    }
}

/// Where each field's state is held: the builder's fields are chunks (tuples) of about
/// the square root of the number of fields each, so that a setter moves one chunk's
/// slots and the other chunks whole, about 2√n moves instead of n. Rustc and LLVM then
/// see less code per setter; for 50 fields that is 14 moves instead of 50.
struct Layout {
    fields: usize,
    chunk: usize,
}

impl Layout {
    fn new(fields: usize) -> Layout {
        let mut chunk = 1;
        while chunk * chunk < fields {
            chunk += 1;
        }
        Layout { fields, chunk }
    }

    fn chunks(&self) -> usize {
        self.fields.div_ceil(self.chunk)
    }

    /// (chunk, slot in the chunk) of field `i`.
    fn position(&self, i: usize) -> (Index, Index) {
        (Index::from(i / self.chunk), Index::from(i % self.chunk))
    }

    /// (slot, field) for each slot of chunk `c`.
    fn slots(&self, c: usize) -> impl Iterator<Item = (Index, usize)> + use<> {
        let start = c * self.chunk;
        let end = (start + self.chunk).min(self.fields);
        (start..end).map(move |j| (Index::from(j - start), j))
    }
}

/// `build()`'s bound on the state of `field` and the expression that takes its value.
fn required_or_slot(
    field: &Field<'_>,
    ty: &TokenStream,
    self_ty: &SelfType,
    rt: &TokenStream,
    module: &Ident,
    state: &Ident,
    index: &TokenStream,
) -> (TokenStream, TokenStream) {
    let span = field.ident.span();
    match &field.kind {
        FieldKind::Required => {
            let is_set = format_ident!("{}_is_set", field.ident.unraw());
            (
                quote_spanned!(span=> #state: #module::#is_set<#ty>),
                quote!(#module::#is_set::__knhk_value(self.#index)),
            )
        }
        FieldKind::Optional(_) => (
            quote!(#state: #rt::Slot<#ty>),
            quote!(#rt::Slot::value_or_else(self.#index, || ::core::option::Option::None)),
        ),
        // Spanned on the field, so that a type without `Default` is reported there.
        FieldKind::Default(None) => (quote!(#state: #rt::Slot<#ty>), {
            let rt = crate::krate::respanned(rt.to_token_stream(), span);
            quote_spanned!(span=> #rt::Slot::value_or_default(self.#index))
        }),
        FieldKind::Default(Some(expr)) => {
            let expr = self_ty.in_expr(expr);
            (
                quote!(#state: #rt::Slot<#ty>),
                quote!(#rt::Slot::value_or_else(self.#index, || #expr)),
            )
        }
    }
}

/// What `Self` becomes in code moved from the struct into the builder's impl.
struct SelfType {
    /// Before `::`: `<Name<..>>`.
    qualified: TokenStream,
    /// A type: `Name<..>`.
    ty: TokenStream,
    /// An expression, or a type within one: `Name::<..>`.
    expr: TokenStream,
}

impl SelfType {
    fn in_type(&self, tokens: impl ToTokens) -> TokenStream {
        self.replace(tokens.into_token_stream(), &self.ty)
    }

    fn in_expr(&self, tokens: impl ToTokens) -> TokenStream {
        self.replace(tokens.into_token_stream(), &self.expr)
    }

    fn replace(&self, tokens: TokenStream, bare: &TokenStream) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = TokenStream::new();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) if ident == "Self" => {
                    let path_follows = matches!(
                        tokens.get(i + 1),
                        Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint
                    );
                    out.extend(if path_follows {
                        self.qualified.clone()
                    } else {
                        bare.clone()
                    });
                }
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), self.replace(group.stream(), bare));
                    new.set_span(group.span());
                    out.extend([TokenTree::Group(new)]);
                }
                other => out.extend([other.clone()]),
            }
        }
        out
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
        assert!(errors.is_empty());
        builder(&model).to_string()
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
    fn the_layout_puts_every_field_in_one_slot_of_chunks_of_about_sqrt_n() {
        for n in 0..=60 {
            let layout = Layout::new(n);
            let slots: Vec<usize> = (0..layout.chunks())
                .flat_map(|c| layout.slots(c).map(|(_, j)| j))
                .collect();
            assert_eq!(slots, (0..n).collect::<Vec<_>>());
            for i in 0..n {
                let (c, k) = layout.position(i);
                let (slot, j) = layout
                    .slots(c.index as usize)
                    .nth(k.index as usize)
                    .unwrap();
                assert_eq!((slot.index, j), (k.index, i));
            }
        }
        let big = Layout::new(50);
        assert_eq!((big.chunk, big.chunks()), (8, 7));
        assert_eq!(Layout::new(4).chunk, 2);
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
