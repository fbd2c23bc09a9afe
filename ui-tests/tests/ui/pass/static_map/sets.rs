use knhk_runtime::hash::StaticSet;
use knhk_runtime::static_set;

static_set! {
    pub static METHODS: StaticSet<&'static str> = { "GET", "POST" };
    static BYTE_METHODS: StaticSet<&'static [u8]> = { b"GET", b"POST", };
    static EMPTY: StaticSet<char> = {};
}

fn is_method(set: &StaticSet<&'static str>, word: &str) -> bool {
    set.contains(word)
}

fn main() {
    assert!(is_method(&METHODS, "GET"));
    assert!(is_method(&METHODS, "POST"));
    assert!(!is_method(&METHODS, "PATCH"));
    assert_eq!(METHODS.len(), 2);
    assert_eq!(METHODS.get("GET"), Some(&"GET"));
    assert!(BYTE_METHODS.contains(b"POST"));
    assert!(!BYTE_METHODS.contains(&b"post"[..]));
    assert!(EMPTY.is_empty());
    assert!(!EMPTY.contains(&'x'));
    assert_eq!(METHODS.iter().count(), 2);
}
