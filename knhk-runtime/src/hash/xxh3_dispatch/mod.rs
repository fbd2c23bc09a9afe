//! XXH3 dispatched on the CPU at run time: the `const fn`s of [`hash`](super) (`xxh3_64` and co.), with
//! the same results, compiled for speed with the best vector instructions the CPU has.
//!
//! ```
//! use knhk_runtime::hash::{self, xxh3_dispatch};
//! let page = vec![7u8; 4096];
//! assert_eq!(xxh3_dispatch::xxh3_64(&page), hash::xxh3_64(&page));
//! println!("long inputs hash with {}", xxh3_dispatch::backend());
//! ```
//!
//! Inputs up to 240 bytes take scalar code (`short.rs`: there is too little data for
//! vectors to pay). Longer inputs run the stripe loop (`stripes.rs`, written once over
//! each instruction set's primitive steps) on the first of [`BACKENDS`] the CPU
//! supports, from the features [`cpu`] detects once per process: AVX-512,
//! then AVX2, then SSE2 (always there on x86_64); NEON on aarch64; portable scalar code
//! elsewhere. The first long input caches the chosen backend's functions, so that every
//! later one costs a load and an indirect jump on top of the backend's own function,
//! which holds the stripe loop and the merge. [`Kernel`] runs any other backend the CPU
//! supports, so that tests and benchmarks can call each one.

use super::xxh3;
use super::xxh3::MID_SIZE_MAX;
use crate::cpu::{self, Backend, Supported};
use core::fmt;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

mod short;
mod stripes;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "aarch64")]
mod neon;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod sse2;

/// The backends this module implements on this target, best first, in the order of
/// [`Backend::ALL`].
///
/// ```
/// use knhk_runtime::{cpu::Backend, hash::xxh3_dispatch::BACKENDS};
/// assert_eq!(BACKENDS.last(), Some(&Backend::Scalar));
/// assert!(!BACKENDS.contains(&Backend::Interleaved));
/// ```
pub const BACKENDS: &[Backend] = &[
    #[cfg(target_arch = "x86_64")]
    Backend::Avx512,
    #[cfg(target_arch = "x86_64")]
    Backend::Avx2,
    #[cfg(target_arch = "x86_64")]
    Backend::Sse2,
    #[cfg(target_arch = "aarch64")]
    Backend::Neon,
    Backend::Scalar,
];

/// The backend that [`xxh3_64`] and the other free functions of this module use for
/// inputs longer than 240 bytes: the first of [`BACKENDS`] the CPU supports.
///
/// ```
/// let backend = knhk_runtime::hash::xxh3_dispatch::backend();
/// assert!(backend.is_supported());
/// ```
pub fn backend() -> Backend {
    Kernel::detected().backend()
}

/// One of [`BACKENDS`] that the running CPU supports: holding one is the proof that its
/// code may run, so its hash functions are safe to call.
///
/// ```
/// use knhk_runtime::hash::xxh3_dispatch::Kernel;
/// let data = [1u8; 1000];
/// let hashes: Vec<u64> = Kernel::available().map(|k| k.xxh3_64(&data)).collect();
/// assert!(hashes.windows(2).all(|w| w[0] == w[1]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kernel(Supported);

impl Kernel {
    /// `backend` as a kernel if this module implements it and the CPU supports it.
    ///
    /// ```
    /// use knhk_runtime::{cpu::Backend, hash::xxh3_dispatch::Kernel};
    /// assert!(Kernel::new(Backend::Scalar).is_some());
    /// assert!(Kernel::new(Backend::Interleaved).is_none(), "not an XXH3 backend");
    /// ```
    pub fn new(backend: Backend) -> Option<Kernel> {
        if BACKENDS.contains(&backend) {
            backend.supported().map(Kernel)
        } else {
            None
        }
    }

    /// Every backend of [`BACKENDS`] the CPU supports, best first.
    pub fn available() -> impl Iterator<Item = Kernel> {
        BACKENDS.iter().filter_map(|&b| Kernel::new(b))
    }

    /// The best kernel of this CPU: the one the free functions use.
    #[inline]
    pub fn detected() -> Kernel {
        Kernel(cpu::best(BACKENDS).unwrap_or(Supported::SCALAR))
    }

    /// The backend this kernel runs.
    pub fn backend(self) -> Backend {
        self.0.backend()
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

    /// The long-input functions of this kernel's backend.
    fn long(self) -> &'static Long {
        match self.backend() {
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => &AVX512,
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => &AVX2,
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => &SSE2,
            #[cfg(target_arch = "aarch64")]
            Backend::Neon => &NEON,
            _ => &SCALAR,
        }
    }
}

/// One backend's XXH3 of inputs longer than 240 bytes, as `unsafe fn` pointers: the
/// `#[target_feature]` functions may run only on a CPU with their features. A `&Long`
/// is handed out only by [`Kernel::long`], for a kernel (a proof that the CPU runs its
/// backend), and the pointers are called only through it.
struct Long {
    hash_64: unsafe fn(&[u8], u64) -> u64,
    hash_128: unsafe fn(&[u8], u64) -> u128,
}

#[cfg(target_arch = "x86_64")]
static AVX512: Long = Long {
    hash_64: avx512::long_64,
    hash_128: avx512::long_128,
};
#[cfg(target_arch = "x86_64")]
static AVX2: Long = Long {
    hash_64: avx2::long_64,
    hash_128: avx2::long_128,
};
#[cfg(target_arch = "x86_64")]
static SSE2: Long = Long {
    hash_64: sse2::long_64,
    hash_128: sse2::long_128,
};
#[cfg(target_arch = "aarch64")]
static NEON: Long = Long {
    hash_64: neon::long_64,
    hash_128: neon::long_128,
};
static SCALAR: Long = Long {
    hash_64: scalar::long_64,
    hash_128: scalar::long_128,
};

/// The detected kernel's [`Long`], once the first long input has chosen it; null
/// before. It only ever holds `Kernel::detected().long()`, so a race to fill it stores
/// the same pointer twice.
static DETECTED: AtomicPtr<Long> = AtomicPtr::new(ptr::null_mut());

/// The detected kernel's [`Long`] once chosen: one relaxed load. The pointee is a
/// `static` that never changes, so no ordering is needed to read it.
#[inline(always)]
fn detected_long() -> Option<&'static Long> {
    // SAFETY: non-null values of `DETECTED` are `&'static Long`s stored by
    // `choose_long`, never written through.
    unsafe { DETECTED.load(Ordering::Relaxed).as_ref() }
}

/// Chooses the detected kernel's [`Long`] and caches it.
fn choose_long() -> &'static Long {
    let long = Kernel::detected().long();
    DETECTED.store(ptr::from_ref(long).cast_mut(), Ordering::Relaxed);
    long
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.backend().name())
    }
}

/// XXH3-64 of `input`, the same value as [`hash::xxh3_64`](super::xxh3_64).
///
/// ```
/// use knhk_runtime::hash::xxh3_dispatch::xxh3_64;
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
/// [`hash::xxh3_64_with_seed`](super::xxh3_64_with_seed).
#[inline]
pub fn xxh3_64_with_seed(input: &[u8], seed: u64) -> u64 {
    hash_64(input, seed, None)
}

/// XXH3-128 of `input`, the same value as [`hash::xxh3_128`](super::xxh3_128).
///
/// ```
/// use knhk_runtime::hash::xxh3_dispatch::xxh3_128;
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
/// [`hash::xxh3_128_with_seed`](super::xxh3_128_with_seed).
#[inline]
pub fn xxh3_128_with_seed(input: &[u8], seed: u64) -> u128 {
    hash_128(input, seed, None)
}

/// The little-endian u64 at `at`.
#[inline(always)]
fn r64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = a as u128 * b as u128;
    p as u64 ^ (p >> 64) as u64
}

/// Every length class; `kernel` is the backend for long inputs, `None` for the detected
/// one. The classes above 128 bytes are calls that the compiler can make tail calls, so
/// the inlined short classes need no stack frame.
#[inline(always)]
fn hash_64(input: &[u8], seed: u64, kernel: Option<Kernel>) -> u64 {
    let len = input.len();
    if len <= 16 {
        xxh3::short_64(input, seed)
    } else if len <= 128 {
        short::upto_128_64(input, seed)
    } else if len <= MID_SIZE_MAX {
        short::mid_64(input, seed)
    } else {
        match kernel {
            Some(kernel) => long_64(kernel, input, seed),
            None => long_64_detected(input, seed),
        }
    }
}

/// As [`hash_64`], for XXH3-128.
#[inline(always)]
fn hash_128(input: &[u8], seed: u64, kernel: Option<Kernel>) -> u128 {
    let len = input.len();
    if len <= 16 {
        xxh3::short_128(input, seed)
    } else if len <= 128 {
        short::upto_128_128(input, seed)
    } else if len <= MID_SIZE_MAX {
        short::mid_128(input, seed)
    } else {
        match kernel {
            Some(kernel) => long_128(kernel, input, seed),
            None => long_128_detected(input, seed),
        }
    }
}

// Longer than 240 bytes. Out of line so that the short classes inline without a stack
// frame; two entry points so that the free functions read the detected backend in
// here, not at every call site. Each is one call through the backend's table, with the
// same arguments, so it compiles to a jump.

#[inline(never)]
fn long_64(kernel: Kernel, input: &[u8], seed: u64) -> u64 {
    // SAFETY: `kernel.long()` is the table of a backend the CPU runs (`Kernel`'s proof).
    unsafe { (kernel.long().hash_64)(input, seed) }
}

#[inline(never)]
fn long_64_detected(input: &[u8], seed: u64) -> u64 {
    match detected_long() {
        // SAFETY: `long` is the table of `Kernel::detected()`, which the CPU runs.
        Some(long) => unsafe { (long.hash_64)(input, seed) },
        None => first_long_64(input, seed),
    }
}

/// The first long input's XXH3-64, which chooses the backend; out of line so that
/// [`long_64_detected`] is a load and a jump, without a stack frame.
#[cold]
#[inline(never)]
fn first_long_64(input: &[u8], seed: u64) -> u64 {
    // SAFETY: as in `long_64_detected`.
    unsafe { (choose_long().hash_64)(input, seed) }
}

#[inline(never)]
fn long_128(kernel: Kernel, input: &[u8], seed: u64) -> u128 {
    // SAFETY: as in `long_64`.
    unsafe { (kernel.long().hash_128)(input, seed) }
}

#[inline(never)]
fn long_128_detected(input: &[u8], seed: u64) -> u128 {
    match detected_long() {
        // SAFETY: as in `long_64_detected`.
        Some(long) => unsafe { (long.hash_128)(input, seed) },
        None => first_long_128(input, seed),
    }
}

/// As [`first_long_64`], for XXH3-128.
#[cold]
#[inline(never)]
fn first_long_128(input: &[u8], seed: u64) -> u128 {
    // SAFETY: as in `long_64_detected`.
    unsafe { (choose_long().hash_128)(input, seed) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_in_the_order_of_all_and_of_this_target() {
        let position = |b: &Backend| Backend::ALL.iter().position(|x| x == b);
        let positions: Vec<_> = BACKENDS.iter().map(position).collect();
        assert!(positions.iter().all(Option::is_some), "{BACKENDS:?}");
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{BACKENDS:?}");
    }

    #[test]
    // Which backend the CPU's features should select is checked against the standard
    // library's detection once, in tests/integration/xxh3_oracle.rs.
    fn the_detected_kernel_is_the_best_available_one() {
        let best = Kernel::available().next().map(Kernel::backend);
        assert_eq!(Some(backend()), best);
    }

    #[test]
    fn kernels_exist_only_for_implemented_supported_backends() {
        for &b in Backend::ALL {
            let expected = BACKENDS.contains(&b) && b.is_supported();
            assert_eq!(Kernel::new(b).is_some(), expected, "{b}");
        }
        assert!(Kernel::available().any(|k| k.backend() == Backend::Scalar));
    }

    /// Every backend against the scalar one across the block boundaries of the loop
    /// (one block is 1024 bytes, and a block ending at the end of the input is not
    /// full), with the default secret and a derived one, for both widths.
    #[test]
    fn every_kernel_hashes_long_inputs_as_the_scalar_one() {
        let input: Vec<u8> = (0..3 * 1024 + 100)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect();
        for len in [241, 1023, 1024, 1025, 2048, 2049, 3 * 1024 + 100] {
            for seed in [0, 0x1234_5678_9abc_def0] {
                let input = &input[..len];
                let want_64 = scalar::long_64(input, seed);
                let want_128 = scalar::long_128(input, seed);
                for kernel in Kernel::available() {
                    assert_eq!(long_64(kernel, input, seed), want_64, "{kernel}, {len}");
                    assert_eq!(long_128(kernel, input, seed), want_128, "{kernel}, {len}");
                }
            }
        }
    }

    #[test]
    fn the_cached_table_is_the_detected_kernels() {
        let _ = xxh3_64(&[0; 241]);
        assert!(ptr::eq(detected_long().unwrap(), Kernel::detected().long()));
        assert!(ptr::eq(
            DETECTED.load(Ordering::Relaxed),
            Kernel::detected().long()
        ));
    }
}
