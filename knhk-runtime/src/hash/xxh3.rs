//! XXH3 as `const fn`: XXH3-64 and XXH3-128, seeded and unseeded, bit-identical to
//! the reference (xxHash's `XXH3_64bits_withSeed` / `XXH3_128bits_withSeed`).
//!
//! ```
//! use knhk_runtime::hash::{xxh3_64, xxh3_128};
//! const EMPTY: u64 = xxh3_64(b"");
//! assert_eq!(EMPTY, 0x2D06_8005_38D3_94C2);
//! const NAME: u128 = xxh3_128(b"checkout.latency");
//! assert_eq!(NAME, knhk_runtime::hash::xxh3_dispatch::xxh3_128(b"checkout.latency"));
//! ```
//!
//! Every length class of the algorithm is here: 0, 1–3, 4–8, 9–16, 17–128, 129–240,
//! and above 240 bytes the stripe and block loop over a secret derived from the seed.
//! The same functions run at runtime, but [`xxh3_dispatch`](super::xxh3_dispatch) is the
//! fast way to hash there: this module reads input a byte at a time, which is what const
//! evaluation is cheap at and what compiled code is slow at.
//!
//! # How much input const evaluation takes
//!
//! rustc counts the steps of each const evaluation, a step being a function call or a
//! loop iteration (a back edge), and its deny-by-default lint `long_running_const_eval`
//! fires when one evaluation reaches 2,000,000 steps. The stripe loop here is written
//! for that count: it calls no function (`wrapping_add` would cost two steps, the method
//! and its intrinsic, so the arithmetic goes through `u128` in local macros; indexing a
//! byte costs none), its eight lanes are unrolled and it reads the secret as words. An
//! input longer than 240 bytes costs one step per 64-byte stripe and one more per
//! 1024-byte block: `xxh3_64` takes `86 + 17 * ((len - 1) / 1024) + ((len - 1) % 1024) / 64`
//! steps; `xxh3_128` takes 23 more, for its second merge, and a seed costs none.
//!
//! | `static H: u64 = xxh3_64(include_bytes!(..))` | knhk | `xxhash_rust::const_xxh3` |
//! |---|---|---|
//! | largest input that compiles | 120,465,408 bytes (114.9 MiB) | 2,122,176 bytes (2.0 MiB) |
//! | one byte more | the lint fires | the lint fires |
//! | compile time | ~1.8 s per MiB (207 s at the limit) | ~4.7 s per MiB |
//!
//! Measured with rustc 1.95.0 on the development VM (Intel Xeon, 2.6 GHz) with a
//! throwaway crate: a const loop of `n` call-free iterations fires the lint from
//! `n = 1,999,999` on (plus one step for the call: the limit is 2,000,000); the steps of
//! one hash, for inputs of 241 B to 1 MiB, by bisecting the length of such a loop run in
//! the same evaluation, which fits the formula above exactly; then the figure checked by
//! compiling the line above over generated files of 120,465,408 bytes (compiles) and
//! 120,465,409 bytes (fires). The peer's figure comes from bisecting the file size
//! directly. So the practical bound is compile time, not the lint: a 1 MiB file adds
//! about two seconds to the build. Past the limit, `#[allow(long_running_const_eval)]`
//! on the item lets evaluation go on, with a warning now and then.

/// Length of the default secret, in bytes.
pub(super) const SECRET_LEN: usize = 192;

/// The default secret of XXH3 (`XXH3_kSecret`), as published.
pub(super) const DEFAULT_SECRET: [u8; SECRET_LEN] = [
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
];

// Primes of XXH32 and XXH64, which XXH3 reuses.
pub(super) const P32_1: u64 = 0x9E37_79B1;
pub(super) const P32_2: u64 = 0x85EB_CA77;
pub(super) const P32_3: u64 = 0xC2B2_AE3D;
pub(super) const P64_1: u64 = 0x9E37_79B1_85EB_CA87;
pub(super) const P64_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
pub(super) const P64_3: u64 = 0x1656_67B1_9E37_79F9;
pub(super) const P64_4: u64 = 0x85EB_CA77_C2B2_AE63;
pub(super) const P64_5: u64 = 0x27D4_EB2F_1656_67C5;
/// The multiplier of `XXH3_avalanche`.
pub(super) const AVALANCHE_MUL: u64 = 0x1656_6791_9E37_79F9;
/// The multiplier of `XXH3_rrmxmx`, the avalanche of the 4–8 byte class.
pub(super) const RRMXMX_MUL: u64 = 0x9FB2_1C65_1E98_DF25;

/// Bytes consumed by one accumulation: eight 64-bit lanes.
pub(super) const STRIPE_LEN: usize = 64;
/// Stripes per block: the secret slides 8 bytes per stripe until 64 bytes remain.
pub(super) const STRIPES_PER_BLOCK: usize = (SECRET_LEN - STRIPE_LEN) / 8;
/// Bytes per block, after which the accumulators are scrambled.
pub(super) const BLOCK_LEN: usize = STRIPE_LEN * STRIPES_PER_BLOCK;
/// Where the scramble reads its 64 bytes of secret.
pub(super) const SCRAMBLE_AT: usize = SECRET_LEN - STRIPE_LEN;
/// Where the last stripe reads its secret (deliberately not 8-aligned).
pub(super) const LAST_STRIPE_AT: usize = SECRET_LEN - STRIPE_LEN - 7;
/// Where the merge of the low (or only) 64 bits reads its secret.
pub(super) const MERGE_AT: usize = 11;
/// Where the merge of the high 64 bits of XXH3-128 reads its secret.
pub(super) const MERGE_HI_AT: usize = SECRET_LEN - STRIPE_LEN - MERGE_AT;
/// The accumulators' starting values.
pub(super) const INIT_ACC: [u64; 8] = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
/// Inputs longer than this take the stripe loop.
pub(super) const MID_SIZE_MAX: usize = 240;
/// Where the 129–240 byte class reads secret for its rounds after the eighth
/// (`XXH3_MIDSIZE_STARTOFFSET`).
pub(super) const MID_START_AT: usize = 3;
/// Where the 129–240 byte class reads secret for its last 16 bytes: the minimum secret
/// size less `XXH3_MIDSIZE_LASTOFFSET`.
pub(super) const MID_LAST_AT: usize = 136 - 17;

// Wrapping arithmetic without a function call, so that it costs nothing against the
// const-eval step limit (see the module docs). Widening to u128 can never overflow,
// and in compiled code LLVM narrows each back to one 64-bit instruction.
macro_rules! add {
    ($a:expr, $b:expr) => {
        (($a as u128) + ($b as u128)) as u64
    };
}
macro_rules! sub {
    ($a:expr, $b:expr) => {
        ((($a as u128) | (1u128 << 64)) - ($b as u128)) as u64
    };
}
macro_rules! mul {
    ($a:expr, $b:expr) => {
        (($a as u128) * ($b as u128)) as u64
    };
}
/// The full 128-bit product of two u64s.
macro_rules! mul_wide {
    ($a:expr, $b:expr) => {
        ($a as u128) * ($b as u128)
    };
}
/// `XXH3_mul128_fold64`: the 128-bit product, halves xor-ed.
macro_rules! fold {
    ($a:expr, $b:expr) => {{
        let p = mul_wide!($a, $b);
        (p as u64) ^ ((p >> 64) as u64)
    }};
}
macro_rules! read_u64 {
    ($bytes:expr, $at:expr) => {{
        let b = $bytes;
        let i = $at;
        (b[i] as u64)
            | (b[i + 1] as u64) << 8
            | (b[i + 2] as u64) << 16
            | (b[i + 3] as u64) << 24
            | (b[i + 4] as u64) << 32
            | (b[i + 5] as u64) << 40
            | (b[i + 6] as u64) << 48
            | (b[i + 7] as u64) << 56
    }};
}
macro_rules! read_u32 {
    ($bytes:expr, $at:expr) => {{
        let b = $bytes;
        let i = $at;
        (b[i] as u32) | (b[i + 1] as u32) << 8 | (b[i + 2] as u32) << 16 | (b[i + 3] as u32) << 24
    }};
}

/// The default secret as little-endian words, the form the stripe loop reads.
const DEFAULT_WORDS: [u64; SECRET_LEN / 8] = {
    let mut words = [0; SECRET_LEN / 8];
    let mut i = 0;
    while i < words.len() {
        words[i] = read_u64!(&DEFAULT_SECRET, 8 * i);
        i += 1;
    }
    words
};

/// `XXH64_avalanche`.
pub(super) const fn xxh64_avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = mul!(h, P64_2);
    h ^= h >> 29;
    h = mul!(h, P64_3);
    h ^ (h >> 32)
}

/// `XXH3_avalanche`.
pub(super) const fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 37;
    h = mul!(h, AVALANCHE_MUL);
    h ^ (h >> 32)
}

/// `XXH3_rrmxmx`: the stronger avalanche of the 4–8 byte class.
pub(super) const fn rrmxmx(mut h: u64, len: u64) -> u64 {
    h ^= h.rotate_left(49) ^ h.rotate_left(24);
    h = mul!(h, RRMXMX_MUL);
    h ^= add!(h >> 35, len);
    h = mul!(h, RRMXMX_MUL);
    h ^ (h >> 28)
}

/// `XXH3_mix16B`: 16 bytes of input at `at` against 16 of secret at `secret_at`.
const fn mix16(input: &[u8], at: usize, secret_at: usize, seed: u64) -> u64 {
    let secret = &DEFAULT_SECRET;
    let lo = read_u64!(input, at) ^ add!(read_u64!(secret, secret_at), seed);
    let hi = read_u64!(input, at + 8) ^ sub!(read_u64!(secret, secret_at + 8), seed);
    fold!(lo, hi)
}

/// `XXH128_mix32B`: two 16-byte pieces of input folded into both halves of `acc`.
const fn mix32(
    acc: (u64, u64),
    input: &[u8],
    a: usize,
    b: usize,
    secret_at: usize,
    seed: u64,
) -> (u64, u64) {
    let lo = add!(acc.0, mix16(input, a, secret_at, seed))
        ^ add!(read_u64!(input, b), read_u64!(input, b + 8));
    let hi = add!(acc.1, mix16(input, b, secret_at + 16, seed))
        ^ add!(read_u64!(input, a), read_u64!(input, a + 8));
    (lo, hi)
}

/// XXH3-64 of `input`, usable in `const` items.
///
/// ```
/// use knhk_runtime::hash::xxh3_64;
/// const H: u64 = xxh3_64(b"");
/// assert_eq!(H, 0x2D06_8005_38D3_94C2);
/// ```
pub const fn xxh3_64(input: &[u8]) -> u64 {
    xxh3_64_with_seed(input, 0)
}

/// XXH3-64 of a string's UTF-8 bytes, usable in `const` items.
pub const fn xxh3_64_str(input: &str) -> u64 {
    xxh3_64_with_seed(input.as_bytes(), 0)
}

/// XXH3-64 of `input` with `seed`, usable in `const` items.
///
/// Seed 0 gives the unseeded hash.
///
/// ```
/// use knhk_runtime::hash::{xxh3_64, xxh3_64_with_seed};
/// const A: u64 = xxh3_64_with_seed(b"span.name", 0);
/// const B: u64 = xxh3_64_with_seed(b"span.name", 7);
/// assert_eq!(A, xxh3_64(b"span.name"));
/// assert_ne!(A, B);
/// ```
pub const fn xxh3_64_with_seed(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    if len <= 16 {
        short_64(input, seed)
    } else if len <= 128 {
        medium_64(input, seed)
    } else if len <= MID_SIZE_MAX {
        mid_64(input, seed)
    } else {
        let secret = secret_words(seed);
        let acc = long_acc(input, &secret);
        merge(&acc, &secret, MERGE_AT, mul!(len as u64, P64_1))
    }
}

/// XXH3-128 of `input`, usable in `const` items.
///
/// ```
/// use knhk_runtime::hash::xxh3_128;
/// const H: u128 = xxh3_128(b"");
/// assert_eq!(H, 0x99AA_06D3_0147_98D8_6001_C324_468D_497F);
/// ```
pub const fn xxh3_128(input: &[u8]) -> u128 {
    xxh3_128_with_seed(input, 0)
}

/// XXH3-128 of a string's UTF-8 bytes, usable in `const` items.
pub const fn xxh3_128_str(input: &str) -> u128 {
    xxh3_128_with_seed(input.as_bytes(), 0)
}

/// XXH3-128 of `input` with `seed`, usable in `const` items.
pub const fn xxh3_128_with_seed(input: &[u8], seed: u64) -> u128 {
    let len = input.len();
    if len <= 16 {
        short_128(input, seed)
    } else if len <= 128 {
        medium_128(input, seed)
    } else if len <= MID_SIZE_MAX {
        mid_128(input, seed)
    } else {
        let secret = secret_words(seed);
        let acc = long_acc(input, &secret);
        let lo = merge(&acc, &secret, MERGE_AT, mul!(len as u64, P64_1));
        let hi = merge(&acc, &secret, MERGE_HI_AT, !mul!(len as u64, P64_2));
        (hi as u128) << 64 | lo as u128
    }
}

/// 0 to 16 bytes, 64-bit result.
#[inline(always)]
pub(super) const fn short_64(input: &[u8], seed: u64) -> u64 {
    let secret = &DEFAULT_SECRET;
    let len = input.len();
    if len > 8 {
        let flip1 = add!(read_u64!(secret, 24) ^ read_u64!(secret, 32), seed);
        let flip2 = sub!(read_u64!(secret, 40) ^ read_u64!(secret, 48), seed);
        let lo = read_u64!(input, 0) ^ flip1;
        let hi = read_u64!(input, len - 8) ^ flip2;
        let acc = add!(add!(add!(len as u64, lo.swap_bytes()), hi), fold!(lo, hi));
        avalanche(acc)
    } else if len >= 4 {
        let seed = seed ^ ((seed as u32).swap_bytes() as u64) << 32;
        let first = read_u32!(input, 0) as u64;
        let last = read_u32!(input, len - 4) as u64;
        let flip = sub!(read_u64!(secret, 8) ^ read_u64!(secret, 16), seed);
        let keyed = add!(last, first << 32) ^ flip;
        rrmxmx(keyed, len as u64)
    } else if len > 0 {
        let combined = (input[0] as u32) << 16
            | (input[len >> 1] as u32) << 24
            | input[len - 1] as u32
            | (len as u32) << 8;
        let flip = add!((read_u32!(secret, 0) ^ read_u32!(secret, 4)) as u64, seed);
        xxh64_avalanche(combined as u64 ^ flip)
    } else {
        xxh64_avalanche(seed ^ read_u64!(secret, 56) ^ read_u64!(secret, 64))
    }
}

/// 17 to 128 bytes, 64-bit result.
const fn medium_64(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    let mut acc = mul!(len as u64, P64_1);
    if len > 32 {
        if len > 64 {
            if len > 96 {
                acc = add!(acc, mix16(input, 48, 96, seed));
                acc = add!(acc, mix16(input, len - 64, 112, seed));
            }
            acc = add!(acc, mix16(input, 32, 64, seed));
            acc = add!(acc, mix16(input, len - 48, 80, seed));
        }
        acc = add!(acc, mix16(input, 16, 32, seed));
        acc = add!(acc, mix16(input, len - 32, 48, seed));
    }
    acc = add!(acc, mix16(input, 0, 0, seed));
    acc = add!(acc, mix16(input, len - 16, 16, seed));
    avalanche(acc)
}

/// 129 to 240 bytes, 64-bit result.
const fn mid_64(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    let mut acc = mul!(len as u64, P64_1);
    let mut i = 0;
    while i < 8 {
        acc = add!(acc, mix16(input, 16 * i, 16 * i, seed));
        i += 1;
    }
    acc = avalanche(acc);
    while i < len / 16 {
        acc = add!(acc, mix16(input, 16 * i, 16 * (i - 8) + MID_START_AT, seed));
        i += 1;
    }
    acc = add!(acc, mix16(input, len - 16, MID_LAST_AT, seed));
    avalanche(acc)
}

/// 0 to 16 bytes, 128-bit result.
#[inline(always)]
pub(super) const fn short_128(input: &[u8], seed: u64) -> u128 {
    let secret = &DEFAULT_SECRET;
    let len = input.len();
    if len > 8 {
        let flip_lo = sub!(read_u64!(secret, 32) ^ read_u64!(secret, 40), seed);
        let flip_hi = add!(read_u64!(secret, 48) ^ read_u64!(secret, 56), seed);
        let first = read_u64!(input, 0);
        let last = read_u64!(input, len - 8);
        let m = mul_wide!(first ^ last ^ flip_lo, P64_1);
        let mut m_lo = add!(m as u64, ((len - 1) as u64) << 54);
        let last = last ^ flip_hi;
        let m_hi = add!(add!((m >> 64) as u64, last), mul!(last as u32, P32_2 - 1));
        m_lo ^= m_hi.swap_bytes();
        let h = mul_wide!(m_lo, P64_2);
        let h_hi = add!((h >> 64) as u64, mul!(m_hi, P64_2));
        (avalanche(h_hi) as u128) << 64 | avalanche(h as u64) as u128
    } else if len >= 4 {
        let seed = seed ^ ((seed as u32).swap_bytes() as u64) << 32;
        let first = read_u32!(input, 0) as u64;
        let last = read_u32!(input, len - 4) as u64;
        let flip = add!(read_u64!(secret, 16) ^ read_u64!(secret, 24), seed);
        let keyed = add!(first, last << 32) ^ flip;
        let m = mul_wide!(keyed, add!(P64_1, (len as u64) << 2));
        let mut lo = m as u64;
        let mut hi = (m >> 64) as u64;
        hi = add!(hi, lo << 1);
        lo ^= hi >> 3;
        lo ^= lo >> 35;
        lo = mul!(lo, RRMXMX_MUL);
        lo ^= lo >> 28;
        (avalanche(hi) as u128) << 64 | lo as u128
    } else if len > 0 {
        let lo = (input[0] as u32) << 16
            | (input[len >> 1] as u32) << 24
            | input[len - 1] as u32
            | (len as u32) << 8;
        let hi = lo.swap_bytes().rotate_left(13);
        let flip_lo = add!((read_u32!(secret, 0) ^ read_u32!(secret, 4)) as u64, seed);
        let flip_hi = sub!((read_u32!(secret, 8) ^ read_u32!(secret, 12)) as u64, seed);
        let lo = xxh64_avalanche(lo as u64 ^ flip_lo);
        let hi = xxh64_avalanche(hi as u64 ^ flip_hi);
        (hi as u128) << 64 | lo as u128
    } else {
        let lo = xxh64_avalanche(seed ^ read_u64!(secret, 64) ^ read_u64!(secret, 72));
        let hi = xxh64_avalanche(seed ^ read_u64!(secret, 80) ^ read_u64!(secret, 88));
        (hi as u128) << 64 | lo as u128
    }
}

/// The final mix of the 17–240 byte classes of XXH3-128.
const fn finish_128(acc: (u64, u64), len: usize, seed: u64) -> u128 {
    let lo = add!(acc.0, acc.1);
    let hi = add!(
        add!(mul!(acc.0, P64_1), mul!(acc.1, P64_4)),
        mul!(sub!(len as u64, seed), P64_2)
    );
    (avalanche(hi).wrapping_neg() as u128) << 64 | avalanche(lo) as u128
}

/// 17 to 128 bytes, 128-bit result.
const fn medium_128(input: &[u8], seed: u64) -> u128 {
    let len = input.len();
    let mut acc = (mul!(len as u64, P64_1), 0);
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

/// 129 to 240 bytes, 128-bit result.
const fn mid_128(input: &[u8], seed: u64) -> u128 {
    let len = input.len();
    let mut acc = (mul!(len as u64, P64_1), 0);
    let mut i = 0;
    while i < 4 {
        acc = mix32(acc, input, 32 * i, 32 * i + 16, 32 * i, seed);
        i += 1;
    }
    acc = (avalanche(acc.0), avalanche(acc.1));
    while i < len / 32 {
        acc = mix32(
            acc,
            input,
            32 * i,
            32 * i + 16,
            32 * (i - 4) + MID_START_AT,
            seed,
        );
        i += 1;
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

/// The secret for `seed` as little-endian words: `XXH3_initCustomSecret`, which adds
/// the seed to the even words of the default secret and subtracts it from the odd.
const fn secret_words(seed: u64) -> [u64; SECRET_LEN / 8] {
    let mut words = DEFAULT_WORDS;
    let mut i = 0;
    while i < words.len() {
        words[i] = add!(words[i], seed);
        words[i + 1] = sub!(words[i + 1], seed);
        i += 2;
    }
    words
}

/// The little-endian u64 at byte offset `at` of a secret held as words.
const fn secret_u64(words: &[u64; SECRET_LEN / 8], at: usize) -> u64 {
    let shift = (at % 8) * 8;
    if shift == 0 {
        words[at / 8]
    } else {
        words[at / 8] >> shift | words[at / 8 + 1] << (64 - shift)
    }
}

/// Eight secret words starting at byte offset `at`, for the reads that are not aligned.
const fn secret_window(words: &[u64; SECRET_LEN / 8], at: usize) -> [u64; 8] {
    let mut window = [0; 8];
    let mut i = 0;
    while i < 8 {
        window[i] = secret_u64(words, at + 8 * i);
        i += 1;
    }
    window
}

/// `XXH3_accumulate_512` for the stripe at byte `at` of `input`, against `keys[k..k + 8]`.
/// A macro so that the stripe loop makes no call (see the module docs).
macro_rules! accumulate {
    ($acc:ident, $input:expr, $at:expr, $keys:expr, $k:expr) => {{
        let input = $input;
        let at = $at;
        let keys = $keys;
        let k = $k;
        accumulate!(@lane $acc, input, at, keys, k, 0);
        accumulate!(@lane $acc, input, at, keys, k, 1);
        accumulate!(@lane $acc, input, at, keys, k, 2);
        accumulate!(@lane $acc, input, at, keys, k, 3);
        accumulate!(@lane $acc, input, at, keys, k, 4);
        accumulate!(@lane $acc, input, at, keys, k, 5);
        accumulate!(@lane $acc, input, at, keys, k, 6);
        accumulate!(@lane $acc, input, at, keys, k, 7);
    }};
    (@lane $acc:ident, $input:ident, $at:ident, $keys:ident, $k:ident, $lane:literal) => {{
        let data = read_u64!($input, $at + 8 * $lane);
        let keyed = data ^ $keys[$k + $lane];
        $acc[$lane ^ 1] = add!($acc[$lane ^ 1], data);
        $acc[$lane] = add!($acc[$lane], mul!(keyed & 0xFFFF_FFFF, keyed >> 32));
    }};
}

/// `XXH3_scrambleAcc` for one lane.
macro_rules! scramble {
    ($acc:ident, $words:ident, $lane:literal) => {{
        let a = $acc[$lane];
        $acc[$lane] = mul!(a ^ (a >> 47) ^ $words[SCRAMBLE_AT / 8 + $lane], P32_1);
    }};
}

/// The stripe and block loop of `XXH3_hashLong`: the accumulators after every stripe
/// of `input` (longer than 240 bytes) against the secret `words`.
const fn long_acc(input: &[u8], words: &[u64; SECRET_LEN / 8]) -> [u64; 8] {
    let len = input.len();
    let mut acc = INIT_ACC;
    // The last stripe always goes through the final accumulation below, so a block that
    // ends exactly at the end of the input is not a full block here.
    let blocks = (len - 1) / BLOCK_LEN;
    let mut at = 0;
    let mut block = 0;
    while block < blocks {
        let mut stripe = 0;
        while stripe < STRIPES_PER_BLOCK {
            accumulate!(acc, input, at, words, stripe);
            at += STRIPE_LEN;
            stripe += 1;
        }
        scramble!(acc, words, 0);
        scramble!(acc, words, 1);
        scramble!(acc, words, 2);
        scramble!(acc, words, 3);
        scramble!(acc, words, 4);
        scramble!(acc, words, 5);
        scramble!(acc, words, 6);
        scramble!(acc, words, 7);
        block += 1;
    }
    let stripes = (len - 1 - at) / STRIPE_LEN;
    let mut stripe = 0;
    while stripe < stripes {
        accumulate!(acc, input, at, words, stripe);
        at += STRIPE_LEN;
        stripe += 1;
    }
    let last = secret_window(words, LAST_STRIPE_AT);
    accumulate!(acc, input, len - STRIPE_LEN, &last, 0);
    acc
}

/// `XXH3_mergeAccs`: the accumulators folded into 64 bits against the secret at `at`.
const fn merge(acc: &[u64; 8], words: &[u64; SECRET_LEN / 8], at: usize, start: u64) -> u64 {
    let keys = secret_window(words, at);
    let mut result = start;
    let mut i = 0;
    while i < 8 {
        result = add!(result, fold!(acc[i] ^ keys[i], acc[i + 1] ^ keys[i + 1]));
        i += 2;
    }
    avalanche(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_words_are_the_secret() {
        let mut i = 0;
        while i < SECRET_LEN / 8 {
            assert_eq!(
                DEFAULT_WORDS[i],
                u64::from_le_bytes(DEFAULT_SECRET[8 * i..8 * i + 8].try_into().unwrap())
            );
            i += 1;
        }
    }

    #[test]
    fn unaligned_secret_reads_match_byte_reads() {
        let words = secret_words(0x0123_4567_89AB_CDEF);
        let mut bytes = [0u8; SECRET_LEN];
        for (i, w) in words.iter().enumerate() {
            bytes[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
        }
        for at in 0..=SECRET_LEN - 8 {
            let expected = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
            assert_eq!(secret_u64(&words, at), expected, "offset {at}");
        }
    }

    #[test]
    fn wrapping_macros_wrap() {
        assert_eq!(add!(u64::MAX, 2u64), 1);
        assert_eq!(sub!(1u64, 2u64), u64::MAX);
        assert_eq!(mul!(u64::MAX, u64::MAX), 1);
    }
}
