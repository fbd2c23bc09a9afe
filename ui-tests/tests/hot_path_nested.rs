//! Nested paths: the runtime's own bookkeeping never counts as the user's. In its own
//! binary, with the counting allocator installed and a subscriber that allocates.

use knhk_runtime::alloc::{CountingAllocator, thread_allocations};
use knhk_runtime::{hot_path, report, warm_path};
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use tracing_subscriber::layer::{Context, SubscriberExt};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

/// Keeps every event's name: allocates on each event it sees.
#[derive(Clone, Default)]
struct Keep(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Keep {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", event.metadata().name(), "seen"));
    }
}

#[hot_path(8, name = "nested.inner", measure = "always")]
fn inner(x: u64) -> u64 {
    x.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A loop against a one-tick budget: every call is over it, so it emits an event (at
/// most one per second) from inside whatever window encloses it.
#[warm_path(1, name = "nested.inner_over", measure = "always")]
fn inner_over(x: u64) -> u64 {
    (0..200).fold(x, |a, i| black_box(a.rotate_left(7) ^ i))
}

/// Clean itself; calls two measured paths.
#[hot_path(8, name = "nested.outer", measure = "always")]
fn outer(x: u64) -> u64 {
    inner(x) ^ inner_over(x)
}

#[test]
fn a_clean_path_calling_measured_paths_makes_no_allocation_on_first_or_later_calls() {
    let seen = Keep::default();
    // On a new thread, so the first call claims the thread's shards inside `outer`'s
    // window (and, in this binary, calibrates there too).
    let (first, later, made) = std::thread::scope(|s| {
        s.spawn(|| {
            let _default =
                tracing::subscriber::set_default(tracing_subscriber::registry().with(seen.clone()));
            let before = thread_allocations();
            black_box(outer(black_box(1)));
            let mut made = thread_allocations() - before;
            let first = report();
            let before = thread_allocations();
            for i in 0..1_000 {
                black_box(outer(black_box(i)));
            }
            made += thread_allocations() - before;
            (first, report(), made)
        })
        .join()
        .unwrap()
    });
    // The bookkeeping allocated (shards, the claims table, the subscriber's strings),
    // yet none of it is the thread's either.
    assert_eq!(made, 0, "allocations seen by the thread");
    assert!(
        seen.0
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.starts_with("knhk.performance")),
        "the over-budget event was emitted inside `outer`'s window"
    );

    for (when, report) in [("first call", &first), ("1001 calls", &later)] {
        assert!(report.allocations_counted);
        for name in ["nested.outer", "nested.inner", "nested.inner_over"] {
            let stats = &report.path(name).unwrap().stats;
            assert!(stats.calls >= 1, "{when}: {name} was called");
            assert_eq!(stats.allocations, Some(0), "{when}: {name}");
            assert_eq!(stats.alloc_violations, Some(0), "{when}: {name}");
        }
    }
    assert_eq!(later.path("nested.outer").unwrap().stats.calls, 1_001);
    assert_eq!(
        later.path("nested.inner_over").unwrap().stats.over_budget,
        1_001
    );
}
