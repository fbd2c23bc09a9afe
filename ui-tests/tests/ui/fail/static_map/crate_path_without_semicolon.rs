use knhk_runtime::static_map;

static_map! {
    crate = knhk_runtime,
    static M: StaticMap<u8, u8> = { 1 => 2 };
}

fn main() {
    assert_eq!(M.get(&1), Some(&2));
}
