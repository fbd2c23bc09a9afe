use knhk_runtime::{hot_path, paths};

#[hot_path(8, allow_alloc)]
fn pair(x: u64) -> Vec<u64> {
    vec![x, x]
}

#[hot_path(budget = 8, allow_alloc, name = "allow_alloc.label")]
fn label(x: u64) -> String {
    let s = format!("{x}");
    s.to_string()
}

fn main() {
    assert_eq!(pair(3), [3, 3]);
    assert_eq!(label(42), "42");

    let paths = paths();
    let label = paths.iter().find(|p| p.name == "allow_alloc.label");
    assert_eq!(label.is_some(), cfg!(debug_assertions));
    if let Some(label) = label {
        assert!(label.allow_alloc);
    }
}
