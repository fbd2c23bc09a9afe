//! What knhk's macros and types do when the program runs: hot and warm paths, builders,
//! static maps and sets, spans, error context. One binary, so that the workspace links one test
//! program for all of them.
//!
//! Every module shares the process, and so its global allocator: the counting one,
//! which counts per thread, so that a test's allocation counts are its own. Tests that
//! need the process to themselves stay in binaries of their own: `hot_path_reset`
//! (zeroes every path), `hot_path_feature` (run in release builds by name), and the two
//! that capture events with a scoped `tracing` subscriber, `hot_path_events` and
//! `hot_path_nested`: run beside the other modules, whose threads hit the same callsite
//! with no subscriber, `hot_path_events`' scoped subscriber was seen to miss its event.

use knhk_runtime::alloc::CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

mod builder;
mod builder_alloc;
mod error_context;
mod hot_path_alloc;
mod hot_path_names;
mod hot_path_registry;
mod hot_path_threads;
mod hot_path_verdicts;
mod span;
mod static_map;
