//! `#[builder(start_fn = .., finish_fn = ..)]`, and a field named `build` once the
//! finishing method has another name.

use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(start_fn = new, finish_fn = finish)]
struct Job {
    name: &'static str,
    build: u32,
}

#[derive(Builder)]
#[builder(finish_fn = done)]
struct Only {
    x: i8,
}

fn main() {
    let job = Job::new().build(7).name("ci").finish();
    assert_eq!((job.name, job.build), ("ci", 7));
    assert_eq!(Only::builder().x(-1).done().x, -1);
}
