//! The stripe loop on SSE2, which every x86_64 CPU has: four 128-bit registers.

use super::super::xxh3::{P32_1, STRIPE_LEN};
use super::stripes::{self, Lanes};
use core::arch::x86_64::*;

/// `_MM_SHUFFLE(1, 0, 3, 2)`: swaps the two u64s of each 128-bit lane.
pub(super) const SWAP_U64: i32 = 0b01_00_11_10;

/// Proof that the CPU runs SSE2: made only in [`long_64`] and [`long_128`], which are
/// compiled with it and which their callers may call only on a CPU that has it (every x86_64 CPU).
/// The methods below run SSE2 instructions on the strength of `self`; they are
/// inlined into those two.
#[derive(Clone, Copy)]
struct Sse2(());

/// XXH3-64 of `input` (longer than 240 bytes) with `seed` on SSE2; callers must
/// check that the CPU has it.
#[target_feature(enable = "sse2")]
pub(super) fn long_64(input: &[u8], seed: u64) -> u64 {
    stripes::long_64(Sse2(()), input, seed)
}

/// XXH3-128 of `input` (longer than 240 bytes) with `seed` on SSE2; callers must
/// check that the CPU has it.
#[target_feature(enable = "sse2")]
pub(super) fn long_128(input: &[u8], seed: u64) -> u128 {
    stripes::long_128(Sse2(()), input, seed)
}

type V = [__m128i; 4];

impl Lanes for Sse2 {
    type V = V;

    #[inline(always)]
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> V {
        let (chunks, _) = bytes.as_chunks::<16>();
        // SAFETY: `self` proves SSE2; each chunk is 16 readable bytes and `loadu` has no
        // alignment requirement.
        unsafe {
            [
                _mm_loadu_si128(chunks[0].as_ptr().cast()),
                _mm_loadu_si128(chunks[1].as_ptr().cast()),
                _mm_loadu_si128(chunks[2].as_ptr().cast()),
                _mm_loadu_si128(chunks[3].as_ptr().cast()),
            ]
        }
    }

    #[inline(always)]
    fn store(self, v: V) -> [u64; 8] {
        let mut out = [0u64; 8];
        for (i, pair) in out.as_chunks_mut::<2>().0.iter_mut().enumerate() {
            // SAFETY: `self` proves SSE2; `pair` is 16 writable bytes and `storeu` has no
            // alignment requirement.
            unsafe { _mm_storeu_si128(pair.as_mut_ptr().cast(), v[i]) };
        }
        out
    }

    #[inline(always)]
    fn add(self, mut a: V, b: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves SSE2.
            a[i] = unsafe { _mm_add_epi64(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn xor(self, mut a: V, b: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves SSE2.
            a[i] = unsafe { _mm_xor_si128(a[i], b[i]) };
        }
        a
    }

    #[inline(always)]
    fn mul_add_halves(self, mut acc: V, x: V) -> V {
        for i in 0..4 {
            // SAFETY: `self` proves SSE2.
            acc[i] =
                unsafe { _mm_add_epi64(acc[i], _mm_mul_epu32(x[i], _mm_srli_epi64::<32>(x[i]))) };
        }
        acc
    }

    #[inline(always)]
    fn swap_pairs(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves SSE2.
            *r = unsafe { _mm_shuffle_epi32::<SWAP_U64>(*r) };
        }
        v
    }

    #[inline(always)]
    fn shr47(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves SSE2.
            *r = unsafe { _mm_srli_epi64::<47>(*r) };
        }
        v
    }

    #[inline(always)]
    fn mul_p32_1(self, mut v: V) -> V {
        for r in &mut v {
            // SAFETY: `self` proves SSE2.
            *r = unsafe {
                let prime = _mm_set1_epi32(P32_1 as i32);
                let lo = _mm_mul_epu32(*r, prime);
                let hi = _mm_mul_epu32(_mm_srli_epi64::<32>(*r), prime);
                _mm_add_epi64(lo, _mm_slli_epi64::<32>(hi))
            };
        }
        v
    }
}
