use knhk_runtime::static_map;

const GET: &str = "GET";

static_map! {
    static METHODS: StaticMap<&'static str, u8> = { GET => 1, "POST" => 2 };
}

fn main() {
    let _ = METHODS.get("GET");
}
