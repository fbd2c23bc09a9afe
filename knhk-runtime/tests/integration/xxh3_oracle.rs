//! knhk's XXH3 (const and runtime, every backend the host runs) against `xxhash-rust`.

use knhk_runtime::cpu::Backend;
use knhk_runtime::hash;
use knhk_runtime::hash::xxh3_dispatch::{self, Kernel};
use proptest::prelude::*;
use xxhash_rust::xxh3 as oracle;

/// Deterministic, non-repeating bytes, so that every offset of every length class sees
/// different data (a repeating pattern could hide a wrong offset).
fn bytes(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Every backend the host can run, checked against what the standard library detects,
/// so that no backend the CPU has is left untested.
fn supported() -> Vec<Kernel> {
    let all: Vec<Kernel> = Kernel::available().collect();
    let listed = |b: Backend| all.iter().any(|k| k.backend() == b);
    assert!(listed(Backend::Scalar));
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        assert!(listed(Backend::Sse2));
        assert_eq!(listed(Backend::Avx2), has!("avx2"));
        assert_eq!(
            listed(Backend::Avx512),
            has!("avx512f") && has!("avx512bw") && has!("avx512dq")
        );
    }
    #[cfg(target_arch = "aarch64")]
    assert_eq!(
        listed(Backend::Neon),
        std::arch::is_aarch64_feature_detected!("neon")
    );
    all
}

const SEEDS: [u64; 4] = [0, 1, 0x9E37_79B1_85EB_CA87, u64::MAX];

/// Compares every function of knhk with the oracle for `input` and `seed`.
fn check(input: &[u8], seed: u64, backends: &[Kernel]) {
    let len = input.len();
    let want64 = oracle::xxh3_64_with_seed(input, seed);
    let want128 = oracle::xxh3_128_with_seed(input, seed);
    assert_eq!(
        hash::xxh3_64_with_seed(input, seed),
        want64,
        "const 64, len {len}, seed {seed:#x}"
    );
    assert_eq!(
        hash::xxh3_128_with_seed(input, seed),
        want128,
        "const 128, len {len}, seed {seed:#x}"
    );
    assert_eq!(
        xxh3_dispatch::xxh3_64_with_seed(input, seed),
        want64,
        "dispatched 64, len {len}, seed {seed:#x}"
    );
    assert_eq!(
        xxh3_dispatch::xxh3_128_with_seed(input, seed),
        want128,
        "dispatched 128, len {len}, seed {seed:#x}"
    );
    for s in backends {
        let b = s.backend();
        assert_eq!(
            s.xxh3_64_with_seed(input, seed),
            want64,
            "{b} 64, len {len}, seed {seed:#x}"
        );
        assert_eq!(
            s.xxh3_128_with_seed(input, seed),
            want128,
            "{b} 128, len {len}, seed {seed:#x}"
        );
    }
    if seed == 0 {
        let want64 = oracle::xxh3_64(input);
        let want128 = oracle::xxh3_128(input);
        assert_eq!(hash::xxh3_64(input), want64, "const 64 unseeded, len {len}");
        assert_eq!(
            hash::xxh3_128(input),
            want128,
            "const 128 unseeded, len {len}"
        );
        assert_eq!(
            xxh3_dispatch::xxh3_64(input),
            want64,
            "dispatched 64 unseeded, len {len}"
        );
        assert_eq!(
            xxh3_dispatch::xxh3_128(input),
            want128,
            "dispatched 128 unseeded, len {len}"
        );
        for s in backends {
            let b = s.backend();
            assert_eq!(s.xxh3_64(input), want64, "{b} 64 unseeded, len {len}");
            assert_eq!(s.xxh3_128(input), want128, "{b} 128 unseeded, len {len}");
        }
    }
}

#[test]
fn every_length_to_2048_every_path_and_backend() {
    let backends = supported();
    let data = bytes(2048);
    for len in 0..=2048 {
        for seed in SEEDS {
            check(&data[..len], seed, &backends);
        }
    }
}

#[test]
fn unaligned_inputs() {
    // The SIMD backends load with `loadu`; start the input at every offset of a line.
    let backends = supported();
    let data = bytes(4096 + 64);
    for offset in 0..64 {
        for len in [241, 1024, 1025, 4096] {
            check(&data[offset..offset + len], 7, &backends);
        }
    }
}

#[test]
fn block_boundaries_of_long_inputs() {
    // One block is 1024 bytes; the loop treats a block ending at the end of the input
    // differently, so test around several multiples.
    let backends = supported();
    let data = bytes(16 * 1024 + 128);
    for blocks in 1..=16 {
        for delta in [-65, -64, -63, -1, 0, 1, 63, 64, 65] {
            let len = (blocks * 1024 + delta) as usize;
            check(&data[..len], 0, &backends);
            check(&data[..len], 0xDEAD_BEEF, &backends);
        }
    }
}

#[test]
fn published_answers_for_empty_input() {
    assert_eq!(hash::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
    assert_eq!(xxh3_dispatch::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
    assert_eq!(
        hash::xxh3_128(b""),
        0x99AA_06D3_0147_98D8_6001_C324_468D_497F
    );
    assert_eq!(
        xxh3_dispatch::xxh3_128(b""),
        0x99AA_06D3_0147_98D8_6001_C324_468D_497F
    );
    assert_eq!(oracle::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
}

#[test]
fn str_helpers_hash_the_utf8_bytes() {
    let s = "span.name=checkout ✓";
    assert_eq!(hash::xxh3_64_str(s), oracle::xxh3_64(s.as_bytes()));
    assert_eq!(hash::xxh3_128_str(s), oracle::xxh3_128(s.as_bytes()));
    assert_eq!(xxh3_dispatch::xxh3_64_str(s), oracle::xxh3_64(s.as_bytes()));
    assert_eq!(
        xxh3_dispatch::xxh3_128_str(s),
        oracle::xxh3_128(s.as_bytes())
    );
}

/// One input per length class, hashed in `const` items.
const CLASS_3: &[u8] = b"abc";
const CLASS_8: &[u8] = b"abcdefgh";
const CLASS_16: &[u8] = b"0123456789abcdef";
const CLASS_100: &[u8] = &[0x5A; 100];
const CLASS_200: &[u8] = &[0xA5; 200];
const CLASS_3000: &[u8] = &{
    let mut a = [0u8; 3000];
    let mut i = 0;
    while i < a.len() {
        a[i] = (i * 31 % 251) as u8;
        i += 1;
    }
    a
};
const H_EMPTY: u64 = hash::xxh3_64(b"");
const H_3: u64 = hash::xxh3_64(CLASS_3);
const H_8: u64 = hash::xxh3_64_with_seed(CLASS_8, 42);
const H_16: u64 = hash::xxh3_64(CLASS_16);
const H_100: u64 = hash::xxh3_64_with_seed(CLASS_100, 42);
const H_200: u64 = hash::xxh3_64(CLASS_200);
const H_3000: u64 = hash::xxh3_64(CLASS_3000);
const H_3000_SEEDED: u64 = hash::xxh3_64_with_seed(CLASS_3000, u64::MAX);
const H_STR: u64 = hash::xxh3_64_str("hot.path");
const H128_EMPTY: u128 = hash::xxh3_128(b"");
const H128_3: u128 = hash::xxh3_128_with_seed(CLASS_3, 42);
const H128_8: u128 = hash::xxh3_128(CLASS_8);
const H128_16: u128 = hash::xxh3_128_with_seed(CLASS_16, 42);
const H128_100: u128 = hash::xxh3_128(CLASS_100);
const H128_200: u128 = hash::xxh3_128_with_seed(CLASS_200, 42);
const H128_3000: u128 = hash::xxh3_128(CLASS_3000);
const H128_3000_SEEDED: u128 = hash::xxh3_128_with_seed(CLASS_3000, 1);

#[test]
fn values_computed_in_const_items_match_the_oracle() {
    assert_eq!(H_EMPTY, oracle::xxh3_64(b""));
    assert_eq!(H_3, oracle::xxh3_64(CLASS_3));
    assert_eq!(H_8, oracle::xxh3_64_with_seed(CLASS_8, 42));
    assert_eq!(H_16, oracle::xxh3_64(CLASS_16));
    assert_eq!(H_100, oracle::xxh3_64_with_seed(CLASS_100, 42));
    assert_eq!(H_200, oracle::xxh3_64(CLASS_200));
    assert_eq!(H_3000, oracle::xxh3_64(CLASS_3000));
    assert_eq!(
        H_3000_SEEDED,
        oracle::xxh3_64_with_seed(CLASS_3000, u64::MAX)
    );
    assert_eq!(H_STR, oracle::xxh3_64(b"hot.path"));
    assert_eq!(H128_EMPTY, oracle::xxh3_128(b""));
    assert_eq!(H128_3, oracle::xxh3_128_with_seed(CLASS_3, 42));
    assert_eq!(H128_8, oracle::xxh3_128(CLASS_8));
    assert_eq!(H128_16, oracle::xxh3_128_with_seed(CLASS_16, 42));
    assert_eq!(H128_100, oracle::xxh3_128(CLASS_100));
    assert_eq!(H128_200, oracle::xxh3_128_with_seed(CLASS_200, 42));
    assert_eq!(H128_3000, oracle::xxh3_128(CLASS_3000));
    assert_eq!(H128_3000_SEEDED, oracle::xxh3_128_with_seed(CLASS_3000, 1));
    // And the oracle's own const implementation agrees, evaluated at compile time too.
    const PEER: u64 = xxhash_rust::const_xxh3::xxh3_64(CLASS_3000);
    assert_eq!(H_3000, PEER);
}

#[test]
fn backends_are_listed_and_detection_is_stable() {
    let detected = xxh3_dispatch::backend();
    assert!(xxh3_dispatch::BACKENDS.contains(&detected));
    assert!(detected.is_supported());
    assert_eq!(xxh3_dispatch::backend(), detected, "detection is cached");
    assert_eq!(Kernel::detected().backend(), detected);
    // The best supported backend is the one picked: BACKENDS is best first.
    let best = xxh3_dispatch::BACKENDS
        .iter()
        .find(|b| b.is_supported())
        .copied();
    assert_eq!(Some(detected), best);
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        let expected = if has!("avx512f") && has!("avx512bw") && has!("avx512dq") {
            Backend::Avx512
        } else if has!("avx2") {
            Backend::Avx2
        } else {
            Backend::Sse2
        };
        assert_eq!(detected, expected);
        assert!(Kernel::new(Backend::Neon).is_none());
    }
    eprintln!(
        "backends run: {:?}; dispatch picks {detected}",
        supported()
            .iter()
            .map(|s| s.backend().name())
            .collect::<Vec<_>>()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_inputs_and_seeds_up_to_64_kib(
        input in prop::collection::vec(any::<u8>(), 0..=64 * 1024),
        seed in any::<u64>(),
    ) {
        let backends = supported();
        let want64 = oracle::xxh3_64_with_seed(&input, seed);
        let want128 = oracle::xxh3_128_with_seed(&input, seed);
        prop_assert_eq!(hash::xxh3_64_with_seed(&input, seed), want64);
        prop_assert_eq!(hash::xxh3_128_with_seed(&input, seed), want128);
        prop_assert_eq!(xxh3_dispatch::xxh3_64_with_seed(&input, seed), want64);
        prop_assert_eq!(xxh3_dispatch::xxh3_128_with_seed(&input, seed), want128);
        for s in &backends {
            prop_assert_eq!(s.xxh3_64_with_seed(&input, seed), want64, "{}", s.backend());
            prop_assert_eq!(s.xxh3_128_with_seed(&input, seed), want128, "{}", s.backend());
        }
        prop_assert_eq!(xxh3_dispatch::xxh3_64(&input), oracle::xxh3_64(&input));
        prop_assert_eq!(hash::xxh3_128(&input), oracle::xxh3_128(&input));
    }

    #[test]
    fn random_short_inputs(
        input in prop::collection::vec(any::<u8>(), 0..=240),
        seed in any::<u64>(),
    ) {
        check(&input, seed, &supported());
    }
}
