fn placed(id: &str, lines: u64) {
    {
        use ::tracing::__macro_support::Callsite as _;
        static __CALLSITE: ::tracing::__macro_support::MacroCallsite = {
            static META: ::tracing::Metadata<'static> = {
                ::tracing_core::metadata::Metadata::new(
                    "shop.order.placed",
                    "event_checked",
                    ::knhk_runtime::__private::tracing::Level::INFO,
                    ::tracing_core::__macro_support::Option::Some(
                        "ui-tests/tests/expand_telemetry/event_checked.rs",
                    ),
                    ::tracing_core::__macro_support::Option::Some(4u32),
                    ::tracing_core::__macro_support::Option::Some("event_checked"),
                    ::tracing_core::field::FieldSet::new(
                        &[
                            "message",
                            "shop.order.id",
                            "shop.order.lines",
                            "code.function.name",
                        ],
                        ::tracing_core::callsite::Identifier(&__CALLSITE),
                    ),
                    ::tracing::metadata::Kind::EVENT,
                )
            };
            ::tracing::callsite::DefaultCallsite::new(&META)
        };
        let enabled = ::knhk_runtime::__private::tracing::Level::INFO
            <= ::tracing::level_filters::STATIC_MAX_LEVEL
            && ::knhk_runtime::__private::tracing::Level::INFO
                <= ::tracing::level_filters::LevelFilter::current()
            && {
                let interest = __CALLSITE.interest();
                !interest.is_never()
                    && ::tracing::__macro_support::__is_enabled(
                        __CALLSITE.metadata(),
                        interest,
                    )
            };
        if enabled {
            (|value_set: ::tracing::field::ValueSet| {
                let meta = __CALLSITE.metadata();
                ::tracing::Event::dispatch(meta, &value_set);
            })({
                #[allow(unused_imports)]
                use ::tracing::field::{debug, display, Value};
                __CALLSITE
                    .metadata()
                    .fields()
                    .value_set_all(
                        &[
                            (::tracing::__macro_support::Option::Some(
                                &format_args!("placed") as &dyn ::tracing::field::Value,
                            )),
                            (::tracing::__macro_support::Option::Some(
                                &::knhk_runtime::__private::attribute_value::<
                                    &'static str,
                                    _,
                                >(&(id)) as &dyn ::tracing::field::Value,
                            )),
                            (::tracing::__macro_support::Option::Some(
                                &::knhk_runtime::__private::attribute_value::<
                                    i64,
                                    _,
                                >(&(lines)) as &dyn ::tracing::field::Value,
                            )),
                            (::tracing::__macro_support::Option::Some(
                                &::tracing::field::display(&"event_checked")
                                    as &dyn ::tracing::field::Value,
                            )),
                        ],
                    )
            });
        } else {}
    };
    let _span = {
        use ::tracing::__macro_support::Callsite as _;
        static __CALLSITE: ::tracing::callsite::DefaultCallsite = {
            static META: ::tracing::Metadata<'static> = {
                ::tracing_core::metadata::Metadata::new(
                    "shop.checkout",
                    "event_checked",
                    ::knhk_runtime::__private::tracing::Level::DEBUG,
                    ::tracing_core::__macro_support::Option::Some(
                        "ui-tests/tests/expand_telemetry/event_checked.rs",
                    ),
                    ::tracing_core::__macro_support::Option::Some(13u32),
                    ::tracing_core::__macro_support::Option::Some("event_checked"),
                    ::tracing_core::field::FieldSet::new(
                        &["shop.order.id", "shop.order.lines"],
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
            && ::tracing::__macro_support::__is_enabled(__CALLSITE.metadata(), interest)
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
                                    &::knhk_runtime::__private::attribute_value::<
                                        &'static str,
                                        _,
                                    >(&(id)) as &dyn ::tracing::field::Value,
                                )),
                                (::tracing::__macro_support::Option::Some(
                                    &::knhk_runtime::__private::tracing::field::Empty
                                        as &dyn ::tracing::field::Value,
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
    };
}
