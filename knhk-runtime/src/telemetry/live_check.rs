//! [`RegistryCheckLayer`]: every span and event a program emits, checked against its
//! registries while it runs, with the finding ids and levels of OpenTelemetry Weaver's
//! `registry live-check`.

use crate::semconv::schema::{
    Attribute, AttributeType, EnumValue, Primitive, Registry, Requirement, Signal, SignalKind,
    Stability, TemplateOf,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// Fields that are not attributes: the event's message, the names `tracing-opentelemetry`
/// reads as the span's name, kind and status, and those `tracing-log` adds to a `log`
/// record.
pub const NOT_ATTRIBUTES: &[&str] = &[
    "message",
    "otel.name",
    "otel.kind",
    "otel.status_code",
    "otel.status_description",
    "log.target",
    "log.module_path",
    "log.file",
    "log.line",
];

/// A `tracing_subscriber::Layer` that checks every span and event against registries
/// (`semconv::registry()` of knhk and of the user's crate) and collects
/// [`Finding`]s: attributes the registries do not declare, values of the wrong type or
/// outside an enum, required attributes missing from a registry span or event, and
/// attributes that are not stable or are deprecated.
///
/// The layer is a handle: clone it, give one clone to the subscriber, and read the
/// [`report`](Self::report) from the other.
///
/// ```
/// use knhk_runtime::semconv;
/// use knhk_runtime::telemetry::{FindingId, RegistryCheckLayer};
/// use tracing_subscriber::layer::SubscriberExt;
///
/// let check = RegistryCheckLayer::new([semconv::registry()]);
/// let subscriber = tracing_subscriber::registry().with(check.clone());
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!(lockchain.entries = 3_u64, "declared, with its type");
///     tracing::info!(lockchain.entrys = 3_u64, "not declared");
/// });
/// let report = check.report();
/// assert_eq!(report.events, 2);
/// assert_eq!(report.violations(), 1);
/// assert_eq!(report.findings[0].id, FindingId::MissingAttribute);
/// ```
#[derive(Clone)]
pub struct RegistryCheckLayer {
    inner: Arc<Inner>,
}

struct Inner {
    /// Every attribute of every registry, sorted by name, the first registry's where two
    /// declare one name.
    attributes: Vec<Known>,
    /// The template attributes among them (indices into `attributes`).
    templates: Vec<usize>,
    signals: Vec<&'static Signal>,
    events: AtomicU64,
    spans: AtomicU64,
    findings: Mutex<BTreeMap<FindingKey, Finding>>,
}

struct Known {
    attribute: &'static Attribute,
    /// Counted in the coverage: a registry's own attribute, not a dependency's.
    own: bool,
    seen: AtomicBool,
    /// How often it was seen (for `not_stable` and `deprecated`, which say the same of
    /// every use: counted here, without a lock, and made findings when reported).
    uses: AtomicU64,
    /// The first span or event that carried it.
    first: OnceLock<(SignalKind, &'static str)>,
}

/// What makes two findings the same one (then counted, not repeated): id, signal kind
/// and name, attribute, and the value where it matters (an enum's).
type FindingKey = (FindingId, SignalKind, &'static str, &'static str, String);

impl RegistryCheckLayer {
    /// A layer checking against these registries (each a generated
    /// `semconv::registry()`).
    pub fn new(registries: impl IntoIterator<Item = &'static Registry>) -> Self {
        let mut by_name: BTreeMap<&'static str, (&'static Attribute, bool)> = BTreeMap::new();
        let mut signals = Vec::new();
        for registry in registries {
            for a in registry.attributes {
                let entry = by_name.entry(a.name).or_insert((a, a.own));
                entry.1 |= a.own;
            }
            signals.extend(registry.signals.iter());
        }
        let attributes: Vec<Known> = by_name
            .into_values()
            .map(|(attribute, own)| Known {
                attribute,
                own,
                seen: AtomicBool::new(false),
                uses: AtomicU64::new(0),
                first: OnceLock::new(),
            })
            .collect();
        let templates = attributes
            .iter()
            .enumerate()
            .filter(|(_, k)| matches!(k.attribute.ty, AttributeType::Template(_)))
            .map(|(i, _)| i)
            .collect();
        RegistryCheckLayer {
            inner: Arc::new(Inner {
                attributes,
                templates,
                signals,
                events: AtomicU64::new(0),
                spans: AtomicU64::new(0),
                findings: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// What the layer has seen so far.
    pub fn report(&self) -> LiveCheckReport {
        let inner = &*self.inner;
        let mut findings: Vec<Finding> = inner
            .findings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for known in &inner.attributes {
            let (Some(&(kind, signal)), uses) =
                (known.first.get(), known.uses.load(Ordering::Relaxed))
            else {
                continue;
            };
            let a = known.attribute;
            let finding = |id, level, context, message| Finding {
                id,
                level,
                context,
                message,
                signal_type: signal_type(kind),
                signal_name: signal.to_owned(),
                count: uses,
            };
            if let Some(why) = a.deprecated {
                findings.push(finding(
                    FindingId::Deprecated,
                    FindingLevel::Violation,
                    FindingContext {
                        deprecation_note: Some(why),
                        ..FindingContext::named(a.name)
                    },
                    format!("Attribute '{}' is deprecated; note = '{why}'.", a.name),
                ));
            }
            if let Some(stability) = a.stability.filter(|s| *s != Stability::Stable) {
                let stability = stability.name();
                findings.push(finding(
                    FindingId::NotStable,
                    FindingLevel::Improvement,
                    FindingContext {
                        stability: Some(stability),
                        ..FindingContext::named(a.name)
                    },
                    format!(
                        "Attribute '{}' is not stable; stability = {stability}.",
                        a.name
                    ),
                ));
            }
        }
        findings.sort_by(|a, b| {
            (
                a.id,
                a.signal_type,
                &a.signal_name,
                &a.context.attribute_key,
            )
                .cmp(&(
                    b.id,
                    b.signal_type,
                    &b.signal_name,
                    &b.context.attribute_key,
                ))
        });
        let own = inner
            .attributes
            .iter()
            .filter(|k| k.own && k.attribute.deprecated.is_none());
        let unseen: Vec<&'static str> = own
            .clone()
            .filter(|k| !k.seen.load(Ordering::Relaxed))
            .map(|k| k.attribute.name)
            .collect();
        let total = own.count();
        LiveCheckReport {
            findings,
            events: inner.events.load(Ordering::Relaxed),
            spans: inner.spans.load(Ordering::Relaxed),
            coverage: Coverage {
                seen: total - unseen.len(),
                total,
                unseen,
            },
        }
    }
}

impl fmt::Debug for RegistryCheckLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryCheckLayer")
            .field("attributes", &self.inner.attributes.len())
            .field("signals", &self.inner.signals.len())
            .finish_non_exhaustive()
    }
}

impl Inner {
    fn attribute(&self, name: &str) -> Option<&Known> {
        if let Ok(i) = self
            .attributes
            .binary_search_by(|k| k.attribute.name.cmp(name))
        {
            return Some(&self.attributes[i]);
        }
        self.templates
            .iter()
            .map(|&i| &self.attributes[i])
            .find(|k| {
                let prefix = k.attribute.name;
                name.len() > prefix.len()
                    && name.starts_with(prefix)
                    && name.as_bytes()[prefix.len()] == b'.'
            })
    }

    fn signal(&self, kind: SignalKind, name: &str) -> Option<&'static Signal> {
        self.signals
            .iter()
            .copied()
            .find(|s| s.kind == kind && s.name == name)
    }

    /// Counts the finding `key`, made by `make` the first time.
    fn add(&self, key: FindingKey, make: impl FnOnce() -> Finding) {
        let mut findings = self.findings.lock().unwrap_or_else(|p| p.into_inner());
        findings
            .entry(key)
            .and_modify(|f| f.count += 1)
            .or_insert_with(make);
    }
}

/// What a span carries between its creation and its close: its registry signal and
/// which of that signal's attributes it has recorded.
struct SpanState {
    signal: Option<&'static Signal>,
    present: u64,
}

impl<S> tracing_subscriber::Layer<S> for RegistryCheckLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let inner = &*self.inner;
        inner.spans.fetch_add(1, Ordering::Relaxed);
        let name = attrs.metadata().name();
        let signal = inner.signal(SignalKind::Span, name);
        let mut visitor = Checker::new(inner, SignalKind::Span, name, signal);
        attrs.record(&mut visitor);
        let present = visitor.present;
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanState { signal, present });
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        let Some(state) = extensions.get_mut::<SpanState>() else {
            return;
        };
        let mut visitor = Checker::new(&self.inner, SignalKind::Span, span.name(), state.signal);
        values.record(&mut visitor);
        state.present |= visitor.present;
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let extensions = span.extensions();
        if let Some(SpanState {
            signal: Some(signal),
            present,
        }) = extensions.get::<SpanState>()
        {
            not_present(&self.inner, SignalKind::Span, signal, *present);
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let inner = &*self.inner;
        inner.events.fetch_add(1, Ordering::Relaxed);
        let name = event.metadata().name();
        let signal = inner.signal(SignalKind::Event, name);
        let mut visitor = Checker::new(inner, SignalKind::Event, name, signal);
        event.record(&mut visitor);
        match signal {
            Some(signal) => not_present(inner, SignalKind::Event, signal, visitor.present),
            // `tracing` names an event without `name:` after its place in the source.
            None if !name.starts_with("event ") => {
                let id = FindingId::MissingEvent;
                inner.add((id, SignalKind::Event, name, "", String::new()), || {
                    Finding {
                        id,
                        level: FindingLevel::Violation,
                        context: FindingContext::default(),
                        message: format!("Event '{name}' does not exist in the registry."),
                        signal_type: signal_type(SignalKind::Event),
                        signal_name: name.to_owned(),
                        count: 1,
                    }
                });
            }
            None => {}
        }
    }
}

/// For each attribute of `signal` missing from `present` (bit `i` for
/// `signal.attributes[i]`), the finding of its requirement level: a violation for a
/// required one, an improvement for a recommended one, information otherwise.
fn not_present(inner: &Inner, kind: SignalKind, signal: &'static Signal, present: u64) {
    for (i, a) in signal.attributes.iter().enumerate().take(64) {
        if present & (1 << i) != 0 {
            continue;
        }
        let (id, level, what) = match a.requirement {
            Requirement::Required => (
                FindingId::RequiredAttributeNotPresent,
                FindingLevel::Violation,
                "Required",
            ),
            Requirement::Recommended => (
                FindingId::RecommendedAttributeNotPresent,
                FindingLevel::Improvement,
                "Recommended",
            ),
            Requirement::ConditionallyRequired => (
                FindingId::ConditionallyRequiredAttributeNotPresent,
                FindingLevel::Information,
                "Conditionally required",
            ),
            Requirement::OptIn => (
                FindingId::OptInAttributeNotPresent,
                FindingLevel::Information,
                "Opt-in",
            ),
        };
        inner.add((id, kind, signal.name, a.name, String::new()), || Finding {
            id,
            level,
            context: FindingContext::named(a.name),
            message: format!("{what} attribute '{}' is not present.", a.name),
            signal_type: signal_type(kind),
            signal_name: signal.name.to_owned(),
            count: 1,
        });
    }
}

/// A finding's `signal_type`, as Weaver's live check writes it: an event is a log
/// record with an event name, `log`.
fn signal_type(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::Event => "log",
        other => other.name(),
    }
}

/// A value as `tracing` hands it over.
#[derive(Clone, Copy)]
enum Seen<'v> {
    Int(i128),
    Double(f64),
    Bool(bool),
    Str(&'v str),
    /// Through `Debug`: `%` and `?` values, errors, and knhk's arrays.
    Text(&'v dyn fmt::Debug),
}

impl Seen<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Seen::Int(_) => "int",
            Seen::Double(_) => "double",
            Seen::Bool(_) => "boolean",
            Seen::Str(_) | Seen::Text(_) => "string",
        }
    }

    /// The value as the findings show it.
    fn shown(&self) -> String {
        match self {
            Seen::Int(i) => i.to_string(),
            Seen::Double(d) => d.to_string(),
            Seen::Bool(b) => b.to_string(),
            Seen::Str(s) => (*s).to_owned(),
            Seen::Text(d) => format!("{d:?}"),
        }
    }

    /// Whether the value's text is `expected`, without allocating.
    fn text_is(&self, expected: &str) -> bool {
        match self {
            Seen::Str(s) => *s == expected,
            Seen::Text(d) => {
                let mut cmp = Compare {
                    rest: expected,
                    equal: true,
                };
                write!(cmp, "{d:?}").is_ok() && cmp.equal && cmp.rest.is_empty()
            }
            _ => false,
        }
    }

    /// Whether the value reads as a list (`[..]`), as knhk records arrays.
    fn is_list(&self) -> bool {
        match self {
            Seen::Text(d) => {
                let mut first = FirstChar(None);
                let _ = write!(first, "{d:?}");
                first.0 == Some('[')
            }
            _ => false,
        }
    }
}

/// Compares what is written against a string, stopping at the first difference.
struct Compare<'e> {
    rest: &'e str,
    equal: bool,
}

impl fmt::Write for Compare<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.rest.strip_prefix(s) {
            Some(rest) if self.equal => {
                self.rest = rest;
                Ok(())
            }
            _ => {
                self.equal = false;
                Err(fmt::Error)
            }
        }
    }
}

struct FirstChar(Option<char>);

impl fmt::Write for FirstChar {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.0.is_none() {
            self.0 = s.chars().next();
        }
        if self.0.is_some() {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

/// Checks each field of one span or event.
struct Checker<'a> {
    inner: &'a Inner,
    kind: SignalKind,
    name: &'static str,
    signal: Option<&'static Signal>,
    /// Bit `i`: `signal.attributes[i]` was recorded.
    present: u64,
}

impl<'a> Checker<'a> {
    fn new(
        inner: &'a Inner,
        kind: SignalKind,
        name: &'static str,
        signal: Option<&'static Signal>,
    ) -> Self {
        Checker {
            inner,
            kind,
            name,
            signal,
            present: 0,
        }
    }

    /// Counts the finding `id` about `attribute` (and `value`) on this signal, made by
    /// `make` (context and message) the first time.
    fn finding(
        &self,
        id: FindingId,
        level: FindingLevel,
        attribute: &'static str,
        value: String,
        make: impl FnOnce() -> (FindingContext, String),
    ) {
        let (kind, name) = (self.kind, self.name);
        self.inner.add((id, kind, name, attribute, value), || {
            let (context, message) = make();
            Finding {
                id,
                level,
                context,
                message,
                signal_type: signal_type(kind),
                signal_name: name.to_owned(),
                count: 1,
            }
        });
    }

    fn check(&mut self, field: &Field, value: Seen<'_>) {
        let name = field.name();
        if NOT_ATTRIBUTES.contains(&name) {
            return;
        }
        if let Some(signal) = self.signal
            && let Some(i) = signal.attributes.iter().position(|a| a.name == name)
            && i < 64
        {
            self.present |= 1 << i;
        }
        let Some(known) = self.inner.attribute(name) else {
            self.finding(
                FindingId::MissingAttribute,
                FindingLevel::Violation,
                name,
                String::new(),
                || {
                    (
                        FindingContext::named(name),
                        format!("Attribute '{name}' does not exist in the registry."),
                    )
                },
            );
            return;
        };
        if !known.seen.load(Ordering::Relaxed) {
            known.seen.store(true, Ordering::Relaxed);
        }
        let attribute = known.attribute;
        if attribute.name != name {
            let template = attribute.name;
            self.finding(
                FindingId::TemplateAttribute,
                FindingLevel::Information,
                name,
                String::new(),
                || {
                    let context = FindingContext {
                        template_name: Some(template),
                        ..FindingContext::named(name)
                    };
                    (context, format!("Attribute '{name}' is a template"))
                },
            );
        }
        let unstable = attribute.stability.is_some_and(|s| s != Stability::Stable);
        if attribute.deprecated.is_some() || unstable {
            known.uses.fetch_add(1, Ordering::Relaxed);
            let _ = known.first.get_or_init(|| (self.kind, self.name));
        }
        self.check_value(name, attribute, value);
    }

    fn check_value(&self, name: &'static str, attribute: &Attribute, value: Seen<'_>) {
        let expected = match attribute.ty {
            AttributeType::Any => return,
            AttributeType::Primitive(p) | AttributeType::Template(TemplateOf::Primitive(p)) => {
                if primitive_matches(p, value) {
                    return;
                }
                p.name().to_owned()
            }
            AttributeType::Array(p) | AttributeType::Template(TemplateOf::Array(p)) => {
                if value.is_list() {
                    return;
                }
                format!("{}[]", p.name())
            }
            AttributeType::Enum(members) => {
                let listed = |v: &EnumValue| match (v, value) {
                    (EnumValue::Int(m), Seen::Int(i)) => i128::from(*m) == i,
                    (EnumValue::Double(m), Seen::Double(d)) => *m == d,
                    (EnumValue::Str(m), v) => v.text_is(m),
                    _ => false,
                };
                // As Weaver: a string or an int is compared with the members' values.
                let right_type = matches!(value, Seen::Str(_) | Seen::Text(_) | Seen::Int(_));
                if right_type {
                    if !members.iter().any(listed) {
                        let shown = value.shown();
                        self.finding(
                            FindingId::UndefinedEnumVariant,
                            FindingLevel::Information,
                            name,
                            shown.clone(),
                            || {
                                let message = format!(
                                    "Enum attribute '{name}' has value '{shown}' which is not documented."
                                );
                                let context = FindingContext {
                                    attribute_key: Some(name.to_owned()),
                                    attribute_value: Some(shown),
                                    ..FindingContext::default()
                                };
                                (context, message)
                            },
                        );
                    }
                    return;
                }
                let seen = value.type_name();
                self.finding(
                    FindingId::TypeMismatch,
                    FindingLevel::Violation,
                    name,
                    seen.to_owned(),
                    || {
                        let message = format!(
                            "Enum attribute '{name}' has type '{seen}'. Enum value type should be 'string' or 'int'."
                        );
                        let context = FindingContext {
                            attribute_type: Some(seen),
                            ..FindingContext::named(name)
                        };
                        (context, message)
                    },
                );
                return;
            }
        };
        let seen = value.type_name();
        self.finding(
            FindingId::TypeMismatch,
            FindingLevel::Violation,
            name,
            seen.to_owned(),
            || {
                let message =
                    format!("Attribute '{name}' has type '{seen}'. Type should be '{expected}'.");
                let context = FindingContext {
                    attribute_key: Some(name.to_owned()),
                    attribute_type: Some(seen),
                    expected: Some(expected),
                    ..FindingContext::default()
                };
                (context, message)
            },
        );
    }
}

fn primitive_matches(p: Primitive, value: Seen<'_>) -> bool {
    matches!(
        (p, value),
        (Primitive::Int, Seen::Int(_))
            | (Primitive::Double, Seen::Double(_) | Seen::Int(_))
            | (Primitive::Boolean, Seen::Bool(_))
            | (Primitive::Str, Seen::Str(_) | Seen::Text(_))
    )
}

impl Visit for Checker<'_> {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.check(field, Seen::Int(value.into()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.check(field, Seen::Int(value.into()));
    }
    fn record_i128(&mut self, field: &Field, value: i128) {
        self.check(field, Seen::Int(value));
    }
    fn record_u128(&mut self, field: &Field, value: u128) {
        self.check(field, Seen::Int(i128::try_from(value).unwrap_or(i128::MAX)));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.check(field, Seen::Double(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.check(field, Seen::Bool(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.check(field, Seen::Str(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.check(field, Seen::Text(value));
    }
}

/// A finding's id, as Weaver's live check names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingId {
    /// An attribute no registry declares.
    MissingAttribute,
    /// A value of another type than the registry's.
    TypeMismatch,
    /// An enum attribute's value the registry does not list.
    UndefinedEnumVariant,
    /// A required attribute of a registry span or event that it did not record.
    RequiredAttributeNotPresent,
    /// A recommended attribute of a registry span or event that it did not record.
    RecommendedAttributeNotPresent,
    /// A conditionally required attribute that was not recorded (the condition is
    /// words, which no checker can evaluate).
    ConditionallyRequiredAttributeNotPresent,
    /// An opt-in attribute that was not recorded.
    OptInAttributeNotPresent,
    /// An attribute whose stability is not `stable`.
    NotStable,
    /// A deprecated attribute.
    Deprecated,
    /// An attribute matched by a template attribute's prefix.
    TemplateAttribute,
    /// A named event that is not in the registry.
    MissingEvent,
}

impl FindingId {
    /// As Weaver writes it (`missing_attribute`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingId::MissingAttribute => "missing_attribute",
            FindingId::TypeMismatch => "type_mismatch",
            FindingId::UndefinedEnumVariant => "undefined_enum_variant",
            FindingId::RequiredAttributeNotPresent => "required_attribute_not_present",
            FindingId::RecommendedAttributeNotPresent => "recommended_attribute_not_present",
            FindingId::ConditionallyRequiredAttributeNotPresent => {
                "conditionally_required_attribute_not_present"
            }
            FindingId::OptInAttributeNotPresent => "opt_in_attribute_not_present",
            FindingId::TemplateAttribute => "template_attribute",
            FindingId::MissingEvent => "missing_event",
            FindingId::NotStable => "not_stable",
            FindingId::Deprecated => "deprecated",
        }
    }
}

/// How much a finding matters, as Weaver grades them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingLevel {
    /// Telemetry that breaks the registry's contract.
    Violation,
    /// Telemetry that works but could follow the registry better.
    Improvement,
    /// Worth knowing.
    Information,
}

impl FindingLevel {
    /// `violation`, `improvement` or `information`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingLevel::Violation => "violation",
            FindingLevel::Improvement => "improvement",
            FindingLevel::Information => "information",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingContext {
    /// The attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_key: Option<String>,
    /// The value recorded, where it matters (an enum value the registry does not list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_value: Option<String>,
    /// The type recorded, for a type mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_type: Option<&'static str>,
    /// The registry's type, for a type mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The registry's stability, for `not_stable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<&'static str>,
    /// Why the attribute is deprecated, for `deprecated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation_note: Option<&'static str>,
    /// The template attribute a name matched, for `template_attribute`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_name: Option<&'static str>,
}

impl FindingContext {
    fn named(name: &str) -> Self {
        FindingContext {
            attribute_key: Some(name.to_owned()),
            ..FindingContext::default()
        }
    }
}

/// One finding, with how many times it was seen. Its JSON is Weaver's `PolicyFinding`
/// (`"type": "PolicyFinding"`, `id`, `context`, `message`, `level`, `signal_type`,
/// `signal_name`) with a `count`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename = "PolicyFinding")]
pub struct Finding {
    /// Which rule.
    pub id: FindingId,
    /// How much it matters.
    pub level: FindingLevel,
    /// What it is about.
    pub context: FindingContext,
    /// In words.
    pub message: String,
    /// `span` or `event`.
    pub signal_type: &'static str,
    /// The span's or event's name.
    pub signal_name: String,
    /// How many times it was seen.
    pub count: u64,
}

/// What a [`RegistryCheckLayer`] saw.
#[derive(Clone, Debug, Serialize)]
pub struct LiveCheckReport {
    /// Every distinct finding, in the order of id, signal and attribute.
    pub findings: Vec<Finding>,
    /// Events seen.
    pub events: u64,
    /// Spans seen.
    pub spans: u64,
    /// The registries' own attributes seen at least once.
    pub coverage: Coverage,
}

/// The share of the registries' own attributes (not their dependencies') seen at least
/// once.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    /// Attributes seen.
    pub seen: usize,
    /// Attributes the registries define.
    pub total: usize,
    /// Those not seen, by name.
    pub unseen: Vec<&'static str>,
}

impl Coverage {
    /// `seen / total`, 1 for registries that define no attribute.
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.seen as f64 / self.total as f64
        }
    }
}

impl LiveCheckReport {
    /// How many distinct findings of `level` there are (each [`Finding::count`] says
    /// how often it was seen).
    pub fn count(&self, level: FindingLevel) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    /// How many distinct violations there are.
    pub fn violations(&self) -> usize {
        self.count(FindingLevel::Violation)
    }

    /// The report as JSON: `findings` (each with `id`, `level`, `context`, `message`,
    /// `signal_type`, `signal_name` and `count`), `events`, `spans` and `coverage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

impl fmt::Display for LiveCheckReport {
    /// One summary line; with `{:#}`, a line per finding after it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "telemetry: {} events, {} spans; {} violations, {} improvements, {} information; registry coverage {}/{} ({:.0}%)",
            self.events,
            self.spans,
            self.violations(),
            self.count(FindingLevel::Improvement),
            self.count(FindingLevel::Information),
            self.coverage.seen,
            self.coverage.total,
            self.coverage.ratio() * 100.0
        )?;
        if !f.alternate() {
            return Ok(());
        }
        for finding in &self.findings {
            write!(
                f,
                "\n  {} [{}] {} {}: {}{}",
                finding.level.as_str(),
                finding.id.as_str(),
                finding.signal_type,
                finding.signal_name,
                finding.message,
                if finding.count > 1 {
                    format!(" (x{})", finding.count)
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semconv::schema::SignalAttribute;
    use tracing_subscriber::layer::SubscriberExt;

    const fn stable(name: &'static str, ty: AttributeType) -> Attribute {
        Attribute {
            name,
            ty,
            stability: Some(Stability::Stable),
            deprecated: None,
            own: true,
        }
    }

    const STRING: AttributeType = AttributeType::Primitive(Primitive::Str);
    const INT: AttributeType = AttributeType::Primitive(Primitive::Int);

    /// A registry written out (sorted by name, as `semconv!` generates it): stable
    /// attributes of every type, one in development, one deprecated, one of a
    /// dependency; an event and a span that require some of them.
    static REGISTRY: Registry = Registry {
        schema_url: "https://test.example/schemas/1.0.0",
        attributes: &[
            stable("app.count", INT),
            Attribute {
                deprecated: Some("renamed to `app.count`"),
                ..stable("app.deprecated", INT)
            },
            stable("app.flag", AttributeType::Primitive(Primitive::Boolean)),
            stable(
                "app.header",
                AttributeType::Template(TemplateOf::Primitive(Primitive::Str)),
            ),
            stable("app.name", STRING),
            Attribute {
                stability: Some(Stability::Development),
                ..stable("app.new", STRING)
            },
            stable("app.ratio", AttributeType::Primitive(Primitive::Double)),
            stable(
                "app.state",
                AttributeType::Enum(&[EnumValue::Str("open"), EnumValue::Str("closed")]),
            ),
            stable("app.tags", AttributeType::Array(Primitive::Str)),
            Attribute {
                own: false,
                ..stable("dep.thing", STRING)
            },
        ],
        signals: &[
            Signal {
                kind: SignalKind::Event,
                name: "app.done",
                attributes: &[
                    SignalAttribute {
                        name: "app.name",
                        requirement: Requirement::Required,
                    },
                    SignalAttribute {
                        name: "app.count",
                        requirement: Requirement::Recommended,
                    },
                ],
            },
            Signal {
                kind: SignalKind::Span,
                name: "app.work",
                attributes: &[SignalAttribute {
                    name: "app.count",
                    requirement: Requirement::Required,
                }],
            },
        ],
    };

    fn run(f: impl FnOnce()) -> LiveCheckReport {
        let check = RegistryCheckLayer::new([&REGISTRY]);
        let subscriber = tracing_subscriber::registry().with(check.clone());
        tracing::subscriber::with_default(subscriber, f);
        check.report()
    }

    /// (id, level, signal, attribute, count) of every finding.
    fn summary(report: &LiveCheckReport) -> Vec<(&'static str, &'static str, String, String, u64)> {
        report
            .findings
            .iter()
            .map(|f| {
                (
                    f.id.as_str(),
                    f.level.as_str(),
                    format!("{} {}", f.signal_type, f.signal_name),
                    f.context.attribute_key.clone().unwrap_or_default(),
                    f.count,
                )
            })
            .collect()
    }

    #[test]
    fn declared_attributes_of_their_types_give_no_finding_but_a_template_s_note() {
        let report = run(|| {
            tracing::event!(
                name: "app.done",
                tracing::Level::INFO,
                "app.name" = "a",
                "app.count" = 3_u64,
                "app.flag" = true,
                "app.ratio" = 0.5,
                "app.state" = "open",
                "app.tags" = ?["x", "y"],
                "app.header.accept" = "*/*",
                "dep.thing" = %"displayed",
                "done"
            );
            let span = tracing::info_span!("app.work", app.count = 1_i64);
            drop(span);
        });
        // A name a template matched is worth knowing, as Weaver says.
        assert_eq!(
            summary(&report),
            [(
                "template_attribute",
                "information",
                "log app.done".into(),
                "app.header.accept".into(),
                1
            )]
        );
        assert_eq!(report.findings[0].context.template_name, Some("app.header"));
        assert_eq!((report.events, report.spans), (1, 1));
    }

    #[test]
    fn a_registry_event_without_a_recommended_attribute_could_be_better() {
        let report = run(|| {
            tracing::event!(name: "app.done", tracing::Level::INFO, "app.name" = "a", "done");
        });
        assert_eq!(
            summary(&report),
            [(
                "recommended_attribute_not_present",
                "improvement",
                "log app.done".into(),
                "app.count".into(),
                1
            )]
        );
        assert_eq!(
            report.findings[0].message,
            "Recommended attribute 'app.count' is not present."
        );
    }

    #[test]
    fn a_named_event_the_registry_lacks_is_a_violation_an_unnamed_one_is_not() {
        let report = run(|| {
            tracing::event!(name: "app.dnoe", tracing::Level::INFO, "done");
            tracing::info!("unnamed: tracing names it after its line");
        });
        assert_eq!(
            summary(&report),
            [(
                "missing_event",
                "violation",
                "log app.dnoe".into(),
                String::new(),
                1
            )]
        );
    }

    #[test]
    fn an_enum_takes_strings_and_ints_only() {
        let report = run(|| tracing::info!(app.state = true, "m"));
        assert_eq!(report.findings[0].id, FindingId::TypeMismatch);
        assert_eq!(
            report.findings[0].message,
            "Enum attribute 'app.state' has type 'boolean'. Enum value type should be 'string' or 'int'."
        );
    }

    #[test]
    fn each_mistake_through_plain_tracing_is_one_finding_with_its_id_and_level() {
        let report = run(|| {
            // Undeclared, wrong type, undeclared enum value; `app.name` (required) missing.
            tracing::event!(
                name: "app.done",
                tracing::Level::INFO,
                "app.nmae" = "a",
                "app.count" = "three",
                "app.state" = "pending",
                "done"
            );
        });
        assert_eq!(
            summary(&report),
            [
                (
                    "missing_attribute",
                    "violation",
                    "log app.done".into(),
                    "app.nmae".into(),
                    1
                ),
                (
                    "type_mismatch",
                    "violation",
                    "log app.done".into(),
                    "app.count".into(),
                    1
                ),
                (
                    "undefined_enum_variant",
                    "information",
                    "log app.done".into(),
                    "app.state".into(),
                    1
                ),
                (
                    "required_attribute_not_present",
                    "violation",
                    "log app.done".into(),
                    "app.name".into(),
                    1
                ),
            ]
        );
        assert_eq!(report.violations(), 3);
        let mismatch = &report.findings[1];
        assert_eq!(mismatch.context.expected.as_deref(), Some("int"));
        assert_eq!(mismatch.context.attribute_type, Some("string"));
        assert_eq!(
            report.findings[2].context.attribute_value.as_deref(),
            Some("pending")
        );
    }

    #[test]
    fn a_finding_seen_again_is_counted_not_repeated() {
        let report = run(|| {
            for _ in 0..5 {
                tracing::info!(app.nmae = "a", "m");
            }
        });
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].count, 5);
        assert_eq!(report.violations(), 1);
    }

    #[test]
    fn types_are_judged_as_the_registry_declares_them() {
        let report = run(|| {
            // An int is a double's value too (as Weaver judges it), not the reverse.
            tracing::info!(
                app.ratio = 1_u64,
                app.count = 0.5,
                app.flag = 1_u64,
                app.tags = "x",
                app.name = 2_i64,
                "m"
            );
        });
        let expected: Vec<_> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.context.attribute_key.clone().unwrap(),
                    f.context.expected.clone().unwrap(),
                    f.context.attribute_type.unwrap(),
                )
            })
            .collect();
        assert_eq!(
            expected,
            [
                ("app.count".to_owned(), "int".to_owned(), "double"),
                ("app.flag".to_owned(), "boolean".to_owned(), "int"),
                ("app.name".to_owned(), "string".to_owned(), "int"),
                ("app.tags".to_owned(), "string[]".to_owned(), "string"),
            ]
        );
    }

    #[test]
    fn an_enum_value_given_through_display_is_compared_by_its_text() {
        let report = run(|| {
            tracing::info!(app.state = %"closed", "m");
            tracing::info!(app.state = %"close", "m");
        });
        assert_eq!(
            summary(&report),
            [(
                "undefined_enum_variant",
                "information",
                format!("log {}", report.findings[0].signal_name),
                "app.state".into(),
                1
            )]
        );
        assert_eq!(
            report.findings[0].context.attribute_value.as_deref(),
            Some("close")
        );
    }

    #[test]
    fn a_span_s_required_attribute_may_be_recorded_later_but_before_it_closes() {
        let report = run(|| {
            let later = tracing::info_span!("app.work", app.count = tracing::field::Empty);
            later.record("app.count", 2_u64);
            drop(later);
            let never = tracing::info_span!("app.work", app.count = tracing::field::Empty);
            drop(never);
        });
        assert_eq!(
            summary(&report),
            [(
                "required_attribute_not_present",
                "violation",
                "span app.work".into(),
                "app.count".into(),
                1
            )]
        );
    }

    #[test]
    fn development_and_deprecated_attributes_are_reported_at_their_levels() {
        let report = run(|| {
            tracing::info!(app.new = "n", app.deprecated = 1_u64, "m");
        });
        let ids: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.id, f.level, f.context.attribute_key.as_deref().unwrap()))
            .collect();
        assert_eq!(
            ids,
            [
                (FindingId::NotStable, FindingLevel::Improvement, "app.new"),
                (
                    FindingId::Deprecated,
                    FindingLevel::Violation,
                    "app.deprecated"
                ),
            ]
        );
        assert_eq!(
            report.findings[1].message,
            "Attribute 'app.deprecated' is deprecated; note = 'renamed to `app.count`'."
        );
        assert_eq!(
            report.findings[0].message,
            "Attribute 'app.new' is not stable; stability = development."
        );
    }

    #[test]
    fn coverage_counts_the_registry_s_own_attributes_not_its_dependencies() {
        let report = run(|| {
            tracing::info!(app.name = "a", app.count = 1_u64, dep.thing = "d", "m");
        });
        // Nine own attributes, one deprecated: eight count.
        assert_eq!((report.coverage.seen, report.coverage.total), (2, 8));
        assert!(!report.coverage.unseen.contains(&"dep.thing"));
        assert!(report.coverage.unseen.contains(&"app.flag"));
    }

    #[test]
    fn the_message_and_tracing_opentelemetry_s_fields_are_not_attributes() {
        let report = run(|| {
            let span = tracing::info_span!("x", otel.name = "op", otel.kind = "client");
            let _in = span.enter();
            tracing::info!("a message");
        });
        assert!(report.findings.is_empty(), "{report}");
    }

    #[test]
    fn the_json_has_weaver_s_fields() {
        let report = run(|| tracing::info!(app.count = "three", "m"));
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        let finding = &json["findings"][0];
        assert_eq!(finding["type"], "PolicyFinding");
        assert_eq!(finding["id"], "type_mismatch");
        assert_eq!(finding["level"], "violation");
        assert_eq!(finding["signal_type"], "log");
        assert_eq!(finding["context"]["attribute_key"], "app.count");
        assert_eq!(finding["context"]["expected"], "int");
        assert_eq!(
            finding["message"],
            "Attribute 'app.count' has type 'string'. Type should be 'int'."
        );
        assert_eq!(json["events"], 1);
        assert_eq!(json["coverage"]["total"], 8);
    }

    #[test]
    fn the_summary_line_counts_and_each_finding_follows() {
        let report = run(|| {
            tracing::info!(app.count = 1_u64, "m");
            tracing::info!(app.nmae = "a", "m");
        });
        assert_eq!(report.to_string().lines().count(), 1);
        let text = format!("{report:#}");
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "telemetry: 2 events, 0 spans; 1 violations, 0 improvements, 0 information; registry coverage 1/8 (12%)"
        );
        assert!(lines.next().unwrap().contains("[missing_attribute]"));
        assert_eq!(lines.next(), None);
    }
}
