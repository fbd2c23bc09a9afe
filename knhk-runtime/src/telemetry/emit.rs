//! The runtime's events and spans, each through `event!` / `span!`.

/// An over-budget call (at most one event per path per second; see the site's limiter).
pub(crate) fn budget_exceeded(name: &'static str, budget: u64, actual: u64, suppressed: u64) {
    knhk_macros::event!(
        crate = crate,
        target = crate::semconv::PERFORMANCE_TARGET,
        WARN,
        "knhk.performance.budget_exceeded",
        performance.budget_ticks = budget,
        performance.actual_ticks = actual,
        performance.overage_ticks = actual.saturating_sub(budget),
        performance.suppressed_events = suppressed,
        code.function.name = name,
        "call over its budget",
    );
}

/// A sync that committed entries.
#[cfg(all(feature = "lockchain", unix))]
pub(crate) fn lockchain_synced(path: &std::path::Path, entries: u64, committed_bytes: u64) {
    knhk_macros::event!(
        crate = crate,
        target = crate::semconv::LOCKCHAIN_TARGET,
        DEBUG,
        "knhk.lockchain.synced",
        file.path = %path.display(),
        lockchain.entries = entries,
        lockchain.committed_bytes = committed_bytes,
        "lockchain synced",
    );
}

/// A writer's open zeroed an unacknowledged tail.
#[cfg(all(feature = "lockchain", unix))]
pub(crate) fn lockchain_tail_discarded(
    path: &std::path::Path,
    discarded_bytes: u64,
    committed_bytes: u64,
) {
    knhk_macros::event!(
        crate = crate,
        target = crate::semconv::LOCKCHAIN_TARGET,
        WARN,
        "knhk.lockchain.tail_discarded",
        file.path = %path.display(),
        lockchain.discarded_bytes = discarded_bytes,
        lockchain.committed_bytes = committed_bytes,
        "lockchain: discarded an unacknowledged tail after the committed length",
    );
}

/// The span around a full verification; `error.type` is recorded if it fails.
#[cfg(all(feature = "lockchain", unix))]
pub(crate) fn lockchain_verify(path: &std::path::Path, entries: u64) -> tracing::Span {
    knhk_macros::span!(
        crate = crate,
        target = crate::semconv::LOCKCHAIN_TARGET,
        DEBUG,
        "knhk.lockchain.verify",
        file.path = %path.display(),
        lockchain.entries = entries,
        error.type = _,
    )
}

/// The first request an arena could not hold since it was made or reset.
pub(crate) fn arena_exhausted(capacity: usize, remaining: usize, requested: usize, align: usize) {
    knhk_macros::event!(
        crate = crate,
        target = crate::semconv::ARENA_TARGET,
        WARN,
        "knhk.arena.exhausted",
        arena.capacity = capacity,
        arena.remaining = remaining,
        arena.request.size = requested,
        arena.request.alignment = align,
        "arena exhausted",
    );
}

/// A failure with its context (`ContextResult::trace_err`).
pub(crate) fn error_traced(error_type: &str, message: &str, contexts: &str) {
    knhk_macros::event!(
        crate = crate,
        target = crate::semconv::ERROR_TARGET,
        ERROR,
        "knhk.error",
        exception.type = error_type,
        exception.message = message,
        knhk.error.context = contexts,
        "error",
    );
}
