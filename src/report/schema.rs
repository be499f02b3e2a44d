//! The results document: what `measure` writes to
//! `<target-dir>/cargo-lto/results/` and prints with `--format json`.
//! Serde-only types, versioned by [`SCHEMA_VERSION`]; documented in
//! `docs/results-schema.md`. Bump the version on any incompatible change.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::inspect::binary::BinaryInfo;
use crate::profile::resolve::Resolved;

/// Version of this document's layout.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole sweep.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `cargo-lto` and its version.
    pub tool: String,
    /// When the sweep started, seconds since the Unix epoch.
    pub started_unix_s: u64,
    /// The machine it ran on.
    pub machine: Machine,
    /// `rustc -vV` and `cargo -V`.
    pub toolchain: Toolchain,
    /// What was built.
    pub project: ProjectInfo,
    /// The profile the configurations inherit (`release` unless `--base-profile`).
    pub base_profile: String,
    /// The base profile as the project's files and environment resolve it.
    pub base_settings: Resolved,
    /// True when `--warm` reused build directories: times are then not clean builds.
    pub warm: bool,
    /// Things the user should know about how this was measured.
    pub notes: Vec<String>,
    /// One entry per configuration, in the order measured.
    pub configurations: Vec<ConfigResult>,
    /// The workloads run on every configuration's binary.
    #[serde(default)]
    pub workloads: Vec<crate::measure::runtime::Workload>,
    /// How the workloads were run, when any were.
    #[serde(default)]
    pub runtime_plan: Option<RuntimePlan>,
}

/// How runtime was measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuntimePlan {
    /// Warm-ups, runs, minimum time, cap.
    pub plan: crate::measure::runtime::Plan,
    /// What was counted.
    pub counter: crate::measure::runtime::Counter,
    /// Where the numbers come from, in words (and why not another source).
    pub counter_source: String,
}

/// One configuration's runs of one workload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkloadRuntime {
    /// Workload name.
    pub workload: String,
    /// `ok`, or `failed` when a run exited non-zero.
    pub status: Status,
    /// `wall_s` or `instructions`.
    pub metric: String,
    /// Every recorded run, in order.
    pub samples: Vec<f64>,
    /// Peak RSS of each run (wait4), bytes.
    pub peak_rss_bytes: Vec<u64>,
    /// Median, mean, spread, outliers, CI of the median.
    pub summary: Option<crate::measure::stats::Summary>,
    /// Against baseline: ratio of medians with CI, p-value, significance.
    pub vs_baseline: Option<crate::measure::stats::Comparison>,
    /// SHA-256 of the most common stdout.
    pub stdout_sha256: Option<String>,
    /// stdout differs from baseline's (or from the others', without baseline).
    pub output_differs: bool,
    /// stdout was not the same in every run of this configuration.
    pub output_varies: bool,
    /// Exit code of the failing run.
    pub exit_code: Option<i32>,
    /// stderr tail of the failing run.
    pub stderr_tail: Option<String>,
}

/// The machine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model name, from /proc/cpuinfo.
    pub cpu_model: String,
    /// Logical CPUs available to this process.
    pub cores: usize,
    /// Physical memory in bytes.
    pub memory_bytes: u64,
    /// `std::env::consts::OS`-`ARCH`.
    pub os: String,
}

/// The toolchain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc -vV` as printed.
    pub rustc_vv: String,
    /// `cargo -V` as printed.
    pub cargo_v: String,
}

/// The measured project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectInfo {
    /// Workspace root directory.
    pub workspace_root: PathBuf,
    /// Package with the binary.
    pub package: String,
    /// Its version.
    pub version: String,
    /// Binary target.
    pub bin: String,
    /// `--target`, if given.
    pub target: Option<String>,
}

/// The state a configuration ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built and measured.
    Ok,
    /// cargo failed; see `exit_code` and `stderr_tail`.
    Failed,
    /// Killed after `--timeout`.
    Timeout,
    /// Stopped by Ctrl-C.
    Interrupted,
}

/// One configuration's results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigResult {
    /// Configuration name.
    pub name: String,
    /// The keys it overrides on the base profile (empty for baseline).
    pub settings: BTreeMap<String, String>,
    /// Every resolved key it was built with, and where each came from.
    pub effective: Resolved,
    /// The exact cargo command (argv, `cargo` first).
    pub command: Vec<String>,
    /// Environment cargo-lto set for the measurement only (its rustc wrapper).
    pub measurement_env: BTreeMap<String, String>,
    /// Outcome.
    pub status: Status,
    /// cargo's exit code when it failed (negative: killed by that signal).
    pub exit_code: Option<i32>,
    /// The last lines of cargo's stderr when it failed.
    pub stderr_tail: Option<String>,
    /// Build measurements (present once the clean build ran).
    pub build: Option<Build>,
    /// The binary (present when the build succeeded).
    pub binary: Option<BinaryInfo>,
    /// Runtime per workload (with `--run`/`--run-cmd`).
    #[serde(default)]
    pub runtime: Vec<WorkloadRuntime>,
}

/// Build measurements: one clean build (n = 1) and one rebuild.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Build {
    /// Wall-clock seconds of the clean `cargo build`.
    pub wall_s: f64,
    /// User + system CPU seconds of cargo and every process it ran.
    pub cpu_s: f64,
    /// Peak RSS of the largest single process during the build, bytes.
    pub peak_rss_bytes: u64,
    /// True when the build directory was reused (`--warm`).
    pub warm: bool,
    /// Every rustc invocation, in start order.
    pub units: Vec<Unit>,
    /// The final binary crate's rustc invocation: its compile, LTO and link.
    pub link: Option<Step>,
    /// Wall seconds of the rebuild after bumping the binary crate root's mtime.
    pub rebuild_wall_s: Option<f64>,
    /// CPU seconds of that rebuild.
    pub rebuild_cpu_s: Option<f64>,
    /// The final rustc invocation of the rebuild.
    pub rebuild_link: Option<Step>,
    /// Why the rebuild has no figure, if it has none.
    pub rebuild_error: Option<String>,
}

/// One rustc invocation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    /// `--crate-name`.
    pub crate_name: String,
    /// Package name and version, when cargo said.
    pub package: Option<String>,
    /// Package version.
    pub version: Option<String>,
    /// `--crate-type` values.
    pub crate_types: Vec<String>,
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds, rustc and the linker it ran.
    pub cpu_s: f64,
    /// Peak RSS of rustc or its largest child, bytes.
    pub peak_rss_bytes: u64,
}

/// One timed step.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds.
    pub cpu_s: f64,
    /// Peak RSS, bytes.
    pub peak_rss_bytes: u64,
}

impl Results {
    /// The configuration named `name`.
    pub fn config(&self, name: &str) -> Option<&ConfigResult> {
        self.configurations.iter().find(|c| c.name == name)
    }

    /// True when any configuration did not end `ok`, any workload failed,
    /// or any output differed.
    pub fn any_failed(&self) -> bool {
        self.configurations.iter().any(|c| {
            c.status != Status::Ok
                || c.runtime
                    .iter()
                    .any(|r| r.status != Status::Ok || r.output_differs)
        })
    }
}
