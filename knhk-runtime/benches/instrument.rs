//! `#[derive(Instrument)]`'s `instrument_call` against the same `tracing` span written by
//! hand, with a `Registry` subscriber (DESIGN: ≤ 1.05×), and with no subscriber against
//! the bare call.

use criterion::{Criterion, criterion_group, criterion_main};
use knhk_runtime::Instrument;
use std::hint::black_box;

#[derive(Instrument)]
struct Reader {
    #[instrument(attr = "file.path")]
    path: &'static str,
    #[instrument(attr = "lockchain.entries")]
    entries: u64,
}

#[inline(never)]
fn work(x: u64) -> u64 {
    x.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (x >> 7)
}

#[inline(never)]
fn derived(reader: &Reader, x: u64) -> u64 {
    reader.instrument_call("read", || work(x))
}

/// What `derived` expands to, written out.
#[inline(never)]
fn by_hand(reader: &Reader, x: u64) -> u64 {
    tracing::span!(
        tracing::Level::INFO,
        "Reader",
        otel.name = "read",
        otel.kind = "internal",
        knhk.instrument.type = "Reader",
        file.path = reader.path,
        lockchain.entries = reader.entries,
    )
    .in_scope(|| work(x))
}

fn instrument(c: &mut Criterion) {
    let reader = Reader {
        path: "/var/lib/app/receipts.chain",
        entries: 3,
    };
    let mut group = c.benchmark_group("instrument");
    // No subscriber: the span is disabled at its callsite.
    group.bench_function("bare", |b| b.iter(|| work(black_box(42))));
    group.bench_function("derived_no_subscriber", |b| {
        b.iter(|| derived(black_box(&reader), black_box(42)))
    });
    group.bench_function("by_hand_no_subscriber", |b| {
        b.iter(|| by_hand(black_box(&reader), black_box(42)))
    });
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry());
    tracing::dispatcher::with_default(&dispatch, || {
        group.bench_function("derived", |b| {
            b.iter(|| derived(black_box(&reader), black_box(42)))
        });
        group.bench_function("by_hand", |b| {
            b.iter(|| by_hand(black_box(&reader), black_box(42)))
        });
    });
    group.finish();
}

criterion_group!(benches, instrument);
criterion_main!(benches);
