use knhk_runtime::sealed;

/// A shape.
#[sealed]
pub trait Shape {}

pub struct Square;

// The defining crate forgot `#[sealed]` on its own impl.
impl Shape for Square {}

fn main() {}
