//! References resolved: every group's full attribute list, with `ref` overrides
//! applied, `include` / `ref_group` and `extends` followed, refinements given what they
//! refine.

use super::SourceFile;
use super::finding::Finding;
use super::model::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A loaded registry: its own groups resolved, and every attribute it can see (its
/// own and its dependencies').
#[derive(Debug)]
pub(crate) struct Registry {
    pub(crate) manifest: Option<Manifest>,
    /// Every attribute defined, by name: the registry's and its dependencies'.
    pub(crate) attributes: BTreeMap<String, Attribute>,
    /// The attributes the registry itself defines, in file order.
    pub(crate) own_attributes: Vec<Attribute>,
    /// The registry's own groups, in file order, each with its attributes resolved.
    pub(crate) groups: Vec<ResolvedGroup>,
    /// Every file read (the registry's and its dependencies'), for rebuild tracking.
    pub(crate) files: Vec<PathBuf>,
}

/// A group and the attributes it has once references are followed.
#[derive(Debug)]
pub(crate) struct ResolvedGroup {
    pub(crate) group: Group,
    pub(crate) attributes: Vec<ResolvedAttr>,
}

/// One attribute of a group: the definition with the group's overrides applied.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedAttr {
    pub(crate) attribute: Attribute,
    /// The group's requirement level (`recommended` when not given).
    pub(crate) requirement: RequirementLevel,
}

impl Registry {
    /// The group with this id, or the event, span or metric with this name.
    #[cfg(test)]
    pub(crate) fn group(&self, name: &str) -> Option<&ResolvedGroup> {
        self.groups.iter().find(|g| g.group.id == name).or_else(|| {
            self.groups.iter().find(|g| {
                g.group.ty != GroupType::AttributeGroup
                    && (g.group.name.as_deref() == Some(name)
                        || g.group.metric_name.as_deref() == Some(name))
            })
        })
    }
}

struct Resolver<'a> {
    groups: HashMap<&'a str, &'a Group>,
    /// Spans, metrics and events by name, for v2 refinements.
    by_name: HashMap<(GroupType, &'a str), &'a Group>,
    attributes: &'a BTreeMap<String, Attribute>,
}

pub(crate) fn resolve(
    manifest: Option<Manifest>,
    own: Vec<SourceFile>,
    deps: Vec<Vec<SourceFile>>,
    findings: &mut Vec<Finding>,
) -> Registry {
    let mut files = Vec::new();
    let mut attributes: BTreeMap<String, Attribute> = BTreeMap::new();
    let mut own_attributes = Vec::new();
    let mut all_groups: Vec<(&Group, bool)> = Vec::new();
    for (set, is_own) in deps.iter().map(|d| (d, false)).chain([(&own, true)]) {
        for file in set {
            files.push(file.path.clone());
            let defs = file.contents.attributes.iter().chain(
                file.contents
                    .groups
                    .iter()
                    .flat_map(|g| &g.attributes)
                    .filter_map(|a| match a {
                        GroupAttr::Def(d) => Some(d),
                        GroupAttr::Ref(_) => None,
                    }),
            );
            for def in defs {
                if let Some(first) = attributes.get(&def.name) {
                    if is_own {
                        findings.push(Finding::new(
                            "duplicate_attribute_id",
                            &def.at,
                            format!(
                                "attribute `{}` is already defined at {}",
                                def.name, first.at
                            ),
                        ));
                    }
                    continue;
                }
                attributes.insert(def.name.clone(), def.clone());
                if is_own {
                    own_attributes.push(def.clone());
                }
            }
            all_groups.extend(file.contents.groups.iter().map(|g| (g, is_own)));
        }
    }
    let mut r = Resolver {
        groups: HashMap::new(),
        by_name: HashMap::new(),
        attributes: &attributes,
    };
    for &(g, is_own) in &all_groups {
        if let Some(first) = r.groups.get(g.id.as_str()) {
            if is_own {
                findings.push(Finding::new(
                    "duplicate_group_id",
                    &g.at,
                    format!("group id `{}` is already used at {}", g.id, first.at),
                ));
            }
            continue;
        }
        r.groups.insert(&g.id, g);
        if g.refines.is_none() {
            for name in [&g.name, &g.metric_name].into_iter().flatten() {
                r.by_name.entry((g.ty, name.as_str())).or_insert(g);
            }
        }
    }
    let groups = all_groups
        .iter()
        .filter(|(_, is_own)| *is_own)
        .map(|&(g, _)| ResolvedGroup {
            attributes: r.attributes_of(g, findings, &mut Vec::new()),
            group: g.clone(),
        })
        .collect();
    Registry {
        manifest,
        own_attributes,
        groups,
        files,
        attributes,
    }
}

/// Resolves every reference of every group in `files` (no manifest, no rules): the
/// unresolved ones are the findings. For reading a whole registry such as the
/// OpenTelemetry semantic conventions.
#[cfg(test)]
pub(crate) fn resolve_all(files: Vec<SourceFile>, findings: &mut Vec<Finding>) -> Registry {
    resolve(None, files, Vec::new(), findings)
}

impl<'a> Resolver<'a> {
    /// `g`'s attributes: inherited first (extends, refined, included), then its own,
    /// a later entry for the same name replacing an earlier one.
    fn attributes_of(
        &self,
        g: &'a Group,
        findings: &mut Vec<Finding>,
        stack: &mut Vec<&'a str>,
    ) -> Vec<ResolvedAttr> {
        if stack.contains(&g.id.as_str()) {
            findings.push(Finding::new(
                "circular_reference",
                &g.at,
                format!(
                    "group `{}` extends or includes itself: {} -> {}",
                    g.id,
                    stack.join(" -> "),
                    g.id
                ),
            ));
            return Vec::new();
        }
        stack.push(&g.id);
        let mut out: Vec<ResolvedAttr> = Vec::new();
        let inherit = |parent: &'a Group,
                       out: &mut Vec<ResolvedAttr>,
                       findings: &mut Vec<Finding>,
                       stack: &mut Vec<&'a str>| {
            for a in self.attributes_of(parent, findings, stack) {
                upsert(out, a);
            }
        };
        if let Some((parent, at)) = &g.extends {
            match self.groups.get(parent.as_str()) {
                Some(p) => inherit(p, &mut out, findings, stack),
                None => findings.push(Finding::new(
                    "unresolved_extends",
                    at,
                    format!("group `{}` extends `{parent}`, which no group of the registry or its dependencies has as id", g.id),
                )),
            }
        }
        if let Some((target, at)) = &g.refines {
            let found = self
                .by_name
                .get(&(g.ty, target.as_str()))
                .or_else(|| self.groups.get(target.as_str()));
            match found {
                Some(p) => inherit(p, &mut out, findings, stack),
                None => findings.push(Finding::new(
                    "unresolved_refinement",
                    at,
                    format!(
                        "`{}` refines {} `{target}`, which is not defined",
                        g.id,
                        g.ty.name()
                    ),
                )),
            }
        }
        for (included, at) in &g.includes {
            match self.groups.get(included.as_str()) {
                Some(p) => inherit(p, &mut out, findings, stack),
                None => findings.push(Finding::new(
                    "unresolved_include",
                    at,
                    format!(
                        "group `{}` includes `{included}`, which no group has as id",
                        g.id
                    ),
                )),
            }
        }
        for a in &g.attributes {
            match a {
                GroupAttr::Def(d) => upsert(
                    &mut out,
                    ResolvedAttr {
                        attribute: d.clone(),
                        requirement: d
                            .requirement_level
                            .clone()
                            .unwrap_or(RequirementLevel::Recommended(None)),
                    },
                ),
                GroupAttr::Ref(r) => match self.attributes.get(&r.name) {
                    Some(def) => upsert(&mut out, apply(def, r)),
                    None => findings.push(Finding::new(
                        "unresolved_ref",
                        &r.at,
                        format!(
                            "`ref: {}` names no attribute of the registry or its dependencies{}",
                            r.name,
                            did_you_mean(&r.name, self.attributes.keys())
                        ),
                    )),
                },
            }
        }
        stack.pop();
        out
    }
}

/// The definition with a `ref`'s overrides.
fn apply(def: &Attribute, r: &AttrRef) -> ResolvedAttr {
    let mut a = def.clone();
    if r.brief.is_some() {
        a.brief.clone_from(&r.brief);
    }
    if r.note.is_some() {
        a.note.clone_from(&r.note);
    }
    if r.examples.is_some() {
        a.examples.clone_from(&r.examples);
    }
    if r.stability.is_some() {
        a.stability = r.stability;
    }
    if r.deprecated.is_some() {
        a.deprecated.clone_from(&r.deprecated);
    }
    let requirement = r
        .requirement_level
        .clone()
        .or_else(|| def.requirement_level.clone())
        .unwrap_or(RequirementLevel::Recommended(None));
    ResolvedAttr {
        attribute: a,
        requirement,
    }
}

fn upsert(out: &mut Vec<ResolvedAttr>, a: ResolvedAttr) {
    match out
        .iter_mut()
        .find(|x| x.attribute.name == a.attribute.name)
    {
        Some(slot) => *slot = a,
        None => out.push(a),
    }
}

/// `; did you mean `x`?` for the closest name, or nothing.
pub(crate) fn did_you_mean<'n>(name: &str, candidates: impl Iterator<Item = &'n String>) -> String {
    let candidates: Vec<&str> = candidates.map(String::as_str).collect();
    crate::diag::did_you_mean(name, &candidates)
        .map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}
