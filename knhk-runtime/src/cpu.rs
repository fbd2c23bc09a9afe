//! What the running CPU can do, detected once per process, and the backends built on it.
//!
//! - [`Feature`]: one instruction-set extension or CPU property (AVX2, an invariant TSC,
//!   ...). [`features()`] detects them all on first use and caches them in one atomic
//!   bitset; [`has()`] reads one of them from that cache, and [`detect()`] asks the CPU
//!   again, bypassing it.
//! - [`Backend`]: one way of running a computation, named after the instruction set it
//!   needs. [`Backend::ALL`] lists the backends of the target architecture, best first.
//!   Each user implements some of them and lists those in the same order: runtime XXH3
//!   ([`hash::xxh3_dispatch::BACKENDS`](crate::hash::xxh3_dispatch::BACKENDS)) and batch
//!   hashing ([`simd::BACKENDS`](crate::simd::BACKENDS)).
//! - [`Supported`]: a backend the CPU has every feature of. One can only be had from the
//!   cache, so holding one is the proof that code compiled with the backend's
//!   `#[target_feature]`s may run; the `unsafe` calls into such code rely on it.
//!
//! ```
//! use knhk_runtime::cpu::{self, Backend, Feature};
//!
//! let best = cpu::best(Backend::ALL).unwrap_or(cpu::Supported::SCALAR);
//! assert!(best.backend().features().iter().all(|&f| cpu::has(f)));
//! if cfg!(target_arch = "x86_64") {
//!     assert!(cpu::has(Feature::Sse2), "SSE2 is part of every x86_64 CPU");
//! }
//! println!("best backend here: {best}; features: {}", cpu::features());
//! ```

use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

/// One CPU feature that knhk's code paths depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// x86_64 SSE2; part of the x86_64 baseline.
    Sse2,
    /// x86_64 AVX2.
    Avx2,
    /// x86_64 AVX-512 Foundation.
    Avx512F,
    /// x86_64 AVX-512 byte and word instructions.
    Avx512Bw,
    /// x86_64 AVX-512 doubleword and quadword instructions (`vpmullq`).
    Avx512Dq,
    /// x86_64 AVX-512 52-bit integer multiply-add.
    Avx512Ifma,
    /// x86_64 invariant time-stamp counter (CPUID 0x8000_0007, EDX bit 8): the TSC ticks
    /// at a constant rate in every power state and on every core.
    InvariantTsc,
    /// aarch64 Advanced SIMD.
    Neon,
}

impl Feature {
    /// Every feature of the target architecture; [`has()`] says which the CPU has.
    ///
    /// ```
    /// use knhk_runtime::cpu::Feature;
    /// assert_eq!(Feature::ALL.contains(&Feature::Neon), cfg!(target_arch = "aarch64"));
    /// ```
    pub const ALL: &'static [Feature] = &[
        #[cfg(target_arch = "x86_64")]
        Feature::Sse2,
        #[cfg(target_arch = "x86_64")]
        Feature::Avx2,
        #[cfg(target_arch = "x86_64")]
        Feature::Avx512F,
        #[cfg(target_arch = "x86_64")]
        Feature::Avx512Bw,
        #[cfg(target_arch = "x86_64")]
        Feature::Avx512Dq,
        #[cfg(target_arch = "x86_64")]
        Feature::Avx512Ifma,
        #[cfg(target_arch = "x86_64")]
        Feature::InvariantTsc,
        #[cfg(target_arch = "aarch64")]
        Feature::Neon,
    ];

    /// The feature's name: as `is_x86_feature_detected!` spells it where it has one.
    ///
    /// ```
    /// assert_eq!(knhk_runtime::cpu::Feature::Avx512F.name(), "avx512f");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Feature::Sse2 => "sse2",
            Feature::Avx2 => "avx2",
            Feature::Avx512F => "avx512f",
            Feature::Avx512Bw => "avx512bw",
            Feature::Avx512Dq => "avx512dq",
            Feature::Avx512Ifma => "avx512ifma",
            Feature::InvariantTsc => "invariant-tsc",
            Feature::Neon => "neon",
        }
    }

    /// The feature's bit in [`Features`]; below [`DETECTED`].
    const fn bit(self) -> u32 {
        1 << self as u32
    }

    /// Asks the CPU (through the standard library, which also asks whether the OS
    /// saves the registers) now.
    fn detect(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Feature::Sse2 => std::arch::is_x86_feature_detected!("sse2"),
            #[cfg(target_arch = "x86_64")]
            Feature::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Feature::Avx512F => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(target_arch = "x86_64")]
            Feature::Avx512Bw => std::arch::is_x86_feature_detected!("avx512bw"),
            #[cfg(target_arch = "x86_64")]
            Feature::Avx512Dq => std::arch::is_x86_feature_detected!("avx512dq"),
            #[cfg(target_arch = "x86_64")]
            Feature::Avx512Ifma => std::arch::is_x86_feature_detected!("avx512ifma"),
            #[cfg(target_arch = "x86_64")]
            Feature::InvariantTsc => {
                use core::arch::x86_64::__cpuid;
                let max_extended = __cpuid(0x8000_0000).eax;
                max_extended >= 0x8000_0007 && (__cpuid(0x8000_0007).edx & (1 << 8)) != 0
            }
            #[cfg(target_arch = "aarch64")]
            Feature::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Feature`]s: what [`features()`] and [`detect()`] return.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Features(u32);

impl Features {
    /// Whether `feature` is in the set.
    pub const fn has(self, feature: Feature) -> bool {
        self.0 & feature.bit() != 0
    }

    /// Whether every feature `backend` needs is in the set.
    pub const fn runs(self, backend: Backend) -> bool {
        let needs = backend.mask();
        self.0 & needs == needs
    }

    /// The features in the set, in the order of [`Feature::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.iter().copied().filter(move |&f| self.has(f))
    }
}

impl fmt::Debug for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Names separated by spaces, `none` for the empty set.
impl fmt::Display for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut features = self.iter();
        match features.next() {
            None => f.write_str("none"),
            Some(first) => {
                f.write_str(first.name())?;
                features.try_for_each(|feature| write!(f, " {feature}"))
            }
        }
    }
}

/// Set in [`CACHE`] once detection has run; the feature bits are below it.
const DETECTED: u32 = 1 << 31;

/// The one cache of what the CPU has: [`Feature::bit`]s, plus [`DETECTED`]; 0 until the
/// first detection. Only [`detect_and_cache`] writes it, and only with what [`detect`]
/// found, which is what makes a [`Supported`] a proof.
static CACHE: AtomicU32 = AtomicU32::new(0);

/// The features of this CPU, detected on the first call and cached.
///
/// ```
/// assert_eq!(knhk_runtime::cpu::features(), knhk_runtime::cpu::detect());
/// ```
#[inline]
pub fn features() -> Features {
    let bits = CACHE.load(Ordering::Relaxed);
    if bits & DETECTED != 0 {
        Features(bits & !DETECTED)
    } else {
        detect_and_cache()
    }
}

/// Whether this CPU has `feature`, from the cache: one relaxed load once detected.
///
/// ```
/// use knhk_runtime::cpu::{Feature, has};
/// assert_eq!(has(Feature::Neon), cfg!(target_arch = "aarch64"));
/// ```
#[inline]
pub fn has(feature: Feature) -> bool {
    let want = DETECTED | feature.bit();
    let bits = CACHE.load(Ordering::Relaxed);
    bits & want == want || (bits & DETECTED == 0 && detect_and_cache().has(feature))
}

/// The features of this CPU, asked of it now rather than read from the cache: for tests
/// and diagnostics. [`features()`] is the same set, cached.
pub fn detect() -> Features {
    Features(
        Feature::ALL
            .iter()
            .filter(|f| f.detect())
            .fold(0, |bits, f| bits | f.bit()),
    )
}

#[cold]
#[inline(never)]
fn detect_and_cache() -> Features {
    let found = detect();
    // Racing threads detect the same set; whichever stores last stores it again.
    CACHE.store(found.0 | DETECTED, Ordering::Relaxed);
    found
}

/// One way of running a computation, named after the instruction set it needs.
///
/// Every variant exists on every target, so that code can name any of them; those of
/// another architecture are never [`supported`](Self::supported) and are not in
/// [`ALL`](Self::ALL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// x86_64 AVX-512 with IFMA 52-bit multiply-adds: AVX-512 F, BW and IFMA.
    Avx512Ifma,
    /// x86_64 AVX-512: F, BW and DQ, which every AVX-512 CPU since Skylake-SP has (a Xeon
    /// Phi, with F but not BW or DQ, runs [`Avx2`](Self::Avx2)).
    Avx512,
    /// x86_64 AVX2.
    Avx2,
    /// x86_64 SSE2, which every x86_64 CPU has.
    Sse2,
    /// aarch64 NEON.
    Neon,
    /// Portable code with several independent chains in flight; runs everywhere.
    Interleaved,
    /// Portable code, one step after another; runs everywhere.
    Scalar,
}

impl Backend {
    /// The backends of the target architecture, best first: wider vectors before
    /// narrower ones, vectors before portable code. A user lists the backends it
    /// implements in this order, and dispatch takes the first the CPU supports
    /// ([`best()`]).
    ///
    /// ```
    /// use knhk_runtime::cpu::Backend;
    /// assert_eq!(Backend::ALL.last(), Some(&Backend::Scalar));
    /// assert_eq!(Backend::ALL.contains(&Backend::Neon), cfg!(target_arch = "aarch64"));
    /// ```
    pub const ALL: &'static [Backend] = &[
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512Ifma,
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512,
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2,
        #[cfg(target_arch = "x86_64")]
        Backend::Sse2,
        #[cfg(target_arch = "aarch64")]
        Backend::Neon,
        Backend::Interleaved,
        Backend::Scalar,
    ];

    /// The backend's name, as [`Display`](fmt::Display) writes it.
    ///
    /// ```
    /// assert_eq!(knhk_runtime::cpu::Backend::Avx512Ifma.name(), "avx512-ifma");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Avx512Ifma => "avx512-ifma",
            Backend::Avx512 => "avx512",
            Backend::Avx2 => "avx2",
            Backend::Sse2 => "sse2",
            Backend::Neon => "neon",
            Backend::Interleaved => "interleaved",
            Backend::Scalar => "scalar",
        }
    }

    /// The features the backend needs; none for the portable ones.
    ///
    /// ```
    /// use knhk_runtime::cpu::{Backend, Feature};
    /// assert_eq!(Backend::Avx2.features(), &[Feature::Avx2]);
    /// assert!(Backend::Scalar.features().is_empty());
    /// ```
    pub const fn features(self) -> &'static [Feature] {
        match self {
            Backend::Avx512Ifma => &[Feature::Avx512F, Feature::Avx512Bw, Feature::Avx512Ifma],
            Backend::Avx512 => &[Feature::Avx512F, Feature::Avx512Bw, Feature::Avx512Dq],
            Backend::Avx2 => &[Feature::Avx2],
            Backend::Sse2 => &[Feature::Sse2],
            Backend::Neon => &[Feature::Neon],
            Backend::Interleaved | Backend::Scalar => &[],
        }
    }

    /// What the backend needs of the CPU, in words, for error messages.
    ///
    /// ```
    /// use knhk_runtime::cpu::Backend;
    /// assert_eq!(Backend::Neon.requirement(), "an aarch64 CPU with neon");
    /// ```
    pub const fn requirement(self) -> &'static str {
        match self {
            Backend::Avx512Ifma => "an x86_64 CPU with avx512f, avx512bw and avx512ifma",
            Backend::Avx512 => "an x86_64 CPU with avx512f, avx512bw and avx512dq",
            Backend::Avx2 => "an x86_64 CPU with avx2",
            Backend::Sse2 => "an x86_64 CPU",
            Backend::Neon => "an aarch64 CPU with neon",
            Backend::Interleaved | Backend::Scalar => "nothing",
        }
    }

    /// The [`Feature::bit`]s of [`features`](Self::features).
    const fn mask(self) -> u32 {
        let features = self.features();
        let mut mask = 0;
        let mut i = 0;
        while i < features.len() {
            mask |= features[i].bit();
            i += 1;
        }
        mask
    }

    /// This backend as a [`Supported`] if the CPU has every feature it needs (from the
    /// cache), `None` otherwise; always `None` for another architecture's backends.
    ///
    /// ```
    /// use knhk_runtime::cpu::Backend;
    /// assert!(Backend::Scalar.supported().is_some());
    /// assert_eq!(Backend::Neon.supported().is_some(), cfg!(target_arch = "aarch64"));
    /// ```
    #[inline]
    pub fn supported(self) -> Option<Supported> {
        // Another architecture's features are never detected, so its backends fail here.
        features().runs(self).then_some(Supported(self))
    }

    /// Whether the CPU runs this backend: [`supported`](Self::supported) is `Some`.
    #[inline]
    pub fn is_supported(self) -> bool {
        self.supported().is_some()
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A [`Backend`] the running CPU has every feature of.
///
/// Made only by [`Backend::supported`] and [`best()`], from the cache that only
/// detection writes (and as [`SCALAR`](Self::SCALAR) or
/// [`INTERLEAVED`](Self::INTERLEAVED), which need nothing), so holding one proves that
/// code compiled with its backend's `#[target_feature]`s may run here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Supported(Backend);

impl Supported {
    /// [`Backend::Scalar`], which every CPU runs.
    pub const SCALAR: Supported = Supported(Backend::Scalar);

    /// [`Backend::Interleaved`], which every CPU runs.
    pub const INTERLEAVED: Supported = Supported(Backend::Interleaved);

    /// The backend this proves.
    #[inline]
    pub const fn backend(self) -> Backend {
        self.0
    }
}

impl fmt::Display for Supported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

/// The first backend of `among` that the CPU supports, or `None`.
///
/// `among` is a user's list of the backends it implements, best first as in
/// [`Backend::ALL`]; the result is then the best of them the CPU runs.
///
/// ```
/// use knhk_runtime::cpu::{Backend, best};
/// // A user with a NEON backend and a portable fallback lists them best first.
/// let picked = best(&[Backend::Neon, Backend::Interleaved]).unwrap();
/// assert_eq!(picked.backend() == Backend::Neon, Backend::Neon.is_supported());
/// ```
#[inline]
pub fn best(among: &[Backend]) -> Option<Supported> {
    let features = features();
    among
        .iter()
        .find(|&&b| features.runs(b))
        .map(|&b| Supported(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_holds_what_a_fresh_detection_finds() {
        let fresh = detect();
        assert_eq!(features(), fresh);
        // Read again, now from the cache whichever call filled it.
        assert_eq!(features(), fresh);
        assert_ne!(CACHE.load(Ordering::Relaxed) & DETECTED, 0);
        for &f in Feature::ALL {
            assert_eq!(has(f), fresh.has(f), "{f}");
        }
    }

    #[test]
    fn features_agree_with_the_standard_library() {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as std_has;
            assert!(has(Feature::Sse2));
            assert_eq!(has(Feature::Avx2), std_has!("avx2"));
            assert_eq!(has(Feature::Avx512F), std_has!("avx512f"));
            assert_eq!(has(Feature::Avx512Bw), std_has!("avx512bw"));
            assert_eq!(has(Feature::Avx512Dq), std_has!("avx512dq"));
            assert_eq!(has(Feature::Avx512Ifma), std_has!("avx512ifma"));
            assert!(!has(Feature::Neon));
        }
        #[cfg(target_arch = "aarch64")]
        {
            assert_eq!(
                has(Feature::Neon),
                std::arch::is_aarch64_feature_detected!("neon")
            );
            assert!(!has(Feature::Avx2) && !has(Feature::InvariantTsc));
        }
    }

    #[test]
    fn features_outside_the_target_are_never_detected() {
        let every = [
            Feature::Sse2,
            Feature::Avx2,
            Feature::Avx512F,
            Feature::Avx512Bw,
            Feature::Avx512Dq,
            Feature::Avx512Ifma,
            Feature::InvariantTsc,
            Feature::Neon,
        ];
        for f in every.into_iter().filter(|f| !Feature::ALL.contains(f)) {
            assert!(!f.detect() && !has(f), "{f} is not of this architecture");
        }
        assert_eq!(detect().0 & DETECTED, 0, "feature bits stay below DETECTED");
    }

    #[test]
    fn a_token_exists_exactly_for_backends_whose_features_were_detected() {
        let fresh = detect();
        for &b in Backend::ALL {
            let has_all = b.features().iter().all(|&f| fresh.has(f));
            assert_eq!(b.supported().is_some(), has_all, "{b}");
            assert_eq!(b.is_supported(), has_all, "{b}");
            if let Some(s) = b.supported() {
                assert_eq!(s.backend(), b);
            }
        }
        assert_eq!(Backend::Scalar.supported(), Some(Supported::SCALAR));
        assert_eq!(
            Backend::Interleaved.supported(),
            Some(Supported::INTERLEAVED)
        );
    }

    #[test]
    fn backends_of_another_architecture_are_unsupported_and_unlisted() {
        #[cfg(target_arch = "x86_64")]
        let foreign = [Backend::Neon];
        #[cfg(target_arch = "aarch64")]
        let foreign = [
            Backend::Avx512Ifma,
            Backend::Avx512,
            Backend::Avx2,
            Backend::Sse2,
        ];
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        let foreign = [
            Backend::Avx512Ifma,
            Backend::Avx512,
            Backend::Avx2,
            Backend::Sse2,
            Backend::Neon,
        ];
        for b in foreign {
            assert!(!Backend::ALL.contains(&b), "{b}");
            assert_eq!(b.supported(), None, "{b}");
            assert_eq!(best(&[b]), None, "{b}");
        }
    }

    #[test]
    fn all_is_best_first_for_the_target() {
        #[cfg(target_arch = "x86_64")]
        let expected = [
            Backend::Avx512Ifma,
            Backend::Avx512,
            Backend::Avx2,
            Backend::Sse2,
            Backend::Interleaved,
            Backend::Scalar,
        ];
        #[cfg(target_arch = "aarch64")]
        let expected = [Backend::Neon, Backend::Interleaved, Backend::Scalar];
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        let expected = [Backend::Interleaved, Backend::Scalar];
        assert_eq!(Backend::ALL, expected);
    }

    #[test]
    fn best_is_the_first_supported_of_the_list() {
        // ALL and every suffix of it: the first supported backend of what is left.
        for start in 0..Backend::ALL.len() {
            let among = &Backend::ALL[start..];
            let first = among.iter().copied().find(|b| b.is_supported());
            assert_eq!(best(among).map(Supported::backend), first, "{among:?}");
        }
        assert_eq!(best(&[]), None);
        assert_eq!(best(&[Backend::Scalar]), Some(Supported::SCALAR));
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            best(&[Backend::Sse2, Backend::Scalar]).map(Supported::backend),
            Some(Backend::Sse2)
        );
    }

    #[test]
    fn masks_are_the_features_bits() {
        for &b in Backend::ALL {
            let bits = b.features().iter().fold(0, |m, f| m | f.bit());
            assert_eq!(b.mask(), bits, "{b}");
            assert!(Features(bits).runs(b));
            assert_eq!(Features(0).runs(b), bits == 0, "{b}");
        }
    }

    #[test]
    fn features_print_as_names() {
        assert_eq!(Features(0).to_string(), "none");
        #[cfg(target_arch = "x86_64")]
        {
            let set = Features(Feature::Sse2.bit() | Feature::Avx2.bit());
            assert_eq!(set.to_string(), "sse2 avx2");
            assert_eq!(format!("{set:?}"), "{Sse2, Avx2}");
        }
    }
}
