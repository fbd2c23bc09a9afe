use super::*;
use allocator_api2::boxed::Box as ApiBox;
use allocator_api2::vec::Vec as ApiVec;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering::SeqCst};

fn aligned(ptr: *const u8, align: usize) -> bool {
    (ptr as usize).is_multiple_of(align)
}

#[test]
fn values_slices_and_strings_land_aligned_and_keep_their_contents() {
    let arena = Arena::with_capacity(64 * 1024);
    let a = arena.alloc(7_u8);
    let b = arena.alloc(0x1122_3344_5566_7788_u64);
    #[repr(align(4096))]
    struct Page([u8; 16]);
    let page = arena.alloc(Page([9; 16]));
    let copied = arena.alloc_slice_copy(&[1_u32, 2, 3]);
    let filled = arena.alloc_slice_fill_with(5, |i| i as u16 * 10);
    let text = arena.alloc_str("κνκ");
    assert!(aligned(b as *const u64 as *const u8, 8));
    assert!(aligned(page as *const Page as *const u8, 4096));
    assert!(aligned(copied.as_ptr().cast(), 4));
    assert_eq!((*a, *b, page.0[15]), (7, 0x1122_3344_5566_7788, 9));
    assert_eq!(
        (copied, filled, &*text),
        (&mut [1, 2, 3][..], &mut [0, 10, 20, 30, 40][..], "κνκ")
    );
    let stats = arena.stats();
    assert_eq!(stats.allocations, 6);
    assert_eq!(stats.used, 1 + 8 + 4096 + 12 + 10 + 6);
    assert_eq!(
        stats.used + stats.padding + stats.chunk_waste + stats.remaining,
        stats.capacity
    );
}

#[test]
fn a_request_that_does_not_fit_is_an_error_naming_capacity_and_request() {
    let arena = Arena::with_capacity(100);
    arena.alloc([0_u8; 90]);
    match arena.try_alloc([0_u64; 2]) {
        Err(ArenaError::Exhausted {
            capacity: 100,
            remaining: 10,
            requested: 16,
            align: 8,
        }) => {}
        other => panic!("{other:?}"),
    }
    // What did fit is untouched and the arena still serves what fits.
    assert_eq!(*arena.alloc(3_u8), 3);
    assert_eq!(arena.stats().failed, 1);
    let huge = arena.try_alloc_slice_fill_with(usize::MAX / 2, |_| 0_u64);
    assert!(
        matches!(
            huge,
            Err(ArenaError::TooLarge {
                element_size: 8,
                ..
            })
        ),
        "{huge:?}"
    );
}

#[test]
#[should_panic(
    expected = "arena exhausted: 16 bytes aligned to 8 do not fit in the 4 bytes left of its 4"
)]
fn the_plain_forms_panic_with_the_message() {
    let arena = Arena::with_capacity(4);
    arena.alloc([0_u64; 2]);
}

#[test]
fn an_empty_arena_refuses_everything_but_zero_sized_values() {
    let arena = Arena::with_capacity(0);
    assert_eq!(*arena.alloc(()), ());
    assert!(arena.try_alloc(1_u8).is_err());
    assert_eq!(
        arena.local().try_alloc(1_u8).unwrap_err(),
        arena.try_alloc(1_u8).unwrap_err()
    );
}

static SCRATCH: InlineArena<4096> = InlineArena::new();

#[test]
fn an_inline_arena_is_a_static_with_no_heap() {
    let x = SCRATCH.alloc(41_u32);
    *x += 1;
    assert_eq!(*x, 42);
    assert!(SCRATCH.stats().used >= 4);
    let mut local: InlineArena<256> = InlineArena::new();
    assert_eq!(local.capacity(), 256);
    let region = local.alloc(0_u8) as *const u8;
    assert!(aligned(region, REGION_ALIGN));
    local.reset();
    assert_eq!(local.stats().used, 0);
}

#[test]
fn alloc_with_drop_runs_drop_when_the_box_goes() {
    struct Counted(Arc<StdAtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(StdAtomicUsize::new(0));
    let arena = Arena::with_capacity(1024);
    let a = arena.alloc_with_drop(Counted(drops.clone()));
    let local = arena.local();
    let b = local.alloc_with_drop(vec![String::from("x")]);
    assert_eq!(b.len(), 1);
    drop(b);
    assert_eq!(drops.load(SeqCst), 0);
    drop(a);
    assert_eq!(drops.load(SeqCst), 1);
    let c = arena.alloc_with_drop(Counted(drops.clone()));
    let inner = c.into_inner();
    assert_eq!(
        drops.load(SeqCst),
        1,
        "into_inner moves out, it does not drop"
    );
    drop(inner);
    assert_eq!(drops.load(SeqCst), 2);
}

#[test]
fn reset_empties_the_arena_and_keeps_the_high_water_mark() {
    let mut arena = Arena::with_capacity(1 << 16);
    for i in 0..1000_u32 {
        arena.alloc(i);
    }
    assert_eq!(arena.stats().used, 4000);
    arena.reset();
    let stats = arena.stats();
    assert_eq!(
        (stats.used, stats.allocations, stats.remaining),
        (0, 0, 1 << 16)
    );
    assert_eq!(stats.high_water, 4000);
    assert_eq!(*arena.alloc(5_u8), 5);
}

#[test]
fn a_scope_gives_back_what_it_allocated_and_only_that() {
    let mut arena = Arena::with_capacity(1 << 16);
    let before = *arena.alloc(1_u64);
    let stats_before = arena.stats();
    let n = arena.scope(|a| {
        let v = a.alloc_slice_fill_with(100, |i| i as u64);
        let local = a.local();
        local.alloc_slice_copy(&[0_u8; 3000]);
        v.len()
    });
    assert_eq!((before, n), (1, 100));
    let after = arena.stats();
    assert_eq!(after.used, stats_before.used);
    assert_eq!(after.allocations, stats_before.allocations);
    assert!(after.high_water >= 8 + 800 + 3000, "{after:?}");
}

#[test]
fn a_handle_is_exact_and_its_chunks_grow_without_waste_when_nothing_interleaves() {
    let arena = Arena::with_capacity(1 << 20);
    {
        let local = arena.local();
        for _ in 0..1000 {
            local.alloc([0_u8; 64]);
        }
        let s = local.stats();
        assert_eq!(
            (s.allocations, s.used, s.padding, s.chunk_waste),
            (1000, 64_000, 0, 0)
        );
        assert_eq!(
            s.used + s.padding + s.chunk_waste + s.chunk_remaining,
            s.claimed
        );
        // While the handle lives the arena counts its chunks whole.
        assert_eq!(arena.stats().used, s.claimed);
        assert_eq!(arena.stats().allocations, 0);
    }
    // Dropped: its tail went back and its figures are the arena's.
    let s = arena.stats();
    assert_eq!((s.used, s.allocations, s.chunk_waste), (64_000, 1000, 0));
}

#[test]
fn a_handle_moves_on_when_another_claimed_after_its_chunk() {
    let arena = Arena::with_capacity(1 << 20);
    let one = arena.local();
    let two = arena.local();
    one.alloc([0_u8; 100]);
    two.alloc([0_u8; 100]);
    // `one`'s chunk is no longer the arena's last: filling it makes it claim anew.
    for _ in 0..100 {
        one.alloc([0_u8; 100]);
    }
    let s = one.stats();
    assert!(s.chunk_waste > 0, "{s:?}");
    assert_eq!(s.used, 10_100);
    assert_eq!(
        s.used + s.padding + s.chunk_waste + s.chunk_remaining,
        s.claimed
    );
    // Larger than half a chunk: claimed alone, the chunk stays.
    let remaining = one.stats().chunk_remaining;
    one.alloc([0_u8; 50_000]);
    assert_eq!(one.stats().chunk_remaining, remaining);
    drop((one, two));
    let a = arena.stats();
    assert_eq!(a.used, 10_100 + 100 + 50_000);
    assert_eq!(a.used + a.padding + a.chunk_waste + a.remaining, a.capacity);
}

#[test]
fn a_handles_scope_rewinds_its_chunk_and_gives_back_new_ones() {
    let arena = Arena::with_capacity(1 << 20);
    let mut local = arena.local();
    local.alloc(1_u32);
    let before = local.stats();
    let arena_before = arena.stats().remaining;
    local.scope(|s| {
        for _ in 0..1000 {
            s.alloc([1_u8; 100]); // 100 KB: several chunks, each extending the last
        }
    });
    assert_eq!(local.stats(), before);
    assert_eq!(arena.stats().remaining, arena_before);
}

#[test]
fn a_vec_grows_in_place_while_it_is_the_last_allocation() {
    let arena = Arena::with_capacity(1 << 16);
    let mut v: ApiVec<u64, _> = ApiVec::with_capacity_in(4, &arena);
    v.extend([1, 2, 3, 4]);
    let first = v.as_ptr();
    v.reserve_exact(100);
    assert_eq!(v.as_ptr(), first, "grown in place");
    v.extend(5..=104);
    assert_eq!(v[103], 104);
    // Not the last any more: growing moves it, contents intact.
    let _other = arena.alloc(0_u8);
    v.reserve_exact(1000);
    assert_ne!(v.as_ptr(), first);
    assert_eq!(v.iter().sum::<u64>(), 104 * 105 / 2);
    let b = ApiBox::new_in([3_u16; 8], &arena);
    assert_eq!(b[7], 3);

    let local = arena.local();
    let mut w: ApiVec<u8, _> = ApiVec::with_capacity_in(8, &local);
    w.extend_from_slice(b"12345678");
    let first = w.as_ptr();
    w.reserve_exact(1000);
    assert_eq!(w.as_ptr(), first, "grown in place inside the chunk");
    w.extend_from_slice(&[b'9'; 1000]);
    assert_eq!(w.len(), 1008);
}

#[test]
fn the_last_allocation_freed_through_the_allocator_is_given_back() {
    let arena = Arena::with_capacity(4096);
    let v: ApiVec<u8, _> = ApiVec::with_capacity_in(1000, &arena);
    let used = arena.stats().used;
    drop(v);
    assert_eq!(arena.stats().used, used - 1000);
    let local = arena.local();
    let w: ApiVec<u8, _> = ApiVec::with_capacity_in(100, &local);
    drop(w);
    assert_eq!(local.stats().used, 0);
}

#[test]
fn exhaustion_is_emitted_once_until_reset() {
    let events = crate::test_events::captured(|| {
        let mut arena = Arena::with_capacity(16);
        arena.alloc([0_u8; 10]);
        assert!(arena.try_alloc([0_u64; 2]).is_err());
        assert!(arena.try_alloc([0_u64; 3]).is_err());
        assert_eq!(arena.stats().failed, 2);
        arena.reset();
        assert!(arena.try_alloc([0_u8; 17]).is_err());
    });
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        "knhk.arena.exhausted knhk::arena message=arena exhausted arena.capacity=16 arena.remaining=6 arena.request.size=16 arena.request.alignment=8 "
    );
    assert!(
        events[1].contains("arena.remaining=16 arena.request.size=17"),
        "{}",
        events[1]
    );
}

#[test]
fn a_handle_can_move_to_the_thread_that_uses_it() {
    let arena = Arena::with_capacity(1 << 16);
    let local = arena.local();
    let sum = std::thread::scope(|s| {
        s.spawn(move || {
            local
                .alloc_slice_fill_with(10, |i| i as u32)
                .iter()
                .sum::<u32>()
        })
        .join()
        .unwrap()
    });
    assert_eq!(sum, 45);
    assert_eq!(arena.stats().allocations, 1);
}
