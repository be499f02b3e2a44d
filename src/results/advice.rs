//! The advice documents: what `cargo lto recommend` and `cargo lto doctor`
//! print with `--format json` (docs/advice.md documents every field).
//! Like the measure document they are plain serde types, so the renderers
//! and the report (which shows the recommendation) read them without
//! knowing how they were decided.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::doctor::{Detail, DoctorReport, Finding, Myth, Severity};
pub use super::reasons::{Decision, Difference, Goal, Offer, Reason, Why};

/// The version of the advice documents (recommend, doctor, check): 2 holds
/// reasons, rejections and breaches as typed objects (version 1, without
/// the field, held them as sentences).
pub const ADVICE_SCHEMA_VERSION: u32 = 2;

/// What the shipped binary must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// Panic backtraces with function names: no `strip = "symbols"`.
    Backtraces,
    /// Debug info in the binary (file:line in backtraces, debuggers,
    /// profilers): `debug` on and `strip` not removing it.
    Debuginfo,
    /// Unwinding panics (`catch_unwind`, drops on panic): no `panic = "abort"`.
    Unwind,
}

/// The limits the user gave.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// `--max-build-time`, seconds of one clean build.
    pub max_build_time_s: Option<f64>,
    /// `--max-link-memory`, bytes of the final rustc's peak RSS.
    pub max_link_memory_bytes: Option<u64>,
    /// `--need`.
    pub needs: Vec<Need>,
    /// `--bin`: the binary whose size counts; null: every binary measured,
    /// their sizes added up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// `--max-regression`: no benchmark judged worse than baseline's by
    /// more than this (0.05: 5%); null in answers before benchmarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_regression: Option<f64>,
}

/// `cargo lto recommend`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// [`ADVICE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The measure document it was decided from (its `id`).
    pub results_id: String,
    /// The goal.
    pub goal: Goal,
    /// The constraints.
    pub constraints: Constraints,
    /// The configuration to use, or null: keep what you have.
    pub choice: Option<String>,
    /// The keys to write (profile keys and rustflags keys, values as in the
    /// measure document's `settings`), only those that differ from what the
    /// profile already resolves to.
    pub settings: BTreeMap<String, String>,
    /// The profile section to paste (`[profile.release]` …), empty for null.
    pub toml: String,
    /// The chosen configuration's pipeline steps (`pgo`, `bolt`), which no
    /// Cargo.toml can hold: the TOML is then only its profile part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pipeline: Vec<super::pipeline::PipelineStep>,
    /// What the choice costs against baseline: each of its figures that
    /// is worse beyond the noise rules (empty for none, and without a
    /// choice).
    #[serde(default)]
    pub costs: Vec<Difference>,
    /// Why, with the figures that decided it.
    pub reasons: Vec<Reason>,
    /// Every other configuration and why it was not chosen.
    pub rejected: Vec<Rejected>,
    /// Each candidate's figures, as used: those that met every constraint.
    pub candidates: Vec<Candidate>,
    /// Baseline's figures: the reference of every comparison.
    pub baseline: Candidate,
    /// The measure documents the figures come from: `results_id`'s own,
    /// and those a `--warm` sweep carried clean builds and workloads from.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// A measure document a recommendation rests on, and what it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Its `id`.
    pub results_id: String,
    /// The sizes (the document decided from).
    pub sizes: bool,
    /// The configurations whose build figures it gave.
    pub builds: Vec<String>,
    /// The workloads whose runs it gave.
    pub workloads: Vec<String>,
}

/// A configuration that was not chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    /// Configuration name.
    pub name: String,
    /// Why, with the figures.
    pub why: Why,
}

/// A configuration's figures as the recommendation weighed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Configuration name.
    pub name: String,
    /// Bytes loaded at run time.
    pub shipped_bytes: u64,
    /// File size.
    pub size_bytes: u64,
    /// Clean build wall seconds: the median of `builds` builds.
    pub build_s: f64,
    /// How many clean builds `build_s` is the median of (1 in older
    /// documents).
    #[serde(default = "super::one_build")]
    pub builds: usize,
    /// `build_s`'s CI, with at least [`BUILD_CI_MIN_BUILDS`] builds: build
    /// times are then compared by their CIs, not by the 10% tie.
    #[serde(default)]
    pub build_ci: Option<[f64; 2]>,
    /// The build reused its directory (`measure --warm`): its time says
    /// nothing about a clean build and is not compared.
    #[serde(default)]
    pub build_warm: bool,
    /// The clean build competed for the CPU (`busy`): its time is not
    /// compared.
    #[serde(default)]
    pub build_busy: bool,
    /// The final rustc's peak RSS, when recorded.
    pub link_peak_rss_bytes: Option<u64>,
    /// Per workload, the ratio of medians against baseline with its CI and
    /// verdict (`faster`, `slower`, `within_noise`).
    pub runtime: Vec<RuntimeFigure>,
    /// On the Pareto front of the candidates that met every constraint.
    pub pareto: bool,
    /// Bytes per section group (as in the measure document's
    /// `binary.sections`), for saying where a size changed.
    pub sections: BTreeMap<String, u64>,
}

/// Clean build times closer than this (relative) are a tie when there are
/// fewer than [`BUILD_CI_MIN_BUILDS`] of them: n = 1 on a shared machine.
pub const BUILD_TIE: f64 = 0.10;

/// Serde's default metric of a runtime figure: time.
fn seconds() -> super::runtime::Metric {
    super::runtime::Metric::Seconds
}

/// From this many clean builds per configuration (`measure
/// --build-runs`), `recommend` and `check` compare build times by their
/// CIs; with fewer, by the fixed tie of one build each.
pub const BUILD_CI_MIN_BUILDS: usize = 3;

/// One workload's runtime ratio against baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeFigure {
    /// Workload name.
    pub workload: String,
    /// median / baseline's median.
    pub ratio: f64,
    /// Its 95% CI.
    pub ratio_ci: [f64; 2],
    /// `better`, `worse` or `within_noise`.
    pub verdict: super::measure::Verdict,
    /// What was measured, and so which way is better.
    #[serde(default = "seconds")]
    pub metric: super::runtime::Metric,
    /// For `within_noise`: the rule that decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_noise: Option<super::measure::NoiseRule>,
    /// The runs (or baseline's) competed for the CPU: no verdict.
    #[serde(default)]
    pub busy: bool,
    /// A workload, or a benchmark (`measure --bench`).
    #[serde(default)]
    pub kind: super::runtime::SeriesKind,
}

/// `cargo lto explain` without a setting: the settings it knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingList {
    /// [`ADVICE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Each setting with its one-sentence summary, in the key table's order.
    pub settings: Vec<SettingSummary>,
}

/// One setting `explain` knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingSummary {
    /// Its name (`lto`, `codegen-units`, …).
    pub setting: String,
    /// What it is, in a sentence.
    pub summary: String,
}

/// `cargo lto explain SETTING`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The setting (`lto`, `codegen-units`, …).
    pub setting: String,
    /// Where it is set (`[profile.*]`, or rustflags).
    pub lives_in: String,
    /// What it is, in a sentence.
    pub summary: String,
    /// Its release default.
    pub release_default: String,
    /// Each value and what it really does.
    pub values: Vec<ValueMeaning>,
    /// What it costs.
    pub costs: String,
    /// What it buys.
    pub buys: String,
    /// Facts people get wrong.
    pub notes: Vec<String>,
    /// Where these facts come from.
    pub sources: Vec<String>,
    /// What it did in this project: pairs of measured configurations that
    /// differ in this setting alone (empty without results).
    pub measured: Vec<Observed>,
    /// The results document those come from.
    pub results_id: Option<String>,
}

/// One value of a setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueMeaning {
    /// As written in TOML (or in the flag).
    pub value: String,
    /// What it does.
    pub meaning: String,
}

/// Two measured configurations that differ in one setting only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// The configuration with the first value.
    pub from: String,
    /// Its value.
    pub from_value: String,
    /// The configuration with the second value.
    pub to: String,
    /// Its value.
    pub to_value: String,
    /// Relative change of shipped bytes (to / from − 1).
    pub shipped_change: f64,
    /// Relative change of file size.
    pub size_change: f64,
    /// Where the file size changed: bytes per section group (to − from),
    /// the largest changes first.
    pub sections_change: Vec<(String, i64)>,
    /// Clean build time ratio (of medians, with several builds).
    pub build_ratio: f64,
    /// The fewer of the two sides' clean builds (1 in older documents).
    #[serde(default = "super::one_build")]
    pub builds: usize,
    /// Link step peak memory ratio, when both were recorded.
    pub link_rss_ratio: Option<f64>,
    /// Per workload, each side's runtime against baseline (None: it is
    /// baseline, the reference).
    pub runtime: Vec<RuntimePair>,
}

/// One workload's runtime on both sides of an [`Observed`] pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimePair {
    /// Workload name (or a benchmark's).
    pub workload: String,
    /// A workload, or a benchmark (listed only when it moved between the
    /// two).
    #[serde(default)]
    pub kind: super::runtime::SeriesKind,
    /// The first configuration against baseline.
    pub from: Option<RuntimeFigure>,
    /// The second configuration against baseline.
    pub to: Option<RuntimeFigure>,
    /// Why the times say nothing, when they do not: `failed` (a run
    /// failed on either side) or `output differs` (either side printed
    /// other output than baseline).
    pub unusable: Option<String>,
}
