//! Error context with no cost on success: [`ContextResult`] carries a result and the
//! breadcrumbs of the steps that produced it, and [`ContextError`] is what a failure
//! becomes, printing its story the way `anyhow` prints a chain.
//!
//! ```
//! use knhk_runtime::error::{ContextResult, ResultExt};
//!
//! #[derive(Debug, PartialEq)]
//! struct Config { port: u16 }
//!
//! #[derive(Debug, thiserror::Error)]
//! enum ConfigError {
//!     #[error("missing port= line")]
//!     Missing,
//!     #[error("bad port: {0}")]
//!     BadPort(#[from] std::num::ParseIntError),
//!     #[error("port {0} is reserved")]
//!     Reserved(u16),
//! }
//!
//! fn parse_config(text: &str) -> ContextResult<Config, ConfigError> {
//!     text.lines()
//!         .find_map(|l| l.strip_prefix("port="))
//!         .ok_or(ConfigError::Missing)
//!         .into_context()
//!         .context("reading the config")
//!         .and_then(|port| {
//!             port.trim()
//!                 .parse::<u16>()
//!                 .map_err(ConfigError::from)
//!                 .into_context()
//!                 .context("parsing the port")
//!         })
//!         .and_then(|port| {
//!             let checked = if port < 1024 { Err(ConfigError::Reserved(port)) } else { Ok(port) };
//!             checked
//!                 .into_context()
//!                 .with_context(|| format!("validating port {port}")) // runs only on failure
//!                 .map(|port| Config { port })
//!         })
//! }
//!
//! assert_eq!(parse_config("port=8080").into_result().unwrap(), Config { port: 8080 });
//!
//! // The steps that ran before a failure are part of its story, newest first.
//! let failed = parse_config("port=80");
//! assert_eq!(
//!     failed.to_string(),
//!     "validating port 80: parsing the port: reading the config: port 80 is reserved"
//! );
//!
//! // Recovery keeps the breadcrumbs, and adds its own.
//! let config = parse_config("port=x")
//!     .or_else(|_| Ok::<_, ConfigError>(Config { port: 8080 }).into_context().context("using the default"))
//!     .unwrap_or_else(|err, contexts| panic!("{err} after {}", contexts.len()));
//! assert_eq!(config, Config { port: 8080 });
//! ```
//!
//! # Semantics
//!
//! - **Breadcrumbs in the order the steps ran.** [`context`](ContextResult::context)
//!   adds one on success and failure alike; [`and_then`](ContextResult::and_then) and
//!   [`or_else`](ContextResult::or_else) keep every context added before them, whether
//!   those steps succeeded or not, and append the next step's. [`with_context`]
//!   (ContextResult::with_context) adds one only to a failure: its closure runs on the
//!   error path alone.
//! - **Printed newest first.** `Display` prints the most recent context, then earlier
//!   ones, then the error, separated by `": "`, like `anyhow`'s `{:#}`;
//!   [`print_error`](ContextResult::print_error) prints the same as `anyhow`'s `{:?}`
//!   does, one per line, with where each context was added (`#[track_caller]`).
//! - **`?`.** Stable Rust has no `?` for a type of one's own: write
//!   `.into_result()?`, which gives a [`ContextError`] (an `std::error::Error` whose
//!   `source()` is the original error) to any function returning
//!   `Result<_, ContextError<E>>`, `Result<_, Box<dyn Error>>` or `anyhow::Result`.
//!
//! # Cost
//!
//! On success nothing is allocated: up to four contexts are kept inline in the
//! `ContextResult` (a `&'static str` as a pointer, a `String` as the `String` the
//! caller already built), later ones replace the oldest with a count of how many were
//! dropped, and `with_context` closures do not run. A failure with more than four
//! contexts moves them to the heap once, and [`into_result`](ContextResult::into_result)
//! moves them into the [`ContextError`]'s `Vec` with one allocation.
//! `size_of::<ContextResult<T, E>>()` is `size_of::<Result<T, E>>()` plus 160 bytes
//! on 64-bit targets: four 32-byte contexts, their count, the count of dropped ones and
//! the (empty, unallocated) `Vec` a long failure moves them to.

mod context;
mod report;

pub use context::{ContextResult, ResultExt};
pub use report::{Context, ContextError, ContextLayer};

#[cfg(test)]
mod tests;
