//! The stripe loop in portable code, on eight `u64`s; runs everywhere.

use super::super::xxh3::{P32_1, STRIPE_LEN};
use super::stripes::{self, Lanes};

/// Plain `u64` arithmetic, which needs no CPU feature.
#[derive(Clone, Copy)]
struct Scalar;

/// XXH3-64 of `input` (longer than 240 bytes) with `seed`, on `u64`s.
pub(super) fn long_64(input: &[u8], seed: u64) -> u64 {
    stripes::long_64(Scalar, input, seed)
}

/// XXH3-128 of `input` (longer than 240 bytes) with `seed`, on `u64`s.
pub(super) fn long_128(input: &[u8], seed: u64) -> u128 {
    stripes::long_128(Scalar, input, seed)
}

impl Lanes for Scalar {
    type V = [u64; 8];

    #[inline(always)]
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> [u64; 8] {
        let (chunks, _) = bytes.as_chunks::<8>();
        core::array::from_fn(|i| u64::from_le_bytes(chunks[i]))
    }

    #[inline(always)]
    fn store(self, v: [u64; 8]) -> [u64; 8] {
        v
    }

    #[inline(always)]
    fn add(self, mut a: [u64; 8], b: [u64; 8]) -> [u64; 8] {
        for i in 0..8 {
            a[i] = a[i].wrapping_add(b[i]);
        }
        a
    }

    #[inline(always)]
    fn xor(self, mut a: [u64; 8], b: [u64; 8]) -> [u64; 8] {
        for i in 0..8 {
            a[i] ^= b[i];
        }
        a
    }

    #[inline(always)]
    fn mul_add_halves(self, mut acc: [u64; 8], x: [u64; 8]) -> [u64; 8] {
        for i in 0..8 {
            acc[i] = acc[i].wrapping_add((x[i] & 0xFFFF_FFFF).wrapping_mul(x[i] >> 32));
        }
        acc
    }

    #[inline(always)]
    fn swap_pairs(self, v: [u64; 8]) -> [u64; 8] {
        core::array::from_fn(|i| v[i ^ 1])
    }

    #[inline(always)]
    fn shr47(self, mut v: [u64; 8]) -> [u64; 8] {
        for x in &mut v {
            *x >>= 47;
        }
        v
    }

    #[inline(always)]
    fn mul_p32_1(self, mut v: [u64; 8]) -> [u64; 8] {
        for x in &mut v {
            *x = x.wrapping_mul(P32_1);
        }
        v
    }
}
