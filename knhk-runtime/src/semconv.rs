//! Telemetry names the runtime emits, as declared in the Weaver registry (`registry/`).
//!
//! A test reads `registry/knhk/*.yaml` and checks that every name here is declared
//! there with the type the runtime gives it.

/// Target of the runtime's performance events.
pub const PERFORMANCE_TARGET: &str = "knhk::performance";
/// Name of the event emitted when a call is over its budget.
pub const EVENT_BUDGET_EXCEEDED: &str = "knhk.performance.budget_exceeded";
/// `performance.budget_ticks` (int): the path's budget in counter ticks.
pub const PERFORMANCE_BUDGET_TICKS: &str = "performance.budget_ticks";
/// `performance.actual_ticks` (int): the call's ticks, measurement overhead subtracted.
pub const PERFORMANCE_ACTUAL_TICKS: &str = "performance.actual_ticks";
/// `performance.overage_ticks` (int): actual minus budget.
pub const PERFORMANCE_OVERAGE_TICKS: &str = "performance.overage_ticks";
/// `performance.suppressed_events` (int): over-budget events held back by the rate limit
/// since the previous event of the same path.
pub const PERFORMANCE_SUPPRESSED_EVENTS: &str = "performance.suppressed_events";
/// `code.function.name` (string, OpenTelemetry semantic conventions): the path's full name.
pub const CODE_FUNCTION_NAME: &str = "code.function.name";
