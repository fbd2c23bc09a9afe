//! loom models of the arena: every interleaving of two threads' shared allocations, of
//! two handles claiming and extending chunks, and of a handle giving back its chunk's
//! end while another thread allocates. Each checks that no two allocations overlap,
//! each is aligned and inside the region, and the statistics add up.
#![cfg(loom)]

use knhk_runtime::arena::{Arena, LocalArena};
use loom::sync::Arc;
use loom::thread;

fn assert_disjoint(mut ranges: Vec<(usize, usize)>) {
    ranges.sort();
    for pair in ranges.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlap: {pair:?}");
    }
}

fn assert_adds_up(arena: &Arena, used: usize) {
    let s = arena.stats();
    assert_eq!(s.used, used, "{s:?}");
    assert_eq!(
        s.used + s.padding + s.chunk_waste + s.remaining,
        s.capacity,
        "{s:?}"
    );
}

#[test]
fn shared_allocations_of_two_threads_never_overlap() {
    loom::model(|| {
        let arena = Arc::new(Arena::with_capacity(256));
        let other = arena.clone();
        let t = thread::spawn(move || {
            let a = other.alloc([1_u8; 24]);
            let b = other.alloc(2_u64);
            (a.as_ptr() as usize, b as *mut u64 as usize)
        });
        let c = arena.alloc([3_u8; 5]);
        let c = c.as_ptr() as usize;
        let d = arena.alloc(4_u32);
        let d = d as *mut u32 as usize;
        let (a, b) = t.join().unwrap();
        assert_eq!(b % 8, 0);
        assert_eq!(d % 4, 0);
        assert_disjoint(vec![(a, a + 24), (b, b + 8), (c, c + 5), (d, d + 4)]);
        assert_adds_up(&arena, 24 + 8 + 5 + 4);
        assert_eq!(arena.stats().allocations, 4);
    });
}

#[test]
fn the_last_request_that_fits_goes_to_exactly_one_thread() {
    loom::model(|| {
        // Room for one of the two requests.
        let arena = Arc::new(Arena::with_capacity(48));
        let other = arena.clone();
        let t = thread::spawn(move || other.try_alloc([0_u8; 32]).is_ok());
        let mine = arena.try_alloc([0_u8; 32]).is_ok();
        let theirs = t.join().unwrap();
        assert!(mine ^ theirs, "exactly one fits: {mine} {theirs}");
        let s = arena.stats();
        assert_eq!((s.used, s.failed), (32, 1));
    });
}

/// A handle's allocations: enough to claim its first chunk and extend it or claim
/// another, and one too large for a chunk.
fn handle_work(local: &LocalArena<'_>) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for _ in 0..3 {
        let block = local.alloc([7_u8; 1500]);
        ranges.push((block.as_ptr() as usize, block.as_ptr() as usize + 1500));
    }
    let big = local.alloc_slice_copy(&[9_u8; 3000]);
    ranges.push((big.as_ptr() as usize, big.as_ptr() as usize + 3000));
    ranges
}

#[test]
fn two_handles_claim_extend_and_give_back_chunks_without_overlap() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        let arena = Arc::new(Arena::with_capacity(64 * 1024));
        let other = arena.clone();
        let t = thread::spawn(move || {
            let local = other.local();
            let ranges = handle_work(&local);
            let used = local.stats().used;
            (ranges, used)
        });
        let local = arena.local();
        let mut ranges = handle_work(&local);
        let mine = local.stats();
        assert_eq!(mine.used, 3 * 1500 + 3000);
        assert_eq!(
            mine.used + mine.padding + mine.chunk_waste + mine.chunk_remaining,
            mine.claimed
        );
        drop(local);
        let (theirs, their_used) = t.join().unwrap();
        assert_eq!(their_used, 3 * 1500 + 3000);
        ranges.extend(theirs);
        assert_disjoint(ranges);
        // Both handles are dropped: their exact figures are the arena's.
        assert_adds_up(&arena, 2 * (3 * 1500 + 3000));
        assert_eq!(arena.stats().allocations, 8);
    });
}

#[test]
fn a_handle_gives_back_its_chunk_end_only_if_nothing_was_claimed_after_it() {
    loom::model(|| {
        let arena = Arc::new(Arena::with_capacity(16 * 1024));
        let other = arena.clone();
        let t = thread::spawn(move || {
            let x = other.alloc([5_u8; 100]);
            (x.as_ptr() as usize, x.as_ptr() as usize + 100)
        });
        let local = arena.local();
        let mine = local.alloc([6_u8; 100]);
        let mine = (mine.as_ptr() as usize, mine.as_ptr() as usize + 100);
        drop(local);
        let theirs = t.join().unwrap();
        assert_disjoint(vec![mine, theirs]);
        assert_adds_up(&arena, 200);
    });
}
