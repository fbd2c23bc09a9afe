//! `Report::to_svg` of a real report: measured paths called (one of them amortized,
//! one named with every character XML escapes) and one never called. The picture
//! parses, and every path in the report has its panel, its bars and its marks.
#![cfg(feature = "macros")]

use knhk_runtime::{Policy, Report};
use roxmltree::{Document, Node};
use std::hint::black_box;

const AWKWARD: &str = "svg.parity <'&\">";

#[knhk_runtime::hot_path(8, name = "svg.parity <'&\">", measure = "always")]
fn parity(x: u64) -> bool {
    x.count_ones() % 2 == 1
}

#[knhk_runtime::warm_path(budget = "20us", name = "svg.sum", measure = "always")]
fn sum(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

#[knhk_runtime::hot_path(4, name = "svg.never", measure = "always")]
fn never(x: u64) -> u64 {
    x + 1
}

fn has_class(node: &Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|c| c == class))
}

fn number(node: &Node<'_, '_>, attribute: &str) -> u64 {
    node.attribute(attribute)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number {attribute} on {node:?}"))
}

#[test]
fn a_real_report_draws_every_path_with_its_bars_and_marks() {
    let xs: Vec<u64> = (0..1_000).collect();
    for i in 0..2_000 {
        black_box(parity(black_box(i)));
        if i % 10 == 0 {
            black_box(sum(black_box(&xs)));
        }
    }
    // Registered, never called.
    black_box(never as fn(u64) -> u64);
    let m = knhk_runtime::measure_path(AWKWARD, 1_000, || parity(black_box(7)));
    assert!(m.is_attached(), "{m}");

    let report: Report = knhk_runtime::report();
    let policy = Policy::at_percentile(50.0);
    let svg = report.to_svg_with(&policy);
    let doc = Document::parse(&svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let panels: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "path"))
        .collect();
    assert_eq!(panels.len(), report.paths.len());
    // Other tests in this binary may register paths too; these three must be there.
    for name in [AWKWARD, "svg.sum", "svg.never"] {
        assert!(report.path(name).is_some(), "{name} not in the report");
    }
    for (path, panel) in report.paths.iter().zip(&panels) {
        assert_eq!(panel.attribute("data-name"), Some(path.name.as_str()));
        let of = |class: &str| -> Vec<Node<'_, '_>> {
            panel
                .descendants()
                .filter(|n| n.is_element() && has_class(n, class))
                .collect()
        };
        let bars: Vec<(u64, u64, u64)> = of("bar")
            .iter()
            .map(|b| {
                (
                    number(b, "data-low"),
                    number(b, "data-high"),
                    number(b, "data-count"),
                )
            })
            .collect();
        assert_eq!(bars, path.stats.histogram, "{}", path.name);
        assert_eq!(
            bars.iter().map(|b| b.2).sum::<u64>(),
            path.stats.calls,
            "{}",
            path.name
        );
        let budget = of("budget");
        assert_eq!(budget.len(), 1, "{}", path.name);
        assert_eq!(
            number(&budget[0], "data-ticks"),
            path.budget.ticks(&report.calibration).get()
        );
        let margin = of("margin");
        assert_eq!(margin.len(), 1, "{}", path.name);
        assert_eq!(
            number(&margin[0], "data-margin"),
            policy.margin(&report.calibration)
        );
        assert_eq!(of("amortized").len(), usize::from(path.amortized.is_some()));
    }
    let panel = |name: &str| {
        *panels
            .iter()
            .find(|g| g.attribute("data-name") == Some(name))
            .unwrap()
    };
    let calls = |name: &str| number(&panel(name), "data-calls");
    assert!(calls(AWKWARD) > 2_000);
    assert_eq!(calls("svg.sum"), 200);
    assert_eq!(calls("svg.never"), 0);
    assert_eq!(
        panel("svg.never").attribute("data-verdict"),
        Some("not-called")
    );
    assert!(
        panel("svg.never")
            .descendants()
            .any(|n| n.text() == Some("no calls measured"))
    );
    assert!(
        panel(AWKWARD)
            .descendants()
            .any(|n| has_class(&n, "amortized"))
    );
}
