//! One registry file into the model: Weaver's v1 `groups:` files and
//! `file_format: definition/2` files. Values of the wrong shape are findings
//! (`invalid_registry`); absent fields stay `None` for the checker.

use super::finding::Finding;
use super::model::*;
use super::yaml::{self, Node, Value};

/// What one file declares.
#[derive(Debug, Default)]
pub(crate) struct Contents {
    pub(crate) groups: Vec<Group>,
    /// Attributes a v2 file defines at the top level (`attributes: - key: ...`).
    pub(crate) attributes: Vec<Attribute>,
}

/// The id of a finding about a file's shape: not YAML, or a field of the wrong type.
pub(crate) const INVALID: &str = "invalid_registry";

struct Reader<'a> {
    file: &'a str,
    findings: &'a mut Vec<Finding>,
}

/// Reads `source`, the file at `file` (relative to the registry root).
pub(crate) fn read(file: &str, source: &str, findings: &mut Vec<Finding>) -> Contents {
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(e) => {
            let at = Location {
                file: file.to_owned(),
                line: e.line,
            };
            findings.push(Finding::new(
                INVALID,
                &at,
                format!("not YAML: {}", e.message),
            ));
            return Contents::default();
        }
    };
    let mut r = Reader { file, findings };
    if root.value == Value::Null {
        return Contents::default();
    }
    if !matches!(root.value, Value::Map(_)) {
        r.bad(
            &root,
            format!("a registry file is a mapping, found {}", root.kind()),
        );
        return Contents::default();
    }
    match root.get("file_format").and_then(Node::as_str) {
        Some("definition/2") => r.v2(&root),
        Some(other) => {
            let node = root.get("file_format").unwrap_or(&root);
            r.bad(node, format!("unknown file_format `{other}`: knhk reads `definition/2` and v1 `groups:` files"));
            Contents::default()
        }
        None => r.v1(&root),
    }
}

impl Reader<'_> {
    fn at(&self, node: &Node) -> Location {
        Location {
            file: self.file.to_owned(),
            line: node.line,
        }
    }

    fn bad(&mut self, node: &Node, message: impl Into<String>) {
        let at = self.at(node);
        self.findings.push(Finding::new(INVALID, &at, message));
    }

    /// A string field; another kind is a finding.
    fn string(&mut self, node: &Node, key: &str) -> Option<String> {
        let v = node.get(key)?;
        match &v.value {
            Value::Str(s) => Some(s.clone()),
            Value::Null => None,
            _ => {
                let kind = v.kind();
                self.bad(v, format!("`{key}` is a string, found {kind}"));
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match node.get(key) {
            None => &[],
            Some(v) => match &v.value {
                Value::Seq(items) => items,
                Value::Null => &[],
                _ => {
                    let kind = v.kind();
                    self.bad(v, format!("`{key}` is a list, found {kind}"));
                    &[]
                }
            },
        }
    }

    fn v1(&mut self, root: &Node) -> Contents {
        let mut contents = Contents::default();
        if root.get("groups").is_none() {
            self.bad(root, "a v1 registry file has `groups:` (or `file_format: definition/2` for the v2 format)");
        }
        for g in self.list(root, "groups") {
            if let Some(group) = self.group_v1(g) {
                contents.groups.push(group);
            }
        }
        contents
    }

    fn group_v1(&mut self, g: &Node) -> Option<Group> {
        let Some(id) = self.string(g, "id") else {
            self.bad(g, "a group needs an `id`");
            return None;
        };
        let ty = match self.string(g, "type") {
            Some(t) => GroupType::parse(&t),
            None => {
                self.bad(g, format!("group `{id}` needs a `type` (attribute_group, span, event, metric or entity)"));
                GroupType::Other
            }
        };
        let mut group = self.group_common(g, id, ty);
        group.name = self.string(g, "name");
        group.prefix = g.get("prefix").map(|p| self.at(p));
        group.extends = g
            .get("extends")
            .and_then(|e| Some((e.as_str()?.to_owned(), self.at(e))));
        for c in self.list(g, "constraints") {
            if let Some(inc) = c.get("include")
                && let Some(id) = inc.as_str()
            {
                group.includes.push((id.to_owned(), self.at(inc)));
            }
        }
        group.span_kind = self.located_string(g, "span_kind");
        if let Some(events) = g.get("events") {
            let names = events
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect();
            group.events = Some((names, self.at(events)));
        }
        group.metric_name = self.string(g, "metric_name");
        Some(group)
    }

    fn located_string(&mut self, node: &Node, key: &str) -> Option<(String, Location)> {
        let v = node.get(key)?;
        let s = self.string(node, key)?;
        Some((s, self.at(v)))
    }

    /// The fields v1 and v2 groups share.
    fn group_common(&mut self, g: &Node, id: String, ty: GroupType) -> Group {
        let mut group = Group {
            id,
            ty,
            name: None,
            brief: self.string(g, "brief"),
            note: self.string(g, "note"),
            stability: self.stability(g),
            deprecated: self.deprecated(g),
            prefix: None,
            extends: None,
            includes: Vec::new(),
            refines: None,
            attributes: Vec::new(),
            span_kind: None,
            events: None,
            metric_name: None,
            instrument: self.string(g, "instrument"),
            unit: self.string(g, "unit"),
            body: None,
            at: self.at(g),
        };
        for a in self.list(g, "attributes") {
            if let Some(rg) = a.get("ref_group") {
                if let Some(id) = rg.as_str() {
                    group.includes.push((id.to_owned(), self.at(rg)));
                } else {
                    self.bad(rg, "`ref_group` is a group id");
                }
            } else if let Some(attr) = self.group_attr(a) {
                group.attributes.push(attr);
            }
        }
        group.body = g.get("body").map(|body| self.body_field(body));
        group
    }

    /// An event's `body` or one of its `fields`, and theirs.
    fn body_field(&mut self, f: &Node) -> BodyField {
        let id = self.string(f, "id").unwrap_or_default();
        let ty = match f.get("type") {
            None => {
                self.bad(
                    f,
                    format!("body field `{id}` needs a `type`: {}", body_types()),
                );
                String::new()
            }
            Some(t) => match t.as_str() {
                Some(ty) if BODY_TYPES.contains(&ty) => ty.to_owned(),
                Some(other) => {
                    let hint = if parse_type(other).is_some() {
                        format!("; `{other}` is an attribute type, not a body field's")
                    } else {
                        String::new()
                    };
                    self.bad(
                        t,
                        format!("unknown body field type `{other}`: {}{hint}", body_types()),
                    );
                    other.to_owned()
                }
                None => {
                    self.bad(
                        t,
                        format!(
                            "a body field's `type` is a type name (an enum is `type: enum` beside `members:`), found {}",
                            t.kind()
                        ),
                    );
                    String::new()
                }
            },
        };
        let fields = self
            .list(f, "fields")
            .iter()
            .map(|field| self.body_field(field))
            .collect();
        BodyField {
            id,
            ty,
            fields,
            at: self.at(f),
        }
    }

    fn group_attr(&mut self, a: &Node) -> Option<GroupAttr> {
        if let Some(name) = self.string(a, "ref") {
            return Some(GroupAttr::Ref(AttrRef {
                name,
                brief: self.string(a, "brief"),
                note: self.string(a, "note"),
                examples: self.examples(a),
                stability: self.stability(a),
                deprecated: self.deprecated(a),
                requirement_level: self.requirement_level(a),
                at: self.at(a),
            }));
        }
        match self.string(a, "id") {
            Some(name) => Some(GroupAttr::Def(self.attribute(a, name))),
            None => {
                self.bad(
                    a,
                    "an attribute has an `id` (or a `ref` to one defined elsewhere)",
                );
                None
            }
        }
    }

    fn attribute(&mut self, a: &Node, name: String) -> Attribute {
        if a.get("type").is_none() {
            let at = self.at(a);
            self.findings.push(Finding::new(
                "missing_type",
                &at,
                format!("attribute `{name}` has no `type`: string, int, double, boolean, an array of one, or an enum"),
            ));
        }
        Attribute {
            ty: a.get("type").and_then(|t| self.attr_type(t)),
            brief: self.string(a, "brief"),
            note: self.string(a, "note"),
            examples: self.examples(a),
            stability: self.stability(a),
            deprecated: self.deprecated(a),
            requirement_level: self.requirement_level(a),
            at: self.at(a),
            name,
        }
    }

    fn attr_type(&mut self, t: &Node) -> Option<AttrType> {
        match &t.value {
            Value::Str(s) => {
                let ty = parse_type(s);
                if ty.is_none() {
                    self.bad(t, format!(
                        "unknown attribute type `{s}`: string, int, double, boolean, their arrays \
                         (`string[]`, ...), `any`, `template[...]` of one of those, or an enum (`members:`)"
                    ));
                }
                ty
            }
            Value::Map(_) => {
                let members = self.list(t, "members");
                if members.is_empty() {
                    self.bad(t, "an enum type lists its `members`");
                }
                let members = members.iter().filter_map(|m| self.member(m)).collect();
                Some(AttrType::Enum(members))
            }
            _ => {
                let kind = t.kind();
                self.bad(t, format!("`type` is a type name or an enum, found {kind}"));
                None
            }
        }
    }

    fn member(&mut self, m: &Node) -> Option<Member> {
        let Some(id) = self.string(m, "id") else {
            self.bad(m, "an enum member needs an `id`");
            return None;
        };
        let value = match m.get("value").map(|v| &v.value) {
            Some(Value::Str(s)) => MemberValue::Str(s.clone()),
            Some(Value::Int(i)) => MemberValue::Int(*i),
            Some(Value::Float(f)) => MemberValue::Double(*f),
            _ => {
                self.bad(
                    m,
                    format!("enum member `{id}` needs a `value`: a string, an int or a double"),
                );
                return None;
            }
        };
        Some(Member {
            value,
            brief: self.string(m, "brief"),
            note: self.string(m, "note"),
            stability: self.stability(m),
            deprecated: self.deprecated(m),
            at: self.at(m),
            id,
        })
    }

    fn stability(&mut self, node: &Node) -> Option<Stability> {
        let v = node.get("stability")?;
        let s = self.string(node, "stability")?;
        let parsed = Stability::parse(&s);
        if parsed.is_none() {
            self.bad(
                v,
                format!(
                    "unknown stability `{s}`: stable, development, release_candidate, alpha or beta"
                ),
            );
        }
        parsed
    }

    fn deprecated(&mut self, node: &Node) -> Option<Deprecated> {
        let v = node.get("deprecated")?;
        match &v.value {
            Value::Str(s) => Some(Deprecated {
                reason: "uncategorized".to_owned(),
                renamed_to: None,
                note: Some(s.clone()),
            }),
            Value::Map(_) => Some(Deprecated {
                reason: self
                    .string(v, "reason")
                    .unwrap_or_else(|| "uncategorized".to_owned()),
                renamed_to: self.string(v, "renamed_to"),
                note: self.string(v, "note"),
            }),
            _ => {
                let kind = v.kind();
                self.bad(v, format!("`deprecated` is a note or a map (`reason`, `renamed_to`, `note`), found {kind}"));
                None
            }
        }
    }

    fn requirement_level(&mut self, node: &Node) -> Option<RequirementLevel> {
        let v = node.get("requirement_level")?;
        let level = match &v.value {
            Value::Str(s) => match s.as_str() {
                "required" => Some(RequirementLevel::Required),
                "recommended" => Some(RequirementLevel::Recommended(None)),
                "opt_in" => Some(RequirementLevel::OptIn),
                _ => None,
            },
            Value::Map(entries) if entries.len() == 1 => {
                let text = entries[0].value.scalar_text().unwrap_or_default();
                match entries[0].key.as_str() {
                    "conditionally_required" => Some(RequirementLevel::ConditionallyRequired(text)),
                    "recommended" => Some(RequirementLevel::Recommended(Some(text))),
                    "opt_in" => Some(RequirementLevel::OptIn),
                    "required" => Some(RequirementLevel::Required),
                    _ => None,
                }
            }
            _ => None,
        };
        if level.is_none() {
            self.bad(
                v,
                "`requirement_level` is required, recommended, opt_in, or a map \
                         `conditionally_required: <when>` / `recommended: <when>`",
            );
        }
        level
    }

    fn examples(&mut self, node: &Node) -> Option<Vec<Example>> {
        let v = node.get("examples")?;
        Some(match &v.value {
            Value::Seq(items) => items.iter().map(example).collect(),
            _ => vec![example(v)],
        })
    }

    fn v2(&mut self, root: &Node) -> Contents {
        let mut contents = Contents::default();
        for a in self.list(root, "attributes") {
            match self.string(a, "key") {
                Some(key) => contents.attributes.push(self.attribute(a, key)),
                None => self.bad(a, "a v2 attribute needs a `key`"),
            }
        }
        for g in self.list(root, "attribute_groups") {
            match self.string(g, "id") {
                Some(id) => {
                    let group = self.group_common(g, id, GroupType::AttributeGroup);
                    contents.groups.push(group);
                }
                None => self.bad(g, "an attribute group needs an `id`"),
            }
        }
        for (section, key, ty) in [
            ("spans", "type", GroupType::Span),
            ("events", "name", GroupType::Event),
            ("metrics", "name", GroupType::Metric),
            ("entities", "type", GroupType::Entity),
        ] {
            for g in self.list(root, section) {
                let Some(name) = self.string(g, key) else {
                    self.bad(g, format!("an entry of `{section}` needs a `{key}`"));
                    continue;
                };
                let mut group = self.group_common(g, format!("{}.{name}", ty.name()), ty);
                match ty {
                    GroupType::Span => group.span_kind = self.located_string(g, "kind"),
                    GroupType::Metric => group.metric_name = Some(name.clone()),
                    _ => {}
                }
                group.name = Some(name);
                contents.groups.push(group);
            }
        }
        for (section, ty) in [
            ("span_refinements", GroupType::Span),
            ("metric_refinements", GroupType::Metric),
            ("event_refinements", GroupType::Event),
        ] {
            for g in self.list(root, section) {
                let Some(id) = self.string(g, "id") else {
                    self.bad(g, format!("an entry of `{section}` needs an `id`"));
                    continue;
                };
                let mut group = self.group_common(g, id, ty);
                group.refines = self.located_string(g, "ref");
                if group.refines.is_none() {
                    self.bad(g, "a refinement names what it refines with `ref`");
                }
                contents.groups.push(group);
            }
        }
        contents
    }
}

/// `string`, `int[]`, `any`, `template[string]`, `template[any]`.
pub(crate) fn parse_type(s: &str) -> Option<AttrType> {
    if s == "any" {
        return Some(AttrType::Any);
    }
    if let Some(inner) = s
        .strip_prefix("template[")
        .and_then(|r| r.strip_suffix(']'))
    {
        return match parse_type(inner)? {
            t @ (AttrType::Primitive(_) | AttrType::Array(_) | AttrType::Any) => {
                Some(AttrType::Template(Box::new(t)))
            }
            _ => None,
        };
    }
    if let Some(elem) = s.strip_suffix("[]") {
        return primitive(elem).map(AttrType::Array);
    }
    primitive(s).map(AttrType::Primitive)
}

/// The body field types, for messages.
fn body_types() -> String {
    format!(
        "{}, or enum (`type: enum` beside `members:`)",
        BODY_TYPES[..BODY_TYPES.len() - 1].join(", ")
    )
}

fn primitive(s: &str) -> Option<Primitive> {
    Some(match s {
        "string" => Primitive::String,
        "int" => Primitive::Int,
        "double" => Primitive::Double,
        "boolean" => Primitive::Boolean,
        _ => return None,
    })
}

fn example(node: &Node) -> Example {
    match &node.value {
        Value::Str(s) => Example::Str(s.clone()),
        Value::Int(i) => Example::Int(*i),
        Value::Float(f) => Example::Double(*f),
        Value::Bool(b) => Example::Bool(*b),
        Value::Seq(items) => Example::List(items.iter().map(example).collect()),
        _ => Example::Other,
    }
}
