//! Compile-time perfect-hash maps: [`StaticMap`] and [`StaticSet`], built by
//! `static_map!` and `static_set!`.
//!
//! The macro hashes every key at compile time and searches for a table in which each
//! key has a slot of its own; the tables are `&'static` slices in the binary, so a map
//! is usable in a `static` with no allocation and no initialisation at run time.
//!
//! # Construction (hash and displace, one displacement per bucket)
//!
//! A key's 64-bit hash `h` (seeded with the map's seed) picks a bucket from bits 32.. of
//! `h`; the bucket's displacement `d` (a 64-bit mask) picks the slot:
//! `slot = ((((h ^ d) * SLOT_MUL) >> 32) * len) >> 32`. The macro gives each bucket,
//! largest first, the first displacement that sends all of its keys to free slots, so
//! every key has its own slot and the entries are stored in slot order. A lookup is
//! one hash, two table reads and at most one key comparison, hit or miss.
//!
//! The hash is wyhash-like: strings and byte strings are read 8 bytes at a time and
//! mixed with 64x64->128-bit folded multiplies; integers, `char` and `bool` are one
//! folded multiply of their value. `knhk-macros` computes the same functions; the known
//! answers in the tests of both crates pin them together, and every map built in the
//! tests is looked up key by key.

use std::fmt;
use std::iter::FusedIterator;

/// Multipliers and seeds of the hash: wyhash's published secrets (odd 64-bit numbers).
const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;
const P3: u64 = 0x5899_65cc_7537_4cc3;
/// Spreads the low bits of `h ^ displacement` into the bits the slot is taken from.
const SLOT_MUL: u64 = 0x9e37_79b9_7f4a_7c15;

/// The 128-bit product of `a` and `b`, its two halves xor-ed together.
#[inline(always)]
const fn fold_mul(a: u64, b: u64) -> u64 {
    let product = (a as u128) * (b as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

#[inline(always)]
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

#[inline(always)]
fn read_u32(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(word))
}

/// The map hash of a string's or byte string's bytes.
///
/// Every path xors the seed into both operands of a multiply, so that two keys that
/// collide for one seed (a multiply by zero, say) do not collide for every seed: the
/// macro then simply tries the next seed.
#[inline]
fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
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
#[inline(always)]
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

#[inline(always)]
fn read_u128(bytes: &[u8], at: usize) -> u128 {
    let mut word = [0; 16];
    word.copy_from_slice(&bytes[at..at + 16]);
    u128::from_le_bytes(word)
}

/// Whether two byte strings are equal: the lengths, then up to 64 bytes as two or four
/// overlapping words xor-ed and or-ed together, without a loop or a call (`bcmp` and a
/// word loop both cost more on the short keys maps hold: measured, not guessed).
#[inline(always)]
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len > 16 {
        let first = read_u128(a, 0) ^ read_u128(b, 0);
        let last = read_u128(a, len - 16) ^ read_u128(b, len - 16);
        if len <= 32 {
            return first | last == 0;
        }
        if len > 64 {
            return a == b;
        }
        let second = read_u128(a, 16) ^ read_u128(b, 16);
        let before_last = read_u128(a, len - 32) ^ read_u128(b, len - 32);
        return first | second | before_last | last == 0;
    }
    if len >= 8 {
        let first = read_u64(a, 0) ^ read_u64(b, 0);
        let last = read_u64(a, len - 8) ^ read_u64(b, len - 8);
        return first | last == 0;
    }
    if len >= 4 {
        let first = read_u32(a, 0) ^ read_u32(b, 0);
        let last = read_u32(a, len - 4) ^ read_u32(b, len - 4);
        return first | last == 0;
    }
    len == 0 || (a[0] ^ b[0]) | (a[len / 2] ^ b[len / 2]) | (a[len - 1] ^ b[len - 1]) == 0
}

/// The map hash of an integer given as its low and high 64 bits (signed values
/// sign-extended to 64 bits first), a `char` as its code point, a `bool` as 0 or 1.
#[inline(always)]
const fn hash_int(low: u64, high: u64, seed: u64) -> u64 {
    fold_mul(low ^ seed ^ P0, high ^ seed ^ P1)
}

mod sealed {
    /// Keeps [`super::LookupKey`] closed: its hash must match the one `static_map!` runs.
    pub trait Sealed {}
}

/// A value that can look up keys of type `K` in a [`StaticMap`] or [`StaticSet`]: `str`,
/// `&str` and `String` for `&'static str` keys; `[u8]`, `&[u8]`, `[u8; N]` and `Vec<u8>`
/// for `&'static [u8]` keys; each integer type, `char` and `bool` for itself.
///
/// ```
/// knhk_runtime::static_map! {
///     static STATUS: StaticMap<&'static str, u16> = { "ok" => 200, "not found" => 404 };
/// }
/// let owned = String::from("ok");
/// assert_eq!(STATUS.get("ok"), Some(&200));
/// assert_eq!(STATUS.get(&owned), Some(&200));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot look up keys of type `{K}` in a static map or set",
    label = "not a lookup key for `{K}` keys",
    note = "`&'static str` keys are looked up with a `&str` or `&String`, `&'static [u8]` keys with a `&[u8]` or `&[u8; N]`, and other keys with a reference to a value of the same type"
)]
pub trait LookupKey<K>: sealed::Sealed {
    /// The map hash of this value under `seed`.
    #[doc(hidden)]
    fn map_hash(&self, seed: u64) -> u64;

    /// Whether this value equals `key`.
    #[doc(hidden)]
    fn matches(&self, key: &K) -> bool;
}

/// `&'static str` keys: looked up by anything that is a string, hashed as its bytes.
macro_rules! lookup_str {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}
        impl LookupKey<&'static str> for $ty {
            #[inline(always)]
            fn map_hash(&self, seed: u64) -> u64 {
                hash_bytes(self.as_bytes(), seed)
            }
            #[inline(always)]
            fn matches(&self, key: &&'static str) -> bool {
                bytes_eq(key.as_bytes(), self.as_bytes())
            }
        }
    )*};
}

lookup_str!(str, &str, String);

/// `&'static [u8]` keys: looked up by anything that is a byte string, hashed as a `&[u8]`.
macro_rules! lookup_byte_str {
    ($($(const $n:ident)? => $ty:ty),*) => {$(
        impl<$(const $n: usize)?> sealed::Sealed for $ty {}
        impl<$(const $n: usize)?> LookupKey<&'static [u8]> for $ty {
            #[inline(always)]
            fn map_hash(&self, seed: u64) -> u64 {
                hash_bytes(&self[..], seed)
            }
            #[inline(always)]
            fn matches(&self, key: &&'static [u8]) -> bool {
                bytes_eq(key, &self[..])
            }
        }
    )*};
}

lookup_byte_str!(=> [u8], => &[u8], => Vec<u8>, const N => [u8; N]);

/// Integers whose value fits in 64 bits: hashed as their value widened to `u64`
/// (sign-extended for signed types, as `as u64` does).
macro_rules! lookup_int {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}
        impl LookupKey<$ty> for $ty {
            #[inline(always)]
            fn map_hash(&self, seed: u64) -> u64 {
                hash_int(*self as u64, 0, seed)
            }
            #[inline(always)]
            fn matches(&self, key: &$ty) -> bool {
                *key == *self
            }
        }
    )*};
}

lookup_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

macro_rules! lookup_wide_int {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}
        impl LookupKey<$ty> for $ty {
            #[inline(always)]
            fn map_hash(&self, seed: u64) -> u64 {
                hash_int(*self as u64, (*self as u128 >> 64) as u64, seed)
            }
            #[inline(always)]
            fn matches(&self, key: &$ty) -> bool {
                *key == *self
            }
        }
    )*};
}

lookup_wide_int!(u128, i128);

impl sealed::Sealed for char {}
impl LookupKey<char> for char {
    #[inline(always)]
    fn map_hash(&self, seed: u64) -> u64 {
        hash_int(u64::from(*self), 0, seed)
    }
    #[inline(always)]
    fn matches(&self, key: &char) -> bool {
        *key == *self
    }
}

impl sealed::Sealed for bool {}
impl LookupKey<bool> for bool {
    #[inline(always)]
    fn map_hash(&self, seed: u64) -> u64 {
        hash_int(u64::from(*self), 0, seed)
    }
    #[inline(always)]
    fn matches(&self, key: &bool) -> bool {
        *key == *self
    }
}

/// A map built at compile time by `static_map!`, with a slot of its own for every key.
///
/// Lookups hash the key once and make at most one key comparison, found or not. The
/// tables are `&'static` slices, so the map allocates nothing and needs no set-up; it
/// is `Copy`. Iteration visits entries in table order, which is fixed at compile time
/// but is not the order in which they were written.
///
/// ```
/// use knhk_runtime::static_map;
///
/// #[derive(Debug, PartialEq)]
/// enum AttributeType { String, Int }
///
/// static_map! {
///     static ATTRIBUTES: StaticMap<&'static str, AttributeType> = {
///         "http.method" => AttributeType::String,
///         "http.status_code" => AttributeType::Int,
///     };
/// }
///
/// assert_eq!(ATTRIBUTES.get("http.status_code"), Some(&AttributeType::Int));
/// assert_eq!(ATTRIBUTES.get("http.url"), None);
/// assert_eq!(ATTRIBUTES.len(), 2);
/// ```
pub struct StaticMap<K: 'static, V: 'static> {
    seed: u64,
    /// One displacement per bucket; the length is a power of two.
    displacements: &'static [u64],
    /// Every entry in its slot.
    entries: &'static [(K, V)],
}

impl<K, V> StaticMap<K, V> {
    /// Wraps the tables `static_map!` computed. Not public API.
    ///
    /// Panics (at compile time, when called in a `static` or `const`) when the number of
    /// displacements is not a power of two or there are 2^32 entries or more.
    #[doc(hidden)]
    pub const fn __from_tables(
        seed: u64,
        displacements: &'static [u64],
        entries: &'static [(K, V)],
    ) -> Self {
        assert!(
            displacements.len().is_power_of_two(),
            "static map: the number of displacements must be a power of two"
        );
        assert!(
            entries.len() <= u32::MAX as usize,
            "static map: at most u32::MAX entries"
        );
        StaticMap {
            seed,
            displacements,
            entries,
        }
    }

    /// The number of entries.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<u8, char> = { 1 => 'a', 2 => 'b' }; }
    /// assert_eq!(M.len(), 2);
    /// ```
    pub const fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<u8, char> = {}; }
    /// assert!(M.is_empty());
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys, in table order.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<u8, char> = { 1 => 'a', 2 => 'b' }; }
    /// let mut keys: Vec<u8> = M.keys().copied().collect();
    /// keys.sort();
    /// assert_eq!(keys, [1, 2]);
    /// ```
    pub fn keys(&self) -> Keys<'static, K, V> {
        Keys {
            inner: self.entries.iter(),
        }
    }

    /// The values, in table order (the order of [`keys`](Self::keys)).
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<u8, char> = { 1 => 'a', 2 => 'b' }; }
    /// let mut values: Vec<char> = M.values().copied().collect();
    /// values.sort();
    /// assert_eq!(values, ['a', 'b']);
    /// ```
    pub fn values(&self) -> Values<'static, K, V> {
        Values {
            inner: self.entries.iter(),
        }
    }

    /// The entries as `(&key, &value)`, in table order.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<u8, char> = { 1 => 'a', 2 => 'b' }; }
    /// for (key, value) in M.entries() {
    ///     assert_eq!(M.get(key), Some(value));
    /// }
    /// assert_eq!(M.entries().len(), 2);
    /// ```
    pub fn entries(&self) -> Entries<'static, K, V> {
        Entries {
            inner: self.entries.iter(),
        }
    }

    /// The only slot `key` can occupy, and the entry there if it holds `key`.
    ///
    /// `matches` is the one key comparison; [`get_counting`](Self::get_counting) counts
    /// its calls, so the count is that of the code every lookup runs.
    #[inline(always)]
    fn find<Q>(&self, key: &Q, matches: impl FnOnce(&Q, &K) -> bool) -> Option<&'static (K, V)>
    where
        Q: LookupKey<K> + ?Sized,
    {
        let hash = key.map_hash(self.seed);
        let bucket = (hash >> 32) as usize & (self.displacements.len() - 1);
        // SAFETY: `__from_tables`, the only constructor, asserts that the length of
        // `displacements` is a power of two, so at least 1, and `bucket` is masked with
        // that length minus one, so it is below the length.
        let displacement = unsafe { *self.displacements.get_unchecked(bucket) };
        let spread = (hash ^ displacement).wrapping_mul(SLOT_MUL) >> 32;
        // Below `len` for any 32-bit `spread`; `get` only fails for an empty map.
        let slot = ((spread * self.entries.len() as u64) >> 32) as usize;
        let entry = self.entries.get(slot)?;
        matches(key, &entry.0).then_some(entry)
    }

    /// The value for `key`, if the map has it.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<&'static str, u8> = { "one" => 1 }; }
    /// assert_eq!(M.get("one"), Some(&1));
    /// assert_eq!(M.get("two"), None);
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&'static V>
    where
        Q: LookupKey<K> + ?Sized,
    {
        self.find(key, Q::matches).map(|(_, value)| value)
    }

    /// The map's own key and its value for `key`, if the map has it.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<&'static str, u8> = { "one" => 1 }; }
    /// let owned = String::from("one");
    /// let (key, value) = M.get_entry(&owned).unwrap();
    /// assert_eq!((*key, *value), ("one", 1));
    /// ```
    #[inline]
    pub fn get_entry<Q>(&self, key: &Q) -> Option<(&'static K, &'static V)>
    where
        Q: LookupKey<K> + ?Sized,
    {
        self.find(key, Q::matches).map(|(key, value)| (key, value))
    }

    /// Whether the map has `key`.
    ///
    /// ```
    /// knhk_runtime::static_map! { static M: StaticMap<char, u8> = { 'x' => 1 }; }
    /// assert!(M.contains_key(&'x'));
    /// assert!(!M.contains_key(&'y'));
    /// ```
    #[inline]
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        Q: LookupKey<K> + ?Sized,
    {
        self.find(key, Q::matches).is_some()
    }

    /// [`get`](Self::get), also returning how many key comparisons the lookup made
    /// (0 or 1), for tests of the one-comparison promise. Not part of the stable API.
    #[doc(hidden)]
    pub fn get_counting<Q>(&self, key: &Q) -> (Option<&'static V>, usize)
    where
        Q: LookupKey<K> + ?Sized,
    {
        let mut comparisons = 0;
        let found = self.find(key, |query, candidate| {
            comparisons += 1;
            query.matches(candidate)
        });
        (found.map(|(_, value)| value), comparisons)
    }
}

impl<K, V> Clone for StaticMap<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, V> Copy for StaticMap<K, V> {}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for StaticMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

impl<'a, K, V> IntoIterator for &'a StaticMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Entries<'a, K, V>;

    fn into_iter(self) -> Entries<'a, K, V> {
        self.entries()
    }
}

/// The entries of a [`StaticMap`] as `(&key, &value)`, from [`StaticMap::entries`].
///
/// ```
/// knhk_runtime::static_map! { static M: StaticMap<u8, char> = { 1 => 'a', 2 => 'b' }; }
/// let mut entries: Vec<(u8, char)> = M.entries().map(|(k, v)| (*k, *v)).collect();
/// entries.sort();
/// assert_eq!(entries, [(1, 'a'), (2, 'b')]);
/// ```
pub struct Entries<'a, K, V> {
    inner: std::slice::Iter<'a, (K, V)>,
}

/// The keys of a [`StaticMap`] or [`StaticSet`], from [`StaticMap::keys`] or [`StaticSet::iter`].
///
/// ```
/// knhk_runtime::static_set! { static S: StaticSet<u8> = { 3, 1, 2 }; }
/// let keys = S.iter();
/// assert_eq!(keys.len(), 3);
/// assert_eq!(keys.copied().max(), Some(3));
/// ```
pub struct Keys<'a, K, V> {
    inner: std::slice::Iter<'a, (K, V)>,
}

/// The values of a [`StaticMap`], from [`StaticMap::values`].
///
/// ```
/// knhk_runtime::static_map! { static M: StaticMap<u8, u32> = { 1 => 10, 2 => 20 }; }
/// assert_eq!(M.values().sum::<u32>(), 30);
/// ```
pub struct Values<'a, K, V> {
    inner: std::slice::Iter<'a, (K, V)>,
}

macro_rules! iterator {
    ($name:ident, $item:ty, |$entry:ident| $map:expr) => {
        impl<'a, K, V> Iterator for $name<'a, K, V> {
            type Item = $item;

            #[inline]
            fn next(&mut self) -> Option<$item> {
                self.inner.next().map(|$entry| $map)
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.inner.size_hint()
            }
        }

        impl<'a, K, V> DoubleEndedIterator for $name<'a, K, V> {
            #[inline]
            fn next_back(&mut self) -> Option<$item> {
                self.inner.next_back().map(|$entry| $map)
            }
        }

        impl<K, V> ExactSizeIterator for $name<'_, K, V> {}

        impl<K, V> FusedIterator for $name<'_, K, V> {}

        impl<K, V> Clone for $name<'_, K, V> {
            fn clone(&self) -> Self {
                $name {
                    inner: self.inner.clone(),
                }
            }
        }

        impl<K, V> fmt::Debug for $name<'_, K, V> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("remaining", &self.inner.len())
                    .finish()
            }
        }
    };
}

iterator!(Entries, (&'a K, &'a V), |entry| (&entry.0, &entry.1));
iterator!(Keys, &'a K, |entry| &entry.0);
iterator!(Values, &'a V, |entry| &entry.1);

/// A set built at compile time by `static_set!`: a [`StaticMap`] without values.
///
/// ```
/// use knhk_runtime::static_set;
///
/// static_set! { static METHODS: StaticSet<&'static str> = { "GET", "POST" }; }
///
/// assert!(METHODS.contains("GET"));
/// assert!(!METHODS.contains("PATCH"));
/// assert_eq!(METHODS.len(), 2);
/// ```
pub struct StaticSet<K: 'static> {
    map: StaticMap<K, ()>,
}

impl<K> StaticSet<K> {
    /// Wraps the tables `static_set!` computed. Not public API.
    #[doc(hidden)]
    pub const fn __from_tables(
        seed: u64,
        displacements: &'static [u64],
        keys: &'static [(K, ())],
    ) -> Self {
        StaticSet {
            map: StaticMap::__from_tables(seed, displacements, keys),
        }
    }

    /// The number of keys.
    ///
    /// ```
    /// knhk_runtime::static_set! { static S: StaticSet<u32> = { 7, 11 }; }
    /// assert_eq!(S.len(), 2);
    /// ```
    pub const fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the set has no keys.
    ///
    /// ```
    /// knhk_runtime::static_set! { static S: StaticSet<u32> = {}; }
    /// assert!(S.is_empty());
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether the set has `key`.
    ///
    /// ```
    /// knhk_runtime::static_set! { static S: StaticSet<&'static [u8]> = { b"GET", b"PUT" }; }
    /// assert!(S.contains(b"PUT"));
    /// assert!(!S.contains(b"POST"));
    /// ```
    #[inline]
    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        Q: LookupKey<K> + ?Sized,
    {
        self.map.contains_key(key)
    }

    /// The set's own copy of `key`, if the set has it (for interning).
    ///
    /// ```
    /// knhk_runtime::static_set! { static S: StaticSet<&'static str> = { "GET" }; }
    /// let interned: &'static str = S.get(&String::from("GET")).copied().unwrap();
    /// assert_eq!(interned, "GET");
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&'static K>
    where
        Q: LookupKey<K> + ?Sized,
    {
        self.map.get_entry(key).map(|(key, _)| key)
    }

    /// The keys, in table order.
    ///
    /// ```
    /// knhk_runtime::static_set! { static S: StaticSet<char> = { 'a', 'b' }; }
    /// let mut keys: Vec<char> = S.iter().copied().collect();
    /// keys.sort();
    /// assert_eq!(keys, ['a', 'b']);
    /// ```
    pub fn iter(&self) -> Keys<'static, K, ()> {
        self.map.keys()
    }

    /// [`contains`](Self::contains), also returning how many key comparisons the lookup
    /// made (0 or 1). Not part of the stable API.
    #[doc(hidden)]
    pub fn contains_counting<Q>(&self, key: &Q) -> (bool, usize)
    where
        Q: LookupKey<K> + ?Sized,
    {
        let (found, comparisons) = self.map.get_counting(key);
        (found.is_some(), comparisons)
    }
}

impl<K> Clone for StaticSet<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for StaticSet<K> {}

impl<K: fmt::Debug> fmt::Debug for StaticSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<'a, K> IntoIterator for &'a StaticSet<K> {
    type Item = &'a K;
    type IntoIter = Keys<'a, K, ()>;

    fn into_iter(self) -> Keys<'a, K, ()> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes of every length up to 130, from a fixed xorshift sequence.
    fn sample(len: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ len as u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn equality_sees_every_byte_of_every_length() {
        for len in 0..=130 {
            let a = sample(len);
            assert!(bytes_eq(&a, &a.clone()), "len {len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!bytes_eq(&a, &b), "len {len}, byte {at}");
            }
            let mut longer = a.clone();
            longer.push(0);
            assert!(!bytes_eq(&a, &longer));
        }
    }

    #[test]
    fn the_hash_sees_every_byte_of_every_length() {
        for len in 0..=130 {
            let a = sample(len);
            let hash = hash_bytes(&a, 7);
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 1;
                assert_ne!(hash_bytes(&b, 7), hash, "len {len}, byte {at}");
            }
            // The same bytes one longer (a zero appended) hash differently.
            let mut longer = a.clone();
            longer.push(0);
            assert_ne!(hash_bytes(&longer, 7), hash, "len {len}");
            assert_ne!(hash_bytes(&a, 8), hash, "len {len}: the seed matters");
        }
    }

    /// The same answers are asserted in `knhk-macros/src/static_map/hash.rs`: if either
    /// side's hash changes, one of the two tests fails.
    #[test]
    fn known_answers_shared_with_the_macro() {
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
}
