use knhk_runtime::sealed;

pub struct Square;

#[sealed]
impl Square {
    pub fn side(&self) -> f64 {
        1.0
    }
}

fn main() {}
