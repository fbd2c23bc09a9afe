//! Raw identifiers as fields: `r#type` gets the setter `r#type`, and an `Option`
//! field `r#match` gets `r#match` and `maybe_match`.

use knhk_runtime::Builder;

#[derive(Builder)]
struct Token {
    r#type: &'static str,
    r#match: Option<u32>,
    #[builder(default = true)]
    r#fn: bool,
}

fn main() {
    let t = Token::builder().r#type("ident").maybe_match(Some(3)).build();
    assert_eq!((t.r#type, t.r#match, t.r#fn), ("ident", Some(3), true));
    let t = Token::builder().r#fn(false).r#match(1).r#type("kw").build();
    assert_eq!((t.r#type, t.r#match, t.r#fn), ("kw", Some(1), false));
}
