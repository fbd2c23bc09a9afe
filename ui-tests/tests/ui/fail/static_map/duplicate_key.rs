use knhk_runtime::static_map;

static_map! {
    static ATTRIBUTES: StaticMap<&'static str, u8> = {
        "http.method" => 1,
        "http.status_code" => 2,
        "http.method" => 3,
    };
}

fn main() {
    let _ = ATTRIBUTES.get("http.method");
}
