use knhk_runtime::Builder;

#[derive(Builder)]
struct Config {
    level: Option<u8>,
    maybe_level: bool,
}

fn main() {}
