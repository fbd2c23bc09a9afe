//! What a registry declares, as the loader reads it: groups, attributes and the
//! manifest, each with where it was written ([`Location`]). Fields the rules check for
//! presence (`brief`, `stability`, ...) are `Option`s; the checker, not the reader,
//! says when one is missing.

use std::fmt;

/// A file (relative to the registry root, `/`-separated) and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The kinds of group (`type:` in a v1 file, the section in a v2 file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GroupType {
    AttributeGroup,
    Span,
    Event,
    Metric,
    Entity,
    /// Any other `type:` (old files have `resource`, `scope`, ...): kept, not checked.
    Other,
}

impl GroupType {
    pub(crate) fn parse(s: &str) -> GroupType {
        match s {
            "attribute_group" => GroupType::AttributeGroup,
            "span" => GroupType::Span,
            "event" => GroupType::Event,
            "metric" => GroupType::Metric,
            "entity" => GroupType::Entity,
            _ => GroupType::Other,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            GroupType::AttributeGroup => "attribute_group",
            GroupType::Span => "span",
            GroupType::Event => "event",
            GroupType::Metric => "metric",
            GroupType::Entity => "entity",
            GroupType::Other => "other",
        }
    }
}

/// `stability:` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Stability {
    Stable,
    Development,
    ReleaseCandidate,
    Alpha,
    Beta,
    /// `experimental`: the old spelling of `development`.
    Experimental,
    /// `deprecated` as a stability, which the rules forbid (deprecation is `deprecated:`).
    Deprecated,
}

impl Stability {
    pub(crate) fn parse(s: &str) -> Option<Stability> {
        Some(match s {
            "stable" => Stability::Stable,
            "development" => Stability::Development,
            "release_candidate" => Stability::ReleaseCandidate,
            "alpha" => Stability::Alpha,
            "beta" => Stability::Beta,
            "experimental" => Stability::Experimental,
            "deprecated" => Stability::Deprecated,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Stability::Stable => "stable",
            Stability::Development => "development",
            Stability::ReleaseCandidate => "release_candidate",
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Experimental => "experimental",
            Stability::Deprecated => "deprecated",
        }
    }
}

/// `deprecated:` as a string (the note) or a map.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Deprecated {
    /// `renamed`, `obsoleted`, `uncategorized` (or the text of the string form).
    pub(crate) reason: String,
    pub(crate) renamed_to: Option<String>,
    pub(crate) note: Option<String>,
}

/// `requirement_level:` as a string or a one-key map with its text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RequirementLevel {
    Required,
    Recommended(Option<String>),
    OptIn,
    ConditionallyRequired(String),
}

/// A primitive attribute type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Primitive {
    String,
    Int,
    Double,
    Boolean,
}

impl Primitive {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Primitive::String => "string",
            Primitive::Int => "int",
            Primitive::Double => "double",
            Primitive::Boolean => "boolean",
        }
    }
}

/// One member of an enum attribute.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub(crate) id: String,
    /// Its value: a string, an int or a double, as written.
    pub(crate) value: MemberValue,
    pub(crate) brief: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) stability: Option<Stability>,
    pub(crate) deprecated: Option<Deprecated>,
    pub(crate) at: Location,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum MemberValue {
    Str(String),
    Int(i64),
    Double(f64),
}

/// The type of an enum attribute's values, from its members': `int` when every value
/// is an int (`rpc.grpc.status_code`), `double` when they are numbers and one is not
/// an int, `string` otherwise.
pub(crate) fn enum_value_type(members: &[Member]) -> Primitive {
    let ints = members
        .iter()
        .all(|m| matches!(m.value, MemberValue::Int(_)));
    let numbers = members
        .iter()
        .all(|m| matches!(m.value, MemberValue::Int(_) | MemberValue::Double(_)));
    match (members.is_empty(), ints, numbers) {
        (true, ..) => Primitive::String,
        (false, true, _) => Primitive::Int,
        (false, false, true) => Primitive::Double,
        _ => Primitive::String,
    }
}

/// An attribute's type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AttrType {
    Primitive(Primitive),
    Array(Primitive),
    /// `template[T]`: the attribute is a prefix, a key follows it (`http.request.header.<key>`).
    Template(Box<AttrType>),
    Enum(Vec<Member>),
    Any,
}

impl AttrType {
    /// As written in a registry (`int`, `string[]`, `template[string]`, `enum`, `any`).
    pub(crate) fn name(&self) -> String {
        match self {
            AttrType::Primitive(p) => p.name().to_owned(),
            AttrType::Array(p) => format!("{}[]", p.name()),
            AttrType::Template(inner) => format!("template[{}]", inner.name()),
            AttrType::Enum(_) => "enum".to_owned(),
            AttrType::Any => "any".to_owned(),
        }
    }
}

/// `examples:` values, kept with their YAML kind so the checker can match them
/// against the type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Example {
    Str(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    /// A list inside the list: one example of an array attribute.
    List(Vec<Example>),
    Other,
}

/// An attribute defined in a group (`id:`) or a v2 file (`key:`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Attribute {
    pub(crate) name: String,
    pub(crate) ty: Option<AttrType>,
    pub(crate) brief: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) examples: Option<Vec<Example>>,
    pub(crate) stability: Option<Stability>,
    pub(crate) deprecated: Option<Deprecated>,
    pub(crate) requirement_level: Option<RequirementLevel>,
    pub(crate) at: Location,
}

/// A `ref:` to an attribute defined elsewhere, with the fields it overrides.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AttrRef {
    pub(crate) name: String,
    pub(crate) brief: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) examples: Option<Vec<Example>>,
    pub(crate) stability: Option<Stability>,
    pub(crate) deprecated: Option<Deprecated>,
    pub(crate) requirement_level: Option<RequirementLevel>,
    pub(crate) at: Location,
}

/// What a group lists under `attributes:`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GroupAttr {
    Def(Attribute),
    Ref(AttrRef),
}

/// An event's `body`, or a field of one: an OpenTelemetry `AnyValue` described by
/// [`BODY_TYPES`] (`map` and `map[]` with `fields`, `undefined`, an `enum` with
/// `members`, ...).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BodyField {
    pub(crate) id: String,
    /// One of [`BODY_TYPES`], as written.
    pub(crate) ty: String,
    pub(crate) fields: Vec<BodyField>,
    pub(crate) at: Location,
}

/// The types of an event body and its fields (Weaver's `AnyValueSpec`). `any` is not
/// one: it is an attribute type.
pub(crate) const BODY_TYPES: [&str; 13] = [
    "boolean",
    "int",
    "double",
    "string",
    "boolean[]",
    "int[]",
    "double[]",
    "string[]",
    "map",
    "map[]",
    "bytes",
    "undefined",
    "enum",
];

/// A group: an attribute group, span, event, metric or entity.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) ty: GroupType,
    /// `name:` of an event or entity.
    pub(crate) name: Option<String>,
    pub(crate) brief: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) stability: Option<Stability>,
    pub(crate) deprecated: Option<Deprecated>,
    /// `prefix:`, which the rules forbid; where it was written.
    pub(crate) prefix: Option<Location>,
    pub(crate) extends: Option<(String, Location)>,
    /// `constraints: - include: id` (v1) and `ref_group: id` (v2): attribute groups
    /// whose attributes this group takes.
    pub(crate) includes: Vec<(String, Location)>,
    /// A v2 refinement's `ref:`: the span or metric it refines, whose kind, instrument
    /// and unit it keeps.
    pub(crate) refines: Option<(String, Location)>,
    pub(crate) attributes: Vec<GroupAttr>,
    pub(crate) span_kind: Option<(String, Location)>,
    pub(crate) events: Option<(Vec<String>, Location)>,
    pub(crate) metric_name: Option<String>,
    pub(crate) instrument: Option<String>,
    pub(crate) unit: Option<String>,
    /// An event's `body`.
    pub(crate) body: Option<BodyField>,
    pub(crate) at: Location,
}

/// A dependency in the manifest.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Dependency {
    pub(crate) name: Option<String>,
    pub(crate) schema_url: Option<String>,
    pub(crate) registry_path: Option<String>,
    pub(crate) at: Location,
}

/// `manifest.yaml` (or `registry_manifest.yaml`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Manifest {
    pub(crate) schema_url: Option<String>,
    pub(crate) description: Option<String>,
    /// Where `name`, `semconv_version` or `schema_base_url` (the deprecated spelling of
    /// `schema_url`) were written.
    pub(crate) deprecated_fields: Vec<(String, Location)>,
    pub(crate) dependencies: Vec<Dependency>,
    pub(crate) at: Location,
}
