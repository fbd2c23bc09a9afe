//! The hot paths' statistics as OTLP metrics, read from a [`Report`] when they are
//! exported: nothing is recorded on a path for them.
//!
//! The OpenTelemetry SDK aggregates what its instruments record, one value at a time;
//! it has no way to take a histogram already counted elsewhere, and its data types
//! cannot be built outside it. Replaying every call into an SDK histogram at export
//! time would cost as much as the calls were many. So knhk builds the OTLP messages
//! itself, cumulative like the runtime's counters, with the exact bucket counts, sum,
//! minimum and maximum, and sends them on the OTLP metrics service.

use crate::hot_path::histogram;
use crate::semconv::{self, Metric};
use crate::{PathReport, Report};
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    self as proto, AggregationTemporality, HistogramDataPoint, NumberDataPoint, ResourceMetrics,
    ScopeMetrics, Sum, metric::Data, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use std::time::{SystemTime, UNIX_EPOCH};

/// The instrumentation scope knhk's metrics are reported under.
pub const SCOPE_NAME: &str = "knhk-runtime";

/// The upper bounds, in ticks, of the histogram buckets of
/// [`KNHK_PATH_DURATION`](crate::semconv::metrics::KNHK_PATH_DURATION): the runtime's
/// own buckets (one per value up to 7, then four per power of two), each bound the
/// largest whole number of ticks in its bucket. An OTLP bucket holds the values above
/// the previous bound up to its own, so each holds exactly the ticks of one of the
/// runtime's buckets; the last, past the final bound, is the runtime's last. (OTLP
/// bounds are doubles, which hold every whole number up to 2^53: a reading of more
/// than 2^53 ticks, weeks of a gigahertz counter, falls a bucket low at worst.)
pub fn duration_bucket_bounds() -> Vec<f64> {
    (0..histogram::BUCKETS - 1)
        .map(|i| histogram::bounds(i).1 as f64)
        .collect()
}

/// The hot paths' statistics in `report` as OTLP metrics of `resource`, cumulative from
/// `start` to `now`: per path, [`KNHK_PATH_DURATION`] (a histogram of ticks per call
/// on [`duration_bucket_bounds`]), [`KNHK_PATH_CALLS`], [`KNHK_PATH_OVER_BUDGET`] and,
/// where the counting allocator is installed, [`KNHK_PATH_ALLOCATIONS`]. Each data
/// point carries the attributes the registry requires of these metrics:
/// `code.function.name`, `code.file.path`, `code.line.number`,
/// `performance.path_kind` and `performance.budget_ticks` (the budget in ticks under
/// the report's calibration).
///
/// [`KNHK_PATH_DURATION`]: crate::semconv::metrics::KNHK_PATH_DURATION
/// [`KNHK_PATH_CALLS`]: crate::semconv::metrics::KNHK_PATH_CALLS
/// [`KNHK_PATH_OVER_BUDGET`]: crate::semconv::metrics::KNHK_PATH_OVER_BUDGET
/// [`KNHK_PATH_ALLOCATIONS`]: crate::semconv::metrics::KNHK_PATH_ALLOCATIONS
pub fn hot_path_metrics(
    report: &Report,
    resource: &ProtoResource,
    start: SystemTime,
    now: SystemTime,
) -> ResourceMetrics {
    let start = unix_nanos(start);
    let now = unix_nanos(now);
    let bounds = duration_bucket_bounds();
    let mut durations = Vec::with_capacity(report.paths.len());
    let mut calls = Vec::with_capacity(report.paths.len());
    let mut over = Vec::with_capacity(report.paths.len());
    let mut allocations = Vec::new();
    for path in &report.paths {
        let attributes = path_attributes(report, path);
        let stats = &path.stats;
        let mut bucket_counts = vec![0; histogram::BUCKETS];
        for &(low, _, n) in &stats.histogram {
            bucket_counts[histogram::bucket(low)] += n;
        }
        // The ticks the histogram counted are the readings less the median overhead,
        // floored at zero; their sum is known to within that floor, from the raw sum
        // less the mean overhead, and is left out where that is not known.
        let sum = stats
            .mean_per_call(&report.calibration)
            .map(|mean| (mean * stats.calls as f64).max(0.0));
        durations.push(HistogramDataPoint {
            attributes: attributes.clone(),
            start_time_unix_nano: start,
            time_unix_nano: now,
            count: stats.calls,
            sum,
            bucket_counts,
            explicit_bounds: bounds.clone(),
            min: stats.min_ticks.map(|t| t as f64),
            max: stats.max_ticks.map(|t| t as f64),
            ..HistogramDataPoint::default()
        });
        calls.push(count_point(&attributes, start, now, stats.calls));
        over.push(count_point(&attributes, start, now, stats.over_budget));
        if let Some(n) = stats.allocations {
            allocations.push(count_point(&attributes, start, now, n));
        }
    }
    let cumulative = AggregationTemporality::Cumulative as i32;
    let mut metrics = vec![
        metric(
            semconv::metrics::KNHK_PATH_DURATION,
            Data::Histogram(proto::Histogram {
                data_points: durations,
                aggregation_temporality: cumulative,
            }),
        ),
        counter(semconv::metrics::KNHK_PATH_CALLS, calls),
        counter(semconv::metrics::KNHK_PATH_OVER_BUDGET, over),
    ];
    if report.allocations_counted {
        metrics.push(counter(
            semconv::metrics::KNHK_PATH_ALLOCATIONS,
            allocations,
        ));
    }
    ResourceMetrics {
        resource: Some(resource.clone()),
        scope_metrics: vec![ScopeMetrics {
            scope: Some(InstrumentationScope {
                name: SCOPE_NAME.to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
                ..InstrumentationScope::default()
            }),
            metrics,
            schema_url: semconv::registry().schema_url.to_owned(),
        }],
        schema_url: String::new(),
    }
}

fn path_attributes(report: &Report, path: &PathReport) -> Vec<KeyValue> {
    let budget = path.budget.ticks(&report.calibration).0;
    vec![
        string(semconv::CODE_FUNCTION_NAME, &path.name),
        string(semconv::CODE_FILE_PATH, &path.file),
        int(semconv::CODE_LINE_NUMBER, i64::from(path.line)),
        string(semconv::PERFORMANCE_PATH_KIND, &path.kind.to_string()),
        int(
            semconv::PERFORMANCE_BUDGET_TICKS,
            i64::try_from(budget).unwrap_or(i64::MAX),
        ),
    ]
}

fn metric(declared: Metric, data: Data) -> proto::Metric {
    proto::Metric {
        name: declared.name().to_owned(),
        unit: declared.unit().to_owned(),
        data: Some(data),
        ..proto::Metric::default()
    }
}

fn counter(declared: Metric, data_points: Vec<NumberDataPoint>) -> proto::Metric {
    metric(
        declared,
        Data::Sum(Sum {
            data_points,
            aggregation_temporality: AggregationTemporality::Cumulative as i32,
            is_monotonic: true,
        }),
    )
}

fn count_point(attributes: &[KeyValue], start: u64, now: u64, n: u64) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attributes.to_vec(),
        start_time_unix_nano: start,
        time_unix_nano: now,
        value: Some(number_data_point::Value::AsInt(
            i64::try_from(n).unwrap_or(i64::MAX),
        )),
        ..NumberDataPoint::default()
    }
}

pub(super) fn string(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_owned())),
        }),
        ..KeyValue::default()
    }
}

fn int(key: &str, value: i64) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::IntValue(value)),
        }),
        ..KeyValue::default()
    }
}

pub(super) fn unix_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
