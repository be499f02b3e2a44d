//! One benchmark's runs into the document (its A/A floor, each
//! configuration's series), and, once the verdicts are decided, each
//! configuration's benchmarks summed up.

use std::collections::BTreeMap;

use anyhow::Result;

use super::rounds::{Job, Runs};
use super::{AA, harness};
use crate::measure::resolved::twin_name;
use crate::measure::stage::{Phase, Sweep};
use crate::profile::BASELINE;
use crate::results::bench::{BenchSummary, Benchmark, Harness, Worst};
use crate::results::measure::{Comparison, Metric, Series, SeriesKind, Status, Verdict};
use crate::results::notes::NoteKind;
use crate::stats;

/// One benchmark's runs recorded: its A/A floor in its `Benchmark`, each
/// configuration's series (an identical configuration's are copied by
/// `runtime::finish`). Returns the rounds it ran and its runs' wall
/// seconds, for the note on rounds the budget cut.
pub(super) fn record(
    sweep: &mut Sweep,
    name: &str,
    target: &str,
    job: &Job,
    mut runs: BTreeMap<String, Runs>,
) -> (usize, Vec<f64>) {
    let rounds = runs.values().map(|r| r.estimates.len()).max().unwrap_or(0);
    let cut = !runs.values().any(|r| r.failure.is_some());
    let walls: Vec<f64> = runs
        .values()
        .flat_map(|r| r.wall_s.iter().copied())
        .collect();
    let metric = match job.harness {
        Harness::IaiCallgrind => Metric::Instructions,
        _ => Metric::NsPerIter,
    };
    let samples = |r: &Runs| -> Vec<f64> { r.estimates.iter().map(|e| e.value).collect() };
    let clean = |r: &Runs| r.failure.is_none() && !r.estimates.is_empty();
    let baseline = runs.get(BASELINE).filter(|r| clean(r)).map(samples);
    let noise = match (runs.remove(AA), &baseline) {
        (Some(copy), Some(base)) if clean(&copy) => {
            let mut n = stats::compare_by(&samples(&copy), base, metric.direction(), metric.rule());
            if metric.rule() == crate::results::measure::Rule::Sampled
                && copy
                    .load
                    .is_some_and(|l| l.contention() > crate::load::BUSY)
            {
                stats::no_verdict(&mut n, crate::results::measure::NoiseRule::Busy);
            }
            Some(n)
        }
        _ => None,
    };
    let harness_samples = runs
        .values()
        .flat_map(|r| r.estimates.iter().filter_map(|e| e.samples))
        .max();
    sweep.doc.benchmarks.push(Benchmark {
        name: name.to_string(),
        bench: target.to_string(),
        id: job.id.to_string(),
        harness: job.harness,
        sample: harness::sample_words(job.harness),
        harness_samples,
        noise,
    });
    // a twin on --bench-profile is compared with baseline's twin there
    // (or with what that twin is identical to)
    let references: BTreeMap<String, Option<Vec<f64>>> = sweep
        .doc
        .configurations
        .iter()
        .map(|c| {
            let reference = match &c.twin {
                None => baseline.clone(),
                Some(t) => {
                    let twin = twin_name(BASELINE, &t.profile);
                    let arm = sweep
                        .doc
                        .config(&twin)
                        .and_then(|b| b.identical_to.clone())
                        .unwrap_or(twin);
                    runs.get(&arm).filter(|r| clean(r)).map(samples)
                }
            };
            (c.name.clone(), reference)
        })
        .collect();
    for config in sweep.doc.configurations.iter_mut() {
        let Some(r) = runs.get(&config.name) else {
            continue;
        };
        let values = samples(r);
        let is_baseline = match &config.twin {
            None => config.name == BASELINE,
            Some(t) => config.name == twin_name(BASELINE, &t.profile),
        };
        let baseline = references.get(&config.name).cloned().flatten();
        config.series.push(Series {
            status: if r.failure.is_some() {
                Status::Failed
            } else {
                Status::Ok
            },
            summary: (!values.is_empty()).then(|| stats::summarize(&values)),
            contention: r.load.map(|l| l.contention()),
            steal: r.load.map(|l| l.steal()),
            busy: metric.rule() == crate::results::measure::Rule::Sampled
                && r.load.is_some_and(|l| l.contention() > crate::load::BUSY),
            vs_baseline: match &baseline {
                Some(b) if !is_baseline && !values.is_empty() => Some(stats::compare_by(
                    &values,
                    b,
                    metric.direction(),
                    metric.rule(),
                )),
                _ => None,
            },
            exit_code: r.failure.as_ref().map(|f| f.0),
            stderr_tail: r.failure.as_ref().map(|f| f.1.clone()),
            samples: values,
            ..Series::new(SeriesKind::Benchmark, name, metric)
        });
    }
    (if cut { rounds } else { job.rounds }, walls)
}

/// Each configuration's benchmarks summed up, once their verdicts are
/// decided: wins, losses, the geometric mean of the ratios, the worst.
pub struct Summaries;

impl crate::measure::stage::Stage for Summaries {
    fn name(&self) -> &'static str {
        "benchmark summaries"
    }

    fn phase(&self) -> Phase {
        Phase::AfterRuns
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        !sweep.doc.benchmarks.is_empty()
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        for config in sweep.doc.configurations.iter_mut() {
            // a twin on --bench-profile is compared below, not summed up
            if config.name != BASELINE && config.twin.is_none() {
                config.bench_summary = summary(&config.series);
            }
        }
        sweep.doc.bench_profile = super::agreement::agreement(sweep.doc);
        if let Some(a) = &sweep.doc.bench_profile {
            let flips: Vec<(String, String)> = a
                .benchmarks
                .iter()
                .flat_map(|b| b.flips.iter().map(|c| (b.benchmark.clone(), c.clone())))
                .collect();
            if !flips.is_empty() || a.mean_tau.is_some_and(|t| t < MISLEADS_TAU) {
                sweep.doc.notes.push(
                    NoteKind::BenchProfileMisleads {
                        profile: a.profile.clone(),
                        flips,
                        mean_tau: a.mean_tau,
                        threshold: MISLEADS_TAU,
                    }
                    .into(),
                );
            }
        }
        (sweep.save)(sweep.doc)
    }
}

/// Below this mean Kendall tau the bench profile misleads (a note says so).
const MISLEADS_TAU: f64 = 0.5;

/// The summary of a configuration's benchmark `series` (None without any).
pub fn summary(series: &[Series]) -> Option<BenchSummary> {
    let benches: Vec<&Series> = series
        .iter()
        .filter(|s| s.kind == SeriesKind::Benchmark)
        .collect();
    if benches.is_empty() {
        return None;
    }
    let compared: Vec<(&Series, &Comparison)> = benches
        .iter()
        .filter_map(|s| Some((*s, s.vs_baseline.as_ref()?)))
        .collect();
    let count = |v: Verdict| compared.iter().filter(|(_, c)| c.verdict == v).count();
    // cost-wise ratios: below 1 better, whatever the direction
    let costs: Vec<(f64, [f64; 2])> = compared
        .iter()
        .map(|(_, c)| (c.worse_by() + 1.0, c.worse_by_ci().map(|w| w + 1.0)))
        .collect();
    let geomean = stats::geomean_ci(&costs);
    let worst = compared
        .iter()
        .max_by(|a, b| a.1.worse_by().total_cmp(&b.1.worse_by()))
        .map(|(s, c)| Worst {
            benchmark: s.name.clone(),
            comparison: (*c).clone(),
        });
    Some(BenchSummary {
        better: count(Verdict::Better),
        worse: count(Verdict::Worse),
        within_noise: count(Verdict::WithinNoise),
        failed: benches.len() - compared.len(),
        geomean: geomean.map(|g| g.0),
        geomean_ci: geomean.map(|g| g.1),
        worst,
    })
}
