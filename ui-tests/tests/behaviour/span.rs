//! Spans through the public API: the builder, inline attributes, the buffer behind
//! `HotPathTelemetry`, and that none of it allocates.

use knhk_runtime::alloc::thread_allocations;
use knhk_runtime::span::{
    AttributeValue, CapacityError, HotPathTelemetry, Span, SpanBuffer, SpanBuilder, SpanId,
    SpanStatus, TraceFlags, TraceId, ZeroCopyIterator,
};
use knhk_runtime::tick::Ticks;
use std::collections::HashSet;
use std::hint::black_box;

fn trace() -> TraceId {
    TraceId::new(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736).unwrap()
}

fn span_id(n: u64) -> SpanId {
    SpanId::new(n).unwrap()
}

#[test]
fn builder_carries_every_field_into_the_span() {
    let span = SpanBuilder::new()
        .with_parent(span_id(1)) // before the name: allowed anywhere
        .with_name("http.request")
        .with_attribute("http.request.method", "GET")
        .unwrap()
        .with_trace_id(trace())
        .with_span_id(span_id(2))
        .with_attribute("http.response.status_code", 200)
        .unwrap()
        .with_attribute("retry", false)
        .unwrap()
        .with_attribute("ratio", 0.5)
        .unwrap()
        .with_flags(TraceFlags::NONE)
        .build_at(Ticks(40));
    assert_eq!(span.name(), "http.request");
    assert_eq!(span.trace_id(), trace());
    assert_eq!(span.span_id(), span_id(2));
    assert_eq!(span.parent(), Some(span_id(1)));
    assert_eq!(span.context().flags, TraceFlags::NONE);
    assert_eq!(span.start_ticks(), Ticks(40));
    assert_eq!(span.end_ticks(), None);
    assert_eq!(span.duration(), None);
    assert_eq!(span.status(), SpanStatus::Unset);
    let attributes: Vec<_> = span.attributes().iter().map(|a| (a.key, a.value)).collect();
    assert_eq!(
        attributes,
        [
            ("http.request.method", AttributeValue::Str("GET")),
            ("http.response.status_code", AttributeValue::Int(200)),
            ("retry", AttributeValue::Bool(false)),
            ("ratio", AttributeValue::Float(0.5)),
        ]
    );
}

#[test]
fn build_reads_the_clock_and_defaults_to_sampled_root() {
    let before = knhk_runtime::tick::now();
    let span = SpanBuilder::new()
        .with_name("now")
        .with_trace_id(trace())
        .with_span_id(span_id(3))
        .build();
    let after = knhk_runtime::tick::now();
    assert!(before <= span.start_ticks() && span.start_ticks() <= after);
    assert!(span.context().is_root());
    assert!(span.context().flags.is_sampled());
}

#[test]
fn attribute_past_capacity_gives_the_builder_back_unchanged() {
    let named = SpanBuilder::with_capacity::<2>()
        .with_name("full")
        .with_attribute("a", 1)
        .unwrap()
        .with_attribute("b", 2)
        .unwrap();
    // Replacing a key needs no room.
    let named = named.with_attribute("a", 10).unwrap();
    let overflow = named.with_attribute("c", 3).unwrap_err();
    assert_eq!(
        overflow.error,
        CapacityError {
            key: "c",
            capacity: 2
        }
    );
    assert_eq!(
        overflow.to_string(),
        "cannot add attribute `c`: the list is full (capacity 2)"
    );
    let span = overflow
        .builder
        .with_trace_id(trace())
        .with_span_id(span_id(4))
        .build_at(Ticks(0));
    assert_eq!(span.attributes().len(), 2);
    assert_eq!(span.attributes().get("a"), Some(AttributeValue::Int(10)));
    assert_eq!(span.attributes().get("c"), None);
}

#[test]
fn attribute_overflow_converts_with_question_mark() {
    fn three() -> Result<Span<2>, CapacityError> {
        Ok(SpanBuilder::with_capacity::<2>()
            .with_name("q")
            .with_attribute("a", 1)?
            .with_attribute("b", 2)?
            .with_attribute("c", 3)?
            .with_trace_id(trace())
            .with_span_id(span_id(5))
            .build())
    }
    assert_eq!(
        three().unwrap_err(),
        CapacityError {
            key: "c",
            capacity: 2
        }
    );
    let boxed: Box<dyn std::error::Error> = SpanBuilder::with_capacity::<0>()
        .with_name("e")
        .with_attribute("a", 1)
        .unwrap_err()
        .into();
    assert!(boxed.source().is_some());
}

#[test]
fn span_attributes_and_end_follow_their_rules() {
    let mut span: Span<1> = SpanBuilder::with_capacity::<1>()
        .with_name("s")
        .with_trace_id(trace())
        .with_span_id(span_id(6))
        .build_at(Ticks(100));
    span.set_attribute("k", "v").unwrap();
    let before = span.clone();
    assert_eq!(
        span.set_attribute("other", 1),
        Err(CapacityError {
            key: "other",
            capacity: 1
        })
    );
    assert!(span == before, "a rejected attribute changed the span");
    assert!(span.end_at(Ticks(130), SpanStatus::Error));
    assert!(!span.end_at(Ticks(999), SpanStatus::Ok), "ended twice");
    assert_eq!(span.end_ticks(), Some(Ticks(130)));
    assert_eq!(span.duration(), Some(Ticks(30)));
    assert_eq!(span.status(), SpanStatus::Error);
    assert!(span.is_ended());
}

#[test]
fn buffer_starts_ends_and_finds_spans() {
    let mut buffer = SpanBuffer::<3>::new();
    assert!(buffer.is_empty());
    let root = buffer.start_span("root", trace(), None).unwrap();
    let child = buffer
        .start_span("child", trace(), Some(root.span_id))
        .unwrap();
    assert_ne!(root.span_id, child.span_id);
    assert_eq!(child.parent, Some(root.span_id));
    assert_eq!(child.trace_id, trace());
    assert!(child.flags.is_sampled());

    let open = buffer.get_span(child.span_id).unwrap();
    assert_eq!(open.name(), "child");
    assert_eq!(open.context(), &child);
    assert!(!open.is_ended());

    assert!(buffer.end_span(child.span_id, SpanStatus::Ok));
    assert!(
        !buffer.end_span(child.span_id, SpanStatus::Error),
        "ended twice"
    );
    assert!(
        !buffer.end_span(span_id(12345), SpanStatus::Ok),
        "unknown id"
    );
    let ended = buffer.get_span(child.span_id).unwrap();
    assert_eq!(ended.status(), SpanStatus::Ok);
    assert!(ended.end_ticks().unwrap() >= ended.start_ticks());
    assert_eq!(buffer.get_span(span_id(12345)).map(Span::name), None);

    buffer
        .get_span_mut(root.span_id)
        .unwrap()
        .set_attribute("user", 7)
        .unwrap();
    assert!(buffer.end_span(root.span_id, SpanStatus::Unset));
    assert_eq!(
        buffer
            .get_span(root.span_id)
            .unwrap()
            .attributes()
            .get("user"),
        Some(AttributeValue::Int(7))
    );
    let names: Vec<_> = buffer.iter().map(Span::name).collect();
    assert_eq!(names, ["root", "child"]);
}

#[test]
fn full_buffer_returns_none_and_clear_makes_room() {
    let mut buffer = SpanBuffer::<2>::new();
    let a = buffer.start_span("a", trace(), None).unwrap();
    buffer.start_span("b", trace(), None).unwrap();
    assert_eq!(buffer.start_span("c", trace(), None), None);
    assert_eq!(buffer.len(), 2);
    assert!(buffer.iter().all(|s| s.name() != "c"));
    buffer.clear();
    assert!(buffer.is_empty());
    assert_eq!(buffer.get_span(a.span_id).map(Span::name), None);
    assert!(!buffer.end_span(a.span_id, SpanStatus::Ok));
    assert!(buffer.start_span("d", trace(), None).is_some());

    let mut empty = SpanBuffer::<0>::new();
    assert_eq!(empty.start_span("x", trace(), None), None);
}

#[test]
fn buffer_ids_are_distinct_across_many_spans() {
    let mut seen = HashSet::new();
    let mut buffer = SpanBuffer::<64>::new();
    for _ in 0..100 {
        for _ in 0..64 {
            let cx = buffer.start_span("s", trace(), None).unwrap();
            assert!(seen.insert(cx.span_id));
        }
        buffer.clear();
    }
    assert_eq!(seen.len(), 6400);
}

/// Code generic over the sealed trait: users call it, they cannot implement it.
fn traced_work<T: HotPathTelemetry>(telemetry: &mut T, depth: u32, parent: Option<SpanId>) -> u32 {
    let Some(cx) = telemetry.start_span("work", trace(), parent) else {
        return 0;
    };
    let below = if depth > 0 {
        traced_work(telemetry, depth - 1, Some(cx.span_id))
    } else {
        0
    };
    assert!(telemetry.end_span(cx.span_id, SpanStatus::Ok));
    below + 1
}

#[test]
fn generic_code_uses_the_sealed_trait() {
    let mut buffer = SpanBuffer::<4>::new();
    // Depth 6 wants 7 spans; the buffer records 4 and the rest run unrecorded.
    assert_eq!(traced_work(&mut buffer, 6, None), 4);
    let spans: Vec<&Span> = buffer.iter().collect();
    assert!(spans.iter().all(|s| s.status() == SpanStatus::Ok));
    for pair in spans.windows(2) {
        assert_eq!(pair[1].parent(), Some(pair[0].span_id()));
    }
}

#[test]
fn nothing_on_the_span_path_allocates() {
    // The counter works here: a Vec is seen.
    let before = thread_allocations();
    black_box(vec![1_u8; 8]);
    assert_eq!(thread_allocations() - before, 1);

    let before = thread_allocations();
    let named = SpanBuilder::with_capacity::<2>()
        .with_name("no.alloc")
        .with_attribute("a", 1)
        .unwrap()
        .with_attribute("b", "two")
        .unwrap();
    let overflow = named.with_attribute("c", 3.0).unwrap_err();
    let mut span = black_box(overflow.builder)
        .with_trace_id(trace())
        .with_span_id(SpanId::next())
        .with_parent(SpanId::next())
        .build();
    assert!(span.set_attribute("d", true).is_err());
    assert!(span.end(SpanStatus::Ok));

    let mut buffer = SpanBuffer::<4>::new();
    let mut ids = [None; 5];
    for id in &mut ids {
        *id = buffer
            .start_span("buffered", trace(), None)
            .map(|c| c.span_id);
    }
    for id in ids.iter().flatten() {
        assert!(buffer.end_span(*id, SpanStatus::Ok));
        assert!(buffer.get_span(*id).is_some());
    }
    black_box((&span, &buffer));
    assert_eq!(thread_allocations() - before, 0, "the span path allocated");
    assert_eq!(ids[4], None);
}

/// A buffer of `statuses.len()` ended spans, named "s0", "s1", ...
fn ended<const N: usize>(statuses: &[SpanStatus]) -> SpanBuffer<N> {
    const NAMES: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];
    let mut buffer = SpanBuffer::<N>::new();
    for (name, &status) in NAMES.iter().zip(statuses) {
        let cx = buffer.start_span(name, trace(), None).unwrap();
        assert!(buffer.end_span(cx.span_id, status));
    }
    buffer
}

#[test]
fn iteration_hands_out_the_buffers_own_spans_in_order() {
    use SpanStatus::{Error, Ok, Unset};
    let buffer = ended::<8>(&[Ok, Error, Unset, Error]);
    let names: Vec<&str> = buffer.iter().map_zero_copy(Span::name).collect();
    assert_eq!(names, ["s0", "s1", "s2", "s3"]);
    // References into the buffer, not copies.
    let first: &Span = buffer.iter().next_zero_copy().unwrap();
    assert!(std::ptr::eq(first, &buffer.as_slice()[0]));
    let errors = buffer
        .iter()
        .filter_zero_copy(|s| s.status().is_error())
        .map_zero_copy(Span::name);
    assert_eq!(errors.collect::<Vec<_>>(), ["s1", "s3"]);
    let mut errors = buffer.iter().filter_zero_copy(|s| s.status().is_error());
    assert_eq!(errors.next_zero_copy().map(Span::name), Some("s1"));
    assert_eq!(errors.next_zero_copy().map(Span::name), Some("s3"));
    assert!(errors.next_zero_copy().is_none());
    // std iterator chains: `&SpanBuffer` is IntoIterator, double-ended, exact-size.
    let mut n = 0;
    for span in &buffer {
        assert!(span.is_ended());
        n += 1;
    }
    assert_eq!(n, 4);
    assert_eq!(buffer.iter().len(), 4);
    assert_eq!(buffer.iter().next_back().map(Span::name), Some("s3"));
    assert_eq!(
        (&buffer).into_iter().filter(|s| s.status() == Ok).count(),
        1
    );
    let mut empty = SpanBuffer::<2>::new();
    assert_eq!(empty.iter().next(), None);
    empty.start_span("x", trace(), None).unwrap();
    empty.clear();
    assert_eq!(empty.iter().len(), 0, "cleared spans are not seen");
}

#[test]
fn a_buffer_holds_spans_with_as_many_attributes_as_its_type_says() {
    fn record<const A: usize, T: HotPathTelemetry<A>>(t: &mut T) -> SpanId {
        t.start_span("wide", trace(), None).unwrap().span_id
    }
    let mut wide = SpanBuffer::<2, 16>::new();
    let id = record(&mut wide);
    let span = wide.get_span_mut(id).unwrap();
    for key in [
        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11",
    ] {
        span.set_attribute(key, 1).unwrap();
    }
    assert_eq!(wide.get_span(id).unwrap().attributes().len(), 12);
    let mut narrow = SpanBuffer::<2, 1>::new();
    let id = record(&mut narrow);
    let span = narrow.get_span_mut(id).unwrap();
    span.set_attribute("a", 1).unwrap();
    assert_eq!(
        span.set_attribute("b", 2),
        Err(CapacityError {
            key: "b",
            capacity: 1
        })
    );
}

#[test]
fn iterating_allocates_nothing() {
    use SpanStatus::{Error, Ok};
    let buffer = ended::<8>(&[Ok, Error, Error, Ok, Error]);
    let before = thread_allocations();
    let errors = buffer
        .iter()
        .filter_zero_copy(|s| s.status() == Error)
        .fold_zero_copy(0, |n, _| n + 1);
    let ticks: u64 = buffer
        .iter()
        .map_zero_copy(|s| s.duration().unwrap().0)
        .sum();
    let mut walked = 0;
    for span in &buffer {
        walked += black_box(span).name().len();
    }
    let mut z = buffer.iter();
    while let Some(span) = z.next_zero_copy() {
        black_box(span);
    }
    let last = buffer.iter().rev().find(|s| s.status() == Ok);
    black_box((errors, ticks, walked, last));
    assert_eq!(thread_allocations() - before, 0, "iteration allocated");
    assert_eq!((errors, walked), (3, 10));
}

#[test]
fn ids_are_made_without_allocating_even_a_threads_first() {
    // A fresh thread: its first ids take its first block, draw its trace key and, in
    // a fresh process, the process's random offset.
    let allocated = std::thread::spawn(|| {
        let before = thread_allocations();
        let ids = (
            TraceId::random(),
            SpanId::next(),
            TraceId::random(),
            SpanId::next(),
        );
        black_box(ids);
        assert_ne!(ids.0, ids.2);
        assert_ne!(ids.1, ids.3);
        thread_allocations() - before
    })
    .join()
    .unwrap();
    assert_eq!(allocated, 0, "making ids allocated");
}
