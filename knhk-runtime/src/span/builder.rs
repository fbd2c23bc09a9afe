//! The ordered typestate builder of a [`Span`].

use super::attribute::{AttributeValue, Attributes, CapacityError};
use super::id::{SpanId, TraceId};
use super::record::{DEFAULT_ATTRIBUTE_CAPACITY, Span, SpanContext, TraceFlags};
use crate::tick::{self, Ticks};
use std::fmt;

/// The states of a [`SpanBuilder`], in order, and what each step requires.
///
/// Each step's method is defined on every state but bounded by one of the traits here;
/// a call out of order fails on that bound, whose message says what is missing, e.g.
/// "a span needs a trace id before its span id". The traits are sealed.
pub mod state {
    use super::{SpanId, TraceId};
    use knhk_macros::sealed;

    /// Declares a state trait, sealed, whose unmet bound reads `message`, with the order
    /// of the steps as the note.
    macro_rules! step_trait {
        (
            $(#[doc = $doc:literal])*
            message = $message:literal,
            label = $label:literal,
            pub trait $name:ident $body:tt
        ) => {
            $(#[doc = $doc])*
            #[sealed]
            #[diagnostic::on_unimplemented(
                message = $message,
                label = $label,
                note = "the order is `SpanBuilder::new().with_name(..).with_trace_id(..).with_span_id(..)`, then `.build()`; `.with_attribute(..)` may follow `.with_name(..)`, and `.with_parent(..)` may come anywhere"
            )]
            pub trait $name $body
        };
    }

    /// Fresh from [`SpanBuilder::new`](super::SpanBuilder::new): no name yet.
    #[derive(Clone, Copy, Debug)]
    pub struct Unnamed;

    /// Named: next comes the trace id.
    #[derive(Clone, Copy, Debug)]
    pub struct Named {
        pub(super) name: &'static str,
    }

    /// Named, with a trace id: next comes the span id.
    #[derive(Clone, Copy, Debug)]
    pub struct Traced {
        pub(super) name: &'static str,
        pub(super) trace_id: TraceId,
    }

    /// Named, with trace and span ids: ready to build.
    #[derive(Clone, Copy, Debug)]
    pub struct Ready {
        pub(super) name: &'static str,
        pub(super) trace_id: TraceId,
        pub(super) span_id: SpanId,
    }

    step_trait! {
        /// States in which `with_name` may be called: only [`Unnamed`].
        message = "a span is named once, first: this builder already has a name",
        label = "remove this `.with_name(..)`, or the earlier one",
        pub trait CanName {}
    }
    #[sealed]
    impl CanName for Unnamed {}

    step_trait! {
        /// States in which `with_trace_id` may be called: only [`Named`].
        message = "a span takes its trace id once, right after its name",
        label = "`.with_trace_id(..)` must follow `.with_name(..)` and come once",
        pub trait CanSetTraceId {
            #[doc(hidden)]
            fn __knhk_with_trace_id(self, trace_id: TraceId) -> Traced;
        }
    }
    #[sealed]
    impl CanSetTraceId for Named {
        fn __knhk_with_trace_id(self, trace_id: TraceId) -> Traced {
            Traced {
                name: self.name,
                trace_id,
            }
        }
    }

    step_trait! {
        /// States in which `with_span_id` may be called: only [`Traced`].
        message = "a span needs a trace id before its span id",
        label = "add `.with_trace_id(..)` before this `.with_span_id(..)`, which comes once",
        pub trait CanSetSpanId {
            #[doc(hidden)]
            fn __knhk_with_span_id(self, span_id: SpanId) -> Ready;
        }
    }
    #[sealed]
    impl CanSetSpanId for Traced {
        fn __knhk_with_span_id(self, span_id: SpanId) -> Ready {
            Ready {
                name: self.name,
                trace_id: self.trace_id,
                span_id,
            }
        }
    }

    step_trait! {
        /// States that can build: only [`Ready`].
        message = "a span needs a span id before it is built",
        label = "add `.with_span_id(..)`, after `.with_trace_id(..)`, before this `.build()`",
        pub trait CanBuild {
            #[doc(hidden)]
            fn __knhk_ready(self) -> Ready;
        }
    }
    #[sealed]
    impl CanBuild for Ready {
        fn __knhk_ready(self) -> Ready {
            self
        }
    }

    step_trait! {
        /// States that take attributes: every state after the name.
        message = "a span needs a name before its attributes",
        label = "add `.with_name(..)` before this `.with_attribute(..)`",
        pub trait IsNamed {}
    }
    #[sealed]
    impl IsNamed for Named {}
    #[sealed]
    impl IsNamed for Traced {}
    #[sealed]
    impl IsNamed for Ready {}
}

use state::{CanBuild, CanName, CanSetSpanId, CanSetTraceId, IsNamed, Named, Unnamed};

/// Builds a [`Span`] in a fixed order the compiler checks, with no heap.
///
/// `SpanBuilder::new().with_name(..).with_trace_id(..).with_span_id(..).build()`, each
/// step once and in that order; [`with_attribute`](SpanBuilder::with_attribute) once
/// named, [`with_parent`](SpanBuilder::with_parent) anywhere. A step out of order does
/// not compile, and the error says what is missing ("a span needs a trace id before its
/// span id"). The ids are required in the type rather than checked at run time, so
/// `build` cannot fail.
///
/// Attributes are stored inline, up to `A` ([`DEFAULT_ATTRIBUTE_CAPACITY`] unless
/// [`SpanBuilder::with_capacity`] says otherwise).
///
/// ```
/// use knhk_runtime::span::{AttributeValue, CapacityError, SpanBuilder, SpanId, TraceId};
///
/// let trace = TraceId::new(0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c).unwrap();
/// let parent = SpanId::new(0xb7ad_6b71_6920_3331).unwrap();
/// let span = SpanBuilder::new()
///     .with_name("http.request")
///     .with_trace_id(trace)
///     .with_span_id(SpanId::next())
///     .with_parent(parent)
///     .with_attribute("http.request.method", "GET")?
///     .with_attribute("http.response.status_code", 200)?
///     .build();
/// assert_eq!(span.name(), "http.request");
/// assert_eq!(span.parent(), Some(parent));
/// assert_eq!(span.attributes().get("http.response.status_code"), Some(AttributeValue::Int(200)));
/// # Ok::<(), CapacityError>(())
/// ```
pub struct SpanBuilder<S = Unnamed, const A: usize = DEFAULT_ATTRIBUTE_CAPACITY> {
    state: S,
    parent: Option<SpanId>,
    flags: TraceFlags,
    attributes: Attributes<A>,
}

impl SpanBuilder {
    /// An empty builder holding up to [`DEFAULT_ATTRIBUTE_CAPACITY`] attributes.
    pub const fn new() -> SpanBuilder {
        SpanBuilder::with_capacity::<DEFAULT_ATTRIBUTE_CAPACITY>()
    }

    /// An empty builder holding up to `A` attributes: `SpanBuilder::with_capacity::<16>()`.
    ///
    /// ```
    /// use knhk_runtime::span::{Span, SpanBuilder, SpanId, TraceId};
    /// let span: Span<2> = SpanBuilder::with_capacity::<2>()
    ///     .with_name("tiny")
    ///     .with_trace_id(TraceId::new(1).unwrap())
    ///     .with_span_id(SpanId::new(2).unwrap())
    ///     .build();
    /// assert_eq!(span.attributes().capacity(), 2);
    /// ```
    pub const fn with_capacity<const A: usize>() -> SpanBuilder<Unnamed, A> {
        SpanBuilder {
            state: Unnamed,
            parent: None,
            flags: TraceFlags::SAMPLED,
            attributes: Attributes::new(),
        }
    }
}

impl Default for SpanBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, const A: usize> SpanBuilder<S, A> {
    /// The same builder in the state `next` makes of the current one.
    fn map_state<T>(self, next: impl FnOnce(S) -> T) -> SpanBuilder<T, A> {
        SpanBuilder {
            state: next(self.state),
            parent: self.parent,
            flags: self.flags,
            attributes: self.attributes,
        }
    }

    /// Names the span: the first step, once.
    pub fn with_name(self, name: &'static str) -> SpanBuilder<Named, A>
    where
        S: CanName,
    {
        self.map_state(|_| Named { name })
    }

    /// Sets the trace id: right after the name, once.
    pub fn with_trace_id(self, trace_id: TraceId) -> SpanBuilder<state::Traced, A>
    where
        S: CanSetTraceId,
    {
        self.map_state(|state| state.__knhk_with_trace_id(trace_id))
    }

    /// Sets the span id: right after the trace id, once.
    pub fn with_span_id(self, span_id: SpanId) -> SpanBuilder<state::Ready, A>
    where
        S: CanSetSpanId,
    {
        self.map_state(|state| state.__knhk_with_span_id(span_id))
    }

    /// Sets the parent span (optional, at any step; a later call replaces an earlier one).
    pub fn with_parent(mut self, parent: SpanId) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Sets the W3C trace flags (optional; [`TraceFlags::SAMPLED`] otherwise).
    pub fn with_flags(mut self, flags: TraceFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Adds an attribute, once the span is named (a key already set gets the new value).
    ///
    /// When `A` attributes are set already, nothing changes and the error gives the
    /// builder back: the overflow is reported at the call that caused it rather than
    /// dropped or deferred to `build`, and the caller can still build the span without
    /// it (`.unwrap_or_else(|full| full.builder)`) or pass the error on with `?`, which
    /// converts it to a [`CapacityError`].
    ///
    /// ```
    /// use knhk_runtime::span::{CapacityError, SpanBuilder};
    /// let named = SpanBuilder::with_capacity::<1>().with_name("full");
    /// let named = named.with_attribute("a", 1)?;
    /// let full = named.with_attribute("b", 2).unwrap_err();
    /// assert_eq!(full.error, CapacityError { key: "b", capacity: 1 });
    /// let named = full.builder; // unchanged: still only `a`
    /// # let _ = named;
    /// # Ok::<(), CapacityError>(())
    /// ```
    pub fn with_attribute(
        mut self,
        key: &'static str,
        value: impl Into<AttributeValue>,
    ) -> Result<Self, AttributeOverflow<Self>>
    where
        S: IsNamed,
    {
        match self.attributes.set(key, value) {
            Ok(()) => Ok(self),
            Err(error) => Err(AttributeOverflow {
                builder: self,
                error,
            }),
        }
    }

    /// The attributes set so far.
    pub const fn attributes(&self) -> &Attributes<A> {
        &self.attributes
    }

    /// Builds the span, started now ([`tick::now()`]): only once named and given both
    /// ids.
    pub fn build(self) -> Span<A>
    where
        S: CanBuild,
    {
        self.build_at(tick::now())
    }

    /// Builds the span, started at `start`.
    pub fn build_at(self, start: Ticks) -> Span<A>
    where
        S: CanBuild,
    {
        let ready = self.state.__knhk_ready();
        let context = SpanContext {
            trace_id: ready.trace_id,
            span_id: ready.span_id,
            parent: self.parent,
            flags: self.flags,
        };
        Span::started(context, ready.name, start, self.attributes)
    }
}

impl<S: fmt::Debug, const A: usize> fmt::Debug for SpanBuilder<S, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanBuilder")
            .field("state", &self.state)
            .field("parent", &self.parent)
            .field("flags", &self.flags)
            .field("attributes", &self.attributes)
            .finish()
    }
}

/// An attribute that did not fit: the builder, unchanged, and why.
///
/// Converts to [`CapacityError`] with `?`.
///
/// ```
/// use knhk_runtime::span::{CapacityError, SpanBuilder};
/// fn two_attributes() -> Result<(), CapacityError> {
///     SpanBuilder::with_capacity::<1>().with_name("x").with_attribute("a", 1)?.with_attribute("b", 2)?;
///     Ok(())
/// }
/// assert_eq!(two_attributes(), Err(CapacityError { key: "b", capacity: 1 }));
/// ```
#[derive(Debug)]
pub struct AttributeOverflow<B> {
    /// The builder as it was before the call.
    pub builder: B,
    /// The key that did not fit, and the capacity.
    pub error: CapacityError,
}

impl<B> fmt::Display for AttributeOverflow<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<B: fmt::Debug> std::error::Error for AttributeOverflow<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<B> From<AttributeOverflow<B>> for CapacityError {
    fn from(overflow: AttributeOverflow<B>) -> Self {
        overflow.error
    }
}
