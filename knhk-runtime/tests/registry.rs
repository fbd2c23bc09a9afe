//! The runtime's registry (`knhk-runtime/registry/`) against what the runtime emits, and
//! its statement of the OpenTelemetry attributes it refs against semantic conventions
//! 1.44. The registry's own rules are checked as `semconv` is generated from it.

use knhk_runtime::semconv;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct File {
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
struct Group {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    stability: Option<String>,
    brief: Option<String>,
    #[serde(default)]
    attributes: Vec<Attribute>,
}

#[derive(Debug, Deserialize)]
struct Attribute {
    id: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(rename = "type")]
    kind: Option<serde_yaml_ng::Value>,
    stability: Option<String>,
    brief: Option<String>,
    examples: Option<serde_yaml_ng::Value>,
    requirement_level: Option<serde_yaml_ng::Value>,
}

fn registry_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("registry")
}

/// Names the OpenTelemetry semantic conventions model directory
/// (`.../otel-semconv/model`), which is not part of the repository.
const SEMCONV_DIR: &str = "KNHK_SEMCONV_DIR";

/// The directory `KNHK_SEMCONV_DIR` names. Tests that need it are ignored by default;
/// run with the variable unset, or naming no readable directory, they fail rather than
/// pass without having checked anything.
fn otel_model_dir() -> PathBuf {
    let dir = std::env::var_os(SEMCONV_DIR)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "{SEMCONV_DIR} is unset or empty: set it to the absolute path of the OpenTelemetry \
                 semantic conventions model directory (shared/data/otel-semconv/model beside the checkout)"
            )
        });
    // Integration tests run in the crate's directory, not the caller's, so a relative
    // path would name somewhere other than what was meant.
    assert!(
        dir.is_absolute(),
        "{SEMCONV_DIR}={} is relative; it must be an absolute path",
        dir.display()
    );
    assert!(
        dir.is_dir(),
        "{SEMCONV_DIR}={}: no such directory (the OpenTelemetry semantic conventions model)",
        dir.display()
    );
    dir
}

fn load(dir: &Path) -> Vec<(PathBuf, File)> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            files.extend(load(&path));
        } else if path.extension().is_some_and(|e| e == "yaml")
            && path.file_name().is_some_and(|n| n != "manifest.yaml")
        {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            if text.contains("file_format: definition/2") {
                continue;
            }
            let file: File = serde_yaml_ng::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.push((path, file));
        }
    }
    files
}

/// Every attribute knhk defines, by id, with its type.
fn knhk_attributes() -> (BTreeMap<String, String>, Vec<Group>) {
    let mut attributes = BTreeMap::new();
    let mut groups = Vec::new();
    for (path, file) in load(&registry_dir().join("knhk")) {
        for group in file.groups {
            assert!(
                group.brief.is_some(),
                "{}: group {} has no brief",
                path.display(),
                group.id
            );
            if group.kind == "attribute_group" {
                assert!(group.id.starts_with("registry."), "{}", group.id);
                for a in &group.attributes {
                    let id =
                        a.id.clone()
                            .expect("registry groups define attributes by id");
                    assert!(a.stability.is_some(), "{id} has no stability");
                    assert!(a.brief.is_some(), "{id} has no brief");
                    assert!(a.examples.is_some(), "{id} has no examples");
                    let kind = match a.kind.as_ref() {
                        Some(serde_yaml_ng::Value::String(k)) => k.as_str(),
                        Some(serde_yaml_ng::Value::Mapping(m)) if m.contains_key("members") => {
                            "enum"
                        }
                        other => panic!("{id}: type {other:?}"),
                    };
                    assert!(
                        attributes.insert(id.clone(), kind.to_owned()).is_none(),
                        "{id} twice"
                    );
                }
            }
            groups.push(group);
        }
    }
    (attributes, groups)
}

#[test]
fn the_performance_attributes_have_the_types_their_keys_say() {
    let (attributes, _) = knhk_attributes();
    // The typed keys say the same at compile time.
    let keys: [semconv::Key<i64>; 4] = [
        semconv::keys::PERFORMANCE_BUDGET_TICKS,
        semconv::keys::PERFORMANCE_ACTUAL_TICKS,
        semconv::keys::PERFORMANCE_OVERAGE_TICKS,
        semconv::keys::PERFORMANCE_SUPPRESSED_EVENTS,
    ];
    for key in keys {
        assert_eq!(
            attributes.get(key.name()).map(String::as_str),
            Some("int"),
            "{key:?}"
        );
    }
    assert_eq!(
        attributes
            .get(semconv::PERFORMANCE_PATH_KIND)
            .map(String::as_str),
        Some("enum")
    );
    let performance = attributes
        .keys()
        .filter(|k| k.starts_with("performance."))
        .count();
    assert_eq!(performance, 5, "{attributes:?}");
}

#[test]
fn every_attribute_knhk_defines_is_used_by_an_event_span_or_metric() {
    let (attributes, groups) = knhk_attributes();
    // `#[derive(Instrument)]` records this one on the spans of users' types.
    let derived = [semconv::KNHK_INSTRUMENT_TYPE];
    for id in attributes
        .keys()
        .filter(|id| !derived.contains(&id.as_str()))
    {
        assert!(
            groups.iter().any(|g| g.kind != "attribute_group"
                && g.attributes
                    .iter()
                    .any(|a| a.reference.as_deref() == Some(id))),
            "`{id}` is defined but no event, span or metric refs it"
        );
    }
}

#[test]
fn the_budget_event_references_exactly_the_fields_the_runtime_emits() {
    let (_, groups) = knhk_attributes();
    let event = groups
        .iter()
        .find(|g| {
            g.kind == "event"
                && g.name.as_deref() == Some(semconv::events::KNHK_PERFORMANCE_BUDGET_EXCEEDED)
        })
        .expect("the event is declared");
    assert!(event.stability.is_some());
    let mut refs: Vec<&str> = event
        .attributes
        .iter()
        .filter_map(|a| a.reference.as_deref())
        .collect();
    refs.sort();
    let mut emitted = vec![
        semconv::CODE_FUNCTION_NAME,
        semconv::PERFORMANCE_ACTUAL_TICKS,
        semconv::PERFORMANCE_BUDGET_TICKS,
        semconv::PERFORMANCE_OVERAGE_TICKS,
        semconv::PERFORMANCE_SUPPRESSED_EVENTS,
    ];
    emitted.sort();
    assert_eq!(refs, emitted);
    for a in &event.attributes {
        assert!(
            a.requirement_level.is_some(),
            "{:?} has no requirement level",
            a.reference
        );
    }
}

#[test]
#[ignore = "needs KNHK_SEMCONV_DIR (the OpenTelemetry semantic conventions model directory)"]
fn the_otel_attributes_referenced_exist_in_semantic_conventions_1_44() {
    // The data checked against must be the release the manifest depends on.
    let otel = otel_model_dir();
    let manifest = std::fs::read_to_string(registry_dir().join("manifest.yaml")).unwrap();
    assert!(manifest.contains("https://opentelemetry.io/schemas/1.44.0"));
    let mut otel_types = BTreeMap::new();
    for (_, file) in load(&otel) {
        for group in file.groups {
            for a in group.attributes {
                if let (Some(id), Some(kind), Some(stability)) = (a.id, a.kind, a.stability) {
                    let kind = kind.as_str().map_or("enum".to_owned(), str::to_owned);
                    otel_types.insert(id, (kind, stability));
                }
            }
        }
    }
    assert!(
        !otel_types.is_empty(),
        "{SEMCONV_DIR}={}: no attributes found; is it the model directory?",
        otel.display()
    );
    // What knhk's registry states of each OpenTelemetry attribute (otel/attributes.yaml)
    // is what the conventions say: its name exists, with the same type and stability.
    let facts: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(registry_dir().join("otel/attributes.yaml")).unwrap(),
    )
    .unwrap();
    let stated = facts["attributes"].as_sequence().unwrap();
    assert!(stated.len() >= 3);
    for a in stated {
        let key = a["key"].as_str().unwrap();
        let (kind, stability) = otel_types
            .get(key)
            .unwrap_or_else(|| panic!("{key} is not an attribute of semantic conventions 1.44"));
        let stated_kind = a["type"].as_str().map_or("enum".to_owned(), str::to_owned);
        assert_eq!(&stated_kind, kind, "{key}: type");
        assert_eq!(
            a["stability"].as_str(),
            Some(stability.as_str()),
            "{key}: stability"
        );
    }
}
