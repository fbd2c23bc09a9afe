//! knhk quickstart: a small limit order book with tick budgets on its innermost helpers.
//!
//! Run with measuring on in an optimised build (the README's main command):
//!
//! ```text
//! cargo run --release -p knhk-examples --features measure --bin quickstart
//! ```
//!
//! The book keeps 64 price levels for each side, a bitmap of the non-empty ones and
//! a FIFO of resting orders per level. The helpers that find the best level, map a
//! price to a level and mix an order id are `#[hot_path]`s; submitting and cancelling
//! are `#[warm_path]`s. After a few hundred thousand orders the program prints the
//! budget report, the verdicts, what `measure()` says of the paths too small to time
//! per call, and one deliberate violation. Orders are made with a typestate builder
//! (`#[derive(Builder)]`), and the report is sealed into a lockchain in the temporary
//! directory, one entry per run, then verified read-only with an inclusion proof.

use knhk_runtime::lockchain::digest::to_hex;
use knhk_runtime::lockchain::{Lockchain, merkle::verify_inclusion};
use knhk_runtime::{Builder, Policy, Verdict, hot_path, measure, warm_path};
use std::collections::VecDeque;
use std::hint::black_box;

const LEVELS: usize = 64;
const BASE_PRICE: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Buy,
    Sell,
}

#[derive(Clone, Copy, Debug, Builder)]
struct Order {
    id: u64,
    side: Side,
    price: u32,
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

/// Whether a buy at `bid` crosses a sell at `ask`: one comparison, a one-tick budget.
#[hot_path(1, name = "book.crosses")]
fn crosses(bid: usize, ask: usize) -> bool {
    bid >= ask
}

/// Mixes an order id into a shard number (a multiply and a shift).
#[hot_path(8, name = "book.shard_of")]
fn shard_of(id: u64) -> u64 {
    id.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60
}

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

fn main() {
    // Print the over-budget events the runtime emits (target `knhk::performance`).
    tracing_subscriber::fmt()
        .with_target(true)
        .with_writer(std::io::stderr)
        .init();

    let calibration = knhk_runtime::init();
    let measuring = cfg!(debug_assertions) || cfg!(feature = "measure");
    println!("knhk quickstart: a limit order book with tick budgets");
    println!(
        "counter: {}, {:.3} ticks/ns, resolution {}, one measurement costs {} (min) / {} (median)",
        calibration.source,
        calibration.ticks_per_ns,
        calibration.resolution,
        calibration.overhead_min,
        calibration.overhead_median,
    );
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
        filled += u64::from(book.submit(order));
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

    let report = knhk_runtime::report();
    println!("{report}");

    // p99 of a call this small is set by the jitter of the fenced counter reads as
    // much as by the call; judge at p90 and let measure() speak for the rest.
    let verdicts = report.check(&Policy::at_percentile(90.0));
    println!("{verdicts}");

    // Amortized measurement of the bodies of the paths a single call cannot time
    // (their probe would be part of the figure if the paths themselves were called).
    let book_levels = &book.ask_levels;
    for path in &verdicts.paths {
        if !matches!(path.verdict, Verdict::NotMeasurablePerCall { .. }) {
            continue;
        }
        let m = match path.name.as_str() {
            "book.crosses" => measure(1_000_000, || black_box(33_usize) >= black_box(32)),
            "book.level_of" => measure(1_000_000, || {
                let level = black_box(10_030_u32)
                    .checked_sub(BASE_PRICE)
                    .map(|l| l as usize);
                level.filter(|&l| l < LEVELS)
            }),
            "book.shard_of" => measure(1_000_000, || {
                black_box(12_345_u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60
            }),
            "book.lowest_level" | "book.highest_level" => measure(1_000_000, || {
                let set = black_box(book_levels).0;
                (set != 0).then(|| set.trailing_zeros() as usize)
            }),
            _ => continue,
        };
        println!(
            "measure({}): {:.2} ticks ({:.2} ns) per call of its body, amortized over {} calls \
             (budget {}; black_box in the loop costs about a tick of this)",
            path.name, m.ticks_per_call, m.ns_per_call, m.iters, path.budget
        );
    }
    println!();

    match verdicts.into_result() {
        Ok(()) => println!("every budget met"),
        Err(error) => println!("a CI gate on these verdicts would fail:\n{error}"),
    }
    println!();

    if let Err(error) = seal(&report) {
        eprintln!("could not seal the report: {error}");
        std::process::exit(1);
    }
}

/// Appends the report to a lockchain in the temporary directory (one entry per run),
/// then checks it as an auditor would: read-only, against the receipt and a root.
fn seal(report: &knhk_runtime::Report) -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join("knhk-quickstart.lockchain");
    let mut chain = if path.exists() {
        Lockchain::open(&path)?
    } else {
        Lockchain::create(&path)?
    };
    let receipt = report.seal(&mut chain)?;
    drop(chain);

    let auditor = Lockchain::open_read_only(&path)?;
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
        to_hex(&receipt.hash),
    );
    println!(
        "chain verified; {alg} Merkle root at size {size}: {}; inclusion proof of {} hashes checked",
        to_hex(&root),
        proof.hashes.len(),
    );
    println!(
        "inspect it: cargo run -p knhk-examples --bin lockchain -- show {} --from {}",
        path.display(),
        receipt.seq
    );
    Ok(())
}
