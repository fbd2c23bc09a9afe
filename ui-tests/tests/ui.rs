//! Compile-time behaviour of the macros and of the runtime's types (a lockchain or
//! storage reader has no way to write): what compiles and runs, and what is rejected
//! with which message.
//!
//! Regenerate the `.stderr` snapshots with `TRYBUILD=overwrite` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/**/*.rs");
    t.compile_fail("tests/ui/fail/**/*.rs");
}
