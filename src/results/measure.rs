//! The measure document: what `cargo lto measure` writes to
//! `<target-dir>/cargo-lto/results/` and prints with `--format json`.
//! Every field is documented in docs/results-schema.md. These types are the
//! published format: the measuring code converts its own values into them
//! (in `measure/record.rs`), so a rename in the domain cannot change it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use super::binary::{Bin, Binary, Sizes};
pub use super::build::{Build, BuildSample, Step, Unit};
pub use super::runtime::{
    CompareBy, CompareOutput, Counter, EarlierWorkload, LeftOut, Metric, Plan, RuntimePlan, Series,
    SeriesKind, Workload,
};
pub use super::statistics::{Comparison, Direction, MIN_EFFECT, NoiseRule, Rule, Summary, Verdict};
pub use super::status::Status;

/// Version of this document's layout. 2 added `id` and the runtime
/// `verdict`, and files named by `id` instead of the start second. 3 added
/// the binary's `shipped_bytes` and moved the static symbol table from the
/// `other` section group to `symbols`. 4 made the section groups the
/// file's bytes, adding up to `size_bytes` (`data` with the dynamic
/// relocations and without .bss, `other` with the headers and padding). 5
/// made the notes typed (`kind` and figures, the sentence as `text`). 6
/// made runtimes series with a direction and measured several binaries.
/// 7 added benchmarks (`benchmarks`, `bench_plan`, each configuration's
/// `benches`, series of kind `benchmark` in `ns_per_iter`).
pub const MEASURE_SCHEMA_VERSION: u32 = 8;

/// The binary's section groups (`Binary::sections`), in the order a
/// breakdown lists them; their bytes add up to the file.
pub const SECTION_GROUPS: [&str; 7] = [
    "text", "rodata", "data", "unwind", "debug", "symbols", "other",
];

/// A whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureDocument {
    /// [`MEASURE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Unique id: UTC start time to the nanosecond and a random suffix; the
    /// file is `measure-<id>.json`.
    pub id: String,
    /// `cargo-lto` and its version.
    pub tool: String,
    /// When the sweep started, seconds since the Unix epoch.
    pub started_unix_s: u64,
    /// The machine it ran on.
    pub machine: Machine,
    /// `rustc -vV` and `cargo -V`.
    pub toolchain: Toolchain,
    /// What was built.
    pub project: Project,
    /// The profile the configurations inherit (`release` unless `--base-profile`).
    pub base_profile: String,
    /// The base profile as the project's files and environment resolve it.
    pub base_settings: Profile,
    /// True when `--warm` reused build directories: times are then not clean builds.
    pub warm: bool,
    /// Things the user should know about how this was measured: each a
    /// `kind` with its figures, and its sentence as `text`.
    pub notes: Vec<super::notes::Note>,
    /// One entry per configuration, in the order measured.
    pub configurations: Vec<Configuration>,
    /// The workloads run on every configuration's binary.
    #[serde(default)]
    pub workloads: Vec<Workload>,
    /// The runs that trained the PGO configurations, when given apart from
    /// the workloads (`--train`, the metadata's `train`); empty when the
    /// workloads trained them, or nothing was trained.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training: Vec<Workload>,
    /// How the workloads were run, when any were.
    #[serde(default)]
    pub runtime_plan: Option<RuntimePlan>,
    /// The command line that measured it (`cargo lto measure …`).
    #[serde(default)]
    pub invocation: Vec<String>,
    /// The measured project's git revision, when it is a git checkout.
    #[serde(default)]
    pub source: Option<SourceRevision>,
    /// Build times of configurations measured on different machines are
    /// compared with each other (`merge --allow-cross-host`).
    #[serde(default)]
    pub cross_host_times: bool,
    /// Workloads that earlier documents measured on binaries this one
    /// built again, byte for byte: carried (`--warm`) or left out, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_workloads: Vec<EarlierWorkload>,
    /// The benchmarks of the project's bench targets run on every
    /// configuration (`--bench`, `--benches`), each with its A/A floor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<super::bench::Benchmark>,
    /// How they were run, when any were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench_plan: Option<super::bench::BenchPlan>,
    /// With `--bench-profile`: whether that profile ranks the
    /// configurations as the shipped one does, benchmark by benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench_profile: Option<super::bench::ProfileAgreement>,
    /// The server measured under load (`--serve`), with its loads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<super::serve::Server>,
}

/// A git revision of the measured project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRevision {
    /// `git rev-parse HEAD`.
    pub commit: String,
    /// Tracked files differed from that commit (`git status --porcelain
    /// --untracked-files=no` printed something).
    pub dirty: bool,
}

/// Every resolved profile key, with its value and where it came from.
pub type Profile = BTreeMap<String, Setting>;

/// One resolved profile key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// The value, as TOML would spell it without quotes.
    pub value: String,
    /// Where it came from: `default`, a file path, an environment variable, or `cargo-lto`.
    pub source: String,
}

/// The machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc -vV` as printed.
    pub rustc_vv: String,
    /// `cargo -V` as printed.
    pub cargo_v: String,
}

/// The measured project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Workspace root directory.
    pub workspace_root: PathBuf,
    /// The binary targets measured, each with its package: every
    /// configuration's build builds them all.
    pub bins: Vec<Bin>,
    /// `--target`, if given.
    pub target: Option<String>,
}

impl Project {
    /// The binary targets' names, in order.
    pub fn bin_names(&self) -> Vec<&str> {
        self.bins.iter().map(|b| b.name.as_str()).collect()
    }

    /// True when `other` measured the same binary targets of the same
    /// packages (their versions may differ: a later commit).
    pub fn same_bins(&self, other: &Project) -> bool {
        let key = |p: &Project| -> Vec<(String, String)> {
            p.bins
                .iter()
                .map(|b| (b.package.clone(), b.name.clone()))
                .collect()
        };
        key(self) == key(other)
    }

    /// The binaries as `package/bin`, comma separated: for messages.
    pub fn bins_label(&self) -> String {
        let names: Vec<String> = self
            .bins
            .iter()
            .map(|b| format!("{}/{}", b.package, b.name))
            .collect();
        names.join(", ")
    }

    /// The packages measured, each once, in order, with their versions.
    pub fn packages(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for b in &self.bins {
            if !out.iter().any(|(p, _)| *p == b.package) {
                out.push((&b.package, &b.version));
            }
        }
        out
    }
}

/// One configuration's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    /// Configuration name.
    pub name: String,
    /// The keys it overrides on the base profile (empty for baseline).
    pub settings: BTreeMap<String, String>,
    /// Every resolved key it was built with, and where each came from.
    pub effective: Profile,
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
    /// This run's own warm build, when `build` was carried from an
    /// earlier clean sweep (`build.carried_from`).
    #[serde(default)]
    pub warm_build: Option<Build>,
    /// Its binaries, one per binary target measured (`project.bins`), in
    /// that order (present when the build succeeded).
    #[serde(default)]
    pub binaries: Vec<Binary>,
    /// What was measured at run time: one series per workload (with
    /// `--run`/`--run-cmd`) and metric.
    #[serde(default)]
    pub series: Vec<Series>,
    /// The configuration measured earlier with the same effective settings:
    /// this one was not built, and its figures are that one's.
    #[serde(default)]
    pub identical_to: Option<String>,
    /// The machine this configuration was measured on, when it is not the
    /// document's (set by `cargo lto merge` for every configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<Machine>,
    /// The stages before its timed build, for a configuration built through
    /// a pipeline (`pgo = "on"`): the instrumented build, the training, the
    /// merge. Empty for a plain build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pipeline: Vec<super::pipeline::Stage>,
    /// For a PGO configuration: how well its profile fits its build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pgo_coverage: Option<super::pipeline::Coverage>,
    /// Its builds of the bench targets run (`measure --bench`), built with
    /// its settings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benches: Vec<super::bench::BenchBinary>,
    /// Its benchmarks against baseline's, summed up (with `--bench`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench_summary: Option<super::bench::BenchSummary>,
    /// For a configuration built on `--bench-profile`: whose twin it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twin: Option<super::bench::ProfileTwin>,
}

impl Configuration {
    /// The sizes of its binary `bin`, or of all its binaries added up
    /// (`None`); None when it has not that binary, or none.
    pub fn sizes(&self, bin: Option<&str>) -> Option<Sizes> {
        match bin {
            Some(name) => Sizes::sum(self.binary(name)),
            None => Sizes::sum(&self.binaries),
        }
    }

    /// Its binary of the binary target `bin`.
    pub fn binary(&self, bin: &str) -> Option<&Binary> {
        self.binaries.iter().find(|b| b.bin == bin)
    }

    /// Each binary's SHA-256, by binary target: what makes two
    /// configurations' builds the same. None without binaries, or when
    /// one has no hash.
    pub fn hashes(&self) -> Option<Vec<(&str, &str)>> {
        if self.binaries.is_empty() {
            return None;
        }
        self.binaries
            .iter()
            .map(|b| Some((b.bin.as_str(), b.sha256.as_deref()?)))
            .collect()
    }

    /// True when it has its binaries (its build succeeded).
    pub fn built(&self) -> bool {
        !self.binaries.is_empty()
    }

    /// True when it has something measured to judge it by: its binaries,
    /// or its bench binaries (a package measured by its benchmarks alone
    /// has no binary).
    pub fn measured(&self) -> bool {
        self.built() || !self.benches.is_empty()
    }

    /// Wall seconds of building it: its timed build, plus the stages of its
    /// pipeline (PGO, BOLT) when it has one.
    pub fn whole_build_s(&self) -> Option<f64> {
        let stages = super::pipeline::cost(&self.pipeline).0;
        self.build.as_ref().map(|b| b.wall_s + stages)
    }

    /// Peak memory of building it: its link step's, or its pipeline's
    /// largest stage's when that is more (None: no link step recorded).
    pub fn whole_peak_bytes(&self) -> Option<u64> {
        let stages = super::pipeline::cost(&self.pipeline).2.unwrap_or(0);
        Some(self.build.as_ref()?.link?.peak_rss_bytes.max(stages))
    }
}

impl MeasureDocument {
    /// Every build figure is a warm build's: a `--warm` run that carried
    /// no clean build from earlier results (`Build::carried_from`).
    pub fn builds_warm(&self) -> bool {
        self.warm
            && self
                .configurations
                .iter()
                .filter_map(|c| c.build.as_ref())
                .all(|b| b.warm)
    }

    /// The machine configuration `c` was measured on.
    pub fn machine_of<'a>(&'a self, c: &'a Configuration) -> &'a Machine {
        c.machine.as_ref().unwrap_or(&self.machine)
    }

    /// The configuration named `name`.
    pub fn config(&self, name: &str) -> Option<&Configuration> {
        self.configurations.iter().find(|c| c.name == name)
    }

    /// True when a configuration was stopped by Ctrl-C.
    pub fn interrupted(&self) -> bool {
        self.configurations
            .iter()
            .any(|c| c.status == Status::Interrupted)
    }

    /// True when any configuration did not end `ok`, any workload failed,
    /// or any output differed.
    pub fn any_failed(&self) -> bool {
        self.configurations.iter().any(|c| {
            c.status != Status::Ok
                || c.series
                    .iter()
                    .any(|r| r.status != Status::Ok || r.output_differs)
        })
    }
}

/// Section groups' byte changes `to − from`, the largest first, unchanged
/// groups left out.
pub fn section_changes(
    from: &BTreeMap<String, u64>,
    to: &BTreeMap<String, u64>,
) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = from
        .keys()
        .chain(to.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|g| {
            let get = |m: &BTreeMap<String, u64>| m.get(g).copied().unwrap_or(0) as i64;
            (g.clone(), get(to) - get(from))
        })
        .filter(|(_, d)| *d != 0)
        .collect();
    out.sort_by_key(|(g, d)| (std::cmp::Reverse(d.unsigned_abs()), g.clone()));
    out
}
