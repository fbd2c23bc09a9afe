// A registry that breaks a rule: the finding names its file, line and rule.
mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/broken");
}

fn main() {}
