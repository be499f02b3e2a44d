//! The measure document: what `cargo lto measure` writes to
//! `<target-dir>/cargo-lto/results/` and prints with `--format json`.
//! Every field is documented in docs/results-schema.md. These types are the
//! published format: the measuring code converts its own values into them
//! (in `measure/record.rs`), so a rename in the domain cannot change it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use super::build::{Build, BuildSample, Step, Unit};
pub use super::statistics::{Comparison, MIN_EFFECT, NoiseRule, Summary, Verdict};

/// Version of this document's layout. 2 added `id` and the runtime
/// `verdict`, and files named by `id` instead of the start second. 3 added
/// the binary's `shipped_bytes` and moved the static symbol table from the
/// `other` section group to `symbols`. 4 made the section groups the
/// file's bytes, adding up to `size_bytes` (`data` with the dynamic
/// relocations and without .bss, `other` with the headers and padding).
pub const MEASURE_SCHEMA_VERSION: u32 = 4;

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
    /// Things the user should know about how this was measured.
    pub notes: Vec<String>,
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
    /// Package with the binary.
    pub package: String,
    /// Its version.
    pub version: String,
    /// Binary target.
    pub bin: String,
    /// `--target`, if given.
    pub target: Option<String>,
}

/// The state a configuration, or a workload on it, ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built and measured.
    Ok,
    /// cargo (or the workload) failed; see `exit_code` and `stderr_tail`.
    Failed,
    /// Killed after `--timeout`.
    Timeout,
    /// Stopped by Ctrl-C.
    Interrupted,
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
    /// The binary (present when the build succeeded).
    pub binary: Option<Binary>,
    /// Runtime per workload (with `--run`/`--run-cmd`).
    #[serde(default)]
    pub runtime: Vec<WorkloadRuntime>,
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
}

/// Size of a binary and of its section groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binary {
    /// Where the binary is (under the configuration's target directory).
    pub path: PathBuf,
    /// Size on disk in bytes.
    pub size_bytes: u64,
    /// Bytes of the sections loaded at run time: what `strip` keeps.
    pub shipped_bytes: u64,
    /// The file's bytes by section group ([`SECTION_GROUPS`]: `text`,
    /// `rodata`, `data`, `unwind`, `debug`, `symbols`, `other`;
    /// docs/results-schema.md says which sections each holds): they add
    /// up to `size_bytes`.
    pub sections: BTreeMap<String, u64>,
    /// Entries in the static symbol table (0 when stripped).
    pub symbols: u64,
    /// SHA-256 of the file, hex (null in older documents): equal hashes
    /// are the same binary.
    #[serde(default)]
    pub sha256: Option<String>,
    /// For a binary without a symbol table (`strip = "symbols"`): an
    /// unstripped twin of the same code (the final rustc run again with
    /// `-C strip=none`, its `.text` equal byte for byte), which `inspect`
    /// reads the symbols from.
    #[serde(default)]
    pub symbols_from: Option<PathBuf>,
    /// Bytes of the static symbol table (`.symtab`, `.strtab`) that strip
    /// removed: the `symbols` group of the unstripped twin, what keeping
    /// symbols (`strip = "debuginfo"`) would add to the file.
    #[serde(default)]
    pub stripped_symbols_bytes: Option<u64>,
}

/// One workload, as given with `--run`/`--run-cmd` or in metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Name (`--run NAME='…'`), or `run1`, `run2`, … when unnamed.
    pub name: String,
    /// The command: words with `{bin}` standing for the binary, or with
    /// `shell`, one string for `sh -c`.
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

/// What a workload's samples count. Any other value in a document is an
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
}

/// One configuration's runs of one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadRuntime {
    /// Workload name.
    pub workload: String,
    /// `ok`, or `failed` when a run exited non-zero.
    pub status: Status,
    /// `wall_s` or `instructions`.
    pub metric: Metric,
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

impl Configuration {
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
                || c.runtime
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
