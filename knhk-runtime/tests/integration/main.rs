//! The runtime's own integration tests, without the macros: XXH3 against its oracle,
//! batch hashing, the arena under three threads' million allocations, and the lockchain (bad files, tampering, Merkle proofs
//! against ct-merkle, `MmapStorage`, reports sealed by an earlier format). One binary,
//! so that the workspace links one test program for all of them.
//!
//! Tests that need the process to themselves stay in binaries of their own:
//! `lockchain_basic` (captures the recovery warning with a scoped `tracing` subscriber,
//! which other lockchain tests' reopenings would hit from other threads),
//! `lockchain_crash` (spawns children: each fork holds, until its exec, a copy of every
//! file the process has open, and with it the lock of another test's lockchain, which
//! then fails to open as `Locked`),
//! `nested_counter` (installs a fake counter and the calibration) and `registry` (run
//! by name when the semantic conventions are present).

mod arena_stress;
mod breaker;
#[cfg(feature = "lockchain")]
mod lockchain_bad_files;
#[cfg(feature = "lockchain")]
mod lockchain_tamper;
#[cfg(feature = "lockchain")]
#[path = "../lockchain_util/mod.rs"]
mod lockchain_util;
#[cfg(feature = "lockchain")]
mod merkle_oracle;
#[cfg(feature = "lockchain")]
mod mmap_storage;
mod report_svg;
#[cfg(feature = "lockchain")]
mod report_v1;
mod simd_batch;
mod xxh3_oracle;
