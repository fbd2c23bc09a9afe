//! `cargo bench -p knhk-runtime --bench resilience`: error context (`context.rs`) and
//! the circuit breaker (`breaker.rs`), in one run.

use criterion::{criterion_group, criterion_main};

mod breaker;
mod context;

criterion_group!(benches, context::benches, breaker::benches);
criterion_main!(benches);
