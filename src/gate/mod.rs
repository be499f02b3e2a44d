//! `cargo lto check`, the CI gate: a new measure document against a
//! baseline one, configuration by configuration, under the given limits.
//! Pure: two documents in, a [`CheckReport`] out.
//!
//! Sizes compare across machines (the toolchain decides them, and a
//! different one is noted); build times and runtimes only on the same
//! machine unless `allow_cross_host`; a runtime fails only when the new
//! runs are slower beyond the noise (the statistics of `measure`) and by
//! more than the limit.

use crate::results::advice::ADVICE_SCHEMA_VERSION;
use crate::results::gate::{CheckReport, Limit, Limits, Note, Outcome, ReportNote, Row, Unit};
use crate::results::measure::{
    Build, Configuration, Counter, MeasureDocument, Metric, Rule, SeriesKind, Status, Verdict,
};
use crate::stats;

mod build;
pub mod merge;
use build::{build_row, stage_rows};
#[cfg(test)]
mod pipeline_tests;
#[cfg(test)]
mod tests;

/// True when every configuration of `b` was measured on the machine of
/// its namesake in `a` (a merged document keeps each one's machine).
pub fn same_host(a: &MeasureDocument, b: &MeasureDocument) -> bool {
    a.machine == b.machine
        && b.configurations.iter().all(|c| match a.config(&c.name) {
            Some(o) => a.machine_of(o) == b.machine_of(c),
            None => true,
        })
}

fn row(config: &str, check: &str) -> Row {
    Row {
        config: config.to_string(),
        check: check.to_string(),
        old: None,
        new: None,
        unit: None,
        change: None,
        limit: None,
        outcome: Outcome::Skipped,
        notes: Vec::new(),
    }
}

/// A row skipped for `note`, under a relative `limit`.
fn skipped(config: &str, check: &str, limit: f64, note: Note) -> Row {
    Row {
        limit: Some(Limit::Relative(limit)),
        notes: vec![note],
        ..row(config, check)
    }
}

/// A relative check: fail when new / old − 1 exceeds `limit`.
fn relative(config: &str, check: &str, unit: Unit, (old, new): (f64, f64), limit: f64) -> Row {
    let change = new / old - 1.0;
    let fail = change > limit + 1e-12;
    Row {
        old: Some(old),
        new: Some(new),
        unit: Some(unit),
        change: Some(change),
        limit: Some(Limit::Relative(limit)),
        outcome: if fail { Outcome::Fail } else { Outcome::Pass },
        notes: if fail {
            vec![Note::OverLimit { change, limit }]
        } else {
            Vec::new()
        },
        ..row(config, check)
    }
}

/// Per configuration whose benchmarks were checked, the one that changed
/// most for the worse, with how many went over the limit.
fn worst_benchmarks(rows: &[Row]) -> Vec<ReportNote> {
    let mut out: Vec<ReportNote> = Vec::new();
    let benches = rows
        .iter()
        .filter(|r| r.check.starts_with("bench:") && r.change.is_some());
    for r in benches {
        let change = r.change.unwrap_or(0.0);
        let failed = r.outcome == Outcome::Fail;
        let name = r.check.trim_start_matches("bench:").to_string();
        match out.iter_mut().find_map(|n| match n {
            ReportNote::WorstBenchmark {
                config,
                benchmark,
                change: worst,
                over,
                checked,
            } if *config == r.config => Some((benchmark, worst, over, checked)),
            _ => None,
        }) {
            Some((benchmark, worst, over, checked)) => {
                *checked += 1;
                *over += usize::from(failed);
                if change > *worst {
                    (*benchmark, *worst) = (name, change);
                }
            }
            None => out.push(ReportNote::WorstBenchmark {
                config: r.config.clone(),
                benchmark: name,
                change,
                over: usize::from(failed),
                checked: 1,
            }),
        }
    }
    out
}

/// Compares `new` with `baseline` under `limits`.
pub fn check(baseline: &MeasureDocument, new: &MeasureDocument, limits: &Limits) -> CheckReport {
    let host = same_host(baseline, new);
    let mut notes = Vec::new();
    if !host {
        notes.push(ReportNote::OtherMachines {
            baseline_cores: baseline.machine.cores,
            baseline_cpu: baseline.machine.cpu_model.clone(),
            new_cores: new.machine.cores,
            new_cpu: new.machine.cpu_model.clone(),
            times_compared: limits.allow_cross_host,
        });
    }
    if baseline.toolchain.rustc_vv != new.toolchain.rustc_vv {
        notes.push(ReportNote::ToolchainsDiffer {
            baseline: first_line(&baseline.toolchain.rustc_vv).into(),
            new: first_line(&new.toolchain.rustc_vv).into(),
        });
    }
    // counts of two instruction counters do not compare
    let counter = |d: &MeasureDocument| d.runtime_plan.as_ref().map(|p| p.counter);
    let counters = match (counter(baseline), counter(new)) {
        (Some(a), Some(b)) if a != b => Some((a, b)),
        _ => None,
    };
    let mut rows = Vec::new();
    for old in &baseline.configurations {
        if old.status != Status::Ok {
            continue; // nothing to hold the new one to
        }
        let Some(c) = new.config(&old.name) else {
            rows.push(Row {
                outcome: Outcome::Fail,
                notes: vec![Note::MissingFromNew],
                ..row(&old.name, "status")
            });
            continue;
        };
        if c.status != Status::Ok {
            rows.push(Row {
                outcome: Outcome::Fail,
                notes: vec![status_note(c)],
                ..row(&c.name, "status")
            });
            continue;
        }
        let times = baseline.machine_of(old) == new.machine_of(c) || limits.allow_cross_host;
        rows.extend(config_rows(old, c, limits, (times, counters)));
    }
    for c in &new.configurations {
        if baseline.config(&c.name).is_none() {
            rows.push(Row {
                notes: vec![Note::NewConfiguration],
                ..row(&c.name, "status")
            });
        }
    }
    correct_runtimes(&mut rows);
    notes.extend(worst_benchmarks(&rows));
    let failed = rows.iter().any(|r| r.outcome == Outcome::Fail);
    CheckReport {
        schema_version: ADVICE_SCHEMA_VERSION,
        baseline_id: baseline.id.clone(),
        new_id: new.id.clone(),
        same_host: host,
        limits: limits.clone(),
        rows,
        notes,
        failed,
    }
}

/// The runtime rows' comparisons are one family: their p-values are
/// adjusted together (Holm–Bonferroni, as `measure` does), and a row fails
/// only on its corrected verdict.
fn correct_runtimes(rows: &mut [Row]) {
    let mut family: Vec<&mut crate::results::measure::Comparison> = rows
        .iter_mut()
        .flat_map(|r| r.notes.iter_mut())
        .filter_map(|n| match n {
            // a count's verdict rests on no p-value
            Note::Runtime { comparison, .. } if comparison.rule == Rule::Sampled => {
                Some(comparison)
            }
            _ => None,
        })
        .collect();
    let size = family.len();
    stats::correct(&mut family);
    for row in rows.iter_mut() {
        let Some(Limit::Relative(limit)) = row.limit else {
            continue;
        };
        let mut too_few = None;
        for note in &mut row.notes {
            if let Note::Runtime {
                comparison: c,
                over_limit,
                runs,
            } = note
            {
                *over_limit = c.verdict == Verdict::Worse && c.worse_by() > limit;
                row.outcome = if *over_limit {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                };
                // over the limit with its CI above 1, yet no p-value these
                // runs allow could confirm it: not a pass, not judged
                if !*over_limit
                    && c.rule == Rule::Sampled
                    && c.worse_by() > limit
                    && c.worse_by_ci()[0] > 0.0
                    && *runs > 0
                    && size as f64 * stats::smallest_p(*runs, *runs) >= stats::ALPHA
                {
                    row.outcome = Outcome::Skipped;
                    too_few = Some(Note::TooFewRuns {
                        runs: *runs,
                        needed: stats::runs_needed(size),
                    });
                }
            }
        }
        row.notes.extend(too_few);
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// What became of a configuration whose build did not succeed.
fn status_note(c: &Configuration) -> Note {
    match c.status {
        Status::Timeout => Note::BuildTimedOut,
        Status::Interrupted => Note::Interrupted,
        Status::Failed | Status::Ok => Note::BuildFailed {
            exit_code: c.exit_code,
        },
    }
}

/// The rows of one configuration present and built in both documents.
/// One configuration's rows; `times`: its times compare (the same machine,
/// or allowed); `counters`: the two documents' instruction counters, when
/// they differ.
fn config_rows(
    old: &Configuration,
    c: &Configuration,
    limits: &Limits,
    (times, counters): (bool, Option<(Counter, Counter)>),
) -> Vec<Row> {
    let name = c.name.as_str();
    let mut rows = Vec::new();
    // each binary against its own: one that grew fails, whatever the others did
    let several = c.binaries.len() > 1;
    for b in &c.binaries {
        let Some(a) = old.binary(&b.bin) else {
            continue;
        };
        let check = |what: &str| {
            if several {
                format!("{what}:{}", b.bin)
            } else {
                what.to_string()
            }
        };
        if let Some(limit) = limits.max_size {
            let figures = (a.size_bytes as f64, b.size_bytes as f64);
            rows.push(relative(name, &check("size"), Unit::Bytes, figures, limit));
        }
        if let Some(limit) = limits.max_shipped_size {
            let figures = (a.shipped_bytes as f64, b.shipped_bytes as f64);
            rows.push(relative(
                name,
                &check("shipped"),
                Unit::Bytes,
                figures,
                limit,
            ));
        }
    }
    let (ob, nb) = (old.build.as_ref(), c.build.as_ref());
    if let Some(limit) = limits.max_build_time
        && let (Some(a), Some(b)) = (ob, nb)
    {
        rows.push(if !times {
            skipped(name, "build", limit, Note::OtherMachine)
        } else if a.warm || b.warm {
            // per build: a warm run's clean build carried from earlier
            // results is a clean build
            skipped(name, "build", limit, Note::WarmBuild)
        } else if a.busy || b.busy {
            let contention = a.contention.unwrap_or(0.0).max(b.contention.unwrap_or(0.0));
            skipped(name, "build", limit, Note::Busy { contention })
        } else {
            let stages = |c: &Configuration| crate::results::pipeline::cost(&c.pipeline).0;
            build_row(name, (a, stages(old)), (b, stages(c)), limit)
        });
        if rows.last().is_some_and(|r| r.outcome != Outcome::Skipped) {
            rows.extend(stage_rows(name, (old, a), (c, b)));
        }
    }
    if let Some(limit_bytes) = limits.max_link_memory_bytes {
        // a pipeline's memory is its largest stage's
        let peak_of = |conf: &Configuration, b: Option<&Build>| {
            let stages = crate::results::pipeline::cost(&conf.pipeline)
                .2
                .unwrap_or(0);
            b.and_then(|b| b.link).map(|l| l.peak_rss_bytes.max(stages))
        };
        let peak = peak_of(c, nb);
        let limit = Some(Limit::Bytes(limit_bytes));
        rows.push(match peak {
            Some(peak_bytes) => Row {
                old: peak_of(old, ob).map(|p| p as f64),
                new: Some(peak_bytes as f64),
                unit: Some(Unit::Bytes),
                limit,
                outcome: if peak_bytes > limit_bytes {
                    Outcome::Fail
                } else {
                    Outcome::Pass
                },
                notes: if peak_bytes > limit_bytes {
                    vec![Note::OverLinkMemory {
                        peak_bytes,
                        limit_bytes,
                    }]
                } else {
                    Vec::new()
                },
                ..row(name, "link_memory")
            },
            None => Row {
                limit,
                notes: vec![Note::NoLinkStep],
                ..row(name, "link_memory")
            },
        });
    }
    if let Some(limit) = limits.max_runtime {
        for r in &c.series {
            let check = match r.kind {
                SeriesKind::Workload => format!("runtime:{}", r.name),
                SeriesKind::Benchmark => format!("bench:{}", r.name),
                SeriesKind::Load => format!("load:{}", r.name),
            };
            let same = |o: &&crate::results::measure::Series| o.kind == r.kind && o.name == r.name;
            let Some(o) = old.series.iter().find(same) else {
                rows.push(skipped(name, &check, limit, Note::BaselineDidNotRun));
                continue;
            };
            rows.push(match counters {
                Some((baseline, new))
                    if o.metric == Metric::Instructions && r.metric == Metric::Instructions =>
                {
                    skipped(name, &check, limit, Note::CountersDiffer { baseline, new })
                }
                _ => runtime_row(name, &check, o, r, limit, times),
            });
        }
    }
    rows
}

fn runtime_row(
    name: &str,
    check: &str,
    old: &crate::results::measure::Series,
    new: &crate::results::measure::Series,
    limit: f64,
    times: bool,
) -> Row {
    let skip = |note| skipped(name, check, limit, note);
    if !times {
        return skip(Note::OtherMachine);
    }
    if old.metric != new.metric {
        return skip(Note::MetricsDiffer {
            baseline: old.metric,
            new: new.metric,
        });
    }
    if new.status != Status::Ok && old.status != Status::Ok {
        return skip(Note::FailedInBaselineToo);
    }
    if old.busy || new.busy {
        let contention = old
            .contention
            .unwrap_or(0.0)
            .max(new.contention.unwrap_or(0.0));
        return skip(Note::Busy { contention });
    }
    if new.status != Status::Ok {
        return Row {
            outcome: Outcome::Fail,
            ..skip(Note::WorkloadFailed {
                exit_code: new.exit_code,
            })
        };
    }
    if old.status != Status::Ok || old.samples.is_empty() || new.samples.is_empty() {
        return skip(Note::NoRuns);
    }
    let metric = new.metric;
    let cmp = stats::compare_by(
        &new.samples,
        &old.samples,
        metric.direction(),
        metric.rule(),
    );
    let change = cmp.ratio - 1.0;
    let fail = cmp.verdict == Verdict::Worse && cmp.worse_by() > limit;
    Row {
        old: Some(stats::median(&old.samples)),
        new: Some(stats::median(&new.samples)),
        unit: Some(match new.metric {
            Metric::Instructions => Unit::Instructions,
            Metric::FetchMisses => Unit::FetchMisses,
            Metric::Seconds => Unit::Seconds,
            Metric::NsPerIter => Unit::NsPerIter,
            Metric::RequestsPerSecond => Unit::RequestsPerSecond,
            Metric::CpuPerRequest => Unit::CpuPerRequest,
            Metric::CpuSeconds => Unit::CpuSeconds,
            Metric::InstructionsPerRequest => Unit::InstructionsPerRequest,
        }),
        change: Some(change),
        outcome: if fail { Outcome::Fail } else { Outcome::Pass },
        ..skip(Note::Runtime {
            comparison: cmp,
            over_limit: fail,
            runs: old.samples.len().min(new.samples.len()),
        })
    }
}
