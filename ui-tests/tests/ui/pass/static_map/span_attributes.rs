//! A registry of attribute types, looked up by name.

use knhk_runtime::hash::StaticMap;
use knhk_runtime::static_map;

#[derive(Debug, PartialEq, Eq)]
pub enum AttributeType {
    String,
    Int,
}

static_map! {
    /// Attribute types by name.
    pub static SPAN_ATTRIBUTES: StaticMap<&'static str, AttributeType> = {
        "http.method" => AttributeType::String,
        "http.status_code" => AttributeType::Int,
    };
}

fn type_of(
    map: &StaticMap<&'static str, AttributeType>,
    name: &str,
) -> Option<&'static AttributeType> {
    map.get(name)
}

fn main() {
    assert_eq!(
        type_of(&SPAN_ATTRIBUTES, "http.method"),
        Some(&AttributeType::String)
    );
    assert_eq!(
        type_of(&SPAN_ATTRIBUTES, "http.status_code"),
        Some(&AttributeType::Int)
    );
    assert_eq!(type_of(&SPAN_ATTRIBUTES, "http.url"), None);
    assert!(SPAN_ATTRIBUTES.contains_key("http.method"));
    assert_eq!(SPAN_ATTRIBUTES.len(), 2);
    assert!(!SPAN_ATTRIBUTES.is_empty());
    let (key, value) = SPAN_ATTRIBUTES
        .get_entry(&String::from("http.method"))
        .unwrap();
    assert_eq!((*key, value), ("http.method", &AttributeType::String));
    let mut keys: Vec<&str> = SPAN_ATTRIBUTES.keys().copied().collect();
    keys.sort_unstable();
    assert_eq!(keys, ["http.method", "http.status_code"]);
    assert_eq!(SPAN_ATTRIBUTES.values().count(), 2);
    assert_eq!(SPAN_ATTRIBUTES.entries().count(), 2);
    // At most one key comparison, found or not.
    assert_eq!(SPAN_ATTRIBUTES.get_counting("http.method").1, 1);
    assert!(SPAN_ATTRIBUTES.get_counting("http.url").1 <= 1);
}
