//! Batch FNV-1a-64 and span-id validation with runtime CPU dispatch.
//!
//! Many independent inputs are hashed at once, each result bit-identical to
//! [`fnv1a_64`](crate::hash::fnv1a_64). FNV-1a is a serial chain per input (xor a byte,
//! multiply by the prime), so speed comes from advancing many chains together:
//!
//! | [`Backend`] | how | needs |
//! |---|---|---|
//! | [`Avx512Ifma`](Backend::Avx512Ifma) | 8 lanes per register, 4 registers in flight; 52-bit multiply-adds (5-cycle chain per byte) | x86_64 AVX-512 F, BW, IFMA |
//! | [`Avx512`](Backend::Avx512) | 8 lanes per register, 8 registers in flight; `vpmullq` (16-cycle chain per byte) | x86_64 AVX-512 F, BW, DQ |
//! | [`Interleaved`](Backend::Interleaved) | 4 scalar chains advanced together | any CPU |
//! | [`Neon`](Backend::Neon) | 2 lanes per register, 2 registers; 32-bit widening multiplies | aarch64 NEON |
//! | [`Scalar`](Backend::Scalar) | one input after another | any CPU |
//!
//! The backends are [`cpu::Backend`]s; this module implements the
//! [`BACKENDS`] above. The functions without a backend in their name use
//! [`active_backend()`], chosen from the features [`cpu`] detects once per
//! process: the first AVX-512 backend the CPU has, else
//! [`Interleaved`](Backend::Interleaved). NEON is never chosen by itself: it has not
//! been measured against the interleaved chains (aarch64 cores multiply 64-bit integers
//! fast). The `_with` functions run the backend given, or return
//! [`BatchError::Unavailable`] (the CPU cannot run it) or [`BatchError::Unimplemented`]
//! (this module has no code for it, e.g. [`Backend::Avx2`]).
//!
//! ```
//! use knhk_runtime::hash::fnv1a_64;
//! use knhk_runtime::simd::fnv1a_64_batch;
//!
//! let keys: [&[u8]; 3] = [b"order.submit", b"", b"book.best_bid"];
//! let mut hashes = [0; 3];
//! fnv1a_64_batch(&keys, &mut hashes)?;
//! assert_eq!(hashes[2], fnv1a_64(b"book.best_bid"));
//! # Ok::<(), knhk_runtime::simd::BatchError>(())
//! ```

use crate::cpu::{self, Backend, Supported};

mod portable;

// AVX-512 intrinsics and target features are stable since Rust 1.89, the workspace's
// `rust-version`.
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(target_arch = "aarch64")]
mod neon;

/// The backends this module implements on this target, best first, in the order of
/// [`Backend::ALL`]; the `_with` functions run any of them the CPU supports.
///
/// ```
/// use knhk_runtime::{cpu::Backend, simd};
/// assert!(simd::BACKENDS.contains(&Backend::Interleaved));
/// assert!(!simd::BACKENDS.contains(&Backend::Avx2), "no AVX2 batch backend");
/// ```
pub const BACKENDS: &[Backend] = &[
    #[cfg(target_arch = "x86_64")]
    Backend::Avx512Ifma,
    #[cfg(target_arch = "x86_64")]
    Backend::Avx512,
    #[cfg(target_arch = "aarch64")]
    Backend::Neon,
    Backend::Interleaved,
    Backend::Scalar,
];

/// What dispatch chooses from, best first: [`BACKENDS`] without NEON (not measured
/// against the interleaved chains) and without [`Backend::Scalar`] (slower than the
/// interleaved chains).
const DISPATCH: &[Backend] = &[
    #[cfg(target_arch = "x86_64")]
    Backend::Avx512Ifma,
    #[cfg(target_arch = "x86_64")]
    Backend::Avx512,
    Backend::Interleaved,
];

/// The [`BACKENDS`] this CPU runs, best first.
///
/// ```
/// use knhk_runtime::{cpu::Backend, simd};
/// assert!(simd::available().any(|b| b == Backend::Scalar));
/// ```
pub fn available() -> impl Iterator<Item = Backend> {
    BACKENDS.iter().copied().filter(|b| b.is_supported())
}

/// Why a batch call did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The output slice is not as long as the input slice.
    #[error("{inputs} inputs but {outputs} output slots; give exactly one output slot per input")]
    LengthMismatch {
        /// Length of the input slice (inputs or span ids).
        inputs: usize,
        /// Length of the output slice (hashes or flags).
        outputs: usize,
    },
    /// The backend asked for cannot run on this CPU.
    #[error(
        "backend `{backend}` needs {}, which this CPU is not; use `active_backend()` or `Backend::Interleaved`",
        backend.requirement()
    )]
    Unavailable {
        /// The backend asked for.
        backend: Backend,
    },
    /// The CPU runs the backend asked for, but batch hashing has no code for it.
    #[error(
        "batch hashing has no `{backend}` backend; use one of `simd::BACKENDS`, or `active_backend()`"
    )]
    Unimplemented {
        /// The backend asked for.
        backend: Backend,
    },
}

/// What dispatch chooses on this CPU: the first AVX-512 backend it supports, else
/// [`Backend::Interleaved`].
///
/// ```
/// let backend = knhk_runtime::simd::active_backend();
/// assert!(knhk_runtime::simd::available().any(|b| b == backend));
/// ```
pub fn active_backend() -> Backend {
    Checked::active().0.backend()
}

/// FNV-1a-64 of each of eight 32-byte inputs (any fixed width `N` works), with the
/// [`active_backend()`], except that [`Backend::Avx512`] hands this single register to
/// [`Backend::Interleaved`]: one register of `vpmullq` runs at its 15-cycle latency and
/// measured slower than the scalar loop.
///
/// ```
/// use knhk_runtime::{hash::fnv1a_64, simd::hash_batch_8};
///
/// let keys: [[u8; 32]; 8] = core::array::from_fn(|i| [i as u8; 32]);
/// let hashes = hash_batch_8(&keys);
/// assert_eq!(hashes[5], fnv1a_64(&[5; 32]));
/// ```
pub fn hash_batch_8<const N: usize>(inputs: &[[u8; N]; 8]) -> [u64; 8] {
    let active = Checked::active();
    let backend = match active.0.backend() {
        Backend::Avx512 => Checked(Supported::INTERLEAVED),
        _ => active,
    };
    fixed8(backend, inputs)
}

/// [`hash_batch_8`] with the backend given, or [`BatchError::Unavailable`].
///
/// ```
/// use knhk_runtime::cpu::Backend;
/// use knhk_runtime::simd::{hash_batch_8, hash_batch_8_with};
///
/// let keys = [[7_u8; 32]; 8];
/// assert_eq!(hash_batch_8_with(Backend::Scalar, &keys)?, hash_batch_8(&keys));
/// # Ok::<(), knhk_runtime::simd::BatchError>(())
/// ```
pub fn hash_batch_8_with<const N: usize>(
    backend: Backend,
    inputs: &[[u8; N]; 8],
) -> Result<[u64; 8], BatchError> {
    Ok(fixed8(Checked::new(backend)?, inputs))
}

/// FNV-1a-64 of every input, of any lengths, into `out[i]`, with the [`active_backend()`].
///
/// `out` must be exactly as long as `inputs`, else [`BatchError::LengthMismatch`] and
/// nothing is written. Inputs of equal length go fastest. With the AVX-512 backends, a
/// group (32 inputs with IFMA, 64 with `vpmullq`) runs in vector lanes until fewer than
/// a quarter of its lanes have whole words left; the rest of each longer input, and the
/// last fewer-than-eight inputs of a batch, are hashed one by one.
///
/// ```
/// use knhk_runtime::simd::{BatchError, fnv1a_64_batch};
///
/// let mut out = [0; 1];
/// let err = fnv1a_64_batch(&[b"a", b"b"], &mut out).unwrap_err();
/// assert_eq!(err, BatchError::LengthMismatch { inputs: 2, outputs: 1 });
/// ```
pub fn fnv1a_64_batch(inputs: &[&[u8]], out: &mut [u64]) -> Result<(), BatchError> {
    check_lengths(inputs.len(), out.len())?;
    batch(Checked::active(), inputs, out);
    Ok(())
}

/// [`fnv1a_64_batch`] with the backend given, or [`BatchError::Unavailable`].
///
/// ```
/// use knhk_runtime::cpu::Backend;
/// use knhk_runtime::simd::fnv1a_64_batch_with;
///
/// let mut out = [0; 2];
/// fnv1a_64_batch_with(Backend::Interleaved, &[b"span", b"trace"], &mut out)?;
/// assert_eq!(out[0], knhk_runtime::hash::fnv1a_64(b"span"));
/// # Ok::<(), knhk_runtime::simd::BatchError>(())
/// ```
pub fn fnv1a_64_batch_with(
    backend: Backend,
    inputs: &[&[u8]],
    out: &mut [u64],
) -> Result<(), BatchError> {
    let backend = Checked::new(backend)?;
    check_lengths(inputs.len(), out.len())?;
    batch(backend, inputs, out);
    Ok(())
}

/// Sets `valid[i]` to whether span id `ids[i]` is non-zero (zero is the invalid id) and
/// returns how many are valid, with the [`active_backend()`].
///
/// ```
/// use knhk_runtime::simd::validate_span_ids;
///
/// let mut valid = [false; 3];
/// assert_eq!(validate_span_ids(&[7, 0, 9], &mut valid)?, 2);
/// assert_eq!(valid, [true, false, true]);
/// # Ok::<(), knhk_runtime::simd::BatchError>(())
/// ```
pub fn validate_span_ids(ids: &[u64], valid: &mut [bool]) -> Result<usize, BatchError> {
    check_lengths(ids.len(), valid.len())?;
    Ok(span_ids(Checked::active(), ids, valid))
}

/// [`validate_span_ids`] with the backend given, or [`BatchError::Unavailable`].
pub fn validate_span_ids_with(
    backend: Backend,
    ids: &[u64],
    valid: &mut [bool],
) -> Result<usize, BatchError> {
    let backend = Checked::new(backend)?;
    check_lengths(ids.len(), valid.len())?;
    Ok(span_ids(backend, ids, valid))
}

/// Bit `i` set when span id `ids[i]` is non-zero, with the [`active_backend()`].
///
/// ```
/// assert_eq!(knhk_runtime::simd::span_id_mask_8(&[1, 0, 0, 0, 0, 0, 0, 5]), 0b1000_0001);
/// ```
pub fn span_id_mask_8(ids: &[u64; 8]) -> u8 {
    span_mask8(Checked::active(), ids)
}

/// [`span_id_mask_8`] with the backend given, or [`BatchError::Unavailable`].
pub fn span_id_mask_8_with(backend: Backend, ids: &[u64; 8]) -> Result<u8, BatchError> {
    Ok(span_mask8(Checked::new(backend)?, ids))
}

fn check_lengths(inputs: usize, outputs: usize) -> Result<(), BatchError> {
    if inputs == outputs {
        Ok(())
    } else {
        Err(BatchError::LengthMismatch { inputs, outputs })
    }
}

/// One of [`BACKENDS`] that this CPU supports. Only [`Checked::new`] and
/// [`Checked::active`] make one, both from a [`Supported`], so holding one is what the
/// `unsafe` calls into target-feature code below rely on.
#[derive(Clone, Copy)]
struct Checked(Supported);

impl Checked {
    fn new(backend: Backend) -> Result<Self, BatchError> {
        let supported = backend
            .supported()
            .ok_or(BatchError::Unavailable { backend })?;
        if BACKENDS.contains(&backend) {
            Ok(Checked(supported))
        } else {
            Err(BatchError::Unimplemented { backend })
        }
    }

    #[inline]
    fn active() -> Self {
        Checked(cpu::best(DISPATCH).unwrap_or(Supported::INTERLEAVED))
    }
}

fn batch(backend: Checked, inputs: &[&[u8]], out: &mut [u64]) {
    debug_assert_eq!(inputs.len(), out.len());
    match backend.0.backend() {
        Backend::Scalar => portable::scalar_batch(inputs, out),
        Backend::Interleaved => portable::interleaved_batch(inputs, out),
        // SAFETY: `Checked` holds Avx512Ifma only when avx512f, avx512bw and avx512ifma
        // were detected, the features `ifma::batch` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512Ifma => unsafe { x86::ifma::batch(inputs, out) },
        // SAFETY: `Checked` holds Avx512 only when avx512f, avx512bw and avx512dq were
        // detected, the features `mullo::batch` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => unsafe { x86::mullo::batch(inputs, out) },
        // SAFETY: `Checked` holds Neon only when neon was detected.
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => unsafe { neon::batch(inputs, out) },
        #[allow(unreachable_patterns)]
        _ => unreachable!("`Checked` holds only backends of `BACKENDS`"),
    }
}

fn fixed8<const N: usize>(backend: Checked, inputs: &[[u8; N]; 8]) -> [u64; 8] {
    match backend.0.backend() {
        Backend::Scalar => portable::scalar_fixed8(inputs),
        Backend::Interleaved => portable::interleaved_fixed8(inputs),
        // SAFETY: `Checked` holds Avx512Ifma only when avx512f, avx512bw and avx512ifma
        // were detected, the features `ifma::fixed8` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512Ifma => unsafe { x86::ifma::fixed8(inputs) },
        // SAFETY: `Checked` holds Avx512 only when avx512f, avx512bw and avx512dq were
        // detected, the features `mullo::fixed8` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => unsafe { x86::mullo::fixed8(inputs) },
        // SAFETY: `Checked` holds Neon only when neon was detected.
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => unsafe { neon::fixed8(inputs) },
        #[allow(unreachable_patterns)]
        _ => unreachable!("`Checked` holds only backends of `BACKENDS`"),
    }
}

fn span_ids(backend: Checked, ids: &[u64], valid: &mut [bool]) -> usize {
    debug_assert_eq!(ids.len(), valid.len());
    match backend.0.backend() {
        Backend::Scalar | Backend::Interleaved => portable::scalar_span_ids(ids, valid),
        // SAFETY: `Checked` holds an AVX-512 backend only when avx512f and avx512bw were
        // detected, the features `x86::span_ids` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512Ifma | Backend::Avx512 => unsafe { x86::span_ids(ids, valid) },
        // SAFETY: `Checked` holds Neon only when neon was detected.
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => unsafe { neon::span_ids(ids, valid) },
        #[allow(unreachable_patterns)]
        _ => unreachable!("`Checked` holds only backends of `BACKENDS`"),
    }
}

fn span_mask8(backend: Checked, ids: &[u64; 8]) -> u8 {
    match backend.0.backend() {
        Backend::Scalar | Backend::Interleaved => portable::scalar_span_mask8(ids),
        // SAFETY: `Checked` holds an AVX-512 backend only when avx512f was detected, the
        // feature `x86::span_mask8` is compiled with.
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512Ifma | Backend::Avx512 => unsafe { x86::span_mask8(ids) },
        // SAFETY: `Checked` holds Neon only when neon was detected.
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => unsafe { neon::span_mask8(ids) },
        #[allow(unreachable_patterns)]
        _ => unreachable!("`Checked` holds only backends of `BACKENDS`"),
    }
}
