use knhk_runtime::span::{HotPathTelemetry, Span, SpanContext, SpanId, SpanStatus, TraceId};

struct MyTelemetry;

impl HotPathTelemetry for MyTelemetry {
    fn start_span(
        &mut self,
        _: &'static str,
        _: TraceId,
        _: Option<SpanId>,
    ) -> Option<SpanContext> {
        None
    }
    fn end_span(&mut self, _: SpanId, _: SpanStatus) -> bool {
        false
    }
    fn get_span(&self, _: SpanId) -> Option<&Span> {
        None
    }
}

fn main() {}
