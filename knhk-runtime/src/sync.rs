//! The atomics of the runtime's lock-free code (the arena, the circuit breaker):
//! std's, or loom's when a loom model checks it (`--cfg loom`). Code that loom should
//! see takes its atomics from here.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
