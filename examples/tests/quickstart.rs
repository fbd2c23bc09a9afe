//! The `quickstart` binary, run as a user would, each run in its own directory. Only
//! what counter noise cannot change is asserted: the deliberate violation caught and
//! named, the exit code, the sealed report. The verdict rules themselves are tested
//! under injected calibrations in `ui-tests/tests/behaviour/hot_path_verdicts.rs`.

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::{Run, run, scratch_dir};

fn quickstart(configure: impl FnOnce(&mut Command)) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quickstart"));
    command.env_remove("KNHK_QUICKSTART_DIR");
    configure(&mut command);
    run(&mut command)
}

fn scratch(name: &str) -> PathBuf {
    scratch_dir(&format!("quickstart-{name}"))
}

/// The verdict table's line for `path`.
fn verdict_line<'a>(stdout: &'a str, path: &str) -> &'a str {
    let verdicts = stdout
        .split("budget verdicts at p")
        .nth(1)
        .expect("a verdict table");
    verdicts
        .lines()
        .find(|l| l.trim_start().starts_with(path))
        .unwrap_or_else(|| panic!("no verdict for {path} in:\n{stdout}"))
}

/// Held by the test that judges the exit code: its figures are timings, and a second
/// quickstart on this machine's cores at the same time would slow them.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
#[cfg_attr(
    any(debug_assertions, not(feature = "measure")),
    ignore = "judges the optimised, measuring build: scripts/test runs it with --release --features measure"
)]
fn the_deliberate_violation_is_caught_named_and_the_run_exits_0() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = scratch("out-dir");
    let run = quickstart(|c| {
        c.arg("--out-dir").arg(&dir);
    });
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let line = verdict_line(&run.stdout, "book.checksum");
    assert!(line.contains("EXCEEDED per call"), "{line}");
    assert!(
        run.stdout
            .contains("a CI gate on these verdicts fails, as it should")
            && run
                .stdout
                .contains("  book.checksum (examples/quickstart/main.rs:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("only the deliberate violation book.checksum failed"),
        "{}",
        run.stdout
    );
    // Every hot path was amortized and attached, so none is left undecided.
    for path in [
        "book.lowest_level",
        "book.highest_level",
        "book.level_of",
        "book.crosses",
        "book.shard_of",
    ] {
        assert!(
            run.stdout.contains(&format!("measure_path({path}): ")),
            "{path}"
        );
        let line = verdict_line(&run.stdout, path);
        assert!(!line.contains("undecided"), "{line}");
    }
    // The report was sealed where it was told to go, and drawn beside it.
    assert!(dir.join("knhk-quickstart.lockchain").is_file());
    assert!(run.stdout.contains(&dir.display().to_string()));
    picture_shows_every_path(&dir, &run.stdout);
    telemetry_is_clean(&run.stdout);
}

/// The report's picture, written beside the lockchain: one panel per path of the
/// verdict table (every `book.*` path), each with its budget mark.
fn picture_shows_every_path(dir: &std::path::Path, stdout: &str) {
    let path = dir.join("knhk-quickstart-report.svg");
    assert!(
        stdout.contains(&format!("report drawn in {}", path.display())),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no picture at {}: {e}", path.display()));
    assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
    let names: Vec<&str> = stdout
        .split("budget verdicts at p")
        .nth(1)
        .expect("a verdict table")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with("book."))
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    for name in &names {
        assert_eq!(
            svg.matches(&format!(r#"<g class="path" data-name="{name}""#))
                .count(),
            1,
            "{name} has no panel, or more than one"
        );
    }
    assert_eq!(svg.matches(r#"<g class="path""#).count(), names.len());
    assert_eq!(svg.matches(r#"<line class="budget""#).count(), names.len());
}

/// The live check's line: every submission's span and the runtime's events seen, no
/// violation, and every registry attribute emitted but those the quickstart has no
/// occasion to (it recovers no torn lockchain, exports no metrics and uses no arena).
fn telemetry_is_clean(stdout: &str) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("telemetry: "))
        .unwrap_or_else(|| panic!("no telemetry line in:\n{stdout}"));
    assert!(line.contains(", 300000 spans; 0 violations, "), "{line}");
    let events: u64 = line["telemetry: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    // The over-budget events of the deliberate violation, and the lockchain's sync.
    assert!(events >= 2, "{line}");
    // What the quickstart has no occasion to record: a torn lockchain's tail, the
    // metrics' path kind (exported, not emitted), and the attributes of the arena, the
    // circuit breaker and `ContextResult::trace_err`, which it does not use.
    let never = ["lockchain.discarded_bytes", "performance.path_kind"];
    let never_families = ["arena.", "breaker.", "knhk.error."];
    let unseen: Vec<&str> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("  not emitted in this run: "))
        .map(|list| list.split(", ").collect())
        .unwrap_or_default();
    for attribute in &unseen {
        assert!(
            never.contains(attribute) || never_families.iter().any(|f| attribute.starts_with(f)),
            "{attribute} was not emitted: {line}\n{stdout}"
        );
    }
    let coverage = line.split("registry coverage ").nth(1).expect(line);
    let (seen, total) = coverage
        .split(' ')
        .next()
        .and_then(|c| c.split_once('/'))
        .expect(line);
    let (seen, total): (usize, usize) = (seen.parse().unwrap(), total.parse().unwrap());
    assert_eq!(seen + unseen.len(), total, "{line}");
}

/// In a debug build too (where the gate's timings are not judged), what the quickstart
/// emits follows its registries.
#[test]
fn what_the_quickstart_emits_follows_its_registries() {
    // Not beside the run whose timings are judged.
    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = scratch("telemetry");
    let run = quickstart(|c| {
        c.arg("--out-dir").arg(&dir);
    });
    assert_ne!(run.code, 3, "{}", run.stderr);
    picture_shows_every_path(&dir, &run.stdout);
    telemetry_is_clean(&run.stdout);
}

#[test]
#[cfg_attr(
    any(debug_assertions, not(feature = "measure")),
    ignore = "judges the optimised, measuring build: scripts/test runs it with --release --features measure"
)]
fn two_runs_at_once_in_their_own_directories_do_not_collide() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (a, b) = (scratch("env-a"), scratch("env-b"));
    let runs = std::thread::scope(|s| {
        let one = s.spawn(|| {
            quickstart(|c| {
                c.env("KNHK_QUICKSTART_DIR", &a);
            })
        });
        let two = s.spawn(|| {
            quickstart(|c| {
                c.env("KNHK_QUICKSTART_DIR", &b);
            })
        });
        [one.join().unwrap(), two.join().unwrap()]
    });
    // Two at once share the cores, so their timings (and with them the gate) are not
    // what this judges: only that each sealed its report in its own directory, where a
    // shared lockchain would have failed one of them on the writer lock (exit 3).
    for (run, dir) in runs.iter().zip([&a, &b]) {
        assert_ne!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("report sealed as entry 0 of 1"),
            "{}",
            run.stdout
        );
        assert!(dir.join("knhk-quickstart.lockchain").is_file());
    }
}

#[test]
fn bad_arguments_exit_2_with_the_usage() {
    for args in [&["--out-dir"][..], &["--frobnicate"][..]] {
        let run = quickstart(|c| {
            c.args(args);
        });
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("usage: quickstart"), "{}", run.stderr);
    }
}

#[cfg(feature = "otel")]
#[path = "../../knhk-runtime/tests/otlp_receiver/mod.rs"]
mod otlp_receiver;

/// Built with feature `otel`, the quickstart exports what it emits and its hot paths'
/// statistics to the collector `OTEL_EXPORTER_OTLP_ENDPOINT` names, and has sent them
/// all by the time it exits.
#[test]
#[cfg(feature = "otel")]
fn with_an_endpoint_it_exports_to_the_collector_and_flushes_before_it_exits() {
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;
    use otlp_receiver::{int_attribute as int, string_attribute as string};

    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let receiver = otlp_receiver::Receiver::start();
    let dir = scratch("otel");
    let run = quickstart(|c| {
        c.arg("--out-dir")
            .arg(&dir)
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint)
            // No periodic export during the run: what arrives was flushed at the end.
            .env("OTEL_METRIC_EXPORT_INTERVAL", "3600000")
            .env_remove("OTEL_SDK_DISABLED")
            .env_remove("OTEL_SERVICE_NAME");
    });
    assert_ne!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "OpenTelemetry export: spans, events and hot-path metrics sent to {}",
            receiver.endpoint
        )),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    telemetry_is_clean(&run.stdout);

    // Spans: the submissions, named by their operation (`otel.name`), each carrying the
    // registry span's attributes. The batch queue keeps what it can of 300 000.
    let traces = receiver.received.traces.lock().unwrap().clone();
    let submits: Vec<_> = traces
        .iter()
        .flat_map(|t| &t.resource_spans)
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .filter(|s| s.name == "submit")
        .collect();
    assert!(!submits.is_empty(), "no submission span arrived");
    for span in &submits {
        assert!(
            string(&span.attributes, "orders.side").is_some_and(|s| s == "buy" || s == "sell")
                && int(&span.attributes, "orders.order.id").is_some()
                && int(&span.attributes, "orders.price").is_some(),
            "{:?}",
            span.attributes
        );
    }

    // Events: the deliberate violation's over-budget event, and the lockchain's sync.
    let records: Vec<_> = receiver
        .received
        .logs
        .lock()
        .unwrap()
        .iter()
        .flat_map(|l| l.resource_logs.clone())
        .flat_map(|r| r.scope_logs)
        .flat_map(|s| s.log_records)
        .collect();
    assert!(
        records
            .iter()
            .any(|r| r.event_name == "knhk.performance.budget_exceeded"
                && string(&r.attributes, "code.function.name") == Some("book.checksum")),
        "no over-budget event of book.checksum"
    );
    assert!(
        records
            .iter()
            .any(|r| r.event_name == "knhk.lockchain.synced")
    );

    // Metrics: one export, at exit, with every hot path's histogram.
    let metrics = receiver.received.metrics.lock().unwrap().clone();
    assert_eq!(metrics.len(), 1, "one export, at exit");
    let resource_metrics = &metrics[0].resource_metrics[0];
    let resource = &resource_metrics.resource.as_ref().unwrap().attributes;
    assert_eq!(string(resource, "service.name"), Some("knhk-quickstart"));
    let duration = resource_metrics.scope_metrics[0]
        .metrics
        .iter()
        .find(|m| m.name == "knhk.path.duration")
        .expect("no knhk.path.duration");
    let Some(Data::Histogram(histogram)) = &duration.data else {
        panic!("{duration:?}");
    };
    for path in ["book.lowest_level", "book.level_of", "book.checksum"] {
        let point = histogram
            .data_points
            .iter()
            .find(|p| string(&p.attributes, "code.function.name") == Some(path))
            .unwrap_or_else(|| panic!("no histogram of {path}"));
        assert!(point.count > 0, "{path}: {point:?}");
        assert_eq!(
            point.bucket_counts.iter().sum::<u64>(),
            point.count,
            "{path}"
        );
        assert!(
            string(&point.attributes, "code.file.path")
                .is_some_and(|f| f.ends_with("quickstart/main.rs")),
            "{path}: {:?}",
            point.attributes
        );
    }
}
