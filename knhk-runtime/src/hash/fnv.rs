//! Hashing usable in const contexts.
//!
//! FNV-1a here is the standard 64-bit variant (offset basis `0xcbf29ce484222325`,
//! prime `0x100000001b3`); it names hot paths at compile time.

/// FNV-1a 64-bit offset basis.
pub const FNV1A_64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
pub const FNV1A_64_PRIME: u64 = 0x0000_0100_0000_01b3;

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
pub const fn fnv1a_64_continue(mut state: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u64;
        state = state.wrapping_mul(FNV1A_64_PRIME);
        i += 1;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_fnv1a_64_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn continuing_equals_hashing_the_concatenation() {
        let whole = fnv1a_64(b"hot.path");
        let split = fnv1a_64_continue(fnv1a_64(b"hot."), b"path");
        assert_eq!(whole, split);
    }
}
