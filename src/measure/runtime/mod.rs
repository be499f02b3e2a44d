//! Runtime: each configuration's binary run on the user's workloads
//! (`workload`), interleaved by the `schedule`, each run executed and
//! observed by an `executor` (with a `counter` when counting instructions).
//! This module runs that phase and records it: statistics and verdicts
//! against baseline, and output equivalence — a configuration whose stdout
//! differs from baseline's is flagged loudly.

pub mod counter;
pub mod executor;
pub mod schedule;
pub mod workload;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::profile::BASELINE;
use crate::progress::Progress;
use crate::results::measure::{MeasureDocument, Status, WorkloadRuntime};
use crate::stats;
use counter::Counter;
use executor::Executor;
use schedule::{Plan, Series, main_output, schedule};
use workload::Workload;

/// What the runtime phase needs.
pub struct Options<'a> {
    /// The workloads.
    pub workloads: &'a [Workload],
    /// Runs, warm-ups, minimum time.
    pub plan: Plan,
    /// What to count.
    pub counter: Counter,
}

/// The output every configuration is compared with: baseline's, or the
/// most common among all when baseline did not run.
fn reference_output(
    series: &BTreeMap<String, Series>,
    baseline: Option<&Series>,
) -> Option<String> {
    if let Some(b) = baseline {
        return main_output(b).map(str::to_string);
    }
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for s in series.values() {
        if let Some(h) = main_output(s) {
            *votes.entry(h).or_default() += 1;
        }
    }
    votes
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(h, _)| h.to_string())
}

/// One configuration's series as the document records it.
fn recorded(
    workload: &str,
    s: &Series,
    counter: Counter,
    baseline: Option<&Series>,
    is_baseline: bool,
    reference: Option<&String>,
) -> WorkloadRuntime {
    let output = main_output(s).map(str::to_string);
    WorkloadRuntime {
        workload: workload.to_string(),
        status: if s.failure.is_some() {
            Status::Failed
        } else {
            Status::Ok
        },
        metric: if counter == Counter::Time {
            "wall_s".into()
        } else {
            "instructions".into()
        },
        samples: s.samples.clone(),
        peak_rss_bytes: s.peak_rss_bytes.clone(),
        summary: (!s.samples.is_empty()).then(|| stats::summarize(&s.samples)),
        vs_baseline: match baseline {
            Some(b) if !is_baseline && !s.samples.is_empty() => {
                Some(stats::compare(&s.samples, &b.samples))
            }
            _ => None,
        },
        output_differs: output.is_some() && output.as_ref() != reference,
        stdout_sha256: output,
        output_varies: s.outputs.len() > 1,
        exit_code: s.failure.as_ref().map(|f| f.0),
        stderr_tail: s.failure.as_ref().map(|f| f.1.clone()),
    }
}

/// Runs every workload on every configuration of `doc` that built,
/// interleaved, and records the results (and loud notes for differing
/// output) in it.
pub fn run(
    doc: &mut MeasureDocument,
    options: &Options,
    executor: &mut dyn Executor,
    progress: &Progress,
) -> Result<()> {
    let configs: Vec<(String, PathBuf)> = doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok)
        .filter_map(|c| Some((c.name.clone(), c.binary.as_ref()?.path.clone())))
        .collect();
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
        let baseline = series
            .get(BASELINE)
            .filter(|s| s.failure.is_none() && !s.samples.is_empty());
        let reference = reference_output(&series, baseline);
        for config in doc.configurations.iter_mut() {
            let Some(s) = series.get(&config.name) else {
                continue;
            };
            let runtime = recorded(
                &workload.name,
                s,
                options.counter,
                baseline,
                config.name == BASELINE,
                reference.as_ref(),
            );
            if runtime.output_differs {
                doc.notes.push(format!(
                    "OUTPUT DIFFERS: `{}` printed other output for workload `{}` than {} — a changed result (panic strategy, float rounding, a miscompile) matters more than its speed",
                    config.name,
                    workload.name,
                    if baseline.is_some() { "baseline" } else { "the other configurations" }
                ));
            }
            if runtime.output_varies {
                doc.notes.push(format!(
                    "`{}`'s output for workload `{}` varied from run to run: output equivalence cannot be judged for it",
                    config.name, workload.name
                ));
            }
            if s.uncounted > 0 {
                doc.notes.push(format!(
                    "`{}`: {} run(s) of workload `{}` exited non-zero without an instruction count; they are not among its samples",
                    config.name, s.uncounted, workload.name
                ));
            }
            config.runtime.push(runtime);
        }
    }
    Ok(())
}
