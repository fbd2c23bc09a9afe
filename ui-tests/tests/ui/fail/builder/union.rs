use knhk_runtime::Builder;

#[derive(Builder)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
