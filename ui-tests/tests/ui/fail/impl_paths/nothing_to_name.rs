// An impl with no `#[hot_path]` or `#[warm_path]` method: the attribute would do
// nothing, most likely because the path attribute was renamed on import.
use knhk_runtime::hot_path as measured;

struct Bids;

#[knhk_runtime::impl_paths]
impl Bids {
    #[measured(8)]
    fn get(&self) -> u32 {
        1
    }
}

fn main() {
    Bids.get();
}
