//! Inputs of 17 to 240 bytes, in scalar code: there is too little data for vectors to
//! pay. Up to 16 bytes the const functions of [`xxh3`](super::super::xxh3) compile to
//! the same code, so they are called instead; from 17 bytes on, the const forms
//! (written for few const-evaluation steps) measured 13x slower at run time at 128
//! bytes, so these are separate.

use super::super::xxh3::{
    DEFAULT_SECRET, MID_LAST_AT, MID_START_AT, P64_1, P64_2, P64_4, avalanche,
};
use super::{fold, r64};

#[inline(always)]
fn mix16(input: &[u8], at: usize, secret_at: usize, seed: u64) -> u64 {
    let lo = r64(input, at) ^ r64(&DEFAULT_SECRET, secret_at).wrapping_add(seed);
    let hi = r64(input, at + 8) ^ r64(&DEFAULT_SECRET, secret_at + 8).wrapping_sub(seed);
    fold(lo, hi)
}

#[inline(always)]
fn mix32(
    acc: (u64, u64),
    input: &[u8],
    a: usize,
    b: usize,
    secret_at: usize,
    seed: u64,
) -> (u64, u64) {
    let lo = acc.0.wrapping_add(mix16(input, a, secret_at, seed))
        ^ r64(input, b).wrapping_add(r64(input, b + 8));
    let hi = acc.1.wrapping_add(mix16(input, b, secret_at + 16, seed))
        ^ r64(input, a).wrapping_add(r64(input, a + 8));
    (lo, hi)
}

/// XXH3-64 of 17 to 128 bytes; inlined into every caller, it needs no stack frame.
#[inline(always)]
pub(super) fn upto_128_64(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    let mut acc = (len as u64).wrapping_mul(P64_1);
    if len > 32 {
        if len > 64 {
            if len > 96 {
                acc = acc.wrapping_add(mix16(input, 48, 96, seed));
                acc = acc.wrapping_add(mix16(input, len - 64, 112, seed));
            }
            acc = acc.wrapping_add(mix16(input, 32, 64, seed));
            acc = acc.wrapping_add(mix16(input, len - 48, 80, seed));
        }
        acc = acc.wrapping_add(mix16(input, 16, 32, seed));
        acc = acc.wrapping_add(mix16(input, len - 32, 48, seed));
    }
    acc = acc.wrapping_add(mix16(input, 0, 0, seed));
    acc = acc.wrapping_add(mix16(input, len - 16, 16, seed));
    avalanche(acc)
}

/// XXH3-64 of 129 to 240 bytes.
#[inline(never)]
pub(super) fn mid_64(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    let mut acc = (len as u64).wrapping_mul(P64_1);
    for i in 0..8 {
        acc = acc.wrapping_add(mix16(input, 16 * i, 16 * i, seed));
    }
    acc = avalanche(acc);
    for i in 8..len / 16 {
        acc = acc.wrapping_add(mix16(input, 16 * i, 16 * (i - 8) + MID_START_AT, seed));
    }
    acc = acc.wrapping_add(mix16(input, len - 16, MID_LAST_AT, seed));
    avalanche(acc)
}

/// XXH3-128 of 17 to 128 bytes.
#[inline(always)]
pub(super) fn upto_128_128(input: &[u8], seed: u64) -> u128 {
    let len = input.len();
    let mut acc = ((len as u64).wrapping_mul(P64_1), 0);
    if len > 32 {
        if len > 64 {
            if len > 96 {
                acc = mix32(acc, input, 48, len - 64, 96, seed);
            }
            acc = mix32(acc, input, 32, len - 48, 64, seed);
        }
        acc = mix32(acc, input, 16, len - 32, 32, seed);
    }
    acc = mix32(acc, input, 0, len - 16, 0, seed);
    finish_128(acc, len, seed)
}

#[inline(always)]
fn finish_128(acc: (u64, u64), len: usize, seed: u64) -> u128 {
    let lo = acc.0.wrapping_add(acc.1);
    let hi = acc
        .0
        .wrapping_mul(P64_1)
        .wrapping_add(acc.1.wrapping_mul(P64_4))
        .wrapping_add((len as u64).wrapping_sub(seed).wrapping_mul(P64_2));
    (avalanche(hi).wrapping_neg() as u128) << 64 | avalanche(lo) as u128
}

/// XXH3-128 of 129 to 240 bytes.
#[inline(never)]
pub(super) fn mid_128(input: &[u8], seed: u64) -> u128 {
    let len = input.len();
    let mut acc = ((len as u64).wrapping_mul(P64_1), 0);
    for i in 0..4 {
        acc = mix32(acc, input, 32 * i, 32 * i + 16, 32 * i, seed);
    }
    acc = (avalanche(acc.0), avalanche(acc.1));
    for i in 4..len / 32 {
        acc = mix32(
            acc,
            input,
            32 * i,
            32 * i + 16,
            32 * (i - 4) + MID_START_AT,
            seed,
        );
    }
    acc = mix32(
        acc,
        input,
        len - 16,
        len - 32,
        MID_LAST_AT - 16,
        seed.wrapping_neg(),
    );
    finish_128(acc, len, seed)
}
