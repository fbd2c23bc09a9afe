//! A report sealed into a lockchain by the first report format still reads back, and
//! says what it lacks. The fixture was written by the quickstart before format 2.
#![cfg(unix)]

use knhk_runtime::lockchain::LockchainReader;
use knhk_runtime::{Policy, REPORT_FORMAT, Report, Verdict};
use std::path::Path;

fn sealed_v1_report() -> Report {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report_v1.lockchain");
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-v1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("report_v1.lockchain");
    std::fs::copy(&fixture, &copy).unwrap();
    let chain = LockchainReader::open(&copy).unwrap();
    chain.verify().unwrap();
    let entry = chain.get(0).expect("one sealed report");
    let json = std::str::from_utf8(entry.payload()).unwrap();
    assert!(
        !json.contains("\"format\""),
        "the fixture predates the format field"
    );
    Report::from_json(json).expect("a format-1 report reads back")
}

#[test]
fn a_format_1_report_reads_back_and_says_what_it_lacks() {
    let report = sealed_v1_report();
    assert_eq!(report.format, 1);
    assert_ne!(report.format, REPORT_FORMAT);
    assert_eq!(report.paths.len(), 8);
    let cal = report.calibration;
    assert_eq!(cal.overhead_mean, None);
    assert_eq!(cal.overhead_tail, None);
    assert_eq!(cal.resolution_basis, None);
    assert_eq!(cal.nested_probe, None);
    let checksum = report.path("book.checksum").unwrap();
    assert_eq!(checksum.stats.calls, 2);
    assert_eq!(checksum.stats.raw_sum, None);
    assert_eq!(checksum.stats.mean_per_call(&cal), None);
    assert_eq!(checksum.amortized, None);

    let table = report.to_string();
    assert!(
        table.contains("report format 1 (this build writes 2)"),
        "{table}"
    );
    assert!(table.contains("spread not recorded"), "{table}");
}

#[test]
fn a_format_1_report_is_judged_by_the_new_rules() {
    let report = sealed_v1_report();
    // Without a recorded tail, the margin is the median overhead: still far below the
    // deliberate violation's hundreds of thousands of ticks.
    let verdicts = report.check(&Policy::at_percentile(90.0));
    let checksum = verdicts.get("book.checksum").unwrap();
    assert!(matches!(checksum, Verdict::Exceeded { .. }), "{checksum:?}");
    assert!(verdicts.into_result().is_err());
}
