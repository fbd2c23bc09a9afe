//! The arena under concurrency: three threads make a million allocations each, of
//! random sizes and alignments, one through the shared path, one through a handle,
//! one alternating; each fills its allocations with its own pattern. Afterwards no two
//! allocations overlap, each is aligned and inside the region and still holds its
//! pattern, and the statistics are exactly what was handed out plus padding.

use knhk_runtime::arena::{Arena, LocalArena};
use std::alloc::Layout;

/// SplitMix64: each thread's sizes and alignments, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Mostly small requests, a few large ones; alignments 1 to 4096, mostly small.
    fn layout(&mut self) -> Layout {
        let r = self.next();
        let size = if r.is_multiple_of(100) {
            129 + (r >> 8) as usize % 8064
        } else {
            1 + (r >> 8) as usize % 128
        };
        let align = match (r >> 40) % 64 {
            0 => 4096,
            1 => 1024,
            2..=3 => 64,
            k => 1 << (k % 5), // 1, 2, 4, 8 or 16
        };
        Layout::from_size_align(size, align).unwrap()
    }
}

const PER_THREAD: usize = 1_000_000;

#[derive(Clone, Copy)]
enum Path {
    Shared,
    Local,
    Alternating,
}

/// One allocation: where, how large, how aligned, and the byte it was filled with.
struct Made {
    start: usize,
    size: usize,
    align: usize,
    pattern: u8,
}

fn pattern(thread: usize, i: usize) -> u8 {
    (thread as u8).wrapping_mul(71) ^ (i % 251) as u8
}

/// A block of exactly `layout` from the handle if one is given, else from the shared
/// path, through their `Allocator` implementations.
fn allocate(
    shared: &Arena,
    local: Option<&LocalArena<'_>>,
    layout: Layout,
) -> std::ptr::NonNull<u8> {
    use allocator_api2::alloc::Allocator;
    let block = match local {
        Some(local) => local.allocate(layout),
        None => shared.allocate(layout),
    };
    block.expect("the arena is large enough").cast()
}

fn run(arena: &Arena, thread: usize, path: Path) -> Vec<Made> {
    let mut rng = Rng(thread as u64 * 0x1234_5678_9abc);
    let local = match path {
        Path::Shared => None,
        Path::Local | Path::Alternating => Some(arena.local()),
    };
    let mut made = Vec::with_capacity(PER_THREAD);
    let mut local_sizes = 0;
    for i in 0..PER_THREAD {
        let layout = rng.layout();
        let through_local = match path {
            Path::Shared => false,
            Path::Local => true,
            Path::Alternating => (i / 1000) % 2 == 0,
        };
        let handle = if through_local { local.as_ref() } else { None };
        let ptr = allocate(arena, handle, layout);
        let fill = pattern(thread, i);
        // SAFETY: the arena handed out `layout.size()` bytes at `ptr`, to this thread
        // alone, for as long as the arena is borrowed.
        unsafe { ptr.as_ptr().write_bytes(fill, layout.size()) };
        if through_local {
            local_sizes += layout.size();
        }
        made.push(Made {
            start: ptr.as_ptr() as usize,
            size: layout.size(),
            align: layout.align(),
            pattern: fill,
        });
    }
    if let Some(local) = &local {
        let s = local.stats();
        assert_eq!(
            s.used, local_sizes,
            "thread {thread}: a handle's used bytes are exact"
        );
        assert_eq!(
            s.used + s.padding + s.chunk_waste + s.chunk_remaining,
            s.claimed
        );
    }
    made
}

#[test]
fn three_threads_a_million_allocations_each_no_overlap_every_alignment_exact_figures() {
    let arena = Arena::with_capacity(768 << 20);
    let region = arena.alloc(0_u8) as *const u8 as usize; // the region's first byte
    let paths = [Path::Shared, Path::Local, Path::Alternating];
    let results: Vec<Vec<Made>> = std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .enumerate()
            .map(|(t, &path)| {
                let arena = &arena;
                s.spawn(move || run(arena, t + 1, path))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let end = region + arena.capacity();

    let mut all: Vec<&Made> = results.iter().flatten().collect();
    assert_eq!(all.len(), 3 * PER_THREAD);
    for m in &all {
        assert_eq!(
            m.start % m.align,
            0,
            "misaligned: {} at {:#x}",
            m.align,
            m.start
        );
        assert!(
            m.start > region && m.start + m.size <= end,
            "outside the region"
        );
        // SAFETY: the block is the arena's, and no thread writes it any more.
        let bytes = unsafe { std::slice::from_raw_parts(m.start as *const u8, m.size) };
        assert!(
            bytes.iter().all(|&b| b == m.pattern),
            "a block at {:#x} was written by someone else",
            m.start
        );
    }
    all.sort_by_key(|m| m.start);
    for pair in all.windows(2) {
        assert!(
            pair[0].start + pair[0].size <= pair[1].start,
            "overlap at {:#x}",
            pair[1].start
        );
    }

    // The handles are dropped: the arena's figures are exact, and add up.
    let handed_out: usize = all.iter().map(|m| m.size).sum::<usize>() + 1;
    let stats = arena.stats();
    assert_eq!(stats.allocations, 3 * PER_THREAD as u64 + 1);
    assert_eq!(stats.used, handed_out);
    assert_eq!(
        stats.used + stats.padding + stats.chunk_waste + stats.remaining,
        stats.capacity
    );
    assert!(stats.padding > 0, "4096-aligned requests pad: {stats:?}");
}
