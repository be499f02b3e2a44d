//! A dot plot: a row per item, a dot per series with its interval
//! (the benchmarks of a sweep, each configuration's ratio to baseline).

use std::fmt::Write;

use super::{Scale, Unit, esc, open, vertical_grid};

/// One dot of a dot plot: a series' value on a row, with its interval.
pub struct Dot {
    /// The series (its colour, `s0`…`s7`, and its place in the row).
    pub series: usize,
    pub value: f64,
    /// Its confidence interval.
    pub low: f64,
    pub high: f64,
    /// Beyond the noise (drawn filled), or within it (hollow).
    pub judged: bool,
    /// Its tooltip.
    pub tip: String,
}

/// A dot plot: each row a label and a dot per series with its whisker,
/// around a reference line at `origin`; a legend names the series.
pub fn dots(
    title: &str,
    desc: &str,
    series: &[String],
    rows: &[(String, Vec<Dot>)],
    origin: f64,
    (unit, fmt): (Unit, &dyn Fn(f64) -> String),
) -> String {
    let per = 12.0;
    let row = per * series.len().max(1) as f64 + 8.0;
    let longest = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let left = (longest as f64 * 6.6 + 16.0).clamp(80.0, 300.0);
    let (w, right, top, bottom) = (640.0, 20.0, 26.0, 30.0);
    let h = top + bottom + row * rows.len().max(1) as f64;
    let values = rows
        .iter()
        .flat_map(|(_, d)| d.iter().flat_map(|d| [d.value, d.low, d.high]))
        .filter(|v| v.is_finite())
        .chain(std::iter::once(origin));
    let xs = Scale::new(values, left, w - right, false);
    let mut s = open(w, h, title, desc);
    for (i, name) in series.iter().enumerate() {
        let x = left + 110.0 * i as f64;
        let _ = write!(
            s,
            r#"<circle class="dot s{}" cx="{x:.1}" cy="10" r="4"/><text class="label" x="{:.1}" y="14">{}</text>"#,
            i % 8,
            x + 8.0,
            esc(name)
        );
    }
    vertical_grid(&mut s, &xs, unit, top, h - bottom);
    for (r, (label, dots)) in rows.iter().enumerate() {
        let y = top + row * r as f64;
        let _ = write!(
            s,
            r#"<text class="bar-label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + row / 2.0 + 3.0,
            esc(label)
        );
        for d in dots {
            let cy = y + 4.0 + per * d.series as f64 + per / 2.0;
            let _ = write!(
                s,
                r#"<line class="whisker s{k}" x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}"/><circle class="mark dot s{k}{hollow}" cx="{:.1}" cy="{cy:.1}" r="4"><title>{}: {}</title></circle>"#,
                xs.at(d.low),
                xs.at(d.high),
                xs.at(d.value),
                esc(label),
                esc(&format!("{} {}", fmt(d.value), d.tip)),
                k = d.series % 8,
                hollow = if d.judged { "" } else { " hollow" },
            );
        }
    }
    let x0 = xs.at(origin);
    let _ = write!(
        s,
        r#"<line class="axis" x1="{x0:.1}" y1="{top}" x2="{x0:.1}" y2="{:.1}"/></svg>"#,
        h - bottom
    );
    s
}
