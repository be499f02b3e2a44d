//! Hand-built SVG charts for the HTML report: a scatter plot with a marked
//! front, horizontal bars with optional whiskers and a limit line, and
//! lines over time. A few hundred lines instead of a charting dependency:
//! the page stays one small self-contained file, every mark is a plain
//! element a test can count (`class="mark"`), colours come from CSS (light,
//! dark and print), and each chart carries its `<title>` and a data table.

use std::fmt::Write;

use super::axis::{self, Unit};

mod dots;
pub use dots::{Dot, dots};

/// Text safe inside XML/HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A linear scale from data to pixels.
struct Scale {
    lo: f64,
    hi: f64,
    from: f64,
    to: f64,
}

impl Scale {
    fn new(values: impl Iterator<Item = f64>, from: f64, to: f64, zero: bool) -> Scale {
        let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if zero {
            lo = lo.min(0.0);
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(f64::EPSILON);
        if !zero || lo < 0.0 {
            lo -= pad;
        }
        hi += pad;
        Scale { lo, hi, from, to }
    }
    fn at(&self, v: f64) -> f64 {
        self.from + (v - self.lo) / (self.hi - self.lo) * (self.to - self.from)
    }
}

/// The opening of a chart: its accessible title and description.
fn open(w: f64, h: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><desc>{d}</desc>"#,
        t = esc(title),
        d = esc(desc)
    )
}

/// A point of a scatter plot.
#[derive(Clone)]
pub struct Point {
    pub label: String,
    /// x value.
    pub x: f64,
    /// y value.
    pub y: f64,
    /// On the front (drawn filled and joined by the front line).
    pub front: bool,
    /// The recommended one (drawn ringed, its label marked).
    pub chosen: bool,
}

/// A scatter plot of `points`, the front joined in x order.
pub fn scatter(
    title: &str,
    desc: &str,
    points: &[Point],
    axes: (&str, &str),
    units: (Unit, Unit),
    fmt: (&dyn Fn(f64) -> String, &dyn Fn(f64) -> String),
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 360.0, 78.0, 24.0, 16.0, 48.0);
    let xs = Scale::new(points.iter().map(|p| p.x), left, w - right, false);
    let ys = Scale::new(points.iter().map(|p| p.y), h - bottom, top, false);
    let mut s = open(w, h, title, desc);
    axes_svg(&mut s, &xs, &ys, axes, units, (w, h, left, bottom));
    let mut front: Vec<&Point> = points.iter().filter(|p| p.front).collect();
    front.sort_by(|a, b| a.x.total_cmp(&b.x));
    // joined only when it is a front in these two figures too (each point
    // smaller than the one before): a front over more figures is marked
    // point by point, and a line through it would zigzag
    let monotone = front.windows(2).all(|w| w[1].y < w[0].y);
    if front.len() > 1 && monotone {
        let d: Vec<String> = front
            .iter()
            .map(|p| format!("{:.1},{:.1}", xs.at(p.x), ys.at(p.y)))
            .collect();
        let _ = write!(s, r#"<polyline class="front" points="{}"/>"#, d.join(" "));
    }
    // points that (nearly) coincide share one label, `baseline, off`,
    // instead of labels written over each other
    let mut labels: Vec<(f64, f64, Vec<&str>)> = Vec::new();
    let mut label_texts: Vec<String> = Vec::new();
    for p in points {
        let (cx, cy) = (xs.at(p.x), ys.at(p.y));
        if p.chosen {
            let _ = write!(
                s,
                r#"<circle class="chosen" cx="{cx:.1}" cy="{cy:.1}" r="9"/>"#
            );
        }
        let _ = write!(
            s,
            r#"<circle class="mark{}" cx="{cx:.1}" cy="{cy:.1}" r="5"><title>{}{}: {}, {}</title></circle>"#,
            if p.front { " on-front" } else { "" },
            esc(&p.label),
            if p.chosen { " (recommended)" } else { "" },
            (fmt.0)(p.x),
            (fmt.1)(p.y),
        );
        label_texts.push(if p.chosen {
            format!("{} ◀ recommended", p.label)
        } else {
            p.label.clone()
        });
    }
    for (p, text) in points.iter().zip(&label_texts) {
        let (cx, cy) = (xs.at(p.x), ys.at(p.y));
        match labels
            .iter_mut()
            .find(|(x, y, _)| (x - cx).abs() < 24.0 && (y - cy).abs() < 10.0)
        {
            Some((_, _, names)) => names.push(text),
            None => labels.push((cx, cy, vec![text])),
        }
    }
    // a label right of its point, or left of it in the plot's right half,
    // where it would run past the edge
    for (cx, cy, names) in labels {
        let (x, anchor) = if cx > (left + w - right) / 2.0 {
            (cx - 7.0, "end")
        } else {
            (cx + 7.0, "start")
        };
        let _ = write!(
            s,
            r#"<text class="label" x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            cy - 7.0,
            esc(&names.join(", "))
        );
    }
    s.push_str("</svg>");
    s
}

fn axes_svg(
    s: &mut String,
    xs: &Scale,
    ys: &Scale,
    (xl, yl): (&str, &str),
    (ux, uy): (Unit, Unit),
    (w, h, left, bottom): (f64, f64, f64, f64),
) {
    let _ = write!(
        s,
        r#"<line class="axis" x1="{left}" y1="{y0}" x2="{x1}" y2="{y0}"/><line class="axis" x1="{left}" y1="{t}" x2="{left}" y2="{y0}"/>"#,
        y0 = h - bottom,
        x1 = w - 24.0,
        t = ys.to
    );
    for (t, label) in axis::ticks(ux, xs.lo, xs.hi) {
        let x = xs.at(t);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}"/><text class="tick" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            ys.to,
            h - bottom,
            h - bottom + 16.0,
            esc(&label)
        );
    }
    for (t, label) in axis::ticks(uy, ys.lo, ys.hi) {
        let y = ys.at(t);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            w - 24.0,
            left - 6.0,
            y + 4.0,
            esc(&label)
        );
    }
    let _ = write!(
        s,
        r#"<text class="axis-label" x="{:.1}" y="{}" text-anchor="middle">{}</text><text class="axis-label" transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        (left + w - 24.0) / 2.0,
        h - 8.0,
        esc(xl),
        (ys.to + h - bottom) / 2.0,
        esc(yl)
    );
}

/// The vertical grid lines of the x axis `xs` from `top` to `bottom`,
/// each with its tick label below.
fn vertical_grid(s: &mut String, xs: &Scale, unit: Unit, top: f64, bottom: f64) {
    for (t, label) in axis::ticks(unit, xs.lo, xs.hi) {
        let x = xs.at(t);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 16.0,
            esc(&label)
        );
    }
}

/// A bar: label, value, and an optional interval drawn as a whisker.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// A confidence interval.
    pub whisker: Option<(f64, f64)>,
    /// A class for its colour (`better`, `worse`, `noise`, `over`).
    pub class: &'static str,
}

/// Horizontal bars, from `origin` (0, or 1 for ratios), with an optional
/// vertical limit line.
pub fn bars(
    title: &str,
    desc: &str,
    bars: &[Bar],
    origin: f64,
    limit: Option<(f64, &str)>,
    (unit, fmt): (Unit, &dyn Fn(f64) -> String),
) -> String {
    let row = 28.0;
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let left = (longest as f64 * 6.6 + 16.0).clamp(80.0, 300.0);
    let (w, right, top, bottom) = (640.0, 90.0, 12.0, 30.0);
    let h = top + bottom + row * bars.len().max(1) as f64;
    let values = bars
        .iter()
        .flat_map(|b| {
            [
                b.value,
                b.whisker.map_or(b.value, |x| x.0),
                b.whisker.map_or(b.value, |x| x.1),
            ]
        })
        .chain(std::iter::once(origin))
        .chain(limit.map(|l| l.0));
    let xs = Scale::new(values, left, w - right, origin == 0.0);
    let mut s = open(w, h, title, desc);
    vertical_grid(&mut s, &xs, unit, top, h - bottom);
    let x0 = xs.at(origin);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64 + 5.0;
        let (a, z) = (x0.min(xs.at(b.value)), x0.max(xs.at(b.value)));
        let _ = write!(
            s,
            r#"<text class="bar-label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="mark {}" x="{a:.1}" y="{y:.1}" width="{:.1}" height="{:.1}"><title>{}: {}</title></rect><text class="value" x="{:.1}" y="{:.1}">{}</text>"#,
            left - 8.0,
            y + row / 2.0,
            esc(&b.label),
            b.class,
            (z - a).max(1.0),
            row - 10.0,
            esc(&b.label),
            esc(&fmt(b.value)),
            (w - right + 6.0),
            y + row / 2.0,
            esc(&fmt(b.value))
        );
        if let Some((lo, hi)) = b.whisker {
            let cy = y + (row - 10.0) / 2.0;
            let _ = write!(
                s,
                r#"<line class="whisker" x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}"/><line class="whisker" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><line class="whisker" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
                xs.at(lo),
                xs.at(hi),
                xs.at(lo),
                cy - 5.0,
                xs.at(lo),
                cy + 5.0,
                xs.at(hi),
                cy - 5.0,
                xs.at(hi),
                cy + 5.0
            );
        }
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="{x0:.1}" y1="{top}" x2="{x0:.1}" y2="{:.1}"/>"#,
        h - bottom
    );
    if let Some((v, label)) = limit {
        let x = xs.at(v);
        let _ = write!(
            s,
            r#"<line class="limit" x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}"/><text class="limit-label" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            h - bottom,
            h - 2.0,
            esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Lines: each series a sequence of values over the same x labels.
pub fn lines(
    title: &str,
    desc: &str,
    x_labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    (y_label, unit): (&str, Unit),
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 320.0, 78.0, 120.0, 16.0, 48.0);
    let n = x_labels.len().max(2) as f64;
    let xs = Scale {
        lo: 0.0,
        hi: n - 1.0,
        from: left,
        to: w - right,
    };
    let ys = Scale::new(
        series.iter().flat_map(|(_, v)| v.iter().flatten().copied()),
        h - bottom,
        top,
        false,
    );
    let mut s = open(w, h, title, desc);
    for (t, label) in axis::ticks(unit, ys.lo, ys.hi) {
        let y = ys.at(t);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            w - right,
            left - 6.0,
            y + 4.0,
            esc(&label)
        );
    }
    for (i, l) in x_labels.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            xs.at(i as f64),
            h - bottom + 16.0,
            esc(l)
        );
    }
    let _ = write!(
        s,
        r#"<text class="axis-label" transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        (top + h - bottom) / 2.0,
        esc(y_label)
    );
    for (k, (name, values)) in series.iter().enumerate() {
        let pts: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (xs.at(i as f64), ys.at(v))))
            .collect();
        let d: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            s,
            r#"<polyline class="series s{}" points="{}"/>"#,
            k % 8,
            d.join(" ")
        );
        for (x, y) in &pts {
            let _ = write!(
                s,
                r#"<circle class="mark s{}" cx="{x:.1}" cy="{y:.1}" r="3.5"><title>{}</title></circle>"#,
                k % 8,
                esc(name)
            );
        }
        if let Some((x, y)) = pts.last() {
            let _ = write!(
                s,
                r#"<text class="label s{}" x="{:.1}" y="{:.1}">{}</text>"#,
                k % 8,
                x + 8.0,
                y + 4.0,
                esc(name)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_counted_and_text_is_escaped() {
        let pts = [
            Point {
                label: "a<b".into(),
                x: 1.0,
                y: 2.0,
                front: true,
                chosen: false,
            },
            Point {
                label: "c".into(),
                x: 2.0,
                y: 1.0,
                front: true,
                chosen: false,
            },
            Point {
                label: "d".into(),
                x: 3.0,
                y: 3.0,
                front: false,
                chosen: true,
            },
        ];
        let f = |v: f64| format!("{v}");
        let svg = scatter(
            "t & u",
            "d",
            &pts,
            ("x", "y"),
            (Unit::Plain, Unit::Plain),
            (&f, &f),
        );
        assert_eq!(svg.matches(r#"class="mark"#).count(), 3);
        assert!(svg.contains("<title>t &amp; u</title>") && svg.contains("a&lt;b"));
        assert!(svg.contains(r#"<polyline class="front""#));
        // the recommended one is ringed and says so
        assert_eq!(svg.matches(r#"<circle class="chosen""#).count(), 1);
        assert!(svg.contains("d ◀ recommended"), "{svg}");
        // two points in one place: one label naming both (was: two labels
        // written over each other)
        let mut same = pts.to_vec();
        same.push(Point {
            label: "e".into(),
            x: 3.0,
            y: 3.0,
            front: false,
            chosen: false,
        });
        let svg = scatter(
            "t",
            "d",
            &same,
            ("x", "y"),
            (Unit::Plain, Unit::Plain),
            (&f, &f),
        );
        assert_eq!(svg.matches(r#"class="mark"#).count(), 4);
        assert_eq!(svg.matches(r#"class="label""#).count(), 3, "{svg}");
        assert!(svg.contains(">d ◀ recommended, e</text>"), "{svg}");
        // the point at the right edge is labelled on its left, not past
        // the edge (was: `fat-pgo-bolt` cut off)
        assert!(
            svg.contains(r#"text-anchor="end">d ◀ recommended, e</text>"#),
            "{svg}"
        );
        let b = bars(
            "b",
            "d",
            &[Bar {
                label: "x".into(),
                value: 0.9,
                whisker: Some((0.85, 0.95)),
                class: "better",
            }],
            1.0,
            Some((0.95, "limit")),
            (Unit::Ratio, &f),
        );
        assert_eq!(b.matches(r#"class="mark"#).count(), 1);
        assert_eq!(b.matches(r#"class="whisker""#).count(), 3);
        assert!(b.contains(r#"class="limit""#));
    }
}
