//! How the runtime emits through `tracing`: every event and span here is declared in
//! the runtime's registry (`knhk-runtime/registry/`), under the names of
//! [`crate::semconv`]. `tracing` needs field names as literal tokens, so the registry
//! test (`tests/registry.rs`) and the lockchain's tests check that what is emitted
//! here carries exactly the registry's attributes.

/// An over-budget call (at most one event per path per second; see the site's limiter).
pub(crate) fn budget_exceeded(name: &'static str, budget: u64, actual: u64, suppressed: u64) {
    tracing::event!(
        name: "knhk.performance.budget_exceeded",
        target: "knhk::performance",
        tracing::Level::WARN,
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
    tracing::event!(
        name: "knhk.lockchain.synced",
        target: "knhk::lockchain",
        tracing::Level::DEBUG,
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
    tracing::event!(
        name: "knhk.lockchain.tail_discarded",
        target: "knhk::lockchain",
        tracing::Level::WARN,
        file.path = %path.display(),
        lockchain.discarded_bytes = discarded_bytes,
        lockchain.committed_bytes = committed_bytes,
        "lockchain: discarded an unacknowledged tail after the committed length",
    );
}

/// The span around a full verification; `error.type` is recorded if it fails.
#[cfg(all(feature = "lockchain", unix))]
pub(crate) fn lockchain_verify(path: &std::path::Path, entries: u64) -> tracing::Span {
    tracing::span!(
        target: "knhk::lockchain",
        tracing::Level::DEBUG,
        "knhk.lockchain.verify",
        file.path = %path.display(),
        lockchain.entries = entries,
        error.type = tracing::field::Empty,
    )
}

/// `a == b` at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Ties each name written literally above (as `tracing` needs it) to the constant the
/// registry generates, so removing or renaming an emitted attribute, event or span in
/// `registry/` fails this crate's build.
macro_rules! emitted {
    ($($literal:literal => $constant:path),* $(,)?) => {
        $(const _: () = assert!(same($literal, $constant), concat!($literal, " is not what the registry names"));)*
    };
}

emitted! {
    "knhk.performance.budget_exceeded" => crate::semconv::events::KNHK_PERFORMANCE_BUDGET_EXCEEDED,
    "performance.budget_ticks" => crate::semconv::PERFORMANCE_BUDGET_TICKS,
    "performance.actual_ticks" => crate::semconv::PERFORMANCE_ACTUAL_TICKS,
    "performance.overage_ticks" => crate::semconv::PERFORMANCE_OVERAGE_TICKS,
    "performance.suppressed_events" => crate::semconv::PERFORMANCE_SUPPRESSED_EVENTS,
    "code.function.name" => crate::semconv::CODE_FUNCTION_NAME,
    "knhk::performance" => crate::semconv::PERFORMANCE_TARGET,
}

#[cfg(all(feature = "lockchain", unix))]
emitted! {
    "knhk.lockchain.synced" => crate::semconv::events::KNHK_LOCKCHAIN_SYNCED,
    "knhk.lockchain.tail_discarded" => crate::semconv::events::KNHK_LOCKCHAIN_TAIL_DISCARDED,
    "knhk.lockchain.verify" => crate::semconv::spans::KNHK_LOCKCHAIN_VERIFY,
    "file.path" => crate::semconv::FILE_PATH,
    "lockchain.entries" => crate::semconv::LOCKCHAIN_ENTRIES,
    "lockchain.committed_bytes" => crate::semconv::LOCKCHAIN_COMMITTED_BYTES,
    "lockchain.discarded_bytes" => crate::semconv::LOCKCHAIN_DISCARDED_BYTES,
    "error.type" => crate::semconv::ERROR_TYPE,
    "knhk::lockchain" => crate::semconv::LOCKCHAIN_TARGET,
}
