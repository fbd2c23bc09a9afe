//! Telemetry: what the runtime emits, (feature `live-check`) a check of what a program
//! emits at run time against its registries, and (feature `otel`) its export over
//! OTLP with the hot paths' statistics as metrics.
//!
//! The runtime emits every event and span through `event!` / `span!`, checked at
//! compile time against its registry (`knhk-runtime/registry/`), so removing or
//! renaming an emitted attribute, event or span there fails this crate's build.
//! [`RegistryCheckLayer`] checks the rest at run time: telemetry written with plain
//! `tracing`, and values only a running program knows.

mod emit;
#[cfg(feature = "live-check")]
mod live_check;
#[cfg(feature = "otel")]
pub mod otel;

pub(crate) use emit::*;
#[cfg(feature = "live-check")]
pub use live_check::{
    Coverage, Finding, FindingContext, FindingId, FindingLevel, LiveCheckReport, NOT_ATTRIBUTES,
    RegistryCheckLayer,
};
