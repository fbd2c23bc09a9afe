//! FNV-1a in three widths, as `const fn`.
//!
//! The standard parameters of each width (offset basis and prime from the FNV
//! reference): 32-bit `0x811c9dc5` / `0x01000193`, 64-bit `0xcbf29ce484222325` /
//! `0x100000001b3`, 128-bit `0x6c62272e07bb014262b821756295c58d` /
//! `0x0000000001000000000000000000013b`. FNV-1a xors each byte in, then multiplies.

/// FNV-1a 32-bit offset basis.
pub const FNV1A_32_OFFSET: u32 = 0x811c_9dc5;
/// FNV-1a 32-bit prime.
pub const FNV1A_32_PRIME: u32 = 0x0100_0193;
/// FNV-1a 64-bit offset basis.
pub const FNV1A_64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
pub const FNV1A_64_PRIME: u64 = 0x0000_0100_0000_01b3;
/// FNV-1a 128-bit offset basis.
pub const FNV1A_128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
/// FNV-1a 128-bit prime.
pub const FNV1A_128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// FNV-1a-32 of `bytes`, usable in `const` items.
///
/// ```
/// use knhk_runtime::hash::fnv1a_32;
/// const H: u32 = fnv1a_32(b"foobar");
/// assert_eq!(H, 0xbf9cf968);
/// ```
pub const fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut state = FNV1A_32_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u32;
        state = state.wrapping_mul(FNV1A_32_PRIME);
        i += 1;
    }
    state
}

/// FNV-1a-64 of `bytes`, usable in `const` items.
///
/// ```
/// use knhk_runtime::hash::fnv1a_64;
/// const H: u64 = fnv1a_64(b"foobar");
/// assert_eq!(H, 0x85944171f73967e8);
/// ```
pub const fn fnv1a_64(bytes: &[u8]) -> u64 {
    fnv1a_64_continue(FNV1A_64_OFFSET, bytes)
}

/// Continues an FNV-1a-64 hash from `state` over `bytes`, to hash several pieces as one.
///
/// ```
/// use knhk_runtime::hash::{fnv1a_64, fnv1a_64_continue};
/// assert_eq!(fnv1a_64_continue(fnv1a_64(b"foo"), b"bar"), fnv1a_64(b"foobar"));
/// ```
pub const fn fnv1a_64_continue(mut state: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u64;
        state = state.wrapping_mul(FNV1A_64_PRIME);
        i += 1;
    }
    state
}

/// FNV-1a-128 of `bytes`, usable in `const` items.
///
/// ```
/// use knhk_runtime::hash::fnv1a_128;
/// const H: u128 = fnv1a_128(b"foobar");
/// assert_eq!(H, 0x343e1662793c64bf6f0d3597ba446f18);
/// ```
pub const fn fnv1a_128(bytes: &[u8]) -> u128 {
    let mut state = FNV1A_128_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u128;
        state = state.wrapping_mul(FNV1A_128_PRIME);
        i += 1;
    }
    state
}

/// [`fnv1a_32`] of a string's UTF-8 bytes.
pub const fn fnv1a_32_str(s: &str) -> u32 {
    fnv1a_32(s.as_bytes())
}

/// [`fnv1a_64`] of a string's UTF-8 bytes.
///
/// ```
/// const ID: u64 = knhk_runtime::hash::fnv1a_64_str("http.server.request");
/// assert_eq!(ID, knhk_runtime::hash::fnv1a_64(b"http.server.request"));
/// ```
pub const fn fnv1a_64_str(s: &str) -> u64 {
    fnv1a_64(s.as_bytes())
}

/// [`fnv1a_128`] of a string's UTF-8 bytes.
pub const fn fnv1a_128_str(s: &str) -> u128 {
    fnv1a_128(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test vectors from the FNV reference (isthe.com/chongo/tech/comp/fnv).
    #[test]
    fn published_vectors_in_every_width() {
        assert_eq!(fnv1a_32(b""), 0x811c9dc5);
        assert_eq!(fnv1a_32(b"a"), 0xe40c292c);
        assert_eq!(fnv1a_32(b"foobar"), 0xbf9cf968);
        assert_eq!(fnv1a_64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(fnv1a_128(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv1a_128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
        assert_eq!(fnv1a_128(b"foobar"), 0x343e1662793c64bf6f0d3597ba446f18);
    }

    #[test]
    fn str_helpers_hash_the_utf8_bytes() {
        assert_eq!(fnv1a_32_str("héllo"), fnv1a_32("héllo".as_bytes()));
        assert_eq!(fnv1a_64_str("héllo"), fnv1a_64("héllo".as_bytes()));
        assert_eq!(fnv1a_128_str("héllo"), fnv1a_128("héllo".as_bytes()));
    }

    #[test]
    fn continuing_equals_hashing_the_concatenation() {
        let whole = fnv1a_64(b"hot.path");
        let split = fnv1a_64_continue(fnv1a_64(b"hot."), b"path");
        assert_eq!(whole, split);
    }

    #[test]
    fn evaluates_in_const_items() {
        const H32: u32 = fnv1a_32(b"a");
        const H128: u128 = fnv1a_128_str("a");
        assert_eq!(H32, 0xe40c292c);
        assert_eq!(H128, 0xd228cb696f1a8caf78912b704e4a8964);
    }
}
