//! Iterating a `SpanBuffer` against a plain slice iterator over the same spans: the
//! buffer's iterator is the slice's, so the ratio of medians should be 1 up to noise.
//!
//! The same 64 ended spans (a third with an error status), in a `SpanBuffer<64>`: one
//! side iterates the buffer, the other a plain slice iterator over the very same spans
//! (`buffer.as_slice().iter()`), so only the iteration differs, not the memory or the
//! reading of the buffer's span count. Each pair does the same work:
//!
//! - `fold`: the sum of the spans' durations, through `fold_zero_copy` vs
//!   `slice.iter().fold`;
//! - `filter`: the count of error spans, through `filter_zero_copy` +
//!   `fold_zero_copy` (as `count_error_spans` in `ZeroCopyIterator`'s docs) vs
//!   `slice.iter().filter().count()`;
//! - `std`: `(&buffer).into_iter().map(..).max()` vs the same on the slice;
//! - `next`: a `while let` over `next_zero_copy` vs one over `slice.iter().next()`;
//!   and `next/slice_in_hand`, the slice loop given the slice itself (pointer and
//!   length already in registers), to show what reading the buffer's count costs.
//!
//! Every input goes through `black_box`, and each side is an `#[inline(never)]`
//! function. Run: `cargo bench -p knhk-runtime --bench span`, then
//! `scripts/bench-medians span_iter --ratio span_iter/fold/buffer:span_iter/fold/slice
//! --ratio span_iter/filter/buffer:span_iter/filter/slice
//! --ratio span_iter/std/buffer:span_iter/std/slice
//! --ratio span_iter/next/buffer:span_iter/next/slice
//! --ratio span_iter/next/buffer:span_iter/next/slice_in_hand`.

use criterion::{Criterion, criterion_group, criterion_main};
use knhk_runtime::span::{
    HotPathTelemetry, Span, SpanBuffer, SpanStatus, TraceId, ZeroCopyIterator,
};
use knhk_runtime::tick::Ticks;
use std::hint::black_box;

const SPANS: usize = 64;

fn spans() -> SpanBuffer<SPANS> {
    let mut buffer = SpanBuffer::new();
    let trace = TraceId::new(0x4bf9_2f35_77b3_4da6).unwrap();
    for i in 0..SPANS {
        let cx = buffer.start_span("work", trace, None).unwrap();
        let status = if i % 3 == 0 {
            SpanStatus::Error
        } else {
            SpanStatus::Ok
        };
        assert!(buffer.end_span(cx.span_id, status));
    }
    buffer
}

fn duration(span: &Span) -> u64 {
    span.duration().map_or(0, |Ticks(t)| t)
}

#[inline(never)]
fn fold_buffer(buffer: &SpanBuffer<SPANS>) -> u64 {
    buffer
        .iter()
        .fold_zero_copy(0, |sum, span| sum + duration(span))
}

#[inline(never)]
fn fold_slice(buffer: &SpanBuffer<SPANS>) -> u64 {
    buffer
        .as_slice()
        .iter()
        .fold(0, |sum, span| sum + duration(span))
}

#[inline(never)]
fn count_error_spans(buffer: &SpanBuffer<SPANS>) -> usize {
    buffer
        .iter()
        .filter_zero_copy(|span| span.status() == SpanStatus::Error)
        .fold_zero_copy(0, |count, _span| count + 1)
}

#[inline(never)]
fn count_error_slice(buffer: &SpanBuffer<SPANS>) -> usize {
    buffer
        .as_slice()
        .iter()
        .filter(|span| span.status() == SpanStatus::Error)
        .count()
}

#[inline(never)]
fn max_buffer(buffer: &SpanBuffer<SPANS>) -> Option<u64> {
    buffer.into_iter().map(duration).max()
}

#[inline(never)]
fn max_slice(buffer: &SpanBuffer<SPANS>) -> Option<u64> {
    buffer.as_slice().iter().map(duration).max()
}

#[inline(never)]
fn next_buffer(buffer: &SpanBuffer<SPANS>) -> usize {
    let mut iter = buffer.iter();
    let mut names = 0;
    while let Some(span) = iter.next_zero_copy() {
        names += span.name().len();
    }
    names
}

#[inline(never)]
#[allow(clippy::while_let_on_iterator)] // the same loop as `next_buffer`'s
fn next_slice(buffer: &SpanBuffer<SPANS>) -> usize {
    let mut iter = buffer.as_slice().iter();
    let mut names = 0;
    while let Some(span) = iter.next() {
        names += span.name().len();
    }
    names
}

#[inline(never)]
#[allow(clippy::while_let_on_iterator)]
fn next_slice_in_hand(spans: &[Span]) -> usize {
    let mut iter = spans.iter();
    let mut names = 0;
    while let Some(span) = iter.next() {
        names += span.name().len();
    }
    names
}

fn bench(c: &mut Criterion) {
    let buffer = spans();
    let slice: &[Span] = buffer.as_slice();
    assert_eq!(fold_buffer(&buffer), fold_slice(&buffer));
    assert_eq!(count_error_spans(&buffer), count_error_slice(&buffer));
    assert_eq!(count_error_spans(&buffer), SPANS.div_ceil(3));
    assert_eq!(next_buffer(&buffer), next_slice_in_hand(slice));

    let mut g = c.benchmark_group("span_iter");
    let buffer = &buffer;
    g.bench_function("fold/buffer", |b| b.iter(|| fold_buffer(black_box(buffer))));
    g.bench_function("fold/slice", |b| b.iter(|| fold_slice(black_box(buffer))));
    g.bench_function("filter/buffer", |b| {
        b.iter(|| count_error_spans(black_box(buffer)))
    });
    g.bench_function("filter/slice", |b| {
        b.iter(|| count_error_slice(black_box(buffer)))
    });
    g.bench_function("std/buffer", |b| b.iter(|| max_buffer(black_box(buffer))));
    g.bench_function("std/slice", |b| b.iter(|| max_slice(black_box(buffer))));
    g.bench_function("next/buffer", |b| b.iter(|| next_buffer(black_box(buffer))));
    g.bench_function("next/slice", |b| b.iter(|| next_slice(black_box(buffer))));
    g.bench_function("next/slice_in_hand", |b| {
        b.iter(|| next_slice_in_hand(black_box(slice)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
