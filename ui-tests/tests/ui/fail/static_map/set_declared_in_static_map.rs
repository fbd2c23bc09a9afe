use knhk_runtime::static_map;

static_map! {
    static NAMES: StaticSet<&'static str> = { "a" };
}

fn main() {}
