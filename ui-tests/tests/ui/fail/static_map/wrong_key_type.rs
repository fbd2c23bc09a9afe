use knhk_runtime::static_map;

static_map! {
    static CODES: StaticMap<&'static str, u8> = {
        "ok" => 0,
        404 => 1,
    };
}

fn main() {
    let _ = CODES.get("ok");
}
