use knhk_runtime::static_map;

static_map! {
    static LIMITS: StaticMap<&'static str, u8> = { "low" => 1, "high" => "255" };
}

fn main() {
    let _ = LIMITS.get("low");
}
