use knhk_runtime::span::SpanBuilder;

fn main() {
    let _builder = SpanBuilder::new().with_name("a").with_name("b");
}
