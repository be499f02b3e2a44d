//! The one plan a measurement runs from: `validate` checks a request
//! against the project and resolves everything once — each
//! configuration's effective settings, pipeline steps, what cargo builds
//! and with which flags, whether it is identical to an earlier one; cargo's
//! flags, the options, the runtime plan, the LLVM tools. Owned, so nothing
//! below `validate` reads the request (ripgrep's `HiArgs`).

use std::path::PathBuf;
use std::time::Duration;

use super::CounterChoice;
use super::bolt;
use super::runtime::workload::Workload;
use crate::profile::resolve::Resolved;
use crate::profile::rustflags::UserFlags;
use crate::profile::values::Strip;
use crate::profile::{Configuration, Settings};
use crate::results::pipeline::PipelineStep;
use crate::workspace::{AreaLock, CargoFlags, Lockfile, Project};

/// A measurement's plan: what to build, how, and what to run.
pub struct MeasurePlan {
    /// The cargo binary.
    pub cargo: PathBuf,
    /// Where cargo runs from (config files are found from here).
    pub cwd: PathBuf,
    /// The project, loaded.
    pub project: Project,
    /// Removes a Cargo.lock cargo made, when the run ends.
    pub lock: Lockfile,
    /// The build area, this run's alone until the plan is dropped (after
    /// `lock` has removed its Cargo.lock): held, never read.
    pub _area: AreaLock,
    /// Cargo's own flags, as given.
    pub flags: CargoFlags,
    /// How to measure.
    pub options: Options,
    /// The configurations to measure (this shard's, with `--shard`), each
    /// resolved.
    pub configs: Vec<Planned>,
    /// The base profile, resolved (rustflags keys included).
    pub base: Resolved,
    /// The user's rustflags, which a configuration's rustflags keys join.
    pub user_flags: UserFlags,
    /// A config file sets `build.rustc-workspace-wrapper`, which must be
    /// overridden with an empty `RUSTC_WORKSPACE_WRAPPER`.
    pub blank_workspace_wrapper: bool,
    /// What to run on the binaries, and how.
    pub runtime: RuntimeSpec,
    /// What trains the pipeline configurations: `--train`/`--train-cmd`
    /// and the metadata's `train` table, else the workloads.
    pub training: Vec<Workload>,
    /// True when the training runs were given (not the workloads).
    pub training_given: bool,
    /// The bench targets whose benchmarks train the pipeline
    /// configurations too (the metadata's `train = { bench = "NAME" }`).
    pub train_benches: Vec<crate::workspace::BenchTarget>,
    /// llvm-profdata of rustc's LLVM version, when a configuration has
    /// `pgo = "on"`.
    pub profdata: Option<PathBuf>,
    /// BOLT's tools, when a configuration has `bolt = "on"`.
    pub bolt: Option<bolt::Tools>,
    /// What the document's notes start with.
    pub notes: Vec<crate::results::notes::Note>,
    /// The binary as a server under load (`--serve`, the metadata's
    /// `server` table): measured at run time, and what trains a pipeline
    /// configuration when no run is given.
    pub serve: Option<super::serve_plan::ServeSpec>,
}

/// How to measure: the options of the command line, checked.
#[derive(Debug, Clone)]
pub struct Options {
    /// The profile configurations inherit.
    pub base_profile: String,
    /// Reuse build directories.
    pub warm: bool,
    /// Skip the rebuild figure.
    pub no_rebuild: bool,
    /// Skip what only `inspect` needs (the unstripped twin).
    pub no_twin: bool,
    /// Re-run a busy clean build or workload run up to this many times.
    pub retry_busy: usize,
    /// Clean builds per configuration (`--build-runs`, the metadata's
    /// `build-runs`, else 1).
    pub build_runs: usize,
    /// Stop a build after this long.
    pub timeout: Option<Duration>,
    /// Echo cargo's output.
    pub verbose: bool,
    /// No progress display.
    pub quiet: bool,
    /// `--color` for cargo (`None`: cargo decides).
    pub color: Option<String>,
    /// The command line, recorded in the document.
    pub invocation: Vec<String>,
}

/// What runs on the binaries: the workloads, with how.
#[derive(Debug, Clone)]
pub struct RuntimeSpec {
    /// The workloads (command line and metadata).
    pub workloads: Vec<Workload>,
    /// Warm-ups, runs, minimum time, cap, failures, busy retries.
    pub plan: super::runtime::schedule::Plan,
    /// What to count.
    pub counter: CounterChoice,
    /// The project's benchmarks, when bench targets were asked for.
    pub bench: Option<BenchSpec>,
}

/// How the benchmarks run (`--bench-filter`, `--bench-time`, the
/// metadata's `bench-filter`, `bench-time`).
#[derive(Debug, Clone)]
pub struct BenchSpec {
    /// Only benchmarks whose id this matches.
    pub filter: Option<regex_lite::Regex>,
    /// The whole phase's budget.
    pub budget: Duration,
}

/// One configuration, resolved once.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Its name, and the keys the user wrote for it.
    pub config: Configuration,
    /// Every key it builds with (the base profile's for baseline).
    pub effective: Resolved,
    /// Its pipeline steps past cargo's build, in the order they run.
    pub steps: Vec<PipelineStep>,
    /// What cargo is asked to build: under BOLT, not stripped by the
    /// linker (which cannot strip and keep relocations).
    pub built: Configuration,
    /// Rustflags its steps need in every build (BOLT's relocations).
    pub link_flags: Vec<String>,
    /// How its profile strips: BOLT's output is stripped so afterwards.
    pub strip: Strip,
    /// The configuration measured before it with the same effective
    /// settings: it is not built, and its figures are that one's.
    pub identical_to: Option<String>,
    /// For a twin built on `--bench-profile`: the configuration it is the
    /// twin of, and that profile (its base instead of the base profile).
    pub twin: Option<(String, String)>,
}

impl Planned {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The keys the user wrote for it.
    pub fn settings(&self) -> &Settings {
        &self.config.settings
    }

    /// True when the pipeline step `step` is on.
    pub fn has(&self, step: PipelineStep) -> bool {
        self.steps.contains(&step)
    }
}

/// Every resolved key `config` builds with: the base profile's for
/// baseline (whatever it holds), else the base with its keys laid over.
pub fn effective(config: &Configuration, base: &Resolved) -> Resolved {
    if config.name == crate::profile::BASELINE {
        base.clone()
    } else {
        crate::profile::resolve::with_overrides(base, &config.settings)
    }
}

/// The values of a resolved profile, without where they came from: two
/// configurations with equal values are the same build (cargo's `-C
/// metadata` hashes a profile's settings, not its name).
pub fn values(
    resolved: &Resolved,
) -> std::collections::BTreeMap<crate::profile::Key, &crate::profile::Value> {
    resolved.iter().map(|(k, v)| (*k, &v.value)).collect()
}

/// The configurations resolved, in order: each one's effective settings,
/// steps, what cargo builds, and the earlier one it is identical to.
pub fn plan_configs(configs: Vec<Configuration>, base: &Resolved) -> Vec<Planned> {
    use crate::profile::{Key, Value};
    let mut out: Vec<Planned> = Vec::new();
    for config in configs {
        let effective = effective(&config, base);
        let identical_to = out
            .iter()
            .find(|p| p.identical_to.is_none() && values(&p.effective) == values(&effective))
            .map(|p| p.name().to_string());
        let steps = config.settings.steps();
        let strip = match effective.get(&Key::Strip).map(|v| &v.value) {
            Some(Value::Strip(s)) => *s,
            _ => Strip::None,
        };
        let (built, link_flags) = if steps.contains(&PipelineStep::Bolt) {
            let mut built = config.clone();
            built.settings.insert(Key::Strip, Value::Strip(Strip::None));
            (built, vec![bolt::EMIT_RELOCS.to_string()])
        } else {
            (config.clone(), Vec::new())
        };
        out.push(Planned {
            config,
            effective,
            steps,
            built,
            link_flags,
            strip,
            identical_to,
            twin: None,
        });
    }
    out
}

/// The twin of each of `originals` built on `profile` (resolved as
/// `base`) instead of the base profile, for `--bench-profile`: named
/// `<name>-on-<profile>`, identical to an earlier configuration (an
/// original among them) when its effective settings are the same.
pub fn plan_twins(originals: &[Planned], profile: &str, base: &Resolved) -> Vec<Planned> {
    let mut out: Vec<Planned> = Vec::new();
    for o in originals.iter().filter(|o| o.twin.is_none()) {
        let mut config = o.config.clone();
        config.name = twin_name(o.name(), profile);
        let effective = effective(&o.config, base);
        let identical_to = originals
            .iter()
            .chain(&out)
            .find(|p| p.identical_to.is_none() && values(&p.effective) == values(&effective))
            .map(|p| p.name().to_string());
        let mut built = o.built.clone();
        built.name = config.name.clone();
        out.push(Planned {
            config,
            effective,
            steps: o.steps.clone(),
            built,
            link_flags: o.link_flags.clone(),
            strip: o.strip,
            identical_to,
            twin: Some((o.name().to_string(), profile.to_string())),
        });
    }
    out
}

/// The name of `name`'s twin on `profile`.
pub fn twin_name(name: &str, profile: &str) -> String {
    format!("{name}-on-{profile}")
}

impl Planned {
    /// The profile it builds on: its twin's profile, else `base`.
    pub fn base_profile<'a>(&'a self, base: &'a str) -> &'a str {
        self.twin.as_ref().map_or(base, |(_, p)| p.as_str())
    }
}
