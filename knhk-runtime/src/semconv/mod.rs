//! The telemetry the runtime emits, generated at compile time from its Weaver registry
//! (`knhk-runtime/registry/`): one constant per attribute, named like OpenTelemetry's
//! generated constants (`PERFORMANCE_BUDGET_TICKS = "performance.budget_ticks"`), a
//! typed [`Key`] per attribute in [`keys`], the names of the events and spans in
//! [`events`] and [`spans`], each [`Metric`] with its instrument and unit in
//! [`metrics`], and an enum per enum attribute.
//!
//! The registry is checked as it is read (the rules of `weaver registry check
//! --future`); a broken rule is a compile error naming the file, the line and the rule.
//! A crate generates the same for its own registry with
//! [`semconv!`](crate::semconv!)`("registry")`.
//!
//! ```
//! use knhk_runtime::semconv::{self, keys};
//!
//! assert_eq!(semconv::PERFORMANCE_BUDGET_TICKS, "performance.budget_ticks");
//! let key: semconv::Key<i64> = keys::PERFORMANCE_BUDGET_TICKS;
//! assert_eq!(key.name(), semconv::PERFORMANCE_BUDGET_TICKS);
//! assert_eq!(semconv::events::KNHK_LOCKCHAIN_SYNCED, "knhk.lockchain.synced");
//! assert_eq!(semconv::ErrorType::Other.as_str(), "_OTHER");
//! assert_eq!(semconv::metrics::KNHK_PATH_DURATION.unit(), "{tick}");
//! assert_eq!(
//!     semconv::metrics::KNHK_LOCKCHAIN_SYNC_DURATION.instrument(),
//!     semconv::Instrument::Histogram
//! );
//! ```

use core::fmt;
use core::marker::PhantomData;

pub mod schema;
pub use schema::Registry;

/// An attribute's name with the type of its values: `Key<i64>` for an `int`
/// attribute, `Key<&'static str>` for a `string`, `Key<&'static [T]>` for an array,
/// the generated enum for an enum attribute. Recording through a key checks the value's
/// type at compile time.
pub struct Key<T: ?Sized> {
    name: &'static str,
    value: PhantomData<fn() -> PhantomData<T>>,
}

impl<T: ?Sized> Key<T> {
    /// The key named `name`; generated code makes these from the registry.
    #[doc(hidden)]
    pub const fn new(name: &'static str) -> Key<T> {
        Key {
            name,
            value: PhantomData,
        }
    }

    /// The attribute's name, as the registry declares it.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Records `value` as this attribute on `span`, whose `span!` left it `_` (a field
    /// a span did not declare is dropped by `tracing`); the value must be of the
    /// registry's type.
    ///
    /// ```
    /// use knhk_runtime::semconv::keys;
    ///
    /// let span = tracing::info_span!("verify", lockchain.entries = tracing::field::Empty);
    /// keys::LOCKCHAIN_ENTRIES.record(&span, 42_u32);
    /// ```
    #[inline]
    pub fn record<V: Value<T>>(&self, span: &tracing::Span, value: V) {
        span.record(self.name, value.recorded());
    }
}

impl<T: ?Sized> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Key<T> {}

impl<T: ?Sized> fmt::Debug for Key<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?}: {})", self.name, core::any::type_name::<T>())
    }
}

/// The Rust types that may be recorded as values of an attribute whose registry type
/// is `T` (the `T` of its [`Key<T>`]): `event!` and `span!` require it of every value,
/// and record what [`recorded`](Value::recorded) gives.
///
/// `int` attributes take the integer types, `double` the floats, `boolean` `bool`,
/// `string` attributes `str`, `String` and the like; an enum attribute takes what its
/// members' values are: integers for an enum of ints (`Key<i64>`), and for an enum of
/// strings its generated type or any string (the enum is open: values outside its
/// members are allowed). A type alias is its type; a newtype implements this trait to
/// be recorded as what it wraps.
///
/// Integers are recorded as `i64` and floats as `f64`, whatever their Rust type:
/// OpenTelemetry's integers are signed 64-bit, and `tracing-opentelemetry` records a
/// `u64` given to a span as text. An unsigned value above `i64::MAX` is recorded as
/// `i64::MAX`. A newtype does the same:
///
/// ```
/// use knhk_runtime::semconv::Value;
///
/// struct Ticks(u64);
///
/// impl Value<i64> for Ticks {
///     type Recorded<'a> = i64;
///     fn recorded(&self) -> i64 {
///         i64::try_from(self.0).unwrap_or(i64::MAX)
///     }
/// }
/// assert_eq!(Ticks(7).recorded(), 7);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of an attribute of type `{T}`",
    label = "the registry declares this attribute's values as `{T}`",
    note = "an `int` attribute or enum of ints takes integers, a `double` floats, a `boolean` `bool`, a `string` or enum of strings `&str`, `String` or the generated enum, an array a slice, `Vec` or array of those; a newtype can `impl Value<{T}>`"
)]
pub trait Value<T: ?Sized> {
    /// What `tracing` records.
    type Recorded<'a>: tracing::Value
    where
        Self: 'a;

    /// The value as `tracing` records it.
    fn recorded(&self) -> Self::Recorded<'_>;
}

// Widened to what OpenTelemetry holds: `i64`, `f64`.
macro_rules! widened {
    ($target:ident: $($t:ty),*) => {$(
        impl Value<$target> for $t {
            type Recorded<'a> = $target;
            #[inline(always)]
            fn recorded(&self) -> $target {
                $target::from(*self)
            }
        }
    )*};
}
widened!(i64: i8, i16, i32, i64, u8, u16, u32);
widened!(f64: f32, f64);
widened!(bool: bool);

// Saturated at `i64::MAX`.
macro_rules! saturated {
    ($($t:ty),*) => {$(
        impl Value<i64> for $t {
            type Recorded<'a> = i64;
            #[inline(always)]
            fn recorded(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
saturated!(u64, usize, isize);

macro_rules! text {
    ($($t:ty),*) => {$(
        impl Value<&'static str> for $t {
            type Recorded<'a> = &'a str where Self: 'a;
            #[inline(always)]
            fn recorded(&self) -> &str {
                self
            }
        }
    )*};
}
text!(str, String, std::borrow::Cow<'_, str>);

// A path is a string attribute's value (`file.path`), recorded as it displays (lossily
// where it is not UTF-8).
macro_rules! path {
    ($($t:ty),*) => {$(
        impl Value<&'static str> for $t {
            type Recorded<'a> = tracing::field::DisplayValue<std::path::Display<'a>>;
            #[inline(always)]
            fn recorded(&self) -> Self::Recorded<'_> {
                tracing::field::display(self.display())
            }
        }
    )*};
}
path!(std::path::Path, std::path::PathBuf);

// An array attribute: a slice, `Vec` or array of its element type, recorded through
// its `Debug` (`tracing` has no array values; an OpenTelemetry bridge sees the text).
impl<T: 'static, E: Value<T> + fmt::Debug> Value<&'static [T]> for [E] {
    type Recorded<'a>
        = tracing::field::DebugValue<&'a [E]>
    where
        Self: 'a;

    #[inline(always)]
    fn recorded(&self) -> Self::Recorded<'_> {
        tracing::field::debug(self)
    }
}

impl<T: 'static, E: Value<T> + fmt::Debug> Value<&'static [T]> for Vec<E> {
    type Recorded<'a>
        = tracing::field::DebugValue<&'a [E]>
    where
        Self: 'a;

    #[inline(always)]
    fn recorded(&self) -> Self::Recorded<'_> {
        tracing::field::debug(self.as_slice())
    }
}

impl<T: 'static, E: Value<T> + fmt::Debug, const N: usize> Value<&'static [T]> for [E; N] {
    type Recorded<'a>
        = tracing::field::DebugValue<&'a [E]>
    where
        Self: 'a;

    #[inline(always)]
    fn recorded(&self) -> Self::Recorded<'_> {
        tracing::field::debug(self.as_slice())
    }
}

impl<T: ?Sized, V: Value<T> + ?Sized> Value<T> for &V {
    type Recorded<'a>
        = V::Recorded<'a>
    where
        Self: 'a;

    #[inline(always)]
    fn recorded(&self) -> V::Recorded<'_> {
        (**self).recorded()
    }
}

/// A metric the registry declares: its name, instrument and unit (UCUM, as written in
/// the registry: `{tick}`, `By`, `ns`). Generated into `metrics`; an exporter names its
/// instruments from these, so a metric's name and unit have one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Metric {
    name: &'static str,
    instrument: Instrument,
    unit: &'static str,
}

impl Metric {
    /// The metric; generated code makes these from the registry.
    #[doc(hidden)]
    pub const fn new(name: &'static str, instrument: Instrument, unit: &'static str) -> Self {
        Self {
            name,
            instrument,
            unit,
        }
    }

    /// The metric's name (`metric_name`).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The kind of instrument that records it.
    pub const fn instrument(&self) -> Instrument {
        self.instrument
    }

    /// Its unit in UCUM: `By`, `ns`, or an annotation such as `{tick}`.
    pub const fn unit(&self) -> &'static str {
        self.unit
    }
}

/// The instrument a metric is recorded with, as OpenTelemetry names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Instrument {
    /// A monotonic sum.
    Counter,
    /// A sum that can go down.
    UpDownCounter,
    /// A value sampled when read.
    Gauge,
    /// A distribution in buckets.
    Histogram,
}

/// Target of the runtime's performance events.
pub const PERFORMANCE_TARGET: &str = "knhk::performance";

/// Target of the lockchain's events and spans.
pub const LOCKCHAIN_TARGET: &str = "knhk::lockchain";

/// Target of the arena's events.
pub const ARENA_TARGET: &str = "knhk::arena";

/// Target of the errors `ContextResult::trace_err` reports.
pub const ERROR_TARGET: &str = "knhk::error";

knhk_macros::semconv!(crate = crate, "registry");

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    /// Every value recorded on a span after it was created, as `name=Debug`.
    #[derive(Clone, Default)]
    struct Recorded(Arc<Mutex<Vec<String>>>);

    impl tracing::field::Visit for Recorded {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{}={value:?}", field.name()));
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorded {
        fn on_record(
            &self,
            _: &tracing::span::Id,
            values: &tracing::span::Record<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            values.record(&mut self.clone());
        }
    }

    #[test]
    fn the_registry_as_data_is_the_registry_resolved() {
        use schema::{AttributeType, EnumValue, Primitive, Requirement, SignalKind, Stability};
        let r = registry();
        assert_eq!(r.schema_url, "https://knhk.dev/schemas/0.1.0");
        // Sorted, so lookups can search.
        assert!(r.attributes.windows(2).all(|w| w[0].name < w[1].name));
        let entries = r.attribute("lockchain.entries").unwrap();
        assert_eq!(entries.ty, AttributeType::Primitive(Primitive::Int));
        assert_eq!(entries.stability, Some(Stability::Development));
        assert!(entries.own);
        // A dependency's attribute (otel/), resolved but not the registry's own.
        let error = r.attribute("error.type").unwrap();
        assert!(!error.own);
        assert_eq!(error.stability, Some(Stability::Stable));
        assert_eq!(error.ty, AttributeType::Enum(&[EnumValue::Str("_OTHER")]));
        assert!(r.attribute("lockchain.entrys").is_none());
        let synced = r
            .signal(SignalKind::Event, "knhk.lockchain.synced")
            .unwrap();
        let required: Vec<_> = synced
            .attributes
            .iter()
            .filter(|a| a.requirement == Requirement::Required)
            .map(|a| a.name)
            .collect();
        assert_eq!(
            required,
            [
                "file.path",
                "lockchain.entries",
                "lockchain.committed_bytes"
            ]
        );
        // A span's name is its group id without `span.`.
        assert!(
            r.signal(SignalKind::Span, "knhk.lockchain.verify")
                .is_some()
        );
        assert!(r.signal(SignalKind::Metric, "knhk.path.duration").is_some());
        assert!(
            r.signal(SignalKind::Event, "knhk.lockchain.verify")
                .is_none()
        );
    }

    #[test]
    fn a_key_records_its_attribute_as_the_registry_types_it() {
        let recorded = Recorded::default();
        let subscriber = tracing_subscriber::registry().with(recorded.clone());
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(
                "s",
                lockchain.entries = tracing::field::Empty,
                file.path = tracing::field::Empty,
                error.type = tracing::field::Empty,
            );
            keys::LOCKCHAIN_ENTRIES.record(&span, 7_u8);
            keys::FILE_PATH.record(&span, String::from("/a"));
            keys::ERROR_TYPE.record(&span, ErrorType::Other);
        });
        assert_eq!(
            *recorded.0.lock().unwrap(),
            [
                "lockchain.entries=7",
                "file.path=\"/a\"",
                "error.type=\"_OTHER\""
            ]
        );
    }

    #[test]
    fn a_string_enum_key_takes_any_string_its_enum_being_open() {
        let recorded = Recorded::default();
        let subscriber = tracing_subscriber::registry().with(recorded.clone());
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("s", error.type = tracing::field::Empty);
            let key: Key<ErrorType> = keys::ERROR_TYPE;
            key.record(&span, "hash mismatch");
            key.record(&span, String::from("timeout"));
            key.record(&span, std::borrow::Cow::Borrowed("refused"));
        });
        assert_eq!(
            *recorded.0.lock().unwrap(),
            [
                "error.type=\"hash mismatch\"",
                "error.type=\"timeout\"",
                "error.type=\"refused\""
            ]
        );
    }
}
