//! `ContextResult` allocates nothing while nothing fails, and once for its chain when
//! something does.

use knhk_runtime::alloc::thread_allocations;
use knhk_runtime::error::{ContextResult, ResultExt};
use std::hint::black_box;

#[derive(Debug)]
struct Bad(u32);

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {} refused", self.0)
    }
}

/// Five steps, each with a static breadcrumb and a lazy one.
fn five_steps(input: u32, fail_at: u32) -> ContextResult<u32, Bad> {
    let step = |n: u32| {
        move |v: u32| {
            let r = if n == fail_at { Err(Bad(n)) } else { Ok(v + n) };
            r.into_context()
                .context("a step")
                .with_context(|| format!("step {n} of 5 failed on {v}"))
        }
    };
    Ok::<u32, Bad>(input)
        .into_context()
        .context("reading the request")
        .and_then(step(1))
        .and_then(step(2))
        .and_then(step(3))
        .and_then(step(4))
        .and_then(step(5))
}

#[test]
fn the_ok_path_of_a_five_step_chain_allocates_nothing() {
    // The counter works here: a Vec is seen.
    let before = thread_allocations();
    black_box(vec![1_u8; 8]);
    assert_eq!(thread_allocations() - before, 1);

    let before = thread_allocations();
    let r = five_steps(black_box(10), 0);
    let contexts = r.contexts().count();
    let value = r.into_result().unwrap();
    black_box(value);
    assert_eq!(thread_allocations() - before, 0, "the Ok path allocated");
    assert_eq!((value, contexts), (25, 4)); // six breadcrumbs, the four newest kept

    // A `String` context on the Ok path costs what building it costs: one allocation,
    // made by the caller, none by the context.
    let before = thread_allocations();
    let message = String::from("owned");
    let r = Ok::<u32, Bad>(1).into_context().context(message);
    black_box(&r);
    drop(r);
    assert_eq!(thread_allocations() - before, 1);
}

#[test]
fn the_error_path_allocates_for_the_lazy_context_and_once_for_the_chain() {
    // Failing at step 3: six contexts, more than the four kept inline, so the chain
    // moves to the heap when the failure joins it; `into_result` then moves that.
    let before = thread_allocations();
    let e = five_steps(black_box(10), 3).into_result().unwrap_err();
    assert_eq!(
        thread_allocations() - before,
        2,
        "the lazy context's String, and one allocation for the chain"
    );
    // Steps 1 and 2 left their static breadcrumbs; step 3 its static and lazy ones.
    assert_eq!(
        e.to_string(),
        "step 3 of 5 failed on 13: a step: a step: a step: reading the request: step 3 refused"
    );
    // Failing at step 1: three contexts, inline until `into_result` allocates.
    let r = five_steps(black_box(10), 1);
    let before = thread_allocations();
    let e = r.into_result().unwrap_err();
    assert_eq!(
        thread_allocations() - before,
        1,
        "one allocation for the chain"
    );
    assert_eq!(e.contexts().len(), 3);
}
