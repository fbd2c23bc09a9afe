//! The rules a registry must keep: those of `weaver registry check --future`, applied
//! to the registry's own files (a dependency's style is its authors' business; its
//! references still have to resolve).

use super::finding::Finding;
use super::model::*;
use super::resolve::Registry;
use std::collections::{HashMap, HashSet};

/// The rule ids, one per rule, as findings carry them.
pub(crate) mod ids {
    pub(crate) const MISSING_STABILITY: &str = "missing_stability";
    pub(crate) const DEPRECATED_STABILITY: &str = "deprecated_as_stability";
    pub(crate) const MISSING_BRIEF: &str = "missing_brief";
    pub(crate) const MISSING_EXAMPLES: &str = "missing_examples";
    pub(crate) const INVALID_EXAMPLE: &str = "invalid_example_type";
    pub(crate) const MISSING_SPAN_KIND: &str = "missing_span_kind";
    pub(crate) const NOT_A_SPAN: &str = "span_field_outside_span";
    pub(crate) const MISSING_METRIC_FIELD: &str = "missing_metric_field";
    pub(crate) const PREFIX: &str = "prefix_not_allowed";
    pub(crate) const DUPLICATE_METRIC: &str = "duplicate_metric_name";
    pub(crate) const DUPLICATE_REF: &str = "duplicate_attribute_ref";
    pub(crate) const INVALID_NAME: &str = "invalid_name";
    pub(crate) const MISSING_REQUIREMENT_LEVEL: &str = "missing_requirement_level";
    pub(crate) const MISSING_SCHEMA_URL: &str = "missing_schema_url";
    pub(crate) const INVALID_SCHEMA_URL: &str = "invalid_schema_url";
    pub(crate) const DEPRECATED_MANIFEST_FIELD: &str = "deprecated_manifest_field";
}
use ids::*;

/// The instruments a metric can name (Weaver's `InstrumentSpec`).
pub(crate) const INSTRUMENTS: [&str; 4] = ["counter", "updowncounter", "gauge", "histogram"];

pub(crate) fn check(registry: &Registry, findings: &mut Vec<Finding>) {
    for a in &registry.own_attributes {
        check_attribute(a, findings);
    }
    let mut metric_names: HashMap<&str, &Location> = HashMap::new();
    for g in &registry.groups {
        check_group(&g.group, findings);
        if let (GroupType::Metric, Some(name), None) =
            (g.group.ty, &g.group.metric_name, &g.group.refines)
            && let Some(first) = metric_names.insert(name, &g.group.at)
        {
            {
                findings.push(Finding::new(
                    DUPLICATE_METRIC,
                    &g.group.at,
                    format!("metric name `{name}` is already used at {first}"),
                ));
            }
        }
    }
    if let Some(m) = &registry.manifest {
        check_manifest(m, findings);
    }
}

fn check_name(name: &str, what: &str, at: &Location, findings: &mut Vec<Finding>) {
    if !is_valid_name(name) {
        findings.push(Finding::new(
            INVALID_NAME,
            at,
            format!(
                "{what} `{name}` is not a valid name: lowercase ASCII letters and digits, \
                 starting with a letter, in parts joined by `.` or `_` (`^[a-z][a-z0-9]*([._][a-z0-9]+)*$`)"
            ),
        ));
    }
}

/// `^[a-z][a-z0-9]*([._][a-z0-9]+)*$`.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    let mut after_separator = false;
    for &c in &b[1..] {
        match c {
            b'.' | b'_' if !after_separator => after_separator = true,
            b'a'..=b'z' | b'0'..=b'9' => after_separator = false,
            _ => return false,
        }
    }
    !after_separator
}

fn stability_rules(
    stability: Option<Stability>,
    what: &str,
    at: &Location,
    findings: &mut Vec<Finding>,
) {
    match stability {
        None => findings.push(Finding::new(
            MISSING_STABILITY,
            at,
            format!("{what} has no `stability`: add `stability: development` (or stable, release_candidate, alpha, beta)"),
        )),
        Some(Stability::Deprecated) => findings.push(Finding::new(
            DEPRECATED_STABILITY,
            at,
            format!("{what} has `stability: deprecated`: deprecation is `deprecated: {{reason: ...}}`, \
                     and stability says how stable it was (development, stable, ...)"),
        )),
        Some(_) => {}
    }
}

fn check_attribute(a: &Attribute, findings: &mut Vec<Finding>) {
    let what = format!("attribute `{}`", a.name);
    check_name(&a.name, "attribute", &a.at, findings);
    stability_rules(a.stability, &what, &a.at, findings);
    if a.brief.is_none() && a.deprecated.is_none() {
        findings.push(Finding::new(
            MISSING_BRIEF,
            &a.at,
            format!("{what} has no `brief`: say in a sentence what it is"),
        ));
    }
    // A missing or unreadable `type` is the reader's finding.
    let Some(ty) = &a.ty else { return };
    if let AttrType::Enum(members) = ty {
        for m in members {
            stability_rules(
                m.stability,
                &format!("enum member `{}` of {what}", m.id),
                &m.at,
                findings,
            );
        }
    }
    let wants_examples = matches!(
        ty,
        AttrType::Primitive(Primitive::String) | AttrType::Array(Primitive::String)
    ) || matches!(ty, AttrType::Template(inner) if matches!(**inner, AttrType::Primitive(Primitive::String) | AttrType::Array(Primitive::String)));
    match &a.examples {
        None if wants_examples && a.deprecated.is_none() => findings.push(Finding::new(
            MISSING_EXAMPLES,
            &a.at,
            format!(
                "{what} is of type {} and has no `examples`: give one or more values it takes",
                ty.name()
            ),
        )),
        Some(examples) => {
            for e in examples {
                if !example_fits(ty, e) {
                    findings.push(Finding::new(
                        INVALID_EXAMPLE,
                        &a.at,
                        format!(
                            "{what} is of type {}, and its example {} is not",
                            ty.name(),
                            show(e)
                        ),
                    ));
                }
            }
        }
        None => {}
    }
}

fn example_fits(ty: &AttrType, e: &Example) -> bool {
    let scalar = |p: Primitive, e: &Example| {
        matches!(
            (p, e),
            (Primitive::String, Example::Str(_))
                | (Primitive::Int, Example::Int(_))
                | (Primitive::Double, Example::Double(_) | Example::Int(_))
                | (Primitive::Boolean, Example::Bool(_))
        )
    };
    match ty {
        AttrType::Primitive(p) => scalar(*p, e),
        // An array's examples are lists of elements, or elements (each an example).
        AttrType::Array(p) => match e {
            Example::List(items) => items.iter().all(|i| scalar(*p, i)),
            other => scalar(*p, other),
        },
        AttrType::Template(inner) => example_fits(inner, e),
        AttrType::Enum(members) => {
            members.iter().any(|m| match (&m.value, e) {
                (MemberValue::Str(v), Example::Str(x)) => v == x,
                (MemberValue::Int(v), Example::Int(x)) => v == x,
                (MemberValue::Double(_), Example::Double(_)) => true,
                _ => false,
            }) || matches!(e, Example::Str(_) | Example::Int(_))
        }
        AttrType::Any => true,
    }
}

fn show(e: &Example) -> String {
    match e {
        Example::Str(s) => format!("{s:?} (a string)"),
        Example::Int(i) => format!("{i} (an int)"),
        Example::Double(d) => format!("{d} (a double)"),
        Example::Bool(b) => format!("{b} (a boolean)"),
        Example::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Example::Other => "of another kind".to_owned(),
    }
}

fn check_group(g: &Group, findings: &mut Vec<Finding>) {
    let what = format!("{} `{}`", g.ty.name(), g.id);
    if let Some(at) = &g.prefix {
        findings.push(Finding::new(
            PREFIX,
            at,
            format!("{what} has a `prefix`: write each attribute's full name as its id instead"),
        ));
    }
    if g.ty != GroupType::AttributeGroup {
        stability_rules(g.stability, &what, &g.at, findings);
        if g.brief.is_none() && g.deprecated.is_none() {
            findings.push(Finding::new(
                MISSING_BRIEF,
                &g.at,
                format!("{what} has no `brief`: say in a sentence what it is"),
            ));
        }
    }
    if g.ty == GroupType::Event
        && let Some(name) = &g.name
    {
        check_name(name, "event name", &g.at, findings);
    }
    if g.refines.is_none() {
        match g.ty {
            GroupType::Span if g.span_kind.is_none() => findings.push(Finding::new(
                MISSING_SPAN_KIND,
                &g.at,
                format!(
                    "{what} has no `span_kind`: client, server, producer, consumer or internal"
                ),
            )),
            GroupType::Metric => {
                for (field, value) in [
                    ("metric_name", &g.metric_name),
                    ("instrument", &g.instrument),
                    ("unit", &g.unit),
                ] {
                    if value.is_none() {
                        findings.push(Finding::new(
                            MISSING_METRIC_FIELD,
                            &g.at,
                            format!("{what} has no `{field}`"),
                        ));
                    }
                }
                if let Some(name) = &g.metric_name {
                    check_name(name, "metric name", &g.at, findings);
                }
                if let Some(instrument) = &g.instrument
                    && !INSTRUMENTS.contains(&instrument.as_str())
                {
                    findings.push(Finding::new(
                        super::read::INVALID,
                        &g.at,
                        format!(
                            "{what}: `instrument: {instrument}` is not one of {}",
                            INSTRUMENTS.join(", ")
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    if g.ty != GroupType::Span {
        for (field, at) in [
            ("span_kind", g.span_kind.as_ref().map(|s| &s.1)),
            ("events", g.events.as_ref().map(|e| &e.1)),
        ] {
            if let Some(at) = at {
                findings.push(Finding::new(
                    NOT_A_SPAN,
                    at,
                    format!("{what} has `{field}`, which only spans have"),
                ));
            }
        }
    }
    let mut refs = HashSet::new();
    for a in &g.attributes {
        if let GroupAttr::Ref(r) = a {
            if !refs.insert(r.name.as_str()) {
                findings.push(Finding::new(
                    DUPLICATE_REF,
                    &r.at,
                    format!("{what} refs `{}` twice", r.name),
                ));
            }
            if r.requirement_level.is_none() && g.ty != GroupType::AttributeGroup {
                findings.push(Finding::new(MISSING_REQUIREMENT_LEVEL, &r.at, format!(
                    "`ref: {}` in {what} has no `requirement_level`: required, recommended, opt_in or \
                     `conditionally_required: <when>`", r.name
                )));
            }
        }
    }
}

fn check_manifest(m: &Manifest, findings: &mut Vec<Finding>) {
    for (field, at) in &m.deprecated_fields {
        findings.push(Finding::new(DEPRECATED_MANIFEST_FIELD, at, format!(
            "manifest `{field}` is deprecated: `name`, `semconv_version` and `schema_base_url` are one \
             `schema_url: https://<host>/schemas/<version>` now"
        )));
    }
    match &m.schema_url {
        None => findings.push(Finding::new(
            MISSING_SCHEMA_URL,
            &m.at,
            "the manifest has no `schema_url`: add `schema_url: https://<host>/schemas/<version>`",
        )),
        Some(url) => check_schema_url(url, &m.at, findings),
    }
    for d in &m.dependencies {
        match &d.schema_url {
            None => findings.push(Finding::new(MISSING_SCHEMA_URL, &d.at, format!(
                "dependency {}has no `schema_url` beside its registry_path: add the schema URL of the \
                 registry it names (for OpenTelemetry 1.44, `https://opentelemetry.io/schemas/1.44.0`)",
                d.name.as_deref().map_or_else(String::new, |n| format!("`{n}` "))
            ))),
            Some(url) => check_schema_url(url, &d.at, findings),
        }
    }
}

/// `https://<host>/.../<version>`: a URL whose last path segment is the version.
fn check_schema_url(url: &str, at: &Location, findings: &mut Vec<Finding>) {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let mut parts = r.split('/');
        let host = parts.next().unwrap_or("");
        let segments: Vec<&str> = parts.collect();
        !host.is_empty() && !segments.is_empty() && segments.last().is_some_and(|v| !v.is_empty())
    });
    if !ok {
        findings.push(Finding::new(
            INVALID_SCHEMA_URL,
            at,
            format!("schema_url `{url}` is not `https://<host>/schemas/<version>`"),
        ));
    }
}
