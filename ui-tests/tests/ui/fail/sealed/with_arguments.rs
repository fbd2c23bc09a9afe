use knhk_runtime::sealed;

#[sealed(pub(crate))]
pub trait Shape {}

fn main() {}
