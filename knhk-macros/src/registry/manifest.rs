//! The registry manifest (`manifest.yaml`, or Weaver's older `registry_manifest.yaml`)
//! and where its dependencies are on disk.

use super::finding::Finding;
use super::model::{Dependency, Location, Manifest};
use super::yaml::{self, Node};
use super::{DEPENDENCY_PATHS, read};
use std::path::{Path, PathBuf};

const NAMES: [&str; 2] = ["manifest.yaml", "registry_manifest.yaml"];

pub(crate) fn is_manifest(relative: &str) -> bool {
    NAMES.contains(&relative)
}

/// Reads the manifest; a registry without one is a finding (`missing_manifest`).
pub(crate) fn read(root: &Path, findings: &mut Vec<Finding>) -> Option<Manifest> {
    let Some((file, source)) = NAMES
        .iter()
        .find_map(|n| Some((*n, std::fs::read_to_string(root.join(n)).ok()?)))
    else {
        let at = Location {
            file: NAMES[0].to_owned(),
            line: 1,
        };
        findings.push(Finding::new(
            "missing_manifest",
            &at,
            "the registry has no manifest.yaml: write one with `schema_url: https://<host>/schemas/<version>`",
        ));
        return None;
    };
    let at = |n: &Node| Location {
        file: file.to_owned(),
        line: n.line,
    };
    let root_node = match yaml::parse(&source) {
        Ok(n) => n,
        Err(e) => {
            let loc = Location {
                file: file.to_owned(),
                line: e.line,
            };
            findings.push(Finding::new(
                read::INVALID,
                &loc,
                format!("not YAML: {}", e.message),
            ));
            return None;
        }
    };
    let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_owned);
    let deprecated_fields = ["name", "semconv_version", "schema_base_url"]
        .iter()
        .filter_map(|k| Some((k.to_string(), at(root_node.get(k)?))))
        .collect();
    let dependencies = root_node
        .get("dependencies")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|d| Dependency {
            name: text(d, "name"),
            schema_url: text(d, "schema_url"),
            registry_path: text(d, "registry_path"),
            at: at(d),
        })
        .collect();
    Some(Manifest {
        schema_url: text(&root_node, "schema_url"),
        description: text(&root_node, "description"),
        deprecated_fields,
        dependencies,
        at: at(&root_node),
    })
}

/// Where a dependency is on disk: its `registry_path` when that is a directory
/// (relative to the registry root, or absolute); for a URL, the directory
/// `mapping` (the value of `KNHK_REGISTRY_DEPENDENCIES`) maps its `schema_url` to.
pub(crate) fn dependency_dir(
    root: &Path,
    dep: &Dependency,
    mapping: Option<&str>,
    findings: &mut Vec<Finding>,
) -> Option<PathBuf> {
    let Some(path) = &dep.registry_path else {
        findings.push(Finding::new(
            "missing_registry_path",
            &dep.at,
            "a dependency needs a `registry_path`: a local directory, or a URL mapped to one with KNHK_REGISTRY_DEPENDENCIES",
        ));
        return None;
    };
    if !path.contains("://") {
        let dir = root.join(path);
        if dir.is_dir() {
            return Some(dir);
        }
        findings.push(Finding::new(
            "unresolved_dependency",
            &dep.at,
            format!("dependency registry_path `{path}` is not a directory (relative paths start at the registry root)"),
        ));
        return None;
    }
    let url = dep.schema_url.as_deref().unwrap_or("<schema_url>");
    let mapped = mapping.and_then(|v| {
        v.split(';').find_map(|pair| {
            let (u, d) = pair.split_once('=')?;
            (u.trim() == url).then(|| PathBuf::from(d.trim()))
        })
    });
    match mapped {
        Some(dir) if dir.is_dir() => Some(dir),
        Some(dir) => {
            findings.push(Finding::new(
                "unresolved_dependency",
                &dep.at,
                format!(
                    "{DEPENDENCY_PATHS} maps `{url}` to {}, which is not a directory",
                    dir.display()
                ),
            ));
            None
        }
        None => {
            findings.push(Finding::new(
                "unresolved_dependency",
                &dep.at,
                format!(
                    "dependency `{url}` has registry_path `{path}`, a URL, which a build cannot download: \
                     fetch it once and set {DEPENDENCY_PATHS}=\"{url}=/path/to/its/model\" \
                     (`;` between several), or make registry_path a local directory"
                ),
            ));
            None
        }
    }
}
