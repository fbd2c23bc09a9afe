//! knhk quickstart: a small limit order book with tick budgets on its innermost helpers.
//!
//! Run with measuring on in an optimised build (the README's main command):
//!
//! ```text
//! cargo run --release -p knhk-examples --features measure --bin quickstart [-- --out-dir DIR]
//! ```
//!
//! The book keeps 64 price levels for each side, a bitmap of the non-empty ones and
//! a FIFO of resting orders per level. The helpers that find the best level, map a
//! price to a level and mix an order id are `#[hot_path]`s; submitting and cancelling
//! are `#[warm_path]`s. After a few hundred thousand orders the program times each hot
//! path's own code amortized (`measure_path()`, its probe suspended), prints the budget
//! report and one verdict per path, each from the per-call figures where they decide
//! it and from the amortized one where they cannot, and then what a CI gate on them
//! says. One hot path, `book.checksum`, breaks its budget on purpose.
//!
//! Orders are made with a typestate builder (`#[derive(Builder)]`) and submitted inside
//! the registry span `span.orders.submit` (`#[derive(Instrument)]`, checked against
//! `examples/registry/`), and the report is
//! sealed into a lockchain in the output directory (`--out-dir DIR`, else
//! `$KNHK_QUICKSTART_DIR`, else the temporary directory), one entry per run, then
//! verified read-only with an inclusion proof; its picture (`Report::to_svg_with`) is
//! written beside it.
//!
//! Everything it emits through `tracing` (the submission spans, the over-budget events,
//! the lockchain's events and spans) is checked as it runs against the runtime's
//! registry and `examples/registry/` by a `RegistryCheckLayer`, which prints one line
//! at the end: events, spans, registry violations and coverage.
//!
//! Built with feature `otel` and run with `OTEL_EXPORTER_OTLP_ENDPOINT` set (to a
//! collector's OTLP/gRPC receiver, `http://localhost:4317`), it also exports the spans,
//! events and hot-path metrics there, and flushes them before it exits.
//!
//! Exit status: 0 when the gate fails on the deliberate violation alone, 1 when any
//! other path breaks its budget, the deliberate one is not caught or the telemetry
//! breaks its registry, 2 for bad arguments, 3 when the report cannot be sealed or its
//! picture (`knhk-quickstart-report.svg`, beside the lockchain) cannot be written.

use knhk_runtime::lockchain::{Lockchain, LockchainReader, verify_inclusion};
use knhk_runtime::telemetry::{FindingLevel, RegistryCheckLayer};
use knhk_runtime::{
    BudgetVerdicts, Builder, Instrument, Method, PathKind, Policy, hot_path, measure_path,
    warm_path,
};
use std::collections::VecDeque;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// `examples/registry/` as code: the quickstart uses only `registry()`, the registry as
/// data for the live check (the derive reads the registry itself at compile time).
#[allow(dead_code)]
mod semconv {
    knhk_runtime::semconv!("registry");
}

/// The OpenTelemetry export, when built with feature `otel`.
#[cfg(feature = "otel")]
mod export {
    use knhk_runtime::telemetry::otel::{ENDPOINT_VAR, Otel};

    pub(crate) type Export = Option<Otel>;

    pub(crate) fn start() -> Result<Export, String> {
        Otel::from_env("knhk-quickstart").map_err(|e| format!("OpenTelemetry export: {e}"))
    }

    pub(crate) fn layer<S>(export: &Export) -> Option<impl tracing_subscriber::Layer<S>>
    where
        S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        export.as_ref().map(Otel::layer)
    }

    pub(crate) fn finish(export: Export) -> Option<String> {
        let Some(otel) = export else {
            return Some(format!(
                "OpenTelemetry export: off ({ENDPOINT_VAR} is not set)"
            ));
        };
        let endpoint = otel.endpoint().unwrap_or_default().to_owned();
        Some(match otel.shutdown() {
            Ok(()) => format!(
                "OpenTelemetry export: spans, events and hot-path metrics sent to {endpoint}"
            ),
            Err(e) => {
                eprintln!("OpenTelemetry export: {e}");
                format!("OpenTelemetry export: failed ({endpoint})")
            }
        })
    }
}

/// Without feature `otel`: nothing to export.
#[cfg(not(feature = "otel"))]
mod export {
    pub(crate) struct Export;

    pub(crate) fn start() -> Result<Export, String> {
        Ok(Export)
    }

    pub(crate) fn layer(_: &Export) -> Option<tracing_subscriber::layer::Identity> {
        None
    }

    pub(crate) fn finish(_: Export) -> Option<String> {
        None
    }
}

const LEVELS: usize = 64;
const BASE_PRICE: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Buy,
    Sell,
}

/// Recorded as the registry's `orders.side` values.
impl knhk_runtime::semconv::Value<&'static str> for Side {
    type Recorded<'a> = &'static str;
    fn recorded(&self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// An order, built with a typestate builder; its `span` is the registry's
/// `span.orders.submit` (`registry/orders.yaml`), each field checked against it.
#[derive(Clone, Copy, Debug, Builder, Instrument)]
#[instrument(span = "span.orders.submit", level = "debug")]
struct Order {
    #[instrument(attr = "orders.order.id")]
    id: u64,
    #[instrument(attr = "orders.side")]
    side: Side,
    #[instrument(attr = "orders.price")]
    price: u32,
    #[instrument(attr = "orders.quantity")]
    qty: u32,
}

/// A set of price levels as one 64-bit bitmap: the best level is a single bit scan.
#[derive(Clone, Copy, Default)]
struct LevelSet(u64);

impl LevelSet {
    fn insert(&mut self, level: usize) {
        self.0 |= 1 << level;
    }

    fn remove(&mut self, level: usize) {
        self.0 &= !(1 << level);
    }

    /// Lowest non-empty level.
    #[hot_path(8, name = "book.lowest_level")]
    fn lowest(self) -> Option<usize> {
        (self.0 != 0).then(|| self.0.trailing_zeros() as usize)
    }

    /// Highest non-empty level.
    #[hot_path(8, name = "book.highest_level")]
    fn highest(self) -> Option<usize> {
        (self.0 != 0).then(|| 63 - self.0.leading_zeros() as usize)
    }
}

/// Price to level index: one subtraction and a range check.
#[hot_path(8, name = "book.level_of")]
fn level_of(price: u32) -> Option<usize> {
    let level = price.checked_sub(BASE_PRICE)? as usize;
    (level < LEVELS).then_some(level)
}

/// Whether a buy at `bid` crosses a sell at `ask`: one comparison.
#[hot_path(8, name = "book.crosses")]
fn crosses(bid: usize, ask: usize) -> bool {
    bid >= ask
}

/// Mixes an order id into a shard number (a multiply and a shift).
#[hot_path(8, name = "book.shard_of")]
fn shard_of(id: u64) -> u64 {
    id.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60
}

/// The path that breaks its budget on purpose.
const DELIBERATE: &str = "book.checksum";

/// A deliberate violation: a checksum over every level, far more than 8 ticks.
#[hot_path(8, name = "book.checksum")]
fn checksum(levels: &[VecDeque<Order>; LEVELS]) -> u64 {
    let mut sum = 0_u64;
    for (i, level) in levels.iter().enumerate() {
        for order in level {
            sum = sum.wrapping_add(order.id.rotate_left(i as u32) ^ u64::from(order.qty));
        }
    }
    sum
}

struct Book {
    bids: [VecDeque<Order>; LEVELS],
    asks: [VecDeque<Order>; LEVELS],
    bid_levels: LevelSet,
    ask_levels: LevelSet,
    traded: u64,
}

impl Book {
    fn new() -> Self {
        Book {
            bids: std::array::from_fn(|_| VecDeque::with_capacity(64)),
            asks: std::array::from_fn(|_| VecDeque::with_capacity(64)),
            bid_levels: LevelSet::default(),
            ask_levels: LevelSet::default(),
            traded: 0,
        }
    }

    /// Matches an order against the other side, then rests what is left.
    #[warm_path("5us", name = "book.submit")]
    fn submit(&mut self, mut order: Order) -> u32 {
        let Some(level) = level_of(order.price) else {
            return 0;
        };
        let mut filled = 0;
        while order.qty > 0 {
            let best = match order.side {
                Side::Buy => self.ask_levels.lowest().filter(|&a| crosses(level, a)),
                Side::Sell => self.bid_levels.highest().filter(|&b| crosses(b, level)),
            };
            let Some(best) = best else { break };
            let (queue, levels) = match order.side {
                Side::Buy => (&mut self.asks[best], &mut self.ask_levels),
                Side::Sell => (&mut self.bids[best], &mut self.bid_levels),
            };
            let resting = queue.front_mut().expect("a level in the set has orders");
            let qty = resting.qty.min(order.qty);
            resting.qty -= qty;
            order.qty -= qty;
            filled += qty;
            if resting.qty == 0 {
                queue.pop_front();
                if queue.is_empty() {
                    levels.remove(best);
                }
            }
        }
        if order.qty > 0 {
            let (queue, levels) = match order.side {
                Side::Buy => (&mut self.bids[level], &mut self.bid_levels),
                Side::Sell => (&mut self.asks[level], &mut self.ask_levels),
            };
            queue.push_back(order);
            levels.insert(level);
        }
        self.traded += u64::from(filled);
        filled
    }

    /// Cancels the oldest order at a level.
    #[warm_path("2us", name = "book.cancel_oldest")]
    fn cancel_oldest(&mut self, side: Side, price: u32) -> Option<Order> {
        let level = level_of(price)?;
        let (queue, levels) = match side {
            Side::Buy => (&mut self.bids[level], &mut self.bid_levels),
            Side::Sell => (&mut self.asks[level], &mut self.ask_levels),
        };
        let order = queue.pop_front();
        if queue.is_empty() {
            levels.remove(level);
        }
        order
    }
}

/// A deterministic stream of orders around a drifting mid price.
fn orders(n: u64) -> impl Iterator<Item = Order> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..n).map(move |id| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let side = if state & 1 == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let offset = ((state >> 8) % 24) as u32;
        let mid = BASE_PRICE + 32;
        let price = match side {
            Side::Buy => mid + 4 - offset,
            Side::Sell => mid - 4 + offset,
        };
        // A typestate builder: leaving out a field, or setting one twice, does not compile.
        Order::builder()
            .id(id)
            .side(side)
            .price(price)
            .qty(1 + ((state >> 20) % 50) as u32)
            .build()
    })
}

/// Where the lockchain and the picture go: `--out-dir DIR`, else
/// `$KNHK_QUICKSTART_DIR`, else the temporary directory.
fn out_dir() -> Result<PathBuf, String> {
    let mut args = std::env::args_os().skip(1);
    let mut dir = None;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--out-dir") => {
                dir = Some(PathBuf::from(args.next().ok_or(
                    "--out-dir needs a directory; usage: quickstart [--out-dir DIR]",
                )?));
            }
            Some("-h" | "--help") => {
                return Err(
                    "usage: quickstart [--out-dir DIR]   (or set KNHK_QUICKSTART_DIR)".into(),
                );
            }
            _ => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: quickstart [--out-dir DIR]"
                ));
            }
        }
    }
    Ok(dir
        .or_else(|| std::env::var_os("KNHK_QUICKSTART_DIR").map(PathBuf::from))
        .unwrap_or_else(std::env::temp_dir))
}

fn main() -> ExitCode {
    let dir = match out_dir() {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Print the over-budget events the runtime emits (target `knhk::performance`), and
    // check everything emitted, at every level, against the registries.
    let check = RegistryCheckLayer::new([knhk_runtime::semconv::registry(), semconv::registry()]);
    // Built with feature `otel` and run with OTEL_EXPORTER_OTLP_ENDPOINT set, the same
    // telemetry and the hot paths' statistics go to that collector too.
    let export = match export::start() {
        Ok(export) => export,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_target(true)
                .with_writer(std::io::stderr)
                .with_filter(LevelFilter::INFO),
        )
        .with(check.clone())
        .with(export::layer(&export))
        .init();

    let calibration = knhk_runtime::tick::calibrate();
    let measuring = cfg!(debug_assertions) || cfg!(feature = "measure");
    println!("knhk quickstart: a limit order book with tick budgets");
    println!("{calibration}");
    if !measuring {
        println!(
            "measuring is off in this build: run with `--features measure`, or without `--release`"
        );
    }

    let mut book = Book::new();
    let mut filled = 0_u64;
    let mut shards = [0_u64; 16];
    for order in orders(300_000) {
        shards[shard_of(order.id) as usize] += 1;
        // A debug span per submission, which the registry check sees.
        filled += u64::from(order.instrument_call("submit", || book.submit(order)));
        if order.id % 7 == 0 {
            black_box(book.cancel_oldest(order.side, order.price));
        }
    }
    // The deliberate violation: a whole-book checksum on a hot path.
    let sum = checksum(black_box(&book.bids)) ^ checksum(black_box(&book.asks));
    println!(
        "300000 orders, {filled} lots filled, {} traded, checksum {sum:#x}, shard spread {:?}",
        book.traded,
        &shards[..4]
    );
    println!();

    // Each hot path's own code, amortized with its probe suspended: the figure a budget
    // finer than one call's reading is judged by. 31 samples of 10 000 calls, each short
    // enough that a preemption rarely lands in it.
    const ITERS: u64 = 10_000;
    let levels = book.ask_levels;
    for m in [
        measure_path("book.lowest_level", ITERS, || black_box(levels).lowest()),
        measure_path("book.highest_level", ITERS, || black_box(levels).highest()),
        measure_path("book.level_of", ITERS, || level_of(black_box(10_030))),
        measure_path("book.crosses", ITERS, || {
            crosses(black_box(33), black_box(32))
        }),
        measure_path("book.shard_of", ITERS, || shard_of(black_box(12_345))),
    ] {
        println!("{m}");
    }
    println!();

    let report = knhk_runtime::report();
    println!("{report}");

    // The median: a single call of a few ticks is mostly counter jitter above it.
    let policy = Policy::at_percentile(50.0);
    let verdicts = report.check(&policy);
    println!("{verdicts}");

    let (passed, said) = gate(&verdicts, measuring);
    print!("{said}");
    println!();

    if let Err(error) = seal(&report, &dir) {
        eprintln!("could not seal the report in {}: {error}", dir.display());
        return ExitCode::from(3);
    }
    match draw(&report, &policy, &dir) {
        Ok(path) => println!(
            "report drawn in {} (histograms, budgets and verdicts at p50; open it in a browser)",
            path.display()
        ),
        Err(error) => {
            eprintln!(
                "could not write the report's picture in {}: {error}",
                dir.display()
            );
            return ExitCode::from(3);
        }
    }

    // Violations are listed; improvements (attributes still in development) and
    // information are counted.
    let telemetry = check.report();
    println!();
    println!("{telemetry}");
    for finding in telemetry
        .findings
        .iter()
        .filter(|f| f.level == FindingLevel::Violation)
    {
        println!(
            "  {} [{}] {}: {}",
            finding.level.as_str(),
            finding.id.as_str(),
            finding.signal_name,
            finding.message
        );
    }
    if !telemetry.coverage.unseen.is_empty() {
        println!(
            "  not emitted in this run: {}",
            telemetry.coverage.unseen.join(", ")
        );
    }
    // Spans and events still batched, and the metrics as they stand now, reach the
    // collector before the process ends. A collector that cannot be reached is said,
    // but does not change what the gate decided.
    if let Some(said) = export::finish(export) {
        println!("{said}");
    }
    if passed && telemetry.violations() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the gate says of `verdicts`, and whether the run passes: it does when the gate
/// fails on the deliberate violation alone, with every other path decided (or when
/// nothing was measured, so there is nothing to judge).
fn gate(verdicts: &BudgetVerdicts, measuring: bool) -> (bool, String) {
    use std::fmt::Write;
    let mut said = String::new();
    let failures: Vec<_> = verdicts.failures().collect();
    let caught = failures.iter().any(|p| p.name == DELIBERATE);
    let others: Vec<_> = failures.iter().filter(|p| p.name != DELIBERATE).collect();
    let undecided: Vec<_> = verdicts
        .paths
        .iter()
        .filter(|p| p.method == Method::Undecided)
        .collect();
    let paths = verdicts
        .paths
        .iter()
        .filter(|p| p.kind == PathKind::Hot)
        .count();
    let passed = if !measuring {
        said.push_str("the gate has nothing to judge: no path measured in this build\n");
        true
    } else if !others.is_empty() {
        said.push_str("the gate FAILS on paths that should meet their budgets:\n");
        for p in &others {
            let _ = writeln!(said, "  {} ({}): {}", p.name, p.location, p.verdict);
        }
        false
    } else if !undecided.is_empty() {
        said.push_str("the gate cannot judge every path; undecided:\n");
        for p in &undecided {
            let _ = writeln!(said, "  {} ({}): {}", p.name, p.location, p.verdict);
        }
        false
    } else if !caught {
        let _ = writeln!(
            said,
            "the gate missed the deliberate violation {DELIBERATE}"
        );
        false
    } else {
        let error = verdicts
            .clone()
            .into_result()
            .expect_err("a failure was found");
        let _ = writeln!(
            said,
            "a CI gate on these verdicts fails, as it should: {error}"
        );
        let _ = writeln!(
            said,
            "only the deliberate violation {DELIBERATE} failed; every other path, {} of them hot, has a verdict that could have failed",
            paths.saturating_sub(1)
        );
        true
    };
    (passed, said)
}

/// Writes the report's picture beside the lockchain, replacing the last run's.
fn draw(
    report: &knhk_runtime::Report,
    policy: &Policy,
    dir: &std::path::Path,
) -> std::io::Result<PathBuf> {
    let path = dir.join("knhk-quickstart-report.svg");
    std::fs::write(&path, report.to_svg_with(policy))?;
    Ok(path)
}

/// Appends the report to a lockchain in `dir` (one entry per run), then checks it as
/// an auditor would: read-only, against the receipt and a root.
fn seal(
    report: &knhk_runtime::Report,
    dir: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("knhk-quickstart.lockchain");
    let mut chain = if path.exists() {
        Lockchain::open(&path)?
    } else {
        Lockchain::create(&path)?
    };
    let receipt = report.seal(&mut chain)?;
    drop(chain);

    let auditor = LockchainReader::open(&path)?;
    let head = auditor.verify_against(&receipt)?;
    let (root, size) = (auditor.root(), auditor.len());
    let alg = auditor.hash_algorithm();
    let entry = auditor
        .get(receipt.seq)
        .ok_or("the sealed entry is missing")?;
    let proof = auditor.inclusion_proof(receipt.seq)?;
    verify_inclusion(
        alg,
        &root,
        size,
        receipt.seq,
        &alg.leaf_hash(entry.canonical_bytes()),
        &proof,
    )?;
    println!(
        "report sealed as entry {} of {} ({}, {} bytes), hash {}",
        receipt.seq,
        head.len,
        path.display(),
        entry.payload().len(),
        receipt.hash,
    );
    println!(
        "chain verified; {alg} Merkle root at size {size}: {}; inclusion proof of {} hashes checked",
        root,
        proof.hashes.len(),
    );
    println!(
        "inspect it: cargo run -p knhk-examples --bin lockchain -- show {} --from {}",
        path.display(),
        receipt.seq
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use knhk_runtime::{Budget, PathVerdict, Verdict};

    fn verdict(name: &str, verdict: Verdict) -> PathVerdict {
        PathVerdict {
            name: name.into(),
            location: "examples/quickstart/main.rs:1".into(),
            kind: PathKind::Hot,
            budget: Budget::Ticks(8),
            method: verdict.method(),
            verdict,
            alloc_violations: 0,
            duplicate_name: false,
            generic: false,
        }
    }

    fn exceeded() -> Verdict {
        Verdict::Exceeded {
            observed_ticks: 400_000,
            budget_ticks: 8,
            margin_ticks: 26,
            over_budget_calls: 2,
            calls: 2,
        }
    }

    fn met_amortized() -> Verdict {
        Verdict::MetAmortized {
            ticks_per_call: 1.5,
            budget_ticks: 8,
            iters: 1_000_000,
        }
    }

    fn verdicts(paths: Vec<PathVerdict>) -> BudgetVerdicts {
        BudgetVerdicts {
            policy: Policy::at_percentile(50.0),
            paths,
        }
    }

    #[test]
    fn the_deliberate_violation_alone_passes() {
        let (passed, said) = gate(
            &verdicts(vec![
                verdict(DELIBERATE, exceeded()),
                verdict("book.level_of", met_amortized()),
            ]),
            true,
        );
        assert!(passed, "{said}");
        assert!(said.contains("fails, as it should") && said.contains(DELIBERATE));
    }

    #[test]
    fn any_other_failure_fails_the_run() {
        for other in [
            exceeded(),
            Verdict::ExceededAmortized {
                ticks_per_call: 9.5,
                budget_ticks: 8,
                iters: 1_000_000,
            },
        ] {
            let (passed, said) = gate(
                &verdicts(vec![
                    verdict(DELIBERATE, exceeded()),
                    verdict("book.level_of", other),
                ]),
                true,
            );
            assert!(!passed, "{said}");
            assert!(
                said.contains("FAILS") && said.contains("book.level_of"),
                "{said}"
            );
        }
        // Allocating where it must not is a failure too.
        let mut allocating = verdict("book.level_of", met_amortized());
        allocating.alloc_violations = 3;
        assert!(
            !gate(
                &verdicts(vec![verdict(DELIBERATE, exceeded()), allocating]),
                true
            )
            .0
        );
    }

    #[test]
    fn an_undecided_path_or_a_missed_violation_fails_the_run() {
        let undecided = Verdict::NotMeasurablePerCall {
            observed_ticks: 4,
            budget_ticks: 8,
            resolution_ticks: 26,
            margin_ticks: 26,
        };
        let (passed, said) = gate(
            &verdicts(vec![
                verdict(DELIBERATE, exceeded()),
                verdict("book.crosses", undecided),
            ]),
            true,
        );
        assert!(!passed && said.contains("undecided"), "{said}");
        let (passed, said) = gate(&verdicts(vec![verdict(DELIBERATE, met_amortized())]), true);
        assert!(!passed && said.contains("missed"), "{said}");
    }

    #[test]
    fn nothing_measured_is_nothing_to_judge() {
        let (passed, said) = gate(&verdicts(Vec::new()), false);
        assert!(passed && said.contains("nothing to judge"), "{said}");
    }
}
