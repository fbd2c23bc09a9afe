use knhk_runtime::block;

fn main() {
    // The arguments are all there is: nothing to measure.
    block::warm_path! { 500, name = "block.empty" };
}
