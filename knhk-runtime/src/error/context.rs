//! [`ContextResult`]: a result and the breadcrumbs of the steps that made it, kept
//! inline so that success allocates nothing.

use super::report::{Context, ContextError, write_chain, write_line};
use std::borrow::Cow;
use std::fmt;
use std::mem::MaybeUninit;
use std::panic::Location;

/// How many contexts a [`ContextResult`] keeps inline.
const INLINE: usize = 4;

/// The breadcrumbs: the first `len` of `frames` while they fit inline; all of them in
/// `heap` once a failure has more.
///
/// The inline frames are `MaybeUninit` so that making an empty trail writes nothing
/// but its counts, and moving one (which every combinator does) copies no `Option`
/// tags to test: with `[Option<Context>; 4]` a five-step chain of trivial steps cost
/// 180–240 ns more than plain `Result`s (the `context` benchmark of
/// `benches/resilience`).
struct Trail {
    frames: [MaybeUninit<Context>; INLINE],
    len: u8,
    /// Oldest contexts replaced on the success path, where the trail stays inline.
    dropped: u32,
    /// Every context, once a failure has outgrown the inline frames (never empty then);
    /// empty, and unallocated, before.
    heap: Vec<Context>,
}

impl Trail {
    #[inline(always)]
    const fn new() -> Self {
        Trail {
            frames: [const { MaybeUninit::uninit() }; INLINE],
            len: 0,
            dropped: 0,
            heap: Vec::new(),
        }
    }

    /// The inline frames in use.
    #[inline(always)]
    fn inline(&self) -> &[Context] {
        let len = usize::from(self.len).min(INLINE);
        // SAFETY: the first `len` frames are initialised (every write of a frame at
        // `len` is followed by `len += 1`, and frames are only taken out after `len`
        // is lowered past them); `MaybeUninit<Context>` has `Context`'s layout.
        unsafe { std::slice::from_raw_parts(self.frames.as_ptr().cast::<Context>(), len) }
    }

    /// Adds `context` after the others. Inline and full, a success drops the oldest
    /// (counting it) and a failure moves the trail to the heap.
    #[inline(always)]
    fn push(&mut self, context: Context, failed: bool) {
        let len = usize::from(self.len);
        if len < INLINE && self.heap.is_empty() {
            self.frames[len].write(context);
            self.len += 1;
        } else {
            self.push_past_inline(context, failed);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_past_inline(&mut self, context: Context, failed: bool) {
        if !self.heap.is_empty() {
            self.heap.push(context);
        } else if failed {
            let mut heap = Vec::with_capacity(2 * INLINE);
            heap.extend(self.take_inline());
            heap.push(context);
            self.heap = heap;
        } else {
            // Full on the success path: the oldest goes, counted.
            // SAFETY: the trail is full, so frame 0 is initialised; it is read out
            // once, then its slot rotates to the end and is overwritten without a
            // drop (`MaybeUninit::write`).
            drop(unsafe { self.frames[0].assume_init_read() });
            self.frames.rotate_left(1);
            self.frames[INLINE - 1].write(context);
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    /// The inline frames, moved out, oldest first; the trail is left with none.
    fn take_inline(&mut self) -> impl Iterator<Item = Context> + '_ {
        let len = usize::from(std::mem::take(&mut self.len)).min(INLINE);
        self.frames[..len].iter().map(|frame| {
            // SAFETY: the first `len` frames were initialised, and with `len` now 0
            // each is read out exactly once, here.
            unsafe { frame.assume_init_read() }
        })
    }

    /// Adds `later`'s contexts after these, in order.
    #[inline(always)]
    fn append(&mut self, mut later: Trail, failed: bool) {
        if later.len == 0 && later.heap.is_empty() && later.dropped == 0 {
            return;
        }
        if later.len == 1 && later.heap.is_empty() && later.dropped == 0 {
            later.len = 0;
            // SAFETY: frame 0 was initialised, and with `len` now 0 it is read once.
            let only = unsafe { later.frames[0].assume_init_read() };
            self.push(only, failed);
            return;
        }
        self.append_all(later, failed);
    }

    #[inline(never)]
    fn append_all(&mut self, mut later: Trail, failed: bool) {
        self.dropped = self.dropped.saturating_add(later.dropped);
        for context in later.take_inline() {
            self.push(context, failed);
        }
        for context in std::mem::take(&mut later.heap) {
            self.push(context, failed);
        }
    }

    /// The contexts, oldest first.
    fn iter(&self) -> impl DoubleEndedIterator<Item = &Context> + '_ {
        self.inline().iter().chain(&self.heap)
    }

    /// The contexts, oldest first, in a `Vec`: the heap's, or one allocation of the
    /// exact size for the inline ones.
    fn into_vec(mut self) -> Vec<Context> {
        let heap = std::mem::take(&mut self.heap);
        if self.len == 0 {
            return heap;
        }
        let mut out = Vec::with_capacity(usize::from(self.len) + heap.len());
        out.extend(self.take_inline());
        out.extend(heap);
        out
    }
}

impl Drop for Trail {
    #[inline(always)]
    fn drop(&mut self) {
        if self.len == 0 {
            return; // and `heap`, if any, drops after this
        }
        let len = usize::from(self.len).min(INLINE);
        for frame in &mut self.frames[..len] {
            // SAFETY: the first `len` frames are initialised, and dropped once, here.
            unsafe { frame.assume_init_drop() };
        }
    }
}

impl Clone for Trail {
    fn clone(&self) -> Self {
        let mut trail = Trail::new();
        for context in self.inline() {
            trail.frames[usize::from(trail.len)].write(context.clone());
            trail.len += 1;
        }
        trail.dropped = self.dropped;
        trail.heap = self.heap.clone();
        trail
    }
}

/// A result with the breadcrumbs of the steps that made it. See the
/// [module documentation](super) for the semantics and the cost.
#[must_use = "a ContextResult may be a failure; use `into_result()?` or handle it"]
#[derive(Clone)]
pub struct ContextResult<T, E> {
    result: Result<T, E>,
    trail: Trail,
}

impl<T, E> ContextResult<T, E> {
    /// `result`, with no context yet.
    #[inline(always)]
    pub const fn new(result: Result<T, E>) -> Self {
        ContextResult {
            result,
            trail: Trail::new(),
        }
    }

    /// Adds a breadcrumb: what this step does, on success and failure alike. A
    /// `&'static str` is kept as a pointer and a `String` as itself, with no
    /// allocation; the location of the call is recorded.
    #[inline(always)]
    #[track_caller]
    pub fn context(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        let failed = self.result.is_err();
        self.trail
            .push(Context::new(message.into(), Location::caller()), failed);
        self
    }

    /// Adds a breadcrumb only to a failure: `message` runs on the error path alone.
    #[inline(always)]
    #[track_caller]
    pub fn with_context<M: Into<Cow<'static, str>>>(self, message: impl FnOnce() -> M) -> Self {
        if self.result.is_ok() {
            return self;
        }
        let location = Location::caller();
        let mut this = self;
        this.trail
            .push(Context::new(message().into(), location), true);
        this
    }

    /// The success value mapped by `f`; the breadcrumbs stay.
    #[inline(always)]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ContextResult<U, E> {
        ContextResult {
            result: self.result.map(f),
            trail: self.trail,
        }
    }

    /// The error mapped by `f`; the breadcrumbs stay.
    #[inline]
    pub fn map_err<F>(self, f: impl FnOnce(E) -> F) -> ContextResult<T, F> {
        ContextResult {
            result: self.result.map_err(f),
            trail: self.trail,
        }
    }

    /// The next step, run on success: its result, with its breadcrumbs after these.
    /// On failure the step does not run and the failure stays, breadcrumbs and all.
    #[inline(always)]
    pub fn and_then<U>(self, f: impl FnOnce(T) -> ContextResult<U, E>) -> ContextResult<U, E> {
        match self.result {
            Ok(value) => {
                let next = f(value);
                let mut trail = self.trail;
                trail.append(next.trail, next.result.is_err());
                ContextResult {
                    result: next.result,
                    trail,
                }
            }
            Err(error) => ContextResult {
                result: Err(error),
                trail: self.trail,
            },
        }
    }

    /// A recovery, run on failure: its result, with its breadcrumbs after these (the
    /// failed steps' included). A success stays as it is.
    #[inline]
    pub fn or_else<F>(self, f: impl FnOnce(E) -> ContextResult<T, F>) -> ContextResult<T, F> {
        match self.result {
            Ok(value) => ContextResult {
                result: Ok(value),
                trail: self.trail,
            },
            Err(error) => {
                let next = f(error);
                let mut trail = self.trail;
                trail.append(next.trail, next.result.is_err());
                ContextResult {
                    result: next.result,
                    trail,
                }
            }
        }
    }

    /// The success value, or what `f` makes of the error and its contexts (oldest
    /// first).
    #[inline]
    pub fn unwrap_or_else(self, f: impl FnOnce(E, &[Context]) -> T) -> T {
        match self.result {
            Ok(value) => value,
            Err(error) => f(error, &self.trail.into_vec()),
        }
    }

    /// The result for `?`: a failure becomes a [`ContextError`] holding the error and
    /// its contexts (one allocation for them). Stable Rust has no `?` for a type of
    /// one's own, so `.into_result()?` is the way.
    #[inline(always)]
    pub fn into_result(self) -> Result<T, ContextError<E>> {
        match self.result {
            Ok(value) => Ok(value),
            Err(error) => {
                let dropped = self.trail.dropped as usize;
                Err(ContextError::new(error, self.trail.into_vec(), dropped))
            }
        }
    }

    /// Whether it is a success.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// Whether it is a failure.
    pub fn is_err(&self) -> bool {
        self.result.is_err()
    }

    /// The result, by reference.
    pub fn as_result(&self) -> Result<&T, &E> {
        self.result.as_ref()
    }

    /// The breadcrumbs kept, oldest first.
    pub fn contexts(&self) -> impl DoubleEndedIterator<Item = &Context> + '_ {
        self.trail.iter()
    }

    /// How many older breadcrumbs were dropped on the success path, where only the
    /// four most recent are kept.
    pub fn dropped_contexts(&self) -> usize {
        self.trail.dropped as usize
    }
}

impl<T, E: fmt::Display> ContextResult<T, E> {
    /// The failure with its chain, one line each, newest context first and the error
    /// last, the way `anyhow` prints a chain with `{:?}`:
    ///
    /// ```text
    /// validating port 80 (at src/config.rs:31:18)
    ///
    /// Caused by:
    ///     0: parsing the port (at src/config.rs:25:18)
    ///     1: reading the config (at src/config.rs:19:10)
    ///     2: port 80 is reserved
    /// ```
    ///
    /// Empty for a success.
    pub fn print_error(&self) -> String {
        let Err(error) = &self.result else {
            return String::new();
        };
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = write_chain(
            &mut out,
            self.trail.iter(),
            self.trail.dropped as usize,
            error,
        );
        out
    }
}

impl<T, E: fmt::Display + 'static> ContextResult<T, E> {
    /// Emits a failure as the `knhk.error` event (target `knhk::error`, level ERROR):
    /// `exception.type` the error's Rust type, `exception.message` its `Display`, and
    /// `knhk.error.context` the contexts newest first, joined by `": "`. A success emits
    /// nothing. Returns `self`, to go on.
    #[inline]
    pub fn trace_err(self) -> Self {
        if let Err(error) = &self.result {
            let contexts: Vec<&str> = self.trail.iter().rev().map(Context::message).collect();
            crate::telemetry::error_traced(
                std::any::type_name::<E>(),
                &error.to_string(),
                &contexts.join(": "),
            );
        }
        self
    }
}

impl<T, E: fmt::Display> fmt::Display for ContextResult<T, E> {
    /// A failure as [`ContextError`] prints it (newest context first, then the
    /// error); a success as `ok`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Err(error) = &self.result else {
            return f.write_str("ok");
        };
        write_line(f, self.trail.iter(), self.trail.dropped as usize, error)
    }
}

impl<T: fmt::Debug, E: fmt::Debug> fmt::Debug for ContextResult<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextResult")
            .field("result", &self.result)
            .field("contexts", &self.trail.iter().collect::<Vec<_>>())
            .field("dropped", &self.trail.dropped)
            .finish()
    }
}

impl<T, E> From<Result<T, E>> for ContextResult<T, E> {
    fn from(result: Result<T, E>) -> Self {
        ContextResult::new(result)
    }
}

/// `.into_context()` on any `Result`.
pub trait ResultExt<T, E> {
    /// The result as a [`ContextResult`] with no context yet.
    fn into_context(self) -> ContextResult<T, E>;
}

impl<T, E> ResultExt<T, E> for Result<T, E> {
    #[inline(always)]
    fn into_context(self) -> ContextResult<T, E> {
        ContextResult::new(self)
    }
}
