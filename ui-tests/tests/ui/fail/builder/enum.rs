use knhk_runtime::Builder;

#[derive(Builder)]
enum Shape {
    Circle { r: f64 },
    Square { side: f64 },
}

fn main() {}
