use knhk_runtime::Builder;

#[derive(Builder)]
struct Job {
    name: String,
    build: u32,
}

fn main() {}
