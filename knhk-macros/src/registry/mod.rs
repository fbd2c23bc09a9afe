//! Weaver registries: the loader and checker behind the registry-aware macros.
//!
//! [`load`] reads a registry directory (its `manifest.yaml`, every other `*.yaml`
//! below it in Weaver's v1 `groups:` format or `file_format: definition/2`, and the
//! dependencies the manifest names), resolves every `ref`, `extends`, `include` /
//! `ref_group` and refinement, and applies the rules of
//! `weaver registry check --future` ([`check`]). A registry is read at most once per
//! compiler process, however many macro invocations use it.

mod check;
mod finding;
mod manifest;
pub(crate) mod model;
mod read;
mod resolve;
#[cfg(test)]
mod tests;
mod yaml;

pub(crate) use finding::Finding;
pub(crate) use resolve::{Registry, ResolvedGroup};

use proc_macro2::TokenStream;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The environment variable that maps a dependency's `schema_url` to a local
/// directory, for dependencies whose `registry_path` is a URL (a build cannot download
/// it): `schema_url=directory` pairs separated by `;`.
pub(crate) const DEPENDENCY_PATHS: &str = "KNHK_REGISTRY_DEPENDENCIES";

/// A registry directory as a macro names it: relative to the invoking crate's
/// `CARGO_MANIFEST_DIR`, or, written `$VAR/rest`, to the directory the environment
/// variable `VAR` names (an explicit base, for registries outside the crate: a build
/// script's `$OUT_DIR`, or the fixtures of a test that builds cases elsewhere).
pub(crate) fn root_of(dir: &syn::LitStr) -> syn::Result<PathBuf> {
    let written = dir.value();
    let (base, rest) = match written.strip_prefix('$') {
        Some(var_and_rest) => {
            let (var, rest) = var_and_rest.split_once('/').unwrap_or((var_and_rest, ""));
            let base = std::env::var_os(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                syn::Error::new(dir.span(), format!("`{written}` starts with `${var}`, which is not set in the build's environment"))
            })?;
            (PathBuf::from(base), rest.to_owned())
        }
        None => {
            let base = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
                syn::Error::new(
                    dir.span(),
                    "CARGO_MANIFEST_DIR is not set: build with cargo, which sets it",
                )
            })?;
            (PathBuf::from(base), written.clone())
        }
    };
    let root = base.join(&rest);
    if !root.is_dir() {
        return Err(syn::Error::new(
            dir.span(),
            format!(
                "no registry directory at `{written}`: a registry is a directory with a manifest.yaml, \
                 named relative to the crate's Cargo.toml (or to `$VAR/`)"
            ),
        ));
    }
    Ok(root)
}

/// What loading a registry gave: the registry, or every finding (sorted by file and line).
pub(crate) type Loaded = Result<Registry, Vec<Finding>>;

/// A [`Loaded`] as the cache shares it.
pub(crate) type Shared = Result<Arc<Registry>, Arc<[Finding]>>;

/// Loads and checks the registry in `root`, once per process and directory.
pub(crate) fn load(root: &Path) -> Shared {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Shared>>> = OnceLock::new();
    let key = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let cache = CACHE.get_or_init(Default::default);
    // Held while loading: two threads asking for one registry read it once.
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(hit) = cache.get(&key) {
        return hit.clone();
    }
    let loaded: Shared = load_uncached(&key).map(Arc::new).map_err(Arc::from);
    cache.insert(key, loaded.clone());
    loaded
}

/// A registry a macro names, loaded: its root and the registry, or the compile errors
/// that say why not (each finding, prefixed with the directory as written, spanned on
/// the literal).
pub(crate) fn open(dir: &syn::LitStr) -> Result<(PathBuf, Arc<Registry>), TokenStream> {
    let root = root_of(dir).map_err(|e| e.to_compile_error())?;
    match load(&root) {
        Ok(registry) => Ok((root, registry)),
        Err(findings) => {
            let written = dir.value();
            let written = written.trim_end_matches('/');
            let errors = findings
                .iter()
                .map(|f| syn::Error::new(dir.span(), format!("{written}/{f}")).to_compile_error());
            Err(quote::quote!(#(#errors)*))
        }
    }
}

/// Loads and checks without the cache, URL dependencies mapped by the
/// [`DEPENDENCY_PATHS`] variable.
pub(crate) fn load_uncached(root: &Path) -> Loaded {
    load_mapped(root, std::env::var(DEPENDENCY_PATHS).ok().as_deref())
}

/// Loads and checks without the cache, URL dependencies mapped by `mapping` (the
/// [`DEPENDENCY_PATHS`] format: `schema_url=directory` pairs separated by `;`).
pub(crate) fn load_mapped(root: &Path, mapping: Option<&str>) -> Loaded {
    let mut findings = Vec::new();
    let manifest = manifest::read(root, &mut findings);
    let dep_dirs: Vec<PathBuf> = manifest
        .iter()
        .flat_map(|m| &m.dependencies)
        .filter_map(|dep| manifest::dependency_dir(root, dep, mapping, &mut findings))
        .collect();
    // A dependency kept inside the registry's directory is the dependency's, not the
    // registry's own.
    let skip: Vec<PathBuf> = dep_dirs
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    let own = read_dir(root, &skip, &mut findings);
    let deps = dep_dirs
        .iter()
        .map(|dir| {
            let mut dep_findings = Vec::new();
            let files = read_dir(dir, &[], &mut dep_findings);
            // A dependency's shape errors are reported, named by its path from the
            // registry root; its style is its authors' business.
            findings.extend(dep_findings.into_iter().map(|mut f| {
                f.at.file = format!("{}/{}", relative(root, dir), f.at.file);
                f
            }));
            files
        })
        .collect();
    let registry = resolve::resolve(manifest, own, deps, &mut findings);
    check::check(&registry, &mut findings);
    if findings.is_empty() {
        Ok(registry)
    } else {
        findings.sort();
        findings.dedup();
        Err(findings)
    }
}

/// One file of a registry: its path relative to the root and what it declares.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub(crate) path: PathBuf,
    pub(crate) contents: read::Contents,
}

/// Every `*.yaml` / `*.yml` below `root` except the manifest and the directories in
/// `skip` (canonical paths), in path order.
fn read_dir(root: &Path, skip: &[PathBuf], findings: &mut Vec<Finding>) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    collect(root, skip, &mut paths, findings, root);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let relative = relative(root, &path);
            if manifest::is_manifest(&relative) {
                return None;
            }
            let source = match std::fs::read_to_string(&path) {
                Ok(s) => s,
                Err(e) => {
                    let at = model::Location {
                        file: relative,
                        line: 1,
                    };
                    findings.push(Finding::new(
                        read::INVALID,
                        &at,
                        format!("cannot read: {e}"),
                    ));
                    return None;
                }
            };
            let contents = read::read(&relative, &source, findings);
            Some(SourceFile { path, contents })
        })
        .collect()
}

fn collect(
    dir: &Path,
    skip: &[PathBuf],
    out: &mut Vec<PathBuf>,
    findings: &mut Vec<Finding>,
    root: &Path,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let at = model::Location {
                file: relative(root, dir),
                line: 1,
            };
            findings.push(Finding::new(
                read::INVALID,
                &at,
                format!("cannot read the registry directory {}: {e}", dir.display()),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.canonicalize().is_ok_and(|p| skip.contains(&p)) {
                collect(&path, skip, out, findings, root);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// `path` relative to `root`, with `/` between components (so messages and snapshots
/// are the same on every machine).
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}
