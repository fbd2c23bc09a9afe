//! `ContextResult` against plain `Result` on the success path, and building a failure
//! with one static context against `anyhow::Error::context`.
//!
//! - `context/ok_parse/{result,context_result}`: a five-step parse of one config line
//!   (`host=..;port=..;retries=..;timeout_ms=..;tls=..`), each step real work on the
//!   string; the `ContextResult` side adds a static context and a `with_context`
//!   closure per step, the `Result` side uses `?`. The target is ≤ 1.05x.
//! - `context/ok_trivial/{result,context_result}`: the same five steps doing one add
//!   each, so that what the contexts cost shows in nanoseconds.
//! - `context/error/{knhk,anyhow}`: an error value given one `&'static str` context,
//!   turned into what `?` returns (`ContextError` / `anyhow::Error`) and dropped.
//!   anyhow captures a backtrace when `RUST_BACKTRACE` or `RUST_LIB_BACKTRACE` asks
//!   std to: run with `RUST_LIB_BACKTRACE=0`, which turns capture off whatever
//!   `RUST_BACKTRACE` says (the bench checks that std captures none).
//!
//! Every input and output goes through `black_box`; each side is `#[inline(never)]`.

use anyhow::Context as _;
use criterion::Criterion;
use knhk_runtime::error::{ContextError, ContextResult, ResultExt};
use std::hint::black_box;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Config {
    port: u16,
    retries: u8,
    timeout_ms: u32,
    tls: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) enum ParseError {
    Missing(&'static str),
    Bad(&'static str),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Missing(key) => write!(f, "{key} is missing"),
            ParseError::Bad(key) => write!(f, "{key} is malformed"),
        }
    }
}

impl std::error::Error for ParseError {}

fn field<'a>(line: &'a str, key: &'static str) -> Result<&'a str, ParseError> {
    line.split(';')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .ok_or(ParseError::Missing(key))
}

fn number<T: std::str::FromStr>(line: &str, key: &'static str) -> Result<T, ParseError> {
    field(line, key)?.parse().map_err(|_| ParseError::Bad(key))
}

#[inline(never)]
fn parse_result(line: &str) -> Result<Config, ParseError> {
    field(line, "host")?;
    let port = number(line, "port")?;
    let retries = number(line, "retries")?;
    let timeout_ms = number(line, "timeout_ms")?;
    let tls = number(line, "tls")?;
    Ok(Config {
        port,
        retries,
        timeout_ms,
        tls,
    })
}

#[inline(never)]
fn parse_context(line: &str) -> ContextResult<Config, ParseError> {
    field(line, "host")
        .into_context()
        .context("reading the host")
        .and_then(|_| {
            number(line, "port")
                .into_context()
                .context("parsing the port")
                .with_context(|| format!("in {line}"))
        })
        .and_then(|port| {
            number(line, "retries")
                .into_context()
                .context("parsing the retries")
                .with_context(|| format!("in {line}"))
                .map(|retries| (port, retries))
        })
        .and_then(|(port, retries)| {
            number(line, "timeout_ms")
                .into_context()
                .context("parsing the timeout")
                .with_context(|| format!("in {line}"))
                .map(|timeout_ms| (port, retries, timeout_ms))
        })
        .and_then(|(port, retries, timeout_ms)| {
            number(line, "tls")
                .into_context()
                .context("parsing tls")
                .with_context(|| format!("in {line}"))
                .map(|tls| Config {
                    port,
                    retries,
                    timeout_ms,
                    tls,
                })
        })
}

fn step(v: u64, n: u64) -> Result<u64, ParseError> {
    if v == u64::MAX {
        Err(ParseError::Bad("v"))
    } else {
        Ok(v + n)
    }
}

#[inline(never)]
fn trivial_result(v: u64) -> Result<u64, ParseError> {
    let v = step(v, 1)?;
    let v = step(v, 2)?;
    let v = step(v, 3)?;
    let v = step(v, 4)?;
    step(v, 5)
}

#[inline(never)]
fn trivial_context(v: u64) -> ContextResult<u64, ParseError> {
    step(v, 1)
        .into_context()
        .context("step 1")
        .and_then(|v| step(v, 2).into_context().context("step 2"))
        .and_then(|v| step(v, 3).into_context().context("step 3"))
        .and_then(|v| step(v, 4).into_context().context("step 4"))
        .and_then(|v| step(v, 5).into_context().context("step 5"))
}

#[inline(never)]
fn error_knhk(e: ParseError) -> ContextError<ParseError> {
    match Err::<(), _>(e)
        .into_context()
        .context("loading the config")
        .into_result()
    {
        Err(e) => e,
        Ok(()) => unreachable!("an error stays an error"),
    }
}

#[inline(never)]
fn error_anyhow(e: ParseError) -> anyhow::Error {
    match Err::<(), _>(e).context("loading the config") {
        Err(e) => e,
        Ok(()) => unreachable!("an error stays an error"),
    }
}

pub(crate) fn benches(c: &mut Criterion) {
    assert_ne!(
        std::backtrace::Backtrace::capture().status(),
        std::backtrace::BacktraceStatus::Captured,
        "std captures backtraces here, and anyhow would: run with RUST_LIB_BACKTRACE=0"
    );
    let line = "host=example.org;port=8080;retries=3;timeout_ms=250;tls=true";
    let expected = Config {
        port: 8080,
        retries: 3,
        timeout_ms: 250,
        tls: true,
    };
    assert_eq!(parse_result(line), Ok(expected));
    assert_eq!(parse_context(line).into_result().ok(), Some(expected));
    assert_eq!(
        trivial_context(1).into_result().ok(),
        trivial_result(1).ok()
    );
    assert_eq!(
        error_knhk(ParseError::Missing("port")).to_string(),
        format!("{:#}", error_anyhow(ParseError::Missing("port")))
    );

    let mut g = c.benchmark_group("context");
    g.bench_function("ok_parse/result", |b| {
        b.iter(|| parse_result(black_box(line)))
    });
    g.bench_function("ok_parse/context_result", |b| {
        b.iter(|| parse_context(black_box(line)).into_result().ok())
    });
    g.bench_function("ok_trivial/result", |b| {
        b.iter(|| trivial_result(black_box(1)))
    });
    g.bench_function("ok_trivial/context_result", |b| {
        b.iter(|| trivial_context(black_box(1)).into_result().ok())
    });
    g.bench_function("error/knhk", |b| {
        b.iter(|| error_knhk(black_box(ParseError::Missing("port"))))
    });
    g.bench_function("error/anyhow", |b| {
        b.iter(|| error_anyhow(black_box(ParseError::Missing("port"))))
    });
    g.finish();
}
