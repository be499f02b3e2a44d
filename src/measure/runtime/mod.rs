//! Runtime: each configuration's binary run on the user's workloads
//! (`workload`), interleaved by the `schedule`, each run executed and
//! observed by an `executor` (with a `counter` when counting instructions).
//! This module runs that phase and records it: statistics and verdicts
//! against baseline, and output equivalence (`outputs`) — a configuration
//! whose stdout differs from baseline's is flagged loudly.

pub mod counter;
pub mod executor;
pub mod noise;
pub mod outputs;
pub mod schedule;
mod syntax;
pub mod workload;

use anyhow::{Context, Result};

use crate::profile::BASELINE;
use crate::progress::Progress;
use crate::results::measure::{
    self as doc, CompareBy, MeasureDocument, Metric, SeriesKind, Status,
};
use crate::results::notes::NoteKind;
use crate::stats;
use counter::Counter;
use executor::Executor;
use schedule::{Plan, Series, main_output, most_common, schedule};
use workload::{Binaries, Workload};

/// What the runtime phase needs.
pub struct Options<'a> {
    pub workloads: &'a [Workload],
    /// Runs, warm-ups, minimum time.
    pub plan: Plan,
    /// What to count.
    pub counter: Counter,
}

/// One configuration's series as the document records it.
fn recorded(
    workload: &str,
    s: &Series,
    counter: Counter,
    baseline: Option<&Series>,
    is_baseline: bool,
    differs: bool,
) -> doc::Series {
    let metric = match counter {
        Counter::Time => Metric::Seconds,
        Counter::CachegrindFetchMisses => Metric::FetchMisses,
        _ => Metric::Instructions,
    };
    doc::Series {
        status: if s.failure.is_some() {
            Status::Failed
        } else {
            Status::Ok
        },
        samples: s.samples.clone(),
        peak_rss_bytes: s.peak_rss_bytes.clone(),
        summary: (!s.samples.is_empty()).then(|| stats::summarize(&s.samples)),
        contention: s.load.map(|l| l.contention()),
        steal: s.load.map(|l| l.steal()),
        // a count of instructions does not depend on other processes' load:
        // only timed runs can be busy
        busy: counter == Counter::Time
            && s.load.is_some_and(|l| l.contention() > crate::load::BUSY),
        vs_baseline: match baseline {
            Some(b) if !is_baseline && !s.samples.is_empty() => Some(stats::compare_by(
                &s.samples,
                &b.samples,
                metric.direction(),
                metric.rule(),
            )),
            _ => None,
        },
        stdout_sha256: main_output(s).map(str::to_string),
        stdout_lines_sha256: most_common(&s.line_outputs).map(str::to_string),
        output_differs: differs,
        output_varies: s.outputs.len() > 1,
        output_lines_vary: s.line_outputs.len() > 1,
        exit_code: s.failure.as_ref().map(|f| f.0),
        stderr_tail: s.failure.as_ref().map(|f| f.1.clone()),
        ..doc::Series::new(SeriesKind::Workload, workload, metric)
    }
}

/// The binaries of configuration `c`, for its runs.
pub fn binaries(c: &doc::Configuration) -> Binaries {
    Binaries {
        paths: c
            .binaries
            .iter()
            .map(|b| (b.bin.clone(), b.path.clone()))
            .collect(),
    }
}

/// Runs every workload on every configuration of `doc` that built,
/// interleaved, and records the results (and loud notes for differing
/// output) in it; [`finish`] then decides the verdicts.
pub fn run(
    doc: &mut MeasureDocument,
    options: &Options,
    executor: &mut dyn Executor,
    progress: &Progress,
) -> Result<()> {
    // a configuration identical to another gets that one's runs (below)
    let mut configs: Vec<(String, Binaries)> = doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.identical_to.is_none() && c.built())
        .map(|c| (c.name.clone(), binaries(c)))
        .collect();
    // baseline against itself: a copy of its binary, run like any other
    if let Some(copy) = noise::baseline_copy(doc)? {
        configs.push((noise::BASELINE_COPY.to_string(), copy));
    }
    for workload in options.workloads {
        let bar = progress.start_config(&format!("run {}", workload.name), 0);
        let mut count = 0usize;
        let series = schedule(
            &configs,
            workload,
            &options.plan,
            options.counter,
            executor,
            &mut |name, warm| {
                count += 1;
                let doing = if warm { "warming up" } else { "running" };
                bar.phase(&format!("{doing} {name} (run {count})"));
            },
        )
        .with_context(|| format!("workload `{}`", workload.name))?;
        bar.finish("done");
        record(doc, workload, series, options.counter);
    }
    Ok(())
}

/// Records one workload's `series` in `doc`: its A/A floor, how outputs
/// compared, each configuration's runs (and loud notes for differing
/// output, uncounted runs, a shell-looking argument of a failed run).
fn record(
    doc: &mut MeasureDocument,
    workload: &Workload,
    mut series: std::collections::BTreeMap<String, Series>,
    counter: Counter,
) {
    let noise = noise::floor(&mut series, counter);
    if let Some(w) = doc.workloads.iter_mut().find(|w| w.name == workload.name) {
        w.noise = noise;
    }
    let baseline = series
        .get(BASELINE)
        .filter(|s| s.failure.is_none() && !s.samples.is_empty());
    let judged = outputs::judge(&workload.name, workload.compare_output, &series);
    if let Some(w) = doc.workloads.iter_mut().find(|w| w.name == workload.name) {
        w.compared_by = judged.compared_by;
    }
    let as_lines = judged.compared_by == Some(CompareBy::Lines);
    for config in doc.configurations.iter_mut() {
        let Some(s) = series.get(&config.name) else {
            continue;
        };
        let differs = judged.differs.contains(&config.name);
        let is_baseline = config.name == BASELINE;
        let runtime = recorded(&workload.name, s, counter, baseline, is_baseline, differs);
        if differs {
            doc.notes.push(
                NoteKind::OutputDiffers {
                    config: config.name.clone(),
                    workload: workload.name.clone(),
                    against_baseline: baseline.is_some(),
                    as_lines,
                }
                .into(),
            );
        }
        if s.uncounted > 0 {
            doc.notes.push(
                NoteKind::Uncounted {
                    config: config.name.clone(),
                    workload: workload.name.clone(),
                    runs: s.uncounted,
                }
                .into(),
            );
        }
        config.series.push(runtime);
    }
    doc.notes.extend(judged.notes);
    let failed = doc
        .configurations
        .iter()
        .flat_map(|c| &c.series)
        .any(|r| r.name == workload.name && r.status != Status::Ok);
    if failed && let Some(word) = syntax::shell_syntax(workload) {
        doc.notes.push(
            NoteKind::ShellSyntax {
                workload: workload.name.clone(),
                word: word.to_string(),
            }
            .into(),
        );
    }
}

/// Decides the verdicts of every runtime comparison of `doc` together
/// (its own runs and those a warm sweep carried), then gives each
/// identical configuration its original's runs.
pub fn finish(doc: &mut MeasureDocument) {
    noise::judge(doc);
    let originals: Vec<(String, Vec<doc::Series>)> = doc
        .configurations
        .iter()
        .map(|c| (c.name.clone(), c.series.clone()))
        .collect();
    for config in doc.configurations.iter_mut() {
        if let Some(original) = &config.identical_to
            && let Some((_, runtime)) = originals.iter().find(|(n, _)| n == original)
        {
            config.series = runtime.clone();
        }
    }
}
