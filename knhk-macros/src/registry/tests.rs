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
    assert!(
        dir.is_absolute() && dir.join("manifest.yaml").is_file(),
        "{} is not a semantic-conventions model directory",
        dir.display()
    );
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
            } else if p.extension().is_some_and(|x| x == "yaml")
                && p.file_name().is_some_and(|n| n != "manifest.yaml")
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut names = BTreeSet::new();
    for f in files {
        let v: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let str_of = |v: &serde_yaml_ng::Value, k: &str| {
            v.get(k).and_then(|x| x.as_str()).map(str::to_owned)
        };
        for g in v
            .get("groups")
            .and_then(|g| g.as_sequence())
            .into_iter()
            .flatten()
        {
            for a in g
                .get("attributes")
                .and_then(|a| a.as_sequence())
                .into_iter()
                .flatten()
            {
                names.extend(str_of(a, "id"));
            }
        }
        for a in v
            .get("attributes")
            .and_then(|a| a.as_sequence())
            .into_iter()
            .flatten()
        {
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
    let files = read_dir(&dir, &[], &mut findings);
    let v2 = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(&f.path)
                .unwrap()
                .contains("file_format: definition/2")
        })
        .count();
    let registry = resolve::resolve_all(files, &mut findings);
    let shown: Vec<String> = findings.iter().take(20).map(ToString::to_string).collect();
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        shown.join("\n")
    );
    let expected = independent_attribute_names(&dir);
    let loaded: BTreeSet<String> = registry.attributes.keys().cloned().collect();
    assert_eq!(loaded, expected);
    // 940 in 1.44: a floor, so a loader that reads nothing cannot pass with an empty oracle.
    assert!(expected.len() >= 900, "{}", expected.len());
    assert!(v2 >= 30, "{v2} v2 files");
    // Spot checks: a v2 attribute, referenced from a v1 span, with its type.
    let port = &registry.attributes["server.port"];
    assert_eq!(
        port.ty,
        Some(model::AttrType::Primitive(model::Primitive::Int))
    );
    eprintln!(
        "{} attributes, {} groups",
        loaded.len(),
        registry.groups.len()
    );
}

/// A registry that keeps every rule: a manifest with a local dependency, an attribute
/// group, an event, a span and a metric.
const MANIFEST: &str = "\
schema_url: https://example.com/schemas/1.0.0
description: A fixture.
dependencies:
  - schema_url: https://opentelemetry.io/schemas/1.44.0
    registry_path: otel
";

const OTEL: &str = "\
file_format: definition/2
attributes:
  - key: code.function.name
    type: string
    stability: stable
    brief: The function's name.
    examples: ['main']
";

const GOOD: &str = "\
groups:
  - id: registry.shop
    type: attribute_group
    brief: Shop attributes.
    attributes:
      - id: shop.order.id
        type: string
        stability: development
        brief: The order.
        examples: ['A-17']
      - id: shop.order.lines
        type: int
        stability: development
        brief: How many lines the order has.
        examples: [3]
      - id: shop.state
        type:
          members:
            - id: open
              value: open
              stability: development
            - id: closed
              value: closed
              stability: development
        stability: development
        brief: The order's state.
  - id: event.shop.order.placed
    type: event
    name: shop.order.placed
    stability: development
    brief: An order was placed.
    attributes:
      - ref: shop.order.id
        requirement_level: required
      - ref: code.function.name
        requirement_level: recommended
  - id: span.shop.checkout
    type: span
    span_kind: internal
    stability: development
    brief: Checking out.
    attributes:
      - ref: shop.order.lines
        requirement_level: opt_in
  - id: metric.shop.orders
    type: metric
    metric_name: shop.orders
    instrument: counter
    unit: '{order}'
    stability: development
    brief: Orders placed.
    attributes:
      - ref: shop.state
        requirement_level:
          conditionally_required: if the order is known
";

/// Loads a fixture registry whose `shop.yaml` is `shop` and manifest `manifest`.
fn load_fixture(manifest: &str, shop: &str) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.yaml"), manifest).unwrap();
    std::fs::create_dir(dir.path().join("otel")).unwrap();
    std::fs::write(dir.path().join("otel/code.yaml"), OTEL).unwrap();
    std::fs::write(dir.path().join("shop.yaml"), shop).unwrap();
    load_uncached(dir.path())
}

#[test]
fn the_fixture_keeps_every_rule_and_resolves() {
    let registry = load_fixture(MANIFEST, GOOD).unwrap_or_else(|f| panic!("{f:#?}"));
    let event = registry.group("shop.order.placed").unwrap();
    let names: Vec<&str> = event
        .attributes
        .iter()
        .map(|a| a.attribute.name.as_str())
        .collect();
    assert_eq!(names, ["shop.order.id", "code.function.name"]);
    assert_eq!(
        event.attributes[0].requirement,
        model::RequirementLevel::Required
    );
    assert_eq!(registry.own_attributes.len(), 3);
    assert_eq!(
        registry.group("shop.orders").unwrap().group.unit.as_deref(),
        Some("{order}")
    );
}

/// One broken fixture per rule: `from` replaced by `to` in the manifest or in
/// `shop.yaml` gives exactly one finding, with this id, on this line, saying this.
#[test]
fn each_rule_has_its_finding() {
    let cases: &[(&str, bool, &str, &str, u32, &str)] = &[
        // (id, in the manifest?, from, to, line, message part)
        (
            "missing_stability",
            false,
            "        stability: development\n        brief: The order.\n",
            "        brief: The order.\n",
            6,
            "attribute `shop.order.id` has no `stability`",
        ),
        (
            "missing_stability",
            false,
            "              value: open\n              stability: development\n",
            "              value: open\n",
            19,
            "enum member `open`",
        ),
        (
            "missing_stability",
            false,
            "    name: shop.order.placed\n    stability: development\n",
            "    name: shop.order.placed\n",
            27,
            "event `event.shop.order.placed` has no `stability`",
        ),
        (
            "deprecated_as_stability",
            false,
            "    span_kind: internal\n    stability: development\n",
            "    span_kind: internal\n    stability: deprecated\n",
            37,
            "deprecation is `deprecated:",
        ),
        (
            "missing_brief",
            false,
            "        brief: How many lines the order has.\n",
            "",
            11,
            "attribute `shop.order.lines` has no `brief`",
        ),
        (
            "missing_examples",
            false,
            "        examples: ['A-17']\n",
            "",
            6,
            "is of type string and has no `examples`",
        ),
        (
            "invalid_example_type",
            false,
            "        examples: [3]\n",
            "        examples: ['three']\n",
            11,
            "its example \"three\" (a string) is not",
        ),
        (
            "missing_span_kind",
            false,
            "    span_kind: internal\n",
            "",
            37,
            "span `span.shop.checkout` has no `span_kind`",
        ),
        (
            "span_field_outside_span",
            false,
            "    name: shop.order.placed\n",
            "    name: shop.order.placed\n    span_kind: client\n",
            30,
            "has `span_kind`, which only spans have",
        ),
        (
            "missing_metric_field",
            false,
            "    unit: '{order}'\n",
            "",
            45,
            "has no `unit`",
        ),
        (
            "invalid_registry",
            false,
            "    instrument: counter\n",
            "    instrument: meter\n",
            45,
            "`instrument: meter` is not one of counter, updowncounter, gauge, histogram",
        ),
        (
            "prefix_not_allowed",
            false,
            "    type: attribute_group\n",
            "    type: attribute_group\n    prefix: shop\n",
            4,
            "has a `prefix`",
        ),
        (
            "duplicate_group_id",
            false,
            "  - id: span.shop.checkout\n",
            "  - id: event.shop.order.placed\n",
            37,
            "group id `event.shop.order.placed` is already used at shop.yaml:27",
        ),
        (
            "duplicate_attribute_id",
            false,
            "        requirement_level: opt_in\n",
            "        requirement_level: opt_in\n      - id: shop.order.id\n        type: string\n        stability: development\n        brief: Again.\n        examples: ['x']\n",
            45,
            "attribute `shop.order.id` is already defined at shop.yaml:6",
        ),
        (
            "duplicate_attribute_ref",
            false,
            "      - ref: code.function.name\n        requirement_level: recommended\n",
            "      - ref: shop.order.id\n        requirement_level: recommended\n",
            35,
            "refs `shop.order.id` twice",
        ),
        (
            "unresolved_ref",
            false,
            "      - ref: shop.order.lines\n",
            "      - ref: shop.order.line\n",
            43,
            "`ref: shop.order.line` names no attribute of the registry or its dependencies; did you mean `shop.order.lines`?",
        ),
        (
            "unresolved_extends",
            false,
            "    span_kind: internal\n",
            "    span_kind: internal\n    extends: registry.nothing\n",
            40,
            "extends `registry.nothing`",
        ),
        (
            "unresolved_include",
            false,
            "    span_kind: internal\n",
            "    span_kind: internal\n    constraints:\n      - include: registry.nothing\n",
            41,
            "includes `registry.nothing`",
        ),
        (
            "invalid_name",
            false,
            "        examples: [3]\n",
            "        examples: [3]\n      - id: Shop.Total\n        type: int\n        stability: development\n        brief: Badly named.\n        examples: [1]\n",
            16,
            "`Shop.Total` is not a valid name",
        ),
        (
            "invalid_name",
            false,
            "    name: shop.order.placed\n",
            "    name: shop.order.Placed\n",
            27,
            "event name `shop.order.Placed` is not a valid name",
        ),
        (
            "invalid_name",
            false,
            "    metric_name: shop.orders\n",
            "    metric_name: shop..orders\n",
            45,
            "metric name `shop..orders` is not a valid name",
        ),
        (
            "span_field_outside_span",
            false,
            "    name: shop.order.placed\n",
            "    name: shop.order.placed\n    events: [shop.order.paid]\n",
            30,
            "event `event.shop.order.placed` has `events`, which only spans have",
        ),
        (
            "duplicate_metric_name",
            false,
            "  - id: metric.shop.orders\n",
            "  - id: metric.shop.orders.again\n    type: metric\n    metric_name: shop.orders\n    instrument: gauge\n    unit: '{order}'\n    stability: development\n    brief: Orders again.\n  - id: metric.shop.orders\n",
            52,
            "metric name `shop.orders` is already used at shop.yaml:45",
        ),
        (
            "invalid_schema_url",
            true,
            "schema_url: https://example.com/schemas/1.0.0\n",
            "schema_url: example.com/schemas/1.0.0\n",
            1,
            "schema_url `example.com/schemas/1.0.0` is not `https://<host>/schemas/<version>`",
        ),
        (
            "missing_requirement_level",
            false,
            "      - ref: shop.order.lines\n        requirement_level: opt_in\n",
            "      - ref: shop.order.lines\n",
            43,
            "has no `requirement_level`",
        ),
        (
            "missing_schema_url",
            true,
            "schema_url: https://example.com/schemas/1.0.0\n",
            "",
            1,
            "the manifest has no `schema_url`",
        ),
        (
            "missing_schema_url",
            true,
            "  - schema_url: https://opentelemetry.io/schemas/1.44.0\n    registry_path: otel\n",
            "  - registry_path: otel\n",
            4,
            "has no `schema_url` beside its registry_path",
        ),
        (
            "deprecated_manifest_field",
            true,
            "description: A fixture.\n",
            "description: A fixture.\nsemconv_version: 1.0.0\n",
            3,
            "`semconv_version` is deprecated",
        ),
        (
            "unresolved_dependency",
            true,
            "    registry_path: otel\n",
            "    registry_path: https://example.com/otel.zip[model]\n",
            4,
            "KNHK_REGISTRY_DEPENDENCIES=\"https://opentelemetry.io/schemas/1.44.0=/path/to/its/model\"",
        ),
        (
            "missing_type",
            false,
            "        type: int\n",
            "",
            11,
            "attribute `shop.order.lines` has no `type`",
        ),
        (
            "invalid_registry",
            false,
            "        type: int\n",
            "        type: integer\n",
            12,
            "unknown attribute type `integer`",
        ),
    ];
    for &(id, in_manifest, from, to, line, message) in cases {
        let (manifest, shop) = if in_manifest {
            assert!(
                MANIFEST.contains(from),
                "{id}: fixture text not found: {from:?}"
            );
            (MANIFEST.replacen(from, to, 1), GOOD.to_owned())
        } else {
            assert!(
                GOOD.contains(from),
                "{id}: fixture text not found: {from:?}"
            );
            (MANIFEST.to_owned(), GOOD.replacen(from, to, 1))
        };
        let findings = load_fixture(&manifest, &shop)
            .err()
            .unwrap_or_else(|| panic!("{id}: no finding"));
        if std::env::var_os("SHOW").is_some() {
            for f in &findings {
                eprintln!("CASE {id} {line}: {f}");
            }
            continue;
        }
        assert_eq!(findings.len(), 1, "{id}: {findings:#?}");
        let f = &findings[0];
        let file = if in_manifest {
            "manifest.yaml"
        } else {
            "shop.yaml"
        };
        assert_eq!(
            (f.id, f.at.file.as_str(), f.at.line),
            (id, file, line),
            "{id}: {f}"
        );
        assert!(f.message.contains(message), "{id}: {f}");
    }
}

#[test]
fn knhk_runtime_registry_keeps_every_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knhk-runtime/registry");
    let registry = load_uncached(&dir).unwrap_or_else(|findings| {
        panic!(
            "{}",
            findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    for event in [
        "knhk.performance.budget_exceeded",
        "knhk.lockchain.synced",
        "knhk.lockchain.tail_discarded",
        "knhk.breaker.state_changed",
        "knhk.breaker.rejected",
        "knhk.breaker.failure_rate_exceeded",
        "knhk.breaker.slow_call_rate_exceeded",
        "knhk.breaker.reset",
    ] {
        assert!(
            registry
                .group(event)
                .is_some_and(|g| g.group.ty == model::GroupType::Event),
            "{event}"
        );
    }
    let verify = registry.group("span.knhk.lockchain.verify").unwrap();
    let error_type = verify
        .attributes
        .iter()
        .find(|a| a.attribute.name == "error.type")
        .unwrap();
    assert!(matches!(
        error_type.requirement,
        model::RequirementLevel::ConditionallyRequired(_)
    ));
    // The metrics and their UCUM units; the hot-path ones share their attributes
    // through a YAML anchor.
    for (id, instrument, unit, attributes) in [
        ("metric.knhk.path.duration", "histogram", "{tick}", 5),
        ("metric.knhk.path.calls", "counter", "{call}", 5),
        ("metric.knhk.path.over_budget", "counter", "{call}", 5),
        ("metric.knhk.path.allocations", "counter", "{allocation}", 5),
        (
            "metric.knhk.lockchain.committed_size",
            "updowncounter",
            "By",
            1,
        ),
        ("metric.knhk.lockchain.sync.duration", "histogram", "ns", 1),
    ] {
        let g = registry.group(id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(g.group.ty, model::GroupType::Metric, "{id}");
        assert_eq!(g.group.instrument.as_deref(), Some(instrument), "{id}");
        assert_eq!(g.group.unit.as_deref(), Some(unit), "{id}");
        assert_eq!(g.attributes.len(), attributes, "{id}");
    }
    assert_eq!(
        registry.manifest.as_ref().unwrap().schema_url.as_deref(),
        Some("https://knhk.dev/schemas/0.1.0")
    );
}

#[test]
fn a_registry_is_read_once_per_process_however_many_ask_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.yaml"), MANIFEST).unwrap();
    std::fs::create_dir(dir.path().join("otel")).unwrap();
    std::fs::write(dir.path().join("otel/code.yaml"), OTEL).unwrap();
    std::fs::write(dir.path().join("shop.yaml"), GOOD).unwrap();
    let root = dir.path().to_owned();
    let first: Vec<Arc<Registry>> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|_| s.spawn(|| load(&root).expect("the fixture is valid")))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for other in &first[1..] {
        assert!(Arc::ptr_eq(&first[0], other), "one read, shared");
    }
    // Another spelling of the same directory is the same registry.
    let again = load(&root.join("otel/..")).unwrap();
    assert!(Arc::ptr_eq(&first[0], &again));
    // A change after the first read is not seen by this process: the cache lives as
    // long as one compiler process, and the embedded files make an edit rebuild.
    std::fs::write(dir.path().join("shop.yaml"), "groups: [oops\n").unwrap();
    assert!(Arc::ptr_eq(&first[0], &load(&root).unwrap()));
    assert!(load_uncached(&root).is_err());
}

/// A manifest with no dependencies.
const BARE_MANIFEST: &str = "schema_url: https://example.com/schemas/1.0.0\n";

/// Writes `files` (path from the root, contents) below `root`.
fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// The registry of `files`, with `mapping` as KNHK_REGISTRY_DEPENDENCIES.
fn load_files(files: &[(&str, &str)], mapping: Option<&str>) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    load_mapped(dir.path(), mapping)
}

/// The registry, or a panic listing the findings.
fn loaded(result: Loaded) -> Registry {
    result.unwrap_or_else(|findings| {
        panic!(
            "{}",
            findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn attribute_names(g: &ResolvedGroup) -> Vec<&str> {
    g.attributes
        .iter()
        .map(|a| a.attribute.name.as_str())
        .collect()
}

/// `registry.shop` (attribute group) defining `shop.order.id` and `shop.order.lines`,
/// followed by `rest`.
fn shop_with(rest: &str) -> String {
    format!(
        "\
groups:
  - id: registry.shop
    type: attribute_group
    brief: Shop attributes.
    attributes:
      - id: shop.order.id
        type: string
        stability: development
        brief: The order.
        note: Unique per shop.
        examples: ['A-17']
      - id: shop.order.lines
        type: int
        stability: development
        brief: How many lines the order has.
{}",
        rest.strip_prefix('\n').unwrap_or(rest)
    )
}

#[test]
fn a_v1_include_gives_the_group_the_included_attributes() {
    let shop = shop_with(
        "
  - id: shop.common
    type: attribute_group
    brief: What every shop span has.
    attributes:
      - ref: shop.order.id
        requirement_level: required
  - id: span.shop.checkout
    type: span
    span_kind: internal
    stability: development
    brief: Checking out.
    constraints:
      - include: shop.common
    attributes:
      - ref: shop.order.lines
        requirement_level: opt_in
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    let span = registry.group("span.shop.checkout").unwrap();
    assert_eq!(
        span.group.includes,
        [(
            "shop.common".to_owned(),
            model::Location {
                file: "shop.yaml".to_owned(),
                line: 28
            }
        )]
    );
    // The included attributes first, with the requirement level the include gives.
    assert_eq!(attribute_names(span), ["shop.order.id", "shop.order.lines"]);
    assert_eq!(
        span.attributes[0].requirement,
        model::RequirementLevel::Required
    );
    assert_eq!(
        span.attributes[1].requirement,
        model::RequirementLevel::OptIn
    );
}

#[test]
fn a_spans_events_are_read() {
    let shop = shop_with(
        "
  - id: event.shop.order.placed
    type: event
    name: shop.order.placed
    stability: development
    brief: An order was placed.
  - id: span.shop.checkout
    type: span
    span_kind: internal
    stability: development
    brief: Checking out.
    events: [shop.order.placed, shop.order.paid]
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    let span = registry.group("span.shop.checkout").unwrap();
    let (events, at) = span.group.events.as_ref().unwrap();
    assert_eq!(events, &["shop.order.placed", "shop.order.paid"]);
    assert_eq!((at.file.as_str(), at.line), ("shop.yaml", 26));
}

#[test]
fn deprecated_as_a_string_is_the_note_and_stands_in_for_brief_and_examples() {
    let shop = shop_with(
        "
      - id: shop.order.number
        type: string
        stability: development
        deprecated: Use `shop.order.id`.
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    let number = &registry.attributes["shop.order.number"];
    assert_eq!(
        number.deprecated,
        Some(model::Deprecated {
            reason: "uncategorized".to_owned(),
            renamed_to: None,
            note: Some("Use `shop.order.id`.".to_owned()),
        })
    );
    assert_eq!(
        (number.brief.as_ref(), number.examples.as_ref()),
        (None, None)
    );
}

#[test]
fn entity_groups_are_entities_in_v1_and_v2_files() {
    let shop = shop_with(
        "
  - id: entity.shop.store
    type: entity
    name: shop.store
    stability: development
    brief: A store.
    attributes:
      - ref: shop.order.id
        requirement_level: required
",
    );
    let v2 = "\
file_format: definition/2
entities:
  - type: shop.warehouse
    stability: development
    brief: A warehouse.
    attributes:
      - ref: shop.order.lines
        requirement_level: recommended
";
    let registry = loaded(load_files(
        &[
            ("manifest.yaml", BARE_MANIFEST),
            ("shop.yaml", &shop),
            ("entities.yaml", v2),
        ],
        None,
    ));
    for (id, name, attribute) in [
        ("entity.shop.store", "shop.store", "shop.order.id"),
        (
            "entity.shop.warehouse",
            "shop.warehouse",
            "shop.order.lines",
        ),
    ] {
        let g = registry.group(id).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(g.group.ty, model::GroupType::Entity, "{id}");
        assert_eq!(g.group.name.as_deref(), Some(name), "{id}");
        assert_eq!(attribute_names(g), [attribute], "{id}");
    }
}

#[test]
fn a_refs_overrides_are_applied_to_the_groups_attribute_not_the_definition() {
    let shop = shop_with(
        "
  - id: event.shop.order.placed
    type: event
    name: shop.order.placed
    stability: development
    brief: An order was placed.
    attributes:
      - ref: shop.order.id
        brief: The order placed.
        note: As the customer sees it.
        examples: ['B-2', 'C-3']
        requirement_level:
          conditionally_required: when the shop numbers orders
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    let event = registry.group("shop.order.placed").unwrap();
    let id = &event.attributes[0];
    assert_eq!(id.attribute.brief.as_deref(), Some("The order placed."));
    assert_eq!(
        id.attribute.note.as_deref(),
        Some("As the customer sees it.")
    );
    assert_eq!(
        id.attribute.examples,
        Some(vec![
            model::Example::Str("B-2".to_owned()),
            model::Example::Str("C-3".to_owned())
        ])
    );
    assert_eq!(
        id.requirement,
        model::RequirementLevel::ConditionallyRequired("when the shop numbers orders".to_owned())
    );
    // What the ref does not override is the definition's.
    assert_eq!(
        id.attribute.ty,
        Some(model::AttrType::Primitive(model::Primitive::String))
    );
    assert_eq!(id.attribute.stability, Some(model::Stability::Development));
    let def = &registry.attributes["shop.order.id"];
    assert_eq!(
        (def.brief.as_deref(), def.note.as_deref()),
        (Some("The order."), Some("Unique per shop."))
    );
    assert_eq!(
        def.examples,
        Some(vec![model::Example::Str("A-17".to_owned())])
    );
}

#[test]
fn a_url_dependency_is_loaded_from_the_directory_the_variable_maps_it_to() {
    let manifest = "\
schema_url: https://example.com/schemas/1.0.0
dependencies:
  - schema_url: https://opentelemetry.io/schemas/1.44.0
    registry_path: https://example.com/semconv-1.44.0.zip[model]
";
    let shop = shop_with(
        "
  - id: event.shop.order.placed
    type: event
    name: shop.order.placed
    stability: development
    brief: An order was placed.
    attributes:
      - ref: code.function.name
        requirement_level: recommended
",
    );
    let dep = tempfile::tempdir().unwrap();
    write_files(dep.path(), &[("code.yaml", OTEL)]);
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[("manifest.yaml", manifest), ("shop.yaml", &shop)],
    );
    // Two pairs, spaces around them: the second is this dependency's.
    let mapping = format!(
        "https://example.com/schemas/9=/nowhere ; https://opentelemetry.io/schemas/1.44.0={}",
        dep.path().display()
    );
    let registry = loaded(load_mapped(dir.path(), Some(&mapping)));
    let event = registry.group("shop.order.placed").unwrap();
    assert_eq!(attribute_names(event), ["code.function.name"]);
    assert!(registry.attributes.contains_key("code.function.name"));
    assert!(
        !registry
            .own_attributes
            .iter()
            .any(|a| a.name == "code.function.name")
    );
    assert!(
        registry
            .files
            .iter()
            .any(|f| f.starts_with(dep.path()) && f.ends_with("code.yaml"))
    );

    // Mapped to a directory that is not there: the finding says which.
    let missing = dep.path().join("absent");
    let mapping = format!(
        "https://opentelemetry.io/schemas/1.44.0={}",
        missing.display()
    );
    let findings = load_mapped(dir.path(), Some(&mapping)).unwrap_err();
    let dependency: Vec<_> = findings
        .iter()
        .filter(|f| f.id == "unresolved_dependency")
        .collect();
    assert_eq!(dependency.len(), 1, "{findings:#?}");
    assert_eq!(dependency[0].at.line, 3);
    assert!(
        dependency[0].message.contains(&format!(
            "KNHK_REGISTRY_DEPENDENCIES maps `https://opentelemetry.io/schemas/1.44.0` to {}, which is not a directory",
            missing.display()
        )),
        "{}",
        dependency[0]
    );
}

#[test]
fn event_bodies_of_any_value_types_are_read() {
    let shop = shop_with(
        "
  - id: event.shop.chat
    type: event
    name: shop.chat
    stability: development
    brief: A chat message.
    body:
      id: shop.chat
      type: map
      requirement_level: opt_in
      stability: development
      fields:
        - id: content
          type: undefined
          requirement_level: opt_in
          stability: development
          brief: What was said.
        - id: tool_calls
          type: map[]
          requirement_level: recommended
          stability: development
          brief: The tools called.
          fields:
            - id: kind
              type: enum
              requirement_level: required
              stability: development
              members:
                - id: function
                  value: function
                  stability: development
            - id: arguments
              type: bytes
              requirement_level: opt_in
              stability: development
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    let body = registry
        .group("shop.chat")
        .unwrap()
        .group
        .body
        .clone()
        .unwrap();
    fn shape(f: &model::BodyField) -> String {
        let fields: Vec<String> = f.fields.iter().map(shape).collect();
        if fields.is_empty() {
            format!("{}: {}", f.id, f.ty)
        } else {
            format!("{}: {} {{{}}}", f.id, f.ty, fields.join(", "))
        }
    }
    assert_eq!(
        shape(&body),
        "shop.chat: map {content: undefined, tool_calls: map[] {kind: enum, arguments: bytes}}"
    );
    assert_eq!((body.at.line, body.fields[1].fields[0].at.line), (22, 38));
}

/// Weaver's `any` is an attribute type (also as `template[any]`), not the type of a
/// body field (an `AnyValue`'s types are the primitives, their arrays, `map`, `map[]`,
/// `bytes`, `undefined` and `enum`).
#[test]
fn any_is_an_attribute_type_and_not_a_body_field_type() {
    let shop = shop_with(
        "
      - id: shop.order.extra
        type: any
        stability: development
        brief: Anything the shop adds.
      - id: shop.order.field
        type: template[any]
        stability: development
        brief: A field of the order, by name.
",
    );
    let registry = loaded(load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &shop)],
        None,
    ));
    assert_eq!(
        registry.attributes["shop.order.extra"].ty,
        Some(model::AttrType::Any)
    );
    let field = registry.attributes["shop.order.field"].ty.clone().unwrap();
    assert_eq!(
        field,
        model::AttrType::Template(Box::new(model::AttrType::Any))
    );
    assert_eq!(field.name(), "template[any]");

    let with_body = shop_with(
        "
  - id: event.shop.chat
    type: event
    name: shop.chat
    stability: development
    brief: A chat message.
    body:
      id: shop.chat
      type: map
      requirement_level: opt_in
      fields:
        - id: content
          type: any
          requirement_level: opt_in
",
    );
    let findings = load_files(
        &[("manifest.yaml", BARE_MANIFEST), ("shop.yaml", &with_body)],
        None,
    )
    .unwrap_err();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(
        (f.id, f.at.file.as_str(), f.at.line),
        ("invalid_registry", "shop.yaml", 27),
        "{f}"
    );
    assert!(
        f.message.starts_with(
            "unknown body field type `any`: boolean, int, double, string, boolean[], int[], double[], string[], map, map[], bytes, undefined, or enum"
        ) && f.message.ends_with("; `any` is an attribute type, not a body field's"),
        "{f}"
    );
}

#[test]
fn an_enums_value_type_is_its_members_values_type() {
    use model::{Member, MemberValue, Primitive, enum_value_type};
    let member = |value| Member {
        id: "m".to_owned(),
        value,
        brief: None,
        note: None,
        stability: None,
        deprecated: None,
        at: model::Location {
            file: "f.yaml".to_owned(),
            line: 1,
        },
    };
    let int = || member(MemberValue::Int(0));
    let double = || member(MemberValue::Double(0.5));
    let string = || member(MemberValue::Str("ok".to_owned()));
    assert_eq!(enum_value_type(&[int(), int()]), Primitive::Int);
    assert_eq!(enum_value_type(&[int(), double()]), Primitive::Double);
    assert_eq!(enum_value_type(&[string(), string()]), Primitive::String);
    // Strings and numbers: recorded as strings.
    assert_eq!(enum_value_type(&[int(), string()]), Primitive::String);
    assert_eq!(enum_value_type(&[]), Primitive::String);
}
