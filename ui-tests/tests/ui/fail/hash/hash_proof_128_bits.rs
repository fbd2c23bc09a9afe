use knhk_runtime::hash_proof;

fn main() {
    let _ = hash_proof!(xxh3_128, "foobar", 0x1234);
}
