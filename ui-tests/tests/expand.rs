//! What the macros generate, as `cargo expand` shows it.
//!
//! Regenerate the `.expanded.rs` snapshots with `MACROTEST=overwrite` and read the diff.
//! Needs `cargo-expand` (`scripts/test` installs it when missing).

use std::path::Path;

/// `--config` that remaps the workspace root out of `file!()`.
///
/// The expansion spells out `file!()`, and macrotest compiles each input by its
/// absolute path; remapping the workspace root makes the snapshots read
/// `ui-tests/tests/expand/..`, as a build in the workspace would, on any checkout.
/// (A `RUSTFLAGS` in the environment replaces `build.rustflags`, and with it this.)
fn remap_workspace() -> String {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir.parent().unwrap_or(manifest_dir);
    let prefix = format!("{}{}", workspace.display(), std::path::MAIN_SEPARATOR);
    let toml_string = prefix.replace('\\', "\\\\").replace('"', "\\\"");
    format!("build.rustflags=[\"--remap-path-prefix={toml_string}=\"]")
}

#[test]
fn expand() {
    // The `event!` case names its fixture registry from this variable, as the trybuild
    // cases do (macrotest expands each input in a project of its own).
    // SAFETY: this binary's only test sets it before any thread that reads the
    // environment exists; the expansions macrotest starts inherit it.
    unsafe {
        std::env::set_var(
            "KNHK_UI_REGISTRIES",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/registries"),
        );
    }
    let remap = remap_workspace();
    // A debug build: measured unless the path says `measure = "never"`.
    macrotest::expand_args("tests/expand/*.rs", ["--config", remap.as_str()]);
    // A release build without knhk-runtime's feature `measure`: a path with no
    // `measure` argument expands to the function exactly as written.
    macrotest::expand_args(
        "tests/expand_release/*.rs",
        ["--release", "--config", remap.as_str()],
    );
    // One file, not a glob: the expansion spells out `module_path!()`, which is the name
    // of the crate macrotest builds. A glob names it by the file's place in the listing
    // (`macrotest003`), which moves when a file is added; one file is named by its stem.
    for file in [
        "tests/expand_telemetry/event_checked.rs",
        "tests/expand_telemetry/instrument_derive.rs",
        "tests/expand_named/impl_paths.rs",
    ] {
        macrotest::expand_args(file, ["--config", remap.as_str()]);
    }
}
