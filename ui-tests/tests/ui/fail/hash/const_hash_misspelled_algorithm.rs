use knhk_runtime::const_hash;

const H: u64 = const_hash!(fnv1, "http.server.request");

fn main() {
    let _ = H;
}
