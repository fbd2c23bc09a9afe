//! The map hash and the perfect-hash table search.
//!
//! The hash is a copy of the one in `knhk-runtime/src/hash/map.rs` (this crate cannot
//! depend on the runtime, which depends on it). The two must agree bit for bit: the
//! known answers below are asserted by the runtime's tests too, and every map the
//! runtime's tests build is looked up key by key.

/// wyhash's published secrets; see the runtime.
const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;
const P3: u64 = 0x5899_65cc_7537_4cc3;
/// The runtime's `SLOT_MUL`.
const SLOT_MUL: u64 = 0x9e37_79b9_7f4a_7c15;
/// Turns a pilot (a small search counter) into a displacement; the runtime only ever
/// sees displacements.
const PILOT_MUL: u64 = 0x517c_c1b7_2722_0a95;

/// Average number of keys per bucket, before rounding the bucket count up to a power
/// of two (so 2 to 4 in practice): fewer buckets make a smaller table, more make the
/// search faster.
const KEYS_PER_BUCKET: usize = 5;
/// Seeds tried before giving up. A seed fails only when two keys share a full 64-bit
/// hash or a bucket finds no displacement within its budget, both very unlikely.
const SEEDS: u64 = 64;

const fn fold_mul(a: u64, b: u64) -> u64 {
    let product = (a as u128) * (b as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

fn read_u32(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(word))
}

/// The runtime's `hash_bytes`: the hash of a string's or byte string's bytes.
pub(crate) fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let len = bytes.len();
    if len > 16 {
        return hash_long(bytes, seed);
    }
    let (a, b) = if len >= 8 {
        (read_u64(bytes, 0), read_u64(bytes, len - 8))
    } else if len >= 4 {
        (read_u32(bytes, 0), read_u32(bytes, len - 4))
    } else if len > 0 {
        let a = (u64::from(bytes[0]) << 16)
            | (u64::from(bytes[len / 2]) << 8)
            | u64::from(bytes[len - 1]);
        (a, 0)
    } else {
        (0, 0)
    };
    let state = seed ^ P0;
    let mixed = fold_mul(a ^ state ^ P1, b ^ state ^ P2);
    fold_mul(mixed ^ P3, (len as u64) ^ seed ^ P1)
}

/// `hash_bytes` of more than 16 bytes. Up to 64 bytes, every word goes into one of
/// up to four independent multiplies, so that keys of any length up to 64 cost two
/// multiplies in sequence, as shorter ones do; beyond, 32 bytes per round, then the
/// last 32. Each lane xors its own constants in, so that two equal chunks of one key
/// do not cancel out.
fn hash_long(bytes: &[u8], seed: u64) -> u64 {
    let len = bytes.len();
    let mut state = seed ^ P0;
    let (x, y) = if len <= 64 {
        let first = fold_mul(
            read_u64(bytes, 0) ^ state ^ P1,
            read_u64(bytes, 8) ^ state ^ P2,
        );
        let last = fold_mul(
            read_u64(bytes, len - 16) ^ state ^ P3,
            read_u64(bytes, len - 8) ^ state ^ P0,
        );
        if len <= 32 {
            (first, last)
        } else {
            let second = fold_mul(
                read_u64(bytes, 16) ^ state ^ P3,
                read_u64(bytes, 24) ^ state ^ P0,
            );
            let before_last = fold_mul(
                read_u64(bytes, len - 32) ^ state ^ P2,
                read_u64(bytes, len - 24) ^ state ^ P1,
            );
            (first ^ second, before_last ^ last)
        }
    } else {
        let mut at = 0;
        while len - at > 32 {
            state = fold_mul(
                read_u64(bytes, at) ^ state ^ P1,
                read_u64(bytes, at + 8) ^ state ^ P2,
            ) ^ fold_mul(
                read_u64(bytes, at + 16) ^ state ^ P3,
                read_u64(bytes, at + 24) ^ state ^ P0,
            );
            at += 32;
        }
        // The last 32 bytes: at least the 1 to 32 the rounds left.
        let x = fold_mul(
            read_u64(bytes, len - 32) ^ state ^ P1,
            read_u64(bytes, len - 24) ^ state ^ P2,
        );
        let y = fold_mul(
            read_u64(bytes, len - 16) ^ state ^ P3,
            read_u64(bytes, len - 8) ^ state ^ P0,
        );
        (x, y)
    };
    fold_mul(x ^ P3, y ^ (len as u64) ^ seed ^ P1)
}

/// The runtime's `hash_int`: an integer as its low and high 64 bits.
pub(crate) const fn hash_int(low: u64, high: u64, seed: u64) -> u64 {
    fold_mul(low ^ seed ^ P0, high ^ seed ^ P1)
}

/// A key as the hash sees it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub(crate) enum KeyBits {
    /// A string's UTF-8 bytes or a byte string.
    Bytes(Vec<u8>),
    /// An integer, `char` or `bool` as the runtime widens it: signed types sign-extended
    /// to 64 bits, 128-bit types split in two halves.
    Int { low: u64, high: u64 },
}

impl KeyBits {
    pub(crate) fn hash(&self, seed: u64) -> u64 {
        match self {
            KeyBits::Bytes(bytes) => hash_bytes(bytes, seed),
            KeyBits::Int { low, high } => hash_int(*low, *high, seed),
        }
    }
}

/// A perfect-hash table: the seed, one displacement per bucket, and which key goes in
/// each slot.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) seed: u64,
    pub(crate) displacements: Vec<u64>,
    /// `order[slot]` is the index of the key stored in `slot`.
    pub(crate) order: Vec<usize>,
}

/// The runtime's lookup: the bucket of `hash` among `buckets` (a power of two).
fn bucket_of(hash: u64, buckets: usize) -> usize {
    (hash >> 32) as usize & (buckets - 1)
}

/// The runtime's lookup: the slot of `hash` under `displacement` among `len` slots.
fn slot_of(hash: u64, displacement: u64, len: usize) -> usize {
    let spread = (hash ^ displacement).wrapping_mul(SLOT_MUL) >> 32;
    ((spread * len as u64) >> 32) as usize
}

/// Builds a table in which every key has its own slot, or `None` if no seed worked
/// (never seen; it would take keys engineered against this hash).
pub(crate) fn build(keys: &[KeyBits]) -> Option<Table> {
    let len = keys.len();
    assert!(len <= u32::MAX as usize, "at most u32::MAX keys");
    let buckets = len.div_ceil(KEYS_PER_BUCKET).max(1).next_power_of_two();
    // The last bucket placed may have a single free slot left: about `len` tries.
    let pilot_budget = (64 * len as u64).max(1 << 16);
    (0..SEEDS).find_map(|attempt| {
        let seed = attempt.wrapping_mul(P2);
        try_seed(keys, seed, buckets, pilot_budget)
    })
}

fn try_seed(keys: &[KeyBits], seed: u64, buckets: usize, pilot_budget: u64) -> Option<Table> {
    let len = keys.len();
    let hashes: Vec<u64> = keys.iter().map(|k| k.hash(seed)).collect();
    // Two keys with one full hash can never be separated: next seed.
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets];
    for (key, &hash) in hashes.iter().enumerate() {
        members[bucket_of(hash, buckets)].push(key);
    }
    // Largest buckets first, while most slots are free; ties in bucket order, so the
    // table is the same on every build.
    let mut by_size: Vec<usize> = (0..buckets).collect();
    by_size.sort_by_key(|&b| std::cmp::Reverse(members[b].len()));

    let mut displacements = vec![0; buckets];
    let mut taken = vec![false; len];
    let mut order = vec![usize::MAX; len];
    let mut slots = Vec::new();
    for bucket in by_size {
        let keys_here = &members[bucket];
        if keys_here.is_empty() {
            break;
        }
        let found = (0..pilot_budget).find_map(|pilot| {
            let displacement = pilot.wrapping_mul(PILOT_MUL);
            slots.clear();
            for &key in keys_here {
                let slot = slot_of(hashes[key], displacement, len);
                if taken[slot] || slots.contains(&slot) {
                    return None;
                }
                slots.push(slot);
            }
            Some(displacement)
        })?;
        displacements[bucket] = found;
        for (&key, &slot) in keys_here.iter().zip(&slots) {
            taken[slot] = true;
            order[slot] = key;
        }
    }
    debug_assert!(order.iter().all(|&k| k < len));
    Some(Table {
        seed,
        displacements,
        order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same answers are asserted in `knhk-runtime/src/hash/map.rs`: if either side's
    /// hash changes, one of the two tests fails.
    #[test]
    fn known_answers_shared_with_the_runtime() {
        let long = [0xff_u8; 100];
        let bytes: [(&[u8], u64, u64); 12] = [
            (b"", 0, 0x4f14_cb06_b1ab_0558),
            (b"a", 0, 0x5663_ec22_318e_436f),
            (b"GET", 1, 0x3bba_16d2_b9f8_8958),
            (b"http", 2, 0x249b_c3b1_7786_0903),
            (b"http.method", 3, 0xf6bc_8de2_4b08_24bd),
            (b"http.status_code", 4, 0xbee9_e4d3_8f1e_edaf),
            (b"http.status_code1", 4, 0x6ff5_2c58_9b74_55c2),
            (
                b"http.request.header.content-type",
                5,
                0xc329_19bf_fdf0_1150,
            ),
            (
                b"http.request.header.content-type1",
                5,
                0x0073_9054_c90e_e4ab,
            ),
            (&long[..64], 6, 0xb4fc_445b_700c_67b7),
            (&long[..65], 6, 0xfbdd_41ed_b03e_f0e5),
            (&long, u64::MAX, 0xd770_65e5_c6b3_7795),
        ];
        for (input, seed, expected) in bytes {
            assert_eq!(hash_bytes(input, seed), expected, "{input:?} seed {seed}");
        }
        let ints: [(u64, u64, u64, u64); 5] = [
            (0, 0, 0, 0x1ff5_c292_3a78_8d2c),
            (1, 0, 7, 0x5556_e917_effc_fa28),
            (u64::MAX, 0, 1, 0x470b_ac00_d1f6_f03b),
            (u64::MAX, u64::MAX, 2, 0x0eec_42ee_f608_8b3c),
            ('é' as u64, 0, 3, 0x992e_3bfb_facf_4fa7),
        ];
        for (low, high, seed, expected) in ints {
            assert_eq!(
                hash_int(low, high, seed),
                expected,
                "{low} {high} seed {seed}"
            );
        }
    }

    /// Whether `table` gives every key its own slot by the runtime's lookup.
    fn check_perfect(keys: &[KeyBits], table: &Table) {
        let len = keys.len();
        assert_eq!(table.order.len(), len);
        assert!(table.displacements.len().is_power_of_two());
        let mut seen = vec![false; len];
        for (index, key) in keys.iter().enumerate() {
            let hash = key.hash(table.seed);
            let bucket = bucket_of(hash, table.displacements.len());
            let slot = slot_of(hash, table.displacements[bucket], len);
            assert!(!seen[slot], "two keys in slot {slot}");
            seen[slot] = true;
            assert_eq!(table.order[slot], index);
        }
    }

    fn strings(count: usize, make: impl Fn(usize) -> String) -> Vec<KeyBits> {
        (0..count)
            .map(|i| KeyBits::Bytes(make(i).into_bytes()))
            .collect()
    }

    #[test]
    fn small_tables_are_perfect() {
        for len in 0..=70 {
            let keys = strings(len, |i| format!("key.{i}"));
            check_perfect(&keys, &build(&keys).unwrap());
        }
    }

    #[test]
    fn ten_thousand_strings_build_quickly() {
        let keys = strings(10_000, |i| format!("service.component.attribute_{i}"));
        let start = std::time::Instant::now();
        let table = build(&keys).unwrap();
        let elapsed = start.elapsed();
        check_perfect(&keys, &table);
        // Unoptimised, as proc macros are built in dev: well under a second here.
        assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
        println!("10 000 keys: {elapsed:?}, seed {}", table.seed);
    }

    #[test]
    fn awkward_key_sets_are_perfect() {
        let sets: Vec<Vec<KeyBits>> = vec![
            // Every u8, and small and strided integers.
            (0..=255)
                .map(|i| KeyBits::Int { low: i, high: 0 })
                .collect(),
            (0..5000)
                .map(|i| KeyBits::Int { low: i, high: 0 })
                .collect(),
            (0..5000)
                .map(|i| KeyBits::Int {
                    low: i << 32,
                    high: 0,
                })
                .collect(),
            (0..5000)
                .map(|i| KeyBits::Int {
                    low: 0,
                    high: i << 40,
                })
                .collect(),
            // Negative values sign-extended.
            (0..3000)
                .map(|i: i64| KeyBits::Int {
                    low: (-i) as u64,
                    high: 0,
                })
                .collect(),
            // Long keys differing in one middle byte, and every length of one byte.
            strings(2000, |i| {
                format!("{}{i:05}{}", "x".repeat(40), "y".repeat(40))
            }),
            strings(2000, |i| {
                format!("{}{i:05}{}", "x".repeat(16), "y".repeat(16))
            }),
            strings(2000, |i| {
                format!("{}{i:05}{}", "x".repeat(6), "y".repeat(6))
            }),
            (0..200).map(|n| KeyBits::Bytes(vec![b'a'; n])).collect(),
            // The byte patterns that zero a multiply operand for some seed.
            (0..300)
                .map(|i: u64| {
                    let mut bytes = P1.to_le_bytes().to_vec();
                    bytes.extend_from_slice(&i.to_le_bytes());
                    KeyBits::Bytes(bytes)
                })
                .collect(),
        ];
        for keys in sets {
            check_perfect(&keys, &build(&keys).unwrap());
        }
    }

    #[test]
    fn the_same_keys_give_the_same_table() {
        let keys = strings(500, |i| format!("attribute.{i}"));
        let (a, b) = (build(&keys).unwrap(), build(&keys).unwrap());
        assert_eq!(
            (a.seed, &a.displacements, &a.order),
            (b.seed, &b.displacements, &b.order)
        );
    }

    #[test]
    fn a_full_hash_collision_moves_to_another_seed() {
        // Two keys with the same hash under seed 0 cannot be told apart there; `build`
        // must not loop on them. These two only collide if the hash is broken, so
        // check the mechanism directly.
        let keys = strings(2, |i| format!("k{i}"));
        assert!(try_seed(&[keys[0].clone(), keys[0].clone()], 0, 1, 1000).is_none());
    }
}
