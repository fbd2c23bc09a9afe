//! Over-budget calls emit rate-limited `knhk::performance` events carrying the
//! registry's fields.

use knhk_runtime::{hot_path, report, semconv, warm_path};
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

#[derive(Debug, Clone, Default)]
struct Captured {
    name: String,
    target: String,
    level: String,
    fields: Vec<(String, String)>,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.push((field.name().to_owned(), value.to_string()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Captured {
            name: meta.name().to_owned(),
            target: meta.target().to_owned(),
            level: meta.level().to_string(),
            fields,
        });
    }
}

fn spin(iterations: u64) -> u64 {
    (0..iterations).fold(0, |acc, i| black_box(acc ^ i.wrapping_mul(31)))
}

/// Thousands of ticks of work against a budget of 1: over budget by any counter.
#[hot_path(1, name = "events.slow_hot", measure = "always")]
fn slow_hot() -> u64 {
    spin(20_000)
}

#[warm_path(budget = "1ns", name = "events.slow_warm", measure = "always")]
fn slow_warm() -> u64 {
    spin(20_000)
}

fn captured(f: impl FnOnce()) -> Vec<Captured> {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::with_default(subscriber, f);
    let events = capture.0.lock().unwrap().clone();
    events
        .into_iter()
        .filter(|e| e.target == semconv::PERFORMANCE_TARGET)
        .collect()
}

#[test]
fn an_over_budget_call_emits_one_event_with_the_four_fields() {
    let events = captured(|| {
        black_box(slow_hot());
    });
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e.name, semconv::events::KNHK_PERFORMANCE_BUDGET_EXCEEDED);
    assert_eq!(e.level, "WARN");
    assert_eq!(
        e.field(semconv::CODE_FUNCTION_NAME),
        Some("events.slow_hot")
    );
    let budget: u64 = e
        .field(semconv::PERFORMANCE_BUDGET_TICKS)
        .unwrap()
        .parse()
        .unwrap();
    let actual: u64 = e
        .field(semconv::PERFORMANCE_ACTUAL_TICKS)
        .unwrap()
        .parse()
        .unwrap();
    let overage: u64 = e
        .field(semconv::PERFORMANCE_OVERAGE_TICKS)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(budget, 1);
    assert!(actual > budget + report().calibration.resolution.get());
    assert_eq!(overage, actual - budget);
    assert_eq!(e.field(semconv::PERFORMANCE_SUPPRESSED_EVENTS), Some("0"));
    // Exactly the declared fields (plus tracing's message), nothing else.
    let mut names: Vec<&str> = e.fields.iter().map(|(k, _)| k.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            semconv::CODE_FUNCTION_NAME,
            "message",
            semconv::PERFORMANCE_ACTUAL_TICKS,
            semconv::PERFORMANCE_BUDGET_TICKS,
            semconv::PERFORMANCE_OVERAGE_TICKS,
            semconv::PERFORMANCE_SUPPRESSED_EVENTS,
        ]
    );
}

#[test]
fn events_are_limited_to_one_per_path_per_second_and_the_rest_counted() {
    let events = captured(|| {
        for _ in 0..5 {
            black_box(slow_warm());
        }
    });
    // Five calls well within a second: one event, four suppressed.
    assert_eq!(events.len(), 1, "{events:?}");
    let report = report();
    let stats = &report.path("events.slow_warm").unwrap().stats;
    assert_eq!(stats.calls, 5);
    assert_eq!(stats.over_budget, 5);
    assert_eq!(stats.suppressed_events, 4);
}
