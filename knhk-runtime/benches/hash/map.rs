//! Group `map`: string-key lookups in a `StaticMap` against `phf::Map`, a `match`, a
//! `std::collections::HashMap` and a linear scan of `&[(&str, u32)]`, with 8, 64, 1024
//! and 10 000 keys (`tests/data/keys_*.rs`, attribute-like names of 1 to 50 bytes).
//!
//! Each iteration makes `LOOKUPS` lookups, taking the next `LOOKUPS` of at least
//! `QUERIES` queries: every key once per round, each round in a new random order. So
//! the 10 000-key maps are measured with their whole working set, not with a few keys
//! kept in cache; and the small maps are not looked up in one short sequence repeated
//! every iteration, which the branch predictor learns (in a trial that made the 8-key
//! map look 1.4x faster than a random order does). The queries are copies (not the map's own
//! `&'static str`s) laid out one after the other in one buffer, in the order they are
//! looked up, as a parser would hand them over: separately allocated `String`s would
//! add cache misses that grow with the number of keys but belong to the queries, not to
//! the map. `*_hit` looks up present keys; `*_miss` absent ones, half
//! of them a key with its last byte changed (same length: a full comparison) and half a
//! key with one byte appended. Ids: `map/<impl>_<hit|miss>/<keys>`.
//!
//! `match` is left out at 10 000 keys: a 10 000-arm `match` on `&str` takes over three
//! minutes to compile in release here (1024 arms: 9 s), for a lookup that is a chain of
//! comparisons (measured once: 404 ns per hit, 941 ns per miss).

use criterion::{BenchmarkId, Criterion, Throughput};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;

/// Lookups per iteration.
const LOOKUPS: usize = 256;

/// The same entries as a `StaticMap`, a `phf::Map` and a slice.
macro_rules! tables {
    ($($key:tt => $value:tt,)*) => {
        knhk_runtime::static_map! {
            pub(crate) static KNHK: StaticMap<&'static str, u32> = { $($key => $value),* };
        }
        pub(crate) static PHF: phf::Map<&'static str, u32> = phf::phf_map! { $($key => $value),* };
        pub(crate) static KEYS: &[(&str, u32)] = &[$(($key, $value)),*];
    };
}

/// `tables!` and a `match`.
macro_rules! forms {
    ($($key:tt => $value:tt,)*) => {
        tables! { $($key => $value,)* }
        pub(crate) fn by_match(key: &str) -> Option<u32> {
            match key {
                $($key => Some($value),)*
                _ => None,
            }
        }
    };
}

mod k8 {
    macro_rules! keys { ($($t:tt)*) => { forms! { $($t)* } }; }
    include!("../../tests/data/keys_8.rs");
}
mod k64 {
    macro_rules! keys { ($($t:tt)*) => { forms! { $($t)* } }; }
    include!("../../tests/data/keys_64.rs");
}
mod k1024 {
    macro_rules! keys { ($($t:tt)*) => { forms! { $($t)* } }; }
    include!("../../tests/data/keys_1024.rs");
}
mod k10000 {
    macro_rules! keys { ($($t:tt)*) => { tables! { $($t)* } }; }
    include!("../../tests/data/keys_10000.rs");
}

/// Queries per size: enough that no sequence of lookups repeats within a benchmark,
/// whatever the number of keys.
const QUERIES: usize = 16_384;

/// A fixed shuffle (xorshift), one per `round`, so every run looks keys up in the same
/// order.
fn shuffle<T>(items: &mut [T], round: u64) {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ round.wrapping_mul(0x2545_f491_4f6c_dd1d);
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

/// At least `QUERIES` queries: every key (or every miss) once per round, in a new order
/// each round, as one buffer and the length of each query in it.
fn queries(keys: &[(&str, u32)], miss: bool) -> Queries {
    let one_round: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, (key, _))| {
            if !miss {
                (*key).to_owned()
            } else if i % 2 == 0 {
                let mut changed = (*key).to_owned();
                let last = changed.pop().unwrap_or('a');
                changed.push(if last == '~' { '}' } else { '~' });
                changed
            } else {
                format!("{key}~")
            }
        })
        .collect();
    if miss {
        let present: HashSet<&str> = keys.iter().map(|(k, _)| *k).collect();
        assert!(one_round.iter().all(|q| !present.contains(q.as_str())));
    }
    let mut queries = Vec::new();
    let mut round = 0;
    while queries.len() < QUERIES {
        let mut this_round = one_round.clone();
        shuffle(&mut this_round, round);
        queries.extend(this_round);
        round += 1;
    }
    Queries {
        lengths: queries.iter().map(String::len).collect(),
        buffer: queries.concat(),
    }
}

/// Queries one after the other in one buffer.
struct Queries {
    buffer: String,
    lengths: Vec<usize>,
}

impl Queries {
    fn views(&self) -> Vec<&str> {
        let mut at = 0;
        self.lengths
            .iter()
            .map(|&len| {
                at += len;
                &self.buffer[at - len..at]
            })
            .collect()
    }
}

/// Times `lookup` over successive windows of `LOOKUPS` queries.
fn run(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    size: usize,
    queries: &Queries,
    lookup: impl Fn(&str) -> Option<u32>,
) {
    let queries = queries.views();
    // Every form must agree before its time means anything.
    let expected: usize = queries.iter().filter(|q| lookup(q).is_some()).count();
    assert!(
        expected == 0 || expected == queries.len(),
        "{name}: mixed hits and misses"
    );
    let mut start = 0;
    group.bench_function(BenchmarkId::new(name, size), |b| {
        b.iter(|| {
            if start + LOOKUPS > queries.len() {
                start = 0;
            }
            let mut sum = 0_u32;
            for query in &queries[start..start + LOOKUPS] {
                if let Some(value) = lookup(black_box(query)) {
                    sum = sum.wrapping_add(value);
                }
            }
            start += LOOKUPS;
            black_box(sum)
        })
    });
}

/// Every form of one size, each called directly (`$by_match` is a function item, not
/// a pointer, so the `match` can be inlined as the maps' lookups are).
macro_rules! bench_size {
    ($group:expr, $module:ident, $by_match:expr) => {{
        let size = $module::KEYS.len();
        let hash_map: HashMap<&'static str, u32> = $module::KEYS.iter().copied().collect();
        for miss in [false, true] {
            let queries = queries($module::KEYS, miss);
            let suffix = if miss { "miss" } else { "hit" };
            run($group, &format!("knhk_{suffix}"), size, &queries, |q| {
                $module::KNHK.get(q).copied()
            });
            run($group, &format!("phf_{suffix}"), size, &queries, |q| {
                $module::PHF.get(q).copied()
            });
            if let Some(by_match) = $by_match {
                run($group, &format!("match_{suffix}"), size, &queries, by_match);
            }
            run($group, &format!("hashmap_{suffix}"), size, &queries, |q| {
                hash_map.get(q).copied()
            });
            run($group, &format!("linear_{suffix}"), size, &queries, |q| {
                $module::KEYS.iter().find(|(k, _)| *k == q).map(|(_, v)| *v)
            });
        }
    }};
}

pub(crate) fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("map");
    group.throughput(Throughput::Elements(LOOKUPS as u64));
    bench_size!(&mut group, k8, Some(k8::by_match));
    bench_size!(&mut group, k64, Some(k64::by_match));
    bench_size!(&mut group, k1024, Some(k1024::by_match));
    bench_size!(&mut group, k10000, None::<fn(&str) -> Option<u32>>);
    group.finish();
}
