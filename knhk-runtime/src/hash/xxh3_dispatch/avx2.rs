//! The stripe loop on AVX2: two 256-bit registers.

use super::super::xxh3::{P32_1, STRIPE_LEN};
use super::sse2::SWAP_U64;
use super::stripes::{self, Lanes};
use core::arch::x86_64::*;

/// Proof that the CPU runs AVX2: made only in [`long_64`] and [`long_128`], which are
/// compiled with it and which their callers may call only on a CPU that has it.
/// The methods below run AVX2 instructions on the strength of `self`; they are
/// inlined into those two.
#[derive(Clone, Copy)]
struct Avx2(());

/// XXH3-64 of `input` (longer than 240 bytes) with `seed` on AVX2; callers must
/// check that the CPU has it.
#[target_feature(enable = "avx2")]
pub(super) fn long_64(input: &[u8], seed: u64) -> u64 {
    stripes::long_64(Avx2(()), input, seed)
}

/// XXH3-128 of `input` (longer than 240 bytes) with `seed` on AVX2; callers must
/// check that the CPU has it.
#[target_feature(enable = "avx2")]
pub(super) fn long_128(input: &[u8], seed: u64) -> u128 {
    stripes::long_128(Avx2(()), input, seed)
}

type V = [__m256i; 2];

impl Lanes for Avx2 {
    type V = V;

    #[inline(always)]
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> V {
        let (halves, _) = bytes.as_chunks::<32>();
        // SAFETY: `self` proves AVX2; each half is 32 readable bytes and `loadu` has no
        // alignment requirement.
        unsafe {
            [
                _mm256_loadu_si256(halves[0].as_ptr().cast()),
                _mm256_loadu_si256(halves[1].as_ptr().cast()),
            ]
        }
    }

    #[inline(always)]
    fn store(self, v: V) -> [u64; 8] {
        let mut out = [0u64; 8];
        for (i, quad) in out.as_chunks_mut::<4>().0.iter_mut().enumerate() {
            // SAFETY: `self` proves AVX2; `quad` is 32 writable bytes and `storeu` has no
            // alignment requirement.
            unsafe { _mm256_storeu_si256(quad.as_mut_ptr().cast(), v[i]) };
        }
        out
    }

    #[inline(always)]
    fn add(self, mut a: V, b: V) -> V {
        for i in 0..2 {
            // SAFETY: `self` proves AVX2.
            a[i] = unsafe { _mm256_add_epi64(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn xor(self, mut a: V, b: V) -> V {
        for i in 0..2 {
            // SAFETY: `self` proves AVX2.
            a[i] = unsafe { _mm256_xor_si256(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn mul_add_halves(self, mut acc: V, x: V) -> V {
        for i in 0..2 {
            // SAFETY: `self` proves AVX2.
            acc[i] = unsafe {
                _mm256_add_epi64(
                    acc[i],
                    _mm256_mul_epu32(x[i], _mm256_srli_epi64::<32>(x[i])),
                )
            };
        }
        acc
    }

    #[inline(always)]
    fn swap_pairs(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves AVX2.
            *r = unsafe { _mm256_shuffle_epi32::<SWAP_U64>(*r) };
        }
        v
    }

    #[inline(always)]
    fn shr47(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves AVX2.
            *r = unsafe { _mm256_srli_epi64::<47>(*r) };
        }
        v
    }

    #[inline(always)]
    fn mul_p32_1(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves AVX2.
            *r = unsafe {
                let prime = _mm256_set1_epi32(P32_1 as i32);
                let lo = _mm256_mul_epu32(*r, prime);
                let hi = _mm256_mul_epu32(_mm256_srli_epi64::<32>(*r), prime);
                _mm256_add_epi64(lo, _mm256_slli_epi64::<32>(hi))
            };
        }
        v
    }
}
