//! The benchmarks' chart: each benchmark's ratio to baseline per
//! configuration, a dot plot.

use super::figure;
use crate::render::axis::Unit;
use crate::render::blocks::{Align, Table};
use crate::render::cells::Cell;
use crate::render::svg;
use crate::results::measure::{Configuration, MeasureDocument, SeriesKind, Verdict};

/// Each benchmark's ratio to baseline per configuration, with its CI: a
/// dot plot, filled beyond the noise, hollow within it.
pub(super) fn benchmarks(doc: &MeasureDocument, id: &str) -> Option<String> {
    if doc.benchmarks.is_empty() {
        return None;
    }
    let configs: Vec<&crate::results::measure::Configuration> = doc
        .configurations
        .iter()
        .filter(|c| c.name != crate::results::BASELINE && c.identical_to.is_none())
        .filter(|c| c.bench_summary.is_some())
        .collect();
    let items: Vec<(String, String)> = doc
        .benchmarks
        .iter()
        .map(|b| (b.name.clone(), b.name.clone()))
        .collect();
    let (data, rows) = ratio_dots(&configs, SeriesKind::Benchmark, &items, "benchmark");
    let names: Vec<String> = configs.iter().map(|c| c.name.clone()).collect();
    let title = "Each benchmark against baseline";
    let svg = svg::dots(
        title,
        "Ratio of each benchmark's median to baseline's, per configuration, with its 95% CI; below 1 is faster. Filled: beyond the noise (Holm over every comparison, outside the A/A floor); hollow: within it",
        &names,
        &rows,
        1.0,
        (Unit::Ratio, &|v| format!("×{v:.3}")),
    );
    Some(figure(&format!("{id}-benchmarks"), title, svg, data))
}

/// Each item's (its row label, its series' name among `kind`) ratio to
/// baseline per configuration of `configs`: the dots of a dot plot, and
/// the same figures as the chart's data table (first column `what`).
pub(super) fn ratio_dots(
    configs: &[&Configuration],
    kind: SeriesKind,
    items: &[(String, String)],
    what: &'static str,
) -> (Table, Vec<(String, Vec<svg::Dot>)>) {
    let mut data = Table::new(&[
        (what, Align::Left),
        ("config", Align::Left),
        ("× baseline", Align::Right),
        ("95% CI", Align::Right),
        ("verdict", Align::Left),
    ]);
    let mut rows = Vec::new();
    for (label, name) in items {
        let mut dots = Vec::new();
        for (k, c) in configs.iter().enumerate() {
            let Some(v) = c
                .series
                .iter()
                .find(|r| r.kind == kind && &r.name == name)
                .and_then(|r| r.vs_baseline.as_ref())
            else {
                continue;
            };
            let verdict = match v.verdict {
                Verdict::Better => "better",
                Verdict::Worse => "worse",
                Verdict::WithinNoise => "within noise",
            };
            data.row(vec![
                Cell::Text(label.clone()),
                Cell::Text(c.name.clone()),
                Cell::Number {
                    value: v.ratio,
                    decimals: 3,
                },
                Cell::Text(format!("{:.3}–{:.3}", v.ratio_ci[0], v.ratio_ci[1])),
                Cell::Text(verdict.into()),
            ]);
            dots.push(svg::Dot {
                series: k,
                value: v.ratio,
                low: v.ratio_ci[0],
                high: v.ratio_ci[1],
                judged: v.verdict != Verdict::WithinNoise,
                tip: format!("{} ({verdict})", c.name),
            });
        }
        rows.push((label.clone(), dots));
    }
    (data, rows)
}

/// A server's measures under each load against baseline per
/// configuration: a dot plot, as the benchmarks'.
pub(super) fn servers(doc: &MeasureDocument, id: &str) -> Option<String> {
    let server = doc.server.as_ref()?;
    let configs: Vec<&Configuration> = doc
        .configurations
        .iter()
        .filter(|c| c.name != crate::results::BASELINE && c.identical_to.is_none())
        .filter(|c| c.series.iter().any(|r| r.kind == SeriesKind::Load))
        .collect();
    let items: Vec<(String, String)> = server
        .loads
        .iter()
        .flat_map(|l| {
            crate::results::serve::Measure::ALL
                .into_iter()
                .map(move |m| crate::results::serve::series_name(&l.name, m))
        })
        .filter(|n| {
            configs
                .iter()
                .any(|c| c.series.iter().any(|r| &r.name == n))
        })
        .map(|n| (n.clone(), n))
        .collect();
    if configs.is_empty() || items.is_empty() {
        return None;
    }
    let (data, rows) = ratio_dots(&configs, SeriesKind::Load, &items, "load measure");
    let names: Vec<String> = configs.iter().map(|c| c.name.clone()).collect();
    let title = "The server under load against baseline";
    let svg = svg::dots(
        title,
        "Ratio of each load measure's median to baseline's, per configuration, with its 95% CI: above 1 is better for requests per second (rps), below 1 for latency, CPU and instructions per request. Filled: beyond the noise; hollow: within it",
        &names,
        &rows,
        1.0,
        (Unit::Ratio, &|v| format!("×{v:.3}")),
    );
    Some(figure(&format!("{id}-server"), title, svg, data))
}
