use knhk_runtime::static_map;

static_map! {
    static NAMES: HashMap<&'static str, u8> = { "a" => 1 };
}

fn main() {
    let _ = NAMES.get("a");
}
