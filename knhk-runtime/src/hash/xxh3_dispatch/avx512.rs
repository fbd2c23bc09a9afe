//! The stripe loop on AVX-512 F: one 512-bit register. AVX-512 intrinsics are stable
//! since Rust 1.89: this module is why the workspace's `rust-version` is 1.89.

use super::super::xxh3::{P32_1, STRIPE_LEN};
use super::sse2::SWAP_U64;
use super::stripes::{self, Lanes};
use core::arch::x86_64::*;

/// Proof that the CPU runs AVX-512 F: made only in [`long_64`] and [`long_128`], which are
/// compiled with it and which their callers may call only on a CPU that has it.
/// The methods below run AVX-512 F instructions on the strength of `self`; they are
/// inlined into those two.
#[derive(Clone, Copy)]
struct Avx512(());

/// XXH3-64 of `input` (longer than 240 bytes) with `seed` on AVX-512 F; callers must
/// check that the CPU has it.
#[target_feature(enable = "avx512f")]
pub(super) fn long_64(input: &[u8], seed: u64) -> u64 {
    stripes::long_64(Avx512(()), input, seed)
}

/// XXH3-128 of `input` (longer than 240 bytes) with `seed` on AVX-512 F; callers must
/// check that the CPU has it.
#[target_feature(enable = "avx512f")]
pub(super) fn long_128(input: &[u8], seed: u64) -> u128 {
    stripes::long_128(Avx512(()), input, seed)
}

impl Lanes for Avx512 {
    type V = __m512i;

    #[inline(always)]
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> __m512i {
        // SAFETY: `self` proves AVX-512 F; `bytes` is 64 readable bytes and `loadu` has
        // no alignment requirement.
        unsafe { _mm512_loadu_si512(bytes.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store(self, v: __m512i) -> [u64; 8] {
        let mut out = [0u64; 8];
        // SAFETY: `self` proves AVX-512 F; `out` is 64 writable bytes and `storeu` has
        // no alignment requirement.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), v) };
        out
    }

    #[inline(always)]
    fn add(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe { _mm512_add_epi64(a, b) }
    }

    #[inline(always)]
    fn xor(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe { _mm512_xor_si512(a, b) }
    }

    #[inline(always)]
    fn xor3(self, a: __m512i, b: __m512i, c: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F. 0x96 is the truth table of a ^ b ^ c.
        unsafe { _mm512_ternarylogic_epi64::<0x96>(a, b, c) }
    }

    #[inline(always)]
    fn mul_add_halves(self, acc: __m512i, x: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe { _mm512_add_epi64(acc, _mm512_mul_epu32(x, _mm512_srli_epi64::<32>(x))) }
    }

    #[inline(always)]
    fn swap_pairs(self, v: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe { _mm512_shuffle_epi32::<SWAP_U64>(v) }
    }

    #[inline(always)]
    fn shr47(self, v: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe { _mm512_srli_epi64::<47>(v) }
    }

    #[inline(always)]
    fn mul_p32_1(self, v: __m512i) -> __m512i {
        // SAFETY: `self` proves AVX-512 F.
        unsafe {
            let prime = _mm512_set1_epi32(P32_1 as i32);
            let lo = _mm512_mul_epu32(v, prime);
            let hi = _mm512_mul_epu32(_mm512_srli_epi64::<32>(v), prime);
            _mm512_add_epi64(lo, _mm512_slli_epi64::<32>(hi))
        }
    }
}
