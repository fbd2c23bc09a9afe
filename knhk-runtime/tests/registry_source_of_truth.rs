//! The registry is the source of truth: a copy of the workspace whose registry no longer
//! declares an attribute the runtime emits does not build.
//!
//! The copy is checked twice with cargo, in a target directory of its own under the
//! workspace's: unchanged (it builds, so the failure after is the edit's) and with
//! `lockchain.discarded_bytes` removed from `knhk/lockchain.yaml`, its definition and the
//! event's `ref` to it (the registry is then valid, and only the runtime's `event!` is
//! wrong). Offline: the workspace's lock file and the registry's caches are enough.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("knhk-runtime is in the workspace")
        .to_owned()
}

/// Copies the sources of `from` into `to`: everything but `target` and `.git`.
fn copy_sources(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_sources(&entry.path(), &to.join(&name));
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// `cargo check -p knhk-runtime` in `root`: whether it succeeded, and what it printed.
fn check(root: &Path, target: &Path) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--quiet",
            "-p",
            "knhk-runtime",
            "--message-format=short",
        ])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        // The copy's own flags, not those of the build running this test.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `text` without the lines of the YAML block that starts with the line `first`: that
/// line and those after it indented deeper than it.
fn without_block(text: &str, first: &str) -> String {
    let indent = first.len() - first.trim_start().len();
    let mut out = String::new();
    let mut skipping = false;
    let mut found = false;
    for line in text.lines() {
        if line == first {
            skipping = true;
            found = true;
            continue;
        }
        if skipping {
            let deeper = line.len() - line.trim_start().len() > indent;
            if deeper && !line.trim().is_empty() {
                continue;
            }
            skipping = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(found, "no line `{first}`");
    out
}

#[test]
fn removing_an_emitted_attribute_from_the_registry_breaks_the_runtime_build() {
    let workspace = workspace();
    let copy = tempfile::tempdir().unwrap();
    copy_sources(&workspace, copy.path());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("tests")
        .join("registry-edit");

    let (built, stderr) = check(copy.path(), &target);
    assert!(built, "the unchanged copy must build:\n{stderr}");

    let file = copy
        .path()
        .join("knhk-runtime/registry/knhk/lockchain.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let yaml = without_block(&yaml, "      - id: lockchain.discarded_bytes");
    let yaml = without_block(&yaml, "      - ref: lockchain.discarded_bytes");
    assert!(!yaml.contains("lockchain.discarded_bytes"), "{yaml}");
    std::fs::write(&file, yaml).unwrap();

    let (built, stderr) = check(copy.path(), &target);
    assert!(
        !built,
        "the runtime built without `lockchain.discarded_bytes`"
    );
    // The failure is the event that records it, named at the attribute.
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("knhk-runtime/src/telemetry/emit.rs:")
                && l.contains("lockchain.discarded_bytes")),
        "{stderr}"
    );
    assert!(
        stderr.contains("knhk.lockchain.tail_discarded"),
        "the error names the event:\n{stderr}"
    );
}
