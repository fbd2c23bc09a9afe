//! A span and its context, with no heap parts.

use super::attribute::{AttributeValue, Attributes, CapacityError};
use super::id::{SpanId, TraceId};
use crate::tick::{self, Ticks};
use std::fmt;

/// How many attributes a [`Span`] holds unless its type says otherwise.
pub const DEFAULT_ATTRIBUTE_CAPACITY: usize = 8;

/// W3C trace flags: one byte, of which bit 0 (`sampled`) is defined.
///
/// ```
/// use knhk_runtime::span::TraceFlags;
/// assert!(TraceFlags::SAMPLED.is_sampled());
/// assert!(!TraceFlags::NONE.is_sampled());
/// assert_eq!(TraceFlags::SAMPLED.to_string(), "01");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceFlags(pub u8);

impl TraceFlags {
    /// No flag set: the caller did not record the trace.
    pub const NONE: TraceFlags = TraceFlags(0);
    /// `sampled`: the trace is recorded. What knhk's spans carry, since it records them.
    pub const SAMPLED: TraceFlags = TraceFlags(1);

    /// Whether the `sampled` bit is set.
    pub const fn is_sampled(self) -> bool {
        self.0 & 1 != 0
    }
}

impl fmt::Display for TraceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02x}", self.0)
    }
}

/// Where a span sits: its trace, its own id, its parent's id and the trace flags.
///
/// ```
/// use knhk_runtime::span::{SpanContext, SpanId, TraceFlags, TraceId};
/// let cx = SpanContext {
///     trace_id: TraceId::new(1).unwrap(),
///     span_id: SpanId::new(2).unwrap(),
///     parent: None,
///     flags: TraceFlags::SAMPLED,
/// };
/// assert!(cx.is_root());
/// assert_eq!(cx.traceparent().to_string(), "00-00000000000000000000000000000001-0000000000000002-01");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpanContext {
    /// The trace the span belongs to.
    pub trace_id: TraceId,
    /// The span's own id.
    pub span_id: SpanId,
    /// The parent span's id; `None` for a root span.
    pub parent: Option<SpanId>,
    /// W3C trace flags.
    pub flags: TraceFlags,
}

impl SpanContext {
    /// Whether the span has no parent.
    pub const fn is_root(&self) -> bool {
        self.parent.is_none()
    }

    /// The W3C `traceparent` header value of this span (version 00), as a `Display`
    /// value so that writing it needs no allocation.
    pub const fn traceparent(&self) -> Traceparent {
        Traceparent(*self)
    }
}

/// A [`SpanContext`] displayed as a W3C `traceparent` header value.
///
/// ```
/// # use knhk_runtime::span::{SpanContext, SpanId, TraceFlags, TraceId};
/// # let cx = SpanContext { trace_id: TraceId::new(0xab).unwrap(), span_id: SpanId::new(0xcd).unwrap(), parent: None, flags: TraceFlags::NONE };
/// assert_eq!(format!("{}", cx.traceparent()), "00-000000000000000000000000000000ab-00000000000000cd-00");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traceparent(SpanContext);

impl fmt::Display for Traceparent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cx = &self.0;
        write!(f, "00-{}-{}-{}", cx.trace_id, cx.span_id, cx.flags)
    }
}

/// How a span ended, as OpenTelemetry defines it.
///
/// ```
/// use knhk_runtime::span::SpanStatus;
/// assert_eq!(SpanStatus::default(), SpanStatus::Unset);
/// assert!(SpanStatus::Error.is_error());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpanStatus {
    /// Not set: the default, meaning the operation completed without a verdict.
    #[default]
    Unset,
    /// Explicitly successful.
    Ok,
    /// Failed.
    Error,
}

impl SpanStatus {
    /// Whether this is [`SpanStatus::Error`].
    pub const fn is_error(self) -> bool {
        matches!(self, SpanStatus::Error)
    }
}

/// A span with no heap parts: a static name, its context, start and end in
/// [`Ticks`], a status and up to `A` attributes stored inline.
///
/// Build one with [`SpanBuilder`](super::SpanBuilder), or let a
/// [`SpanBuffer`](super::SpanBuffer) start one.
///
/// ```
/// use knhk_runtime::span::{AttributeValue, SpanBuilder, SpanId, SpanStatus, TraceId};
/// use knhk_runtime::tick::Ticks;
///
/// let mut span = SpanBuilder::new()
///     .with_name("db.query")
///     .with_trace_id(TraceId::new(7).unwrap())
///     .with_span_id(SpanId::next())
///     .build_at(Ticks(100));
/// span.set_attribute("db.system.name", "postgresql")?;
/// assert!(span.end_at(Ticks(160), SpanStatus::Ok));
/// assert_eq!(span.duration(), Some(Ticks(60)));
/// assert_eq!(span.attributes().get("db.system.name"), Some(AttributeValue::Str("postgresql")));
/// # Ok::<(), knhk_runtime::span::CapacityError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Span<const A: usize = DEFAULT_ATTRIBUTE_CAPACITY> {
    context: SpanContext,
    name: &'static str,
    start: Ticks,
    end: Option<Ticks>,
    status: SpanStatus,
    attributes: Attributes<A>,
}

impl<const A: usize> Span<A> {
    /// What a [`SpanBuffer`](super::SpanBuffer)'s unused slots hold; never handed out.
    pub(crate) const VACANT: Span<A> = Span::started(
        SpanContext {
            trace_id: match TraceId::new(1) {
                Some(id) => id,
                None => unreachable!(),
            },
            span_id: SpanId::from_hash(1),
            parent: None,
            flags: TraceFlags::NONE,
        },
        "",
        Ticks(0),
        Attributes::new(),
    );

    /// A span that started at `start` and has not ended.
    pub(crate) const fn started(
        context: SpanContext,
        name: &'static str,
        start: Ticks,
        attributes: Attributes<A>,
    ) -> Self {
        Span {
            context,
            name,
            start,
            end: None,
            status: SpanStatus::Unset,
            attributes,
        }
    }

    /// The span's context: trace id, span id, parent and flags.
    pub const fn context(&self) -> &SpanContext {
        &self.context
    }

    /// The span's id.
    pub const fn span_id(&self) -> SpanId {
        self.context.span_id
    }

    /// The trace's id.
    pub const fn trace_id(&self) -> TraceId {
        self.context.trace_id
    }

    /// The parent span's id; `None` for a root span.
    pub const fn parent(&self) -> Option<SpanId> {
        self.context.parent
    }

    /// The span's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// When the span started.
    pub const fn start_ticks(&self) -> Ticks {
        self.start
    }

    /// When the span ended; `None` while it is open.
    pub const fn end_ticks(&self) -> Option<Ticks> {
        self.end
    }

    /// End minus start once ended (zero if the counter went backwards).
    pub const fn duration(&self) -> Option<Ticks> {
        match self.end {
            Some(end) => Some(end.since(self.start)),
            None => None,
        }
    }

    /// Whether the span has ended.
    pub const fn is_ended(&self) -> bool {
        self.end.is_some()
    }

    /// The status: [`SpanStatus::Unset`] until the span ends with another.
    pub const fn status(&self) -> SpanStatus {
        self.status
    }

    /// The attributes.
    pub const fn attributes(&self) -> &Attributes<A> {
        &self.attributes
    }

    /// Sets an attribute (replacing the value of a key already set); when `A` are set
    /// already, changes nothing and returns [`CapacityError`].
    pub fn set_attribute(
        &mut self,
        key: &'static str,
        value: impl Into<AttributeValue>,
    ) -> Result<(), CapacityError> {
        self.attributes.set(key, value)
    }

    /// Ends the span now with `status`; `false` (and no change) if it had ended already.
    pub fn end(&mut self, status: SpanStatus) -> bool {
        self.end_at(tick::now(), status)
    }

    /// Ends the span at `end` with `status`; `false` (and no change) if it had ended
    /// already.
    pub fn end_at(&mut self, end: Ticks, status: SpanStatus) -> bool {
        if self.end.is_some() {
            return false;
        }
        self.end = Some(end);
        self.status = status;
        true
    }
}

impl<const A: usize> fmt::Debug for Span<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Span")
            .field("name", &self.name)
            .field("context", &self.context)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("status", &self.status)
            .field("attributes", &self.attributes)
            .finish()
    }
}
