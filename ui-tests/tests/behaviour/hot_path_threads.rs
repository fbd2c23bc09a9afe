//! Recording from several threads loses no count.

use knhk_runtime::{hot_path, report};
use std::hint::black_box;
use std::sync::{Arc, Barrier};

#[hot_path(8, name = "threads.step", measure = "always")]
fn step(x: u64) -> u64 {
    x.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[test]
fn two_threads_times_100k_calls_lose_no_count() {
    const THREADS: u64 = 2;
    const CALLS: u64 = 100_000;
    // Released together, so the threads record at the same time rather than one after
    // the other.
    let start = Arc::new(Barrier::new(THREADS as usize));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                // Kept outside the measured function, so it checks the runtime's count
                // rather than restating it (`calls` is the histogram's sum).
                let mut made = 0u64;
                for i in 0..CALLS {
                    black_box(step(black_box(i ^ t)));
                    made += 1;
                }
                made
            })
        })
        .collect();
    let made: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    // Threads that have exited keep their counts.
    let report = report();
    let stats = &report.path("threads.step").unwrap().stats;
    assert_eq!(stats.calls, made);
}
