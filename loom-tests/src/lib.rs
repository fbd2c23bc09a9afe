//! loom models of knhk-runtime's lock-free code; see `tests/`. Run them with
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p knhk-loom-tests --release
//! ```
//!
//! Built without `--cfg loom` (as `cargo test --workspace` builds it), the models are
//! left out.
