//! `#[derive(Instrument)]` at run time: the span's name, level and target, `otel.name`,
//! `otel.kind`, the type's name, each recorded attribute with the type `tracing`
//! received it as, and no skipped or unmarked field. A binary of its own: a scoped
//! subscriber sees every span only when no other test's thread hits the callsites.

use knhk_runtime::Instrument;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

mod semconv {
    knhk_runtime::semconv!("tests/ui/registries/shop");
}

#[derive(Instrument)]
#[instrument(registry = "tests/ui/registries/shop")]
struct Order<'a> {
    #[instrument(attr = "shop.order.id")]
    id: &'a str,
    #[instrument(attr = "shop.order.lines")]
    lines: u16,
    #[instrument(attr = "shop.order.total")]
    total: f32,
    #[instrument(attr = "shop.state")]
    state: semconv::ShopState,
    #[instrument(attr = "shop.order.tags")]
    tags: Vec<&'static str>,
    #[instrument(skip)]
    card: &'static str,
    note: &'static str,
}

#[derive(Instrument)]
#[instrument(
    registry = "tests/ui/registries/shop",
    span = "span.shop.payment",
    level = "debug",
    target = "shop::payments"
)]
struct Payment {
    #[instrument(attr = "shop.order.id")]
    order: String,
    #[instrument(attr = "shop.order.total")]
    total: f64,
}

/// A span as the subscriber saw it: metadata, and each field as `(name, type, value)`.
#[derive(Debug, Clone)]
struct Seen {
    name: String,
    target: String,
    level: tracing::Level,
    fields: Vec<(String, &'static str, String)>,
    entered: usize,
}

impl Seen {
    fn field(&self, name: &str) -> Option<(&'static str, &str)> {
        self.fields
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, t, v)| (*t, v.as_str()))
    }
}

struct Typed<'a>(&'a mut Vec<(String, &'static str, String)>);

impl Visit for Typed<'_> {
    fn record_i64(&mut self, f: &Field, v: i64) {
        self.0.push((f.name().into(), "i64", v.to_string()));
    }
    fn record_u64(&mut self, f: &Field, v: u64) {
        self.0.push((f.name().into(), "u64", v.to_string()));
    }
    fn record_f64(&mut self, f: &Field, v: f64) {
        self.0.push((f.name().into(), "f64", v.to_string()));
    }
    fn record_bool(&mut self, f: &Field, v: bool) {
        self.0.push((f.name().into(), "bool", v.to_string()));
    }
    fn record_str(&mut self, f: &Field, v: &str) {
        self.0.push((f.name().into(), "str", v.into()));
    }
    fn record_debug(&mut self, f: &Field, v: &dyn std::fmt::Debug) {
        self.0.push((f.name().into(), "debug", format!("{v:?}")));
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Seen>>>);

impl<S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>>
    tracing_subscriber::Layer<S> for Capture
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let meta = attrs.metadata();
        let mut fields = Vec::new();
        attrs.record(&mut Typed(&mut fields));
        self.0.lock().unwrap().push(Seen {
            name: meta.name().into(),
            target: meta.target().into(),
            level: *meta.level(),
            fields,
            entered: 0,
        });
    }

    fn on_enter(&self, _: &tracing::span::Id, _: Context<'_, S>) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.entered += 1;
        }
    }
}

fn captured(f: impl FnOnce()) -> Vec<Seen> {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::with_default(subscriber, f);
    capture.0.lock().unwrap().clone()
}

#[test]
fn a_derived_span_carries_the_operation_the_type_and_each_recorded_field_typed() {
    let order = Order {
        id: "A-17",
        lines: 3,
        total: 12.5,
        state: semconv::ShopState::Open,
        tags: vec!["gift", "express"],
        card: "4111 1111",
        note: "leave at the door",
    };
    let mut inside = false;
    let seen = captured(|| {
        let lines = order.instrument_call("checkout", || {
            inside = tracing::Span::current().metadata().map(|m| m.name()) == Some("Order");
            order.lines
        });
        assert_eq!(lines, 3);
    });
    assert!(inside, "f runs inside the span");
    let [span] = &seen[..] else {
        panic!("one span: {seen:?}")
    };
    assert_eq!(
        (span.name.as_str(), span.level),
        ("Order", tracing::Level::INFO)
    );
    assert_eq!(span.target, module_path!());
    assert_eq!(span.entered, 1);
    assert_eq!(span.field("otel.name"), Some(("str", "checkout")));
    assert_eq!(span.field("otel.kind"), Some(("str", "internal")));
    assert_eq!(span.field("knhk.instrument.type"), Some(("str", "Order")));
    assert_eq!(span.field("shop.order.id"), Some(("str", "A-17")));
    // An integer is recorded as the i64 OpenTelemetry holds, whatever its Rust type.
    assert_eq!(span.field("shop.order.lines"), Some(("i64", "3")));
    assert_eq!(span.field("shop.order.total"), Some(("f64", "12.5")));
    assert_eq!(span.field("shop.state"), Some(("str", "open")));
    assert_eq!(
        span.field("shop.order.tags"),
        Some(("debug", "[\"gift\", \"express\"]"))
    );
    // Exactly those: the skipped and the unmarked field are not recorded.
    assert_eq!(span.fields.len(), 8, "{:?}", span.fields);
    let printed = format!("{:?}", span.fields);
    assert!(
        !printed.contains(order.card) && !printed.contains(order.note),
        "{printed}"
    );
}

#[test]
fn a_span_group_gives_its_name_and_kind_and_the_options_their_level_and_target() {
    let payment = Payment {
        order: String::from("B-2"),
        total: 40.0,
    };
    let seen = captured(|| {
        let _span = payment.span("charge");
    });
    let [span] = &seen[..] else {
        panic!("one span: {seen:?}")
    };
    assert_eq!(
        (span.name.as_str(), span.target.as_str(), span.level),
        ("shop.payment", "shop::payments", tracing::Level::DEBUG)
    );
    assert_eq!(span.field("otel.name"), Some(("str", "charge")));
    assert_eq!(span.field("otel.kind"), Some(("str", "client")));
    assert_eq!(span.field("knhk.instrument.type"), Some(("str", "Payment")));
    assert_eq!(span.field("shop.order.id"), Some(("str", "B-2")));
    assert_eq!(span.field("shop.order.total"), Some(("f64", "40")));
    assert_eq!(span.entered, 0, "span() does not enter");
}

#[test]
fn with_no_subscriber_interested_the_span_is_disabled_and_the_call_still_runs() {
    let order = Payment {
        order: String::from("C-3"),
        total: 1.0,
    };
    // A subscriber that wants nothing at DEBUG: the span is never built.
    let subscriber =
        tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::INFO);
    tracing::subscriber::with_default(subscriber, || {
        assert!(order.span("charge").is_disabled());
        assert_eq!(order.instrument_call("charge", || 5), 5);
    });
}
