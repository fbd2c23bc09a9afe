use knhk_runtime::Builder;

#[derive(Builder)]
struct Server(u16, String);

fn main() {}
