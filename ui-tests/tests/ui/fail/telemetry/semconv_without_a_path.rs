// `semconv!` takes the registry's directory as a string literal.
mod semconv {
    knhk_runtime::semconv!(registry);
}

fn main() {}
