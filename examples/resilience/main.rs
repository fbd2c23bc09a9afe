//! `resilience`: a flaky pricing service behind a circuit breaker, its failures told
//! as `ContextResult` stories.
//!
//! ```text
//! cargo run -p knhk-examples --bin resilience
//! cargo run -p knhk-examples --bin resilience -- --requests 400 --seed 7
//! ```
//!
//! A client asks the service for one quote every 100 ms of simulated time (a
//! [`ManualClock`], so a run takes milliseconds and every run with one seed is the
//! same). The service goes through four phases: healthy (one call in twenty fails, one
//! answer in fifty is garbage), slow (calls succeed after 400 ms, above the breaker's
//! 250 ms slow-call threshold), down (every call fails after 30 ms), healthy again.
//! The breaker (a count window of
//! 20 calls, a minimum of 10, opening at 50 % failures or 60 % slow calls, waiting 2 s
//! doubled at each reopening up to 16 s, 3 trial calls in half-open) opens on the slow
//! calls, rejects calls without touching the service while open, tries it again in
//! half-open (and opens again, for longer, while it is down), and closes once it has
//! recovered.
//!
//! Each quote is a `ContextResult`: the breaker's call, then a check of the quote, each
//! step with its context, so a failure prints as "checking the quote: quoting item 17:
//! ..." and the first rejection's whole story is printed with where each context was
//! added. The breaker's transitions are printed as they happen (its listener), and its
//! metrics every 20 requests. A `RegistryCheckLayer` checks the breaker's `tracing`
//! events (`knhk.breaker.*`) against the runtime's registry and prints its line last.
//!
//! Exit status: 0 when the breaker opened, went half-open, closed again, ended closed,
//! rejected calls while open, and its telemetry follows the registry; 1 otherwise; 2 for
//! bad arguments.

use clap::Parser;
use knhk_runtime::breaker::{
    BreakerError, BreakerEvent, CircuitBreaker, Clock, ManualClock, Metrics, State,
};
use knhk_runtime::error::{ContextResult, ResultExt};
use knhk_runtime::telemetry::RegistryCheckLayer;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

const AFTER_HELP: &str = "\
EXIT CODES:
    0   the breaker opened, went half-open, closed and ended closed; its telemetry follows the registry
    1   otherwise
    2   usage error";

/// Call a flaky pricing service through a circuit breaker, on simulated time
#[derive(Debug, Parser)]
#[command(name = "resilience", version, after_help = AFTER_HELP)]
struct Cli {
    /// Quotes to ask for, one every 100 ms of simulated time (at least 200, so that
    /// every phase of the service has room)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(200..=100_000))]
    requests: u32,
    /// Seed of the healthy service's occasional failures
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// What the service can do wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ServiceError {
    Unavailable,
    BadQuote { item: u32, price: i64 },
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceError::Unavailable => f.write_str("pricing service unavailable (HTTP 503)"),
            ServiceError::BadQuote { item, price } => {
                write!(f, "quote of {price} cents for item {item} is not a price")
            }
        }
    }
}

impl std::error::Error for ServiceError {}

type QuoteError = BreakerError<ServiceError>;

/// The simulated service: its phase follows the request number.
struct Service {
    clock: ManualClock,
    requests: u32,
    rng: u64,
}

impl Service {
    fn phase(&self, request: u32) -> &'static str {
        let n = self.requests;
        if request < n / 5 {
            "healthy"
        } else if request < n * 3 / 10 {
            "slow"
        } else if request < n / 2 {
            "down"
        } else {
            "healthy"
        }
    }

    /// One quote: what a remote call would return, after the time it would take.
    fn quote(&mut self, request: u32, item: u32) -> Result<i64, ServiceError> {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let (took, result) = match self.phase(request) {
            "down" => (30, Err(ServiceError::Unavailable)),
            "slow" => (400, Ok(i64::from(item) * 100 + 99)),
            _ if self.rng.is_multiple_of(20) => (15, Err(ServiceError::Unavailable)),
            // One good answer in 50 is garbage: the check below catches it.
            _ if self.rng % 50 == 1 => (12, Ok(-1)),
            _ => (12, Ok(i64::from(item) * 100 + 99)),
        };
        self.clock.advance(Duration::from_millis(took));
        result
    }
}

/// A quote in cents, checked.
fn check(item: u32, price: i64) -> Result<u32, ServiceError> {
    u32::try_from(price).map_err(|_| ServiceError::BadQuote { item, price })
}

/// One quote through the breaker: each step adds its context.
fn fetch(
    breaker: &CircuitBreaker<i64, ServiceError, ManualClock>,
    service: &mut Service,
    request: u32,
) -> ContextResult<u32, QuoteError> {
    let item = request % 97;
    breaker
        .call(|| service.quote(request, item))
        .into_context()
        .with_context(|| format!("quoting item {item}"))
        .and_then(|price| {
            check(item, price)
                .map_err(BreakerError::Inner)
                .into_context()
                .context("checking the quote")
        })
}

fn seconds(clock: &ManualClock) -> f64 {
    clock.now_nanos() as f64 / 1e9
}

fn show(m: &Metrics) -> String {
    let rate = |r: Option<f32>| r.map_or("n/a".to_owned(), |r| format!("{r:.0}%"));
    format!(
        "{}: {} calls in the window, {} failed, {} slow; failure rate {}, slow-call rate {}; {} rejected, {} transitions",
        m.state,
        m.calls,
        m.failed_calls,
        m.slow_calls,
        rate(m.failure_rate),
        rate(m.slow_call_rate),
        m.not_permitted_calls,
        m.transitions
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // a usage error exits with 2
    let check = RegistryCheckLayer::new([knhk_runtime::semconv::registry()]);
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_target(true)
                .with_writer(std::io::stderr)
                .with_filter(LevelFilter::WARN),
        )
        .with(check.clone())
        .init();

    let clock = ManualClock::new();
    let transitions: Arc<Mutex<Vec<(State, State)>>> = Arc::default();
    let (seen, at) = (transitions.clone(), clock.clone());
    let breaker = CircuitBreaker::<i64, ServiceError>::builder()
        .name("pricing")
        .count_window(20)
        .minimum_calls(10)
        .failure_rate_threshold(50.0)
        .slow_call_duration_threshold(Duration::from_millis(250))
        .slow_call_rate_threshold(60.0)
        .wait_in_open(Duration::from_secs(2))
        .exponential_backoff(2.0, Duration::from_secs(16))
        .permitted_calls_in_half_open(3)
        .on_event(move |event| match event {
            BreakerEvent::StateTransition { from, to } => {
                println!("  t={:6.1}s  breaker: {from} -> {to}", seconds(&at));
                seen.lock().unwrap().push((*from, *to));
            }
            BreakerEvent::Rejected { .. } => {}
            other => println!("  t={:6.1}s  breaker: {other}", seconds(&at)),
        })
        .clock(clock.clone())
        .build()
        .expect("the settings are valid");
    let mut service = Service {
        clock: clock.clone(),
        requests: cli.requests,
        rng: cli.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
    };

    println!(
        "knhk resilience: {} quotes from a flaky pricing service, one every 100 ms of simulated time",
        cli.requests
    );
    let (mut served, mut failed, mut rejected) = (0_u32, 0_u32, 0_u32);
    let mut phase = "";
    let mut first_failure = None;
    let mut first_rejection = None;
    for request in 0..cli.requests {
        if service.phase(request) != phase {
            phase = service.phase(request);
            println!("t={:6.1}s  the service is {phase}", seconds(&clock));
        }
        let quote = fetch(&breaker, &mut service, request);
        match quote.as_result() {
            Ok(_) => served += 1,
            Err(BreakerError::Rejected(_)) => {
                rejected += 1;
                first_rejection.get_or_insert_with(|| quote.print_error());
            }
            Err(BreakerError::Inner(_)) => {
                failed += 1;
                first_failure.get_or_insert_with(|| quote.to_string());
            }
        }
        if (request + 1) % 20 == 0 {
            println!(
                "t={:6.1}s  after {:>4} requests  {}",
                seconds(&clock),
                request + 1,
                show(&breaker.metrics())
            );
        }
        clock.advance(Duration::from_millis(100));
    }

    println!("served {served}, failed {failed}, rejected {rejected} (not sent to the service)");
    if let Some(story) = first_failure {
        println!("first failure: {story}");
    }
    if let Some(story) = first_rejection {
        println!("first rejection:\n{story}");
    }
    let end = breaker.metrics();
    println!("breaker at the end: {}", show(&end));
    let telemetry = check.report();
    println!("{telemetry}");

    let seen = transitions.lock().unwrap();
    let went = |from, to| seen.contains(&(from, to));
    let cycled = went(State::Closed, State::Open)
        && went(State::Open, State::HalfOpen)
        && went(State::HalfOpen, State::Closed);
    if !cycled || end.state != State::Closed || rejected == 0 {
        println!("expected the breaker to open, go half-open, close again and end closed");
    }
    if cycled
        && end.state == State::Closed
        && rejected > 0
        && telemetry.events > 0
        && telemetry.violations() == 0
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
