use knhk_runtime::static_map;

static_map! {
    static LEVELS: StaticMap<u8, &'static str> = { 1 => "low", 300 => "high" };
}

fn main() {
    let _ = LEVELS.get(&1);
}
