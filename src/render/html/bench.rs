//! The benchmarks' chart: each benchmark's ratio to baseline per
//! configuration, a dot plot.

use super::figure;
use crate::render::axis::Unit;
use crate::render::blocks::{Align, Table};
use crate::render::cells::Cell;
use crate::render::svg;
use crate::results::measure::{MeasureDocument, Verdict};

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
    let mut data = Table::new(&[
        ("benchmark", Align::Left),
        ("config", Align::Left),
        ("× baseline", Align::Right),
        ("95% CI", Align::Right),
        ("verdict", Align::Left),
    ]);
    let mut rows = Vec::new();
    for b in &doc.benchmarks {
        let mut dots = Vec::new();
        for (k, c) in configs.iter().enumerate() {
            let Some(v) = c
                .series
                .iter()
                .find(|r| {
                    r.kind == crate::results::measure::SeriesKind::Benchmark && r.name == b.name
                })
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
                Cell::Text(b.name.clone()),
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
        rows.push((b.name.clone(), dots));
    }
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
