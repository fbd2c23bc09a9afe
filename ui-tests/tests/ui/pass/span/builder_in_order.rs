//! Every order the builder accepts: `with_parent` anywhere, `with_attribute` after the
//! name, a custom capacity, and the builder passed around in its typed states.
use knhk_runtime::span::state::{Named, Ready};
use knhk_runtime::span::{CapacityError, Span, SpanBuilder, SpanId, SpanStatus, TraceId};

fn named(name: &'static str) -> SpanBuilder<Named> {
    SpanBuilder::new().with_name(name)
}

fn ready(builder: SpanBuilder<Named>, trace: TraceId) -> SpanBuilder<Ready> {
    builder.with_trace_id(trace).with_span_id(SpanId::next())
}

fn main() -> Result<(), CapacityError> {
    let trace = TraceId::new(42).unwrap();
    let parent = SpanId::next();

    let plain: Span = SpanBuilder::new()
        .with_name("plain")
        .with_trace_id(trace)
        .with_span_id(SpanId::next())
        .build();
    assert!(plain.context().is_root());

    let early_parent = SpanBuilder::new()
        .with_parent(parent)
        .with_name("early")
        .with_trace_id(trace)
        .with_span_id(SpanId::next())
        .build();
    let late_parent = ready(named("late").with_attribute("k", 1)?, trace)
        .with_parent(parent)
        .with_attribute("done", true)?
        .build();
    assert_eq!(early_parent.parent(), Some(parent));
    assert_eq!(late_parent.parent(), Some(parent));
    assert_eq!(late_parent.attributes().len(), 2);

    let mut wide: Span<16> = SpanBuilder::with_capacity::<16>()
        .with_name("wide")
        .with_trace_id(trace)
        .with_span_id(SpanId::next())
        .build();
    for key in [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
    ] {
        wide.set_attribute(key, key)?;
    }
    assert!(wide.set_attribute("q", 0).is_err());
    assert!(wide.end(SpanStatus::Ok));
    Ok(())
}
