//! Recording from several threads loses no count.

use knhk_runtime::{hot_path, report};
use std::hint::black_box;

#[hot_path(8, name = "threads.step", measure = "always")]
fn step(x: u64) -> u64 {
    x.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[test]
fn two_threads_times_100k_calls_lose_no_count() {
    const CALLS: u64 = 100_000;
    let threads: Vec<_> = (0..2)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..CALLS {
                    black_box(step(black_box(i ^ t)));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Threads that have exited keep their counts.
    let report = report();
    let stats = &report.path("threads.step").unwrap().stats;
    assert_eq!(stats.calls, 2 * CALLS);
    assert_eq!(
        stats.histogram.iter().map(|&(_, _, n)| n).sum::<u64>(),
        2 * CALLS
    );
}
