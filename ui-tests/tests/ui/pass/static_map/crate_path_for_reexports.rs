//! `crate = path;` first in `static_map!`, `const_hash_map!` and `static_set!`: the
//! declared types and tables are reached through the path given. The runtime is here
//! only as `renamed_knhk`, and `knhk_runtime` names `core`, so an expansion that still
//! said `::knhk_runtime::__private` would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
    pub use renamed_knhk::{const_hash_map, static_map, static_set};
}

use facade::{const_hash_map, static_map, static_set};

static_map! {
    crate = crate::facade::knhk;
    /// Status texts.
    pub static STATUS: StaticMap<u16, &'static str> = { 200 => "OK", 404 => "Not Found" };
    const CODES: StaticMap<&'static str, u16> = { "OK" => 200 };
}

const_hash_map! {
    crate = ::renamed_knhk;
    static ALIAS: StaticMap<char, u8> = { 'a' => 1 };
}

static_set! {
    crate = crate::facade::knhk;
    static METHODS: StaticSet<&'static str> = { "GET", "POST" };
}

fn main() {
    assert_eq!(STATUS.get(&404), Some(&"Not Found"));
    assert_eq!(CODES.get("OK"), Some(&200));
    assert_eq!(ALIAS.get(&'a'), Some(&1));
    assert!(METHODS.contains("GET") && !METHODS.contains("PUT"));
    let _: &renamed_knhk::hash::StaticSet<&str> = &METHODS;
}
