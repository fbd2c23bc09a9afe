// The seal lives in a `pub(crate)` module: another crate cannot name it.
struct MyTelemetry;

impl knhk_runtime::span::__knhk_sealed_HotPathTelemetry::Sealed for MyTelemetry {}

fn main() {}
