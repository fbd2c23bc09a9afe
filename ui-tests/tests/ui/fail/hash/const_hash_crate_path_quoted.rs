use knhk_runtime::const_hash;

const H: u64 = const_hash!(crate = "knhk_runtime", fnv1a, "x");

fn main() {
    let _ = H;
}
