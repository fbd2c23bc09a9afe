use knhk_runtime::{hot_path, impl_paths};

struct Levels<T>(Vec<T>);

#[impl_paths]
impl<T: Copy> Levels<T> {
    #[hot_path(8, measure = "always")]
    fn first(&self) -> Option<T> {
        self.0.first().copied()
    }
}

fn main() {
    let _ = Levels(vec![1_u8]).first();
}
