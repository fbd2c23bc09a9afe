use knhk_runtime::hash::StaticMap;
use knhk_runtime::{const_hash_map, static_map};

static_map! {
    #[allow(dead_code)]
    static UNUSED: StaticMap<u8, u8> = { 1 => 1 };
    pub(crate) const LEVELS: StaticMap<&'static str, u8> = { "trace" => 0, "debug" => 1 };
    static EMPTY: StaticMap<&'static str, ()> = {};
}

const_hash_map! {
    static ALIASED: StaticMap<&'static str, u8> = { "alias" => 1 };
}

/// A map in a `const` is a value: copy it, pass it, look things up in it.
const COPY: StaticMap<&str, u8> = LEVELS;

fn main() {
    assert_eq!(LEVELS.get("debug"), Some(&1));
    assert_eq!(COPY.get("trace"), Some(&0));
    assert!(EMPTY.is_empty());
    assert_eq!(EMPTY.get(""), None);
    assert_eq!(ALIASED.get("alias"), Some(&1));
}
