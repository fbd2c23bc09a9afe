//! knhk turns performance contracts into checked code.
//!
//! Put `#[hot_path(8)]` on a function and, whenever measuring is on, every call is
//! timed with the CPU's constant-rate counter, recorded into per-path statistics,
//! and judged against its budget; the path registers itself, so [`report()`] and
//! [`check_budgets()`] see it without any set-up. When measuring is off the attribute
//! expands to the function exactly as written.
//!
//! ```
//! use knhk_runtime::{hot_path, warm_path};
//!
//! /// Index of the lowest set bit: a single instruction, well inside 8 ticks.
//! #[hot_path(8)]
//! fn lowest_bit(mask: u64) -> u32 {
//!     mask.trailing_zeros()
//! }
//!
//! #[warm_path("50us")]
//! fn handle(masks: &[u64]) -> u32 {
//!     masks.iter().map(|&m| lowest_bit(m)).sum()
//! }
//!
//! assert_eq!(handle(&[1, 2, 4]), 3);
//! // In a build with debug assertions (as here) both paths were measured:
//! # #[cfg(debug_assertions)]
//! assert!(knhk_runtime::report().paths.iter().any(|p| p.name.ends_with("lowest_bit")));
//! ```
//!
//! # When measuring is on
//!
//! Each path is measured when the crate that *defines* it is compiled with debug
//! assertions, or when `knhk-runtime` is built with its feature `measure`; a path can
//! override both with `measure = "always"` or `measure = "never"`. The procedural
//! macro cannot see the runtime's features, so it emits both the measured and the
//! original item inside `__private::select!`, a `macro_rules!` macro that this crate
//! defines one way or the other depending on `measure`.
//!
//! # Ticks
//!
//! A tick is one count of the CPU's constant-rate counter (see [`tick`]). Every budget
//! gets a verdict that can fail, on any counter: a per-call reading over the budget by
//! more than the counter's resolution and jitter is proof, and a budget too fine to
//! time per call is judged by [`measure_path()`], which times the path's own code over
//! many calls with its probe suspended and attaches the figure to the path.

//! # Features
//!
//! - `macros` (default): re-exports the attributes and macros.
//! - `lockchain` (default): [`lockchain`], [`mmap_storage`] (Unix), [`mapped_file`] and
//!   `Report::seal`, with SHA-256, BLAKE3, memmap2, bytemuck and, on Unix, libc; turns
//!   on `json`.
//! - `json` (with `lockchain`): `Report::to_json` / `Report::from_json`.
//! - `measure`: measure every path in crates built without debug assertions too.
//! - `live-check`: `telemetry::RegistryCheckLayer`, which checks every span and event
//!   against the registries while the program runs (`tracing-subscriber`); turns on
//!   `json`.
//! - `otel`: `telemetry::otel`, the export of spans, events and the hot paths'
//!   statistics (as metrics) over OTLP/gRPC to an OpenTelemetry collector.
//! - `anyhow`: `error::ContextError::into_anyhow`, a failure's contexts as `anyhow`'s own.
//! - `test-counter`: `tick::test_counter`, a fake counter for knhk's own tests.

pub mod alloc;
pub mod arena;
pub mod breaker;
pub mod builder;
pub mod cpu;
pub mod error;
pub mod hash;
mod hot_path;
#[cfg(feature = "lockchain")]
pub mod lockchain;
#[cfg(feature = "lockchain")]
pub mod mapped_file;
#[cfg(all(feature = "lockchain", unix))]
pub mod mmap_storage;
pub mod semconv;
pub mod simd;
pub mod span;
pub(crate) mod sync;
pub mod telemetry;
#[cfg(test)]
mod test_events;
pub mod tick;

pub use hot_path::budget::{
    HASH_TICKS_PER_BYTE_X100, MAX_HOT_PATH_TICKS, TickBudget, WithinHotPathBudget,
    estimate_ticks_hash,
};
pub use hot_path::measure::{
    Attachment, Measurement, PathMeasurement, measure, measure_path, measure_with,
};
pub use hot_path::report::{PathReport, PathStats, REPORT_FORMAT, Report};
pub use hot_path::verdict::{BudgetError, BudgetVerdicts, Method, PathVerdict, Policy, Verdict};
pub use hot_path::{Budget, PathInfo, PathKind, check_budgets, paths, report, reset};

/// Measures a function against a tick budget of at most [`MAX_HOT_PATH_TICKS`].
///
/// `#[hot_path(8)]` or `#[hot_path(budget = 8, name = "book.best_bid", allow_alloc,
/// measure = "always" | "never", crate = path)]`. Works on free functions and methods
/// (generic or not, with `?` and early `return`), keeping the signature, attributes and
/// docs. The body may not call obviously allocating or printing constructs (`vec!`,
/// `format!`, `println!`, `Box::new`, `.to_string()`, `.collect()`, ...) unless
/// `allow_alloc` is given. The budget is 1 to [`MAX_HOT_PATH_TICKS`], as for
/// [`TickBudget`].
///
/// `crate = path` says where the generated code finds this crate, `::knhk_runtime`
/// otherwise: a crate that re-exports the attribute passes the path it keeps this
/// crate under, as in `#[hot_path(8, crate = ::my_facade::knhk)]`, so its users need
/// no dependency on knhk-runtime of their own. Every macro here takes it.
///
/// # Names
///
/// A path is named `module::function` unless `name = ".."` says otherwise. A method's
/// name does not include its type, so `Bids::get` and `Asks::get` in one module are
/// both `module::get`; put [`#[impl_paths]`](impl_paths) on the `impl` to name them
/// `module::Bids::get` and `module::Asks::get`. Paths with the same name are told
/// apart by their location in every table, and looked up with
/// [`Report::path_at`] or [`Report::paths_named`].
///
/// # Generic functions
///
/// A generic function (type or const parameters, or an `impl Trait` argument) has one
/// site for all its instantiations: the calls of `f::<u8>` and `f::<f64>` add up in
/// one path, which the report marks by writing `<..>` after its name. So does a method
/// of a generic `impl` marked `#[impl_paths]`; without it, the attribute cannot see the
/// impl's parameters, and the path is not marked. Give instantiations that must be
/// judged apart functions of their own.
///
/// ```
/// #[knhk_runtime::hot_path(8)]
/// fn mix(x: u64) -> u64 {
///     x.rotate_left(5) ^ 0x9e37_79b9_7f4a_7c15
/// }
/// assert_eq!(mix(0), 0x9e37_79b9_7f4a_7c15);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::hot_path;

/// On an `impl` block: every `#[hot_path]` / `#[warm_path]` method in it is named
/// after the impl's type, `module::Type::method` (`module::<Type as Trait>::method` in
/// a trait impl), so methods of the same name on two types are two names; a method of
/// a generic impl is marked as shared by every instantiation (`<..>` in the report).
/// A `name = ".."` given on a method still wins.
///
/// ```
/// use knhk_runtime::{hot_path, impl_paths};
///
/// struct Bids([u32; 4]);
/// struct Asks([u32; 4]);
///
/// #[impl_paths]
/// impl Bids {
///     #[hot_path(8, measure = "always")]
///     fn get(&self, i: usize) -> u32 { self.0[i & 3] }
/// }
///
/// #[impl_paths]
/// impl Asks {
///     #[hot_path(8, measure = "always")]
///     fn get(&self, i: usize) -> u32 { self.0[i & 3] }
/// }
///
/// assert_eq!(Bids([1; 4]).get(0) + Asks([2; 4]).get(0), 3);
/// let report = knhk_runtime::report();
/// let module = module_path!();
/// assert!(report.path(&format!("{module}::Bids::get")).is_some());
/// assert!(report.path(&format!("{module}::Asks::get")).is_some());
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::impl_paths;

/// Measures a function against a budget in ticks or as a duration, with no cap.
///
/// `#[warm_path(5000)]`, `#[warm_path("2us")]`, `#[warm_path(budget = "1.5ms", name =
/// "orders.submit", measure = "always" | "never", crate = path)]`. No allocation lint:
/// warm paths are the request handlers around hot paths. `crate = path` is as for
/// [`hot_path`](macro@hot_path).
///
/// ```
/// #[knhk_runtime::warm_path("20us")]
/// fn total(xs: &[u32]) -> u64 {
///     xs.iter().map(|&x| u64::from(x)).sum()
/// }
/// assert_eq!(total(&[1, 2, 3]), 6);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::warm_path;

/// A hash computed at compile time: `const_hash!(algorithm, input)`.
///
/// Algorithms: `fnv1a` (= `fnv1a_64`), `fnv1a_32`, `fnv1a_128`, `xxh3` (= `xxh3_64`),
/// `xxh3_128`. The input is any const `&str`, `&[u8]` or `&[u8; N]` expression. Usable in
/// `const`, `static` and const-generic arguments. A crate that re-exports the macro
/// names where it keeps this crate first, as for [`hot_path`](macro@hot_path), with a
/// comma: `const_hash!(crate = ::my_facade::knhk, fnv1a, "x")`.
///
/// ```
/// use knhk_runtime::const_hash;
///
/// const NAME: &str = "http.server.request";
/// const H: u64 = const_hash!(fnv1a, NAME);
/// static X: u128 = const_hash!(xxh3_128, b"bytes");
/// let h32: u32 = const_hash!(fnv1a_32, "a");
/// assert_eq!(H, knhk_runtime::hash::fnv1a_64(NAME.as_bytes()));
/// assert_eq!(h32, 0xe40c292c);
/// assert_eq!(X, knhk_runtime::hash::xxh3_128(b"bytes"));
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::const_hash;

/// A [`hash::HashProof`] that compiles only if the input hashes to the value given:
/// `hash_proof!(algorithm, input, expected)` for the 64-bit algorithms (`fnv1a`,
/// `fnv1a_32` widened to 64 bits, `xxh3`). `crate = path,` may come first, as in
/// [`const_hash!`]: `hash_proof!(crate = ::my_facade::knhk, fnv1a, "a", 0x..)`.
///
/// ```
/// let proof = knhk_runtime::hash_proof!(fnv1a, "a", 0xaf63dc4c8601ec8c);
/// assert_eq!(proof.value(), 0xaf63dc4c8601ec8c);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::hash_proof;

/// Compile-time perfect-hash maps: `static_map! { [pub] static NAME: StaticMap<K, V> = { key => value, .. }; }`.
///
/// Keys are literals of the declared key type: `&'static str` (string literals),
/// `&'static [u8]` (byte strings), any integer type, `char` or `bool`. Values are any
/// const expression. The macro hashes the keys and finds a table in which each has a
/// slot of its own, so a lookup hashes once and compares at most one key, found or
/// not; the tables are `&'static` data, with no allocation and no initialisation at run
/// time. Several items, `const` instead of `static`, attributes and docs are allowed. A
/// duplicate key, a key of the wrong type or a malformed entry is a compile error on
/// the offending token. See [`hash::StaticMap`] for the lookups.
///
/// A crate that re-exports the macro says where it keeps this crate, as for
/// [`hot_path`](macro@hot_path), in a first line ending in `;`, as the items do:
/// `static_map! { crate = ::my_facade::knhk; static NAME: StaticMap<K, V> = { .. }; }`.
///
/// ```
/// use knhk_runtime::hash::StaticMap;
/// use knhk_runtime::static_map;
///
/// #[derive(Debug, PartialEq)]
/// pub enum AttributeType { String, Int }
///
/// static_map! {
///     /// The attributes a span may carry, by name.
///     pub static SPAN_ATTRIBUTES: StaticMap<&'static str, AttributeType> = {
///         "http.method" => AttributeType::String,
///         "http.status_code" => AttributeType::Int,
///     };
///     static STATUS_TEXT: StaticMap<u16, &'static str> = { 200 => "OK", 404 => "Not Found" };
/// }
///
/// fn attribute_type(name: &str) -> Option<&'static AttributeType> {
///     SPAN_ATTRIBUTES.get(name)
/// }
///
/// assert_eq!(attribute_type("http.method"), Some(&AttributeType::String));
/// assert_eq!(attribute_type("http.url"), None);
/// assert_eq!(STATUS_TEXT.get(&404), Some(&"Not Found"));
/// assert_eq!(SPAN_ATTRIBUTES.len(), 2);
/// let _: &StaticMap<u16, &str> = &STATUS_TEXT;
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::static_map;

/// `static_map!` under its earlier name, `const_hash_map!`, with the same input (`crate = path;` included).
///
/// ```
/// knhk_runtime::const_hash_map! { static M: StaticMap<&'static str, u8> = { "a" => 1 }; }
/// assert_eq!(M.get("a"), Some(&1));
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::const_hash_map;

/// Compile-time perfect-hash sets: `static_set! { [pub] static NAME: StaticSet<K> = { key, .. }; }`.
///
/// The keys, the guarantees and the leading `crate = path;` are those of
/// [`static_map!`]; see [`hash::StaticSet`].
///
/// ```
/// knhk_runtime::static_set! {
///     pub static METHODS: StaticSet<&'static str> = { "GET", "POST" };
/// }
/// assert!(METHODS.contains("GET"));
/// assert!(!METHODS.contains("DELETE"));
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::static_set;

/// Seals a trait: only the crate that defines it can implement it.
///
/// `#[sealed]` on a trait adds a supertrait that lives in a generated `pub(crate)`
/// module beside the trait, so no other crate can name it, implement it, or therefore
/// implement the trait; an attempt is a compile error saying the trait is sealed and by
/// which crate. Inside the crate, implement it with `#[sealed]` on the impl, which adds
/// the supertrait's impl. Outside the trait's module, name the trait by a path
/// (`#[sealed] impl crate::shapes::Shape for Circle`), not through a `use`: the seal is
/// found beside the trait by that path. The attribute takes no arguments.
///
/// ```
/// mod shapes {
///     use knhk_runtime::sealed;
///
///     /// Something with an area.
///     #[sealed]
///     pub trait Shape {
///         /// The area.
///         fn area(&self) -> f64;
///     }
///
///     pub struct Square(pub f64);
///
///     #[sealed]
///     impl Shape for Square {
///         fn area(&self) -> f64 {
///             self.0 * self.0
///         }
///     }
/// }
///
/// struct Circle(f64);
///
/// #[knhk_runtime::sealed]
/// impl shapes::Shape for Circle {
///     fn area(&self) -> f64 {
///         std::f64::consts::PI * self.0 * self.0
///     }
/// }
///
/// use shapes::Shape;
/// assert_eq!(shapes::Square(2.0).area(), 4.0);
/// assert!(Circle(1.0).area() > 3.14);
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::sealed;

/// A typestate builder: `Type::builder()`, one setter per field, and `build()`, which
/// compiles only once every required field is set.
///
/// On a struct with named fields. A field is required unless it is an `Option<T>`
/// (`None` when not set; setters `x(T)` and `maybe_x(Option<T>)`) or has
/// `#[builder(default)]` / `#[builder(default = expr)]` (the expression is evaluated
/// only when the field is not set). Setters go in any order, and each field is set at
/// most once: a second call does not compile. Options on a field: `default`,
/// `default = expr`, `into` (the setter takes `impl Into<T>`). On the struct: `into`
/// (for every field), `start_fn = name` (instead of `builder`), `finish_fn = name`
/// (instead of `build`), `crate = path` (where a crate that re-exports this derive
/// keeps knhk-runtime, as for [`hot_path`](macro@hot_path)). Generic structs
/// (lifetimes, types, consts, `where` clauses) and raw identifiers work; field docs
/// become the setters' docs; the builder has the struct's visibility and is
/// `#[must_use]`.
///
/// The builder of `Server` is `ServerBuilder<..>`, with one type parameter per field
/// holding its state, [`builder::Unset`] (no space) or [`builder::Set<T>`] (the value):
/// required fields are held by value, so `build()` is a struct literal. Mistakes read
/// as sentences: a missing field is ``error[E0277]: missing required field `port` `` on
/// `.build()`, a repeated setter ``error[E0277]: field `port` is already set``.
///
/// ```
/// use knhk_runtime::Builder;
/// use knhk_runtime::builder::{Set, Unset};
///
/// #[derive(Builder)]
/// pub struct Server {
///     /// The port to listen on.
///     port: u16,
///     #[builder(into)]
///     host: String,
///     #[builder(default = 4)]
///     threads: usize,
///     /// A name for the logs.
///     name: Option<String>,
/// }
///
/// // A partly built builder, named by the states of `port`, `host`, `threads`, `name`:
/// fn with_port(builder: ServerBuilder<Unset, Set<String>>) -> ServerBuilder<Set<u16>, Set<String>> {
///     builder.port(8080)
/// }
///
/// let server = with_port(Server::builder().host("localhost")).build();
/// assert_eq!((server.port, server.host.as_str(), server.threads), (8080, "localhost", 4));
/// assert_eq!(server.name, None);
/// ```
///
/// Leaving out `port` (`Server::builder().host("h").build()`) does not compile:
///
/// ```compile_fail,E0277
/// #[derive(knhk_runtime::Builder)]
/// struct Server { port: u16, host: String }
/// let server = Server::builder().host("localhost".into()).build(); // missing required field `port`
/// ```
#[cfg(feature = "macros")]
#[doc(inline)]
pub use knhk_macros::Builder;

/// Generates, in the module it is invoked in, the constants and typed keys of a Weaver
/// registry, as [`semconv`](mod@crate::semconv) holds the runtime's own:
/// `knhk_runtime::semconv!("registry")`, the registry's directory relative to the
/// crate's `Cargo.toml`.
///
/// The registry (`manifest.yaml` and the `*.yaml` below it, v1 `groups:` or
/// `file_format: definition/2`, with the dependencies the manifest names) is loaded
/// once per compiler process and checked; each broken rule is a compile error naming
/// its file, line and rule id. The files are embedded with `include_bytes!`, so editing
/// them rebuilds the crate. A dependency whose `registry_path` is a URL is found
/// through `KNHK_REGISTRY_DEPENDENCIES` (`schema_url=directory` pairs separated by
/// `;`), since a build does not download. `crate = path,` first names the runtime
/// under another path.
#[cfg(feature = "macros")]
pub use knhk_macros::semconv;

/// A `tracing` event checked against the crate's Weaver registry at compile time:
/// `event!(LEVEL, "registry.event.name", attribute.name = value, ..., "message")`.
///
/// The event must be declared in the registry (`registry/` beside the crate's
/// `Cargo.toml`, or `registry = "dir",` first), every attribute given must be declared
/// on it, every required one must be given, and each value must be of the attribute's
/// type ([`semconv::Value`](crate::semconv::Value); `%value` and `?value` record text,
/// for string attributes). Each mistake is a compile error on the offending token, with
/// a did-you-mean. The expansion is the `tracing::event!` one would write by hand.
/// Options, first: `crate = path,`, `registry = "dir",`, `target = "target",`.
///
/// ```ignore
/// knhk_runtime::event!(WARN, "shop.order.rejected", shop.order.id = %id, shop.order.lines = 3);
/// ```
#[cfg(feature = "macros")]
pub use knhk_macros::event;

/// A `tracing` span checked against the crate's Weaver registry at compile time, as
/// [`event!`] is: `span!(LEVEL, "registry.span.name", attribute.name = value, ...)`;
/// `attribute = _` declares an attribute recorded later (`Span::record`), which a
/// required attribute may not be.
#[cfg(feature = "macros")]
pub use knhk_macros::span;

/// A `tracing` span per struct, whose recorded fields are attributes of a Weaver
/// registry checked at compile time: `span(&self, operation)` and
/// `instrument_call(&self, operation, f)`.
///
/// The span's name is the struct's (or, with `#[instrument(span = "span.x.y")]`, that
/// registry span group's); `operation` is recorded as `otel.name`, the span kind as
/// `otel.kind`, the struct's name as `knhk.instrument.type`. A field is recorded only
/// when it says so, `#[instrument(attr = "server.port")]`; every other field is left
/// out (`#[instrument(skip)]` says so explicitly). Each attribute must be in the
/// crate's `registry/` (or `registry = ".."`), merged with knhk's, and the field's type
/// must carry the attribute's type (`semconv::Value<T>`).
///
/// Options on the struct: `level = "debug"` (`info` unless given), `target = ".."`,
/// `span = "<span group id>"` (its attributes only, every required one recorded, its
/// `span_kind`), `registry = ".."`, `crate = path`.
///
/// ```
/// use knhk_runtime::Instrument;
///
/// #[derive(Instrument)]
/// #[instrument(level = "debug")]
/// struct Reader<'a> {
///     #[instrument(attr = "file.path")]
///     path: &'a str,
///     #[instrument(attr = "lockchain.entries")]
///     entries: u64,
///     #[instrument(skip)]
///     key: [u8; 32],
/// }
///
/// let reader = Reader { path: "/var/lib/app/receipts.chain", entries: 3, key: [0; 32] };
/// assert_eq!(reader.instrument_call("read", || 2 + 2), 4);
/// ```
///
/// A field whose type cannot carry its attribute's does not compile:
///
/// ```compile_fail,E0277
/// #[derive(knhk_runtime::Instrument)]
/// struct Reader {
///     #[instrument(attr = "lockchain.entries")]
///     entries: String, // `lockchain.entries` is an `int`
/// }
/// ```
#[cfg(feature = "macros")]
pub use knhk_macros::Instrument;

#[cfg(feature = "macros")]
knhk_macros::__instrument_forwarder!("registry");

/// Block forms of the path attributes, for code that is not a function of its own.
///
/// A crate cannot export an attribute and a function-like macro under one name, so the
/// block form of `#[hot_path]` is `block::hot_path!`:
///
/// ```
/// use knhk_runtime::block;
///
/// let x = 41_u64;
/// let y = block::hot_path! { budget = 8, name = "doc.increment", x + 1 };
/// assert_eq!(y, 42);
/// ```
///
/// The arguments are those of the attribute, `crate = path` included, each followed by
/// a comma: `block::hot_path! { crate = ::my_facade::knhk, budget = 8, x + 1 }`.
#[cfg(feature = "macros")]
pub mod block {
    /// `block::hot_path! { budget = 8, name = "..", [crate = path,] <statements> }`:
    /// `#[hot_path]` for a block.
    #[doc(inline)]
    pub use knhk_macros::hot_path_block as hot_path;
    /// `block::warm_path! { budget = "2us", name = "..", [crate = path,] <statements> }`:
    /// `#[warm_path]` for a block.
    #[doc(inline)]
    pub use knhk_macros::warm_path_block as warm_path;
}

/// Whether this build of knhk-runtime has feature `measure`, which measures every path
/// without a `measure` argument, whatever the debug assertions of its crate.
pub const MEASURE_FEATURE: bool = cfg!(feature = "measure");

/// What generated code calls. Not public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::hash::{StaticMap, StaticSet};
    pub use crate::hot_path::budget::__OVER_MAX_HOT_PATH_TICKS;
    pub use crate::hot_path::site::{Probe, Registration, Site, SiteMeta};
    pub use crate::hot_path::{Budget, PathKind};
    pub use inventory;
    pub use knhk_macros::__instrument_checked as instrument_checked;
    pub use tracing;

    /// What `event!` and `span!` record for each attribute: `value` as an attribute
    /// whose values are `T` (checked at compile time; an inlined copy or borrow).
    ///
    /// The result is opaque so the bound is checked once, at the argument: a value of the
    /// wrong type is one error on that value, not a second one over the whole macro.
    #[inline(always)]
    pub fn attribute_value<'a, T: ?Sized + 'a, V: crate::semconv::Value<T> + ?Sized>(
        value: &'a V,
    ) -> impl tracing::Value + 'a {
        value.recorded()
    }

    /// The bytes of a `const_hash!` input: a `&str`, `&[u8]` or `&[u8; N]`.
    #[derive(Debug)]
    pub struct Bytes<T>(T);

    /// The types `const_hash!` hashes.
    #[diagnostic::on_unimplemented(
        message = "`const_hash!` hashes a `&str`, `&[u8]` or `&[u8; N]`, not `{Self}`",
        label = "not a string or byte slice"
    )]
    pub trait HashInput {}
    impl HashInput for &str {}
    impl HashInput for &[u8] {}
    impl<const N: usize> HashInput for &[u8; N] {}

    impl<T: HashInput> Bytes<T> {
        /// Wraps a hash input.
        pub const fn new(input: T) -> Self {
            Bytes(input)
        }
    }
    impl<'a> Bytes<&'a str> {
        /// The UTF-8 bytes.
        pub const fn get(self) -> &'a [u8] {
            self.0.as_bytes()
        }
    }
    impl<'a> Bytes<&'a [u8]> {
        /// The bytes.
        pub const fn get(self) -> &'a [u8] {
            self.0
        }
    }
    impl<'a, const N: usize> Bytes<&'a [u8; N]> {
        /// The bytes.
        pub const fn get(self) -> &'a [u8] {
            self.0
        }
    }

    /// Chooses between the measured and the original code. This definition: the
    /// runtime was built with feature `measure`, so always the measured one.
    #[cfg(feature = "measure")]
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __knhk_select {
        (item { $($measured:tt)* } { $($original:tt)* }) => { $($measured)* };
        (expr { $measured:expr } { $original:expr }) => { $measured };
    }

    /// Chooses between the measured and the original code. This definition: without
    /// feature `measure`, by the debug assertions of the crate the code lands in.
    #[cfg(not(feature = "measure"))]
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __knhk_select {
        (item { $($measured:tt)* } { $($original:tt)* }) => {
            #[cfg(debug_assertions)]
            $($measured)*
            #[cfg(not(debug_assertions))]
            $($original)*
        };
        (expr { $measured:expr } { $original:expr }) => {{
            #[cfg(debug_assertions)]
            let __knhk_value = $measured;
            #[cfg(not(debug_assertions))]
            let __knhk_value = $original;
            __knhk_value
        }};
    }

    pub use crate::__knhk_select as select;
}
