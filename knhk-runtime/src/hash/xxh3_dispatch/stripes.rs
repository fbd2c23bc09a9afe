//! The stripe and block loop of `XXH3_hashLong`, written once for every backend over
//! the primitive steps each instruction set provides ([`Lanes`]).
//!
//! Each backend's entry point is one function compiled with its `#[target_feature]`s
//! that calls [`accumulate`]. Everything between them is `#[inline(always)]`, so that
//! it is compiled inside that function, with its features: a generic function that
//! were merely `#[inline]` could stay out of line, compiled without them, and turn
//! every intrinsic into a call.

use super::super::xxh3::{
    BLOCK_LEN, DEFAULT_SECRET, INIT_ACC, LAST_STRIPE_AT, MERGE_AT, MERGE_HI_AT, P64_1, P64_2,
    SCRAMBLE_AT, SECRET_LEN, STRIPE_LEN, avalanche,
};
use super::fold;

/// The primitive steps of the stripe loop on one instruction set, each on one stripe's
/// worth of data: 64 bytes, eight u64 lanes, held in [`V`](Self::V). A value of an
/// implementing type exists only inside code that runs with the instruction set's
/// features, so a method that takes `self` may use them.
pub(super) trait Lanes: Copy {
    /// Eight u64 lanes in this instruction set's registers.
    type V: Copy;

    /// The eight little-endian u64s of `bytes`.
    fn load(self, bytes: &[u8; STRIPE_LEN]) -> Self::V;

    /// The eight lanes as u64s.
    fn store(self, v: Self::V) -> [u64; 8];

    /// `a + b` per lane, modulo 2^64.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;

    /// `a ^ b`.
    fn xor(self, a: Self::V, b: Self::V) -> Self::V;

    /// `a ^ b ^ c`; one instruction where there is one.
    #[inline(always)]
    fn xor3(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        self.xor(self.xor(a, b), c)
    }

    /// `acc + lo32(x) * hi32(x)` per lane, modulo 2^64.
    fn mul_add_halves(self, acc: Self::V, x: Self::V) -> Self::V;

    /// Each pair of lanes swapped: lane `i` gets lane `i ^ 1`.
    fn swap_pairs(self, v: Self::V) -> Self::V;

    /// `v >> 47` per lane.
    fn shr47(self, v: Self::V) -> Self::V;

    /// `v * P32_1` per lane, modulo 2^64 (`P32_1` fits in 32 bits).
    fn mul_p32_1(self, v: Self::V) -> Self::V;
}

/// XXH3-64 of `input` (longer than 240 bytes) with `seed`, on `lanes`' instruction set:
/// the stripe loop and the merge of its accumulators, in one function compiled with the
/// instruction set's features, so that the accumulators stay in registers until the
/// merge keys them with one vector xor.
#[inline(always)]
pub(super) fn long_64<L: Lanes>(lanes: L, input: &[u8], seed: u64) -> u64 {
    with_secret(seed, |secret| {
        let acc = accumulate(lanes, input, secret);
        let start = (input.len() as u64).wrapping_mul(P64_1);
        merge(lanes, acc, window(secret, MERGE_AT), start)
    })
}

/// As [`long_64`], for XXH3-128: the same accumulators, merged twice.
#[inline(always)]
pub(super) fn long_128<L: Lanes>(lanes: L, input: &[u8], seed: u64) -> u128 {
    with_secret(seed, |secret| {
        let acc = accumulate(lanes, input, secret);
        let len = input.len() as u64;
        let lo = merge(
            lanes,
            acc,
            window(secret, MERGE_AT),
            len.wrapping_mul(P64_1),
        );
        let hi = merge(
            lanes,
            acc,
            window(secret, MERGE_HI_AT),
            !len.wrapping_mul(P64_2),
        );
        (hi as u128) << 64 | lo as u128
    })
}

/// `hash` with the secret of `seed`: the default one for 0 (no copy), else the one
/// [`custom_secret`] derives. One call of `hash` on either secret, so that its body,
/// the stripe loop, is compiled once.
#[inline(always)]
fn with_secret<R>(seed: u64, hash: impl FnOnce(&[u8; SECRET_LEN]) -> R) -> R {
    let custom;
    let secret = if seed == 0 {
        &DEFAULT_SECRET
    } else {
        custom = custom_secret(seed);
        &custom
    };
    hash(secret)
}

/// The accumulators after the stripe loop over `input` (longer than 240 bytes) with
/// `secret`, on `lanes`' instruction set.
///
/// The reference adds `product + swap(stripe)` to the accumulator at every stripe.
/// Swapping is a permutation and addition mod 2^64 commutes, so summing the stripes
/// apart and swapping the sum once before each scramble gives the same accumulators with
/// one shuffle per block instead of one per stripe, and two loop-carried chains of one
/// add each instead of one chain of two (LLVM reassociates `acc + (product + swapped)`
/// into `(acc + swapped) + product`, which made AVX-512 run no faster than AVX2).
#[inline(always)]
fn accumulate<L: Lanes>(lanes: L, input: &[u8], secret: &[u8; SECRET_LEN]) -> L::V {
    let zero = from_words(lanes, [0; 8]);
    let mut acc = from_words(lanes, INIT_ACC);
    let len = input.len();
    // The last stripe always goes through the final accumulation, so a block that ends
    // exactly at the end of the input is not a full block here.
    let blocks = (len - 1) / BLOCK_LEN;
    let (full, tail) = input.split_at(blocks * BLOCK_LEN);
    let (full, _) = full.as_chunks::<BLOCK_LEN>();
    for block in full {
        let (stripes, _) = block.as_chunks::<STRIPE_LEN>();
        let mut sum = zero;
        for (i, stripe) in stripes.iter().enumerate() {
            accumulate_stripe(lanes, &mut acc, &mut sum, stripe, window(secret, 8 * i));
        }
        fold_sum(lanes, &mut acc, sum);
        scramble(lanes, &mut acc, window(secret, SCRAMBLE_AT));
    }
    // The partial block, two stripes at a time into two pairs of sums, which halves the
    // chains of dependent additions: the loop's count is not a constant, so LLVM does
    // not turn it into a tree as it does the full blocks' loop, and at a kilobyte or so
    // the hash's time is those chains' latency, not the throughput of its instructions.
    let (stripes, _) = tail[..tail.len() - 1].as_chunks::<STRIPE_LEN>();
    let (pairs, odd) = stripes.as_chunks::<2>();
    let (mut acc_b, mut sum, mut sum_b) = (zero, zero, zero);
    for (i, [a, b]) in pairs.iter().enumerate() {
        accumulate_stripe(lanes, &mut acc, &mut sum, a, window(secret, 16 * i));
        accumulate_stripe(lanes, &mut acc_b, &mut sum_b, b, window(secret, 16 * i + 8));
    }
    if let [stripe] = odd {
        let at = 8 * (stripes.len() - 1);
        accumulate_stripe(lanes, &mut acc_b, &mut sum_b, stripe, window(secret, at));
    }
    let last = input
        .last_chunk::<STRIPE_LEN>()
        .expect("more than 240 bytes");
    accumulate_stripe(
        lanes,
        &mut acc,
        &mut sum,
        last,
        window(secret, LAST_STRIPE_AT),
    );
    let mut acc = lanes.add(acc, acc_b);
    fold_sum(lanes, &mut acc, lanes.add(sum, sum_b));
    acc
}

/// Adds the product of the keyed stripe to `acc` and the stripe itself to `sum`.
#[inline(always)]
fn accumulate_stripe<L: Lanes>(
    lanes: L,
    acc: &mut L::V,
    sum: &mut L::V,
    stripe: &[u8; STRIPE_LEN],
    secret: &[u8; STRIPE_LEN],
) {
    let data = lanes.load(stripe);
    let keyed = lanes.xor(data, lanes.load(secret));
    *acc = lanes.mul_add_halves(*acc, keyed);
    *sum = lanes.add(*sum, data);
}

/// Adds `sum`, its lanes swapped in pairs, to `acc`.
#[inline(always)]
fn fold_sum<L: Lanes>(lanes: L, acc: &mut L::V, sum: L::V) {
    *acc = lanes.add(*acc, lanes.swap_pairs(sum));
}

/// `XXH3_scrambleAcc`, which ends a block.
#[inline(always)]
fn scramble<L: Lanes>(lanes: L, acc: &mut L::V, secret: &[u8; STRIPE_LEN]) {
    let a = *acc;
    let mixed = lanes.xor3(a, lanes.shr47(a), lanes.load(secret));
    *acc = lanes.mul_p32_1(mixed);
}

/// `words` in `lanes`' registers; folds to constants.
#[inline(always)]
fn from_words<L: Lanes>(lanes: L, words: [u64; 8]) -> L::V {
    let mut bytes = [0; STRIPE_LEN];
    for (chunk, word) in bytes.as_chunks_mut::<8>().0.iter_mut().zip(words) {
        *chunk = word.to_le_bytes();
    }
    lanes.load(&bytes)
}

/// The 64 bytes of secret at `at`.
#[inline(always)]
fn window(secret: &[u8; SECRET_LEN], at: usize) -> &[u8; STRIPE_LEN] {
    secret[at..at + STRIPE_LEN].try_into().expect("64 bytes")
}

/// `XXH3_initCustomSecret`: the default secret with `seed` added to its even u64s and
/// subtracted from its odd ones.
#[inline(always)]
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

/// `XXH3_mergeAccs` against the 64 bytes of `secret` given: the accumulators keyed with
/// one vector xor, then the four 128-bit products of their pairs, folded and summed.
/// Keying them in vectors, not lane by lane, matters: given eight scalar xors after the
/// loop, LLVM vectorizes them itself, gathering the secret's words into registers one
/// by one, which put a dozen instructions on the hash's critical path.
#[inline(always)]
fn merge<L: Lanes>(lanes: L, acc: L::V, secret: &[u8; STRIPE_LEN], start: u64) -> u64 {
    let keyed = lanes.store(lanes.xor(acc, lanes.load(secret)));
    let mut result = start;
    for [lo, hi] in keyed.as_chunks::<2>().0 {
        result = result.wrapping_add(fold(*lo, *hi));
    }
    avalanche(result)
}
