//! A fixed-capacity span buffer and the sealed telemetry trait it implements.

use super::attribute::Attributes;
use super::id::{SpanId, TraceId};
use super::record::{Span, SpanContext, SpanStatus, TraceFlags};
use crate::tick;
use knhk_macros::sealed;
use std::fmt;

/// Span recording for hot paths: start, end and look up spans with no allocation.
///
/// Sealed: only knhk-runtime implements it (for [`SpanBuffer`]), so methods can be
/// added without breaking anyone; take it as a bound (`T: HotPathTelemetry`) instead.
///
/// ```
/// use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, SpanStatus, TraceId};
///
/// fn handle<T: HotPathTelemetry>(telemetry: &mut T, trace: TraceId) -> bool {
///     let Some(span) = telemetry.start_span("handle", trace, None) else {
///         return false; // full: the work goes on, unrecorded
///     };
///     // ... the work ...
///     telemetry.end_span(span.span_id, SpanStatus::Ok)
/// }
///
/// let mut buffer = SpanBuffer::<1>::new();
/// let trace = TraceId::new(9).unwrap();
/// assert!(handle(&mut buffer, trace));
/// assert!(!handle(&mut buffer, trace));
/// ```
#[sealed]
pub trait HotPathTelemetry {
    /// Starts a span now under a fresh [`SpanId::next()`] id; `None` when there is no
    /// room for it.
    fn start_span(
        &mut self,
        name: &'static str,
        trace_id: TraceId,
        parent: Option<SpanId>,
    ) -> Option<SpanContext>;

    /// Ends span `span_id` now with `status`; `false` if no such span was started or it
    /// has ended already.
    fn end_span(&mut self, span_id: SpanId, status: SpanStatus) -> bool;

    /// The span `span_id`, open or ended.
    fn get_span(&self, span_id: SpanId) -> Option<&Span>;
}

/// Up to `N` spans stored inline: started by [`HotPathTelemetry::start_span`], kept
/// until [`clear`](SpanBuffer::clear).
///
/// Lookups scan from the newest span, since spans usually end in reverse order of
/// starting: `N` is meant to be small (a request's worth of spans).
///
/// ```
/// use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, SpanStatus, TraceId};
/// let mut buffer = SpanBuffer::<8>::new();
/// let cx = buffer.start_span("parse", TraceId::new(1).unwrap(), None).unwrap();
/// assert!(buffer.end_span(cx.span_id, SpanStatus::Ok));
/// assert!(!buffer.end_span(cx.span_id, SpanStatus::Error)); // already ended
/// assert_eq!(buffer.get_span(cx.span_id).unwrap().status(), SpanStatus::Ok);
/// assert_eq!(buffer.len(), 1);
/// ```
pub struct SpanBuffer<const N: usize> {
    spans: [Option<Span>; N],
    len: usize,
}

impl<const N: usize> SpanBuffer<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        SpanBuffer {
            spans: [const { None }; N],
            len: 0,
        }
    }

    /// How many spans it holds, open or ended.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many it can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The spans, in the order they started.
    pub fn iter(&self) -> impl Iterator<Item = &Span> + '_ {
        self.spans[..self.len].iter().flatten()
    }

    /// The span `span_id`, to add attributes to it.
    pub fn get_span_mut(&mut self, span_id: SpanId) -> Option<&mut Span> {
        let i = self.index_of(span_id)?;
        self.spans[i].as_mut()
    }

    /// Where span `span_id` is, searching from the newest (the likeliest to be ended).
    fn index_of(&self, span_id: SpanId) -> Option<usize> {
        self.spans[..self.len]
            .iter()
            .rposition(|s| s.as_ref().is_some_and(|s| s.span_id() == span_id))
    }

    /// Forgets every span, making room for `N` more.
    pub fn clear(&mut self) {
        self.spans[..self.len].fill(None);
        self.len = 0;
    }
}

impl<const N: usize> Default for SpanBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[sealed]
impl<const N: usize> HotPathTelemetry for SpanBuffer<N> {
    fn start_span(
        &mut self,
        name: &'static str,
        trace_id: TraceId,
        parent: Option<SpanId>,
    ) -> Option<SpanContext> {
        let slot = self.spans.get_mut(self.len)?;
        let context = SpanContext {
            trace_id,
            span_id: SpanId::next(),
            parent,
            flags: TraceFlags::SAMPLED,
        };
        *slot = Some(Span::started(context, name, tick::now(), Attributes::new()));
        self.len += 1;
        Some(context)
    }

    fn end_span(&mut self, span_id: SpanId, status: SpanStatus) -> bool {
        self.get_span_mut(span_id)
            .is_some_and(|span| span.end(status))
    }

    fn get_span(&self, span_id: SpanId) -> Option<&Span> {
        self.spans[self.index_of(span_id)?].as_ref()
    }
}

impl<const N: usize> fmt::Debug for SpanBuffer<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
