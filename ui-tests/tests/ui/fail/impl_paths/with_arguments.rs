// `#[impl_paths]` takes the impl's type from the impl itself, and no arguments.
struct Bids;

#[knhk_runtime::impl_paths(name = "bids")]
impl Bids {
    #[knhk_runtime::hot_path(8)]
    fn get(&self) -> u32 {
        1
    }
}

fn main() {
    Bids.get();
}
