//! NEON backend (aarch64): two FNV states per 128-bit register, two registers in flight.
//!
//! NEON has no 64-bit lane multiply. The prime is `2^40 + 435`, so with
//! `x = lo + hi * 2^32`, `x * prime = lo * 435 + ((hi * 435 + lo * 256) << 32)` modulo
//! `2^64`, which widening 32-bit multiplies give exactly (the same identity is checked
//! for `u64` by `portable::tests::split_multiply_equals_the_prime_multiply`).
//!
//! Not compiled or measured on the development machine (x86_64): kept small, and never
//! chosen by dispatch; callers ask for it with `cpu::Backend::Neon`.

use core::arch::aarch64::{
    uint64x2_t, vaddq_u64, vcombine_u64, vcreate_u64, vdupq_n_u64, veorq_u64, vgetq_lane_u64,
    vmlal_n_u32, vmovn_u64, vmull_n_u32, vshll_n_u32, vshlq_n_u64, vshrn_n_u64, vtstq_u64,
};

use crate::hash::{FNV1A_64_OFFSET, fnv1a_64_continue};

/// `x * FNV1A_64_PRIME` in each lane.
#[target_feature(enable = "neon")]
fn mul_prime(x: uint64x2_t) -> uint64x2_t {
    let lo = vmovn_u64(x);
    let hi = vshrn_n_u64::<32>(x);
    let cross = vmlal_n_u32(vshll_n_u32::<8>(lo), hi, 435);
    vaddq_u64(vmull_n_u32(lo, 435), vshlq_n_u64::<32>(cross))
}

#[target_feature(enable = "neon")]
fn pair(a: u64, b: u64) -> uint64x2_t {
    vcombine_u64(vcreate_u64(a), vcreate_u64(b))
}

/// FNV-1a-64 of every input into `out` (same length): four inputs at a time over their
/// shared prefix, each finished on its own.
#[target_feature(enable = "neon")]
pub(super) fn batch(inputs: &[&[u8]], out: &mut [u64]) {
    let mut groups = inputs.chunks_exact(4);
    let mut hashes = out.chunks_exact_mut(4);
    for (group, hashes) in (&mut groups).zip(&mut hashes) {
        let common = group.iter().map(|bytes| bytes.len()).min().unwrap_or(0);
        let mut a = vdupq_n_u64(FNV1A_64_OFFSET);
        let mut b = vdupq_n_u64(FNV1A_64_OFFSET);
        for i in 0..common {
            let byte = |l: usize| u64::from(group[l][i]);
            a = mul_prime(veorq_u64(a, pair(byte(0), byte(1))));
            b = mul_prime(veorq_u64(b, pair(byte(2), byte(3))));
        }
        let states = [
            vgetq_lane_u64::<0>(a),
            vgetq_lane_u64::<1>(a),
            vgetq_lane_u64::<0>(b),
            vgetq_lane_u64::<1>(b),
        ];
        for ((hash, state), bytes) in hashes.iter_mut().zip(states).zip(group) {
            *hash = fnv1a_64_continue(state, &bytes[common..]);
        }
    }
    super::portable::scalar_batch(groups.remainder(), hashes.into_remainder());
}

/// Eight inputs of `N` bytes each.
#[target_feature(enable = "neon")]
pub(super) fn fixed8<const N: usize>(inputs: &[[u8; N]; 8]) -> [u64; 8] {
    let mut out = [0; 8];
    let slices = inputs.each_ref().map(|bytes| bytes.as_slice());
    batch(&slices, &mut out);
    out
}

/// Bit `i` set when `ids[i] != 0`.
#[target_feature(enable = "neon")]
pub(super) fn span_mask8(ids: &[u64; 8]) -> u8 {
    let mut mask = 0;
    for (i, ids) in ids.as_chunks::<2>().0.iter().enumerate() {
        let v = pair(ids[0], ids[1]);
        let nonzero = vtstq_u64(v, v);
        let low = u8::from(vgetq_lane_u64::<0>(nonzero) != 0);
        let high = u8::from(vgetq_lane_u64::<1>(nonzero) != 0);
        mask |= (low | (high << 1)) << (2 * i);
    }
    mask
}

/// `valid[i] = ids[i] != 0`; returns how many are valid.
#[target_feature(enable = "neon")]
pub(super) fn span_ids(ids: &[u64], valid: &mut [bool]) -> usize {
    let (id_octets, id_rest) = ids.as_chunks::<8>();
    let (valid_octets, valid_rest) = valid.as_chunks_mut::<8>();
    let mut count = 0;
    for (ids, valid) in id_octets.iter().zip(valid_octets) {
        let mask = span_mask8(ids);
        count += mask.count_ones() as usize;
        for (i, v) in valid.iter_mut().enumerate() {
            *v = mask & (1 << i) != 0;
        }
    }
    count + super::portable::scalar_span_ids(id_rest, valid_rest)
}
