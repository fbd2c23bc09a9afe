use knhk_runtime::Builder;
/// A listening socket.
pub struct Listener<'a> {
    /// The port to listen on.
    port: u16,
    host: &'a str,
    name: Option<String>,
    #[builder(default = 128, into)]
    backlog: u32,
}
/**Builds a [`Listener`] one field at a time; [`Listener::builder`] makes one.

Each type parameter after [`Listener`]'s own is the state of one field, in the order `port`, `host`, `name`, `backlog`: [`Unset`](::knhk_runtime::builder::Unset) or [`Set<T>`](::knhk_runtime::builder::Set), where `T` is the field's type. Every field is set once, and `.build()` compiles once the required ones are set.*/
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct ListenerBuilder<
    'a,
    __S0 = ::knhk_runtime::builder::Unset,
    __S1 = ::knhk_runtime::builder::Unset,
    __S2 = ::knhk_runtime::builder::Unset,
    __S3 = ::knhk_runtime::builder::Unset,
>(
    (__S0, __S1),
    (__S2, __S3),
    ::core::marker::PhantomData<fn() -> Listener<'a>>,
);
///The marker traits behind the messages of [`ListenerBuilder`].
#[doc(hidden)]
#[allow(non_snake_case, non_camel_case_types)]
pub mod __knhk_ListenerBuilder {
    ///Implemented by the state of `port` while it is not set.
    #[diagnostic::on_unimplemented(
        message = "field `port` is already set",
        label = "`port` was set before this call",
        note = "each field is set once; remove one of the calls to `.port(..)`"
    )]
    pub trait port_is_unset {}
    ///Implemented by the state of `port` once it is set.
    #[diagnostic::on_unimplemented(
        message = "missing required field `port`",
        label = "`port` is not set",
        note = "set it with `.port(..)` before calling `.build()`"
    )]
    pub trait port_is_set<T> {
        /// The value set.
        fn __knhk_value(self) -> T;
    }
    ///Implemented by the state of `host` while it is not set.
    #[diagnostic::on_unimplemented(
        message = "field `host` is already set",
        label = "`host` was set before this call",
        note = "each field is set once; remove one of the calls to `.host(..)`"
    )]
    pub trait host_is_unset {}
    ///Implemented by the state of `host` once it is set.
    #[diagnostic::on_unimplemented(
        message = "missing required field `host`",
        label = "`host` is not set",
        note = "set it with `.host(..)` before calling `.build()`"
    )]
    pub trait host_is_set<T> {
        /// The value set.
        fn __knhk_value(self) -> T;
    }
    ///Implemented by the state of `name` while it is not set.
    #[diagnostic::on_unimplemented(
        message = "field `name` is already set",
        label = "`name` was set before this call",
        note = "each field is set once; remove one of the calls to `.name(..)` or `.maybe_name(..)`"
    )]
    pub trait name_is_unset {}
    ///Implemented by the state of `backlog` while it is not set.
    #[diagnostic::on_unimplemented(
        message = "field `backlog` is already set",
        label = "`backlog` was set before this call",
        note = "each field is set once; remove one of the calls to `.backlog(..)`"
    )]
    pub trait backlog_is_unset {}
}
#[automatically_derived]
impl __knhk_ListenerBuilder::port_is_unset for ::knhk_runtime::builder::Unset {}
#[automatically_derived]
impl<T> __knhk_ListenerBuilder::port_is_set<T> for ::knhk_runtime::builder::Set<T> {
    #[inline(always)]
    fn __knhk_value(self) -> T {
        self.0
    }
}
#[automatically_derived]
impl __knhk_ListenerBuilder::host_is_unset for ::knhk_runtime::builder::Unset {}
#[automatically_derived]
impl<T> __knhk_ListenerBuilder::host_is_set<T> for ::knhk_runtime::builder::Set<T> {
    #[inline(always)]
    fn __knhk_value(self) -> T {
        self.0
    }
}
#[automatically_derived]
impl __knhk_ListenerBuilder::name_is_unset for ::knhk_runtime::builder::Unset {}
#[automatically_derived]
impl __knhk_ListenerBuilder::backlog_is_unset for ::knhk_runtime::builder::Unset {}
#[automatically_derived]
impl<'a> Listener<'a> {
    ///Starts building a [`Listener`]: set its fields with the setters of [`ListenerBuilder`], then call `.build()`.
    #[inline(always)]
    pub fn builder() -> ListenerBuilder<'a> {
        ListenerBuilder(
            (::knhk_runtime::builder::Unset, ::knhk_runtime::builder::Unset),
            (::knhk_runtime::builder::Unset, ::knhk_runtime::builder::Unset),
            ::core::marker::PhantomData,
        )
    }
}
#[automatically_derived]
impl<'a, __S0, __S1, __S2, __S3> ListenerBuilder<'a, __S0, __S1, __S2, __S3> {
    /// The port to listen on.
    #[inline(always)]
    pub fn port(
        self,
        port: u16,
    ) -> ListenerBuilder<'a, ::knhk_runtime::builder::Set<u16>, __S1, __S2, __S3>
    where
        __S0: __knhk_ListenerBuilder::port_is_unset,
    {
        ListenerBuilder((::knhk_runtime::builder::Set(port), self.0.1), self.1, self.2)
    }
    ///Sets `host`.
    #[inline(always)]
    pub fn host(
        self,
        host: &'a str,
    ) -> ListenerBuilder<'a, __S0, ::knhk_runtime::builder::Set<&'a str>, __S2, __S3>
    where
        __S1: __knhk_ListenerBuilder::host_is_unset,
    {
        ListenerBuilder((self.0.0, ::knhk_runtime::builder::Set(host)), self.1, self.2)
    }
    ///Sets `name`.
    #[inline(always)]
    pub fn name(
        self,
        name: String,
    ) -> ListenerBuilder<
        'a,
        __S0,
        __S1,
        ::knhk_runtime::builder::Set<Option<String>>,
        __S3,
    >
    where
        __S2: __knhk_ListenerBuilder::name_is_unset,
    {
        self.maybe_name(::core::option::Option::Some(name))
    }
    ///Sets `name` to the `Option` given, `None` included; [`name`](Self::name) takes the value without `Some`.
    #[inline(always)]
    pub fn maybe_name(
        self,
        name: ::core::option::Option<String>,
    ) -> ListenerBuilder<
        'a,
        __S0,
        __S1,
        ::knhk_runtime::builder::Set<Option<String>>,
        __S3,
    >
    where
        __S2: __knhk_ListenerBuilder::name_is_unset,
    {
        ListenerBuilder(self.0, (::knhk_runtime::builder::Set(name), self.1.1), self.2)
    }
    ///Sets `backlog`.
    #[inline(always)]
    pub fn backlog(
        self,
        backlog: impl ::core::convert::Into<u32>,
    ) -> ListenerBuilder<'a, __S0, __S1, __S2, ::knhk_runtime::builder::Set<u32>>
    where
        __S3: __knhk_ListenerBuilder::backlog_is_unset,
    {
        ListenerBuilder(
            self.0,
            (
                self.1.0,
                ::knhk_runtime::builder::Set(::core::convert::Into::into(backlog)),
            ),
            self.2,
        )
    }
    ///Builds the [`Listener`]; compiles only once every required field is set.
    #[inline(always)]
    pub fn build(self) -> Listener<'a>
    where
        __S0: __knhk_ListenerBuilder::port_is_set<u16>,
        __S1: __knhk_ListenerBuilder::host_is_set<&'a str>,
        __S2: ::knhk_runtime::builder::Slot<Option<String>>,
        __S3: ::knhk_runtime::builder::Slot<u32>,
    {
        Listener {
            port: __knhk_ListenerBuilder::port_is_set::__knhk_value(self.0.0),
            host: __knhk_ListenerBuilder::host_is_set::__knhk_value(self.0.1),
            name: ::knhk_runtime::builder::Slot::value_or_else(
                self.1.0,
                || ::core::option::Option::None,
            ),
            backlog: ::knhk_runtime::builder::Slot::value_or_else(self.1.1, || 128),
        }
    }
}
#[automatically_derived]
impl<'a, __S0, __S1, __S2, __S3> ::core::fmt::Debug
for ListenerBuilder<'a, __S0, __S1, __S2, __S3> {
    fn fmt(&self, __knhk_f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        __knhk_f.write_str("ListenerBuilder { .. }")
    }
}
fn main() {
    let listener = Listener::builder().host("::1").port(80).build();
    let _ = (listener.port, listener.host, listener.name, listener.backlog);
}
