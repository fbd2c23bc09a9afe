//! AVX-512 backends: eight FNV-1a states per 512-bit register, several registers in flight.
//!
//! Both backends share one engine (the `engine!` macro) and differ in how they multiply
//! by the prime:
//!
//! - [`ifma`] keeps each state as a 52-bit low part and a 12-bit high part and multiplies
//!   with `vpmadd52luq`/`vpmadd52huq` (AVX-512 IFMA): three 4-cycle instructions whose
//!   chain per byte is 5 cycles long;
//! - [`mullo`] multiplies whole 64-bit lanes with `vpmullq` (AVX-512 DQ), a 15-cycle
//!   instruction, so it needs twice as many registers in flight to hide its latency.
//!
//! The byte of each step is xored in by `vpternlogq` straight from the word it sits in
//! (`h ^ (word & 0xff)`), then the word is shifted down for the next step.
//!
//! Every function here is safe to call once the CPU is known to have its target
//! features; the parent module calls them only behind that check.

use core::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmpge_epu64_mask, _mm512_cmpgt_epu64_mask,
    _mm512_mask_i64gather_epi64, _mm512_mask_mov_epi64, _mm512_maskz_set1_epi8, _mm512_set1_epi64,
    _mm512_setr_epi64, _mm512_setzero_si512, _mm512_slli_epi64, _mm512_srli_epi64,
    _mm512_srlv_epi64, _mm512_storeu_si512, _mm512_sub_epi64, _mm512_test_epi64_mask,
};

use core::marker::PhantomData;

/// States per 512-bit register.
const LANES: usize = 8;

/// `vpternlogq` truth table for `a ^ (b & c)`.
const XOR_AND: i32 = 0x78;

/// Eight `u64` values as one register.
#[inline]
#[target_feature(enable = "avx512f")]
fn vector(lanes: [u64; LANES]) -> __m512i {
    // `as i64` reinterprets the bits, as the intrinsic wants them.
    let [a, b, c, d, e, f, g, h] = lanes.map(|x| x as i64);
    _mm512_setr_epi64(a, b, c, d, e, f, g, h)
}

#[inline]
fn to_array(v: __m512i) -> [u64; LANES] {
    // SAFETY: `__m512i` and `[u64; 8]` are both 64 bytes of plain integer data, and
    // every bit pattern is a valid `[u64; 8]`.
    unsafe { core::mem::transmute::<__m512i, [u64; LANES]>(v) }
}

/// Up to eight inputs, one per lane: where each starts and how long it is (0 and 0 in
/// lanes without an input). Made only by [`Register::new`], from the slices themselves,
/// and borrows them for `'a`, so its addresses stay readable while it lives.
#[derive(Clone, Copy)]
struct Register<'a> {
    starts: __m512i,
    lens: __m512i,
    inputs: PhantomData<&'a [u8]>,
}

impl<'a> Register<'a> {
    /// The register and the fewest and most whole words of its lanes (unused lanes
    /// count as empty inputs).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn new(inputs: &[&'a [u8]]) -> (Self, usize, usize) {
        let mut starts = [0; LANES];
        let mut lens = [0; LANES];
        let (mut fewest, mut most) = (usize::MAX, 0);
        for (l, bytes) in inputs.iter().take(LANES).enumerate() {
            starts[l] = bytes.as_ptr() as u64;
            lens[l] = bytes.len() as u64;
            fewest = fewest.min(bytes.len() / 8);
            most = most.max(bytes.len() / 8);
        }
        if inputs.len() < LANES {
            fewest = 0;
        }
        let register = Register {
            starts: vector(starts),
            lens: vector(lens),
            inputs: PhantomData,
        };
        (register, fewest, most)
    }

    /// How many whole 8-byte words each lane's input has.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn word_counts(self) -> __m512i {
        _mm512_srli_epi64::<3>(self.lens)
    }

    /// Little-endian word `w` (bytes `8w..8w + 8`) of the lanes in `mask` that have one,
    /// 0 elsewhere.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn words(self, w: usize, mask: u8) -> __m512i {
        let has_word = _mm512_cmpgt_epu64_mask(self.word_counts(), _mm512_set1_epi64(w as i64));
        let mask = mask & has_word;
        let addresses = _mm512_add_epi64(self.starts, _mm512_set1_epi64(8 * w as i64));
        // SAFETY: `mask` now holds only lanes whose input has more than `w` whole words;
        // their `addresses` are those of bytes `8w..8w + 8` of that input, a `&[u8]`
        // `self` borrows, so the 8 bytes read are inside it. Lanes outside `mask` are
        // not read. The addresses are absolute, hence the null base; gathers need no
        // alignment.
        unsafe {
            _mm512_mask_i64gather_epi64::<1>(
                _mm512_setzero_si512(),
                mask,
                addresses,
                core::ptr::null(),
            )
        }
    }

    /// The last `len % 8` bytes of each input, little-endian from bit 0, and their count.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn tails(self, inputs: &[&'a [u8]]) -> (__m512i, __m512i) {
        let counts = _mm512_and_si512(self.lens, _mm512_set1_epi64(7));
        if _mm512_test_epi64_mask(counts, counts) == 0 {
            return (_mm512_setzero_si512(), counts);
        }
        // Inputs of 8 bytes or more: their last 8 bytes, shifted down past the bytes
        // that belong to whole words (a shift by 64 leaves 0).
        let long = _mm512_cmpge_epu64_mask(self.lens, _mm512_set1_epi64(8));
        let last8 = _mm512_sub_epi64(
            _mm512_add_epi64(self.starts, self.lens),
            _mm512_set1_epi64(8),
        );
        // SAFETY: each lane in `long` holds the address of the last 8 bytes of an input
        // of at least 8 bytes, a `&[u8]` `self` borrows, so the bytes read are inside
        // it; other lanes are not read. Absolute addresses, null base.
        let last = unsafe {
            _mm512_mask_i64gather_epi64::<1>(_mm512_setzero_si512(), long, last8, core::ptr::null())
        };
        let unused = _mm512_sub_epi64(_mm512_set1_epi64(8), counts);
        let tails = _mm512_srlv_epi64(last, _mm512_slli_epi64::<3>(unused));
        // Inputs of 1..=7 bytes: read byte by byte.
        let short = !long & _mm512_test_epi64_mask(self.lens, self.lens);
        if short == 0 {
            return (tails, counts);
        }
        let mut words = [0; LANES];
        for (l, bytes) in inputs.iter().take(LANES).enumerate() {
            if bytes.len() < 8 {
                words[l] = bytes
                    .iter()
                    .rev()
                    .fold(0, |word, &b| (word << 8) | u64::from(b));
            }
        }
        (_mm512_mask_mov_epi64(tails, short, vector(words)), counts)
    }
}

/// Everything but the multiply: registers, words, masks for ragged lengths, tails.
///
/// The invoking module defines `State` (one register's worth of FNV states, `Copy`),
/// `init() -> State`, `absorb(State, __m512i) -> State` (one FNV step with the low byte of
/// each lane; the other bits are ignored), `absorb_masked(State, __m512i, u8) -> State`
/// (the same for the lanes of the mask, the others unchanged) and
/// `finish(State) -> __m512i`, all with the target features given here.
macro_rules! engine {
    ($features:literal, registers = $registers:literal) => {
        /// Inputs in flight: registers of eight lanes.
        const REGISTERS: usize = $registers;

        /// FNV-1a-64 of every input into `out` (same length).
        #[target_feature(enable = $features)]
        pub(in crate::simd) fn batch(inputs: &[&[u8]], out: &mut [u64]) {
            let mut groups = inputs.chunks_exact(LANES * REGISTERS);
            let mut hashes = out.chunks_exact_mut(LANES * REGISTERS);
            for (group, hashes) in (&mut groups).zip(&mut hashes) {
                hash_group::<REGISTERS>(group, hashes);
            }
            // The rest in one group of as few registers as hold it, the last one partial;
            // fewer than eight inputs one by one, as one register would run at the vector
            // multiply's latency, slower than scalar chains the CPU overlaps by itself.
            let (rest, hashes) = (groups.remainder(), hashes.into_remainder());
            match rest.len().div_ceil(LANES) {
                _ if rest.len() < LANES => super::super::portable::scalar_batch(rest, hashes),
                1 => hash_group::<1>(rest, hashes),
                2 => hash_group::<2>(rest, hashes),
                3 | 4 => hash_group::<4>(rest, hashes),
                _ => hash_group::<REGISTERS>(rest, hashes),
            }
        }

        /// FNV-1a-64 of eight inputs of `N` bytes each, in one register.
        #[inline]
        #[target_feature(enable = $features)]
        pub(in crate::simd) fn fixed8<const N: usize>(inputs: &[[u8; N]; 8]) -> [u64; 8] {
            let slices = [
                &inputs[0][..],
                &inputs[1][..],
                &inputs[2][..],
                &inputs[3][..],
                &inputs[4][..],
                &inputs[5][..],
                &inputs[6][..],
                &inputs[7][..],
            ];
            let mut out = [0; 8];
            hash_group::<1>(&slices, &mut out);
            out
        }

        /// Eight steps, one per byte of each lane's word.
        #[inline]
        #[target_feature(enable = $features)]
        fn absorb_word_masked(mut state: State, mut word: __m512i, mask: u8) -> State {
            for _ in 0..8 {
                state = absorb_masked(state, word, mask);
                word = _mm512_srli_epi64::<8>(word);
            }
            state
        }

        /// Hashes of up to `8 * K` inputs (`out` as long as `inputs`), `K` registers.
        #[inline]
        #[target_feature(enable = $features)]
        fn hash_group<const K: usize>(inputs: &[&[u8]], out: &mut [u64]) {
            let mut registers = [Register::new(&[]).0; K];
            let (mut shared, mut longest) = (usize::MAX, 0);
            for k in 0..K {
                let (register, fewest, most) =
                    Register::new(inputs.get(k * LANES..).unwrap_or(&[]));
                registers[k] = register;
                shared = shared.min(fewest);
                longest = longest.max(most);
            }

            let mut state = [init(); K];
            // Words every lane has (none if a lane is unused): no masks, the registers'
            // steps interleaved.
            for w in 0..shared {
                let mut words = [_mm512_setzero_si512(); K];
                for k in 0..K {
                    words[k] = registers[k].words(w, u8::MAX);
                }
                for _ in 0..8 {
                    for k in 0..K {
                        state[k] = absorb(state[k], words[k]);
                        words[k] = _mm512_srli_epi64::<8>(words[k]);
                    }
                }
            }
            // Words only some inputs have: the registers that have any interleaved, or the
            // only one on its own (the others would add work and no speed); once fewer
            // than a quarter of the lanes have words left, those inputs finish one by one.
            let mut vector_words = longest;
            for w in shared..longest {
                let at = _mm512_set1_epi64(w as i64);
                let mut masks = [0; K];
                let mut busy = 0;
                let mut lanes = 0;
                for k in 0..K {
                    masks[k] = _mm512_cmpgt_epu64_mask(registers[k].word_counts(), at);
                    busy += usize::from(masks[k] != 0);
                    lanes += masks[k].count_ones() as usize;
                }
                if lanes * 4 < LANES * K {
                    vector_words = w;
                    break;
                }
                if busy > 1 {
                    let mut words = [_mm512_setzero_si512(); K];
                    for k in 0..K {
                        words[k] = registers[k].words(w, masks[k]);
                    }
                    for _ in 0..8 {
                        for k in 0..K {
                            state[k] = absorb_masked(state[k], words[k], masks[k]);
                            words[k] = _mm512_srli_epi64::<8>(words[k]);
                        }
                    }
                } else {
                    for k in 0..K {
                        if masks[k] != 0 {
                            let words = registers[k].words(w, masks[k]);
                            state[k] = absorb_word_masked(state[k], words, masks[k]);
                        }
                    }
                }
            }
            // The last 0..=7 bytes of the inputs whose words are all done.
            let mut tails = [(_mm512_setzero_si512(), _mm512_setzero_si512()); K];
            let mut unfinished = [0; K];
            let done = _mm512_set1_epi64(vector_words as i64);
            for k in 0..K {
                tails[k] = registers[k].tails(inputs.get(k * LANES..).unwrap_or(&[]));
                unfinished[k] = _mm512_cmpgt_epu64_mask(registers[k].word_counts(), done);
            }
            for i in 0..7 {
                let at = _mm512_set1_epi64(i);
                let mut any = 0;
                let mut masks = [0; K];
                for k in 0..K {
                    masks[k] = _mm512_cmpgt_epu64_mask(tails[k].1, at) & !unfinished[k];
                    any |= masks[k];
                }
                if any == 0 {
                    break;
                }
                for k in 0..K {
                    state[k] = absorb_masked(state[k], tails[k].0, masks[k]);
                    tails[k].0 = _mm512_srli_epi64::<8>(tails[k].0);
                }
            }
            for (k, hashes) in out.chunks_mut(LANES).enumerate().take(K) {
                hashes.copy_from_slice(&to_array(finish(state[k]))[..hashes.len()]);
                // Inputs longer than the vector part: the rest on their own chain.
                if unfinished[k] == 0 {
                    continue;
                }
                for (l, hash) in hashes.iter_mut().enumerate() {
                    if unfinished[k] & (1 << l) != 0 {
                        let rest = inputs[k * LANES + l].get(8 * vector_words..).unwrap_or(&[]);
                        *hash = fnv1a_64_continue(*hash, rest);
                    }
                }
            }
        }
    };
}

/// FNV-1a with AVX-512 IFMA: each state is `lo + hi * 2^52`, `lo` exact in 52 bits.
///
/// With `x = lo ^ byte` and `x * prime = L + H * 2^52` (`L`, `H` the low and high 52-bit
/// halves that `vpmadd52luq`/`vpmadd52huq` give), the next state is
/// `L + (H + hi * prime) * 2^52` modulo `2^64`: `lo = L`, `hi = H + lo52(hi * prime)`.
/// Only `hi`'s low 12 bits matter, and low bits of sums and products depend only on low
/// bits, so the garbage `hi` gathers above bit 12 never reaches the result.
pub(super) mod ifma {
    use super::{LANES, Register, XOR_AND, to_array};
    use crate::hash::fnv1a_64_continue;
    use crate::hash::{FNV1A_64_OFFSET, FNV1A_64_PRIME};
    use core::arch::x86_64::{
        __m512i, _mm512_cmpgt_epu64_mask, _mm512_madd52hi_epu64, _mm512_madd52lo_epu64,
        _mm512_mask_mov_epi64, _mm512_or_si512, _mm512_set1_epi64, _mm512_setzero_si512,
        _mm512_slli_epi64, _mm512_srli_epi64, _mm512_ternarylogic_epi64,
    };

    const LOW52: u64 = (1 << 52) - 1;

    #[derive(Clone, Copy)]
    struct State {
        lo: __m512i,
        hi: __m512i,
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn init() -> State {
        State {
            lo: _mm512_set1_epi64((FNV1A_64_OFFSET & LOW52) as i64),
            hi: _mm512_set1_epi64((FNV1A_64_OFFSET >> 52) as i64),
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn absorb(s: State, bytes: __m512i) -> State {
        let prime = _mm512_set1_epi64(FNV1A_64_PRIME as i64);
        let zero = _mm512_setzero_si512();
        let x = _mm512_ternarylogic_epi64::<XOR_AND>(s.lo, bytes, _mm512_set1_epi64(0xff));
        let carry = _mm512_madd52hi_epu64(zero, x, prime);
        State {
            lo: _mm512_madd52lo_epu64(zero, x, prime),
            hi: _mm512_madd52lo_epu64(carry, s.hi, prime),
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn absorb_masked(s: State, bytes: __m512i, mask: u8) -> State {
        let next = absorb(s, bytes);
        State {
            lo: _mm512_mask_mov_epi64(s.lo, mask, next.lo),
            hi: _mm512_mask_mov_epi64(s.hi, mask, next.hi),
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn finish(s: State) -> __m512i {
        // `lo` < 2^52, so or is add; the shift drops `hi`'s garbage.
        _mm512_or_si512(s.lo, _mm512_slli_epi64::<52>(s.hi))
    }

    // Four registers (32 inputs): the 5-cycle chain is hidden, and more measured no faster.
    engine!("avx512f,avx512bw,avx512ifma", registers = 4);
}

/// FNV-1a with `vpmullq` (AVX-512 DQ) on whole 64-bit lanes.
pub(super) mod mullo {
    use super::{LANES, Register, XOR_AND, to_array};
    use crate::hash::fnv1a_64_continue;
    use crate::hash::{FNV1A_64_OFFSET, FNV1A_64_PRIME};
    use core::arch::x86_64::{
        __m512i, _mm512_cmpgt_epu64_mask, _mm512_mask_mullo_epi64, _mm512_mullo_epi64,
        _mm512_set1_epi64, _mm512_setzero_si512, _mm512_srli_epi64, _mm512_ternarylogic_epi64,
    };

    #[derive(Clone, Copy)]
    struct State(__m512i);

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn init() -> State {
        State(_mm512_set1_epi64(FNV1A_64_OFFSET as i64))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn absorb(s: State, bytes: __m512i) -> State {
        let x = _mm512_ternarylogic_epi64::<XOR_AND>(s.0, bytes, _mm512_set1_epi64(0xff));
        State(_mm512_mullo_epi64(
            x,
            _mm512_set1_epi64(FNV1A_64_PRIME as i64),
        ))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn absorb_masked(s: State, bytes: __m512i, mask: u8) -> State {
        let x = _mm512_ternarylogic_epi64::<XOR_AND>(s.0, bytes, _mm512_set1_epi64(0xff));
        let prime = _mm512_set1_epi64(FNV1A_64_PRIME as i64);
        State(_mm512_mask_mullo_epi64(s.0, mask, x, prime))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn finish(s: State) -> __m512i {
        s.0
    }

    // Eight registers (64 inputs): `vpmullq`'s 15-cycle latency needs them.
    engine!("avx512f,avx512bw,avx512dq", registers = 8);
}

/// Bit `i` set when `ids[i] != 0`.
#[inline]
#[target_feature(enable = "avx512f")]
pub(super) fn span_mask8(ids: &[u64; 8]) -> u8 {
    let v = vector(*ids);
    _mm512_test_epi64_mask(v, v)
}

/// `valid[i] = ids[i] != 0`, 64 ids per iteration; returns how many are valid.
#[target_feature(enable = "avx512f,avx512bw")]
pub(super) fn span_ids(ids: &[u64], valid: &mut [bool]) -> usize {
    let (id_blocks, id_rest) = ids.as_chunks::<64>();
    let (valid_blocks, valid_rest) = valid.as_chunks_mut::<64>();
    let mut count = 0;
    for (ids, valid) in id_blocks.iter().zip(valid_blocks) {
        let mut mask = 0_u64;
        for (i, ids) in ids.as_chunks::<8>().0.iter().enumerate() {
            mask |= u64::from(span_mask8(ids)) << (8 * i);
        }
        count += mask.count_ones() as usize;
        let bools = _mm512_maskz_set1_epi8(mask, 1);
        // SAFETY: `valid` is a `&mut [bool; 64]`, 64 writable bytes; every byte stored is
        // 0 or 1, the two valid `bool`s. The unaligned store needs no alignment.
        unsafe { _mm512_storeu_si512(valid.as_mut_ptr().cast(), bools) };
    }
    let (id_octets, id_last) = id_rest.as_chunks::<8>();
    let (valid_octets, valid_last) = valid_rest.as_chunks_mut::<8>();
    for (ids, valid) in id_octets.iter().zip(valid_octets) {
        let mask = span_mask8(ids);
        count += mask.count_ones() as usize;
        for (i, v) in valid.iter_mut().enumerate() {
            *v = mask & (1 << i) != 0;
        }
    }
    count + super::portable::scalar_span_ids(id_last, valid_last)
}
