//! The benchmarks of a measure document (`measure --bench`): each
//! configuration summed up against baseline (wins, losses, the geometric
//! mean of its ratios, its worst benchmark), then every benchmark ×
//! configuration, worst first. Every figure is the document's; the
//! verdicts were decided when it was measured.

use super::blocks::{Align, Table};
use super::cells::Cell;
use super::{View, own};
use crate::results::BASELINE;
use crate::results::bench::Benchmark;
use crate::results::measure::{Configuration, MeasureDocument, Metric, Series, SeriesKind, Status};

/// Rows of the benchmark table shown without `-v`.
const TOP_ROWS: usize = 12;

/// The summary table and the benchmark table, when benchmarks ran.
pub(super) fn tables(doc: &MeasureDocument, view: View) -> Vec<Table> {
    if doc.benchmarks.is_empty() {
        return Vec::new();
    }
    let mut out = vec![summary(doc), rows(doc, view)];
    out.extend(agreement(doc, view));
    out
}

/// With `--bench-profile`: per benchmark, each configuration's ratio on
/// the shipped profile and on the bench profile, the flips first.
fn agreement(doc: &MeasureDocument, view: View) -> Option<Table> {
    let a = doc.bench_profile.as_ref()?;
    let p = &a.profile;
    let ratio = |r: &Option<crate::results::measure::Comparison>| match r {
        Some(v) => Cell::RatioCi {
            ratio: v.ratio,
            low: v.ratio_ci[0],
            high: v.ratio_ci[1],
        },
        None => Cell::Text("reference".into()),
    };
    let verdict = |r: &Option<crate::results::measure::Comparison>| {
        r.as_ref().map_or(String::new(), |v| match v.verdict {
            crate::results::measure::Verdict::WithinNoise => "within noise".to_string(),
            _ => super::figures::verdict_word(v.verdict, Metric::NsPerIter, v.ratio).to_string(),
        })
    };
    let headers = [
        ("benchmark", Align::Left),
        ("config", Align::Left),
        ("shipped × base", Align::Right),
        ("verdict", Align::Left),
        ("bench profile × base", Align::Right),
        ("verdict", Align::Left),
        ("tau", Align::Right),
    ];
    let mut table = Table::new(&headers).titled(format!(
        "profile `{p}` against the shipped one: each configuration's ratio to baseline on both (on `{p}`, to baseline's twin there), the benchmarks where a change flips sign first"
    ));
    let mut benches: Vec<&crate::results::bench::BenchmarkAgreement> =
        a.benchmarks.iter().collect();
    benches.sort_by(|x, y| {
        y.flips
            .len()
            .cmp(&x.flips.len())
            .then(x.tau.unwrap_or(1.0).total_cmp(&y.tau.unwrap_or(1.0)))
    });
    let shown = if view.wide {
        benches.len()
    } else {
        TOP_ROWS.min(benches.len())
    };
    for b in &benches[..shown] {
        for r in b.configurations.iter().filter(|r| r.config != BASELINE) {
            let flip = b.flips.contains(&r.config);
            table.row(vec![
                Cell::Text(b.benchmark.clone()),
                Cell::Text(if flip {
                    format!("{} FLIPS", r.config)
                } else {
                    r.config.clone()
                }),
                ratio(&r.shipped),
                Cell::Text(verdict(&r.shipped)),
                ratio(&r.bench_profile),
                Cell::Text(verdict(&r.bench_profile)),
                b.tau.map_or(Cell::Empty, |t| Cell::Number {
                    value: t,
                    decimals: 2,
                }),
            ]);
        }
    }
    if benches.len() > shown {
        table.footnotes.push(format!(
            "{} more benchmarks: `measure -v` and the JSON show every one",
            benches.len() - shown
        ));
    }
    table.footnotes.push(format!(
        "tau: Kendall's tau-b between the configurations' order on the shipped profile and on `{p}` (1: the same order){}",
        match a.mean_tau {
            Some(t) => format!("; mean over the benchmarks {t:.2}"),
            None => String::new(),
        }
    ));
    Some(table)
}

fn series<'a>(c: &'a Configuration, name: &str) -> Option<&'a Series> {
    c.series
        .iter()
        .find(|s| s.kind == SeriesKind::Benchmark && s.name == name)
}

/// Each configuration against baseline: its wins, losses and the rest,
/// the geometric mean of its ratios, and the benchmark it did worst on.
fn summary(doc: &MeasureDocument) -> Table {
    let targets: Vec<String> = doc
        .bench_plan
        .iter()
        .flat_map(|p| &p.targets)
        .map(|t| format!("{} ({})", t.bench, t.harness.label()))
        .collect();
    let mut table = Table::new(&[
        ("config", Align::Left),
        ("better", Align::Right),
        ("worse", Align::Right),
        ("within noise", Align::Right),
        ("geomean × base [95% CI]", Align::Right),
        ("worst benchmark", Align::Left),
        ("its × base [95% CI]", Align::Right),
        ("its verdict", Align::Left),
    ])
    .titled(format!(
        "benchmarks: {} of {}, each configuration against baseline",
        doc.benchmarks.len(),
        targets.join(", ")
    ));
    for c in doc
        .configurations
        .iter()
        .filter(|c| c.name != BASELINE && c.twin.is_none())
    {
        let Some(s) = &c.bench_summary else {
            if c.status != Status::Ok {
                let mut row = vec![Cell::Text(c.name.clone()), Cell::Text("failed".into())];
                row.resize(8, Cell::Empty);
                table.row(row);
            }
            continue;
        };
        let mut row = vec![
            Cell::Text(match &c.identical_to {
                Some(o) => format!("{} (= {o})", c.name),
                None => c.name.clone(),
            }),
            Cell::Count(s.better as u64),
            Cell::Count(s.worse as u64),
            Cell::Count(s.within_noise as u64),
            match (s.geomean, s.geomean_ci) {
                (Some(g), Some([lo, hi])) => Cell::RatioCi {
                    ratio: g,
                    low: lo,
                    high: hi,
                },
                _ => Cell::Empty,
            },
        ];
        match &s.worst {
            Some(w) => {
                let floor = noise(doc, &w.benchmark);
                let metric = c
                    .series
                    .iter()
                    .find(|r| r.name == w.benchmark)
                    .map_or(crate::results::measure::Metric::NsPerIter, |r| r.metric);
                row.extend([
                    Cell::Text(w.benchmark.clone()),
                    Cell::RatioCi {
                        ratio: w.comparison.ratio,
                        low: w.comparison.ratio_ci[0],
                        high: w.comparison.ratio_ci[1],
                    },
                    Cell::Verdict {
                        comparison: w.comparison.clone(),
                        floor,
                        metric,
                    },
                ])
            }
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        table.row(row);
    }
    table.footnotes.push(
        "geomean: the geometric mean of the benchmarks' ratios to baseline (below 1 is better), its CI from theirs; worst: the benchmark that fared worst, whatever its verdict".into(),
    );
    if let Some(plan) = &doc.bench_plan {
        table.footnotes.push(format!(
            "each benchmark ran in up to {} rounds interleaved across configurations (and an A/A copy of baseline's bench binary), about {:.2} s of measuring a run; the phase took {:.0} s of its {:.0} s budget (--bench-time)",
            plan.rounds, plan.run_time_s, plan.took_s, plan.budget_s
        ));
    }
    table
}

/// The A/A floor of benchmark `name`.
fn noise(doc: &MeasureDocument, name: &str) -> Option<[f64; 2]> {
    doc.benchmarks
        .iter()
        .find(|b| b.name == name)?
        .noise
        .as_ref()
        .map(|n| n.ratio_ci)
}

/// Every benchmark × configuration (baseline aside), the worst first:
/// baseline's median, the configuration's, the ratio with its CI and the
/// verdict; the first rows only unless `-v`.
fn rows(doc: &MeasureDocument, view: View) -> Table {
    let mut table = Table::new(&[
        ("benchmark", Align::Left),
        ("config", Align::Left),
        ("baseline", Align::Right),
        ("median [95% CI]", Align::Right),
        ("× base [95% CI]", Align::Right),
        ("verdict", Align::Left),
        ("n", Align::Right),
        ("A/A floor", Align::Right),
    ]);
    let mut all: Vec<(f64, &Benchmark, &Configuration, &Series)> = Vec::new();
    for b in &doc.benchmarks {
        for c in doc
            .configurations
            .iter()
            .filter(own)
            .filter(|c| c.name != BASELINE && c.twin.is_none())
        {
            if let Some(s) = series(c, &b.name) {
                let worse = s
                    .vs_baseline
                    .as_ref()
                    .map_or(f64::INFINITY, |v| v.worse_by());
                all.push((worse, b, c, s));
            }
        }
    }
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    let shown = if view.wide { all.len() } else { TOP_ROWS };
    let baseline = doc.config(BASELINE);
    for (_, b, c, s) in all.iter().take(shown) {
        let metric = s.metric;
        let median = |s: &Series| {
            s.summary.as_ref().map_or(Cell::Empty, |m| Cell::MetricCi {
                value: m.median,
                low: m.median_ci[0],
                high: m.median_ci[1],
                metric,
            })
        };
        let mut row = vec![
            Cell::Text(b.name.clone()),
            Cell::Text(c.name.clone()),
            baseline
                .and_then(|base| series(base, &b.name))
                .map_or(Cell::Empty, median),
            median(s),
        ];
        match (&s.vs_baseline, s.status) {
            (Some(v), _) => row.extend([
                Cell::RatioCi {
                    ratio: v.ratio,
                    low: v.ratio_ci[0],
                    high: v.ratio_ci[1],
                },
                Cell::Verdict {
                    comparison: v.clone(),
                    floor: b.noise.as_ref().map(|n| n.ratio_ci),
                    metric,
                },
            ]),
            (None, Status::Ok) => row.extend([Cell::Empty, Cell::Empty]),
            (None, _) => row.extend([
                Cell::Mark("-"),
                Cell::Text(format!("FAILED ({})", s.exit_code.unwrap_or(-1))),
            ]),
        }
        row.push(Cell::Count(s.samples.len() as u64));
        row.push(b.noise.as_ref().map_or(Cell::Empty, |n| Cell::RatioCi {
            ratio: n.ratio,
            low: n.ratio_ci[0],
            high: n.ratio_ci[1],
        }));
        table.row(row);
    }
    let samples: Vec<String> = {
        let mut s: Vec<String> = doc.benchmarks.iter().map(|b| b.sample.clone()).collect();
        s.sort();
        s.dedup();
        s
    };
    table = table.titled(format!(
        "each benchmark against baseline, worst first (median of n rounds [95% bootstrap CI]; a sample is {})",
        samples.join("; ")
    ));
    if all.len() > shown {
        table.footnotes.push(format!(
            "{} more rows: `measure -v` and the JSON show every benchmark of every configuration",
            all.len() - shown
        ));
    }
    table.footnotes.push(
        "A/A floor: baseline's bench binary against a copy of itself, run in the same rounds; a ratio inside it is within noise. p: Holm–Bonferroni over every comparison of the document".into(),
    );
    table
}
