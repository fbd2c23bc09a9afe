use knhk_runtime::static_map;

static_map! {
    static NAMES: StaticMap<String, u8> = { "a" => 1 };
}

fn main() {
    let _ = NAMES.len();
}
