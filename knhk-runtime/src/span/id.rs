//! Span and trace identifiers.

use crate::hash::fnv1a_64;
use std::cell::Cell;
use std::fmt;
use std::num::{NonZeroU64, NonZeroU128};
use std::sync::atomic::{AtomicU64, Ordering};

/// A span id: 64 bits, never zero (zero is the invalid span id in OpenTelemetry).
///
/// ```
/// use knhk_runtime::span::SpanId;
/// const REQUEST: SpanId = SpanId::from_name("http.server.request");
/// assert_eq!(REQUEST.get(), knhk_runtime::hash::fnv1a_64(b"http.server.request"));
/// assert_eq!(SpanId::new(0), None);
/// assert_ne!(SpanId::next(), SpanId::next());
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

    /// A fresh span id, distinct from every other id `next()` returns in this process,
    /// and, with all but negligible probability, from every id another process hands
    /// out.
    ///
    /// Ids are sequence numbers put through a bijection of `u64` (the SplitMix64
    /// finaliser): distinct numbers give distinct ids, which look random, as
    /// OpenTelemetry expects of span ids. The process's sequence starts at an offset
    /// drawn once from the operating system's randomness (through std's hasher keys),
    /// so two processes count from places 2^64 apart on average, and their ids collide
    /// only if their offsets fall within the number of ids they hand out. Each thread
    /// takes a block of 1024 numbers from one process-wide counter (one atomic add per
    /// block, so threads do not contend) and hands them out one by one. Number 0, whose
    /// image is 0, the invalid id, is skipped. No allocation, no lock.
    ///
    /// Ids from `next()` are unrelated to [`SpanId::from_name`] ids; do not mix the two
    /// in one trace if they must not collide.
    ///
    /// ```
    /// use knhk_runtime::span::SpanId;
    /// let (a, b) = (SpanId::next(), SpanId::next());
    /// assert_ne!(a, b);
    /// assert_ne!(a.get(), 0);
    /// ```
    #[allow(clippy::should_implement_trait)] // not an iterator: a process-wide source
    pub fn next() -> SpanId {
        SpanId::from_hash(mix(next_sequence()))
    }
}

/// How many sequence numbers a thread takes from the process-wide counter at a time.
pub(crate) const ID_BLOCK: u64 = 1024;

/// The next unclaimed block of sequence numbers; 0 until the process's random offset
/// is drawn.
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's block: (next sequence number, end of the block). Starts empty.
    static NEXT_IN_BLOCK: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// The next sequence number of this process, never 0: from this thread's block, or a
/// new block.
fn next_sequence() -> u64 {
    NEXT_IN_BLOCK.with(|block| {
        loop {
            let (next, end) = block.get();
            let (sequence, end) = if next != end {
                (next, end)
            } else {
                let start = take_block();
                (start, start.wrapping_add(ID_BLOCK))
            };
            block.set((sequence.wrapping_add(1), end));
            if sequence != 0 {
                return sequence;
            }
        }
    })
}

/// The start of a fresh block; the first caller in the process draws the offset.
fn take_block() -> u64 {
    if NEXT_BLOCK.load(Ordering::Relaxed) == 0 {
        // Threads that race here each draw one; the first to store it wins, and every
        // block is taken after it is stored.
        let _ =
            NEXT_BLOCK.compare_exchange(0, random_u64() | 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    NEXT_BLOCK.fetch_add(ID_BLOCK, Ordering::Relaxed)
}

/// 64 bits from the operating system's randomness: std seeds each thread's hasher keys
/// from it once (and varies them for each `RandomState` after), so hashing a constant
/// under fresh keys gives bits no other process shares. No allocation.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x6b6e_686b); // "knhk"
    hasher.finish()
}

/// The bijective 64-bit mixer behind [`SpanId::next`]: the finaliser of SplitMix64.
///
/// Each step (`x ^= x >> s` for `s > 0`, multiplication by an odd constant modulo 2^64)
/// is invertible, so the whole is a bijection of `u64`, and `mix(0) == 0`; the tests
/// check it against its inverse.
pub(crate) const fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(MIX_1);
    x = (x ^ (x >> 27)).wrapping_mul(MIX_2);
    x ^ (x >> 31)
}

const MIX_1: u64 = 0xbf58_476d_1ce4_e5b9;
const MIX_2: u64 = 0x94d0_49bb_1331_11eb;

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

/// A trace id: 128 bits, never zero.
///
/// `TraceId(NonZeroU128)` rather than a plain `u128`, the way [`SpanId`] is, because
/// W3C Trace Context and OpenTelemetry define the all-zero trace id as invalid: a span
/// carrying it would be dropped by every backend. Making it
/// unrepresentable means a [`Span`](super::Span) or [`SpanContext`](super::SpanContext)
/// can never hold one, the check happens once where an id enters (`new` returns
/// `None`), and `Option<TraceId>` costs nothing extra.
///
/// ```
/// use knhk_runtime::span::TraceId;
/// let id = TraceId::new(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736).unwrap();
/// assert_eq!(id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(TraceId::from_bytes(id.to_bytes()), Some(id));
/// assert_eq!(TraceId::new(0), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct TraceId(NonZeroU128);

impl TraceId {
    /// The trace id `id`, or `None` for the invalid id 0.
    pub const fn new(id: u128) -> Option<TraceId> {
        match NonZeroU128::new(id) {
            Some(id) => Some(TraceId(id)),
            None => None,
        }
    }

    /// The id as a number (never 0).
    pub const fn get(self) -> u128 {
        self.0.get()
    }

    /// The trace id of 16 bytes in W3C order (most significant first), or `None` if all
    /// are zero.
    pub const fn from_bytes(bytes: [u8; 16]) -> Option<TraceId> {
        TraceId::new(u128::from_be_bytes(bytes))
    }

    /// The 16 bytes in W3C order (most significant first).
    pub const fn to_bytes(self) -> [u8; 16] {
        self.get().to_be_bytes()
    }
}

impl TraceId {
    /// A fresh trace id: distinct from every other this process makes, and random to
    /// other processes, as W3C Trace Context and OpenTelemetry expect of a new trace.
    ///
    /// The high 64 bits are a bijection (MurmurHash3's finaliser) of a sequence number
    /// drawn like [`SpanId::next`]'s, from the process's random offset, so they differ
    /// between any two ids of one process and are never zero; the low 64 bits are that
    /// number mixed with a key drawn from the operating system's randomness for each
    /// thread. No allocation, no lock.
    ///
    /// ```
    /// use knhk_runtime::span::TraceId;
    /// let (a, b) = (TraceId::random(), TraceId::random());
    /// assert_ne!(a, b);
    /// assert_ne!(a.get() >> 64, 0);
    /// ```
    pub fn random() -> TraceId {
        let sequence = next_sequence();
        let low = TRACE_KEY.with(|key| {
            let k = key.get();
            if k != 0 {
                k
            } else {
                let k = random_u64() | 1;
                key.set(k);
                k
            }
        });
        let high = u128::from(fmix64(sequence));
        let low = u128::from(mix(sequence ^ low));
        match TraceId::new(high << 64 | low) {
            Some(id) => id,
            // `sequence` is never 0 and `fmix64` is a bijection fixing only 0 there.
            None => unreachable!("a trace id's high half is never zero"),
        }
    }
}

thread_local! {
    /// This thread's key for the low half of its trace ids; 0 until drawn.
    static TRACE_KEY: Cell<u64> = const { Cell::new(0) };
}

/// MurmurHash3's 64-bit finaliser: a bijection of `u64` with `fmix64(0) == 0`, distinct
/// from [`mix`] so that a trace id's high half is not a span id.
pub(crate) const fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({:032x})", self.get())
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn from_name_is_fnv1a_64_and_never_zero() {
        const ID: SpanId = SpanId::from_name("http.server.request");
        assert_eq!(ID.get(), fnv1a_64(b"http.server.request"));
        assert_eq!(SpanId::from_hash(0).get(), SpanId::ZERO_HASH_SUBSTITUTE);
        assert_eq!(SpanId::from_hash(7).get(), 7);
        assert_eq!(SpanId::from_name("").get(), crate::hash::FNV1A_64_OFFSET);
        assert_eq!(format!("{ID}"), format!("{:016x}", ID.get()));
    }

    /// The inverse of an odd `a` modulo 2^64, by Newton's iteration.
    fn inverse(a: u64) -> u64 {
        let mut x = a; // correct to 3 bits for odd a
        for _ in 0..5 {
            x = x.wrapping_mul(2_u64.wrapping_sub(a.wrapping_mul(x)));
        }
        assert_eq!(a.wrapping_mul(x), 1);
        x
    }

    fn unmix(y: u64) -> u64 {
        let x = unshift(y, 31).wrapping_mul(inverse(MIX_2));
        let x = unshift(x, 27).wrapping_mul(inverse(MIX_1));
        unshift(x, 30)
    }

    /// The inverse of `x ^= x >> s` for any `s > 0`.
    fn unshift(y: u64, s: u32) -> u64 {
        let mut x = y;
        for _ in 0..(64 / s + 1) {
            x = y ^ (x >> s);
        }
        x
    }

    #[test]
    fn mix_is_a_bijection_with_an_inverse() {
        // A cheap deterministic stream of inputs, plus the edges.
        let mut inputs = vec![0, 1, 2, u64::MAX, u64::MAX - 1, 1 << 63, 0xdead_beef];
        let mut x = 0x0123_4567_89ab_cdef_u64;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            inputs.push(x);
        }
        for &x in &inputs {
            assert_eq!(unmix(mix(x)), x, "unmix(mix({x:#x}))");
            assert_eq!(mix(unmix(x)), x, "mix(unmix({x:#x}))");
        }
        assert_eq!(mix(0), 0);
        // It mixes: consecutive inputs differ in about half their bits.
        let flips: u32 = (1..1000_u64)
            .map(|i| (mix(i) ^ mix(i + 1)).count_ones())
            .sum();
        assert!((28_000..36_000).contains(&flips), "{flips}");
    }

    #[test]
    fn unmix_helpers_undo_their_steps() {
        let x = 0xfedc_ba98_7654_3210_u64;
        assert_eq!(unshift(x ^ (x >> 27), 27), x);
        assert_eq!(unshift(x ^ (x >> 31), 31), x);
        assert_eq!(x.wrapping_mul(MIX_1).wrapping_mul(inverse(MIX_1)), x);
    }

    #[test]
    fn next_is_distinct_and_non_zero_across_threads() {
        const THREADS: usize = 8;
        const PER_THREAD: usize = 20_000; // not a multiple of ID_BLOCK: blocks are left part-used
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..PER_THREAD)
                        .map(|_| SpanId::next().get())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            for id in handle.join().unwrap() {
                assert_ne!(id, 0);
                assert!(seen.insert(id), "span id {id:016x} handed out twice");
            }
        }
        assert_eq!(seen.len(), THREADS * PER_THREAD);
        // Each id unmixes to a sequence number some block handed out: below the
        // counter, and not 0.
        let limit = NEXT_BLOCK.load(Ordering::Relaxed);
        assert!(seen.iter().all(|&id| (1..limit).contains(&unmix(id))));
    }

    #[test]
    fn the_sequence_starts_at_a_random_offset() {
        SpanId::next();
        // Drawn from the OS: the chance that it lies in the first 2^40 numbers, where a
        // counter from 1 would be, is 2^-24.
        assert!(NEXT_BLOCK.load(Ordering::Relaxed) > 1 << 40);
        assert_ne!(random_u64(), random_u64());
    }

    #[test]
    fn trace_ids_are_distinct_across_threads_with_a_non_zero_high_half() {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| (0..10_000).map(|_| TraceId::random()).collect::<Vec<_>>())
            })
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            for id in handle.join().unwrap() {
                assert_ne!(id.get() >> 64, 0);
                assert!(seen.insert(id), "trace id {id} made twice");
            }
        }
        assert_eq!(seen.len(), 40_000);
        assert_eq!(fmix64(0), 0);
    }

    /// The ids one process makes, as `print_ids` prints them.
    fn ids_of_a_child() -> (HashSet<u64>, HashSet<u128>) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "span::id::tests::print_ids",
                "--ignored",
                "--nocapture",
            ])
            .env("KNHK_PRINT_IDS", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut spans = HashSet::new();
        let mut traces = HashSet::new();
        for line in stdout.lines() {
            if let Some(hex) = line.strip_prefix("span ") {
                assert!(spans.insert(u64::from_str_radix(hex, 16).unwrap()));
            } else if let Some(hex) = line.strip_prefix("trace ") {
                assert!(traces.insert(u128::from_str_radix(hex, 16).unwrap()));
            }
        }
        assert_eq!((spans.len(), traces.len()), (20_000, 2_000), "{stdout}");
        (spans, traces)
    }

    /// Two processes (this test binary run again, twice) and this one make disjoint
    /// span ids and trace ids: each starts its sequence at its own random offset.
    #[test]
    fn two_processes_make_disjoint_ids() {
        let (spans_a, traces_a) = ids_of_a_child();
        let (spans_b, traces_b) = ids_of_a_child();
        let here: HashSet<u64> = (0..20_000).map(|_| SpanId::next().get()).collect();
        assert!(
            spans_a.is_disjoint(&spans_b),
            "two processes made the same span id"
        );
        assert!(spans_a.is_disjoint(&here) && spans_b.is_disjoint(&here));
        assert!(
            traces_a.is_disjoint(&traces_b),
            "two processes made the same trace id"
        );
        // And not by accident of one counter: the children's sequences are far apart.
        let first = |ids: &HashSet<u64>| ids.iter().map(|&id| unmix(id)).min().unwrap();
        assert!(first(&spans_a).abs_diff(first(&spans_b)) > 1 << 32);
    }

    /// Run only as the child of [`two_processes_make_disjoint_ids`].
    #[test]
    #[ignore = "a child of two_processes_make_disjoint_ids"]
    fn print_ids() {
        if std::env::var_os("KNHK_PRINT_IDS").is_none() {
            return;
        }
        for _ in 0..20_000 {
            println!("span {:x}", SpanId::next().get());
        }
        for _ in 0..2_000 {
            println!("trace {:x}", TraceId::random().get());
        }
    }

    #[test]
    fn next_within_a_thread_is_sequential_before_mixing() {
        let a = unmix(SpanId::next().get());
        let b = unmix(SpanId::next().get());
        // Same block unless `a` was its last number (blocks are ID_BLOCK apart from the
        // process's odd offset, so a block's last number is one less than a multiple of
        // ID_BLOCK away from it).
        let block_start = |x: u64| x.wrapping_sub(NEXT_BLOCK.load(Ordering::Relaxed)) % ID_BLOCK;
        assert!(b == a + 1 || block_start(b) == 0, "{a} then {b}");
    }

    #[test]
    fn trace_id_round_trips_and_rejects_zero() {
        assert_eq!(TraceId::new(0), None);
        assert_eq!(TraceId::from_bytes([0; 16]), None);
        let id = TraceId::new(1).unwrap();
        assert_eq!(id.to_bytes(), {
            let mut b = [0; 16];
            b[15] = 1;
            b
        });
        assert_eq!(format!("{id}"), "00000000000000000000000000000001");
        assert_eq!(
            format!("{id:?}"),
            "TraceId(00000000000000000000000000000001)"
        );
        assert_eq!(std::mem::size_of::<Option<TraceId>>(), 16);
        let max = TraceId::new(u128::MAX).unwrap();
        assert_eq!(max.to_string(), "f".repeat(32));
    }
}
