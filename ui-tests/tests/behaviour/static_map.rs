//! `static_map!` / `static_set!` through the facade: every key found with its value,
//! absent keys not found, at most one key comparison per lookup, for 0 to 10 000 keys
//! and every supported key type.
//!
//! The macro hashes keys at compile time and the runtime at lookup; each map here is
//! looked up key by key, so these tests fail if the two hashes ever differ.

use knhk_runtime::hash::StaticMap;
use knhk_runtime::{const_hash_map, static_map, static_set};
use std::collections::HashSet;

/// Defines `MAP` and `KEYS` (the same entries as a slice) from a generated key file,
/// whose `keys! { .. }` each module forwards here.
macro_rules! string_keys {
    ($($key:literal => $value:literal,)*) => {
        static_map! {
            pub(crate) static MAP: StaticMap<&'static str, u32> = { $($key => $value),* };
        }
        pub(crate) static KEYS: &[(&str, u32)] = &[$(($key, $value)),*];
    };
}

mod k8 {
    use super::*;
    macro_rules! keys { ($($t:tt)*) => { string_keys! { $($t)* } }; }
    include!("../../../knhk-runtime/tests/data/keys_8.rs");
}
mod k64 {
    use super::*;
    macro_rules! keys { ($($t:tt)*) => { string_keys! { $($t)* } }; }
    include!("../../../knhk-runtime/tests/data/keys_64.rs");
}
mod k1024 {
    use super::*;
    macro_rules! keys { ($($t:tt)*) => { string_keys! { $($t)* } }; }
    include!("../../../knhk-runtime/tests/data/keys_1024.rs");
}
mod k10000 {
    use super::*;
    macro_rules! keys { ($($t:tt)*) => { string_keys! { $($t)* } }; }
    include!("../../../knhk-runtime/tests/data/keys_10000.rs");
}

/// Every key of `entries` maps to its value with one comparison; every string in
/// `absent` is missing, with at most one comparison.
fn check_strings(map: &StaticMap<&'static str, u32>, entries: &[(&str, u32)], absent: &[String]) {
    assert_eq!(map.len(), entries.len());
    assert_eq!(map.is_empty(), entries.is_empty());
    for &(key, value) in entries {
        let (found, comparisons) = map.get_counting(key);
        assert_eq!(found, Some(&value), "key {key:?}");
        assert_eq!(comparisons, 1, "key {key:?}");
        assert_eq!(map.get_entry(key), Some((&key, &value)));
        assert!(map.contains_key(&String::from(key)));
    }
    for key in absent {
        let (found, comparisons) = map.get_counting(key.as_str());
        assert_eq!(found, None, "absent key {key:?}");
        assert!(
            comparisons <= 1,
            "absent key {key:?}: {comparisons} comparisons"
        );
        assert!(!map.contains_key(key));
    }
    // Iteration visits each entry once.
    let mut seen: Vec<(&str, u32)> = map.entries().map(|(k, v)| (*k, *v)).collect();
    let mut expected = entries.to_vec();
    seen.sort_unstable();
    expected.sort_unstable();
    assert_eq!(seen, expected);
    assert_eq!(map.keys().len(), entries.len());
    assert_eq!(
        map.values().map(|v| u64::from(*v)).sum::<u64>(),
        entries.iter().map(|(_, v)| u64::from(*v)).sum::<u64>()
    );
}

/// Strings close to the keys but not among them: one character changed, added or
/// removed, other case, and unrelated strings of every length up to 40.
fn near_misses(entries: &[(&str, u32)]) -> Vec<String> {
    let present: HashSet<&str> = entries.iter().map(|(k, _)| *k).collect();
    let mut absent = Vec::new();
    for &(key, _) in entries {
        let mut changed = key.to_owned();
        if let Some(last) = changed.pop() {
            changed.push(if last == 'z' { 'y' } else { 'z' });
        }
        absent.push(changed);
        absent.push(format!("{key}x"));
        absent.push(format!("x{key}"));
        absent.push(key[..key.len() - 1].to_owned());
        absent.push(key.to_uppercase());
    }
    absent.extend((0..=40).map(|n| "q".repeat(n)));
    absent.extend((0..2000).map(|i| format!("absent.key.{i}")));
    absent.retain(|k| !present.contains(k.as_str()));
    assert!(absent.len() > 4 * entries.len());
    absent
}

#[test]
fn generated_string_maps_of_every_size() {
    for (map, keys) in [
        (&k8::MAP, k8::KEYS),
        (&k64::MAP, k64::KEYS),
        (&k1024::MAP, k1024::KEYS),
        (&k10000::MAP, k10000::KEYS),
    ] {
        check_strings(map, keys, &near_misses(keys));
    }
    // The keys of the bigger maps that the smaller ones lack.
    let beyond: Vec<String> = k10000::KEYS[1024..]
        .iter()
        .map(|(k, _)| (*k).to_owned())
        .collect();
    check_strings(&k1024::MAP, k1024::KEYS, &beyond);
    check_strings(&k8::MAP, k8::KEYS, &beyond);
}

static_map! {
    static EMPTY: StaticMap<&'static str, u32> = {};
    static ONE: StaticMap<&'static str, u32> = { "only" => 7 };
}

#[test]
fn empty_and_one_key_maps() {
    check_strings(&EMPTY, &[], &near_misses(&[("only", 7)]));
    assert_eq!(EMPTY.get_counting(""), (None, 0));
    assert_eq!(EMPTY.entries().next(), None);
    check_strings(&ONE, &[("only", 7)], &near_misses(&[("only", 7)]));
}

static_map! {
    /// Every `u8`: a table with no spare slot and keys that differ in one bit.
    static ALL_U8: StaticMap<u8, u16> = {
        0 => 0, 1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5, 6 => 6, 7 => 7, 8 => 8, 9 => 9, 10 => 10, 11 => 11, 12 => 12, 13 => 13, 14 => 14, 15 => 15,
        16 => 16, 17 => 17, 18 => 18, 19 => 19, 20 => 20, 21 => 21, 22 => 22, 23 => 23, 24 => 24, 25 => 25, 26 => 26, 27 => 27, 28 => 28, 29 => 29, 30 => 30, 31 => 31,
        32 => 32, 33 => 33, 34 => 34, 35 => 35, 36 => 36, 37 => 37, 38 => 38, 39 => 39, 40 => 40, 41 => 41, 42 => 42, 43 => 43, 44 => 44, 45 => 45, 46 => 46, 47 => 47,
        48 => 48, 49 => 49, 50 => 50, 51 => 51, 52 => 52, 53 => 53, 54 => 54, 55 => 55, 56 => 56, 57 => 57, 58 => 58, 59 => 59, 60 => 60, 61 => 61, 62 => 62, 63 => 63,
        64 => 64, 65 => 65, 66 => 66, 67 => 67, 68 => 68, 69 => 69, 70 => 70, 71 => 71, 72 => 72, 73 => 73, 74 => 74, 75 => 75, 76 => 76, 77 => 77, 78 => 78, 79 => 79,
        80 => 80, 81 => 81, 82 => 82, 83 => 83, 84 => 84, 85 => 85, 86 => 86, 87 => 87, 88 => 88, 89 => 89, 90 => 90, 91 => 91, 92 => 92, 93 => 93, 94 => 94, 95 => 95,
        96 => 96, 97 => 97, 98 => 98, 99 => 99, 100 => 100, 101 => 101, 102 => 102, 103 => 103, 104 => 104, 105 => 105, 106 => 106, 107 => 107, 108 => 108, 109 => 109, 110 => 110, 111 => 111,
        112 => 112, 113 => 113, 114 => 114, 115 => 115, 116 => 116, 117 => 117, 118 => 118, 119 => 119, 120 => 120, 121 => 121, 122 => 122, 123 => 123, 124 => 124, 125 => 125, 126 => 126, 127 => 127,
        128 => 128, 129 => 129, 130 => 130, 131 => 131, 132 => 132, 133 => 133, 134 => 134, 135 => 135, 136 => 136, 137 => 137, 138 => 138, 139 => 139, 140 => 140, 141 => 141, 142 => 142, 143 => 143,
        144 => 144, 145 => 145, 146 => 146, 147 => 147, 148 => 148, 149 => 149, 150 => 150, 151 => 151, 152 => 152, 153 => 153, 154 => 154, 155 => 155, 156 => 156, 157 => 157, 158 => 158, 159 => 159,
        160 => 160, 161 => 161, 162 => 162, 163 => 163, 164 => 164, 165 => 165, 166 => 166, 167 => 167, 168 => 168, 169 => 169, 170 => 170, 171 => 171, 172 => 172, 173 => 173, 174 => 174, 175 => 175,
        176 => 176, 177 => 177, 178 => 178, 179 => 179, 180 => 180, 181 => 181, 182 => 182, 183 => 183, 184 => 184, 185 => 185, 186 => 186, 187 => 187, 188 => 188, 189 => 189, 190 => 190, 191 => 191,
        192 => 192, 193 => 193, 194 => 194, 195 => 195, 196 => 196, 197 => 197, 198 => 198, 199 => 199, 200 => 200, 201 => 201, 202 => 202, 203 => 203, 204 => 204, 205 => 205, 206 => 206, 207 => 207,
        208 => 208, 209 => 209, 210 => 210, 211 => 211, 212 => 212, 213 => 213, 214 => 214, 215 => 215, 216 => 216, 217 => 217, 218 => 218, 219 => 219, 220 => 220, 221 => 221, 222 => 222, 223 => 223,
        224 => 224, 225 => 225, 226 => 226, 227 => 227, 228 => 228, 229 => 229, 230 => 230, 231 => 231, 232 => 232, 233 => 233, 234 => 234, 235 => 235, 236 => 236, 237 => 237, 238 => 238, 239 => 239,
        240 => 240, 241 => 241, 242 => 242, 243 => 243, 244 => 244, 245 => 245, 246 => 246, 247 => 247, 248 => 248, 249 => 249, 250 => 250, 251 => 251, 252 => 252, 253 => 253, 254 => 254, 255 => 255,
    };
}

#[test]
fn every_u8() {
    assert_eq!(ALL_U8.len(), 256);
    for key in 0..=255u8 {
        assert_eq!(ALL_U8.get_counting(&key), (Some(&u16::from(key)), 1));
    }
}

static_map! {
    static SMALL_INTS: StaticMap<u8, &'static str> = { 0 => "zero", 1 => "one", b'a' => "a", 255 => "max" };
    static I8S: StaticMap<i8, i16> = { -128 => -128, -1 => -1, 0 => 0, 1 => 1, 127 => 127 };
    static U16S: StaticMap<u16, u8> = { 0 => 0, 0x100 => 1, 0xffff => 2, 0o777 => 3 };
    static I16S: StaticMap<i16, u8> = { -32768 => 0, -1 => 1, 32767 => 2 };
    static U32S: StaticMap<u32, u8> = { 0 => 0, 0b1 => 9, 4_000_000_000 => 1, 0xdead_beef => 2 };
    static I32S: StaticMap<i32, u8> = { -2147483648 => 0, -7 => 1, 2147483647 => 2 };
    static U64S: StaticMap<u64, u8> = { 0 => 0, 1 => 1, 4294967296 => 2, 18446744073709551615 => 3, 0x8000_0000_0000_0000 => 4 };
    static I64S: StaticMap<i64, u8> = { -9223372036854775808 => 0, -1 => 1, 0 => 2, 9223372036854775807 => 3 };
    static USIZES: StaticMap<usize, u8> = { 0 => 0, 42 => 1, 4096 => 2 };
    static ISIZES: StaticMap<isize, u8> = { -42 => 0, 42 => 1 };
    static U128S: StaticMap<u128, u8> = { 0 => 0, 1 => 1, 340282366920938463463374607431768211455 => 2, 0x1_0000_0000_0000_0000 => 3 };
    static I128S: StaticMap<i128, u8> = { -170141183460469231731687303715884105728 => 0, -1 => 1, 1 => 2, 170141183460469231731687303715884105727 => 3 };
    static CHARS: StaticMap<char, u32> = { 'a' => 97, 'é' => 233, '\u{10ffff}' => 0x10ffff, '\0' => 0, '日' => 0x65e5 };
    static BOOLS: StaticMap<bool, &'static str> = { true => "yes", false => "no" };
    static BYTES: StaticMap<&'static [u8], u8> = { b"" => 0, b"\xff\xfe" => 1, b"GET" => 2, b"a longer byte string, over sixteen bytes" => 3 };
}

#[test]
#[allow(clippy::identity_op)]
fn integer_char_bool_and_byte_keys() {
    assert_eq!(SMALL_INTS.get(&b'a'), Some(&"a"));
    assert_eq!(SMALL_INTS.get(&255), Some(&"max"));
    assert_eq!(SMALL_INTS.get(&2), None);
    for (k, v) in [(-128, -128), (-1, -1), (0, 0), (1, 1), (127, 127)] {
        assert_eq!(I8S.get_counting(&k), (Some(&v), 1));
    }
    assert_eq!(I8S.get(&-2), None);
    assert_eq!(U16S.get(&0x1ff), Some(&3));
    assert_eq!(U16S.get(&0xfffe), None);
    assert_eq!(I16S.get(&i16::MIN), Some(&0));
    assert_eq!(U32S.get(&1), Some(&9));
    assert_eq!(U32S.get(&0xdead_beef), Some(&2));
    assert_eq!(I32S.get(&i32::MIN), Some(&0));
    assert_eq!(I32S.get(&-7), Some(&1));
    assert_eq!(U64S.get(&u64::MAX), Some(&3));
    assert_eq!(U64S.get(&(1 << 63)), Some(&4));
    assert_eq!(U64S.get(&(1 << 33)), None);
    assert_eq!(I64S.get(&i64::MIN), Some(&0));
    assert_eq!(I64S.get(&i64::MAX), Some(&3));
    assert_eq!(USIZES.get(&4096), Some(&2));
    assert_eq!(ISIZES.get(&-42), Some(&0));
    assert_eq!(U128S.get(&u128::MAX), Some(&2));
    assert_eq!(U128S.get(&(1 << 64)), Some(&3));
    assert_eq!(U128S.get(&2), None);
    assert_eq!(I128S.get(&i128::MIN), Some(&0));
    assert_eq!(I128S.get(&i128::MAX), Some(&3));
    assert_eq!(I128S.get(&-2), None);
    assert_eq!(CHARS.get(&'é'), Some(&233));
    assert_eq!(CHARS.get(&'\u{10ffff}'), Some(&0x10ffff));
    assert_eq!(CHARS.get(&'e'), None);
    assert_eq!(BOOLS.get(&true), Some(&"yes"));
    assert_eq!(BOOLS.get(&false), Some(&"no"));
    assert_eq!(BYTES.get(b""), Some(&0));
    assert_eq!(BYTES.get(&[0xff, 0xfe]), Some(&1));
    assert_eq!(BYTES.get(&b"GET"[..]), Some(&2));
    assert_eq!(BYTES.get(&b"GET".to_vec()), Some(&2));
    assert_eq!(
        BYTES.get(b"a longer byte string, over sixteen bytes"),
        Some(&3)
    );
    assert_eq!(BYTES.get(b"GET "), None);

    // Each key of each map, with the comparison count, and its neighbours absent.
    fn check<K, V: PartialEq + std::fmt::Debug>(
        map: &StaticMap<K, V>,
        neighbours: impl Fn(K) -> Vec<K>,
    ) where
        K: Copy + PartialEq + std::fmt::Debug + knhk_runtime::hash::LookupKey<K>,
    {
        let keys: Vec<K> = map.keys().copied().collect();
        for (key, value) in map.entries() {
            assert_eq!(map.get_counting(key), (Some(value), 1));
            for near in neighbours(*key) {
                if !keys.contains(&near) {
                    assert_eq!(map.get_counting(&near).0, None, "{near:?}");
                    assert!(map.get_counting(&near).1 <= 1);
                }
            }
        }
    }
    check(&I8S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&U16S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&I16S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&U32S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&I32S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&U64S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&I64S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&USIZES, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&ISIZES, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&U128S, |k| {
        vec![k.wrapping_add(1), k.wrapping_sub(1), !k, k ^ (1 << 64)]
    });
    check(&I128S, |k| vec![k.wrapping_add(1), k.wrapping_sub(1), !k]);
    check(&CHARS, |k| {
        char::from_u32(u32::from(k) + 1).into_iter().collect()
    });
    check(&BOOLS, |k| vec![!k]);
}

static_map! {
    /// The hash's string paths: lengths 0 to 3, 4 to 7, 8 to 16, and longer.
    static LENGTHS: StaticMap<&'static str, usize> = {
        "" => 0, "a" => 1, "ab" => 2, "abc" => 3, "abcd" => 4, "abcde" => 5, "abcdefg" => 7,
        "abcdefgh" => 8, "abcdefghi" => 9, "abcdefghijklmnop" => 16, "abcdefghijklmnopq" => 17,
        "abcdefghijklmnopqrstuvwxyz012345" => 32, "abcdefghijklmnopqrstuvwxyz0123456" => 33,
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl" => 48,
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01" => 64,
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012" => 65,
        "a string of one hundred bytes......................................................................" => 100,
        "日本語" => 9, "aaaa" => 40, "`aaaa" => 50,
    };
}

#[test]
fn keys_of_every_hashed_length() {
    for (key, value) in LENGTHS.entries() {
        assert_eq!(LENGTHS.get_counting(*key), (Some(value), 1));
    }
    let mut absent: Vec<String> = (0..=101)
        .flat_map(|n| {
            let prefix: String = "abcdefghijklmnopqrstuvwxyz0123456789"
                .chars()
                .cycle()
                .take(n)
                .collect();
            ["b".repeat(n), format!("{prefix}z"), prefix]
        })
        .collect();
    absent.retain(|k| !LENGTHS.keys().any(|present| present == k));
    assert!(absent.len() > 250);
    for key in &absent {
        let (found, comparisons) = LENGTHS.get_counting(key.as_str());
        assert_eq!(found, None, "{key:?}");
        assert!(comparisons <= 1);
    }
}

static_set! {
    static METHODS: StaticSet<&'static str> = { "GET", "POST", "PUT", "DELETE" };
    static NO_PORTS: StaticSet<u16> = {};
    const PRIMES: StaticSet<u32> = { 2, 3, 5, 7, 11, 13 };
}

#[test]
fn sets() {
    assert_eq!(METHODS.len(), 4);
    assert!(METHODS.contains("GET"));
    assert!(METHODS.contains(&String::from("DELETE")));
    assert!(!METHODS.contains("get"));
    assert_eq!(METHODS.contains_counting("PATCH").1, 1);
    assert_eq!(METHODS.contains_counting("POST"), (true, 1));
    let interned: &'static &'static str = METHODS.get("PUT").unwrap();
    assert_eq!(*interned, "PUT");
    let mut all: Vec<&str> = METHODS.iter().copied().collect();
    all.sort_unstable();
    assert_eq!(all, ["DELETE", "GET", "POST", "PUT"]);
    assert!(NO_PORTS.is_empty());
    assert_eq!(NO_PORTS.contains_counting(&80), (false, 0));
    for n in 0..20u32 {
        assert_eq!(PRIMES.contains(&n), [2, 3, 5, 7, 11, 13].contains(&n));
    }
    assert_eq!((&PRIMES).into_iter().count(), 6);
}

const_hash_map! {
    pub(crate) const LEVELS: StaticMap<&'static str, u8> = { "trace" => 0, "debug" => 1, "info" => 2 };
}

/// A map is a plain value of `'static` data: usable in `const`, copied, and its
/// lookups return `'static` references.
#[test]
fn const_items_copies_and_static_references() {
    const COPY: StaticMap<&str, u8> = LEVELS;
    let copy = COPY;
    let level: &'static u8 = copy.get("info").unwrap();
    assert_eq!(*level, 2);
    assert_eq!(format!("{:?}", ONE), r#"{"only": 7}"#);
    assert_eq!(format!("{:?}", NO_PORTS), "{}");
    assert!(format!("{:?}", METHODS.iter()).contains("remaining: 4"));
    let mut keys = LEVELS.keys();
    assert_eq!(keys.len(), 3);
    keys.next_back();
    assert_eq!(keys.len(), 2);
    let (key, value) = LEVELS.get_entry(&"debug").unwrap();
    assert_eq!((*key, *value), ("debug", 1));
}

/// Values are any const expression, of any type.
mod values {
    use super::*;

    #[derive(Debug, PartialEq)]
    pub(crate) enum AttributeType {
        String,
        Int,
    }

    pub(crate) struct Limits {
        pub(crate) min: i32,
        pub(crate) max: i32,
    }

    const fn limits(min: i32, max: i32) -> Limits {
        Limits { min, max }
    }

    const BASE: i32 = 100;

    static_map! {
        pub(crate) static SPAN_ATTRIBUTES: StaticMap<&'static str, AttributeType> = {
            "http.method" => AttributeType::String,
            "http.status_code" => AttributeType::Int,
        };
        pub(crate) static LIMITS: StaticMap<&str, Limits> = {
            "port" => limits(0, 65535),
            "percent" => Limits { min: 0, max: BASE },
            "offset" => limits(-BASE * 2, BASE * 2),
        };
        pub(crate) static HANDLERS: StaticMap<&'static str, fn(i32) -> i32> = {
            "double" => |x| x * 2,
            "negate" => |x| -x,
        };
        pub(crate) static NESTED: StaticMap<u8, &'static [&'static str]> = {
            1 => &["a", "b"],
            2 => &[],
        };
    }
}

#[test]
fn values_are_any_const_expression() {
    use values::*;
    assert_eq!(
        SPAN_ATTRIBUTES.get("http.method"),
        Some(&AttributeType::String)
    );
    assert_eq!(
        SPAN_ATTRIBUTES.get("http.status_code"),
        Some(&AttributeType::Int)
    );
    let offset = LIMITS.get("offset").unwrap();
    assert_eq!((offset.min, offset.max), (-200, 200));
    assert_eq!(LIMITS.get("percent").unwrap().max, 100);
    assert_eq!(HANDLERS.get("double").unwrap()(21), 42);
    assert_eq!(HANDLERS.get("negate").unwrap()(1), -1);
    assert_eq!(NESTED.get(&1).unwrap().len(), 2);
}

mod counters {
    use std::sync::atomic::{AtomicU32, Ordering};

    knhk_runtime::static_map! {
        /// Values with interior mutability: one counter per name, shared by every use.
        pub(crate) static HITS: StaticMap<&'static str, AtomicU32> = {
            "get" => AtomicU32::new(0),
            "put" => AtomicU32::new(0),
        };
    }

    pub(crate) fn count(name: &str) -> Option<u32> {
        HITS.get(name)
            .map(|c| c.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

#[test]
fn values_with_interior_mutability_are_shared() {
    assert_eq!(counters::count("get"), Some(1));
    assert_eq!(counters::count("get"), Some(2));
    assert_eq!(counters::count("put"), Some(1));
    assert_eq!(counters::count("delete"), None);
}
