use knhk_runtime::span::{SpanBuilder, SpanId};

fn main() {
    let _span = SpanBuilder::new()
        .with_name("http.request")
        .with_span_id(SpanId::next())
        .build();
}
