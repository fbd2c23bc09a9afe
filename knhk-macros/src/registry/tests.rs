//! The loader on the OpenTelemetry semantic conventions (`KNHK_SEMCONV_DIR`), on
//! knhk's own registry, and on one broken fixture per rule.

use super::*;
use std::collections::BTreeSet;

/// The semantic-conventions model directory; a test that needs it fails (rather than
/// passing without having checked anything) when the variable is unset.
fn semconv_dir() -> PathBuf {
    let dir = std::env::var_os("KNHK_SEMCONV_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .expect("KNHK_SEMCONV_DIR is unset: set it to the absolute path of the OpenTelemetry semantic-conventions model directory");
    assert!(dir.is_absolute() && dir.join("manifest.yaml").is_file(), "{} is not a semantic-conventions model directory", dir.display());
    dir
}

/// Attribute names the model defines, counted without the loader: another YAML parser
/// (serde_yaml_ng), v1 `groups[].attributes[].id` and v2 `attributes[].key`.
fn independent_attribute_names(dir: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml") && p.file_name().is_some_and(|n| n != "manifest.yaml") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut names = BTreeSet::new();
    for f in files {
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let str_of = |v: &serde_yaml_ng::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        for g in v.get("groups").and_then(|g| g.as_sequence()).into_iter().flatten() {
            for a in g.get("attributes").and_then(|a| a.as_sequence()).into_iter().flatten() {
                names.extend(str_of(a, "id"));
            }
        }
        for a in v.get("attributes").and_then(|a| a.as_sequence()).into_iter().flatten() {
            names.extend(str_of(a, "key"));
        }
    }
    names
}

#[test]
#[ignore = "needs KNHK_SEMCONV_DIR; scripts/test runs it"]
fn reads_the_whole_semantic_conventions_and_resolves_every_reference() {
    let dir = semconv_dir();
    let mut findings = Vec::new();
    let files = read_dir(&dir, &mut findings);
    let v2 = files.iter().filter(|f| std::fs::read_to_string(&f.path).unwrap().contains("file_format: definition/2")).count();
    let registry = resolve::resolve_all(files, &mut findings);
    let shown: Vec<String> = findings.iter().take(20).map(ToString::to_string).collect();
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), shown.join("\n"));
    let expected = independent_attribute_names(&dir);
    let loaded: BTreeSet<String> = registry.attributes.keys().cloned().collect();
    assert_eq!(loaded, expected);
    // 940 in 1.44: a floor, so a loader that reads nothing cannot pass with an empty oracle.
    assert!(expected.len() >= 900, "{}", expected.len());
    assert!(v2 >= 30, "{v2} v2 files");
    // Spot checks: a v2 attribute, referenced from a v1 span, with its type.
    let port = &registry.attributes["server.port"];
    assert_eq!(port.ty, Some(model::AttrType::Primitive(model::Primitive::Int)));
    eprintln!("{} attributes, {} groups", loaded.len(), registry.groups.len());
}
