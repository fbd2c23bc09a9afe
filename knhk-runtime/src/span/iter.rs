//! Iteration that hands out references into the data and never copies or allocates:
//! [`ZeroCopyIterator`], its adapters, and [`SpanBufferIter`].

use super::record::Span;
use std::iter::FusedIterator;
use std::marker::PhantomData;

/// An iterator of references into data that lives for `'data`: each item is a
/// `&'data Self::Item`, never a copy, and no adapter allocates.
///
/// [`filter_zero_copy`](Self::filter_zero_copy) keeps the references a predicate
/// accepts, [`fold_zero_copy`](Self::fold_zero_copy) reduces them, and
/// [`map_zero_copy`](Self::map_zero_copy) turns them into values as a std
/// [`Iterator`], for everything else std offers. A [`SpanBuffer`](super::SpanBuffer)'s
/// [`iter`](super::SpanBuffer::iter) is one (and a std iterator too):
///
/// ```
/// use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, SpanStatus, TraceId, ZeroCopyIterator};
///
/// fn count_error_spans(buffer: &SpanBuffer<8>) -> usize {
///     buffer
///         .iter()
///         .filter_zero_copy(|span| span.status() == SpanStatus::Error)
///         .fold_zero_copy(0, |count, _span| count + 1)
/// }
///
/// let mut buffer = SpanBuffer::<8>::new();
/// let trace = TraceId::new(7).unwrap();
/// for (name, status) in [("a", SpanStatus::Ok), ("b", SpanStatus::Error), ("c", SpanStatus::Error)] {
///     let span = buffer.start_span(name, trace, None).unwrap();
///     buffer.end_span(span.span_id, status);
/// }
/// assert_eq!(count_error_spans(&buffer), 2);
/// let names: Vec<&str> = buffer.iter().map_zero_copy(|span| span.name()).collect();
/// assert_eq!(names, ["a", "b", "c"]);
/// ```
pub trait ZeroCopyIterator<'data> {
    /// What the references point to.
    type Item: ?Sized + 'data;

    /// The next reference, or `None` at the end.
    fn next_zero_copy(&mut self) -> Option<&'data Self::Item>;

    /// Every reference folded into one value, from `init`.
    fn fold_zero_copy<B, F>(mut self, init: B, mut f: F) -> B
    where
        Self: Sized,
        F: FnMut(B, &'data Self::Item) -> B,
    {
        let mut acc = init;
        while let Some(item) = self.next_zero_copy() {
            acc = f(acc, item);
        }
        acc
    }

    /// The references `predicate` accepts.
    fn filter_zero_copy<P>(self, predicate: P) -> FilterZeroCopy<'data, Self, P>
    where
        Self: Sized,
        P: FnMut(&'data Self::Item) -> bool,
    {
        FilterZeroCopy {
            iter: self,
            predicate,
            _data: PhantomData,
        }
    }

    /// A std [`Iterator`] of `f` applied to each reference.
    fn map_zero_copy<B, F>(self, f: F) -> MapZeroCopy<'data, Self, F>
    where
        Self: Sized,
        F: FnMut(&'data Self::Item) -> B,
    {
        MapZeroCopy {
            iter: self,
            f,
            _data: PhantomData,
        }
    }
}

/// The references of `I` that a predicate accepts: see
/// [`ZeroCopyIterator::filter_zero_copy`].
#[derive(Clone, Debug)]
pub struct FilterZeroCopy<'data, I, P> {
    iter: I,
    predicate: P,
    _data: PhantomData<&'data ()>,
}

impl<'data, I, P> ZeroCopyIterator<'data> for FilterZeroCopy<'data, I, P>
where
    I: ZeroCopyIterator<'data>,
    P: FnMut(&'data I::Item) -> bool,
{
    type Item = I::Item;

    #[inline]
    fn next_zero_copy(&mut self) -> Option<&'data I::Item> {
        while let Some(item) = self.iter.next_zero_copy() {
            if (self.predicate)(item) {
                return Some(item);
            }
        }
        None
    }

    #[inline]
    fn fold_zero_copy<B, F>(self, init: B, mut f: F) -> B
    where
        F: FnMut(B, &'data I::Item) -> B,
    {
        let mut predicate = self.predicate;
        self.iter.fold_zero_copy(
            init,
            move |acc, item| {
                if predicate(item) { f(acc, item) } else { acc }
            },
        )
    }
}

/// `f` applied to each reference of `I`, as a std [`Iterator`]: see
/// [`ZeroCopyIterator::map_zero_copy`].
#[derive(Clone, Debug)]
pub struct MapZeroCopy<'data, I, F> {
    iter: I,
    f: F,
    _data: PhantomData<&'data ()>,
}

impl<'data, I, F, B> Iterator for MapZeroCopy<'data, I, F>
where
    I: ZeroCopyIterator<'data>,
    F: FnMut(&'data I::Item) -> B,
{
    type Item = B;

    #[inline]
    fn next(&mut self) -> Option<B> {
        self.iter.next_zero_copy().map(&mut self.f)
    }

    #[inline]
    fn fold<Acc, G>(self, init: Acc, mut g: G) -> Acc
    where
        G: FnMut(Acc, B) -> Acc,
    {
        let mut f = self.f;
        self.iter
            .fold_zero_copy(init, move |acc, item| g(acc, f(item)))
    }
}

/// The spans of a [`SpanBuffer`](super::SpanBuffer), oldest first, by reference: a
/// [`ZeroCopyIterator`] and a std [`Iterator`] (double-ended, exact-size) over the
/// buffer's own storage, with nothing between them and a slice iterator.
#[derive(Clone, Debug)]
pub struct SpanBufferIter<'buf, const A: usize> {
    spans: std::slice::Iter<'buf, Span<A>>,
}

impl<'buf, const A: usize> SpanBufferIter<'buf, A> {
    pub(super) fn new(spans: &'buf [Span<A>]) -> Self {
        SpanBufferIter {
            spans: spans.iter(),
        }
    }

    /// The spans not yet visited, as a slice.
    pub fn as_slice(&self) -> &'buf [Span<A>] {
        self.spans.as_slice()
    }
}

impl<'buf, const A: usize> ZeroCopyIterator<'buf> for SpanBufferIter<'buf, A> {
    type Item = Span<A>;

    #[inline]
    fn next_zero_copy(&mut self) -> Option<&'buf Span<A>> {
        self.spans.next()
    }

    #[inline]
    fn fold_zero_copy<B, F>(self, init: B, f: F) -> B
    where
        F: FnMut(B, &'buf Span<A>) -> B,
    {
        self.spans.fold(init, f)
    }
}

impl<'buf, const A: usize> Iterator for SpanBufferIter<'buf, A> {
    type Item = &'buf Span<A>;

    #[inline]
    fn next(&mut self) -> Option<&'buf Span<A>> {
        self.spans.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }

    #[inline]
    fn fold<B, F>(self, init: B, f: F) -> B
    where
        F: FnMut(B, &'buf Span<A>) -> B,
    {
        self.spans.fold(init, f)
    }
}

impl<const A: usize> DoubleEndedIterator for SpanBufferIter<'_, A> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back()
    }
}

impl<const A: usize> ExactSizeIterator for SpanBufferIter<'_, A> {}

impl<const A: usize> FusedIterator for SpanBufferIter<'_, A> {}
