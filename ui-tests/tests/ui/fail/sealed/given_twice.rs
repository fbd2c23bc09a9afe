use knhk_runtime::sealed;

#[sealed]
#[sealed]
pub trait Shape {}

fn main() {}
