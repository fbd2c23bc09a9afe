use knhk_runtime::const_hash;

const H: u64 = const_hash!(fnv1a, 42_u32);

fn main() {
    let _ = H;
}
