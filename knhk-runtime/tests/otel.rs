//! OpenTelemetry export (feature `otel`): what the runtime emits reaches the SDK's
//! in-memory exporters and an OTLP/gRPC receiver with the registry's names and types,
//! and the hot paths' statistics arrive as the registry's metrics with knhk's buckets.
//!
//! One test at a time: each installs its own subscriber, and the hot paths' counters
//! are the process's.

mod otlp_receiver;

use otlp_receiver::{int_attribute, string_attribute};

use knhk_runtime::lockchain::Lockchain;
use knhk_runtime::semconv::schema::{
    AttributeType, EnumValue, Primitive, Registry, Requirement, SignalKind, TemplateOf,
};
use knhk_runtime::telemetry::otel::{
    Otel, OtelError, SCOPE_NAME, duration_bucket_bounds, hot_path_metrics,
};
use knhk_runtime::{PathReport, Report, hot_path, warm_path};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{Metric, metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use opentelemetry_sdk::logs::InMemoryLogExporter;
use opentelemetry_sdk::trace::InMemorySpanExporter;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tracing_subscriber::layer::SubscriberExt;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn registry() -> &'static Registry {
    knhk_runtime::semconv::registry()
}

#[hot_path(8, name = "otel_test.mix")]
fn mix(x: u64) -> u64 {
    x.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17)
}

fn spin_for_200_us() {
    let start = Instant::now();
    while start.elapsed() < Duration::from_micros(200) {
        std::hint::spin_loop();
    }
}

// Warm paths far over their budgets: the first call of each emits the over-budget
// event (then at most one a second), so each test that wants the event has its own.
#[warm_path(20, name = "otel_test.spin")]
fn spin() {
    spin_for_200_us();
}

#[warm_path(20, name = "otel_test.spin_in_memory")]
fn spin_in_memory() {
    spin_for_200_us();
}

/// The telemetry of a small workload: hot paths, an over-budget call of `over`, and a
/// lockchain's sync and verification.
fn workload(over: fn()) {
    for i in 0..1000 {
        black_box(mix(black_box(i)));
    }
    over();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = Lockchain::create(dir.path().join("otel.lockchain")).unwrap();
    chain.append(b"first").unwrap();
    chain.append(b"second").unwrap();
    chain.sync().unwrap();
    assert_eq!(chain.verify().unwrap().len, 2);
}

/// A value's type as the registry names types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Double,
    Bool,
    Array(Primitive),
    Other,
}

fn primitive_kind(p: Primitive) -> Kind {
    match p {
        Primitive::Str => Kind::Str,
        Primitive::Int => Kind::Int,
        Primitive::Double => Kind::Double,
        Primitive::Boolean => Kind::Bool,
    }
}

/// The kind a registry attribute's values have; `None` for `any`.
fn declared_kind(ty: &AttributeType) -> Option<Kind> {
    Some(match *ty {
        AttributeType::Primitive(p) => primitive_kind(p),
        AttributeType::Array(p) => Kind::Array(p),
        AttributeType::Template(TemplateOf::Primitive(p)) => primitive_kind(p),
        AttributeType::Template(TemplateOf::Array(p)) => Kind::Array(p),
        AttributeType::Enum(members) => match members.first() {
            Some(EnumValue::Int(_)) => Kind::Int,
            Some(EnumValue::Double(_)) => Kind::Double,
            _ => Kind::Str,
        },
        _ => return None,
    })
}

fn sdk_kind(value: &opentelemetry::Value) -> Kind {
    match value {
        opentelemetry::Value::String(_) => Kind::Str,
        opentelemetry::Value::I64(_) => Kind::Int,
        opentelemetry::Value::F64(_) => Kind::Double,
        opentelemetry::Value::Bool(_) => Kind::Bool,
        _ => Kind::Other,
    }
}

fn log_kind(value: &opentelemetry::logs::AnyValue) -> Kind {
    match value {
        opentelemetry::logs::AnyValue::String(_) => Kind::Str,
        opentelemetry::logs::AnyValue::Int(_) => Kind::Int,
        opentelemetry::logs::AnyValue::Double(_) => Kind::Double,
        opentelemetry::logs::AnyValue::Boolean(_) => Kind::Bool,
        _ => Kind::Other,
    }
}

fn wire_kind(value: &Option<AnyValue>) -> Kind {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(_)) => Kind::Str,
        Some(any_value::Value::IntValue(_)) => Kind::Int,
        Some(any_value::Value::DoubleValue(_)) => Kind::Double,
        Some(any_value::Value::BoolValue(_)) => Kind::Bool,
        _ => Kind::Other,
    }
}

/// Checks what a signal of the registry carried: every attribute it requires is there,
/// and every attribute the registry defines has the declared type. Returns how many
/// attributes were checked against a declaration.
fn check_against_registry(
    kind: SignalKind,
    name: &str,
    attributes: &BTreeMap<String, Kind>,
) -> usize {
    let signal = registry()
        .signal(kind, name)
        .unwrap_or_else(|| panic!("no {} {name} in knhk's registry", kind.name()));
    for declared in signal.attributes {
        if declared.requirement == Requirement::Required {
            assert!(
                attributes.contains_key(declared.name),
                "{} {name} arrived without its required {}: {attributes:?}",
                kind.name(),
                declared.name
            );
        }
    }
    let mut checked = 0;
    for (key, &arrived) in attributes {
        let Some(attribute) = registry().attribute(key) else {
            continue;
        };
        let Some(expected) = declared_kind(&attribute.ty) else {
            continue;
        };
        assert_eq!(
            arrived,
            expected,
            "{} {name}: {key} arrived as {arrived:?}, the registry declares {:?}",
            kind.name(),
            attribute.ty
        );
        checked += 1;
    }
    checked
}

fn wire_attributes(attributes: &[KeyValue]) -> BTreeMap<String, Kind> {
    attributes
        .iter()
        .map(|kv| (kv.key.clone(), wire_kind(&kv.value)))
        .collect()
}

#[test]
fn spans_and_events_reach_the_sdks_in_memory_exporters_with_the_registrys_names_and_types() {
    let _one = one_at_a_time();
    let spans = InMemorySpanExporter::default();
    let logs = InMemoryLogExporter::default();
    let otel = Otel::builder("knhk-otel-test")
        .span_exporter(spans.clone())
        .log_exporter(logs.clone())
        .build()
        .unwrap();
    let subscriber = tracing_subscriber::registry().with(otel.layer());
    tracing::subscriber::with_default(subscriber, || workload(spin_in_memory));
    // The in-memory exporters forget what they hold when shut down: read them first.
    otel.flush().unwrap();

    let spans = spans.get_finished_spans().unwrap();
    let verify = spans
        .iter()
        .find(|s| s.name == "knhk.lockchain.verify")
        .unwrap_or_else(|| panic!("no verification span in {spans:#?}"));
    let attributes: BTreeMap<String, Kind> = verify
        .attributes
        .iter()
        .map(|kv| (kv.key.as_str().to_owned(), sdk_kind(&kv.value)))
        .collect();
    assert!(
        check_against_registry(SignalKind::Span, "knhk.lockchain.verify", &attributes) >= 2,
        "{attributes:?}"
    );
    assert_eq!(verify.instrumentation_scope.name(), SCOPE_NAME);
    assert_eq!(
        verify.instrumentation_scope.schema_url(),
        Some(registry().schema_url)
    );
    // Events are log records, not also span events.
    assert!(verify.events.is_empty(), "{:?}", verify.events);

    let logs = logs.get_emitted_logs().unwrap();
    let events: BTreeMap<&str, BTreeMap<String, Kind>> = logs
        .iter()
        .filter_map(|log| {
            let name = log.record.event_name()?;
            let attributes = log
                .record
                .attributes_iter()
                .map(|(k, v)| (k.as_str().to_owned(), log_kind(v)))
                .collect();
            Some((name, attributes))
        })
        .collect();
    for name in ["knhk.lockchain.synced", "knhk.performance.budget_exceeded"] {
        let attributes = events
            .get(name)
            .unwrap_or_else(|| panic!("no {name} event among {:?}", events.keys()));
        assert!(
            check_against_registry(SignalKind::Event, name, attributes) >= 3,
            "{name}: {attributes:?}"
        );
    }
    let resource = logs[0].resource.as_ref();
    assert_eq!(
        resource
            .get(&opentelemetry::Key::from_static_str("service.name"))
            .map(|v| v.to_string()),
        Some("knhk-otel-test".to_owned())
    );
    otel.shutdown().unwrap();
}

/// A report with one path whose histogram holds `buckets`.
fn report_with(buckets: &[(u64, u64, u64)]) -> Report {
    let mut report = knhk_runtime::report();
    let mut path: PathReport = report
        .paths
        .iter()
        .find(|p| p.name == "otel_test.mix")
        .cloned()
        .unwrap();
    path.stats.histogram = buckets.to_vec();
    path.stats.calls = buckets.iter().map(|b| b.2).sum();
    report.paths = vec![path];
    report
}

/// The OTLP bucket a value falls in: the first whose bound is at least the value.
fn otlp_bucket(bounds: &[f64], value: u64) -> usize {
    bounds
        .iter()
        .position(|&b| value as f64 <= b)
        .unwrap_or(bounds.len())
}

#[test]
fn each_runtime_bucket_is_exactly_one_otlp_bucket() {
    let _one = one_at_a_time();
    let bounds = duration_bucket_bounds();
    assert!(bounds.windows(2).all(|w| w[0] < w[1]), "bounds must rise");
    // The runtime's buckets of 0..=7, then four per power of two: 1 tick wide up to 15,
    // a quarter of their lower bound above.
    let buckets = [
        (0, 0, 5),
        (7, 7, 1),
        (8, 9, 2),
        (14, 15, 3),
        (1024, 1279, 4),
        // The widest bucket whose bounds a double holds exactly (above 2^53 ticks a
        // bound rounds onto the next bucket's lowest value).
        (1 << 52, (1 << 52) + (1 << 50) - 1, 1),
    ];
    let report = report_with(&buckets);
    let metrics = hot_path_metrics(
        &report,
        &ProtoResource::default(),
        SystemTime::UNIX_EPOCH,
        SystemTime::now(),
    );
    let duration = find_metric(&metrics.scope_metrics[0].metrics, "knhk.path.duration");
    let Some(metric::Data::Histogram(histogram)) = &duration.data else {
        panic!("knhk.path.duration is not a histogram: {duration:?}");
    };
    let point = &histogram.data_points[0];
    assert_eq!(point.explicit_bounds, bounds);
    assert_eq!(point.bucket_counts.len(), bounds.len() + 1);
    assert_eq!(point.count, buckets.iter().map(|b| b.2).sum::<u64>());
    for &(low, high, n) in &buckets {
        let index = otlp_bucket(&bounds, low);
        assert_eq!(
            otlp_bucket(&bounds, high),
            index,
            "[{low}, {high}] spans two OTLP buckets"
        );
        assert_eq!(point.bucket_counts[index], n, "[{low}, {high}]");
    }
    assert_eq!(
        point.bucket_counts.iter().sum::<u64>(),
        point.count,
        "counts outside the runtime's buckets"
    );
}

#[test]
fn allocations_are_a_counter_where_they_are_counted() {
    let _one = one_at_a_time();
    let mut report = report_with(&[(3, 3, 10)]);
    report.allocations_counted = true;
    report.paths[0].stats.allocations = Some(4);
    let metrics = hot_path_metrics(
        &report,
        &ProtoResource::default(),
        SystemTime::UNIX_EPOCH,
        SystemTime::now(),
    );
    let (_, count, counters) = check_metrics(&metrics.scope_metrics[0].metrics, "otel_test.mix");
    assert_eq!(count, 10);
    assert_eq!(counters["knhk.path.allocations"], 4);
}

fn find_metric<'a>(metrics: &'a [Metric], name: &str) -> &'a Metric {
    metrics.iter().find(|m| m.name == name).unwrap_or_else(|| {
        panic!(
            "no {name} among {:?}",
            metrics.iter().map(|m| &m.name).collect::<Vec<_>>()
        )
    })
}

/// The hot paths' metrics as `semconv!` generates them from the registry.
const PATH_METRICS: [knhk_runtime::semconv::Metric; 4] = [
    knhk_runtime::semconv::metrics::KNHK_PATH_DURATION,
    knhk_runtime::semconv::metrics::KNHK_PATH_CALLS,
    knhk_runtime::semconv::metrics::KNHK_PATH_OVER_BUDGET,
    knhk_runtime::semconv::metrics::KNHK_PATH_ALLOCATIONS,
];

/// Every metric of `metrics` checked against the registry: declared, with its unit
/// and instrument, each data point with the required attributes, typed. Returns the
/// data points of `path`: its histogram's counts and sum, and the counters by name.
fn check_metrics(metrics: &[Metric], path: &str) -> (Vec<u64>, u64, BTreeMap<String, i64>) {
    let mut buckets = None;
    let mut counters = BTreeMap::new();
    for metric in metrics {
        assert!(
            registry()
                .signal(SignalKind::Metric, &metric.name)
                .is_some(),
            "{} is not a metric of the registry",
            metric.name
        );
        let declared = PATH_METRICS
            .iter()
            .find(|m| m.name() == metric.name)
            .unwrap_or_else(|| panic!("{} is not a hot-path metric", metric.name));
        assert_eq!(metric.unit, declared.unit(), "{}", metric.name);
        match (&metric.data, declared.instrument()) {
            (Some(metric::Data::Histogram(h)), knhk_runtime::semconv::Instrument::Histogram) => {
                for point in &h.data_points {
                    let attributes = wire_attributes(&point.attributes);
                    check_against_registry(SignalKind::Metric, &metric.name, &attributes);
                    if string_attribute(&point.attributes, "code.function.name") == Some(path) {
                        buckets = Some((point.bucket_counts.clone(), point.count));
                    }
                }
            }
            (Some(metric::Data::Sum(s)), knhk_runtime::semconv::Instrument::Counter) => {
                assert!(s.is_monotonic, "{}", metric.name);
                for point in &s.data_points {
                    let attributes = wire_attributes(&point.attributes);
                    check_against_registry(SignalKind::Metric, &metric.name, &attributes);
                    if string_attribute(&point.attributes, "code.function.name") == Some(path) {
                        let Some(number_data_point::Value::AsInt(n)) = point.value else {
                            panic!("{}: not an integer count", metric.name);
                        };
                        counters.insert(metric.name.clone(), n);
                    }
                }
            }
            (data, instrument) => {
                panic!(
                    "{} is a {instrument:?} in the registry, arrived as {data:?}",
                    metric.name
                )
            }
        }
    }
    let (buckets, count) = buckets.unwrap_or_else(|| panic!("no histogram point for {path}"));
    (buckets, count, counters)
}

/// The runtime's histogram of `path` in OTLP bucket order.
fn runtime_buckets(report: &Report, path: &str) -> Vec<u64> {
    let bounds = duration_bucket_bounds();
    let mut counts = vec![0; bounds.len() + 1];
    let path = report.path(path).unwrap();
    for &(low, _, n) in &path.stats.histogram {
        counts[otlp_bucket(&bounds, low)] += n;
    }
    counts
}

#[test]
fn hot_path_statistics_are_the_registrys_metrics_read_from_the_report() {
    let _one = one_at_a_time();
    for i in 0..5000 {
        black_box(mix(black_box(i)));
    }
    let report = knhk_runtime::report();
    let metrics = hot_path_metrics(
        &report,
        &ProtoResource::default(),
        SystemTime::UNIX_EPOCH,
        SystemTime::now(),
    );
    let scope = &metrics.scope_metrics[0];
    assert_eq!(scope.scope.as_ref().unwrap().name, SCOPE_NAME);
    assert_eq!(scope.schema_url, registry().schema_url);
    let (buckets, count, counters) = check_metrics(&scope.metrics, "otel_test.mix");
    let stats = &report.path("otel_test.mix").unwrap().stats;
    assert!(stats.calls >= 5000, "{stats:?}");
    assert_eq!(count, stats.calls);
    assert_eq!(buckets, runtime_buckets(&report, "otel_test.mix"));
    assert_eq!(counters["knhk.path.calls"], stats.calls as i64);
    assert_eq!(counters["knhk.path.over_budget"], stats.over_budget as i64);
    // Allocations are counted only under the counting allocator, which this binary
    // does not install: the metric is left out rather than sent as zero.
    assert!(!report.allocations_counted);
    assert!(
        !counters.contains_key("knhk.path.allocations"),
        "{counters:?}"
    );
}

#[test]
fn everything_arrives_over_the_otlp_wire_at_a_grpc_receiver() {
    let _one = one_at_a_time();
    let receiver = otlp_receiver::Receiver::start();
    let otel = Otel::builder("knhk-otel-wire")
        .endpoint(&receiver.endpoint)
        .build()
        .unwrap();
    assert_eq!(otel.endpoint(), Some(receiver.endpoint.as_str()));
    let subscriber = tracing_subscriber::registry().with(otel.layer());
    tracing::subscriber::with_default(subscriber, || workload(spin));
    otel.shutdown().unwrap();
    // The last export read the counters after the workload; nothing has run since.
    let report = knhk_runtime::report();

    let traces = receiver.received.traces.lock().unwrap().clone();
    let spans: Vec<_> = traces
        .iter()
        .flat_map(|t| &t.resource_spans)
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .collect();
    let verify = spans
        .iter()
        .find(|s| s.name == "knhk.lockchain.verify")
        .unwrap_or_else(|| panic!("no verification span among {spans:#?}"));
    check_against_registry(
        SignalKind::Span,
        "knhk.lockchain.verify",
        &wire_attributes(&verify.attributes),
    );
    assert_eq!(
        int_attribute(&verify.attributes, "lockchain.entries"),
        Some(2)
    );
    assert!(
        string_attribute(&verify.attributes, "file.path")
            .is_some_and(|p| p.ends_with("otel.lockchain")),
        "{:?}",
        verify.attributes
    );
    assert_eq!(verify.trace_id.len(), 16);

    let logs = receiver.received.logs.lock().unwrap().clone();
    let synced = logs
        .iter()
        .flat_map(|l| &l.resource_logs)
        .flat_map(|r| &r.scope_logs)
        .flat_map(|s| &s.log_records)
        .find(|r| r.event_name == "knhk.lockchain.synced")
        .expect("no knhk.lockchain.synced log record");
    check_against_registry(
        SignalKind::Event,
        "knhk.lockchain.synced",
        &wire_attributes(&synced.attributes),
    );
    assert_eq!(
        int_attribute(&synced.attributes, "lockchain.entries"),
        Some(2)
    );

    let metrics = receiver.received.metrics.lock().unwrap().clone();
    let last = metrics
        .last()
        .and_then(|m| m.resource_metrics.first())
        .expect("no metrics arrived");
    let resource = &last.resource.as_ref().unwrap().attributes;
    assert_eq!(
        string_attribute(resource, "service.name"),
        Some("knhk-otel-wire")
    );
    assert_eq!(
        string_attribute(resource, "telemetry.sdk.language"),
        Some("rust")
    );
    let (buckets, count, counters) = check_metrics(&last.scope_metrics[0].metrics, "otel_test.mix");
    let stats = &report.path("otel_test.mix").unwrap().stats;
    assert_eq!(count, stats.calls);
    assert_eq!(buckets, runtime_buckets(&report, "otel_test.mix"));
    assert_eq!(counters["knhk.path.calls"], stats.calls as i64);
    let spin = &report.path("otel_test.spin").unwrap().stats;
    assert!(spin.over_budget >= 1, "{spin:?}");
    let (_, _, spin_counters) = check_metrics(&last.scope_metrics[0].metrics, "otel_test.spin");
    assert_eq!(
        spin_counters["knhk.path.over_budget"],
        spin.over_budget as i64
    );
}

#[test]
fn an_export_to_nowhere_fails_with_the_signal_and_the_endpoint() {
    let _one = one_at_a_time();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let otel = Otel::builder("knhk-otel-nowhere")
        .endpoint(&endpoint)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    match otel.export_metrics() {
        Err(
            e @ OtelError::Export {
                signal: "metrics", ..
            },
        ) => {
            assert!(e.to_string().contains(&endpoint), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert!(otel.shutdown().is_err());
}

#[test]
fn endpoints_this_build_cannot_use_are_errors_that_say_what_to_give() {
    for (endpoint, says) in [
        ("https://collector:4317", "no TLS"),
        ("localhost:4317", "http://"),
        ("http://", "no host"),
    ] {
        match Otel::builder("knhk-otel-bad").endpoint(endpoint).build() {
            Err(e @ OtelError::Endpoint { .. }) => {
                assert!(e.to_string().contains(says), "{endpoint}: {e}")
            }
            other => panic!("{endpoint}: {other:?}"),
        }
    }
}

/// `from_env`, in a child process of this binary with the variables set, so that no
/// thread of this one reads the environment while it changes.
#[test]
fn from_env_reads_the_standard_variables() {
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[], "none"),
        (&[("OTEL_EXPORTER_OTLP_ENDPOINT", "")], "none"),
        (
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
                ("OTEL_SDK_DISABLED", "true"),
            ],
            "none",
        ),
        (
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
                ("OTEL_METRIC_EXPORT_INTERVAL", "soon"),
            ],
            "error: OTEL_METRIC_EXPORT_INTERVAL=\"soon\": a whole number of milliseconds",
        ),
        (
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/")],
            "some: http://127.0.0.1:9",
        ),
    ];
    for (vars, expected) in cases {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "from_env_child", "--ignored", "--nocapture"])
            .env("KNHK_OTEL_FROM_ENV_CHILD", "1");
        for name in [
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_SDK_DISABLED",
            "OTEL_METRIC_EXPORT_INTERVAL",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
        ] {
            child.env_remove(name);
        }
        child.envs(vars.iter().copied());
        let output = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{vars:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("from_env: "))
            .unwrap_or_else(|| panic!("{vars:?}: the child said nothing: {stdout}"));
        assert!(line.starts_with(expected), "{vars:?}: {line}");
    }
}

/// Run only by [`from_env_reads_the_standard_variables`], as a child.
#[test]
#[ignore = "a child of from_env_reads_the_standard_variables"]
fn from_env_child() {
    if std::env::var_os("KNHK_OTEL_FROM_ENV_CHILD").is_none() {
        return;
    }
    let said = match Otel::from_env("knhk-from-env") {
        Ok(None) => "none".to_owned(),
        Ok(Some(otel)) => format!("some: {}", otel.endpoint().unwrap()),
        Err(e) => format!("error: {e}"),
    };
    println!("from_env: {said}");
}
