use knhk_runtime::{hash::HashProof, hash_proof};

// fnv1a("foobar") is 0x85944171f73967e8; one digit is wrong here.
const PROOF: HashProof<0x85944171f73967e9> = hash_proof!(fnv1a, "foobar", 0x85944171f73967e9);

fn main() {
    let _ = PROOF;
}
