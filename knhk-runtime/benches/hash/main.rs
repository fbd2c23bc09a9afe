//! Hashing against its peers, in one run: `cargo bench -p knhk-runtime --bench hash`.
//!
//! - `fnv1a_batch/*`: scalar FNV-1a loop vs each batch backend (batch.rs);
//! - `xxh3/*`: runtime XXH3 vs `xxhash-rust` (xxh3.rs);
//! - `map/*`: perfect-hash lookup vs `phf`, `match`, `HashMap` and a linear scan (map.rs).

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

mod batch;
mod map;
mod xxh3;

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40);
    targets = batch::benches, xxh3::benches, map::benches
}
criterion_main!(benches);
