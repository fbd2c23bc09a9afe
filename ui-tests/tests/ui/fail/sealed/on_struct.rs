use knhk_runtime::sealed;

#[sealed]
pub struct Token;

fn main() {}
