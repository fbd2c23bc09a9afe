//! `crate = path,` first in `const_hash!` and `hash_proof!`: the expansion reaches
//! knhk-runtime through the path given. The runtime is here only as `renamed_knhk`, and
//! `knhk_runtime` names `core`, so an expansion that still said `::knhk_runtime::hash`
//! would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
    pub use renamed_knhk::{const_hash, hash_proof};
}

use facade::{const_hash, hash_proof};
use renamed_knhk::hash::HashProof;

const NAME: u64 = const_hash!(crate = crate::facade::knhk, fnv1a, "http.server.request");
static WIDE: u128 = const_hash!(crate = ::renamed_knhk, xxh3_128, b"bytes");
const PROOF: HashProof<0xaf63dc4c8601ec8c> =
    hash_proof!(crate = crate::facade::knhk, fnv1a, "a", 0xaf63dc4c8601ec8c);

fn main() {
    assert_eq!(NAME, renamed_knhk::hash::fnv1a_64(b"http.server.request"));
    assert_eq!(WIDE, renamed_knhk::hash::xxh3_128(b"bytes"));
    assert_eq!(PROOF.value(), 0xaf63dc4c8601ec8c);
}
