//! The circuit breaker's closed path: a call through it against the bare call, and
//! against `failsafe` and `recloser` in the same configuration, on one thread and on
//! two threads sharing one breaker (time per call per thread).
//!
//! Configurations: knhk's count window of 100 calls (50 %, minimum 100, no slow-call
//! detection) against recloser's ring of 100 (`error_rate(0.5)`, `closed_len(100)`);
//! knhk's consecutive mode (5 failures) against failsafe's `consecutive_failures(5)`;
//! knhk's 30-second time window (50 %, minimum 100) against failsafe's
//! `success_rate_over_time_window(0.5, 100, 30 s)`; knhk's count window with slow-call
//! detection (two clock reads). Every call succeeds, so every breaker stays closed.

use criterion::{BenchmarkId, Criterion};
use failsafe::CircuitBreaker as _;
use knhk_runtime::breaker::{BreakerConfig, CircuitBreaker};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Knhk = CircuitBreaker<u64, ()>;

fn knhk(config: BreakerConfig) -> Knhk {
    CircuitBreaker::builder()
        .config(config.wait_in_open(Duration::from_secs(60)))
        .build()
        .unwrap()
}

fn count() -> BreakerConfig {
    BreakerConfig::new()
        .count_window(100)
        .minimum_calls(100)
        .failure_rate_threshold(50.0)
}

fn recloser() -> recloser::Recloser {
    recloser::Recloser::custom()
        .error_rate(0.5)
        .closed_len(100)
        .half_open_len(10)
        .open_wait(Duration::from_secs(60))
        .build()
}

fn failsafe_consecutive() -> impl failsafe::CircuitBreaker + Send + Sync {
    failsafe::Config::new()
        .failure_policy(failsafe::failure_policy::consecutive_failures(
            5,
            failsafe::backoff::constant(Duration::from_secs(60)),
        ))
        .build()
}

fn failsafe_time() -> impl failsafe::CircuitBreaker + Send + Sync {
    failsafe::Config::new()
        .failure_policy(failsafe::failure_policy::success_rate_over_time_window(
            0.5,
            100,
            Duration::from_secs(30),
            failsafe::backoff::constant(Duration::from_secs(60)),
        ))
        .build()
}

/// The protected work: a value the optimiser cannot see through.
#[inline(always)]
fn work(x: u64) -> Result<u64, ()> {
    Ok(black_box(x))
}

/// Every contender as a closure making one call.
/// One call through a contender.
type Call = Arc<dyn Fn(u64) -> u64 + Send + Sync>;

fn contenders() -> Vec<(&'static str, Call)> {
    let count_b = Arc::new(knhk(count()));
    let slow_b = Arc::new(knhk(
        count().slow_call_duration_threshold(Duration::from_secs(1)),
    ));
    let time_b = Arc::new(knhk(
        BreakerConfig::new()
            .time_window(30)
            .minimum_calls(100)
            .failure_rate_threshold(50.0),
    ));
    let consecutive_b = Arc::new(knhk(BreakerConfig::consecutive(
        5,
        1,
        Duration::from_secs(60),
    )));
    let recloser_b = Arc::new(recloser());
    let failsafe_c = Arc::new(failsafe_consecutive());
    let failsafe_t = Arc::new(failsafe_time());
    vec![
        ("bare", Arc::new(|x| work(x).unwrap_or(0))),
        (
            "knhk_count",
            Arc::new(move |x| count_b.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "recloser_count",
            Arc::new(move |x| recloser_b.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "knhk_consecutive",
            Arc::new(move |x| consecutive_b.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "failsafe_consecutive",
            Arc::new(move |x| failsafe_c.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "knhk_time",
            Arc::new(move |x| time_b.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "failsafe_time",
            Arc::new(move |x| failsafe_t.call(|| work(x)).unwrap_or(0)),
        ),
        (
            "knhk_count_slow_calls",
            Arc::new(move |x| slow_b.call(|| work(x)).unwrap_or(0)),
        ),
    ]
}

pub(crate) fn benches(c: &mut Criterion) {
    report_allocations();
    // Direct calls, so each contender's path inlines into the loop as a user's would.
    {
        let mut g = c.benchmark_group("breaker_closed");
        let count_b = knhk(count());
        let slow_b = knhk(count().slow_call_duration_threshold(Duration::from_secs(1)));
        let time_b = knhk(
            BreakerConfig::new()
                .time_window(30)
                .minimum_calls(100)
                .failure_rate_threshold(50.0),
        );
        let consecutive_b = knhk(BreakerConfig::consecutive(5, 1, Duration::from_secs(60)));
        let recloser_b = recloser();
        let failsafe_c = failsafe_consecutive();
        let failsafe_t = failsafe_time();
        let mut x = 0_u64;
        g.bench_function("bare", |b| {
            b.iter(|| {
                x += 1;
                work(x)
            })
        });
        g.bench_function("knhk_count", |b| {
            b.iter(|| {
                x += 1;
                count_b.call(|| work(x))
            })
        });
        g.bench_function("recloser_count", |b| {
            b.iter(|| {
                x += 1;
                recloser_b.call(|| work(x))
            })
        });
        g.bench_function("knhk_consecutive", |b| {
            b.iter(|| {
                x += 1;
                consecutive_b.call(|| work(x))
            })
        });
        g.bench_function("failsafe_consecutive", |b| {
            b.iter(|| {
                x += 1;
                failsafe_c.call(|| work(x))
            })
        });
        g.bench_function("knhk_time", |b| {
            b.iter(|| {
                x += 1;
                time_b.call(|| work(x))
            })
        });
        g.bench_function("failsafe_time", |b| {
            b.iter(|| {
                x += 1;
                failsafe_t.call(|| work(x))
            })
        });
        g.bench_function("knhk_count_slow_calls", |b| {
            b.iter(|| {
                x += 1;
                slow_b.call(|| work(x))
            })
        });
        g.bench_function("tick_now_fenced", |b| b.iter(knhk_runtime::tick::now));
        g.bench_function("tick_clock_read", |b| {
            use knhk_runtime::breaker::{Clock, TickClock};
            let clock = TickClock::new();
            b.iter(|| clock.now_nanos())
        });
        g.finish();
    }
    // Two threads calling one breaker: time per call on each thread.
    let mut g = c.benchmark_group("breaker_closed_2_threads");
    for (name, call) in contenders() {
        g.bench_with_input(BenchmarkId::from_parameter(name), &call, |b, call| {
            b.iter_custom(|iters| {
                let start = Arc::new(std::sync::Barrier::new(2));
                let threads: Vec<_> = (0..2)
                    .map(|t| {
                        let (call, start) = (call.clone(), start.clone());
                        std::thread::spawn(move || {
                            start.wait();
                            let began = Instant::now();
                            let mut sum = 0_u64;
                            for i in 0..iters {
                                sum = sum.wrapping_add(call(i ^ t));
                            }
                            black_box(sum);
                            began.elapsed()
                        })
                    })
                    .collect();
                threads
                    .into_iter()
                    .map(|t| t.join().unwrap())
                    .max()
                    .unwrap_or_default()
            })
        });
    }
    g.finish();
}

/// Allocations made by closed-path calls, when the bench binary counts them.
fn report_allocations() {
    use knhk_runtime::alloc::{is_installed, thread_allocations};
    let breakers = [
        ("count", knhk(count())),
        (
            "count + slow calls",
            knhk(count().slow_call_duration_threshold(Duration::from_secs(1))),
        ),
        ("time", knhk(BreakerConfig::new().time_window(30))),
        (
            "consecutive",
            knhk(BreakerConfig::consecutive(5, 1, Duration::from_secs(60))),
        ),
    ];
    for (name, breaker) in &breakers {
        let _ = breaker.call(|| work(0));
        let before = thread_allocations();
        for i in 0..10_000 {
            let _ = black_box(breaker.call(|| work(i)));
        }
        let made = thread_allocations() - before;
        if is_installed() {
            println!("breaker {name}: {made} allocations in 10 000 closed calls");
        }
    }
}
