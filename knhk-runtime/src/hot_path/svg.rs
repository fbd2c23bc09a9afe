//! The report as a picture: [`Report::to_svg`].
//!
//! Written as text, with no drawing crate: one panel per path, its histogram on a log2
//! axis of ticks shared by every panel, with the budget, the band the verdict rules
//! cannot decide in, the policy's percentile and the amortized figure marked.

use super::report::{PathReport, REPORT_FORMAT, Report, display_name};
use super::verdict::{Policy, Verdict};
use super::{Budget, PathKind};
use crate::tick::{Calibration, ClockSource};
use std::fmt::Write;

/// The picture's width; its height grows with the number of paths.
const WIDTH: f64 = 1000.0;
/// Left of the plots: the count axis's labels.
const LEFT: f64 = 64.0;
/// Right of the plots.
const RIGHT: f64 = 24.0;
/// Title, calibration and legend.
const HEADER: f64 = 150.0;
/// One path: three lines of text, three rows of mark labels, the plot, the tick labels.
const PANEL: f64 = 236.0;
/// From a panel's top to its plot's top.
const PLOT_TOP: f64 = 96.0;
/// The plot's height.
const PLOT_HEIGHT: f64 = 106.0;
const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";
/// About the width of a character of the 10-pixel labels, to keep them inside.
const LABEL_CHAR: f64 = 6.0;

const MET: &str = "#4477aa";
const UNDECIDED: &str = "#ddaa33";
const EXCEEDED: &str = "#cc3311";
const BAND: &str = "#ddaa33";
const AMORTIZED: &str = "#aa3377";
const GRID: &str = "#e4e4e4";
const MUTED: &str = "#555555";

impl Report {
    /// The report as an SVG picture, its verdicts under the default [`Policy`]
    /// (the 99th percentile); see [`Report::to_svg_with`].
    ///
    /// ```
    /// let svg = knhk_runtime::report().to_svg();
    /// assert!(svg.starts_with("<svg"));
    /// std::fs::write(std::env::temp_dir().join("knhk-report.svg"), svg)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn to_svg(&self) -> String {
        self.to_svg_with(&Policy::default())
    }

    /// The report as an SVG picture, its verdicts under `policy`.
    ///
    /// A title with the calibration and the margin of the verdict rules, a legend, then
    /// one panel per path (`<g class="path" data-name="..">`): its name, kind, budget
    /// and verdict ([`Policy::judge`]), its calls and figures, and its histogram:
    ///
    /// - **x**: ticks per call on a log2 axis, shared by every panel and labelled at
    ///   0, 1, 2, 4, .. (`Ki` = 1024, `Mi` = 1024²). A reading of `v` ticks is drawn
    ///   from `v - ½` to `v + ½`, a bucket from its lowest reading's start to its
    ///   highest's end; below 1 the axis is linear, so that 0 sits one octave left of 1.
    /// - **y**: calls per bucket, log10(1 + calls), so that a bucket of one call in a
    ///   million still shows; gridlines at 1, 10, 100, ...
    /// - bars (`class="bar"`, `data-low`, `data-high`, `data-count`), one per non-empty
    ///   bucket, coloured by where the bucket stands against the rules: within the
    ///   budget (the percentile there would be met), beyond budget + margin (proof of
    ///   exceeding), or between (undecided);
    /// - the budget (`class="budget"`), between a reading of the budget and one tick
    ///   more, and the band the rules decide nothing in (`class="margin"`): from
    ///   budget − the overhead's drift (from the axis's start when the budget is below
    ///   the resolution) to budget + [`Policy::margin`];
    /// - the bucket of the policy's percentile (`class="percentile"`);
    /// - the amortized figure, where one was attached (`class="amortized"`).
    ///
    /// The output depends on the report and the policy alone: the same report draws
    /// the same text.
    pub fn to_svg_with(&self, policy: &Policy) -> String {
        let calibration = policy.calibration.as_ref().unwrap_or(&self.calibration);
        let axis = Axis::new(
            self.paths
                .iter()
                .map(|p| extent(p, policy, calibration))
                .fold(8.0, f64::max),
        );
        let height = HEADER + PANEL * self.paths.len().max(1) as f64;
        let mut svg = Svg(String::with_capacity(4096 + 4096 * self.paths.len()));
        let _ = write!(
            svg.0,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="11">"#
        );
        svg.0.push('\n');
        svg.element(
            "title",
            "",
            &format!(
                "knhk budget report: {}",
                plural(self.paths.len() as u64, "path")
            ),
        );
        let _ = writeln!(
            svg.0,
            r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
        );
        self.header(&mut svg, policy, calibration);
        for (i, path) in self.paths.iter().enumerate() {
            panel(
                &mut svg,
                path,
                HEADER + PANEL * i as f64,
                &axis,
                policy,
                calibration,
                &self.calibration,
            );
        }
        if self.paths.is_empty() {
            svg.text(
                LEFT,
                HEADER + 24.0,
                r#"class="empty" font-size="13""#,
                "no measured paths registered",
            );
        }
        svg.0.push_str("</svg>\n");
        svg.0
    }

    fn header(&self, svg: &mut Svg, policy: &Policy, calibration: &Calibration) {
        let p = policy.percentile;
        svg.text(
            LEFT,
            24.0,
            r#"class="title" font-size="16" font-weight="bold""#,
            &format!(
                "knhk budget report: {}, verdicts at p{p}",
                plural(self.paths.len() as u64, "path")
            ),
        );
        let basis = calibration
            .resolution_basis
            .map_or_else(|| "basis not recorded".to_owned(), |b| b.to_string());
        let judged = if policy.calibration.is_some() {
            "judged under the policy's calibration: "
        } else {
            ""
        };
        svg.text(
            LEFT,
            43.0,
            r#"class="calibration""#,
            &format!(
                "{judged}counter: {} at {:.3} ticks/ns; resolution {} ticks ({basis})",
                match calibration.source {
                    ClockSource::Tsc => "TSC",
                    ClockSource::Cntvct => "CNTVCT_EL0",
                    ClockSource::Instant => "Instant, in ns",
                },
                calibration.ticks_per_ns,
                calibration.resolution.get(),
            ),
        );
        let mut overhead = format!(
            "overhead median {} ticks, subtracted from every reading; drift {}",
            calibration.overhead_median.get(),
            calibration.overhead_drift.map_or_else(
                || "not measured".to_owned(),
                |d| format!("{} ticks since calibration", d.get())
            ),
        );
        if self.format != REPORT_FORMAT {
            let _ = write!(
                overhead,
                "; report format {} (this build writes {REPORT_FORMAT})",
                self.format
            );
        }
        svg.text(LEFT, 58.0, r#"class="overhead""#, &overhead);
        svg.text(
            LEFT,
            73.0,
            r#"class="rules""#,
            &format!(
                "margin at p{p}: {} ticks, the largest of the resolution, the overhead's spread at p{p} and its drift",
                policy.margin(calibration)
            ),
        );

        // The legend: what each colour and mark is.
        let y = 96.0;
        let mut x = LEFT;
        for (fill, label) in [
            (MET, "within budget − drift"),
            (UNDECIDED, "undecided"),
            (EXCEEDED, "above budget + margin"),
        ] {
            let _ = writeln!(
                svg.0,
                r#"<rect x="{x:.1}" y="{:.1}" width="12" height="10" fill="{fill}"/>"#,
                y - 9.0
            );
            svg.text(x + 16.0, y, "", label);
            x += 16.0 + 6.4 * label.chars().count() as f64 + 14.0;
        }
        let _ = writeln!(
            svg.0,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{BAND}" fill-opacity="0.25"/><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{y:.1}" stroke="black" stroke-width="2"/>"#,
            y - 10.0,
            x + 4.0,
            y - 11.0,
            x + 4.0
        );
        let label = "budget; shaded: undecided per call";
        svg.text(x + 16.0, y, "", label);
        x += 16.0 + 6.4 * label.chars().count() as f64 + 14.0;
        let _ = writeln!(
            svg.0,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{y:.1}" stroke="{AMORTIZED}" stroke-width="2" stroke-dasharray="4 2"/>"#,
            y - 11.0
        );
        svg.text(x + 6.0, y, "", "amortized");
        x += 6.0 + 6.4 * 9.0 + 14.0;
        let _ = writeln!(
            svg.0,
            r#"<path d="M{:.1} {:.1} h10 l-5 8 z" fill="black"/>"#,
            x,
            y - 9.0
        );
        svg.text(x + 14.0, y, "", &format!("p{p}'s bucket"));
        svg.text(
            LEFT,
            114.0,
            &format!(r#"fill="{MUTED}""#),
            "x: ticks per call on a log2 axis (Ki = 1024), a reading of v ticks drawn from v − ½ to v + ½; \
             y: calls per bucket, log10(1 + calls)",
        );
        svg.text(
            LEFT,
            129.0,
            &format!(r#"fill="{MUTED}""#),
            &format!(
                "verdict: met when p{p}'s bucket ends within budget − drift, exceeded when it starts above \
                 budget + margin, else decided by the amortized figure"
            ),
        );
    }
}

/// The largest tick value a path's panel has to show.
fn extent(path: &PathReport, policy: &Policy, calibration: &Calibration) -> f64 {
    let budget = path.budget.ticks(calibration).get();
    let mut max = budget.saturating_add(policy.margin(calibration)) as f64;
    max = max.max(path.stats.max_ticks.unwrap_or(0) as f64);
    if let Some(&(_, high, _)) = path.stats.histogram.last() {
        max = max.max(high as f64);
    }
    if let Some(m) = &path.amortized
        && m.ticks_per_call.is_finite()
    {
        max = max.max(m.ticks_per_call);
    }
    max + 0.5
}

/// Where a tick value lies on the axis, in octaves: log2 from 1 up, linear below
/// (from -½, where the reading of 0 starts), so that 0 sits one octave left of 1.
fn octaves(ticks: f64) -> f64 {
    if ticks >= 1.0 {
        ticks.log2()
    } else {
        ticks.max(-0.5) - 1.0
    }
}

/// The x axis, shared by every panel.
struct Axis {
    /// The highest octave shown.
    top: f64,
}

impl Axis {
    /// The lowest octave shown: where a reading of 0 starts.
    const START: f64 = -1.5;

    fn new(max_ticks: f64) -> Axis {
        Axis {
            top: (octaves(max_ticks).floor() + 1.0).clamp(3.0, 64.0),
        }
    }

    fn width() -> f64 {
        WIDTH - LEFT - RIGHT
    }

    /// The x coordinate of `ticks`.
    fn x(&self, ticks: f64) -> f64 {
        let o = octaves(ticks).clamp(Self::START, self.top);
        LEFT + (o - Self::START) / (self.top - Self::START) * Self::width()
    }

    /// Where a bucket of readings `low..=high` starts and ends.
    fn span(&self, low: u64, high: u64) -> (f64, f64) {
        (self.x(low as f64 - 0.5), self.x(high as f64 + 0.5))
    }

    /// Where readings of at most `ticks` end: a mark between `ticks` and `ticks + 1`.
    fn after(&self, ticks: u64) -> f64 {
        self.x(ticks as f64 + 0.5)
    }

    fn pixels_per_octave(&self) -> f64 {
        Self::width() / (self.top - Self::START)
    }
}

/// 2^k, written short and exact.
fn power_of_two(k: u32) -> String {
    const UNITS: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let unit = (k / 10) as usize;
    format!("{}{}", 1_u64 << (k - 10 * unit as u32), UNITS[unit])
}

/// 10^k, written short.
fn power_of_ten(k: u32) -> String {
    match k {
        0..=2 => 10_u64.pow(k).to_string(),
        3..=5 => format!("{}k", 10_u64.pow(k - 3)),
        6..=8 => format!("{}M", 10_u64.pow(k - 6)),
        _ => format!("1e{k}"),
    }
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Where a bucket stands against the verdict rules, were the percentile in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    Met,
    Undecided,
    Exceeded,
}

/// A path's budget and the figures the verdict rules compare with it, in ticks.
struct Rules {
    budget: u64,
    margin: u64,
    drift: u64,
    resolution: u64,
}

impl Rules {
    /// As [`Policy::judge`] would judge a percentile in bucket `low..=high`.
    fn zone(&self, low: u64, high: u64) -> Zone {
        if low > self.budget.saturating_add(self.margin) {
            Zone::Exceeded
        } else if self.budget >= self.resolution && high.saturating_add(self.drift) <= self.budget {
            Zone::Met
        } else {
            Zone::Undecided
        }
    }

    /// The highest value a bucket may end at and be met, if any: the band's start.
    fn met_up_to(&self) -> Option<u64> {
        (self.budget >= self.resolution)
            .then(|| self.budget.checked_sub(self.drift))
            .flatten()
    }

    /// Where the band ends: a bucket starting above it is proof of exceeding.
    fn band_high(&self) -> u64 {
        self.budget.saturating_add(self.margin)
    }
}

fn panel(
    svg: &mut Svg,
    path: &PathReport,
    top: f64,
    axis: &Axis,
    policy: &Policy,
    calibration: &Calibration,
    measured_under: &Calibration,
) {
    let verdict = policy.judge(path, calibration);
    let stats = &path.stats;
    let rules = Rules {
        budget: path.budget.ticks(calibration).get(),
        margin: policy.margin(calibration),
        drift: calibration.drift().get(),
        resolution: calibration.resolution.get(),
    };
    let _ = writeln!(
        svg.0,
        r#"<g class="path" data-name="{}" data-kind="{}" data-location="{}:{}" data-id="{:#018x}" data-calls="{}" data-verdict="{}">"#,
        escape(&path.name),
        path.kind,
        escape(&path.file),
        path.line,
        path.id,
        stats.calls,
        verdict_key(&verdict),
    );

    // Three lines of text: which path, its verdict, its figures.
    let kind = match path.kind {
        PathKind::Hot => "hot path",
        PathKind::Warm => "warm path",
    };
    let budget = match path.budget {
        Budget::Ticks(_) => format!("budget {}", path.budget),
        Budget::Nanos(_) => format!("budget {} = {} ticks", path.budget, rules.budget),
    };
    let generic = if path.generic {
        "; generic, one path for every instantiation"
    } else {
        ""
    };
    let _ = writeln!(
        svg.0,
        r#"<text x="{LEFT}" y="{:.1}" class="name" font-size="13"><tspan font-weight="bold">{}</tspan><tspan dx="10" fill="{MUTED}">{kind}, {}{generic}</tspan></text>"#,
        top + 18.0,
        escape(&display_name(path)),
        escape(&budget),
    );
    let (colour, weight) = match verdict {
        Verdict::Met { .. } | Verdict::MetAmortized { .. } => ("#117733", "normal"),
        Verdict::Exceeded { .. } | Verdict::ExceededAmortized { .. } => (EXCEEDED, "bold"),
        Verdict::NotMeasurablePerCall { .. } => ("#aa6600", "normal"),
        Verdict::NotCalled => (MUTED, "normal"),
    };
    svg.text(
        LEFT,
        top + 35.0,
        &format!(r#"class="verdict" fill="{colour}" font-weight="{weight}""#),
        &format!("verdict: {verdict}"),
    );
    svg.text(
        LEFT,
        top + 51.0,
        "class=\"figures\"",
        &figures(path, measured_under),
    );

    let plot_top = top + PLOT_TOP;
    let bottom = plot_top + PLOT_HEIGHT;
    let right = LEFT + Axis::width();

    // Count axis: log10(1 + calls), gridlines at the powers of ten.
    let most = stats
        .histogram
        .iter()
        .map(|&(_, _, n)| n)
        .max()
        .unwrap_or(0);
    let decades = (most.max(10) as f64).log10().ceil() as u32;
    let scale = (1.0 + 10_f64.powi(decades as i32)).log10();
    let y = |count: u64| bottom - PLOT_HEIGHT * (1.0 + count as f64).log10() / scale;
    let _ = writeln!(
        svg.0,
        r##"<rect x="{LEFT}" y="{plot_top:.1}" width="{:.1}" height="{PLOT_HEIGHT}" fill="#fafafa" stroke="#bbbbbb"/>"##,
        Axis::width()
    );
    let every = if decades > 6 { 2 } else { 1 };
    for k in (0..=decades).step_by(every) {
        let gy = y(10_u64.pow(k));
        let _ = writeln!(
            svg.0,
            r#"<line x1="{LEFT}" y1="{gy:.1}" x2="{right:.1}" y2="{gy:.1}" stroke="{GRID}"/>"#
        );
        svg.text(
            LEFT - 4.0,
            gy + 3.5,
            &format!(r#"text-anchor="end" font-size="9" fill="{MUTED}""#),
            &power_of_ten(k),
        );
    }
    svg.text(
        LEFT - 4.0,
        plot_top - 12.0,
        &format!(r#"text-anchor="end" font-size="9" fill="{MUTED}""#),
        "calls",
    );

    // Tick axis: a gridline at 0 and every power of two, labels as far apart as fit.
    let step = match axis.pixels_per_octave() {
        p if p >= 34.0 => 1,
        p if p >= 17.0 => 2,
        _ => 4,
    };
    let grid = std::iter::once((0.0, "0".to_owned())).chain(
        (0..=(axis.top as u32))
            .filter(|k| k % step == 0)
            .map(|k| ((1_u64 << k.min(63)) as f64, power_of_two(k))),
    );
    for (ticks, label) in grid {
        let gx = axis.x(ticks);
        let _ = writeln!(
            svg.0,
            r#"<line x1="{gx:.1}" y1="{plot_top:.1}" x2="{gx:.1}" y2="{bottom:.1}" stroke="{GRID}"/>"#
        );
        svg.text(
            gx,
            bottom + 13.0,
            &format!(r#"text-anchor="middle" font-size="9" fill="{MUTED}""#),
            &label,
        );
    }
    svg.text(
        right,
        bottom + 26.0,
        &format!(r#"text-anchor="end" font-size="9" fill="{MUTED}""#),
        &format!("{} per call (log2)", calibration.source.unit()),
    );

    // The band the rules decide nothing in, under the bars.
    let band_high = rules.band_high();
    let met_up_to = rules.met_up_to();
    let x1 = met_up_to.map_or(axis.x(-0.5), |t| axis.after(t));
    let x2 = axis.after(band_high);
    let _ = writeln!(
        svg.0,
        r#"<rect class="margin" data-low="{}" data-high="{band_high}" data-margin="{}" data-drift="{}" x="{:.1}" y="{plot_top:.1}" width="{:.1}" height="{PLOT_HEIGHT}" fill="{BAND}" fill-opacity="0.25"><title>{}</title></rect>"#,
        met_up_to.map_or_else(|| "none".to_owned(), |t| t.to_string()),
        rules.margin,
        rules.drift,
        x1,
        // A band narrower than a pixel (a margin of a few ticks on a budget of
        // thousands) is still drawn, two pixels wide.
        (x2 - x1).max(2.0),
        escape(&format!(
            "undecided per call: a percentile whose bucket ends above {} and starts at or below {band_high} ticks (budget {} + margin {})",
            met_up_to.map_or_else(
                || "0 ticks - 1 (any: the budget is below the resolution)".to_owned(),
                |t| t.to_string()
            ),
            rules.budget,
            rules.margin,
        )),
    );

    for &(low, high, count) in stats.histogram.iter().filter(|b| b.2 > 0) {
        let (x1, x2) = axis.span(low, high);
        let fill = match rules.zone(low, high) {
            Zone::Met => MET,
            Zone::Undecided => UNDECIDED,
            Zone::Exceeded => EXCEEDED,
        };
        let top = y(count);
        let range = if low == high {
            format!("{low} ticks")
        } else {
            format!("{low}..={high} ticks")
        };
        let _ = writeln!(
            svg.0,
            r#"<rect class="bar" data-low="{low}" data-high="{high}" data-count="{count}" x="{x1:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{fill}" stroke="white" stroke-width="0.5"><title>{range}: {}</title></rect>"#,
            (x2 - x1).max(1.0),
            bottom - top,
            plural(count, "call"),
        );
    }
    if stats.calls == 0 && stats.histogram.is_empty() {
        svg.text(
            LEFT + Axis::width() / 2.0,
            plot_top + PLOT_HEIGHT / 2.0,
            &format!(r#"class="empty" text-anchor="middle" font-size="13" fill="{MUTED}""#),
            "no calls measured",
        );
    }

    // Marks, each with its label on a row of its own above the plot.
    let row = |i: f64| plot_top - 28.0 + 11.0 * i;
    let bx = axis.after(rules.budget);
    let _ = writeln!(
        svg.0,
        r#"<line class="budget" data-ticks="{}" x1="{bx:.1}" y1="{:.1}" x2="{bx:.1}" y2="{bottom:.1}" stroke="black" stroke-width="2"/>"#,
        rules.budget,
        row(0.0) + 2.0,
    );
    let undecided = match met_up_to {
        Some(t) => format!("{}..={band_high}", t + 1),
        None => format!("0..={band_high}, the budget being below the resolution"),
    };
    svg.label(
        bx,
        row(0.0),
        "",
        &format!(
            "budget {}, margin +{}: undecided {undecided}",
            rules.budget, rules.margin
        ),
    );
    if let (Some(upper), Some(lower)) = (
        stats.percentile(policy.percentile),
        stats.percentile_lower_bound(policy.percentile),
    ) {
        let (x1, x2) = axis.span(lower, upper);
        let px = (x1 + x2) / 2.0;
        let _ = writeln!(
            svg.0,
            r#"<path class="percentile" data-percentile="{}" data-low="{lower}" data-high="{upper}" d="M{:.1} {:.1} h10 l-5 8 z" fill="black"/>"#,
            policy.percentile,
            px - 5.0,
            plot_top - 8.0,
        );
        svg.label(
            px,
            row(1.0),
            "",
            &if lower == upper {
                format!("p{} = {upper}", policy.percentile)
            } else {
                format!("p{} in {lower}..={upper}", policy.percentile)
            },
        );
    }
    if let Some(m) = &path.amortized {
        let t = m.ticks_per_call;
        if t.is_finite() {
            let ax = axis.x(t);
            let _ = writeln!(
                svg.0,
                r#"<line class="amortized" data-ticks-per-call="{t}" x1="{ax:.1}" y1="{:.1}" x2="{ax:.1}" y2="{bottom:.1}" stroke="{AMORTIZED}" stroke-width="2" stroke-dasharray="4 2"/>"#,
                row(2.0) + 2.0,
            );
            svg.label(
                ax,
                row(2.0),
                &format!(r#"fill="{AMORTIZED}""#),
                &format!(
                    "amortized {t:.2} ticks per call (median of samples of {})",
                    plural(m.iters, "call")
                ),
            );
        }
    }
    svg.0.push_str("</g>\n");
}

/// The figures line of a panel: calls, min, percentiles, max, mean, amortized.
fn figures(path: &PathReport, calibration: &Calibration) -> String {
    let s = &path.stats;
    if s.calls == 0 {
        return match &path.amortized {
            Some(m) => format!(
                "no calls measured; amortized {:.2} ticks per call",
                m.ticks_per_call
            ),
            None => "no calls measured, no amortized figure".to_owned(),
        };
    }
    let na = |v: Option<u64>| v.map_or_else(|| "n/a".to_owned(), |v| v.to_string());
    let mut text = format!(
        "{} · min {} · p50 {} · p99 {} · max {}",
        plural(s.calls, "call"),
        na(s.min_ticks),
        na(s.percentile(50.0)),
        na(s.percentile(99.0)),
        na(s.max_ticks),
    );
    if let Some(mean) = s.mean_per_call(calibration) {
        let _ = write!(text, " · probe mean {mean:.2}");
    }
    if let Some(m) = &path.amortized {
        let _ = write!(text, " · amortized {:.2}", m.ticks_per_call);
    }
    let _ = write!(text, " · {} over budget", s.over_budget);
    if let Some(a) = s.allocations {
        let _ = write!(text, " · {}", plural(a, "allocation"));
    }
    text
}

fn verdict_key(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Met { .. } => "met",
        Verdict::Exceeded { .. } => "exceeded",
        Verdict::MetAmortized { .. } => "met-amortized",
        Verdict::ExceededAmortized { .. } => "exceeded-amortized",
        Verdict::NotMeasurablePerCall { .. } => "not-measurable-per-call",
        Verdict::NotCalled => "not-called",
    }
}

/// `text` as XML character data or an attribute value: markup escaped, and characters
/// XML 1.0 cannot hold replaced.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The SVG being written.
struct Svg(String);

impl Svg {
    /// `<name attrs>content</name>`, the content escaped.
    fn element(&mut self, name: &str, attrs: &str, content: &str) {
        let space = if attrs.is_empty() { "" } else { " " };
        let _ = writeln!(self.0, "<{name}{space}{attrs}>{}</{name}>", escape(content));
    }

    fn text(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        self.element(
            "text",
            &format!(r#"x="{x:.1}" y="{y:.1}" {attrs}"#),
            content,
        );
    }

    /// A mark's label, right of `x` where it fits, else left of it; haloed in white so
    /// that it reads over the marks it crosses.
    fn label(&mut self, x: f64, y: f64, attrs: &str, content: &str) {
        let width = LABEL_CHAR * content.chars().count() as f64;
        let (x, anchor) = if x + 4.0 + width <= WIDTH - 4.0 {
            (x + 4.0, "start")
        } else {
            (x - 4.0, "end")
        };
        self.text(
            x,
            y,
            &format!(
                r#"text-anchor="{anchor}" font-size="10" stroke="white" stroke-width="3" paint-order="stroke" {attrs}"#
            ),
            content,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hot_path::histogram;
    use crate::hot_path::measure::Measurement;
    use crate::hot_path::report::PathStats;
    use crate::tick::Ticks;
    use roxmltree::{Document, Node};

    /// A counter stepping by 26 ticks whose overhead drifted by 3.
    fn calibration() -> Calibration {
        Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(26))
            .with_overhead_drift(Ticks(3))
    }

    /// A path whose calls read `(ticks, calls)`: one histogram bucket each.
    fn path(name: &str, kind: PathKind, budget: Budget, readings: &[(u64, u64)]) -> PathReport {
        let histogram: Vec<(u64, u64, u64)> = readings
            .iter()
            .map(|&(ticks, n)| {
                let (low, high) = histogram::bounds(histogram::bucket(ticks));
                (low, high, n)
            })
            .collect();
        let calls = histogram.iter().map(|b| b.2).sum();
        let seen = calls > 0;
        PathReport {
            name: name.to_owned(),
            kind,
            budget,
            allow_alloc: false,
            file: "src/book.rs".to_owned(),
            line: 10,
            id: 7,
            duplicate_name: false,
            generic: false,
            amortized: None,
            stats: PathStats {
                calls,
                raw_sum: Some(0),
                min_ticks: seen.then(|| histogram.iter().find(|b| b.2 > 0).unwrap().0),
                max_ticks: seen.then(|| histogram.iter().rev().find(|b| b.2 > 0).unwrap().1),
                histogram,
                ..PathStats::default()
            },
        }
    }

    fn amortized(ticks_per_call: f64) -> Measurement {
        Measurement {
            iters: 10_000,
            ticks_per_call,
            ns_per_call: ticks_per_call / 2.6,
            overhead_subtracted: 1.0,
            resolution: 0.0026,
            samples: vec![ticks_per_call; 31],
            probe_residue_subtracted: 3.0,
        }
    }

    const AWKWARD: &str = "book<'a> & \"quotes\" </g>";

    /// A report with one path of each case: zero-tick buckets and an amortized figure,
    /// a proven violation, a name needing escapes (warm, budget as a duration), a path
    /// never called, and one amortized without calls.
    fn report() -> Report {
        let mut level_of = path(
            "book.level_of",
            PathKind::Hot,
            Budget::Ticks(8),
            // An empty bucket, as a hand-made report may hold: no bar for it.
            &[(0, 900), (1, 50), (2, 30), (3, 0), (9, 15), (100, 5)],
        );
        level_of.amortized = Some(amortized(3.25));
        let mut only_amortized = path("book.shard_of", PathKind::Hot, Budget::Ticks(2), &[]);
        only_amortized.amortized = Some(amortized(1.5));
        Report {
            format: REPORT_FORMAT,
            calibration: calibration(),
            allocations_counted: false,
            paths: vec![
                path(
                    AWKWARD,
                    PathKind::Warm,
                    Budget::Nanos(5_000),
                    &[(9_000, 2), (12_000, 10)],
                ),
                path(
                    "book.checksum",
                    PathKind::Hot,
                    Budget::Ticks(8),
                    &[(416_806, 1)],
                ),
                level_of,
                only_amortized,
                path("book.never", PathKind::Hot, Budget::Ticks(4), &[]),
            ],
        }
    }

    fn has_class(node: &Node<'_, '_>, class: &str) -> bool {
        node.attribute("class")
            .is_some_and(|c| c.split(' ').any(|c| c == class))
    }

    fn with_class<'a, 'i>(panel: Node<'a, 'i>, class: &str) -> Vec<Node<'a, 'i>> {
        panel
            .descendants()
            .filter(|n| n.is_element() && has_class(n, class))
            .collect()
    }

    fn number(node: &Node<'_, '_>, attribute: &str) -> f64 {
        node.attribute(attribute)
            .unwrap_or_else(|| panic!("no {attribute} on {node:?}"))
            .parse()
            .unwrap_or_else(|e| panic!("{attribute} of {node:?}: {e}"))
    }

    fn texts(node: Node<'_, '_>) -> Vec<String> {
        node.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect()
    }

    /// The panel of every path, found by its name: bars one per non-empty bucket with
    /// their counts, the budget mark, the margin band, the amortized mark where known,
    /// the verdict's text; and the marks where the rules put them.
    #[test]
    fn every_path_has_its_panel_bars_budget_and_margin() {
        let report = report();
        let policy = Policy::default();
        let svg = report.to_svg_with(&policy);
        let doc = Document::parse(&svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let title = texts(root).join("\n");
        assert!(
            title.contains("counter: TSC at 2.600 ticks/ns; resolution 26 ticks"),
            "{title}"
        );
        assert!(title.contains("margin at p99: 26 ticks"), "{title}");

        let panels: Vec<Node<'_, '_>> = root
            .descendants()
            .filter(|n| has_class(n, "path"))
            .collect();
        assert_eq!(panels.len(), report.paths.len());
        let cal = calibration();
        let margin = policy.margin(&cal);
        for p in &report.paths {
            let named: Vec<_> = panels
                .iter()
                .filter(|g| g.attribute("data-name") == Some(p.name.as_str()))
                .collect();
            assert_eq!(named.len(), 1, "{}", p.name);
            let panel = *named[0];
            assert_eq!(panel.tag_name().name(), "g");

            let bars = with_class(panel, "bar");
            let buckets: Vec<_> = p
                .stats
                .histogram
                .iter()
                .filter(|b| b.2 > 0)
                .copied()
                .collect();
            let drawn: Vec<_> = bars
                .iter()
                .map(|b| {
                    (
                        number(b, "data-low") as u64,
                        number(b, "data-high") as u64,
                        number(b, "data-count") as u64,
                    )
                })
                .collect();
            assert_eq!(drawn, buckets, "{}", p.name);
            // Bars left to right, none overlapping, taller for more calls.
            for pair in bars.windows(2) {
                assert!(
                    number(&pair[0], "x") + number(&pair[0], "width")
                        <= number(&pair[1], "x") + 0.1,
                    "{}",
                    p.name
                );
            }
            for pair in bars.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                if number(a, "data-count") > number(b, "data-count") {
                    assert!(number(a, "height") > number(b, "height"), "{}", p.name);
                }
            }

            let budget = p.budget.ticks(&cal).get();
            let marks = with_class(panel, "budget");
            assert_eq!(marks.len(), 1, "{}", p.name);
            assert_eq!(number(&marks[0], "data-ticks") as u64, budget);
            let bx = number(&marks[0], "x1");
            for b in &bars {
                let (x, right) = (number(b, "x"), number(b, "x") + number(b, "width"));
                if number(b, "data-low") > budget as f64 {
                    assert!(
                        x >= bx - 0.1,
                        "{}: a bar above budget left of the mark",
                        p.name
                    );
                }
                if number(b, "data-high") <= budget as f64 {
                    assert!(
                        right <= bx + 1.1,
                        "{}: a bar within budget right of the mark",
                        p.name
                    );
                }
            }

            let bands = with_class(panel, "margin");
            assert_eq!(bands.len(), 1, "{}", p.name);
            assert_eq!(number(&bands[0], "data-high") as u64, budget + margin);
            assert_eq!(number(&bands[0], "data-margin") as u64, margin);
            let (band_x, band_right) = (
                number(&bands[0], "x"),
                number(&bands[0], "x") + number(&bands[0], "width"),
            );
            assert!(
                band_x <= bx && bx < band_right,
                "{}: the budget outside its band",
                p.name
            );

            let amortized = with_class(panel, "amortized");
            match &p.amortized {
                Some(m) => {
                    assert_eq!(amortized.len(), 1, "{}", p.name);
                    assert_eq!(
                        number(&amortized[0], "data-ticks-per-call"),
                        m.ticks_per_call
                    );
                    // Below the budget, so left of its mark.
                    assert!(number(&amortized[0], "x1") < bx, "{}", p.name);
                }
                None => assert!(amortized.is_empty(), "{}", p.name),
            }

            let verdict = policy.judge(p, &cal);
            let said = texts(panel);
            assert!(
                said.iter().any(|t| t.ends_with(&verdict.to_string())),
                "{}: no verdict {verdict} in {said:?}",
                p.name
            );
            assert_eq!(
                p.stats.calls == 0,
                said.iter().any(|t| t == "no calls measured"),
                "{}",
                p.name
            );
            assert_eq!(
                with_class(panel, "percentile").len(),
                usize::from(p.stats.calls > 0),
                "{}",
                p.name
            );
        }
        let verdict_of = |name: &str| {
            panels
                .iter()
                .find(|g| g.attribute("data-name") == Some(name))
                .unwrap()
                .attribute("data-verdict")
                .unwrap()
        };
        assert_eq!(verdict_of("book.checksum"), "exceeded");
        assert_eq!(verdict_of("book.level_of"), "met-amortized");
        assert_eq!(verdict_of("book.never"), "not-called");
        assert_eq!(verdict_of(AWKWARD), "met");
    }

    /// The bucket of 0 ticks has a bar of its own, left of 1's, at the axis's start.
    #[test]
    fn zero_ticks_have_a_bar_left_of_one() {
        let svg = report().to_svg();
        let doc = Document::parse(&svg).unwrap();
        let panel = doc
            .descendants()
            .find(|n| n.attribute("data-name") == Some("book.level_of"))
            .unwrap();
        let bars = with_class(panel, "bar");
        let (zero, one) = (&bars[0], &bars[1]);
        assert_eq!(
            (number(zero, "data-low"), number(one, "data-low")),
            (0.0, 1.0)
        );
        assert_eq!(number(zero, "x"), LEFT);
        assert!(number(zero, "width") > 10.0);
        assert!((number(zero, "x") + number(zero, "width") - number(one, "x")).abs() < 0.2);
    }

    /// A name is escaped wherever it is written, and the output is the same every time.
    #[test]
    fn names_are_escaped_and_the_output_is_deterministic() {
        let report = report();
        let svg = report.to_svg();
        assert!(!svg.contains(AWKWARD), "written unescaped");
        assert!(svg.contains("book&lt;&apos;a&gt; &amp; &quot;quotes&quot; &lt;/g&gt;"));
        assert_eq!(svg, report.to_svg());
        assert_eq!(escape("a\u{1}b\u{ffff}"), "a\u{fffd}b\u{fffd}");
        // A generic path sharing its name is told apart as the tables tell it.
        let mut shared = report.clone();
        shared.paths[1].generic = true;
        shared.paths[1].duplicate_name = true;
        let svg = shared.to_svg();
        let doc = Document::parse(&svg).unwrap();
        assert!(
            texts(doc.root_element())
                .iter()
                .any(|t| t.starts_with("book.checksum<..> (src/book.rs:10)")),
            "{svg}"
        );
        let mut control = report.clone();
        control.paths[0].name = "bell\u{7}".to_owned();
        Document::parse(&control.to_svg()).expect("a control character made it unparseable");
    }

    /// A budget below the counter's resolution is undecided per call from 0 up: the band
    /// starts at the axis's start, and no bar is coloured met.
    #[test]
    fn a_budget_below_the_resolution_is_undecided_from_zero() {
        let mut report = report();
        report.paths.retain(|p| p.name == "book.level_of");
        report.paths[0].budget = Budget::Ticks(4);
        let svg = report.to_svg();
        let doc = Document::parse(&svg).unwrap();
        let band = doc.descendants().find(|n| has_class(n, "margin")).unwrap();
        assert_eq!(band.attribute("data-low"), Some("none"));
        assert_eq!(number(&band, "x"), LEFT);
        assert!(
            with_class(doc.root_element(), "bar")
                .iter()
                .all(|b| b.attribute("fill") != Some(MET))
        );

        // With a 1-tick counter the same budget can be met: the band starts at 4 - 3.
        let policy = Policy::default().with_calibration(
            Calibration::fixed(ClockSource::Tsc, 2.6, Ticks(52), Ticks(1))
                .with_overhead_drift(Ticks(3)),
        );
        let svg = report.to_svg_with(&policy);
        let doc = Document::parse(&svg).unwrap();
        let band = doc.descendants().find(|n| has_class(n, "margin")).unwrap();
        assert_eq!(band.attribute("data-low"), Some("1"));
        let bars = with_class(doc.root_element(), "bar");
        assert_eq!(
            bars[0].attribute("fill"),
            Some(MET),
            "0 ticks + drift 3 <= 4"
        );
        assert_eq!(
            bars[2].attribute("fill"),
            Some(UNDECIDED),
            "2 ticks + drift 3 > 4"
        );
        assert!(texts(doc.root_element())[1].starts_with("judged under the policy's calibration"));
    }

    /// The picture grows with the paths, and a report without any says so.
    #[test]
    fn the_height_grows_with_the_paths() {
        let height = |report: &Report| {
            let svg = report.to_svg();
            let doc = Document::parse(&svg).unwrap();
            number(&doc.root_element(), "height")
        };
        let mut report = report();
        let five = height(&report);
        report.paths.truncate(1);
        let one = height(&report);
        assert!(five >= one + 4.0 * PANEL, "{five} vs {one}");
        report.paths.clear();
        let svg = report.to_svg();
        assert!(
            texts(Document::parse(&svg).unwrap().root_element())
                .contains(&"no measured paths registered".to_owned())
        );
    }

    #[test]
    fn tick_labels_are_exact_powers_of_two() {
        assert_eq!(power_of_two(0), "1");
        assert_eq!(power_of_two(9), "512");
        assert_eq!(power_of_two(10), "1Ki");
        assert_eq!(power_of_two(19), "512Ki");
        assert_eq!(power_of_two(20), "1Mi");
        assert_eq!(power_of_two(63), "8Ei");
        assert_eq!(power_of_ten(4), "10k");
        assert_eq!(octaves(0.0), -1.0);
        assert_eq!(octaves(1.0), 0.0);
        assert_eq!(octaves(-0.5), -1.5);
        assert_eq!(octaves(8.0), 3.0);
    }
}
