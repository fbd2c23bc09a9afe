//! The stripe loop on NEON (aarch64): four 128-bit registers. Type-checked for aarch64
//! (`cargo check --target aarch64-unknown-linux-gnu`), not run on the development
//! machine (x86_64).

use super::super::xxh3::{P32_1, STRIPE_LEN};
use super::stripes::{self, Lanes};
use core::arch::aarch64::*;

/// Proof that the CPU runs NEON: made only in [`long_64`] and [`long_128`], which are
/// compiled with it and which their callers may call only on a CPU that has it.
/// The methods below run NEON instructions on the strength of `self`; they are
/// inlined into those two.
#[derive(Clone, Copy)]
struct Neon(());

/// XXH3-64 of `input` (longer than 240 bytes) with `seed` on NEON; callers must
/// check that the CPU has it.
#[target_feature(enable = "neon")]
pub(super) fn long_64(input: &[u8], seed: u64) -> u64 {
    stripes::long_64(Neon(()), input, seed)
}

/// XXH3-128 of `input` (longer than 240 bytes) with `seed` on NEON; callers must
/// check that the CPU has it.
#[target_feature(enable = "neon")]
pub(super) fn long_128(input: &[u8], seed: u64) -> u128 {
    stripes::long_128(Neon(()), input, seed)
}

type V = [uint64x2_t; 4];

impl Lanes for Neon {
    type V = V;

    #[inline(always)]
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> V {
        let (chunks, _) = bytes.as_chunks::<16>();
        // SAFETY: `self` proves NEON; each chunk is 16 readable bytes and `vld1q_u8` has
        // no alignment requirement.
        unsafe {
            [
                vreinterpretq_u64_u8(vld1q_u8(chunks[0].as_ptr())),
                vreinterpretq_u64_u8(vld1q_u8(chunks[1].as_ptr())),
                vreinterpretq_u64_u8(vld1q_u8(chunks[2].as_ptr())),
                vreinterpretq_u64_u8(vld1q_u8(chunks[3].as_ptr())),
            ]
        }
    }

    #[inline(always)]
    fn store(self, v: V) -> [u64; 8] {
        let mut out = [0u64; 8];
        for (i, pair) in out.as_chunks_mut::<2>().0.iter_mut().enumerate() {
            // SAFETY: `self` proves NEON; `pair` is 16 writable bytes, aligned for u64 as
            // `vst1q_u64` needs.
            unsafe { vst1q_u64(pair.as_mut_ptr(), v[i]) };
        }
        out
    }

    #[inline(always)]
    fn add(self, mut a: V, b: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves NEON.
            a[i] = unsafe { vaddq_u64(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn xor(self, mut a: V, b: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves NEON.
            a[i] = unsafe { veorq_u64(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn mul_add_halves(self, mut acc: V, x: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves NEON. A widening multiply-add of the low and high
            // halves of each u64 lane.
            acc[i] = unsafe { vmlal_u32(acc[i], vmovn_u64(x[i]), vshrn_n_u64::<32>(x[i])) };
        }
        acc
    }

    #[inline(always)]
    fn swap_pairs(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves NEON.
            *r = unsafe { vextq_u64::<1>(*r, *r) };
        }
        v
    }

    #[inline(always)]
    fn shr47(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves NEON.
            *r = unsafe { vshrq_n_u64::<47>(*r) };
        }
        v
    }

    #[inline(always)]
    fn mul_p32_1(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves NEON. x * P32_1 mod 2^64 = (hi32 * P << 32) + lo32 * P.
            *r = unsafe {
                let prime = vdup_n_u32(P32_1 as u32);
                let hi = vshlq_n_u64::<32>(vmull_u32(vshrn_n_u64::<32>(*r), prime));
                vmlal_u32(hi, vmovn_u64(*r), prime)
            };
        }
        v
    }
}
