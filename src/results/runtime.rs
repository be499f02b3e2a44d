//! The runtime part of the measure document: the workloads, how they were
//! run and counted, each configuration's runs of each, and the workloads
//! earlier documents ran on the same binaries (docs/results-schema.md).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::statistics::{Comparison, Direction, Rule, Summary};
use super::status::Status;

/// One workload, as given with `--run`/`--run-cmd` or in metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Name (`--run NAME='…'`), or `run1`, `run2`, … when unnamed.
    pub name: String,
    /// The command: words with `{bin}` standing for the binary (with
    /// several binaries, `{bin:NAME}` for binary NAME), or with `shell`,
    /// one string for `sh -c`.
    pub command: Vec<String>,
    /// Run through `sh -c`.
    pub shell: bool,
    /// A command run before each run, untimed (always through `sh -c`).
    pub prepare: Option<String>,
    /// Working directory.
    pub dir: Option<PathBuf>,
    /// File given as stdin.
    pub stdin: Option<PathBuf>,
    /// How outputs were to be compared (`--compare-output`, or the
    /// workload's `compare-output` key).
    #[serde(default)]
    pub compare_output: CompareOutput,
    /// How they were compared: `auto` resolves to `exact` or `lines`; null
    /// when they were not compared.
    #[serde(default)]
    pub compared_by: Option<CompareBy>,
    /// Baseline against itself: a second copy of its binary, run like any
    /// configuration, compared with baseline (the A/A arm). Significant:
    /// the machine was too noisy to judge this workload; otherwise its CI
    /// is the noise floor. Null without a clean baseline.
    #[serde(default)]
    pub noise: Option<Comparison>,
    /// SHA-256 of the `stdin` file when it was measured: a workload is the
    /// same as an earlier one only with the same input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_sha256: Option<String>,
    /// The document whose runs of this workload a `--warm` sweep carried
    /// (its `id`): this run did not run it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<String>,
}

impl Series {
    /// An empty series of `kind` `name` in `metric`: its unit, direction
    /// and rule are the metric's.
    pub fn new(kind: SeriesKind, name: &str, metric: Metric) -> Series {
        Series {
            kind,
            name: name.to_string(),
            metric,
            unit: metric.unit().to_string(),
            direction: metric.direction(),
            rule: metric.rule(),
            status: Status::Ok,
            samples: Vec::new(),
            peak_rss_bytes: Vec::new(),
            summary: None,
            contention: None,
            steal: None,
            busy: false,
            vs_baseline: None,
            stdout_sha256: None,
            stdout_lines_sha256: None,
            output_differs: false,
            output_varies: false,
            output_lines_vary: false,
            exit_code: None,
            stderr_tail: None,
            carried_from: None,
        }
    }
}

impl Workload {
    /// The same workload as `other`: the same command, run the same way,
    /// on the same input (its name aside).
    pub fn same_as(&self, other: &Workload) -> bool {
        self.command == other.command
            && self.shell == other.shell
            && self.prepare == other.prepare
            && self.dir == other.dir
            && self.stdin == other.stdin
            && self.input_sha256 == other.input_sha256
            && self.compare_output == other.compare_output
    }
}

/// A workload an earlier document of the project measured on binaries
/// that this document built again byte for byte: carried into it by a
/// `--warm` sweep, or left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierWorkload {
    /// The workload's name.
    pub workload: String,
    /// The document that measured it (its `id`; the first one, when that
    /// one had carried it).
    pub results_id: String,
    /// The configurations whose runs of it this document carries.
    pub carried: Vec<String>,
    /// The configurations it measured then whose binary this document
    /// built differently: their runs are not carried.
    pub rebuilt: Vec<String>,
    /// Why none of it was carried (null when some was).
    pub left_out: Option<LeftOut>,
}

/// Why an earlier workload's runs are not in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LeftOut {
    /// This sweep was not `--warm`: it measures afresh, carrying nothing.
    NotWarm,
    /// It was counted with another counter.
    OtherCounter {
        /// The earlier document's counter.
        earlier: Counter,
        /// This document's.
        now: Counter,
    },
    /// This document has a workload of that name that runs something else
    /// (another command, directory or input).
    Redefined,
    /// Baseline's binary is not the one measured then: the earlier ratios
    /// have another reference.
    BaselineRebuilt,
    /// It was measured on another machine.
    OtherMachine,
}

/// How to compare a workload's output between configurations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOutput {
    /// `exact` while every configuration's own runs print the same stdout,
    /// else `lines`.
    #[default]
    Auto,
    /// The stdout bytes.
    Exact,
    /// The sorted multiset of stdout's lines (for output printed by threads
    /// in scheduler order).
    Lines,
    /// Not compared.
    None,
}

/// The comparison used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareBy {
    /// The stdout bytes.
    Exact,
    /// The sorted lines of stdout.
    Lines,
}

/// How runtime was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimePlan {
    /// Warm-ups, runs, minimum time, cap.
    pub plan: Plan,
    /// What was counted.
    pub counter: Counter,
    /// Where the numbers come from, in words (and why not another source).
    pub counter_source: String,
}

/// How many runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Warm-up runs per configuration, not recorded.
    pub warmup: usize,
    /// At least this many recorded runs per configuration.
    pub runs: usize,
    /// And rounds kept going until this much time had passed.
    pub min_time_s: f64,
    /// Never more rounds than this.
    pub max_runs: usize,
    /// Failing runs were recorded instead of dropping the configuration.
    pub ignore_failure: bool,
    /// A run that other processes made busy was run again, up to this many
    /// times per configuration (`--retry-busy`; 0 in older documents).
    #[serde(default)]
    pub retry_busy: usize,
}

/// What was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Wall-clock time.
    Time,
    /// Instructions from hardware counters (`perf stat`).
    PerfEvent,
    /// Instructions counted by `valgrind --tool=callgrind` (documents
    /// before cachegrind was preferred).
    Callgrind,
    /// Instructions counted by `valgrind --tool=cachegrind --cache-sim=no`:
    /// the same instrumentation without call graphs, in about half of
    /// callgrind's time.
    Cachegrind,
    /// Instruction-fetch misses of the first-level instruction cache, as
    /// `valgrind --tool=cachegrind --cache-sim=yes` simulates them (`I1mr`;
    /// a model of the host's caches, not a hardware count): where BOLT's
    /// code layout shows, deterministically.
    CachegrindFetchMisses,
}

/// What a series' samples count. Any other value in a document is an
/// error when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// Wall-clock seconds (`wall_s`).
    #[serde(rename = "wall_s")]
    Seconds,
    /// Instructions counted under valgrind (`instructions`).
    #[serde(rename = "instructions")]
    Instructions,
    /// Simulated first-level instruction-cache misses (`ifetch_misses`).
    #[serde(rename = "ifetch_misses")]
    FetchMisses,
    /// Nanoseconds per iteration of a benchmark, as its harness estimated
    /// them in one run (`ns_per_iter`).
    #[serde(rename = "ns_per_iter")]
    NsPerIter,
    /// Requests a load generator reported per second (`requests_per_s`):
    /// more is better.
    #[serde(rename = "requests_per_s")]
    RequestsPerSecond,
    /// A server's CPU seconds per request answered (`cpu_s_per_request`).
    #[serde(rename = "cpu_s_per_request")]
    CpuPerRequest,
    /// A server's CPU seconds over a load run (`cpu_s`).
    #[serde(rename = "cpu_s")]
    CpuSeconds,
    /// Instructions a server executed per request, under cachegrind
    /// (`instructions_per_request`).
    #[serde(rename = "instructions_per_request")]
    InstructionsPerRequest,
}

impl Metric {
    /// Its unit, as the document writes it.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Seconds => "s",
            Metric::Instructions => "instructions",
            Metric::FetchMisses => "misses",
            Metric::NsPerIter => "ns",
            Metric::RequestsPerSecond => "requests/s",
            Metric::CpuPerRequest | Metric::CpuSeconds => "s",
            Metric::InstructionsPerRequest => "instructions",
        }
    }

    /// Which way is better.
    pub fn direction(self) -> Direction {
        match self {
            Metric::RequestsPerSecond => Direction::Higher,
            Metric::Seconds
            | Metric::Instructions
            | Metric::FetchMisses
            | Metric::NsPerIter
            | Metric::CpuPerRequest
            | Metric::CpuSeconds
            | Metric::InstructionsPerRequest => Direction::Lower,
        }
    }

    /// How its figures vary, and so how a comparison is judged.
    pub fn rule(self) -> Rule {
        match self {
            Metric::Seconds
            | Metric::NsPerIter
            | Metric::RequestsPerSecond
            | Metric::CpuPerRequest
            | Metric::CpuSeconds => Rule::Sampled,
            Metric::Instructions | Metric::FetchMisses | Metric::InstructionsPerRequest => {
                Rule::Count
            }
        }
    }

    /// A time (worded faster and slower), else a count (fewer and more).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Metric::Seconds
                | Metric::NsPerIter
                | Metric::RequestsPerSecond
                | Metric::CpuPerRequest
                | Metric::CpuSeconds
        )
    }
}

/// What a series measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// A workload: one process run, measured whole.
    #[default]
    Workload,
    /// A benchmark of the project's bench targets (`measure --bench`):
    /// one sample per run of its harness, its estimate.
    Benchmark,
    /// A server under one load (`measure --serve`): one sample per load
    /// run, one series per load and measure (`<load> <measure>`,
    /// `results::serve`).
    Load,
}

/// One configuration's runs of one thing measured (a workload), in one
/// metric: its samples, their summary, and their comparison with
/// baseline's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// What was measured.
    pub kind: SeriesKind,
    /// Its name: the workload's.
    pub name: String,
    /// What the samples count.
    pub metric: Metric,
    /// Their unit (`s`, `instructions`, `misses`).
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// How the comparison with baseline was judged.
    pub rule: Rule,
    /// `ok`, or `failed` when a run exited non-zero.
    pub status: Status,
    /// Every recorded run, in order.
    pub samples: Vec<f64>,
    /// Peak RSS of each run (wait4), bytes.
    pub peak_rss_bytes: Vec<u64>,
    /// Median, mean, spread, outliers, CI of the median.
    pub summary: Option<Summary>,
    /// The share of the machine's CPU time other processes used over the
    /// recorded runs, 0–1 (null where `/proc/stat` could not be read).
    #[serde(default)]
    pub contention: Option<f64>,
    /// The share the hypervisor stole meanwhile, 0–1.
    #[serde(default)]
    pub steal: Option<f64>,
    /// `contention` above the busy threshold: the runs competed for the
    /// CPU, and no verdict is drawn from them.
    #[serde(default)]
    pub busy: bool,
    /// Against baseline: ratio of medians with CI, p-value, verdict.
    pub vs_baseline: Option<Comparison>,
    /// SHA-256 of the most common stdout.
    pub stdout_sha256: Option<String>,
    /// SHA-256 of the most common stdout with its lines sorted.
    #[serde(default)]
    pub stdout_lines_sha256: Option<String>,
    /// stdout differs from baseline's (or from the others', without
    /// baseline) by the workload's `compared_by`; false when this
    /// configuration's own runs vary by it (then it cannot be judged).
    pub output_differs: bool,
    /// stdout was not the same in every run of this configuration.
    pub output_varies: bool,
    /// Even sorted, stdout's lines were not the same in every run.
    #[serde(default)]
    pub output_lines_vary: bool,
    /// Exit code of the failing run.
    pub exit_code: Option<i32>,
    /// stderr tail of the failing run.
    pub stderr_tail: Option<String>,
    /// The document that measured these runs, when a `--warm` sweep
    /// carried them from it (the same binary, byte for byte): this run
    /// did not run them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<String>,
}

/// Each `{bin}` (`None`) and `{bin:NAME}` (`Some(NAME)`) in `text`, with
/// where it is.
pub fn placeholders(text: &str) -> Vec<(std::ops::Range<usize>, Option<&str>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{bin") {
        let start = from + i;
        let rest = &text[start + 4..];
        from = start + 4;
        if rest.starts_with('}') {
            out.push((start..start + 5, None));
            from = start + 5;
        } else if let Some(named) = rest.strip_prefix(':')
            && let Some(end) = named.find('}')
            && end > 0
            && !named[..end].contains(['{', ' '])
        {
            let stop = start + 5 + end + 1;
            out.push((start..stop, Some(&named[..end])));
            from = stop;
        }
    }
    out
}

/// `text` with each `{bin}` and `{bin:NAME}` replaced by `with(name)`.
pub fn substitute(text: &str, with: &dyn Fn(Option<&str>) -> String) -> String {
    let mut out = String::new();
    let mut from = 0;
    for (range, name) in placeholders(text) {
        out.push_str(&text[from..range.start]);
        out.push_str(&with(name));
        from = range.end;
    }
    out.push_str(&text[from..]);
    out
}
