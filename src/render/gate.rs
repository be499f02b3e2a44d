//! The CI gate's answer as blocks: the verdict, one row per comparison,
//! and why each failure failed and each skip was skipped.

use super::blocks::{Align, Block, Report, Table};
use super::cells::{Cell, Metric};
use crate::results::gate::{CheckReport, Limit, Note, Outcome, ReportNote, Unit};
use crate::results::measure::{Counter, Verdict};
use crate::units;

fn figure(value: Option<f64>, unit: Option<Unit>) -> Cell {
    match (value, unit) {
        (None, _) => Cell::Empty,
        (Some(v), Some(Unit::Bytes)) => Cell::Bytes(v as u64),
        // a request's latency, a fast workload: in µs or ms
        (Some(v), Some(Unit::Seconds)) if v < 0.1 => Cell::MetricCi {
            value: v,
            low: v,
            high: v,
            metric: Metric::Seconds,
        },
        (Some(v), Some(Unit::Seconds)) => Cell::Seconds(v),
        (Some(v), Some(Unit::Instructions)) => Cell::MetricCi {
            value: v,
            low: v,
            high: v,
            metric: Metric::Instructions,
        },
        (Some(v), Some(unit)) => {
            let metric = match unit {
                Unit::FetchMisses => Metric::FetchMisses,
                Unit::NsPerIter => Metric::NsPerIter,
                Unit::RequestsPerSecond => Metric::RequestsPerSecond,
                Unit::CpuPerRequest => Metric::CpuPerRequest,
                Unit::CpuSeconds => Metric::CpuSeconds,
                Unit::InstructionsPerRequest => Metric::InstructionsPerRequest,
                Unit::Bytes | Unit::Seconds | Unit::Instructions => Metric::Instructions,
            };
            Cell::MetricCi {
                value: v,
                low: v,
                high: v,
                metric,
            }
        }
        (Some(v), None) => Cell::Number {
            value: v,
            decimals: 3,
        },
    }
}

fn limit(l: Option<Limit>) -> String {
    match l {
        None => String::new(),
        Some(Limit::Relative(r)) => units::limit(r),
        Some(Limit::Bytes(b)) => units::bytes(b),
    }
}

fn metric(m: Metric) -> &'static str {
    match m {
        Metric::Seconds => "wall_s",
        Metric::Instructions => "instructions",
        Metric::FetchMisses => "ifetch_misses",
        Metric::NsPerIter => "ns_per_iter",
        Metric::RequestsPerSecond => "requests_per_s",
        Metric::CpuPerRequest => "cpu_s_per_request",
        Metric::CpuSeconds => "cpu_s",
        Metric::InstructionsPerRequest => "instructions_per_request",
    }
}

fn counter(c: Counter) -> &'static str {
    match c {
        Counter::Time => "wall time",
        Counter::PerfEvent => "perf",
        Counter::Callgrind => "callgrind",
        Counter::Cachegrind => "cachegrind",
        Counter::CachegrindFetchMisses => "cachegrind's cache simulation",
    }
}

/// One row note in words.
pub fn note(n: &Note) -> String {
    match n {
        Note::OverLimit { change, limit } => format!(
            "{} is over the limit {}",
            units::change(*change),
            units::limit(*limit)
        ),
        Note::OverLinkMemory { .. } => "the link step's peak is over the limit".into(),
        Note::MissingFromNew => "measured in the baseline, missing from the new results: measure it (or drop it from the baseline)".into(),
        Note::BuildFailed {
            exit_code: Some(code),
        } => format!("its build failed (exit {code})"),
        Note::BuildFailed { exit_code: None } => "its build failed".into(),
        Note::BuildTimedOut => "its build timed out".into(),
        Note::Interrupted => "its build was interrupted".into(),
        Note::NewConfiguration => {
            "new configuration: nothing in the baseline to compare with".into()
        }
        Note::OtherMachine => "measured on another machine".into(),
        Note::WarmBuild => "a warm build (--warm) is not a clean build".into(),
        Note::Busy { contention } => format!(
            "busy: other processes used {} of the machine meanwhile, so it is not compared",
            units::percent(*contention, 0)
        ),
        Note::PipelineStage => "a stage of the pipeline, shown, not judged: the build row judges the whole pipeline".into(),
        Note::OneCleanBuildEach => "one clean build each (n = 1)".into(),
        Note::CleanBuilds {
            baseline_builds,
            new_builds,
        } => format!("medians of {baseline_builds} and {new_builds} clean builds"),
        Note::BuildWithinNoise { change, limit } => format!(
            "{} is over the limit {}, but the builds' CIs overlap: within the noise, a pass",
            units::change(*change),
            units::limit(*limit)
        ),
        Note::NoLinkStep => {
            "no link step was recorded (a warm build with nothing to do?)".into()
        }
        Note::BaselineDidNotRun => "the baseline did not run this workload".into(),
        Note::MetricsDiffer { baseline, new } => format!(
            "counted {} against {}: not comparable",
            metric(*baseline),
            metric(*new)
        ),
        Note::CountersDiffer { baseline, new } => format!(
            "instructions counted by {} against {}: their counts of the same run differ (by 1.9% on a shell loop here), so they are not compared; measure the baseline again",
            counter(*baseline),
            counter(*new)
        ),
        Note::FailedInBaselineToo => "the workload failed in the baseline too".into(),
        Note::WorkloadFailed {
            exit_code: Some(code),
        } => format!("the workload failed (exit {code})"),
        Note::WorkloadFailed { exit_code: None } => "the workload failed".into(),
        Note::NoRuns => "no runs to compare".into(),
        Note::TooFewRuns { runs, needed } => format!(
            "too few runs to judge: over the limit with its CI above 1, but with {runs} runs each no p-value can confirm it after the adjustment: not judged; measure both with --runs {needed}"
        ),
        Note::Runtime {
            comparison: c,
            over_limit,
            ..
        } => format!(
            "×{:.3} [{:.3}–{:.3}], {}: {}",
            c.ratio,
            c.ratio_ci[0],
            c.ratio_ci[1],
            p_text(c.p_adjusted.unwrap_or(c.p_value)),
            match c.verdict {
                Verdict::Worse if *over_limit => "worse beyond the noise and the limit",
                Verdict::Worse => "worse beyond the noise, within the limit",
                Verdict::Better => "better beyond the noise",
                Verdict::WithinNoise => "within the noise: never a failure",
            }
        ),
    }
}

/// A (Holm-adjusted) p-value: `p < 0.001`, `p = 0.043`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

/// A note about the whole comparison in words.
pub fn report_note(n: &ReportNote) -> String {
    match n {
        ReportNote::OtherMachines {
            baseline_cores,
            baseline_cpu,
            new_cores,
            new_cpu,
            times_compared,
        } => format!(
            "measured on different machines ({baseline_cores} × {baseline_cpu} against {new_cores} × {new_cpu}): {}",
            if *times_compared {
                "build times and runtimes are compared anyway (--allow-cross-host)"
            } else {
                "build times and runtimes are not compared (--allow-cross-host compares them)"
            }
        ),
        ReportNote::WorstBenchmark {
            config,
            benchmark,
            change,
            over,
            checked,
        } => format!(
            "`{config}`: its worst benchmark is `{benchmark}` ({}); of its {checked} benchmarks, {over} over --max-runtime",
            units::change(*change)
        ),
        ReportNote::ToolchainsDiffer { baseline, new } => format!(
            "the toolchains differ ({baseline} against {new}): sizes can change with the compiler alone"
        ),
    }
}

/// The first line: failed or passed, with how many checks (a pipeline's
/// stage rows are shown, not checks).
fn verdict(r: &CheckReport) -> String {
    let count = |o: Outcome| r.rows.iter().filter(|x| x.outcome == o).count();
    if r.failed {
        format!(
            "FAILED: {} of {} checks over their limits ({} skipped)",
            count(Outcome::Fail),
            r.rows.len() - count(Outcome::Stage),
            count(Outcome::Skipped)
        )
    } else {
        format!(
            "passed: {} checks within their limits ({} skipped)",
            count(Outcome::Pass),
            count(Outcome::Skipped)
        )
    }
}

/// A check report as blocks.
pub fn check(r: &CheckReport) -> Report {
    let verdict = verdict(r);
    let mut blocks = vec![Block::Text(format!(
        "{verdict}\nbaseline {} → new {}",
        r.baseline_id, r.new_id
    ))];
    let mut table = Table::new(&[
        ("config", Align::Left),
        ("check", Align::Left),
        ("baseline", Align::Right),
        ("new", Align::Right),
        ("change", Align::Right),
        ("limit", Align::Right),
        ("result", Align::Left),
    ]);
    for row in &r.rows {
        table.row(vec![
            Cell::Text(row.config.clone()),
            Cell::Text(row.check.clone()),
            figure(row.old, row.unit),
            figure(row.new, row.unit),
            row.change.map_or(Cell::Empty, Cell::Change),
            Cell::Text(limit(row.limit)),
            Cell::Text(
                match row.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "FAIL",
                    Outcome::Skipped => "skipped",
                    Outcome::Stage => "",
                }
                .into(),
            ),
        ]);
    }
    // one line per distinct note, naming the rows it is about
    let mut notes: Vec<(String, Vec<String>)> = Vec::new();
    for row in r.rows.iter().filter(|x| !x.notes.is_empty()) {
        let at = format!("{} {}", row.config, row.check);
        let text: Vec<String> = row.notes.iter().map(note).collect();
        let text = text.join("; ");
        match notes.iter_mut().find(|(n, _)| *n == text) {
            Some((_, rows)) => rows.push(at),
            None => notes.push((text, vec![at])),
        }
    }
    for (note, rows) in notes {
        table
            .footnotes
            .push(format!("  {}: {note}", rows.join(", ")));
    }
    blocks.push(Block::Table(table));
    if !r.notes.is_empty() {
        blocks.push(Block::Notes(r.notes.iter().map(report_note).collect()));
    }
    Report {
        title: "cargo lto check".into(),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::gate::{Limits, Row};

    #[test]
    fn a_pipelines_stages_are_not_counted_as_checks() {
        let row = |check: &str, outcome| Row {
            config: "fat-pgo".into(),
            check: check.into(),
            old: Some(1.0),
            new: Some(1.0),
            unit: Some(Unit::Seconds),
            change: Some(0.0),
            limit: None,
            outcome,
            notes: Vec::new(),
        };
        let mut r = CheckReport {
            schema_version: 1,
            baseline_id: "a".into(),
            new_id: "b".into(),
            same_host: true,
            limits: Limits::default(),
            rows: vec![
                row("build", Outcome::Pass),
                row("build:training", Outcome::Stage),
                row("build:merge", Outcome::Stage),
            ],
            notes: Vec::new(),
            failed: false,
        };
        assert_eq!(
            verdict(&r),
            "passed: 1 checks within their limits (0 skipped)"
        );
        r.rows[0].outcome = Outcome::Fail;
        r.failed = true;
        assert_eq!(
            verdict(&r),
            "FAILED: 1 of 1 checks over their limits (0 skipped)"
        );
    }
}
