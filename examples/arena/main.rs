//! `arena`: a server's per-batch telemetry buffers, built in one arena and reset
//! between batches.
//!
//! ```text
//! cargo run -p knhk-examples --bin arena
//! cargo run -p knhk-examples --bin arena -- --batches 5 --requests 2000
//! ```
//!
//! Each batch of simulated requests is served by two worker threads
//! (`std::thread::scope`) sharing one [`Arena`] of 1 MiB. Each worker takes a
//! [`LocalArena`] handle (no lock: it claims chunks of the arena with one atomic
//! operation and bumps inside them with none) and records one span per request in it:
//! the request's strings copied out of the reused read buffer with `try_alloc_str`, its
//! attributes with `try_alloc_slice_copy`, the span itself with `try_alloc`, linked to
//! the previous one. It then pushes the spans' latencies into an
//! `allocator_api2::vec::Vec` in the same handle, which, being the handle's last
//! allocation, grows in place while its chunk has room, and publishes them sorted on
//! the shared path (`Arena::try_alloc_slice_copy`), where they outlive the handle. The
//! main thread merges them into percentiles, prints the batch and the arena's
//! statistics, and resets the arena (safe: `reset` takes `&mut`), printing the
//! statistics again.
//!
//! The last batch is larger than the arena on purpose. A `try_` form returns
//! `ArenaError::Exhausted`, naming the capacity and the request, where the plain form
//! would panic; the batch is refused and the error printed. The arena emits the
//! registry event `knhk.arena.exhausted` (target `knhk::arena`, level WARN, printed on
//! stderr) once until its next reset, and a `RegistryCheckLayer` checks it against the
//! runtime's registry and prints its line at the end.
//!
//! Exit status: 0 when every batch fitted, the oversized one was refused and the
//! telemetry follows the registry; 1 otherwise; 2 for bad arguments.

use allocator_api2::vec::Vec as ArenaVec;
use clap::Parser;
use knhk_runtime::arena::{Arena, ArenaError, LocalArena};
use knhk_runtime::telemetry::RegistryCheckLayer;
use std::fmt::Write as _;
use std::process::ExitCode;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// The arena's size: every batch `--requests` allows fits in it.
const CAPACITY: usize = 1 << 20;
/// The oversized batch: more requests than the arena holds, at over 150 bytes each.
const OVERSIZED: u32 = (CAPACITY / 64) as u32;
const WORKERS: u32 = 2;

const AFTER_HELP: &str = "\
EXIT CODES:
    0   every batch fitted, the oversized one was refused, the telemetry follows the registry
    1   otherwise
    2   usage error";

/// Serve batches of simulated requests, recording their spans in one arena that is
/// reset between batches; a last, oversized batch exhausts it
#[derive(Debug, Parser)]
#[command(name = "arena", version, after_help = AFTER_HELP)]
struct Cli {
    /// Batches that fit the arena, served before the oversized one
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    batches: u32,
    /// Requests per batch, split between the two workers
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(2..=2000))]
    requests: u32,
}

/// One attribute of a span: a registry name and a value copied into the arena.
#[derive(Clone, Copy)]
struct Attribute<'a> {
    #[allow(dead_code)] // an exporter would send it; this program only summarises
    key: &'static str,
    value: &'a str,
}

/// One request's span, all of it in the arena; the spans of a worker form a list.
/// No field needs `Drop`, so `alloc` takes it (a `String` field would not compile).
struct Span<'a> {
    // An exporter would send these; this program only summarises the spans.
    #[allow(dead_code)]
    trace_id: u64,
    #[allow(dead_code)]
    span_id: u64,
    #[allow(dead_code)]
    start_ns: u64,
    latency_us: u32,
    status: u16,
    attributes: &'a [Attribute<'a>],
    previous: Option<&'a Span<'a>>,
}

/// What the batch's spans add up to.
struct Summary {
    requests: usize,
    errors: usize,
    /// Bytes of attribute values copied into the arena.
    text: usize,
    p50_us: u32,
    p99_us: u32,
    /// How often the workers' latency buffers grew, and how often in place.
    grew: u32,
    in_place: u32,
}

/// A worker's share: its latencies, sorted, in the arena; its errors and attribute
/// bytes; its latency buffer's growths.
struct Share<'a> {
    latencies: &'a [u32],
    errors: usize,
    text: usize,
    grew: u32,
    in_place: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // a usage error exits with 2
    let check = RegistryCheckLayer::new([knhk_runtime::semconv::registry()]);
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_target(true)
                .with_writer(std::io::stderr)
                .with_filter(LevelFilter::INFO),
        )
        .with(check.clone())
        .init();

    println!("knhk arena: span buffers of {WORKERS} workers in one arena of {CAPACITY} bytes");
    let mut arena = Arena::with_capacity(CAPACITY);
    let mut fitted = true;
    let mut refused = false;
    for batch in 0..=cli.batches {
        let oversized = batch == cli.batches;
        let requests = if oversized { OVERSIZED } else { cli.requests };
        match serve_batch(&arena, batch, requests) {
            Ok(s) => {
                fitted &= !oversized;
                println!(
                    "batch {batch}: {} requests, {} errors, {} bytes of attributes, latency p50 {} us, p99 {} us; latency buffers grew {} times, {} in place",
                    s.requests, s.errors, s.text, s.p50_us, s.p99_us, s.grew, s.in_place
                );
            }
            Err(error) => {
                fitted &= oversized;
                refused |= oversized && matches!(error, ArenaError::Exhausted { .. });
                println!("batch {batch}: {requests} requests, refused: {error}");
            }
        }
        println!("  arena: {}", arena.stats());
        arena.reset(); // `&mut`: nothing borrowed from the arena is alive
        println!("  after reset: {}", arena.stats());
    }

    let telemetry = check.report();
    println!("{telemetry}");
    if !fitted || !refused {
        println!("expected every batch but the last to fit and the last to be refused");
    }
    if fitted && refused && telemetry.events > 0 && telemetry.violations() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Serves one batch on the workers and merges their shares; what it returns borrows
/// nothing, so the arena can be reset after it.
fn serve_batch(arena: &Arena, batch: u32, requests: u32) -> Result<Summary, ArenaError> {
    let shares = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let share = requests / WORKERS + u32::from(worker < requests % WORKERS);
                s.spawn(move || serve(arena, batch, worker, share))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect::<Result<Vec<_>, _>>()
    })?;
    // The shared path's allocator: a `Vec` in the arena itself, as long as the batch.
    let mut all = ArenaVec::new_in(arena);
    for share in &shares {
        all.extend_from_slice(share.latencies);
    }
    all.sort_unstable();
    let at = |p: usize| all[(all.len() - 1) * p / 100];
    Ok(Summary {
        requests: all.len(),
        errors: shares.iter().map(|s| s.errors).sum(),
        text: shares.iter().map(|s| s.text).sum(),
        p50_us: at(50),
        p99_us: at(99),
        grew: shares.iter().map(|s| s.grew).sum(),
        in_place: shares.iter().map(|s| s.in_place).sum(),
    })
}

/// One worker's part of a batch: its spans through its own handle, its latencies
/// published on the arena's shared path.
fn serve(arena: &Arena, batch: u32, worker: u32, requests: u32) -> Result<Share<'_>, ArenaError> {
    let local = arena.local(); // no lock; no atomic until its first chunk
    let mut read_buffer = String::new(); // reused for every request, as a socket's is
    let mut last: Option<&Span<'_>> = None;
    let mut random = Random(u64::from(batch) << 32 | u64::from(worker) | 1);
    for i in 0..requests {
        let request = random.request(&mut read_buffer, u64::from(worker) << 32 | u64::from(i));
        last = Some(record(&local, &request, last)?);
    }

    // The latencies, in a `Vec` in the handle: nothing else is allocated while it is
    // pushed to, so each growth extends it in place when the chunk has room.
    let spans = std::iter::successors(last, |s| s.previous);
    let mut latencies = ArenaVec::new_in(&local);
    let (mut grew, mut in_place) = (0, 0);
    let (mut errors, mut text) = (0, 0);
    for span in spans {
        let (at, capacity) = (latencies.as_ptr(), latencies.capacity());
        latencies.push(span.latency_us);
        if capacity != 0 && latencies.capacity() != capacity {
            grew += 1;
            in_place += u32::from(latencies.as_ptr() == at);
        }
        errors += usize::from(span.status >= 500);
        text += span.attributes.iter().map(|a| a.value.len()).sum::<usize>();
    }
    latencies.sort_unstable();
    // Published on the shared path (one compare-and-swap): it borrows the arena, not
    // the handle, so it outlives this thread.
    let latencies = arena.try_alloc_slice_copy(&latencies)?;
    Ok(Share {
        latencies,
        errors,
        text,
        grew,
        in_place,
    })
}

/// A request as the server reads it: its text is in a buffer the next request reuses.
struct Request<'b> {
    id: u64,
    start_ns: u64,
    latency_us: u32,
    status: u16,
    method: &'b str,
    path: &'b str,
    user_agent: &'b str,
}

/// A request's span, in the arena: its strings copied, its attributes and itself
/// allocated, each with a `try_` form that says when the arena is full.
fn record<'a>(
    local: &'a LocalArena<'_>,
    request: &Request<'_>,
    previous: Option<&'a Span<'a>>,
) -> Result<&'a Span<'a>, ArenaError> {
    let attributes = local.try_alloc_slice_copy(&[
        Attribute {
            key: "http.request.method",
            value: local.try_alloc_str(request.method)?,
        },
        Attribute {
            key: "url.path",
            value: local.try_alloc_str(request.path)?,
        },
        Attribute {
            key: "user_agent.original",
            value: local.try_alloc_str(request.user_agent)?,
        },
    ])?;
    Ok(local.try_alloc(Span {
        trace_id: request.id.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        span_id: request.id + 1,
        start_ns: request.start_ns,
        latency_us: request.latency_us,
        status: request.status,
        attributes,
        previous,
    })?)
}

/// A deterministic xorshift stream of requests.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next request, its text written into `buffer`.
    fn request<'b>(&mut self, buffer: &'b mut String, id: u64) -> Request<'b> {
        const METHODS: [&str; 3] = ["GET", "POST", "DELETE"];
        const AGENTS: [&str; 3] = ["curl/8.5.0", "orders-client/2.1", "Mozilla/5.0"];
        let r = self.next();
        let method = METHODS[(r % 3) as usize];
        let agent = AGENTS[((r >> 8) % 3) as usize];
        buffer.clear();
        let _ = write!(buffer, "{method} /orders/{} {agent}", r >> 40);
        let path_end = buffer.rfind(' ').expect("written above");
        let tail = if r.is_multiple_of(50) { 20 } else { 1 };
        Request {
            id,
            start_ns: 1 + id * 1000,
            latency_us: (200 + (r >> 16) % 800) as u32 * tail,
            status: if r.is_multiple_of(40) { 503 } else { 200 },
            method: &buffer[..method.len()],
            path: &buffer[method.len() + 1..path_end],
            user_agent: &buffer[path_end + 1..],
        }
    }
}
