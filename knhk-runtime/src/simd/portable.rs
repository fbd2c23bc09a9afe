//! The backends in plain Rust: one FNV chain at a time, and several chains interleaved.

use crate::hash::{FNV1A_64_OFFSET, FNV1A_64_PRIME, fnv1a_64, fnv1a_64_continue};

/// Chains the interleaved backend advances together.
///
/// The scalar chain is bound by the multiply's latency (3 cycles) plus the xor, so four
/// chains keep a one-per-cycle multiplier busy; eight measured no faster on the
/// development machine, and four leave fewer inputs to the scalar remainder.
const CHAINS: usize = 4;

pub(super) fn scalar_batch(inputs: &[&[u8]], out: &mut [u64]) {
    for (hash, bytes) in out.iter_mut().zip(inputs) {
        *hash = fnv1a_64(bytes);
    }
}

pub(super) fn scalar_fixed8<const N: usize>(inputs: &[[u8; N]; 8]) -> [u64; 8] {
    inputs.map(|bytes| fnv1a_64(&bytes))
}

/// Interleaved chains over the prefix every input of a group shares; each input's own
/// rest is finished on its own chain.
pub(super) fn interleaved_batch(inputs: &[&[u8]], out: &mut [u64]) {
    let mut groups = inputs.chunks_exact(CHAINS);
    let mut hashes = out.chunks_exact_mut(CHAINS);
    for (group, hashes) in (&mut groups).zip(&mut hashes) {
        let common = group.iter().map(|bytes| bytes.len()).min().unwrap_or(0);
        // Cut to the shared prefix first, so that the indexing below needs no checks.
        let prefix: [&[u8]; CHAINS] = core::array::from_fn(|l| &group[l][..common]);
        let mut state = [FNV1A_64_OFFSET; CHAINS];
        for i in 0..common {
            for (h, bytes) in state.iter_mut().zip(prefix) {
                *h = (*h ^ u64::from(bytes[i])).wrapping_mul(FNV1A_64_PRIME);
            }
        }
        for ((hash, h), bytes) in hashes.iter_mut().zip(state).zip(group) {
            *hash = fnv1a_64_continue(h, &bytes[common..]);
        }
    }
    scalar_batch(groups.remainder(), hashes.into_remainder());
}

pub(super) fn interleaved_fixed8<const N: usize>(inputs: &[[u8; N]; 8]) -> [u64; 8] {
    let mut state = [FNV1A_64_OFFSET; 8];
    for i in 0..N {
        for (h, bytes) in state.iter_mut().zip(inputs) {
            *h = (*h ^ u64::from(bytes[i])).wrapping_mul(FNV1A_64_PRIME);
        }
    }
    state
}

pub(super) fn scalar_span_ids(ids: &[u64], valid: &mut [bool]) -> usize {
    let mut count = 0;
    for (v, &id) in valid.iter_mut().zip(ids) {
        *v = id != 0;
        count += usize::from(*v);
    }
    count
}

pub(super) fn scalar_span_mask8(ids: &[u64; 8]) -> u8 {
    ids.iter()
        .enumerate()
        .fold(0, |mask, (i, &id)| mask | (u8::from(id != 0) << i))
}

/// The multiply of the NEON backend, written for `u64`: NEON multiplies 32-bit halves
/// only, and the FNV prime is `2^40 + 435`, so with `x = lo + hi * 2^32`,
/// `x * prime = lo * 435 + ((hi * 435 + lo * 256) << 32)` modulo `2^64`.
#[cfg(test)]
pub(super) fn split_mul_prime(x: u64) -> u64 {
    let lo = x & 0xffff_ffff;
    let hi = x >> 32;
    let cross = (lo << 8) + hi * 435;
    (lo * 435).wrapping_add(cross << 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_multiply_equals_the_prime_multiply() {
        assert_eq!(FNV1A_64_PRIME, (1 << 40) + 435);
        let mut x = FNV1A_64_OFFSET;
        for i in 0..10_000_u64 {
            assert_eq!(
                split_mul_prime(x),
                x.wrapping_mul(FNV1A_64_PRIME),
                "x = {x:#x}"
            );
            x = x.rotate_left(17) ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
        for x in [0, u64::MAX, 0xffff_ffff, 1 << 32, u64::MAX << 32] {
            assert_eq!(split_mul_prime(x), x.wrapping_mul(FNV1A_64_PRIME));
        }
    }
}
