//! `const_hash!` in `const`, `static` and const-generic positions, and `hash_proof!`.

use knhk_runtime::hash::{self, HashProof};
use knhk_runtime::span::SpanId;
use knhk_runtime::{const_hash, hash_proof};

const NAME: &str = "http.server.request";
const FNV: u64 = const_hash!(fnv1a, NAME);
const FNV32: u32 = const_hash!(fnv1a_32, "a");
const FNV128: u128 = const_hash!(fnv1a_128, b"foobar");
static XXH: u64 = const_hash!(xxh3, "");
static XXH128: u128 = const_hash!(xxh3_128, NAME.as_bytes());

/// The proof type of a name's hash.
type XProof = HashProof<{ const_hash!(fnv1a, "x") }>;

const PROOF: HashProof<0x85944171f73967e8> = hash_proof!(fnv1a, "foobar", 0x85944171f73967e8);

fn takes_proof<const H: u64>(proof: HashProof<H>) -> u64 {
    proof.value()
}

fn main() {
    assert_eq!(FNV, hash::fnv1a_64(NAME.as_bytes()));
    assert_eq!(FNV, SpanId::from_name(NAME).get());
    assert_eq!(FNV32, 0xe40c292c);
    assert_eq!(FNV128, 0x343e1662793c64bf6f0d3597ba446f18);
    assert_eq!(XXH, 0x2d06800538d394c2);
    assert_eq!(XXH128, hash::xxh3_128(NAME.as_bytes()));

    let x = XProof::new();
    assert_eq!(x.value(), hash::fnv1a_64(b"x"));
    assert!(x.verify(hash::fnv1a_64(b"x")));
    assert!(!x.verify(0));

    assert_eq!(takes_proof(PROOF), 0x85944171f73967e8);
    let widened = hash_proof!(fnv1a_32, "a", 0xe40c292c);
    assert_eq!(widened.value(), 0xe40c292c);
    const INPUT: &[u8] = b"bytes";
    let p = hash_proof!(fnv1a, INPUT, 0x2f2e_c047_4f1c_4fe4_u64);
    assert_eq!(p.value(), hash::fnv1a_64(INPUT));
}
