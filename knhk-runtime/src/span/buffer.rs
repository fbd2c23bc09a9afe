//! A fixed-capacity span buffer and the sealed telemetry trait it implements.

use super::attribute::Attributes;
use super::id::{SpanId, TraceId};
use super::iter::SpanBufferIter;
use super::record::{DEFAULT_ATTRIBUTE_CAPACITY, Span, SpanContext, SpanStatus, TraceFlags};
use crate::tick;
use knhk_macros::sealed;
use std::fmt;

/// Span recording for hot paths: start, end and look up spans with no allocation. `A`
/// is how many attributes each span holds inline.
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
pub trait HotPathTelemetry<const A: usize = DEFAULT_ATTRIBUTE_CAPACITY> {
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
    fn get_span(&self, span_id: SpanId) -> Option<&Span<A>>;
}

/// Up to `N` spans stored inline, each with room for `A` attributes: started by
/// [`HotPathTelemetry::start_span`], kept until [`clear`](SpanBuffer::clear).
///
/// Lookups scan from the newest span, since spans usually end in reverse order of
/// starting: `N` is meant to be small (a request's worth of spans). Iteration
/// ([`iter`](Self::iter), or `for span in &buffer`) walks the buffer's own storage as a
/// slice, by reference, and so does [`ZeroCopyIterator`](super::ZeroCopyIterator).
///
/// ```
/// use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, SpanStatus, TraceId};
/// let mut buffer = SpanBuffer::<8>::new();
/// let cx = buffer.start_span("parse", TraceId::new(1).unwrap(), None).unwrap();
/// assert!(buffer.end_span(cx.span_id, SpanStatus::Ok));
/// assert!(!buffer.end_span(cx.span_id, SpanStatus::Error)); // already ended
/// assert_eq!(buffer.get_span(cx.span_id).unwrap().status(), SpanStatus::Ok);
/// assert_eq!(buffer.len(), 1);
/// for span in &buffer {
///     assert_eq!(span.name(), "parse");
/// }
/// // Spans with room for 16 attributes each:
/// let wide = SpanBuffer::<4, 16>::new();
/// assert_eq!(wide.capacity(), 4);
/// ```
pub struct SpanBuffer<const N: usize, const A: usize = DEFAULT_ATTRIBUTE_CAPACITY> {
    /// The first `len` are the buffer's spans; the rest are placeholders, never seen.
    spans: [Span<A>; N],
    len: usize,
}

impl<const N: usize, const A: usize> SpanBuffer<N, A> {
    /// An empty buffer.
    pub const fn new() -> Self {
        SpanBuffer {
            spans: [const { Span::<A>::VACANT }; N],
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

    /// The spans, in the order they started, by reference: a std [`Iterator`] and a
    /// [`ZeroCopyIterator`](super::ZeroCopyIterator).
    pub fn iter(&self) -> SpanBufferIter<'_, A> {
        SpanBufferIter::new(self.as_slice())
    }

    /// The spans, in the order they started, as a slice.
    pub fn as_slice(&self) -> &[Span<A>] {
        // `len <= N` always; saying so with `min` lets the compiler drop the bounds
        // check and its panic path from every iteration's prologue.
        &self.spans[..self.len.min(N)]
    }

    /// The span `span_id`, to add attributes to it.
    pub fn get_span_mut(&mut self, span_id: SpanId) -> Option<&mut Span<A>> {
        let i = self.index_of(span_id)?;
        Some(&mut self.spans[i])
    }

    /// Where span `span_id` is, searching from the newest (the likeliest to be ended).
    fn index_of(&self, span_id: SpanId) -> Option<usize> {
        self.as_slice().iter().rposition(|s| s.span_id() == span_id)
    }

    /// Forgets every span, making room for `N` more. O(1): nothing is overwritten.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl<'buf, const N: usize, const A: usize> IntoIterator for &'buf SpanBuffer<N, A> {
    type Item = &'buf Span<A>;
    type IntoIter = SpanBufferIter<'buf, A>;

    fn into_iter(self) -> SpanBufferIter<'buf, A> {
        self.iter()
    }
}

impl<const N: usize, const A: usize> Default for SpanBuffer<N, A> {
    fn default() -> Self {
        Self::new()
    }
}

#[sealed]
impl<const N: usize, const A: usize> HotPathTelemetry<A> for SpanBuffer<N, A> {
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
        *slot = Span::started(context, name, tick::now(), Attributes::new());
        self.len += 1;
        Some(context)
    }

    fn end_span(&mut self, span_id: SpanId, status: SpanStatus) -> bool {
        self.get_span_mut(span_id)
            .is_some_and(|span| span.end(status))
    }

    fn get_span(&self, span_id: SpanId) -> Option<&Span<A>> {
        Some(&self.spans[self.index_of(span_id)?])
    }
}

impl<const N: usize, const A: usize> fmt::Debug for SpanBuffer<N, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
