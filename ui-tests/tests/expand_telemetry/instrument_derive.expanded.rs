#[instrument(
    registry = "$KNHK_UI_REGISTRIES/shop",
    span = "span.shop.payment",
    level = "debug"
)]
pub struct Payment<'a> {
    #[instrument(attr = "shop.order.id")]
    order: &'a str,
    #[instrument(attr = "shop.order.total")]
    total: f64,
    #[instrument(skip)]
    card: String,
}
impl<'a> Payment<'a> {
    ///A `shop.payment` span (client) for `operation`, recorded as `otel.name`, with `knhk.instrument.type = "Payment"` and `shop.order.id`, `shop.order.total`.
    #[inline]
    pub fn span(
        &self,
        operation: &'static str,
    ) -> ::knhk_runtime::__private::tracing::Span {
        {
            use ::tracing::__macro_support::Callsite as _;
            static __CALLSITE: ::tracing::callsite::DefaultCallsite = {
                static META: ::tracing::Metadata<'static> = {
                    ::tracing_core::metadata::Metadata::new(
                        "shop.payment",
                        "instrument_derive",
                        ::knhk_runtime::__private::tracing::Level::DEBUG,
                        ::tracing_core::__macro_support::Option::Some(
                            "ui-tests/tests/expand_telemetry/instrument_derive.rs",
                        ),
                        ::tracing_core::__macro_support::Option::Some(4u32),
                        ::tracing_core::__macro_support::Option::Some(
                            "instrument_derive",
                        ),
                        ::tracing_core::field::FieldSet::new(
                            &[
                                "otel.name",
                                "otel.kind",
                                "knhk.instrument.type",
                                "shop.order.id",
                                "shop.order.total",
                            ],
                            ::tracing_core::callsite::Identifier(&__CALLSITE),
                        ),
                        ::tracing::metadata::Kind::SPAN,
                    )
                };
                ::tracing::callsite::DefaultCallsite::new(&META)
            };
            let mut interest = ::tracing::subscriber::Interest::never();
            if ::knhk_runtime::__private::tracing::Level::DEBUG
                <= ::tracing::level_filters::STATIC_MAX_LEVEL
                && ::knhk_runtime::__private::tracing::Level::DEBUG
                    <= ::tracing::level_filters::LevelFilter::current()
                && {
                    interest = __CALLSITE.interest();
                    !interest.is_never()
                }
                && ::tracing::__macro_support::__is_enabled(
                    __CALLSITE.metadata(),
                    interest,
                )
            {
                let meta = __CALLSITE.metadata();
                ::tracing::Span::new(
                    meta,
                    &{
                        #[allow(unused_imports)]
                        use ::tracing::field::{debug, display, Value};
                        meta.fields()
                            .value_set_all(
                                &[
                                    (::tracing::__macro_support::Option::Some(
                                        &operation as &dyn ::tracing::field::Value,
                                    )),
                                    (::tracing::__macro_support::Option::Some(
                                        &"client" as &dyn ::tracing::field::Value,
                                    )),
                                    (::tracing::__macro_support::Option::Some(
                                        &"Payment" as &dyn ::tracing::field::Value,
                                    )),
                                    (::tracing::__macro_support::Option::Some(
                                        &::knhk_runtime::__private::attribute_value::<
                                            &'static str,
                                            _,
                                        >(&self.order) as &dyn ::tracing::field::Value,
                                    )),
                                    (::tracing::__macro_support::Option::Some(
                                        &::knhk_runtime::__private::attribute_value::<
                                            f64,
                                            _,
                                        >(&self.total) as &dyn ::tracing::field::Value,
                                    )),
                                ],
                            )
                    },
                )
            } else {
                let span = ::tracing::__macro_support::__disabled_span(
                    __CALLSITE.metadata(),
                );
                {};
                span
            }
        }
    }
    /// Runs `f` inside [`span`](Self::span)`(operation)`.
    #[inline]
    pub fn instrument_call<R>(
        &self,
        operation: &'static str,
        f: impl FnOnce() -> R,
    ) -> R {
        self.span(operation).in_scope(f)
    }
}
