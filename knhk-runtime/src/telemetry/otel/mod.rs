//! OpenTelemetry export (feature `otel`): what a program emits through `tracing`, and
//! its hot paths' statistics, sent over OTLP/gRPC to the collector a team already
//! runs, where its budgets aggregate with the rest of its telemetry.
//!
//! - **Spans** go through `tracing-opentelemetry` and the SDK's batch span processor.
//!   A span's `otel.name` field names the OpenTelemetry span and `otel.kind` gives its
//!   kind, as [`#[derive(Instrument)]`](crate::Instrument) and [`span!`](crate::span!)
//!   record them; the other fields are its attributes, with their types.
//! - **Events** are OpenTelemetry events: log records whose event name is the
//!   `tracing` event's name (the registry's event name for [`event!`](crate::event!)),
//!   with the fields as attributes and the span that was current as their trace
//!   context. They are not also copied into spans as span events.
//! - **Hot-path statistics** are metrics declared in the registry
//!   ([`semconv::metrics`](crate::semconv::metrics)): a histogram of ticks per call on
//!   knhk's own bucket bounds, and counters of calls, over-budget calls and
//!   allocations, per path. They are read from the runtime's counters when they are
//!   exported ([`hot_path_metrics`]), every [`metric_interval`](OtelBuilder::metric_interval)
//!   and at [`shutdown`](Otel::shutdown); nothing is added to a path.
//!
//! The resource carries `service.name` and the SDK's `telemetry.sdk.*` attributes, and
//! whatever `OTEL_RESOURCE_ATTRIBUTES` adds.
//!
//! ```no_run
//! use knhk_runtime::telemetry::otel::Otel;
//! use tracing_subscriber::layer::SubscriberExt;
//! use tracing_subscriber::util::SubscriberInitExt;
//!
//! // `None` unless OTEL_EXPORTER_OTLP_ENDPOINT is set (http://localhost:4317, say).
//! let otel = Otel::from_env("orders")?;
//! tracing_subscriber::registry()
//!     .with(otel.as_ref().map(|otel| otel.layer()))
//!     .init();
//! // ... the program ...
//! if let Some(otel) = otel {
//!     otel.shutdown()?; // flushes spans, events and a last export of the metrics
//! }
//! # Ok::<(), knhk_runtime::telemetry::otel::OtelError>(())
//! ```
//!
//! The transport is plaintext gRPC (`http://`), what a collector's default OTLP
//! receiver on port 4317 and Weaver's live check listen on; this build has no TLS, so an
//! `https://` endpoint is an error that says so.

mod metrics;

pub use metrics::{SCOPE_NAME, duration_bucket_bounds, hot_path_metrics};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, LoggerProviderBuilder, SdkLoggerProvider};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter, TracerProviderBuilder};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::registry::LookupSpan;

/// The collector's address: `OTEL_EXPORTER_OTLP_ENDPOINT`, as OpenTelemetry's SDKs
/// read it (`http://host:4317`).
pub const ENDPOINT_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// Milliseconds between two exports of the metrics (`OTEL_METRIC_EXPORT_INTERVAL`,
/// 60 000 when unset).
pub const METRIC_INTERVAL_VAR: &str = "OTEL_METRIC_EXPORT_INTERVAL";

/// Milliseconds an export may take (`OTEL_EXPORTER_OTLP_TIMEOUT`, 10 000 when unset).
pub const TIMEOUT_VAR: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";

const DEFAULT_METRIC_INTERVAL: Duration = Duration::from_secs(60);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong setting up or running the export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OtelError {
    /// An environment variable holds something that is not what it should be.
    #[error("{variable}={value:?}: {expected}")]
    Variable {
        /// The variable.
        variable: &'static str,
        /// What it holds.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
    /// The endpoint is not an `http://` URL this build can connect to.
    #[error("OTLP endpoint {endpoint:?}: {reason}")]
    Endpoint {
        /// The endpoint as given.
        endpoint: String,
        /// Why it cannot be used, and what to give instead.
        reason: String,
    },
    /// The threads that drive the gRPC connections could not be started.
    #[error("cannot start the OTLP export threads: {0}")]
    Runtime(#[source] std::io::Error),
    /// An exporter could not be built.
    #[error("cannot build the OTLP {signal} exporter: {message}")]
    Build {
        /// `spans`, `events` or `metrics`.
        signal: &'static str,
        /// What the SDK said.
        message: String,
    },
    /// An export failed: the collector is unreachable, refused the data or took too
    /// long.
    #[error("exporting {signal} to {endpoint} failed: {message}")]
    Export {
        /// `spans`, `events` or `metrics`.
        signal: &'static str,
        /// Where to.
        endpoint: String,
        /// What the transport or the collector said.
        message: String,
    },
}

/// The OpenTelemetry export: a tracer and a logger provider fed through
/// [`layer`](Otel::layer), and the hot-path metrics pushed on a thread of their own.
///
/// Dropping it shuts it down as [`shutdown`](Otel::shutdown) does, without the
/// outcome; call `shutdown` to know whether the last export arrived.
pub struct Otel {
    tracer_provider: SdkTracerProvider,
    logger_provider: SdkLoggerProvider,
    metrics: Option<MetricPush>,
    endpoint: Option<String>,
    shut_down: bool,
    // Held for the threads it runs, which drive the gRPC connections; last, so it
    // outlives what uses them.
    _runtime: tokio::runtime::Runtime,
}

impl fmt::Debug for Otel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Otel")
            .field("endpoint", &self.endpoint)
            .field("metrics", &self.metrics.is_some())
            .field("shut_down", &self.shut_down)
            .finish_non_exhaustive()
    }
}

impl Otel {
    /// A builder for a service named `service_name` (`OTEL_SERVICE_NAME` overrides it,
    /// as in every OpenTelemetry SDK).
    pub fn builder(service_name: impl Into<String>) -> OtelBuilder {
        OtelBuilder {
            service_name: service_name.into(),
            endpoint: None,
            metric_interval: DEFAULT_METRIC_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
            spans: None,
            logs: None,
        }
    }

    /// The export the environment asks for: `None` when [`ENDPOINT_VAR`] is unset or
    /// empty, or `OTEL_SDK_DISABLED` is `true`; otherwise every signal to that
    /// endpoint, with [`METRIC_INTERVAL_VAR`] and [`TIMEOUT_VAR`] read too.
    pub fn from_env(service_name: impl Into<String>) -> Result<Option<Otel>, OtelError> {
        if std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
            return Ok(None);
        }
        let Some(endpoint) = std::env::var(ENDPOINT_VAR).ok().filter(|e| !e.is_empty()) else {
            return Ok(None);
        };
        let mut builder = Otel::builder(service_name).endpoint(endpoint);
        if let Some(interval) = millis_var(METRIC_INTERVAL_VAR)? {
            builder = builder.metric_interval(interval);
        }
        if let Some(timeout) = millis_var(TIMEOUT_VAR)? {
            builder = builder.timeout(timeout);
        }
        builder.build().map(Some)
    }

    /// The `tracing` layer that hands spans and events to the export. Add it to a
    /// `tracing_subscriber::registry()`, beside whatever else prints or checks them.
    pub fn layer<S>(&self) -> impl Layer<S> + 'static
    where
        S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    {
        let tracer = self.tracer_provider.tracer_with_scope(scope());
        let spans = tracing_opentelemetry::layer()
            .with_tracer(tracer)
            // Busy and idle times and the target are not attributes of any registry;
            // the code location and thread are semantic conventions and stay.
            .with_tracked_inactivity(false)
            .with_target(false)
            .with_filter(filter_fn(|meta| meta.is_span()));
        spans.and_then(OpenTelemetryTracingBridge::new(&self.logger_provider))
    }

    /// Where the export goes, if it goes over OTLP.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// Exports the hot-path metrics now, on the export's thread, and waits for the
    /// collector's answer. `Ok` without sending when there is no endpoint.
    pub fn export_metrics(&self) -> Result<(), OtelError> {
        match &self.metrics {
            Some(push) => push.ask(Ask::Export),
            None => Ok(()),
        }
    }

    /// Sends what is batched now: the spans and events, then the metrics, waiting
    /// for each. The first failure is returned, after every signal has been tried.
    pub fn flush(&self) -> Result<(), OtelError> {
        let endpoint = self.endpoint.as_deref().unwrap_or_default();
        let spans = self
            .tracer_provider
            .force_flush()
            .map_err(|e| export_error("spans", endpoint, e));
        let events = self
            .logger_provider
            .force_flush()
            .map_err(|e| export_error("events", endpoint, e));
        spans.and(events).and(self.export_metrics())
    }

    /// Flushes and stops everything: the spans and events still batched, then one
    /// last export of the metrics. The first failure is returned, after every signal
    /// has been tried.
    pub fn shutdown(mut self) -> Result<(), OtelError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), OtelError> {
        if std::mem::replace(&mut self.shut_down, true) {
            return Ok(());
        }
        let endpoint = self.endpoint.clone().unwrap_or_default();
        let spans = self
            .tracer_provider
            .shutdown()
            .map_err(|e| export_error("spans", &endpoint, e));
        let events = self
            .logger_provider
            .shutdown()
            .map_err(|e| export_error("events", &endpoint, e));
        let metrics = match self.metrics.take() {
            Some(push) => push.stop(),
            None => Ok(()),
        };
        spans.and(events).and(metrics)
    }
}

impl Drop for Otel {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Sets up an [`Otel`]: where to, how often, and (for tests, or another transport)
/// exporters of one's own for spans and events.
#[must_use]
pub struct OtelBuilder {
    service_name: String,
    endpoint: Option<String>,
    metric_interval: Duration,
    timeout: Duration,
    spans: Option<SpanSetup>,
    logs: Option<LogSetup>,
}

type SpanSetup = Box<dyn FnOnce(TracerProviderBuilder) -> TracerProviderBuilder>;
type LogSetup = Box<dyn FnOnce(LoggerProviderBuilder) -> LoggerProviderBuilder>;

impl fmt::Debug for OtelBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtelBuilder")
            .field("service_name", &self.service_name)
            .field("endpoint", &self.endpoint)
            .field("metric_interval", &self.metric_interval)
            .field("timeout", &self.timeout)
            .field("own_span_exporter", &self.spans.is_some())
            .field("own_log_exporter", &self.logs.is_some())
            .finish()
    }
}

impl OtelBuilder {
    /// The collector's OTLP/gRPC endpoint (`http://localhost:4317`): spans, events and
    /// metrics go there, except a signal given its own exporter.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Time between two exports of the hot-path metrics (60 s by default).
    pub fn metric_interval(mut self, interval: Duration) -> Self {
        self.metric_interval = interval;
        self
    }

    /// Time an export may take before it fails (10 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Spans go to `exporter`, batched, instead of to the endpoint.
    pub fn span_exporter(mut self, exporter: impl SpanExporter + 'static) -> Self {
        self.spans = Some(Box::new(move |b| b.with_batch_exporter(exporter)));
        self
    }

    /// Events go to `exporter`, batched, instead of to the endpoint.
    pub fn log_exporter(mut self, exporter: impl LogExporter + 'static) -> Self {
        self.logs = Some(Box::new(move |b| b.with_batch_exporter(exporter)));
        self
    }

    /// Starts the export. Without an endpoint, a signal with no exporter of its own is
    /// not exported, and the metrics are not pushed ([`hot_path_metrics`] still reads
    /// them).
    pub fn build(self) -> Result<Otel, OtelError> {
        let endpoint = self.endpoint.as_deref().map(check_endpoint).transpose()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("knhk-otel")
            .enable_all()
            // The connections these threads drive (tonic, hyper, h2) emit through
            // `tracing`; here that goes nowhere, so exporting feeds nothing back into
            // what is exported, printed or checked. The guard lasts the thread's life.
            .on_thread_start(|| std::mem::forget(quiet_thread()))
            .build()
            .map_err(OtelError::Runtime)?;
        // tonic's channels attach to the runtime they are made in.
        let _entered = runtime.enter();
        let resource = resource(&self.service_name);

        let mut spans = SdkTracerProvider::builder().with_resource(resource.clone());
        if let Some(setup) = self.spans {
            spans = setup(spans);
        } else if let Some(endpoint) = &endpoint {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .with_timeout(self.timeout)
                .build()
                .map_err(|e| build_error("spans", e))?;
            spans = spans.with_batch_exporter(Quiet(exporter));
        }

        let mut logs = SdkLoggerProvider::builder().with_resource(resource.clone());
        if let Some(setup) = self.logs {
            logs = setup(logs);
        } else if let Some(endpoint) = &endpoint {
            let exporter = opentelemetry_otlp::LogExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .with_timeout(self.timeout)
                .build()
                .map_err(|e| build_error("events", e))?;
            logs = logs.with_batch_exporter(Quiet(exporter));
        }

        let metrics = match &endpoint {
            Some(endpoint) => Some(MetricPush::start(
                MetricSender::new(endpoint, self.timeout, &resource, runtime.handle().clone())?,
                self.metric_interval,
            )?),
            None => None,
        };
        Ok(Otel {
            tracer_provider: spans.build(),
            logger_provider: logs.build(),
            metrics,
            endpoint,
            shut_down: false,
            _runtime: runtime,
        })
    }
}

/// Makes `tracing` emit nothing on this thread until the guard is dropped.
fn quiet_thread() -> tracing::dispatcher::DefaultGuard {
    tracing::dispatcher::set_default(&tracing::Dispatch::none())
}

/// An OTLP exporter whose work emits nothing through `tracing`: the SDK's batch
/// threads poll it, and the gRPC client it drives logs through `tracing`, which would
/// otherwise reach the subscriber whose telemetry is being exported.
#[derive(Debug)]
struct Quiet<E>(E);

/// A future polled with `tracing` silenced.
struct QuietFuture<F>(Pin<Box<F>>);

impl<F: Future> Future for QuietFuture<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        tracing::dispatcher::with_default(&tracing::Dispatch::none(), || self.0.as_mut().poll(cx))
    }
}

fn quietly<R>(f: impl FnOnce() -> R) -> R {
    tracing::dispatcher::with_default(&tracing::Dispatch::none(), f)
}

impl<E: SpanExporter> SpanExporter for Quiet<E> {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        QuietFuture(Box::pin(quietly(|| self.0.export(batch))))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        quietly(|| self.0.shutdown_with_timeout(timeout))
    }

    fn force_flush(&self) -> OTelSdkResult {
        quietly(|| self.0.force_flush())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}

impl<E: LogExporter> LogExporter for Quiet<E> {
    fn export(&self, batch: LogBatch<'_>) -> impl Future<Output = OTelSdkResult> + Send {
        QuietFuture(Box::pin(quietly(|| self.0.export(batch))))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        quietly(|| self.0.shutdown_with_timeout(timeout))
    }

    fn event_enabled(
        &self,
        level: opentelemetry::logs::Severity,
        target: &str,
        name: Option<&str>,
    ) -> bool {
        self.0.event_enabled(level, target, name)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}

/// The instrumentation scope of knhk's spans and metrics, with its registry's schema.
fn scope() -> opentelemetry::InstrumentationScope {
    opentelemetry::InstrumentationScope::builder(SCOPE_NAME)
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(crate::semconv::registry().schema_url)
        .build()
}

fn resource(service_name: &str) -> Resource {
    let builder = Resource::builder();
    // The SDK's detectors read OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the
    // name given in code is the default they override.
    if std::env::var_os("OTEL_SERVICE_NAME").is_some_and(|v| !v.is_empty()) {
        builder.build()
    } else {
        builder.with_service_name(service_name.to_owned()).build()
    }
}

fn check_endpoint(endpoint: &str) -> Result<String, OtelError> {
    let reason = if endpoint.starts_with("https://") {
        "this build has no TLS: give the collector's plaintext gRPC receiver, \
         http://host:4317, or a local collector that forwards over TLS"
    } else if !endpoint.starts_with("http://") {
        "give an http:// URL of the collector's OTLP/gRPC receiver, such as http://localhost:4317"
    } else if endpoint.len() == "http://".len() {
        "the URL has no host: give one, such as http://localhost:4317"
    } else {
        return Ok(endpoint.trim_end_matches('/').to_owned());
    };
    Err(OtelError::Endpoint {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    })
}

fn millis_var(variable: &'static str) -> Result<Option<Duration>, OtelError> {
    let Some(value) = std::env::var(variable).ok().filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match value.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Some(Duration::from_millis(ms))),
        _ => Err(OtelError::Variable {
            variable,
            value,
            expected: "a whole number of milliseconds, more than 0",
        }),
    }
}

fn build_error(signal: &'static str, e: impl fmt::Display) -> OtelError {
    OtelError::Build {
        signal,
        message: e.to_string(),
    }
}

fn export_error(signal: &'static str, endpoint: &str, e: impl fmt::Display) -> OtelError {
    OtelError::Export {
        signal,
        endpoint: endpoint.to_owned(),
        message: e.to_string(),
    }
}

/// Sends the hot-path metrics on the OTLP metrics service.
struct MetricSender {
    client: MetricsServiceClient<tonic::transport::Channel>,
    runtime: tokio::runtime::Handle,
    resource: ProtoResource,
    endpoint: String,
    start: SystemTime,
}

impl MetricSender {
    fn new(
        endpoint: &str,
        timeout: Duration,
        resource: &Resource,
        runtime: tokio::runtime::Handle,
    ) -> Result<MetricSender, OtelError> {
        let channel = tonic::transport::Endpoint::from_shared(endpoint.to_owned())
            .map_err(|e| OtelError::Endpoint {
                endpoint: endpoint.to_owned(),
                reason: e.to_string(),
            })?
            .timeout(timeout)
            .connect_timeout(timeout)
            .connect_lazy();
        let resource = ResourceAttributesWithSchema::from(resource);
        Ok(MetricSender {
            client: MetricsServiceClient::new(channel),
            runtime,
            resource: ProtoResource {
                attributes: resource.attributes.0,
                ..ProtoResource::default()
            },
            endpoint: endpoint.to_owned(),
            // The runtime counts from its start; the series start when export does.
            start: SystemTime::now(),
        })
    }

    fn export(&mut self) -> Result<(), OtelError> {
        let report = crate::report();
        let request = ExportMetricsServiceRequest {
            resource_metrics: vec![hot_path_metrics(
                &report,
                &self.resource,
                self.start,
                SystemTime::now(),
            )],
        };
        let response = self
            .runtime
            .block_on(self.client.export(request))
            .map_err(|status| export_error("metrics", &self.endpoint, status.message()))?;
        match response.into_inner().partial_success {
            Some(partial) if partial.rejected_data_points > 0 => Err(export_error(
                "metrics",
                &self.endpoint,
                format_args!(
                    "the collector rejected {} data points: {}",
                    partial.rejected_data_points, partial.error_message
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// What the metrics thread is asked to do, with where to answer.
enum Ask {
    Export,
    Stop,
}

/// The thread that pushes the metrics every interval, and on request.
struct MetricPush {
    asks: mpsc::Sender<(Ask, mpsc::Sender<Result<(), OtelError>>)>,
    thread: Option<JoinHandle<()>>,
}

impl MetricPush {
    fn start(mut sender: MetricSender, interval: Duration) -> Result<MetricPush, OtelError> {
        let (asks, asked) = mpsc::channel::<(Ask, mpsc::Sender<Result<(), OtelError>>)>();
        let thread = std::thread::Builder::new()
            .name("knhk-otel-metrics".to_owned())
            .spawn(move || {
                let _quiet = quiet_thread();
                loop {
                    match asked.recv_timeout(interval) {
                        // A failed periodic export is tried again at the next one: the
                        // metrics are cumulative, so nothing is lost but time.
                        Err(mpsc::RecvTimeoutError::Timeout) => drop(sender.export()),
                        Ok((Ask::Export, answer)) => drop(answer.send(sender.export())),
                        Ok((Ask::Stop, answer)) => {
                            drop(answer.send(sender.export()));
                            return;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .map_err(OtelError::Runtime)?;
        Ok(MetricPush {
            asks,
            thread: Some(thread),
        })
    }

    fn ask(&self, ask: Ask) -> Result<(), OtelError> {
        let (answer, answered) = mpsc::channel();
        let gone = || OtelError::Export {
            signal: "metrics",
            endpoint: String::new(),
            message: "the metrics thread has stopped".to_owned(),
        };
        self.asks.send((ask, answer)).map_err(|_| gone())?;
        answered.recv().map_err(|_| gone())?
    }

    fn stop(mut self) -> Result<(), OtelError> {
        let outcome = self.ask(Ask::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        outcome
    }
}
