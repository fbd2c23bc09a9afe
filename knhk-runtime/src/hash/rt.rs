//! XXH3 for runtime use: the functions of [`xxh3`](super::xxh3), with the same results,
//! compiled for speed.
//!
//! ```
//! use knhk_runtime::hash::{rt, xxh3};
//! let page = vec![7u8; 4096];
//! assert_eq!(rt::xxh3_64(&page), xxh3::xxh3_64(&page));
//! println!("long inputs hash with {}", rt::backend());
//! ```
//!
//! Inputs up to 240 bytes take scalar code (there is too little data for vectors to
//! pay). Longer inputs run the stripe loop on the best [`Backend`] the CPU has,
//! detected once per process and cached in an atomic: AVX-512F, then AVX2, then SSE2
//! (always there on x86_64); NEON on aarch64; portable scalar code elsewhere.
//! [`Backend::supported`] gives any other backend the CPU can run, so that tests and
//! benchmarks can call each one.

use super::xxh3;
use super::xxh3::{
    BLOCK_LEN, DEFAULT_SECRET, INIT_ACC, LAST_STRIPE_AT, MERGE_AT, MERGE_HI_AT, MID_LAST_AT,
    MID_SIZE_MAX, MID_START_AT, P32_1, P64_1, P64_2, P64_4, SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN,
    avalanche,
};
use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// One implementation of the stripe loop that hashes inputs longer than 240 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Portable code on `u64`s; runs everywhere.
    Scalar,
    /// x86_64 SSE2: four 128-bit accumulators.
    Sse2,
    /// x86_64 AVX2: two 256-bit accumulators.
    Avx2,
    /// x86_64 AVX-512F: one 512-bit accumulator.
    Avx512,
    /// aarch64 NEON: four 128-bit accumulators.
    Neon,
}

impl Backend {
    /// Every backend compiled for this target, best last; [`supported`](Self::supported)
    /// says which of them the running CPU can execute.
    ///
    /// ```
    /// use knhk_runtime::hash::rt::Backend;
    /// let data = [1u8; 1000];
    /// let hashes: Vec<u64> =
    ///     Backend::ALL.iter().filter_map(|b| b.supported()).map(|s| s.xxh3_64(&data)).collect();
    /// assert!(hashes.windows(2).all(|w| w[0] == w[1]));
    /// ```
    pub const ALL: &'static [Backend] = &[
        Backend::Scalar,
        #[cfg(target_arch = "x86_64")]
        Backend::Sse2,
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2,
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512,
        #[cfg(target_arch = "aarch64")]
        Backend::Neon,
    ];

    /// The backend's name: the CPU feature it needs, or `"scalar"`.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Sse2 => "sse2",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512f",
            Backend::Neon => "neon",
        }
    }

    /// This backend as a [`Supported`] handle if it is compiled for this target and the
    /// running CPU has its features, `None` otherwise.
    pub fn supported(self) -> Option<Supported> {
        let ok = match self {
            Backend::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => true,
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(target_arch = "aarch64")]
            Backend::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            _ => false,
        };
        ok.then_some(Supported(self))
    }

    /// The backend the hash functions of this module use on this CPU: the last of
    /// [`ALL`](Self::ALL) that is supported.
    pub fn detect() -> Backend {
        Supported::detected().backend()
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The backend that [`xxh3_64`] and the other functions of this module use for inputs
/// longer than 240 bytes.
///
/// ```
/// let backend = knhk_runtime::hash::rt::backend();
/// assert!(backend.supported().is_some());
/// ```
pub fn backend() -> Backend {
    Backend::detect()
}

/// A [`Backend`] the running CPU supports: holding one is the proof that its code may
/// run, so its hash functions are safe to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Supported(Backend);

/// The detected backend, as `1 + Backend as u8`; 0 until the first detection. Only
/// [`Supported::detected`] writes it, and only with a backend that passed
/// [`Backend::supported`].
static DETECTED: AtomicU8 = AtomicU8::new(0);

impl Supported {
    /// The best backend of this CPU, detected on the first call and cached.
    #[inline]
    pub fn detected() -> Supported {
        match DETECTED.load(Ordering::Relaxed) {
            0 => Self::detect_now(),
            code => Supported(Self::from_code(code)),
        }
    }

    #[cold]
    #[inline(never)]
    fn detect_now() -> Supported {
        let best = Backend::ALL
            .iter()
            .rev()
            .find_map(|b| b.supported())
            .unwrap_or(Supported(Backend::Scalar));
        // Races are harmless: every thread computes and stores the same value.
        DETECTED.store(1 + best.0 as u8, Ordering::Relaxed);
        best
    }

    fn from_code(code: u8) -> Backend {
        match code - 1 {
            c if c == Backend::Sse2 as u8 => Backend::Sse2,
            c if c == Backend::Avx2 as u8 => Backend::Avx2,
            c if c == Backend::Avx512 as u8 => Backend::Avx512,
            c if c == Backend::Neon as u8 => Backend::Neon,
            _ => Backend::Scalar,
        }
    }

    /// The backend this handle runs.
    pub fn backend(self) -> Backend {
        self.0
    }

    /// XXH3-64 of `input` on this backend.
    #[inline]
    pub fn xxh3_64(self, input: &[u8]) -> u64 {
        self.xxh3_64_with_seed(input, 0)
    }

    /// XXH3-64 of `input` with `seed` on this backend.
    #[inline]
    pub fn xxh3_64_with_seed(self, input: &[u8], seed: u64) -> u64 {
        hash_64(input, seed, Some(self))
    }

    /// XXH3-128 of `input` on this backend.
    #[inline]
    pub fn xxh3_128(self, input: &[u8]) -> u128 {
        self.xxh3_128_with_seed(input, 0)
    }

    /// XXH3-128 of `input` with `seed` on this backend.
    #[inline]
    pub fn xxh3_128_with_seed(self, input: &[u8], seed: u64) -> u128 {
        hash_128(input, seed, Some(self))
    }

    /// The accumulators after the stripe loop over `input` (longer than 240 bytes).
    fn accumulate(self, input: &[u8], secret: &[u8; SECRET_LEN]) -> [u64; 8] {
        match self.0 {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is part of the x86_64 baseline; every x86_64 CPU has it.
            Backend::Sse2 => unsafe { x86::long_acc_sse2(input, secret) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a `Supported(Avx2)` exists only if `is_x86_feature_detected!("avx2")`
            // said yes (`Backend::supported`, or `DETECTED`, which stores only its results).
            Backend::Avx2 => unsafe { x86::long_acc_avx2(input, secret) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above, with `is_x86_feature_detected!("avx512f")`.
            Backend::Avx512 => unsafe { x86::long_acc_avx512(input, secret) },
            #[cfg(target_arch = "aarch64")]
            // SAFETY: as above, with `is_aarch64_feature_detected!("neon")`.
            Backend::Neon => unsafe { neon::long_acc(input, secret) },
            _ => scalar::long_acc(input, secret),
        }
    }
}

/// XXH3-64 of `input`, the same value as [`xxh3::xxh3_64`](super::xxh3::xxh3_64).
///
/// ```
/// use knhk_runtime::hash::rt::xxh3_64;
/// assert_eq!(xxh3_64(b""), 0x2D06_8005_38D3_94C2);
/// ```
#[inline]
pub fn xxh3_64(input: &[u8]) -> u64 {
    xxh3_64_with_seed(input, 0)
}

/// XXH3-64 of a string's UTF-8 bytes.
#[inline]
pub fn xxh3_64_str(input: &str) -> u64 {
    xxh3_64_with_seed(input.as_bytes(), 0)
}

/// XXH3-64 of `input` with `seed`, the same value as
/// [`xxh3::xxh3_64_with_seed`](super::xxh3::xxh3_64_with_seed).
#[inline]
pub fn xxh3_64_with_seed(input: &[u8], seed: u64) -> u64 {
    hash_64(input, seed, None)
}

/// XXH3-128 of `input`, the same value as [`xxh3::xxh3_128`](super::xxh3::xxh3_128).
///
/// ```
/// use knhk_runtime::hash::rt::xxh3_128;
/// assert_eq!(xxh3_128(b""), 0x99AA_06D3_0147_98D8_6001_C324_468D_497F);
/// ```
#[inline]
pub fn xxh3_128(input: &[u8]) -> u128 {
    xxh3_128_with_seed(input, 0)
}

/// XXH3-128 of a string's UTF-8 bytes.
#[inline]
pub fn xxh3_128_str(input: &str) -> u128 {
    xxh3_128_with_seed(input.as_bytes(), 0)
}

/// XXH3-128 of `input` with `seed`, the same value as
/// [`xxh3::xxh3_128_with_seed`](super::xxh3::xxh3_128_with_seed).
#[inline]
pub fn xxh3_128_with_seed(input: &[u8], seed: u64) -> u128 {
    hash_128(input, seed, None)
}

// ---------------------------------------------------------------------------------------
// Up to 240 bytes: scalar. Up to 16 bytes the const functions compile to the same code,
// so they are called; from 17 bytes on, the const forms (written for few const-eval
// steps) measured 13x slower at run time at 128 bytes, so these are separate.

/// The little-endian u64 at `at`.
#[inline(always)]
fn r64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = a as u128 * b as u128;
    p as u64 ^ (p >> 64) as u64
}

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

/// Every length class; `kernel` is the backend for long inputs, `None` for the detected
/// one. The classes above 128 bytes are calls that the compiler can make tail calls, so
/// the inlined short classes need no stack frame.
#[inline(always)]
fn hash_64(input: &[u8], seed: u64, kernel: Option<Supported>) -> u64 {
    let len = input.len();
    if len <= 16 {
        xxh3::short_64(input, seed)
    } else if len <= 128 {
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
    } else if len <= MID_SIZE_MAX {
        mid_64(input, seed)
    } else {
        match kernel {
            Some(kernel) => long_64(kernel, input, seed),
            None => long_64_detected(input, seed),
        }
    }
}

#[inline(never)]
fn mid_64(input: &[u8], seed: u64) -> u64 {
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

/// As [`hash_64`], for XXH3-128.
#[inline(always)]
fn hash_128(input: &[u8], seed: u64, kernel: Option<Supported>) -> u128 {
    let len = input.len();
    if len <= 16 {
        xxh3::short_128(input, seed)
    } else if len <= 128 {
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
    } else if len <= MID_SIZE_MAX {
        mid_128(input, seed)
    } else {
        match kernel {
            Some(kernel) => long_128(kernel, input, seed),
            None => long_128_detected(input, seed),
        }
    }
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

#[inline(never)]
fn mid_128(input: &[u8], seed: u64) -> u128 {
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

// ---------------------------------------------------------------------------------------
// Longer than 240 bytes: the stripe loop, on a backend.

/// `XXH3_initCustomSecret`: the default secret with `seed` added to its even u64s and
/// subtracted from its odd ones.
fn custom_secret(seed: u64) -> [u8; SECRET_LEN] {
    let mut secret = DEFAULT_SECRET;
    let (pairs, _) = secret.as_chunks_mut::<16>();
    for pair in pairs {
        let (lo, hi) = pair.split_at_mut(8);
        let l = u64::from_le_bytes(lo.try_into().expect("8 bytes")).wrapping_add(seed);
        let h = u64::from_le_bytes(hi.try_into().expect("8 bytes")).wrapping_sub(seed);
        lo.copy_from_slice(&l.to_le_bytes());
        hi.copy_from_slice(&h.to_le_bytes());
    }
    secret
}

/// `XXH3_mergeAccs` against the secret at `at`.
fn merge(acc: &[u64; 8], secret: &[u8; SECRET_LEN], at: usize, start: u64) -> u64 {
    let mut result = start;
    for i in (0..8).step_by(2) {
        let lo = acc[i] ^ r64(secret, at + 8 * i);
        let hi = acc[i + 1] ^ r64(secret, at + 8 * i + 8);
        result = result.wrapping_add(fold(lo, hi));
    }
    avalanche(result)
}

// Out of line so that the short classes inline without a stack frame; two entry points
// so that the free functions read the detected backend in here, not at every call site.
#[inline(never)]
fn long_64(kernel: Supported, input: &[u8], seed: u64) -> u64 {
    long_64_on(kernel, input, seed)
}

#[inline(never)]
fn long_64_detected(input: &[u8], seed: u64) -> u64 {
    long_64_on(Supported::detected(), input, seed)
}

#[inline(never)]
fn long_128(kernel: Supported, input: &[u8], seed: u64) -> u128 {
    long_128_on(kernel, input, seed)
}

#[inline(never)]
fn long_128_detected(input: &[u8], seed: u64) -> u128 {
    long_128_on(Supported::detected(), input, seed)
}

#[inline(always)]
fn long_64_on(kernel: Supported, input: &[u8], seed: u64) -> u64 {
    let custom;
    let secret = if seed == 0 {
        &DEFAULT_SECRET
    } else {
        custom = custom_secret(seed);
        &custom
    };
    let acc = kernel.accumulate(input, secret);
    merge(
        &acc,
        secret,
        MERGE_AT,
        (input.len() as u64).wrapping_mul(P64_1),
    )
}

#[inline(always)]
fn long_128_on(kernel: Supported, input: &[u8], seed: u64) -> u128 {
    let custom;
    let secret = if seed == 0 {
        &DEFAULT_SECRET
    } else {
        custom = custom_secret(seed);
        &custom
    };
    let acc = kernel.accumulate(input, secret);
    let len = input.len() as u64;
    let lo = merge(&acc, secret, MERGE_AT, len.wrapping_mul(P64_1));
    let hi = merge(&acc, secret, MERGE_HI_AT, !len.wrapping_mul(P64_2));
    (hi as u128) << 64 | lo as u128
}

/// The 64 bytes of secret at `at`.
#[inline(always)]
fn window(secret: &[u8; SECRET_LEN], at: usize) -> &[u8; STRIPE_LEN] {
    secret[at..at + STRIPE_LEN].try_into().expect("64 bytes")
}

/// The block and stripe loop of `XXH3_hashLong`, shared by every backend. It expands
/// inside each backend's `#[target_feature]` function, so that the backend's functions
/// inline with its features:
///
/// - `$accumulate(&mut acc, &mut sum, stripe: &[u8; 64], secret: &[u8; 64])` adds the
///   product of the keyed stripe to `acc` and the stripe itself to `sum`;
/// - `$fold(&mut acc, sum)` adds `sum`, its u64s swapped in pairs, to `acc`;
/// - `$scramble(&mut acc, secret: &[u8; 64])` ends a block;
/// - `$zero` is an accumulator of zeros.
///
/// The reference adds `product + swap(stripe)` to the accumulator at every stripe.
/// Swapping is a permutation and addition mod 2^64 commutes, so summing the stripes
/// apart and swapping the sum once before each scramble gives the same accumulators with
/// one shuffle per block instead of one per stripe, and two loop-carried chains of one
/// add each instead of one chain of two (LLVM reassociates `acc + (product + swapped)`
/// into `(acc + swapped) + product`, which made AVX-512 run no faster than AVX2).
macro_rules! stripe_loop {
    ($acc:ident, $input:ident, $secret:ident, $accumulate:path, $fold:path, $scramble:path, $zero:expr) => {{
        let len = $input.len();
        // The last stripe always goes through the final accumulation, so a block that
        // ends exactly at the end of the input is not a full block here.
        let blocks = (len - 1) / BLOCK_LEN;
        let (full, tail) = $input.split_at(blocks * BLOCK_LEN);
        let (full, _) = full.as_chunks::<BLOCK_LEN>();
        for block in full {
            let (stripes, _) = block.as_chunks::<STRIPE_LEN>();
            let mut sum = $zero;
            for (i, stripe) in stripes.iter().enumerate() {
                $accumulate(&mut $acc, &mut sum, stripe, window($secret, 8 * i));
            }
            $fold(&mut $acc, sum);
            $scramble(&mut $acc, window($secret, SCRAMBLE_AT));
        }
        let (stripes, _) = tail[..tail.len() - 1].as_chunks::<STRIPE_LEN>();
        let mut sum = $zero;
        for (i, stripe) in stripes.iter().enumerate() {
            $accumulate(&mut $acc, &mut sum, stripe, window($secret, 8 * i));
        }
        let last = $input
            .last_chunk::<STRIPE_LEN>()
            .expect("more than 240 bytes");
        $accumulate(&mut $acc, &mut sum, last, window($secret, LAST_STRIPE_AT));
        $fold(&mut $acc, sum);
    }};
}

mod scalar {
    use super::{
        BLOCK_LEN, INIT_ACC, LAST_STRIPE_AT, P32_1, SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN, window,
    };

    #[inline(always)]
    fn words(bytes: &[u8; STRIPE_LEN]) -> [u64; 8] {
        let (chunks, _) = bytes.as_chunks::<8>();
        core::array::from_fn(|i| u64::from_le_bytes(chunks[i]))
    }

    #[inline(always)]
    fn accumulate(
        acc: &mut [u64; 8],
        sum: &mut [u64; 8],
        stripe: &[u8; STRIPE_LEN],
        secret: &[u8; STRIPE_LEN],
    ) {
        let (data, key) = (words(stripe), words(secret));
        for i in 0..8 {
            let keyed = data[i] ^ key[i];
            sum[i] = sum[i].wrapping_add(data[i]);
            acc[i] = acc[i].wrapping_add((keyed & 0xFFFF_FFFF).wrapping_mul(keyed >> 32));
        }
    }

    #[inline(always)]
    fn fold(acc: &mut [u64; 8], sum: [u64; 8]) {
        for i in 0..8 {
            acc[i ^ 1] = acc[i ^ 1].wrapping_add(sum[i]);
        }
    }

    #[inline(always)]
    fn scramble(acc: &mut [u64; 8], secret: &[u8; STRIPE_LEN]) {
        let key = words(secret);
        for i in 0..8 {
            acc[i] = (acc[i] ^ (acc[i] >> 47) ^ key[i]).wrapping_mul(P32_1);
        }
    }

    /// The stripe loop on `u64`s.
    pub(super) fn long_acc(input: &[u8], secret: &[u8; SECRET_LEN]) -> [u64; 8] {
        let mut acc = INIT_ACC;
        stripe_loop!(acc, input, secret, accumulate, fold, scramble, [0; 8]);
        acc
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{
        BLOCK_LEN, INIT_ACC, LAST_STRIPE_AT, P32_1, SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN, window,
    };
    use core::arch::x86_64::*;

    /// `_MM_SHUFFLE(1, 0, 3, 2)`: swaps the two u64s of each 128-bit lane.
    const SWAP_U64: i32 = 0b01_00_11_10;

    #[target_feature(enable = "sse2")]
    #[inline]
    fn load128(bytes: &[u8; 16]) -> __m128i {
        // SAFETY: `bytes` is 16 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn accumulate_sse2(
        acc: &mut [__m128i; 4],
        sum: &mut [__m128i; 4],
        stripe: &[u8; STRIPE_LEN],
        secret: &[u8; STRIPE_LEN],
    ) {
        let (data, _) = stripe.as_chunks::<16>();
        let (key, _) = secret.as_chunks::<16>();
        for i in 0..4 {
            let data = load128(&data[i]);
            let keyed = _mm_xor_si128(data, load128(&key[i]));
            let product = _mm_mul_epu32(keyed, _mm_srli_epi64::<32>(keyed));
            acc[i] = _mm_add_epi64(acc[i], product);
            sum[i] = _mm_add_epi64(sum[i], data);
        }
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn fold_sse2(acc: &mut [__m128i; 4], sum: [__m128i; 4]) {
        for i in 0..4 {
            acc[i] = _mm_add_epi64(acc[i], _mm_shuffle_epi32::<SWAP_U64>(sum[i]));
        }
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn scramble_sse2(acc: &mut [__m128i; 4], secret: &[u8; STRIPE_LEN]) {
        let (key, _) = secret.as_chunks::<16>();
        let prime = _mm_set1_epi32(P32_1 as i32);
        for i in 0..4 {
            let a = acc[i];
            let mixed = _mm_xor_si128(_mm_xor_si128(a, _mm_srli_epi64::<47>(a)), load128(&key[i]));
            let lo = _mm_mul_epu32(mixed, prime);
            let hi = _mm_mul_epu32(_mm_srli_epi64::<32>(mixed), prime);
            acc[i] = _mm_add_epi64(lo, _mm_slli_epi64::<32>(hi));
        }
    }

    /// The stripe loop on SSE2, which every x86_64 CPU has.
    #[target_feature(enable = "sse2")]
    pub(super) fn long_acc_sse2(input: &[u8], secret: &[u8; SECRET_LEN]) -> [u64; 8] {
        let mut acc =
            [0, 2, 4, 6].map(|i| _mm_set_epi64x(INIT_ACC[i + 1] as i64, INIT_ACC[i] as i64));
        stripe_loop!(
            acc,
            input,
            secret,
            accumulate_sse2,
            fold_sse2,
            scramble_sse2,
            [_mm_setzero_si128(); 4]
        );
        let mut out = [0u64; 8];
        for (i, pair) in out.as_chunks_mut::<2>().0.iter_mut().enumerate() {
            // SAFETY: `pair` is 16 writable bytes; `storeu` has no alignment requirement.
            unsafe { _mm_storeu_si128(pair.as_mut_ptr().cast(), acc[i]) };
        }
        out
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn load256(bytes: &[u8; 32]) -> __m256i {
        // SAFETY: `bytes` is 32 readable bytes; `loadu` has no alignment requirement.
        unsafe { _mm256_loadu_si256(bytes.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn accumulate_avx2(
        acc: &mut [__m256i; 2],
        sum: &mut [__m256i; 2],
        stripe: &[u8; STRIPE_LEN],
        secret: &[u8; STRIPE_LEN],
    ) {
        let (data, _) = stripe.as_chunks::<32>();
        let (key, _) = secret.as_chunks::<32>();
        for i in 0..2 {
            let data = load256(&data[i]);
            let keyed = _mm256_xor_si256(data, load256(&key[i]));
            let product = _mm256_mul_epu32(keyed, _mm256_srli_epi64::<32>(keyed));
            acc[i] = _mm256_add_epi64(acc[i], product);
            sum[i] = _mm256_add_epi64(sum[i], data);
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn fold_avx2(acc: &mut [__m256i; 2], sum: [__m256i; 2]) {
        for i in 0..2 {
            acc[i] = _mm256_add_epi64(acc[i], _mm256_shuffle_epi32::<SWAP_U64>(sum[i]));
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn scramble_avx2(acc: &mut [__m256i; 2], secret: &[u8; STRIPE_LEN]) {
        let (key, _) = secret.as_chunks::<32>();
        let prime = _mm256_set1_epi32(P32_1 as i32);
        for i in 0..2 {
            let a = acc[i];
            let mixed = _mm256_xor_si256(
                _mm256_xor_si256(a, _mm256_srli_epi64::<47>(a)),
                load256(&key[i]),
            );
            let lo = _mm256_mul_epu32(mixed, prime);
            let hi = _mm256_mul_epu32(_mm256_srli_epi64::<32>(mixed), prime);
            acc[i] = _mm256_add_epi64(lo, _mm256_slli_epi64::<32>(hi));
        }
    }

    /// The stripe loop on AVX2; callers must check that the CPU has it.
    #[target_feature(enable = "avx2")]
    pub(super) fn long_acc_avx2(input: &[u8], secret: &[u8; SECRET_LEN]) -> [u64; 8] {
        let mut acc = [0, 4].map(|i| {
            _mm256_setr_epi64x(
                INIT_ACC[i] as i64,
                INIT_ACC[i + 1] as i64,
                INIT_ACC[i + 2] as i64,
                INIT_ACC[i + 3] as i64,
            )
        });
        stripe_loop!(
            acc,
            input,
            secret,
            accumulate_avx2,
            fold_avx2,
            scramble_avx2,
            [_mm256_setzero_si256(); 2]
        );
        let mut out = [0u64; 8];
        for (i, quad) in out.as_chunks_mut::<4>().0.iter_mut().enumerate() {
            // SAFETY: `quad` is 32 writable bytes; `storeu` has no alignment requirement.
            unsafe { _mm256_storeu_si256(quad.as_mut_ptr().cast(), acc[i]) };
        }
        out
    }

    pub(super) use avx512::long_acc_avx512;

    /// AVX-512 intrinsics are stable since Rust 1.89: this module is why the workspace's
    /// `rust-version` is 1.89.
    mod avx512 {
        use super::super::{
            BLOCK_LEN, INIT_ACC, LAST_STRIPE_AT, P32_1, SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN, window,
        };
        use super::SWAP_U64;
        use core::arch::x86_64::*;

        #[target_feature(enable = "avx512f")]
        #[inline]
        fn load512(bytes: &[u8; 64]) -> __m512i {
            // SAFETY: `bytes` is 64 readable bytes; `loadu` has no alignment requirement.
            unsafe { _mm512_loadu_si512(bytes.as_ptr().cast()) }
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        fn accumulate_avx512(
            acc: &mut __m512i,
            sum: &mut __m512i,
            stripe: &[u8; STRIPE_LEN],
            secret: &[u8; STRIPE_LEN],
        ) {
            let data = load512(stripe);
            let keyed = _mm512_xor_si512(data, load512(secret));
            let product = _mm512_mul_epu32(keyed, _mm512_srli_epi64::<32>(keyed));
            *acc = _mm512_add_epi64(*acc, product);
            *sum = _mm512_add_epi64(*sum, data);
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        fn fold_avx512(acc: &mut __m512i, sum: __m512i) {
            *acc = _mm512_add_epi64(*acc, _mm512_shuffle_epi32::<SWAP_U64>(sum));
        }

        #[target_feature(enable = "avx512f")]
        #[inline]
        fn scramble_avx512(acc: &mut __m512i, secret: &[u8; STRIPE_LEN]) {
            let a = *acc;
            // 0x96 is the truth table of a ^ b ^ c.
            let mixed =
                _mm512_ternarylogic_epi64::<0x96>(a, _mm512_srli_epi64::<47>(a), load512(secret));
            let prime = _mm512_set1_epi32(P32_1 as i32);
            let lo = _mm512_mul_epu32(mixed, prime);
            let hi = _mm512_mul_epu32(_mm512_srli_epi64::<32>(mixed), prime);
            *acc = _mm512_add_epi64(lo, _mm512_slli_epi64::<32>(hi));
        }

        /// The stripe loop on AVX-512F; callers must check that the CPU has it.
        #[target_feature(enable = "avx512f")]
        pub(in super::super) fn long_acc_avx512(
            input: &[u8],
            secret: &[u8; SECRET_LEN],
        ) -> [u64; 8] {
            let a = INIT_ACC.map(|x| x as i64);
            let mut acc = _mm512_setr_epi64(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            stripe_loop!(
                acc,
                input,
                secret,
                accumulate_avx512,
                fold_avx512,
                scramble_avx512,
                _mm512_setzero_si512()
            );
            let mut out = [0u64; 8];
            // SAFETY: `out` is 64 writable bytes; `storeu` has no alignment requirement.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), acc) };
            out
        }
    }
}

#[cfg(target_arch = "aarch64")]
mod neon {
    use super::{
        BLOCK_LEN, INIT_ACC, LAST_STRIPE_AT, P32_1, SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN, window,
    };
    use core::arch::aarch64::*;

    #[target_feature(enable = "neon")]
    #[inline]
    fn load(bytes: &[u8; 16]) -> uint64x2_t {
        // SAFETY: `bytes` is 16 readable bytes; `vld1q_u8` has no alignment requirement.
        vreinterpretq_u64_u8(unsafe { vld1q_u8(bytes.as_ptr()) })
    }

    #[target_feature(enable = "neon")]
    #[inline]
    fn accumulate(
        acc: &mut [uint64x2_t; 4],
        sum: &mut [uint64x2_t; 4],
        stripe: &[u8; STRIPE_LEN],
        secret: &[u8; STRIPE_LEN],
    ) {
        let (data, _) = stripe.as_chunks::<16>();
        let (key, _) = secret.as_chunks::<16>();
        for i in 0..4 {
            let data = load(&data[i]);
            let keyed = veorq_u64(data, load(&key[i]));
            // acc + lo32(keyed) * hi32(keyed), per u64 lane.
            acc[i] = vmlal_u32(acc[i], vmovn_u64(keyed), vshrn_n_u64::<32>(keyed));
            sum[i] = vaddq_u64(sum[i], data);
        }
    }

    #[target_feature(enable = "neon")]
    #[inline]
    fn fold(acc: &mut [uint64x2_t; 4], sum: [uint64x2_t; 4]) {
        for i in 0..4 {
            acc[i] = vaddq_u64(acc[i], vextq_u64::<1>(sum[i], sum[i]));
        }
    }

    #[target_feature(enable = "neon")]
    #[inline]
    fn scramble(acc: &mut [uint64x2_t; 4], secret: &[u8; STRIPE_LEN]) {
        let (key, _) = secret.as_chunks::<16>();
        let prime = vdup_n_u32(P32_1 as u32);
        for i in 0..4 {
            let a = acc[i];
            let mixed = veorq_u64(veorq_u64(a, vshrq_n_u64::<47>(a)), load(&key[i]));
            // mixed * P32_1 mod 2^64 = (hi32 * P << 32) + lo32 * P.
            let hi = vshlq_n_u64::<32>(vmull_u32(vshrn_n_u64::<32>(mixed), prime));
            acc[i] = vmlal_u32(hi, vmovn_u64(mixed), prime);
        }
    }

    /// The stripe loop on NEON; callers must check that the CPU has it.
    #[target_feature(enable = "neon")]
    pub(super) fn long_acc(input: &[u8], secret: &[u8; SECRET_LEN]) -> [u64; 8] {
        let mut acc = [0, 2, 4, 6]
            .map(|i| vcombine_u64(vcreate_u64(INIT_ACC[i]), vcreate_u64(INIT_ACC[i + 1])));
        stripe_loop!(
            acc,
            input,
            secret,
            accumulate,
            fold,
            scramble,
            [vdupq_n_u64(0); 4]
        );
        let mut out = [0u64; 8];
        for (i, pair) in out.as_chunks_mut::<2>().0.iter_mut().enumerate() {
            // SAFETY: `pair` is 16 writable bytes, aligned for u64 as `vst1q_u64` needs.
            unsafe { vst1q_u64(pair.as_mut_ptr(), acc[i]) };
        }
        out
    }
}
