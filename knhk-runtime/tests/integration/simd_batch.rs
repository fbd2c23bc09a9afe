//! Batch hashing and span-id validation: every backend this CPU has, called by name,
//! against the scalar reference.

use knhk_runtime::cpu::Backend;
use knhk_runtime::hash::fnv1a_64;
use knhk_runtime::simd::{
    self, BatchError, active_backend, fnv1a_64_batch, fnv1a_64_batch_with, hash_batch_8,
    hash_batch_8_with, span_id_mask_8, span_id_mask_8_with, validate_span_ids,
    validate_span_ids_with,
};
use proptest::prelude::*;

fn reference(inputs: &[Vec<u8>]) -> Vec<u64> {
    inputs.iter().map(|bytes| fnv1a_64(bytes)).collect()
}

fn slices(inputs: &[Vec<u8>]) -> Vec<&[u8]> {
    inputs.iter().map(Vec::as_slice).collect()
}

/// Hashes `inputs` with every available backend and the dispatched functions, and checks
/// each against `fnv1a_64`.
fn check_all_backends(inputs: &[Vec<u8>]) {
    let expected = reference(inputs);
    let slices = slices(inputs);
    for backend in simd::available() {
        let mut out = vec![0; inputs.len()];
        fnv1a_64_batch_with(backend, &slices, &mut out).unwrap();
        assert_eq!(
            out,
            expected,
            "backend {backend}, lengths {:?}",
            lengths(inputs)
        );
    }
    let mut out = vec![0; inputs.len()];
    fnv1a_64_batch(&slices, &mut out).unwrap();
    assert_eq!(out, expected, "dispatched ({})", active_backend());
}

fn lengths(inputs: &[Vec<u8>]) -> Vec<usize> {
    inputs.iter().map(Vec::len).collect()
}

fn check_fixed<const N: usize>(inputs: &[[u8; N]; 8]) {
    let expected = inputs.map(|bytes| fnv1a_64(&bytes));
    for backend in simd::available() {
        assert_eq!(
            hash_batch_8_with(backend, inputs).unwrap(),
            expected,
            "backend {backend}, width {N}"
        );
    }
    assert_eq!(hash_batch_8(inputs), expected, "dispatched, width {N}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn batch_is_bit_identical_for_mixed_lengths(
        inputs in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..=200), 0..=100)
    ) {
        check_all_backends(&inputs);
    }

    /// Equal lengths take the unmasked path of the vector backends.
    #[test]
    fn batch_is_bit_identical_for_equal_lengths(
        len in 0_usize..=80,
        count in 0_usize..=100,
        seed in any::<u64>(),
    ) {
        let inputs: Vec<Vec<u8>> = (0..count)
            .map(|i| (0..len).map(|j| (seed.rotate_left((i * 7 + j) as u32 % 64) as u8) ^ (i as u8)).collect())
            .collect();
        check_all_backends(&inputs);
    }

    #[test]
    fn hash_batch_8_is_bit_identical(keys in prop::array::uniform8(prop::array::uniform32(any::<u8>()))) {
        check_fixed(&keys);
    }

    #[test]
    fn hash_batch_8_is_bit_identical_for_odd_widths(
        a in prop::array::uniform8(prop::array::uniform13(any::<u8>())),
        b in prop::array::uniform8(prop::array::uniform3(any::<u8>())),
    ) {
        check_fixed(&a);
        check_fixed(&b);
    }

    #[test]
    fn span_ids_match_a_scalar_check(
        ids in prop::collection::vec(prop_oneof![Just(0_u64), any::<u64>(), Just(u64::MAX), Just(1 << 63)], 0..=300)
    ) {
        let expected: Vec<bool> = ids.iter().map(|&id| id != 0).collect();
        let count = expected.iter().filter(|&&v| v).count();
        for backend in simd::available() {
            // Every flag starts wrong, so each must be written.
            let mut valid: Vec<bool> = expected.iter().map(|v| !v).collect();
            prop_assert_eq!(validate_span_ids_with(backend, &ids, &mut valid).unwrap(), count, "{}", backend);
            prop_assert_eq!(&valid, &expected, "{}", backend);
        }
        let mut valid = vec![false; ids.len()];
        prop_assert_eq!(validate_span_ids(&ids, &mut valid).unwrap(), count);
        prop_assert_eq!(valid, expected);
    }

    #[test]
    fn span_mask_matches_a_scalar_check(ids in prop::array::uniform8(prop_oneof![Just(0_u64), any::<u64>()])) {
        let expected = ids.iter().enumerate().fold(0_u8, |m, (i, &id)| m | (u8::from(id != 0) << i));
        for backend in simd::available() {
            prop_assert_eq!(span_id_mask_8_with(backend, &ids).unwrap(), expected, "{}", backend);
        }
        prop_assert_eq!(span_id_mask_8(&ids), expected);
    }
}

#[test]
fn empty_batch_writes_nothing_and_succeeds() {
    for backend in simd::available() {
        let mut out: [u64; 0] = [];
        assert_eq!(fnv1a_64_batch_with(backend, &[], &mut out), Ok(()));
        assert_eq!(validate_span_ids_with(backend, &[], &mut []), Ok(0));
    }
    assert_eq!(fnv1a_64_batch(&[], &mut []), Ok(()));
}

#[test]
fn empty_inputs_hash_to_the_offset_basis() {
    for count in [1, 7, 8, 9, 33, 64, 65] {
        check_all_backends(&vec![Vec::new(); count]);
    }
    check_fixed(&[[]; 8]);
    assert_eq!(hash_batch_8(&[[]; 8]), [0xcbf2_9ce4_8422_2325; 8]);
}

#[test]
fn one_long_input_among_short_ones() {
    for position in [0, 5, 31, 32, 63, 70] {
        let mut inputs: Vec<Vec<u8>> = (0..71).map(|i| vec![i as u8; i % 5]).collect();
        inputs[position] = (0..10_000).map(|i| (i * 31 % 251) as u8).collect();
        check_all_backends(&inputs);
    }
}

#[test]
fn lengths_around_word_and_register_boundaries() {
    for len in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65] {
        for count in [1, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 97] {
            let inputs: Vec<Vec<u8>> = (0..count)
                .map(|i| (0..len + i % 3).map(|j| (i * 13 + j * 7) as u8).collect())
                .collect();
            check_all_backends(&inputs);
        }
    }
}

#[test]
fn published_vectors_through_every_backend() {
    let inputs = [b"".to_vec(), b"a".to_vec(), b"foobar".to_vec()];
    let expected = [0xcbf29ce484222325, 0xaf63dc4c8601ec8c, 0x85944171f73967e8];
    for backend in simd::available() {
        let mut out = [0; 3];
        fnv1a_64_batch_with(backend, &slices(&inputs), &mut out).unwrap();
        assert_eq!(out, expected, "{backend}");
    }
}

#[test]
fn length_mismatch_is_an_error_naming_both_lengths() {
    let inputs: [&[u8]; 3] = [b"a", b"b", b"c"];
    for backend in simd::available() {
        let mut out = [u64::MAX; 2];
        let err = fnv1a_64_batch_with(backend, &inputs, &mut out).unwrap_err();
        assert_eq!(
            err,
            BatchError::LengthMismatch {
                inputs: 3,
                outputs: 2
            }
        );
        assert_eq!(out, [u64::MAX; 2], "nothing written on error ({backend})");

        let mut valid = [false; 4];
        let err = validate_span_ids_with(backend, &[1, 2], &mut valid).unwrap_err();
        assert_eq!(
            err,
            BatchError::LengthMismatch {
                inputs: 2,
                outputs: 4
            }
        );
    }
    let mut out = [0; 4];
    let err = fnv1a_64_batch(&inputs, &mut out).unwrap_err();
    assert_eq!(
        err,
        BatchError::LengthMismatch {
            inputs: 3,
            outputs: 4
        }
    );
    assert_eq!(
        err.to_string(),
        "3 inputs but 4 output slots; give exactly one output slot per input"
    );
    assert_eq!(
        validate_span_ids(&[1], &mut []),
        Err(BatchError::LengthMismatch {
            inputs: 1,
            outputs: 0
        })
    );
}

#[test]
fn forcing_an_unavailable_backend_is_an_error() {
    #[cfg(target_arch = "x86_64")]
    let missing = Backend::Neon;
    #[cfg(target_arch = "aarch64")]
    let missing = Backend::Avx512;
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    let missing = Backend::Neon;

    assert!(!missing.is_supported());
    assert!(!simd::available().any(|b| b == missing));
    let expected = BatchError::Unavailable { backend: missing };
    let mut out = [0; 1];
    assert_eq!(
        fnv1a_64_batch_with(missing, &[b"x"], &mut out),
        Err(expected)
    );
    assert_eq!(hash_batch_8_with(missing, &[[0_u8; 32]; 8]), Err(expected));
    assert_eq!(
        validate_span_ids_with(missing, &[1], &mut [false]),
        Err(expected)
    );
    assert_eq!(span_id_mask_8_with(missing, &[1; 8]), Err(expected));
    assert!(
        expected
            .to_string()
            .starts_with(&format!("backend `{missing}` needs "))
    );
}

#[test]
fn forcing_a_backend_batch_hashing_lacks_is_an_error() {
    let lacking: Vec<Backend> = Backend::ALL
        .iter()
        .copied()
        .filter(|b| !simd::BACKENDS.contains(b) && b.is_supported())
        .collect();
    #[cfg(target_arch = "x86_64")]
    assert!(
        lacking.contains(&Backend::Sse2),
        "the CPU runs SSE2, simd has no SSE2 code"
    );
    for backend in lacking {
        let expected = BatchError::Unimplemented { backend };
        let mut out = [0; 1];
        assert_eq!(
            fnv1a_64_batch_with(backend, &[b"x"], &mut out),
            Err(expected)
        );
        assert_eq!(hash_batch_8_with(backend, &[[0_u8; 32]; 8]), Err(expected));
        assert_eq!(
            validate_span_ids_with(backend, &[1], &mut [false]),
            Err(expected)
        );
        assert_eq!(span_id_mask_8_with(backend, &[1; 8]), Err(expected));
        assert_eq!(
            expected.to_string(),
            format!(
                "batch hashing has no `{backend}` backend; use one of `simd::BACKENDS`, or `active_backend()`"
            )
        );
    }
}

#[test]
fn dispatch_picks_an_available_backend_and_keeps_it() {
    let active = active_backend();
    assert!(simd::available().any(|b| b == active));
    assert_eq!(active_backend(), active);
    assert_ne!(
        active,
        Backend::Scalar,
        "dispatch never settles for the plain loop"
    );
    let available: Vec<Backend> = simd::available().collect();
    assert!(available.contains(&Backend::Scalar) && available.contains(&Backend::Interleaved));
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx512ifma") && std::is_x86_feature_detected!("avx512bw") {
        assert_eq!(active, Backend::Avx512Ifma);
    }
}

#[test]
fn available_backends_are_listed_fastest_first() {
    let available: Vec<Backend> = simd::available().collect();
    let order = |b: &Backend| Backend::ALL.iter().position(|x| x == b);
    assert!(available.windows(2).all(|w| order(&w[0]) < order(&w[1])));
    let vector = [Backend::Avx512Ifma, Backend::Avx512];
    let expected = vector
        .into_iter()
        .find(|b| available.contains(b))
        .unwrap_or(Backend::Interleaved);
    assert_eq!(active_backend(), expected);
}
