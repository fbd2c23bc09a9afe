//! The lockchain's Merkle tree against `ct-merkle` (an independent RFC 6962
//! implementation) over the same leaf inputs: equal roots at every size, byte-equal
//! inclusion and consistency proofs, and each side verifying the other's proofs.

use crate::lockchain_util::Rng;
use ct_merkle::ConsistencyProof as CtConsistencyProof;
use ct_merkle::InclusionProof as CtInclusionProof;
use ct_merkle::RootHash;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use knhk_runtime::lockchain::{
    ConsistencyProof, InclusionProof, MerkleTree, verify_consistency, verify_inclusion,
};
use knhk_runtime::lockchain::{Digest, HashAlgorithm};
use sha2::Sha256;

const ALG: HashAlgorithm = HashAlgorithm::Sha256;

type CtTree = MemoryBackedTree<Sha256, Vec<u8>>;

/// Leaf inputs of varying lengths (0 to 199 bytes), shaped like entry canonical bytes:
/// ct-merkle hashes `0x00 ‖ input` for a `Vec<u8>` leaf, as the lockchain does.
fn leaf_input(i: u64) -> Vec<u8> {
    let len = (i.wrapping_mul(37) % 200) as usize;
    let mut bytes = i.to_le_bytes().to_vec();
    bytes.extend((0..len).map(|j| (j as u8) ^ (i as u8)));
    bytes.truncate(len);
    bytes
}

fn digests(bytes: &[u8]) -> Vec<Digest> {
    let (chunks, rest) = bytes.as_chunks::<32>();
    assert!(rest.is_empty(), "ct-merkle proof is whole digests");
    chunks.iter().copied().map(Digest::new).collect()
}

fn flat(hashes: &[Digest]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.to_bytes()).collect()
}

fn ct_root(ct: &CtTree) -> Digest {
    let bytes: [u8; 32] = ct
        .root()
        .as_bytes()
        .as_slice()
        .try_into()
        .expect("32-byte root");
    Digest::new(bytes)
}

/// Both trees grown in step to `max` leaves; `at(size)` is called at every size with
/// ct-merkle's tree of exactly that size.
fn grow(max: u64, mut at: impl FnMut(u64, &MerkleTree, &CtTree)) -> MerkleTree {
    let mut ours = MerkleTree::new(ALG);
    let mut ct = CtTree::new();
    at(0, &ours, &ct);
    for i in 0..max {
        let input = leaf_input(i);
        assert_eq!(ours.push_leaf(&input), ALG.leaf_hash(&input));
        ct.push(input);
        at(i + 1, &ours, &ct);
    }
    ours
}

fn check_inclusion(ours: &MerkleTree, ct: &CtTree, size: u64, index: u64) {
    let root = ours.root_at(size).unwrap();
    let proof = ours.inclusion_proof_at(index, size).unwrap();
    let ct_proof = ct.prove_inclusion(index as usize);
    assert_eq!(
        flat(&proof.hashes),
        ct_proof.as_bytes(),
        "inclusion {index} of {size}"
    );
    // ct-merkle verifies ours, over the leaf input ...
    let ct_root = RootHash::<Sha256>::new(root.to_bytes().into(), size);
    let ours_as_ct = CtInclusionProof::<Sha256>::from_bytes(flat(&proof.hashes));
    ct_root
        .verify_inclusion(&leaf_input(index), index, &ours_as_ct)
        .unwrap();
    // ... and we verify ct-merkle's, over the leaf hash.
    let theirs = InclusionProof {
        index,
        size,
        hashes: digests(ct_proof.as_bytes()),
    };
    let leaf = ALG.leaf_hash(&leaf_input(index));
    verify_inclusion(ALG, &root, size, index, &leaf, &theirs).unwrap();
}

fn check_consistency(ours: &MerkleTree, ct: &CtTree, old: u64, new: u64) {
    let (old_root, new_root) = (ours.root_at(old).unwrap(), ours.root_at(new).unwrap());
    let proof = ours.consistency_proof(old, new).unwrap();
    verify_consistency(ALG, old, &old_root, new, &new_root, &proof).unwrap();
    if old == 0 {
        // ct-merkle has no proofs from the empty tree; ours is empty.
        assert!(proof.hashes.is_empty());
        return;
    }
    let ct_proof = ct.prove_consistency((new - old) as usize);
    assert_eq!(
        flat(&proof.hashes),
        ct_proof.as_bytes(),
        "consistency {old} -> {new}"
    );
    let ours_as_ct = CtConsistencyProof::<Sha256>::try_from_bytes(flat(&proof.hashes)).unwrap();
    RootHash::<Sha256>::new(new_root.to_bytes().into(), new)
        .verify_consistency(&RootHash::new(old_root.to_bytes().into(), old), &ours_as_ct)
        .unwrap();
    let theirs = ConsistencyProof {
        old_size: old,
        new_size: new,
        hashes: digests(ct_proof.as_bytes()),
    };
    verify_consistency(ALG, old, &old_root, new, &new_root, &theirs).unwrap();
}

#[test]
fn roots_agree_at_every_size_up_to_300_and_at_random_sizes_up_to_5000() {
    let mut rng = Rng(1);
    let mut random: Vec<u64> = (0..40).map(|_| 300 + rng.below(4700)).collect();
    random.extend([511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 5000]);
    let mut checked = 0;
    let ours = grow(5000, |size, ours, ct| {
        if size <= 300 || random.contains(&size) {
            assert_eq!(ours.root(), ct_root(ct), "root at size {size}");
            assert_eq!(ours.root_at(size).unwrap(), ct_root(ct));
            checked += 1;
        }
    });
    assert!(checked >= 300 + 40);
    // Earlier sizes from the full tree, against a fresh ct-merkle tree of that size.
    for size in [0, 1, 2, 3, 100, 257, 300, 1000, 3333] {
        let mut ct = CtTree::new();
        (0..size).for_each(|i| ct.push(leaf_input(i)));
        assert_eq!(ours.root_at(size).unwrap(), ct_root(&ct), "root_at({size})");
    }
}

#[test]
fn inclusion_proofs_are_byte_equal_and_cross_verify() {
    let sizes: Vec<u64> = (1..=70)
        .chain([127, 128, 129, 255, 256, 257, 300, 1000, 1025])
        .collect();
    let mut proofs = 0;
    grow(1025, |size, ours, ct| {
        if sizes.contains(&size) {
            for index in 0..size {
                check_inclusion(ours, ct, size, index);
                proofs += 1;
            }
        }
    });
    assert_eq!(
        proofs,
        (1..=70).sum::<u64>() + 127 + 128 + 129 + 255 + 256 + 257 + 300 + 1000 + 1025
    );
}

#[test]
fn inclusion_proofs_at_random_sizes_up_to_5000() {
    let mut rng = Rng(2);
    let sizes: Vec<u64> = (0..12).map(|_| 1 + rng.below(5000)).collect();
    let mut proofs = 0;
    grow(5000, |size, ours, ct| {
        if sizes.contains(&size) {
            let mut rng = Rng(size);
            for _ in 0..64 {
                check_inclusion(ours, ct, size, rng.below(size));
                proofs += 1;
            }
            check_inclusion(ours, ct, size, size - 1);
        }
    });
    assert!(proofs >= 64 * 10);
}

#[test]
fn consistency_proofs_are_byte_equal_and_cross_verify() {
    // Every pair 0 <= old <= new <= 64.
    let mut pairs = 0;
    grow(64, |new, ours, ct| {
        for old in 0..=new {
            check_consistency(ours, ct, old, new);
            pairs += 1;
        }
    });
    assert_eq!(pairs, 65 * 66 / 2);

    // Random pairs up to 5000, ct-merkle proving from its tree of the new size.
    let mut rng = Rng(3);
    let news: Vec<u64> = (0..10).map(|_| 65 + rng.below(4936)).collect();
    let mut checked = 0;
    grow(5000, |new, ours, ct| {
        if news.contains(&new) {
            let mut rng = Rng(new);
            for _ in 0..40 {
                check_consistency(ours, ct, 1 + rng.below(new), new);
                checked += 1;
            }
            for old in [1, 2, new / 2, new - 1, new, new.next_power_of_two() / 2] {
                check_consistency(ours, ct, old, new);
            }
        }
    });
    assert!(checked >= 40 * 9);
}
