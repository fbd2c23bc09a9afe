//! How the runtime emits through `tracing`. Field names are those of [`crate::semconv`];
//! `tracing` needs them as literal tokens, so a test checks that each event carries
//! exactly the registry's names.

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
