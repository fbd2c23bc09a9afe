//! See main.rs.

use criterion::Criterion;

pub(crate) fn benches(_c: &mut Criterion) {}
