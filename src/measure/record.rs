//! The seam between measuring and the measure document: every domain value
//! that enters the document is converted here, field by field, into the
//! published types of `results::measure`. A rename on either side shows up
//! here as a compile error, never silently in the output.

use std::path::Path;

use super::runtime::counter::Counter;
use super::runtime::schedule::Plan;
use super::runtime::workload::Workload;
use super::stats;
use crate::build::wrapper::UnitRecord;
use crate::inspect::sections::SectionSizes;
use crate::process::Usage;
use crate::profile::resolve::Resolved;
use crate::results::measure as doc;

/// A resolved profile.
pub fn profile(resolved: &Resolved) -> doc::Profile {
    resolved
        .iter()
        .map(|(key, v)| {
            (
                key.clone(),
                doc::Setting {
                    value: v.value.clone(),
                    source: v.source.clone(),
                },
            )
        })
        .collect()
}

/// One rustc invocation the wrapper logged.
pub fn unit(record: &UnitRecord) -> doc::Unit {
    doc::Unit {
        crate_name: record.crate_name.clone(),
        package: record.package.clone(),
        version: record.version.clone(),
        crate_types: record.crate_types.clone(),
        wall_s: record.usage.wall_s,
        cpu_s: record.usage.cpu_s,
        peak_rss_bytes: record.usage.peak_rss_bytes,
    }
}

/// A timed step.
pub fn step(usage: &Usage) -> doc::Step {
    doc::Step {
        wall_s: usage.wall_s,
        cpu_s: usage.cpu_s,
        peak_rss_bytes: usage.peak_rss_bytes,
    }
}

/// The binary at `path` with its section sizes.
pub fn binary(path: &Path, sizes: SectionSizes) -> doc::Binary {
    doc::Binary {
        path: path.to_path_buf(),
        size_bytes: sizes.size_bytes,
        sections: sizes.sections,
        symbols: sizes.symbols,
    }
}

/// A workload.
pub fn workload(w: &Workload) -> doc::Workload {
    doc::Workload {
        name: w.name.clone(),
        command: w.command.clone(),
        shell: w.shell,
        prepare: w.prepare.clone(),
        dir: w.dir.clone(),
        stdin: w.stdin.clone(),
    }
}

/// What was counted.
pub fn counter(c: Counter) -> doc::Counter {
    match c {
        Counter::Time => doc::Counter::Time,
        Counter::PerfEvent => doc::Counter::PerfEvent,
        Counter::Callgrind => doc::Counter::Callgrind,
    }
}

/// How the workloads were run.
pub fn runtime_plan(plan: &Plan, c: Counter, source: String) -> doc::RuntimePlan {
    doc::RuntimePlan {
        plan: doc::Plan {
            warmup: plan.warmup,
            runs: plan.runs,
            min_time_s: plan.min_time_s,
            max_runs: plan.max_runs,
            ignore_failure: plan.ignore_failure,
        },
        counter: counter(c),
        counter_source: source,
    }
}

/// A sample's summary.
pub fn summary(s: &stats::Summary) -> doc::Summary {
    doc::Summary {
        n: s.n,
        median: s.median,
        mean: s.mean,
        stddev: s.stddev,
        min: s.min,
        max: s.max,
        mad: s.mad,
        outliers: s.outliers.clone(),
        median_ci: s.median_ci,
    }
}

/// A comparison with baseline, and its verdict.
pub fn comparison(c: &stats::Comparison) -> doc::Comparison {
    doc::Comparison {
        ratio: c.ratio,
        ratio_ci: c.ratio_ci,
        p_value: c.p_value,
        significant: c.significant,
        verdict: match c.verdict {
            stats::Verdict::Lower => doc::Verdict::Faster,
            stats::Verdict::Higher => doc::Verdict::Slower,
            stats::Verdict::WithinNoise => doc::Verdict::WithinNoise,
        },
    }
}
