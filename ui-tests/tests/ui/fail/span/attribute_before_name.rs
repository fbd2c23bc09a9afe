use knhk_runtime::span::SpanBuilder;

fn main() {
    let _builder = SpanBuilder::new().with_attribute("http.request.method", "GET");
}
