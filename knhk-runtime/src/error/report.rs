//! What a failure becomes: [`Context`] breadcrumbs and the [`ContextError`] that carries
//! them with the original error.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::panic::Location;

/// One breadcrumb: what a step was doing, and where in the source it said so.
#[derive(Clone, PartialEq, Eq)]
pub struct Context {
    message: Cow<'static, str>,
    location: &'static Location<'static>,
}

impl Context {
    pub(super) fn new(message: Cow<'static, str>, location: &'static Location<'static>) -> Self {
        Context { message, location }
    }

    /// What the step was doing.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the context was added.
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} at {}", self.message, self.location)
    }
}

/// A failure with its story: the original error and the contexts of the steps that
/// ran, oldest first. `Display` prints the most recent context first, then earlier
/// ones, then the error (`"validating: parsing: reading: no such file"`); the
/// alternate form (`{:#}`) prints them one per line with their locations, the way
/// `anyhow` prints a chain with `{:?}`. [`source`](Error::source) is the original
/// error.
///
/// Made by [`ContextResult::into_result`](super::ContextResult::into_result). For a
/// chain whose every context is an error in its own right (each the `source()` of the
/// one added after it), use [`into_boxed_chain`](Self::into_boxed_chain), or with
/// feature `anyhow`, [`into_anyhow`](Self::into_anyhow).
pub struct ContextError<E> {
    error: E,
    contexts: Vec<Context>,
    dropped: usize,
}

impl<E> ContextError<E> {
    pub(super) fn new(error: E, contexts: Vec<Context>, dropped: usize) -> Self {
        ContextError {
            error,
            contexts,
            dropped,
        }
    }

    /// The original error.
    pub fn error(&self) -> &E {
        &self.error
    }

    /// The original error, its contexts dropped.
    pub fn into_inner(self) -> E {
        self.error
    }

    /// The contexts kept, oldest first.
    pub fn contexts(&self) -> &[Context] {
        &self.contexts
    }

    /// How many older contexts were dropped on the success path to keep it free of
    /// allocation (only the four most recent are kept there).
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The contexts, most recent first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Context> + '_ {
        self.contexts.iter().rev()
    }
}

impl<E: Error + Send + Sync + 'static> ContextError<E> {
    /// The chain as boxed errors, each context an error whose `source()` is the one
    /// added before it, down to the original error: what a caller walking
    /// `source()` (or a reporter such as `anyhow`'s) sees. Allocates one box per
    /// context.
    pub fn into_boxed_chain(self) -> Box<dyn Error + Send + Sync + 'static> {
        let mut chain: Box<dyn Error + Send + Sync + 'static> = Box::new(self.error);
        for context in self.contexts {
            chain = Box::new(ContextLayer {
                context,
                source: chain,
            });
        }
        chain
    }

    /// The chain as an `anyhow::Error`: the original error with each context added by
    /// `anyhow`'s `context`, so `anyhow` prints and walks it as its own.
    #[cfg(feature = "anyhow")]
    pub fn into_anyhow(self) -> anyhow::Error {
        let mut error = anyhow::Error::new(self.error);
        for context in self.contexts {
            error = error.context(context);
        }
        error
    }
}

impl<E: fmt::Display> fmt::Display for ContextError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write_chain(f, self.contexts.iter(), self.dropped, &self.error)
        } else {
            write_line(f, self.contexts.iter(), self.dropped, &self.error)
        }
    }
}

/// The one-line form: the contexts (given oldest first) newest first, then the error,
/// separated by `": "`.
pub(super) fn write_line<'a>(
    f: &mut dyn fmt::Write,
    contexts: impl DoubleEndedIterator<Item = &'a Context>,
    dropped: usize,
    error: &dyn fmt::Display,
) -> fmt::Result {
    for context in contexts.rev() {
        write!(f, "{context}: ")?;
    }
    if dropped > 0 {
        write!(f, "({dropped} earlier context{}): ", plural(dropped))?;
    }
    write!(f, "{error}")
}

/// The multi-line form: the newest context (or the error, if none), then "Caused by:"
/// and the rest numbered, each context with its location.
pub(super) fn write_chain<'a>(
    f: &mut dyn fmt::Write,
    contexts: impl DoubleEndedIterator<Item = &'a Context>,
    dropped: usize,
    error: &dyn fmt::Display,
) -> fmt::Result {
    let mut rest = contexts.rev();
    match rest.next() {
        None => return write!(f, "{error}"),
        Some(newest) => write!(f, "{newest} (at {})", newest.location)?,
    }
    f.write_str("\n\nCaused by:")?;
    let mut n = 0;
    for context in rest {
        write!(f, "\n    {n}: {context} (at {})", context.location)?;
        n += 1;
    }
    if dropped > 0 {
        write!(
            f,
            "\n    {n}: ({dropped} earlier context{} not kept)",
            plural(dropped)
        )?;
        n += 1;
    }
    write!(f, "\n    {n}: {error}")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl<E: fmt::Debug> fmt::Debug for ContextError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextError")
            .field("error", &self.error)
            .field("contexts", &self.contexts)
            .field("dropped", &self.dropped)
            .finish()
    }
}

impl<E: Error + 'static> Error for ContextError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.error)
    }
}

/// One context of a chain made by
/// [`ContextError::into_boxed_chain`]: its message is its `Display`, and its
/// `source()` the context added before it, or the original error.
pub struct ContextLayer {
    context: Context,
    source: Box<dyn Error + Send + Sync + 'static>,
}

impl ContextLayer {
    /// The context.
    pub fn context(&self) -> &Context {
        &self.context
    }
}

impl fmt::Display for ContextLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.context, f)
    }
}

impl fmt::Debug for ContextLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextLayer")
            .field("context", &self.context)
            .field("source", &self.source)
            .finish()
    }
}

impl Error for ContextLayer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.source)
    }
}
