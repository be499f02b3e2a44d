//! Why a recommendation is what it is, as data: its reasons, the decision
//! of the pick, why each other configuration lost, and the differences
//! beyond the noise. One `kind` per rule of docs/advice.md; the sentences
//! are `render`'s.

use serde::{Deserialize, Serialize};

/// Why the recommendation is what it is: one typed object per reason,
/// `kind` naming the rule of docs/advice.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A workload failed on baseline itself: it judges nothing and is left
    /// out for every configuration.
    WorkloadFailedOnBaseline {
        /// The workload.
        workload: String,
    },
    /// Measurements that competed for the CPU (`busy`) and are not
    /// compared.
    BusyMeasurements {
        /// Configurations whose clean build was busy.
        builds: Vec<String>,
        /// (configuration, workload) whose runs, or baseline's, were busy.
        runtimes: Vec<(String, String)>,
    },
    /// The current profile breaks a constraint.
    BaselineBreaksConstraint {
        /// Which, with its figures.
        why: Why,
    },
    /// No configuration is chosen and baseline meets the constraints.
    KeepWhatYouHave {
        /// Why nothing beat it.
        why: Decision,
    },
    /// No configuration is chosen and baseline breaks a constraint too.
    NothingMeetsConstraints {
        /// Why nothing was chosen.
        why: Decision,
    },
    /// The choice.
    Chosen {
        /// Why it won.
        why: Decision,
    },
    /// A workload earlier results ran on these same binaries is not in
    /// the measure document, so not in this answer.
    WorkloadLeftOut {
        /// The workload.
        workload: String,
        /// The document that ran it.
        results_id: String,
        /// Why the document does not hold it.
        why: super::measure::LeftOut,
    },
    /// A workload carried from earlier results has no runs of these
    /// configurations, whose binaries were built differently since: they
    /// are judged without it.
    WorkloadNotFor {
        /// The workload.
        workload: String,
        /// The document that ran it.
        results_id: String,
        /// The configurations it has no runs of.
        configurations: Vec<String>,
    },
}

/// How the pick among the Pareto front went, with the figures it compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    /// Every configuration broke a constraint or failed.
    NoneFeasible,
    /// `--goal size`: the configuration with the fewest shipped bytes.
    FewestShippedBytes {
        /// It.
        config: String,
        /// Its shipped bytes.
        shipped_bytes: u64,
        /// Baseline's.
        baseline_shipped_bytes: u64,
        /// 1 − shipped / baseline's (0.06 = 6% fewer).
        reduction: f64,
        /// The reduction `--goal size` asks for (docs/advice.md).
        required: f64,
    },
    /// `--goal size`: the smallest ships too little less than baseline.
    TooLittleSmaller {
        /// The smallest configuration that met the constraints.
        config: String,
        /// Its shipped bytes.
        shipped_bytes: u64,
        /// Baseline's.
        baseline_shipped_bytes: u64,
        /// 1 − shipped / baseline's.
        reduction: f64,
        /// The reduction `--goal size` asks for.
        required: f64,
    },
    /// `--goal build-time`: the fastest clean build.
    FastestBuild {
        /// It.
        config: String,
        /// Its clean build, seconds.
        build_s: f64,
        /// Baseline's.
        baseline_build_s: f64,
        /// build_s / baseline_build_s.
        ratio: f64,
        /// The fewer of the two's clean builds: from
        /// `BUILD_CI_MIN_BUILDS`, their CIs were apart.
        #[serde(default = "super::one_build")]
        builds: usize,
    },
    /// `--goal build-time`: the fastest build is within the tie of
    /// baseline's (one build each), or their CIs overlap (several).
    BuildTimeTie {
        /// The fastest configuration.
        config: String,
        /// Its clean build, seconds.
        build_s: f64,
        /// Baseline's.
        baseline_build_s: f64,
        /// The relative difference that is a tie (with fewer builds than
        /// `BUILD_CI_MIN_BUILDS`).
        tie: f64,
        /// The fewer of the two's clean builds.
        #[serde(default = "super::one_build")]
        builds: usize,
    },
    /// `--goal build-time`: baseline's clean build, or every other one,
    /// competed for the CPU (busy): no build time can be compared.
    BaselineBuildBusy,
    /// `--goal speed`: the lowest geometric mean of the runtime ratios
    /// among those faster beyond the noise and slower nowhere.
    FastestRuntime {
        /// It.
        config: String,
        /// The geometric mean of its ratios against baseline
        /// (within-noise ones counting as 1).
        geomean_ratio: f64,
    },
    /// `--goal speed`: nothing is faster beyond the noise without being
    /// slower elsewhere.
    NoneFaster,
    /// `--goal balanced`: the lowest shipped-size ratio × runtime score.
    BestBalance {
        /// It.
        config: String,
        /// Shipped size ratio × runtime score (the size ratio alone when
        /// no runtime was measured).
        score: f64,
        /// Runtime entered the score.
        runtime_measured: bool,
        /// Its clean build time / baseline's (null for warm builds,
        /// which are not compared).
        build_ratio: Option<f64>,
        /// The largest build ratio `--goal balanced` accepts…
        build_cap: f64,
        /// …or this many seconds more than baseline's, whichever allows
        /// more (0 in documents before it).
        #[serde(default)]
        build_allowance_s: f64,
    },
    /// `--goal balanced`: nothing gains enough within the build-time cap.
    NoBalancedGain {
        /// The size reduction that counts as a gain.
        required: f64,
        /// The largest build ratio accepted…
        build_cap: f64,
        /// …or this many seconds more, whichever allows more.
        #[serde(default)]
        build_allowance_s: f64,
    },
}

/// Why a configuration was not chosen: one kind per rule of docs/advice.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// Its effective settings equal another's: built once, judged as that.
    Identical {
        /// The configuration it is identical to.
        to: String,
    },
    /// Its build failed.
    BuildFailed {
        /// Cargo's exit code, when it exited.
        exit_code: Option<i32>,
    },
    /// Its build timed out.
    BuildTimedOut,
    /// Its measurement was interrupted.
    Interrupted,
    /// No binary was measured.
    NotMeasured,
    /// A workload printed other output than on baseline.
    OutputDiffers {
        /// The workload.
        workload: String,
    },
    /// A workload failed on it.
    WorkloadFailed {
        /// The workload.
        workload: String,
        /// The run's exit code, when it exited.
        exit_code: Option<i32>,
    },
    /// Built on `--bench-profile` to compare rankings: never a candidate.
    BenchProfileTwin {
        /// The configuration it is the twin of.
        of: String,
        /// The bench profile.
        profile: String,
    },
    /// A benchmark was judged worse than baseline's by more than
    /// `--max-regression` (the worst such benchmark).
    BenchmarkRegression {
        /// The benchmark (its series' name).
        benchmark: String,
        /// Its ratio to baseline…
        ratio: f64,
        /// …with its 95% CI.
        ratio_ci: [f64; 2],
        /// How much worse (0.10: 10%).
        worse_by: f64,
        /// The limit (0.05: 5%).
        limit: f64,
        /// Benchmarks so disqualifying it, the worst first.
        count: usize,
        /// What it would have bought.
        offered: Offer,
    },
    /// Its clean build took longer than `--max-build-time`.
    ExceedsBuildTime {
        /// Its clean build, seconds.
        build_s: f64,
        /// The limit, seconds.
        limit_s: f64,
        /// What it would have bought.
        offered: Offer,
    },
    /// Its link step peaked above `--max-link-memory`.
    ExceedsLinkMemory {
        /// The final rustc's peak RSS, bytes.
        peak_bytes: u64,
        /// The limit, bytes.
        limit_bytes: u64,
        /// What it would have bought.
        offered: Offer,
    },
    /// `--max-link-memory` was given, and its link step's memory was not
    /// recorded (unknown counts as over).
    LinkMemoryUnknown {
        /// The limit, bytes.
        limit_bytes: u64,
        /// What it would have bought.
        offered: Offer,
    },
    /// `--need backtraces` and `strip = "symbols"`.
    StripsSymbols {
        /// What it would have bought.
        offered: Offer,
    },
    /// `--need debuginfo` and no debug info.
    NoDebuginfo {
        /// Its `debug` value.
        debug: String,
        /// What it would have bought.
        offered: Offer,
    },
    /// `--need debuginfo` and a `strip` that removes it.
    StripsDebuginfo {
        /// Its `strip` value.
        strip: String,
        /// What it would have bought.
        offered: Offer,
    },
    /// `--need unwind` and `panic = "abort"`.
    Aborts {
        /// What it would have bought.
        offered: Offer,
    },
    /// Another configuration is no worse on every figure and better on one.
    Dominated {
        /// The one that dominates it.
        by: String,
        /// Its figures against that one's, beyond the noise.
        differences: Vec<Difference>,
    },
    /// On the Pareto front, but the goal picked another.
    OtherGoal {
        /// The goal.
        goal: Goal,
        /// The choice.
        chosen: String,
        /// Its figures against the choice's, beyond the noise.
        differences: Vec<Difference>,
    },
    /// Nothing was chosen, and it does not gain enough over baseline.
    NotEnoughGain {
        /// Its figures against baseline's, beyond the noise.
        differences: Vec<Difference>,
    },
}

/// What a configuration rejected for a constraint would have bought.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// 1 − shipped / baseline's, when at least the size goal's gain.
    pub smaller: Option<f64>,
    /// Better than baseline beyond the noise on some workload (faster,
    /// fewer instructions).
    pub better: bool,
}

/// One figure in which a configuration differs from another beyond the
/// noise rules of docs/advice.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// Shipped bytes: shipped / other's − 1, beyond the minimum effect.
    Shipped {
        /// The relative change.
        change: f64,
    },
    /// Clean build time, beyond the tie.
    BuildTime {
        /// Its seconds.
        build_s: f64,
        /// The other's.
        other_build_s: f64,
        /// The fewer of the two's clean builds (1: a single build each).
        #[serde(default = "super::one_build")]
        builds: usize,
    },
    /// File size (on disk): size / other's − 1, beyond the minimum effect.
    File {
        /// The relative change.
        change: f64,
    },
    /// Link peak memory, beyond the tie.
    LinkMemory {
        /// Its peak, bytes.
        peak_bytes: u64,
        /// The other's.
        other_peak_bytes: u64,
    },
    /// Better on a workload (CIs that do not overlap): faster, or fewer
    /// instructions, by its metric.
    Better {
        /// The workload.
        workload: String,
        /// What was measured (its words: faster, fewer…).
        #[serde(default = "seconds")]
        metric: super::runtime::Metric,
        /// Its ratio against the other, when the other is baseline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio: Option<f64>,
        /// That ratio's 95% CI.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio_ci: Option<[f64; 2]>,
    },
    /// Worse on a workload.
    Worse {
        /// The workload.
        workload: String,
        /// What was measured.
        #[serde(default = "seconds")]
        metric: super::runtime::Metric,
        /// Its ratio against the other, when the other is baseline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio: Option<f64>,
        /// That ratio's 95% CI.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio_ci: Option<[f64; 2]>,
    },
}

/// Serde's default metric of a difference: time.
fn seconds() -> super::runtime::Metric {
    super::runtime::Metric::Seconds
}

/// What the recommendation optimises for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Goal {
    /// The smallest shipped size.
    Size,
    /// The fastest runtime (needs workloads).
    Speed,
    /// Smaller or faster without a large build-time cost.
    Balanced,
    /// The fastest clean build.
    BuildTime,
}
