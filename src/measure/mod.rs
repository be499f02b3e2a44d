//! Measuring a matrix of configurations: the `sweep` builds each (clean
//! build, per-unit costs, the final link step, a rebuild after a touch, the
//! binary — see `steps`), the `runtime` phase runs the binaries on the
//! user's workloads (statistics from `crate::stats`), and `record` converts
//! every figure into the measure document, saved after each configuration.

mod bench_plan;
mod builder;
pub mod carry;
pub mod machine;
pub mod plan;
pub mod record;
pub mod resolved;
pub mod runtime;
pub mod serve_plan;
pub mod shard;
mod stage;
pub mod steps;
pub mod sweep;
mod validate;

pub use resolved::MeasurePlan;
pub use stage::bolt;
pub use validate::validate;

/// True once Ctrl-C (or SIGTERM) stopped this sweep, whatever it was
/// doing then (a build, a run, a server under load).
pub fn interrupted() -> bool {
    crate::process::interrupted()
}

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;

use crate::error::exit;
use crate::profile::matrix::MatrixRequest;
use crate::profile::resolve::{self, Resolved};
use crate::profile::rustflags;
use crate::progress::{Mode, Progress};
use crate::results::{self, MEASURE_SCHEMA_VERSION, MeasureDocument};
use crate::workspace::{CargoFlags, Project};

use runtime::workload::Options as WorkloadOptions;

/// What to count for runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterChoice {
    /// Wall-clock time.
    Time,
    /// Instructions: perf_event, else cachegrind (valgrind), else time (said so).
    Instructions,
    /// Simulated instruction-fetch misses: cachegrind's cache simulation,
    /// else time (said so).
    FetchMisses,
}

/// What every measurement starts from: the project and cargo's flags, the
/// configurations, the profile they build on, and what trains the
/// pipeline ones.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Cargo's flags.
    pub flags: CargoFlags,
    /// Preset, `--with`, `--only`.
    pub matrix: MatrixRequest,
    /// The profile configurations inherit.
    pub base_profile: String,
    /// Exit 2 instead of waiting when another run holds the project's
    /// build area.
    pub no_wait: bool,
    /// `--train [NAME=]ARGS`: PGO's and BOLT's training runs.
    pub train: Vec<String>,
    /// `--train-cmd [NAME=]CMD`.
    pub train_cmd: Vec<String>,
    /// Shell, prepare, directory, stdin for the runs and the training.
    pub options: WorkloadOptions,
}

/// The runtime part of a `measure` request (`--run` and friends).
#[derive(Debug, Clone)]
pub struct RuntimeRequest {
    /// `--run [NAME=]ARGS`.
    pub run: Vec<String>,
    /// `--run-cmd [NAME=]CMD`.
    pub run_cmd: Vec<String>,
    /// At least this many recorded runs.
    pub runs: usize,
    /// Warm-up runs.
    pub warmup: usize,
    /// Keep going until this much time passed.
    pub min_time: Duration,
    /// At most this many runs.
    pub max_runs: usize,
    /// Keep measuring after a failing run.
    pub ignore_failure: bool,
    /// What to count.
    pub counter: CounterChoice,
    /// `--bench-filter REGEX`.
    pub bench_filter: Option<String>,
    /// `--bench-time`.
    pub bench_time: Option<Duration>,
    /// `--bench-profile NAME`.
    pub bench_profile: Option<String>,
}

/// A whole `measure` request.
#[derive(Debug, Clone)]
pub struct Request {
    /// `--serve` and friends.
    pub serve: serve_plan::ServeRequest,
    /// The project, the matrix, the training.
    pub scope: Scope,
    /// Reuse build directories.
    pub warm: bool,
    /// Skip the rebuild figure.
    pub no_rebuild: bool,
    /// Re-run a busy clean build or workload run up to this many times.
    pub retry_busy: usize,
    /// Clean builds per configuration (`--build-runs`); `None`: the
    /// metadata's `build-runs`, else 1.
    pub build_runs: Option<usize>,
    /// Stop a build after this long.
    pub timeout: Option<Duration>,
    /// Echo cargo's output.
    pub verbose: bool,
    /// No progress display.
    pub quiet: bool,
    /// `--color` for cargo (`None`: cargo decides).
    pub color: Option<String>,
    /// Workloads and how to run them.
    pub runtime: RuntimeRequest,
    /// The command line, recorded in the document.
    pub invocation: Vec<String>,
    /// `--shard K/N`.
    pub shard: Option<(usize, usize)>,
}

/// A `cargo lto build` request: one configuration (`scope.matrix.only`),
/// built as `measure` builds it.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The project, the configuration, the training.
    pub scope: Scope,
    /// Echo cargo's output.
    pub verbose: bool,
    /// No progress display.
    pub quiet: bool,
    /// The command line, recorded in the document.
    pub invocation: Vec<String>,
}

/// What a `measure` run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The document (also saved).
    pub document: MeasureDocument,
    /// Where it was saved, once it was.
    pub saved: Option<PathBuf>,
}

/// Why a sweep cannot start. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The base profile does not resolve.
    #[error("--base-profile {profile}")]
    BaseProfile {
        profile: String,
        #[source]
        source: resolve::Error,
    },
    /// A workload that cannot run.
    #[error("workload `{name}`: {problem}")]
    Workload {
        name: String,
        /// what is wrong
        problem: runtime::workload::Unrunnable,
    },
    /// A PGO or BOLT configuration without a workload to train it.
    #[error(
        "{names}: pgo = \"on\" and bolt = \"on\" need a training run: give one with --train or --train-cmd (or a `train` table in the metadata), or a workload with --run, which then trains it too"
    )]
    NothingToTrain {
        /// The configurations, quoted.
        names: String,
    },
    /// `--train` in a run with no PGO or BOLT configuration.
    #[error(
        "--train and --train-cmd train PGO and BOLT configurations, and this run has none ({names}): measure one (`--preset pgo`, or `--with NAME:pgo=on`), or leave out the training"
    )]
    TrainWithoutPipeline {
        /// The run's configurations, quoted.
        names: String,
    },
}

crate::exit_code!(Error => exit::USAGE);

/// The base profile as the project's files and environment resolve it,
/// with what the user's own rustflags say, and the config files read.
pub(crate) struct Base {
    /// Every resolved key, the rustflags keys included.
    pub resolved: Resolved,
    /// The config files cargo reads from the current directory.
    pub config_files: Vec<(String, toml::Table)>,
    /// The user's rustflags for the target.
    pub user_flags: rustflags::UserFlags,
}

/// Resolves `base_profile` of `project` as cargo run from `cwd` would.
pub(crate) fn resolve_base(project: &Project, cwd: &Path, base_profile: &str) -> Result<Base> {
    let env = |k: &str| std::env::var(k).ok();
    let config_files = resolve::read_configs(cwd)?;
    let mut resolved = resolve::resolve(base_profile, &project.root_manifest, &config_files, &env)
        .map_err(|source| Error::BaseProfile {
            profile: base_profile.to_string(),
            source,
        })?;
    let target = &project.target;
    let user_flags = rustflags::detect(&env, &config_files, target.triple(), &|k| {
        target.cfg_matches(k)
    });
    resolved.extend(rustflags::resolve(&user_flags));
    resolved.extend(resolve::pipeline_off());
    Ok(Base {
        resolved,
        config_files,
        user_flags,
    })
}

/// Checks the request ([`validate`]), then sweeps and runs the workloads,
/// saving the document after each configuration. Bad input is an error
/// before anything is built; a failing configuration is a result, not an
/// error.
pub fn run(request: &Request) -> Result<Outcome> {
    measured(validate(request)?, Kind::Sweep)
}

/// Builds one configuration (`cargo lto build`) through the same stages as
/// a sweep, saved as `build-<id>.json`, never read as a sweep.
pub fn build(request: &BuildRequest) -> Result<Outcome> {
    measured(validate::validate_build(request)?, Kind::Build)
}

/// What a run is, for where its document goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A sweep: `measure-<id>.json` and `latest.json`.
    Sweep,
    /// A release build: `build-<id>.json` alone.
    Build,
}

/// Runs `plan`, naming a full disk first when a write failed for space.
fn measured(plan: MeasurePlan, kind: Kind) -> Result<Outcome> {
    let target_dir = plan.project.target_dir.clone();
    // the tool's own writes fail on a full disk too, saying only "No space
    // left" somewhere down the chain: the cause first, whichever write it was
    sweep_validated(plan, kind).map_err(|e| {
        let full = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
                || c.downcast_ref::<results::Error>()
                    .is_some_and(results::Error::is_disk_full)
        });
        match full.then(|| crate::build::disk::low_space_note(&target_dir, None)) {
            Some(Some(note)) => e.context(note.text),
            _ => e,
        }
    })
}

fn sweep_validated(mut plan: MeasurePlan, kind: Kind) -> Result<Outcome> {
    let (cargo, project) = (&plan.cargo, &plan.project);
    let now = SystemTime::now();
    let mut doc = MeasureDocument {
        schema_version: MEASURE_SCHEMA_VERSION,
        id: results::new_id(now),
        tool: format!("cargo-lto {}", env!("CARGO_PKG_VERSION")),
        started_unix_s: now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        machine: machine::machine(),
        toolchain: machine::toolchain(cargo, &plan.cwd),
        project: results::measure::Project {
            workspace_root: project.workspace_root.clone(),
            bins: project.bins.iter().map(record::bin).collect(),
            target: plan.flags.target.clone(),
        },
        base_profile: plan.options.base_profile.clone(),
        base_settings: record::profile(&plan.base),
        warm: plan.options.warm,
        notes: plan.notes.clone(),
        configurations: Vec::new(),
        workloads: Vec::new(),
        training: if plan.training_given {
            plan.training.clone()
        } else {
            Vec::new()
        },
        runtime_plan: None,
        invocation: plan.options.invocation.clone(),
        source: machine::source_revision(&project.workspace_root),
        cross_host_times: false,
        earlier_workloads: Vec::new(),
        benchmarks: Vec::new(),
        server: None,
        bench_plan: None,
        bench_profile: None,
    };
    // Ctrl-C (and SIGTERM) stops the running build; results so far are
    // saved. A second handler cannot be installed (tests run several
    // sweeps in one process).
    let _ = ctrlc::set_handler(|| {
        crate::process::INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst)
    });

    let dir = results::results_dir(&project.target_dir);
    let own = plan
        .configs
        .iter()
        .filter(|c| c.identical_to.is_none())
        .count();
    let builds = plan.configs.len() + (plan.options.build_runs - 1) * own;
    let progress = Progress::new(Mode::detect(plan.options.quiet), builds);
    let saved: RefCell<Option<PathBuf>> = RefCell::default();
    let save = |d: &MeasureDocument| -> Result<()> {
        *saved.borrow_mut() = Some(match kind {
            Kind::Sweep => results::save(&dir, d)?,
            Kind::Build => results::save_build(&dir, d)?,
        });
        Ok(())
    };
    // earlier sweeps of the project: clean builds and runs of the same
    // binaries that a warm sweep carries, or a clean one lists (a release
    // build runs nothing, and lists nothing)
    let earlier = match kind {
        Kind::Sweep => carry::earlier(&dir, &project.workspace_root),
        Kind::Build => Vec::new(),
    };
    let swept = sweep::run(&plan, &mut doc, &progress, &save, &earlier);
    progress.finish();
    if let Some(path) = plan.lock.restore()? {
        doc.notes
            .push(results::notes::NoteKind::LockfileRemoved { path }.into());
        save(&doc)?;
    }
    swept?;
    Ok(Outcome {
        document: doc,
        saved: saved.into_inner(),
    })
}
