//! The arena (`knhk_runtime::arena`) against its peers, in one run:
//!
//! - `arena_alloc64`: one 64-byte value (`Payload`, eight `u64`s, align 8) through a
//!   local handle (`local`, target ≤ 1.3× `bumpalo`), the shared atomic path
//!   (`shared`), `bumpalo::Bump::alloc` (`bumpalo`), `bump_scope::Bump::alloc`
//!   (`bump_scope`), a `bump_scope::BumpPool` guard (`bump_scope_pool`, the peer that
//!   is shareable), and `Box::new` plus drop (`box_new_drop`, target: the local handle
//!   ≥ 5× faster). The arenas allocate in batches of [`BATCH`]; only the allocations
//!   are timed, each side reset the same way between batches, outside the clock. A
//!   local handle is taken before its batch's clock starts and dropped after it stops,
//!   so the chunks it claims (4 KiB doubling to 64 KiB) are inside the figure. The
//!   peers are made large enough for a batch once, so after the first batch they
//!   allocate with no call to `malloc`, as the arena never does. A batch writes 64 000
//!   bytes, a new cache line per allocation, while `Box::new` plus drop reuses one hot
//!   block; `local_batch50`, `shared_batch50` and `bumpalo_batch50` are the same in
//!   batches of [`SMALL_BATCH`] (3.2 KB, which stays in L1d), the local handle kept
//!   and rewound by `LocalArena::scope` between batches.
//! - `arena_handle`: `arena.local()` and dropping it without allocating (target
//!   ≤ 20 ns), beside `BumpPool::get` and dropping the guard.
//! - `arena_grow`: `Allocator::grow` of the last allocation by 8 bytes, in place
//!   (target ≤ 10 ns), through `&LocalArena`, `&Arena`, `&bumpalo::Bump` (which
//!   bumps downwards, so its grow moves the bytes) and `&bump_scope::Bump`. Batches of
//!   [`GROWS`] grows of one block from 64 bytes; only the grows are timed.
//! - `arena_reset`: `reset` after K allocations, K in 10, 10 000, 1 000 000 (target
//!   ≤ 200 ns whatever K), beside `bumpalo::Bump::reset` after the same; only the
//!   reset is timed, by a pair of `Instant::now()` around it, whose own cost is
//!   `timer_only` (the same pair around nothing).
//! - `arena_threads`: 64-byte allocations from one arena by 1 and by 2 threads at
//!   once, shared path and local handles, beside a `BumpPool` guard per thread; the
//!   figure is each thread's own time per allocation (its clock starts after a barrier
//!   both threads wait at), averaged over the threads: ns per allocation per thread.
//!
//! `blink_alloc::SyncBlinkAlloc` is not among the peers: it is behind blink-alloc's
//! `sync` feature, which the dev-dependency does not enable.
//!
//! Run: `cargo bench -p knhk-runtime --bench arena`, then `scripts/bench-medians arena
//! --ratio arena_alloc64/local:arena_alloc64/bumpalo
//! --ratio arena_alloc64/box_new_drop:arena_alloc64/local
//! --ratio arena_alloc64/box_new_drop:arena_alloc64/shared
//! --ratio arena_alloc64/local_batch50:arena_alloc64/bumpalo_batch50
//! --ratio arena_alloc64/box_new_drop:arena_alloc64/local_batch50`.

use allocator_api2::alloc::Allocator;
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use knhk_runtime::arena::Arena;
use std::alloc::Layout;
use std::hint::black_box;
use std::ptr::NonNull;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// A 64-byte value with the alignment of a `u64`, as a record or span would have.
#[derive(Clone, Copy)]
#[allow(dead_code)] // written, never read: only its bytes matter
struct Payload([u64; 8]);

const _: () = assert!(size_of::<Payload>() == 64);

#[inline(always)]
fn payload(i: u64) -> Payload {
    Payload([i; 8])
}

/// Allocations per batch, between two resets: 64 000 bytes, more than L1d holds.
const BATCH: u64 = 1000;
/// Allocations per batch in the `_batch50` figures: 3 200 bytes, inside L1d.
const SMALL_BATCH: u64 = 50;
/// Grows of one block per batch: from 64 bytes by 8 each, so up to 64 + 8 × 256 =
/// 2112 bytes, inside a local handle's first chunk (4 KiB).
const GROWS: u64 = 256;
/// Allocations per thread per round in `arena_threads`.
const ROUND: u64 = 50_000;

/// Runs `batch(n)` for batches of at most `size` until `iters` are done, summing the
/// durations it reports.
fn batched(iters: u64, size: u64, mut batch: impl FnMut(u64) -> Duration) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(size);
        total += batch(n);
        left -= n;
    }
    total
}

fn alloc64(c: &mut Criterion) {
    let mut group = c.benchmark_group("arena_alloc64");

    let mut arena = Arena::with_capacity(1 << 20);
    group.bench_function("local", |b| {
        b.iter_custom(|iters| {
            batched(iters, BATCH, |n| {
                let local = arena.local();
                let start = Instant::now();
                for i in 0..n {
                    black_box(local.alloc(payload(i)));
                }
                let elapsed = start.elapsed();
                drop(local);
                arena.reset();
                elapsed
            })
        })
    });
    group.bench_function("shared", |b| {
        b.iter_custom(|iters| {
            batched(iters, BATCH, |n| {
                let start = Instant::now();
                for i in 0..n {
                    black_box(arena.alloc(payload(i)));
                }
                let elapsed = start.elapsed();
                arena.reset();
                elapsed
            })
        })
    });

    let mut bump = bumpalo::Bump::with_capacity(BATCH as usize * 64 + 4096);
    group.bench_function("bumpalo", |b| {
        b.iter_custom(|iters| {
            batched(iters, BATCH, |n| {
                let start = Instant::now();
                for i in 0..n {
                    black_box(bump.alloc(payload(i)));
                }
                let elapsed = start.elapsed();
                bump.reset();
                elapsed
            })
        })
    });

    let mut scope_bump: bump_scope::Bump =
        bump_scope::Bump::with_capacity(Layout::array::<Payload>(BATCH as usize + 64).unwrap());
    group.bench_function("bump_scope", |b| {
        b.iter_custom(|iters| {
            batched(iters, BATCH, |n| {
                let start = Instant::now();
                for i in 0..n {
                    black_box(scope_bump.alloc(payload(i)).into_mut());
                }
                let elapsed = start.elapsed();
                scope_bump.reset();
                elapsed
            })
        })
    });

    let mut pool: bump_scope::BumpPool = bump_scope::BumpPool::new();
    group.bench_function("bump_scope_pool", |b| {
        b.iter_custom(|iters| {
            batched(iters, BATCH, |n| {
                let guard = pool.get();
                let start = Instant::now();
                for i in 0..n {
                    black_box(guard.alloc(payload(i)).into_mut());
                }
                let elapsed = start.elapsed();
                drop(guard);
                pool.reset();
                elapsed
            })
        })
    });

    // The same in batches of `SMALL_BATCH` (3.2 KB, inside L1d, as a per-request
    // scratch arena rewound after each request would be): the handle is kept and
    // rewound by `scope`, inside its first chunk, so no atomic operation is timed.
    let small = Arena::with_capacity(1 << 16);
    let mut local = small.local();
    black_box(local.alloc(payload(0))); // the handle's first chunk, claimed once
    group.bench_function("local_batch50", |b| {
        b.iter_custom(|iters| {
            batched(iters, SMALL_BATCH, |n| {
                local.scope(|scratch| {
                    let start = Instant::now();
                    for i in 0..n {
                        black_box(scratch.alloc(payload(i)));
                    }
                    start.elapsed()
                })
            })
        })
    });
    assert_eq!(
        local.stats().claimed,
        4096,
        "the batches stayed in one chunk"
    );
    drop(local);
    group.bench_function("shared_batch50", |b| {
        b.iter_custom(|iters| {
            batched(iters, SMALL_BATCH, |n| {
                let start = Instant::now();
                for i in 0..n {
                    black_box(arena.alloc(payload(i)));
                }
                let elapsed = start.elapsed();
                arena.reset();
                elapsed
            })
        })
    });
    group.bench_function("bumpalo_batch50", |b| {
        b.iter_custom(|iters| {
            batched(iters, SMALL_BATCH, |n| {
                let start = Instant::now();
                for i in 0..n {
                    black_box(bump.alloc(payload(i)));
                }
                let elapsed = start.elapsed();
                bump.reset();
                elapsed
            })
        })
    });

    group.bench_function("box_new_drop", |b| {
        let mut i = 0_u64;
        b.iter(|| {
            i += 1;
            drop(black_box(Box::new(payload(i))));
        })
    });
    group.finish();
}

fn handle(c: &mut Criterion) {
    let mut group = c.benchmark_group("arena_handle");
    let arena = Arena::with_capacity(1 << 20);
    group.bench_function("local", |b| b.iter(|| drop(black_box(arena.local()))));
    let pool: bump_scope::BumpPool = bump_scope::BumpPool::new();
    drop(pool.get()); // the pool's one bump, made once
    group.bench_function("bump_scope_pool_get", |b| {
        b.iter(|| drop(black_box(pool.get())))
    });
    group.finish();
}

/// `n` grows by 8 bytes of one block of 64 bytes, timed; and whether the block ended
/// where it started (every grow in place).
fn grow_batch(
    n: u64,
    allocate: impl Fn(Layout) -> NonNull<[u8]>,
    grow: impl Fn(NonNull<u8>, Layout, Layout) -> NonNull<[u8]>,
) -> (Duration, bool) {
    let first = Layout::from_size_align(64, 8).unwrap();
    let mut ptr = allocate(first).cast::<u8>();
    let original = ptr;
    let mut old = first;
    let start = Instant::now();
    for _ in 0..n {
        let new = Layout::from_size_align(old.size() + 8, 8).unwrap();
        ptr = black_box(grow(ptr, old, new)).cast();
        old = new;
    }
    let elapsed = start.elapsed();
    (elapsed, black_box(ptr) == original)
}

fn grow(c: &mut Criterion) {
    let mut group = c.benchmark_group("arena_grow");
    let mut arena = Arena::with_capacity(1 << 20);
    group.bench_function("local", |b| {
        b.iter_custom(|iters| {
            batched(iters, GROWS, |n| {
                let local = arena.local();
                let a = &local;
                let (elapsed, in_place) = grow_batch(
                    n,
                    |l| a.allocate(l).unwrap(),
                    // SAFETY: `p` was allocated by `a` with `old`, and `new` is larger.
                    |p, old, new| unsafe { a.grow(p, old, new).unwrap() },
                );
                assert!(in_place && local.stats().used == 64 + 8 * n as usize);
                drop(local);
                arena.reset();
                elapsed
            })
        })
    });
    group.bench_function("shared", |b| {
        b.iter_custom(|iters| {
            batched(iters, GROWS, |n| {
                let a = &arena;
                let (elapsed, in_place) = grow_batch(
                    n,
                    |l| a.allocate(l).unwrap(),
                    // SAFETY: as above.
                    |p, old, new| unsafe { a.grow(p, old, new).unwrap() },
                );
                assert!(in_place && arena.stats().used == 64 + 8 * n as usize);
                arena.reset();
                elapsed
            })
        })
    });
    let mut bump = bumpalo::Bump::with_capacity(64 * 1024);
    group.bench_function("bumpalo", |b| {
        b.iter_custom(|iters| {
            batched(iters, GROWS, |n| {
                let a = &bump;
                let (elapsed, _) = grow_batch(
                    n,
                    |l| a.allocate(l).unwrap(),
                    // SAFETY: as above.
                    |p, old, new| unsafe { a.grow(p, old, new).unwrap() },
                );
                bump.reset();
                elapsed
            })
        })
    });
    let mut scope_bump: bump_scope::Bump = bump_scope::Bump::with_size(64 * 1024);
    group.bench_function("bump_scope", |b| {
        use bump_scope::alloc::Allocator as _;
        b.iter_custom(|iters| {
            batched(iters, GROWS, |n| {
                let a = &scope_bump;
                let (elapsed, _) = grow_batch(
                    n,
                    |l| a.allocate(l).unwrap(),
                    // SAFETY: as above.
                    |p, old, new| unsafe { a.grow(p, old, new).unwrap() },
                );
                scope_bump.reset();
                elapsed
            })
        })
    });
    group.finish();
}

fn reset(c: &mut Criterion) {
    let mut group = c.benchmark_group("arena_reset");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    let mut arena = Arena::with_capacity(80 << 20);
    let mut bump = bumpalo::Bump::with_capacity(64 << 20);
    for k in [10_u64, 10_000, 1_000_000] {
        group.bench_with_input(BenchmarkId::new("knhk", k), &k, |b, &k| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    {
                        let local = arena.local();
                        for i in 0..k {
                            black_box(local.alloc(payload(i)));
                        }
                    }
                    let start = Instant::now();
                    black_box(&mut arena).reset();
                    total += start.elapsed();
                }
                total
            })
        });
        group.bench_with_input(BenchmarkId::new("bumpalo", k), &k, |b, &k| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    for i in 0..k {
                        black_box(bump.alloc(payload(i)));
                    }
                    let start = Instant::now();
                    black_box(&mut bump).reset();
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.bench_function("timer_only", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                black_box(&mut arena);
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

/// `iters` allocations by each of `threads` threads at once, in rounds of [`ROUND`]
/// with a reset between; each thread times its own allocations after a barrier
/// (`alloc_n` takes the barrier, waits at it once it is ready, and returns its
/// allocations' time). The result is the threads' mean.
fn threaded<S: Sync + ?Sized>(
    iters: u64,
    threads: usize,
    state: &mut S,
    alloc_n: impl Fn(&S, &Barrier, u64) -> Duration + Sync,
    reset: impl Fn(&mut S),
) -> Duration {
    batched(iters, ROUND, |n| {
        let barrier = Barrier::new(threads);
        let shared = &*state;
        let total: Duration = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| s.spawn(|| alloc_n(shared, &barrier, n)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        reset(state);
        total / threads as u32
    })
}

fn threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("arena_threads");
    let mut arena = Arena::with_capacity(16 << 20);
    let mut pool: bump_scope::BumpPool = bump_scope::BumpPool::new();
    for t in [1_usize, 2] {
        group.bench_with_input(BenchmarkId::new("shared", t), &t, |b, &t| {
            b.iter_custom(|iters| {
                threaded(
                    iters,
                    t,
                    &mut arena,
                    |arena, barrier, n| {
                        barrier.wait();
                        let start = Instant::now();
                        for i in 0..n {
                            black_box(arena.alloc(payload(i)));
                        }
                        start.elapsed()
                    },
                    Arena::reset,
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("local", t), &t, |b, &t| {
            b.iter_custom(|iters| {
                threaded(
                    iters,
                    t,
                    &mut arena,
                    |arena, barrier, n| {
                        let local = arena.local();
                        barrier.wait();
                        let start = Instant::now();
                        for i in 0..n {
                            black_box(local.alloc(payload(i)));
                        }
                        start.elapsed()
                    },
                    Arena::reset,
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("bump_scope_pool", t), &t, |b, &t| {
            b.iter_custom(|iters| {
                threaded(
                    iters,
                    t,
                    &mut pool,
                    |pool, barrier, n| {
                        let guard = pool.get();
                        barrier.wait();
                        let start = Instant::now();
                        for i in 0..n {
                            black_box(guard.alloc(payload(i)).into_mut());
                        }
                        start.elapsed()
                    },
                    bump_scope::BumpPool::reset,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, alloc64, handle, grow, reset, threads);
criterion_main!(benches);
