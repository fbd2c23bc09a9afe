use knhk_runtime::const_hash;

const H: u64 = const_hash!(md5, "http.server.request");

fn main() {
    let _ = H;
}
