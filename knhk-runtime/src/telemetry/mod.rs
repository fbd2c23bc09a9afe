//! Telemetry: what the runtime emits, and (feature `live-check`) a check of what a
//! program emits at run time against its registries.
//!
//! The runtime emits every event and span through `event!` / `span!`, checked at
//! compile time against its registry (`knhk-runtime/registry/`), so removing or
//! renaming an emitted attribute, event or span there fails this crate's build.
//! [`RegistryCheckLayer`] checks the rest at run time: telemetry written with plain
//! `tracing`, and values only a running program knows.

mod emit;
#[cfg(feature = "live-check")]
mod live_check;

pub(crate) use emit::*;
#[cfg(feature = "live-check")]
pub use live_check::{
    Coverage, Finding, FindingContext, FindingId, FindingLevel, LiveCheckReport, NOT_ATTRIBUTES,
    RegistryCheckLayer,
};
