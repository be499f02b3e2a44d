//! A server's load runs into the document: per load and measure, each
//! configuration's series (requests per second, latency, CPU time per
//! request, instructions per request…) and its A/A floor, from the copy
//! of baseline's binary; the notes on killed servers.

use super::rounds::{Arms, LoadRun, Runs};
use crate::measure::runtime::noise::BASELINE_COPY;
use crate::measure::serve_plan::ServeSpec;
use crate::profile::BASELINE;
use crate::results::measure::{MeasureDocument, NoiseRule, Rule, Series, SeriesKind, Status};
use crate::results::notes::NoteKind;
use crate::results::serve::{Floor, Load, Measure, Server, series_name};
use crate::stats;

/// One measure's samples of one arm's runs of a load (empty where the
/// runs do not give it), with the load they competed with.
fn samples(runs: &Runs, measure: Measure, known: bool) -> Vec<f64> {
    let per_request = |r: &LoadRun, v: f64| {
        let n = r.figures.requests? as f64;
        (n > 0.0).then(|| v / n)
    };
    match measure {
        Measure::InstructionsPerRequest => runs
            .counted
            .iter()
            .filter_map(|(r, idle)| {
                let n = r.instructions?.saturating_sub(*idle) as f64;
                per_request(r, n)
            })
            .collect(),
        _ => runs
            .runs
            .iter()
            .filter_map(|r| match measure {
                Measure::Throughput => r.figures.rps,
                Measure::LatencyP50 => r.figures.p50_s,
                Measure::LatencyP99 => r.figures.p99_s,
                Measure::CpuPerRequest => per_request(r, r.server_cpu_s?),
                Measure::ServerCpu if r.figures.requests.is_none() => r.server_cpu_s,
                Measure::LoadWall if !known => Some(r.wall_s),
                _ => None,
            })
            .collect(),
    }
}

/// Records every load's series and floors in `doc`.
pub(super) fn record(doc: &mut MeasureDocument, spec: &ServeSpec, rounds: usize, mut arms: Arms) {
    let mut loads = Vec::new();
    for load in &spec.loads {
        let known = load.generator.is_some();
        let mut floors = Vec::new();
        for measure in Measure::ALL {
            let of = |arm: &str| -> (Vec<f64>, Option<&Runs>) {
                let runs = arms.runs.get(arm).and_then(|r| r.get(&load.name));
                (
                    runs.map(|r| samples(r, measure, known)).unwrap_or_default(),
                    runs,
                )
            };
            let any = arms.runs.keys().any(|arm| !of(arm).0.is_empty());
            if !any {
                continue;
            }
            let name = series_name(&load.name, measure);
            let metric = measure.metric();
            let (base, _) = of(BASELINE);
            let (copy, copy_runs) = of(BASELINE_COPY);
            if stats::median(&base) > 0.0
                && !copy.is_empty()
                && !arms.failed.contains_key(BASELINE_COPY)
            {
                let mut noise = stats::compare_by(&copy, &base, metric.direction(), metric.rule());
                if metric.rule() == Rule::Sampled && copy_runs.is_some_and(|r| busy(&r.runs)) {
                    stats::no_verdict(&mut noise, NoiseRule::Busy);
                }
                floors.push(Floor {
                    series: name.clone(),
                    noise,
                });
            }
            for config in doc.configurations.iter_mut() {
                if !arms.runs.contains_key(&config.name) && !arms.failed.contains_key(&config.name)
                {
                    continue;
                }
                let (values, runs) = of(&config.name);
                let failure = arms.failed.get(&config.name);
                let load_sum = runs.and_then(|r| contention(&r.runs));
                let is_sampled = metric.rule() == Rule::Sampled;
                config.series.push(Series {
                    status: if failure.is_some() {
                        Status::Failed
                    } else {
                        Status::Ok
                    },
                    summary: (!values.is_empty()).then(|| stats::summarize(&values)),
                    peak_rss_bytes: match measure {
                        Measure::CpuPerRequest | Measure::ServerCpu => runs
                            .map(|r| r.runs.iter().filter_map(|x| x.peak_rss_bytes).collect())
                            .unwrap_or_default(),
                        _ => Vec::new(),
                    },
                    contention: load_sum.map(|l| l.contention()),
                    steal: load_sum.map(|l| l.steal()),
                    busy: is_sampled && runs.is_some_and(|r| busy(&r.runs)),
                    // a comparison needs a baseline median above 0 to
                    // take a ratio of
                    vs_baseline: (config.name != BASELINE
                        && failure.is_none()
                        && !values.is_empty()
                        && stats::median(&base) > 0.0)
                        .then(|| {
                            stats::compare_by(&values, &base, metric.direction(), metric.rule())
                        }),
                    exit_code: failure.map(|f| f.1),
                    stderr_tail: failure.map(|f| f.0.clone()),
                    samples: values,
                    ..Series::new(SeriesKind::Load, &name, metric)
                });
            }
        }
        loads.push(Load {
            name: load.name.clone(),
            command: load.command.clone(),
            generator: load.generator,
            noise: floors,
        });
    }
    // a configuration whose server failed before any series had a sample
    // still shows its failure
    for (arm, (sentence, code)) in std::mem::take(&mut arms.failed) {
        if let Some(config) = doc.configurations.iter_mut().find(|c| c.name == arm)
            && !config.series.iter().any(|s| s.kind == SeriesKind::Load)
        {
            // the first load's first measure: its throughput, or its wall
            // time when its generator is not one the tool reads
            let Some(first) = spec.loads.first() else {
                continue;
            };
            let measure = match first.generator {
                Some(_) => Measure::Throughput,
                None => Measure::LoadWall,
            };
            config.series.push(Series {
                status: Status::Failed,
                exit_code: Some(code),
                stderr_tail: Some(sentence),
                ..Series::new(
                    SeriesKind::Load,
                    &series_name(&first.name, measure),
                    measure.metric(),
                )
            });
        }
    }
    if !arms.killed.is_empty() {
        doc.notes.push(
            NoteKind::ServerKilled {
                configurations: arms.killed.clone(),
                stop_timeout_s: spec.stop_timeout.as_secs_f64(),
            }
            .into(),
        );
    }
    doc.server = Some(Server {
        command: spec.command.clone(),
        ready: spec.ready.text(),
        ready_timeout_s: spec.ready_timeout.as_secs_f64(),
        stop_timeout_s: spec.stop_timeout.as_secs_f64(),
        port: spec.port,
        loads,
        rounds,
    });
}

/// The runs' contention added up (None when a run could not tell).
fn contention(runs: &[LoadRun]) -> Option<crate::load::Load> {
    let mut sum: Option<crate::load::Load> = None;
    for r in runs {
        let l = r.load?;
        match sum.as_mut() {
            Some(s) => s.add(&l),
            None => sum = Some(l),
        }
    }
    sum
}

/// Other processes used more than the busy share over these runs.
fn busy(runs: &[LoadRun]) -> bool {
    contention(runs).is_some_and(|l| l.contention() > crate::load::BUSY)
}
