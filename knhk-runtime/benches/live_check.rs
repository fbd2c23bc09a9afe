//! `RegistryCheckLayer`'s cost per event and per span: the same registry event and span
//! emitted under a `tracing_subscriber::registry()` alone and under the registry with
//! the check layer (target: ≤ 1 µs per event, 1 ms per 1 000).

use criterion::{Criterion, criterion_group, criterion_main};
use knhk_runtime::semconv;
use knhk_runtime::telemetry::RegistryCheckLayer;
use std::hint::black_box;
use tracing_subscriber::layer::SubscriberExt;

/// knhk's over-budget event, as the runtime emits it: five attributes.
#[inline(never)]
fn event(budget: u64, actual: u64) {
    knhk_runtime::event!(
        WARN,
        "knhk.performance.budget_exceeded",
        performance.budget_ticks = budget,
        performance.actual_ticks = actual,
        performance.overage_ticks = actual - budget,
        performance.suppressed_events = 0_u64,
        code.function.name = "orders::book::best_bid",
        "call over its budget",
    );
}

/// The lockchain's verification span, created and closed: three attributes, one
/// recorded later.
#[inline(never)]
fn span(entries: u64) {
    let span = knhk_runtime::span!(
        DEBUG,
        "knhk.lockchain.verify",
        file.path = "/var/lib/app/receipts.lockchain",
        lockchain.entries = entries,
        error.type = _,
    );
    drop(black_box(span));
}

fn live_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("live_check");
    let plain = tracing::Dispatch::new(tracing_subscriber::registry());
    let check = RegistryCheckLayer::new([semconv::registry()]);
    let checked = tracing::Dispatch::new(tracing_subscriber::registry().with(check.clone()));
    tracing::dispatcher::with_default(&plain, || {
        group.bench_function("event_registry", |b| {
            b.iter(|| event(black_box(8), black_box(40)))
        });
        group.bench_function("span_registry", |b| b.iter(|| span(black_box(3))));
    });
    tracing::dispatcher::with_default(&checked, || {
        group.bench_function("event_checked", |b| {
            b.iter(|| event(black_box(8), black_box(40)))
        });
        group.bench_function("span_checked", |b| b.iter(|| span(black_box(3))));
    });
    group.finish();
    // The bench's own telemetry follows the registry.
    let report = check.report();
    assert_eq!(report.violations(), 0, "{report:#}");
}

criterion_group!(benches, live_check);
criterion_main!(benches);
