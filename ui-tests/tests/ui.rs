//! Compile-time behaviour of the macros and of the runtime's types (a lockchain or
//! storage reader has no way to write): what compiles and runs, and what is rejected
//! with which message.
//!
//! Regenerate the `.stderr` snapshots with `TRYBUILD=overwrite` and read the diff.

#[test]
fn ui() {
    // trybuild builds each case in a project of its own, elsewhere: the cases name their
    // fixture registries from this variable, an explicit base (`$KNHK_UI_REGISTRIES/..`).
    // SAFETY: this binary's only test sets it before any thread that reads the
    // environment exists; the builds trybuild starts inherit it.
    unsafe {
        std::env::set_var(
            "KNHK_UI_REGISTRIES",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/registries"),
        );
    }
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/**/*.rs");
    t.compile_fail("tests/ui/fail/**/*.rs");
}
