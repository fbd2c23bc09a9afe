//! `#[derive(Builder)]` against a struct literal of the same 10-field struct: the
//! builder should compile down to the literal (ratio of medians 0.97–1.03).
//!
//! - `builder` vs `literal`: every field set, the `Option` through its `x(T)` setter;
//! - `builder_unset` vs `literal_unset`: the `Option` and the `#[builder(default)]`
//!   field left to the builder, written as `None` and the default in the literal.
//!
//! Each side is its own `#[inline(never)]` function of two inputs, passed through
//! `black_box` (so they are not constants inside), and the built struct goes through
//! `black_box` too; the two can be read side by side in the assembly. No field owns heap
//! memory, so an allocation does not hide the cost of the builder. When the builder
//! compiles to exactly the literal's code, LLVM merges each pair into one function
//! (`nm` shows `builder::built` and `builder::literal` at one address) and the ratio
//! is 1 up to noise; a builder that costs something shows up as a second function.
//!
//! Run: `cargo bench -p knhk-runtime --bench builder`, then
//! `scripts/bench-medians builder --ratio builder/builder:builder/literal
//! --ratio builder/builder_unset:builder/literal_unset`.

use criterion::{Criterion, criterion_group, criterion_main};
use knhk_runtime::Builder;
use std::hint::black_box;

#[derive(Builder, Debug, PartialEq)]
struct Span {
    trace_id: u64,
    span_id: u64,
    parent: Option<u64>,
    start: u64,
    duration: u32,
    kind: u8,
    status: u16,
    sampled: bool,
    name: &'static str,
    #[builder(default)]
    retries: u8,
}

/// The builder, every field set.
#[inline(never)]
fn built(x: u64, name: &'static str) -> Span {
    Span::builder()
        .trace_id(x)
        .span_id(x ^ 1)
        .parent(x ^ 2)
        .start(x ^ 3)
        .duration(x as u32)
        .kind(x as u8)
        .status(x as u16)
        .sampled(x & 1 == 1)
        .name(name)
        .retries(3)
        .build()
}

/// The literal with the same values.
#[inline(never)]
fn literal(x: u64, name: &'static str) -> Span {
    Span {
        trace_id: x,
        span_id: x ^ 1,
        parent: Some(x ^ 2),
        start: x ^ 3,
        duration: x as u32,
        kind: x as u8,
        status: x as u16,
        sampled: x & 1 == 1,
        name,
        retries: 3,
    }
}

/// The builder, `parent` and `retries` left unset.
#[inline(never)]
fn built_unset(x: u64, name: &'static str) -> Span {
    Span::builder()
        .trace_id(x)
        .span_id(x ^ 1)
        .start(x ^ 3)
        .duration(x as u32)
        .kind(x as u8)
        .status(x as u16)
        .sampled(x & 1 == 1)
        .name(name)
        .build()
}

/// The literal writing what the builder fills in for `parent` and `retries`.
#[inline(never)]
fn literal_unset(x: u64, name: &'static str) -> Span {
    Span {
        trace_id: x,
        span_id: x ^ 1,
        parent: None,
        start: x ^ 3,
        duration: x as u32,
        kind: x as u8,
        status: x as u16,
        sampled: x & 1 == 1,
        name,
        retries: 0,
    }
}

fn builder_vs_literal(c: &mut Criterion) {
    // The two sides must build the same struct, or the comparison means nothing.
    assert_eq!(built(7, "GET /"), literal(7, "GET /"));
    assert_eq!(built_unset(7, "GET /"), literal_unset(7, "GET /"));

    let mut group = c.benchmark_group("builder");
    group.bench_function("builder", |b| {
        b.iter(|| black_box(built(black_box(42), black_box("GET /"))))
    });
    group.bench_function("literal", |b| {
        b.iter(|| black_box(literal(black_box(42), black_box("GET /"))))
    });
    group.bench_function("builder_unset", |b| {
        b.iter(|| black_box(built_unset(black_box(42), black_box("GET /"))))
    });
    group.bench_function("literal_unset", |b| {
        b.iter(|| black_box(literal_unset(black_box(42), black_box("GET /"))))
    });
    group.finish();
}

criterion_group!(benches, builder_vs_literal);
criterion_main!(benches);
