use knhk_runtime::Builder;

#[derive(Builder)]
struct Marker;

fn main() {}
