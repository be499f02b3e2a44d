//! The benchmarks part of the measure document (`measure --bench`): the
//! project's own bench targets, built with each configuration's settings,
//! and each benchmark they hold, run in rounds across configurations
//! (docs/results-schema.md, "Benchmarks"). A benchmark's runs are a
//! configuration's `series[]` of kind `benchmark`, named as here.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::statistics::Comparison;

/// The harness a bench target runs with: how it is told which benchmark
/// to run and for how long, and how its output is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Harness {
    /// criterion (or a crate that re-exports it): its `time: [low point
    /// high]` line, the typical time per iteration with its CI.
    Criterion,
    /// divan: its table's median time per iteration.
    Divan,
    /// libtest's `#[bench]` (nightly), or any harness printing its
    /// `bencher` lines: `test NAME ... bench: N ns/iter (+/- M)`.
    Libtest,
    /// iai-callgrind (gungraun): instructions counted under valgrind,
    /// deterministic.
    IaiCallgrind,
}

impl Harness {
    /// Its name as users know it.
    pub fn label(self) -> &'static str {
        match self {
            Harness::Criterion => "criterion",
            Harness::Divan => "divan",
            Harness::Libtest => "libtest bencher",
            Harness::IaiCallgrind => "iai-callgrind",
        }
    }
}

/// One configuration's build of one bench target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchBinary {
    /// The bench target's name.
    pub bench: String,
    /// Its package.
    pub package: String,
    /// The executable cargo linked.
    pub path: PathBuf,
    /// Its SHA-256.
    pub sha256: Option<String>,
}

/// One benchmark of a bench target, as every configuration ran it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// The name of its series: `<bench target>/<id>`.
    pub name: String,
    /// The bench target that holds it.
    pub bench: String,
    /// Its id as the harness names it (what `--exact` selects).
    pub id: String,
    /// The harness.
    pub harness: Harness,
    /// What one sample of its series is, in words a table can quote
    /// ("criterion's typical time per iteration over 10 samples").
    pub sample: String,
    /// The most samples the harness took in one run, where it says
    /// (divan's `samples`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harness_samples: Option<u64>,
    /// Baseline's bench binary against a copy of itself (the A/A arm):
    /// its CI is this benchmark's noise floor; significant, the machine
    /// was too noisy to judge it. Null without a clean baseline.
    #[serde(default)]
    pub noise: Option<Comparison>,
}

/// How the benchmarks were run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchPlan {
    /// The bench targets run, with their harness.
    pub targets: Vec<BenchTarget>,
    /// `--bench-filter`, when given: only benchmarks whose id it matches.
    pub filter: Option<String>,
    /// `--bench-time`: the whole phase's budget, seconds, split over the
    /// benchmarks.
    pub budget_s: f64,
    /// Rounds asked for per benchmark (`--runs`).
    pub rounds: usize,
    /// The measuring time given to each run of a harness that takes one
    /// (criterion's `--measurement-time`, divan's `--max-time`), seconds.
    pub run_time_s: f64,
    /// How long the phase took, seconds.
    pub took_s: f64,
}

/// A bench target run, with its harness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchTarget {
    /// The target's name.
    pub bench: String,
    /// Its package.
    pub package: String,
    /// Its harness, as detected.
    pub harness: Harness,
    /// How the harness was detected (the dependency, the `--help` text).
    pub detected_by: String,
    /// Its binary takes `--exact` (its `--help` lists it); else one
    /// benchmark is selected by the filter `^id$` (criterion before 0.5).
    #[serde(default)]
    pub exact: bool,
}

/// A configuration's benchmarks against baseline's, in a few figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchSummary {
    /// Benchmarks judged better than baseline's.
    pub better: usize,
    /// Judged worse.
    pub worse: usize,
    /// Within noise, or not judged (busy, too noisy).
    pub within_noise: usize,
    /// Benchmarks with no comparison (a failed run).
    pub failed: usize,
    /// The geometric mean of the ratios to baseline (cost-wise: below 1 is
    /// better whatever each metric's direction), with its 95% CI from the
    /// ratios' own CIs (in log space, as independent).
    pub geomean: Option<f64>,
    /// Its CI.
    pub geomean_ci: Option<[f64; 2]>,
    /// The benchmark that fared worst against baseline, whatever its
    /// verdict (null without any comparison).
    pub worst: Option<Worst>,
}

/// The worst benchmark of a configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Worst {
    /// Its series' name.
    pub benchmark: String,
    /// Against baseline.
    pub comparison: Comparison,
}

/// A configuration built on `--bench-profile` instead of the base profile:
/// the twin of a shipped one, measured to compare rankings, never to ship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTwin {
    /// The configuration it is the twin of.
    pub of: String,
    /// The profile it is built on.
    pub profile: String,
}

/// Does the profile the project benchmarks with rank the configurations
/// as the shipped profile does? (`--bench-profile`)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileAgreement {
    /// The bench profile.
    pub profile: String,
    /// Per benchmark.
    pub benchmarks: Vec<BenchmarkAgreement>,
    /// The mean of the benchmarks' Kendall tau (null without any).
    pub mean_tau: Option<f64>,
}

/// One benchmark's ranking of the configurations on both profiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkAgreement {
    /// The benchmark (its series' name).
    pub benchmark: String,
    /// Each configuration (baseline included, at 1): its ratio to
    /// baseline on the shipped profile and on the bench profile (to
    /// baseline's twin there), with each side's verdict.
    pub configurations: Vec<Ranked>,
    /// Kendall's tau-b between the two rankings (1: the same order; null
    /// with fewer than two configurations, or no order on one side).
    pub tau: Option<f64>,
    /// The configurations whose change from baseline is judged better on
    /// one profile and worse on the other.
    pub flips: Vec<String>,
}

/// One configuration's ratio to baseline on both profiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// The configuration.
    pub config: String,
    /// On the shipped profile: its ratio and verdict.
    pub shipped: Option<Comparison>,
    /// On the bench profile.
    pub bench_profile: Option<Comparison>,
}
