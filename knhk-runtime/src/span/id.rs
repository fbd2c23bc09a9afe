//! Span identifiers.

use crate::hash::fnv1a_64;
use std::fmt;
use std::num::NonZeroU64;

/// A span id: 64 bits, never zero (zero is the invalid span id in OpenTelemetry).
///
/// ```
/// use knhk_runtime::span::SpanId;
/// const REQUEST: SpanId = SpanId::from_name("http.server.request");
/// assert_eq!(REQUEST.get(), knhk_runtime::hash::fnv1a_64(b"http.server.request"));
/// assert_eq!(SpanId::new(0), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct SpanId(NonZeroU64);

impl SpanId {
    /// What a name hashing to zero maps to: the FNV-1a-64 prime, `0x100000001b3`.
    pub const ZERO_HASH_SUBSTITUTE: u64 = crate::hash::FNV1A_64_PRIME;

    /// The span id `id`, or `None` for the invalid id 0.
    pub const fn new(id: u64) -> Option<SpanId> {
        match NonZeroU64::new(id) {
            Some(id) => Some(SpanId(id)),
            None => None,
        }
    }

    /// The id as a number (never 0).
    pub const fn get(self) -> u64 {
        self.0.get()
    }

    /// The span id of a span name: its FNV-1a-64 hash, computable at compile time.
    ///
    /// A name whose hash is 0 (none is known; one in 2^64) gets
    /// [`SpanId::ZERO_HASH_SUBSTITUTE`] instead.
    pub const fn from_name(name: &str) -> SpanId {
        SpanId::from_hash(fnv1a_64(name.as_bytes()))
    }

    /// `hash` as a span id, with 0 replaced by [`SpanId::ZERO_HASH_SUBSTITUTE`].
    pub const fn from_hash(hash: u64) -> SpanId {
        match NonZeroU64::new(hash) {
            Some(id) => SpanId(id),
            // The substitute is a non-zero constant.
            None => match NonZeroU64::new(Self::ZERO_HASH_SUBSTITUTE) {
                Some(id) => SpanId(id),
                None => unreachable!(),
            },
        }
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({:016x})", self.get())
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_name_is_fnv1a_64_and_never_zero() {
        const ID: SpanId = SpanId::from_name("http.server.request");
        assert_eq!(ID.get(), fnv1a_64(b"http.server.request"));
        assert_eq!(SpanId::from_hash(0).get(), SpanId::ZERO_HASH_SUBSTITUTE);
        assert_eq!(SpanId::from_hash(7).get(), 7);
        assert_eq!(SpanId::from_name("").get(), crate::hash::FNV1A_64_OFFSET);
        assert_eq!(format!("{ID}"), format!("{:016x}", ID.get()));
    }
}
