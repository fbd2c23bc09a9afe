use knhk_runtime::{hot_path, paths};

#[hot_path(8)]
fn r#match(pattern: u8, byte: u8) -> bool {
    pattern == byte
}

struct Matcher;

impl Matcher {
    #[hot_path(8)]
    fn r#type(&self) -> u8 {
        1
    }
}

fn main() {
    assert!(r#match(b'a', b'a'));
    assert!(!r#match(b'a', b'b'));
    assert_eq!(Matcher.r#type(), 1);

    // The default name is the identifier without its `r#`.
    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    assert_eq!(
        names.iter().any(|n| n.ends_with("::match")),
        cfg!(debug_assertions),
        "{names:?}"
    );
    assert_eq!(
        names.iter().any(|n| n.ends_with("::type")),
        cfg!(debug_assertions),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("r#")), "{names:?}");
}
