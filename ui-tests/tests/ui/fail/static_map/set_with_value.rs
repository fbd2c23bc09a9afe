use knhk_runtime::static_set;

static_set! {
    static METHODS: StaticSet<&'static str> = { "GET" => 1, "POST" };
}

fn main() {
    let _ = METHODS.contains("GET");
}
