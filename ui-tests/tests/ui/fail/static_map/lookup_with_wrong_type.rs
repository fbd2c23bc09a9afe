use knhk_runtime::static_map;

static_map! {
    static CODES: StaticMap<&'static str, u8> = { "ok" => 0 };
}

fn main() {
    let _ = CODES.get(&0_u32);
}
