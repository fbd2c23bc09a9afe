use knhk_runtime::sealed;
use std::fmt;

pub struct Square;

#[sealed]
impl fmt::Display for Square {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("square")
    }
}

fn main() {}
