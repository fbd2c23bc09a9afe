use knhk_runtime::span::{SpanBuilder, TraceId};

fn main() {
    let _span = SpanBuilder::new()
        .with_name("http.request")
        .with_trace_id(TraceId::new(1).unwrap())
        .build();
}
