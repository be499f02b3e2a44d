//! The CI gate's answer: what `cargo lto check` compared between a baseline
//! document and a new one, and what passed or failed (docs/ci.md).

use serde::{Deserialize, Serialize};

/// The thresholds given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// `--max-size`: the largest allowed relative growth of the file (0.03 = +3%).
    pub max_size: Option<f64>,
    /// `--max-shipped-size`: of the shipped bytes.
    pub max_shipped_size: Option<f64>,
    /// `--max-runtime`: of a workload's median, when significantly slower.
    pub max_runtime: Option<f64>,
    /// `--max-build-time`: of the clean build's wall time.
    pub max_build_time: Option<f64>,
    /// `--max-link-memory`: bytes the link step's peak may reach.
    pub max_link_memory_bytes: Option<u64>,
    /// `--allow-cross-host`: compare times measured on different machines.
    pub allow_cross_host: bool,
}

/// What became of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Within the limit.
    Pass,
    /// Over the limit: the gate fails.
    Fail,
    /// Not compared; `note` says why.
    Skipped,
    /// A stage of a pipeline (PGO, BOLT), shown under the `build` row
    /// that judges their sum: not judged by itself.
    Stage,
}

/// What a row's `old` and `new` count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Bytes.
    Bytes,
    /// Seconds.
    Seconds,
    /// Instructions counted.
    Instructions,
    /// Simulated instruction-fetch misses.
    FetchMisses,
    /// Nanoseconds per iteration of a benchmark.
    NsPerIter,
    /// Requests per second a load generator reported.
    RequestsPerSecond,
    /// A server's CPU seconds per request.
    CpuPerRequest,
    /// A server's CPU seconds over a load run.
    CpuSeconds,
    /// A server's instructions per request.
    InstructionsPerRequest,
}

/// A row's limit, as given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The largest allowed relative growth (0.03 = +3%).
    Relative(f64),
    /// An absolute ceiling in bytes.
    Bytes(u64),
}

/// Why a row failed or was skipped, or what its figures rest on: one
/// typed object each, `kind` naming the rule of docs/ci.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// The relative change is over the limit.
    OverLimit {
        /// new / old − 1.
        change: f64,
        /// The limit.
        limit: f64,
    },
    /// The link step's peak is over `--max-link-memory`.
    OverLinkMemory {
        /// The peak, bytes.
        peak_bytes: u64,
        /// The limit, bytes.
        limit_bytes: u64,
    },
    /// Measured in the baseline, missing from the new results.
    MissingFromNew,
    /// The new build failed.
    BuildFailed {
        /// Cargo's exit code, when it exited.
        exit_code: Option<i32>,
    },
    /// The new build timed out.
    BuildTimedOut,
    /// The new measurement was interrupted.
    Interrupted,
    /// A configuration the baseline does not have.
    NewConfiguration,
    /// The two were measured on different machines.
    OtherMachine,
    /// A warm build (`--warm`) is not a clean build.
    WarmBuild,
    /// Either side competed for the CPU (docs/results-schema.md, `busy`):
    /// not compared.
    Busy {
        /// The larger of the two sides' contention, 0–1.
        contention: f64,
    },
    /// One clean build on each side (n = 1).
    OneCleanBuildEach,
    /// Medians of several clean builds (`measure --build-runs`); from
    /// `BUILD_CI_MIN_BUILDS` on each side, a build fails only when its CI
    /// is above the baseline's.
    CleanBuilds {
        /// The baseline's builds (the quiet ones the median is of).
        baseline_builds: usize,
        /// The new side's.
        new_builds: usize,
    },
    /// Over the limit, but the two builds' CIs overlap: within the noise
    /// of repeated builds, so a pass.
    BuildWithinNoise {
        /// new / old − 1.
        change: f64,
        /// The limit.
        limit: f64,
    },
    /// No link step was recorded in the new build.
    NoLinkStep,
    /// A pipeline's stage: the `build` row judges the whole pipeline.
    PipelineStage,
    /// The baseline did not run this workload.
    BaselineDidNotRun,
    /// The two counted different things.
    MetricsDiffer {
        /// The baseline's metric.
        baseline: crate::results::measure::Metric,
        /// The new one's.
        new: crate::results::measure::Metric,
    },
    /// Instructions counted by two different counters (callgrind's and
    /// cachegrind's counts of one run differ by up to a few percent).
    CountersDiffer {
        /// The baseline's counter.
        baseline: crate::results::measure::Counter,
        /// The new one's.
        new: crate::results::measure::Counter,
    },
    /// The workload failed in the baseline too.
    FailedInBaselineToo,
    /// The workload failed in the new results.
    WorkloadFailed {
        /// The run's exit code, when it exited.
        exit_code: Option<i32>,
    },
    /// Either side has no runs.
    NoRuns,
    /// The runtime comparison (new against old), as `measure` compares,
    /// its p-value adjusted over every runtime comparison of the check.
    Runtime {
        /// Ratio, CI, raw and adjusted p-value, verdict.
        comparison: crate::results::measure::Comparison,
        /// Slower beyond the noise and by more than the limit.
        over_limit: bool,
        /// The fewer of the two sides' runs (0 in older answers).
        #[serde(default)]
        runs: usize,
    },
    /// Slower by more than the limit, the CI above 1, yet with so few runs
    /// that no p-value could confirm it after the adjustment: not judged.
    TooFewRuns {
        /// The fewer of the two sides' runs.
        runs: usize,
        /// Runs each side would need for a verdict to be possible.
        needed: usize,
    },
}

/// Something to know about the whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReportNote {
    /// Measured on different machines.
    OtherMachines {
        /// The baseline's cores.
        baseline_cores: usize,
        /// The baseline's CPU model.
        baseline_cpu: String,
        /// The new one's cores.
        new_cores: usize,
        /// The new one's CPU model.
        new_cpu: String,
        /// Build times and runtimes were compared anyway
        /// (`--allow-cross-host`).
        times_compared: bool,
    },
    /// A configuration's benchmark that changed most for the worse.
    WorstBenchmark {
        /// The configuration.
        config: String,
        /// The benchmark (its series' name).
        benchmark: String,
        /// Its change (the ratio of medians − 1).
        change: f64,
        /// Its benchmarks over `--max-runtime`.
        over: usize,
        /// Its benchmarks checked.
        checked: usize,
    },
    /// The toolchains differ: sizes can change with the compiler alone.
    ToolchainsDiffer {
        /// The baseline's `rustc -vV` first line.
        baseline: String,
        /// The new one's.
        new: String,
    },
}

/// One comparison of one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Configuration name.
    pub config: String,
    /// `size`, `shipped` (with several binaries `size:<bin>`,
    /// `shipped:<bin>`, each binary against its own), `build`,
    /// `build:<stage>` (a pipeline's stage), `link_memory`,
    /// `runtime:<workload>`, or `status`.
    pub check: String,
    /// The baseline's figure (bytes, seconds, or the median).
    pub old: Option<f64>,
    /// The new figure.
    pub new: Option<f64>,
    /// What `old` and `new` count.
    pub unit: Option<Unit>,
    /// new / old − 1 (for runtime, the ratio of medians − 1).
    pub change: Option<f64>,
    /// The limit, as given.
    pub limit: Option<Limit>,
    /// Pass, fail or skipped.
    pub outcome: Outcome,
    /// Why it failed or was skipped, and what its figures rest on.
    pub notes: Vec<Note>,
}

/// `cargo lto check`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// [`crate::results::advice::ADVICE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The baseline document's id.
    pub baseline_id: String,
    /// The new document's id.
    pub new_id: String,
    /// The two were measured on the same machine (CPU model, cores,
    /// memory, OS).
    pub same_host: bool,
    /// The limits.
    pub limits: Limits,
    /// Every comparison, by configuration.
    pub rows: Vec<Row>,
    /// Things to know (another host, another toolchain, …).
    pub notes: Vec<ReportNote>,
    /// A row failed: exit 1.
    pub failed: bool,
}
