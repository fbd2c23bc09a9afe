// The derive is for structs: a union's fields cannot be read without knowing which is set.
#[derive(knhk_runtime::Instrument)]
union Bits {
    int: u64,
    float: f64,
}

fn main() {}
