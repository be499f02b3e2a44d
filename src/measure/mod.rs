//! Measuring a matrix of configurations: the `sweep` builds each (clean
//! build, per-unit costs, the final link step, a rebuild after a touch, the
//! binary — see `steps`), the `runtime` phase runs the binaries on the
//! user's workloads (statistics from `crate::stats`), and `record` converts
//! every figure into the measure document, saved after each configuration.

mod bolt;
mod builder;
pub mod carry;
mod coverage;
pub mod machine;
mod pgo;
pub mod plan;
pub mod record;
pub mod runtime;
pub mod shard;
pub mod steps;
pub mod sweep;
mod validate;

pub use validate::{MeasurePlan, validate};

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;

use crate::error::exit;
use crate::process::interrupted;
use crate::profile::matrix::MatrixRequest;
use crate::profile::resolve::{self, Resolved};
use crate::profile::rustflags;
use crate::progress::{Mode, Progress};
use crate::results::{self, MEASURE_SCHEMA_VERSION, MeasureDocument};
use crate::workspace::{CargoFlags, Project};
use runtime::counter::{Counter, detect_counter};
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

/// The runtime part of a request (`--run` and friends).
#[derive(Debug, Clone)]
pub struct RuntimeRequest {
    /// `--run [NAME=]ARGS`.
    pub run: Vec<String>,
    /// `--run-cmd [NAME=]CMD`.
    pub run_cmd: Vec<String>,
    /// `--train [NAME=]ARGS`: PGO's training runs.
    pub train: Vec<String>,
    /// `--train-cmd [NAME=]CMD`.
    pub train_cmd: Vec<String>,
    /// Shell, prepare, directory, stdin for those.
    pub options: WorkloadOptions,
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
}

/// A whole `measure` request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Cargo's flags.
    pub flags: CargoFlags,
    /// Preset, `--with`, `--only`.
    pub matrix: MatrixRequest,
    /// The profile configurations inherit.
    pub base_profile: String,
    /// Reuse build directories.
    pub warm: bool,
    /// Skip the rebuild figure.
    pub no_rebuild: bool,
    /// Skip what only `inspect` needs (the unstripped twin of a stripped
    /// binary): `cargo lto build` ships, it does not inspect.
    pub no_twin: bool,
    /// Re-run a busy clean build or workload run up to this many times.
    pub retry_busy: usize,
    /// Exit 2 instead of waiting when another sweep holds the project's
    /// build area.
    pub no_wait: bool,
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

/// What a `measure` run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The document (also saved).
    pub document: MeasureDocument,
    /// Where it was saved, once it was.
    pub saved: Option<PathBuf>,
}

/// The instruction counter to use, and where its numbers come from.
fn counter(choice: CounterChoice, notes: &mut Vec<String>) -> (Counter, String) {
    match choice {
        CounterChoice::Time => (Counter::Time, "wall-clock time".to_string()),
        CounterChoice::Instructions => match detect_counter() {
            (Some(c), source) => (c, source),
            (None, why) => {
                notes.push(why.clone());
                (Counter::Time, why)
            }
        },
        CounterChoice::FetchMisses => match runtime::counter::detect_cache_sim() {
            Ok(source) => (Counter::CachegrindFetchMisses, source),
            Err(why) => {
                notes.push(why.clone());
                (Counter::Time, why)
            }
        },
    }
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
    let plan = validate(request)?;
    let target_dir = plan.project.target_dir.clone();
    // the tool's own writes fail on a full disk too, saying only "No space
    // left" somewhere down the chain: the cause first, whichever write it was
    sweep_validated(request, plan).map_err(|e| {
        let full = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
                || c.downcast_ref::<results::Error>()
                    .is_some_and(results::Error::is_disk_full)
        });
        match full.then(|| crate::build::disk::low_space_note(&target_dir)) {
            Some(Some(note)) => e.context(note),
            _ => e,
        }
    })
}

fn sweep_validated(request: &Request, mut plan: MeasurePlan<'_>) -> Result<Outcome> {
    let (cargo, flags, project) = (&plan.cargo, &request.flags, &plan.project);
    let rt = &request.runtime;
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
            package: project.package.clone(),
            version: project.version.clone(),
            bin: project.bin.clone(),
            target: flags.target.clone(),
        },
        base_profile: request.base_profile.clone(),
        base_settings: record::profile(&plan.base),
        warm: request.warm,
        notes: plan.notes.clone(),
        configurations: Vec::new(),
        workloads: Vec::new(),
        training: if plan.training_given {
            plan.training.clone()
        } else {
            Vec::new()
        },
        runtime_plan: None,
        invocation: request.invocation.clone(),
        source: machine::source_revision(&project.workspace_root),
        cross_host_times: false,
        earlier_workloads: Vec::new(),
    };
    // Ctrl-C stops the running build; results so far are saved. A second
    // handler cannot be installed (tests run several sweeps in one process).
    let _ = ctrlc::set_handler(|| {
        crate::process::INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst)
    });

    let dir = results::results_dir(&project.target_dir);
    let builds =
        plan.configs.len() + (plan.build_runs - 1) * shard::groups(&plan.configs, &plan.base).len();
    let progress = Progress::new(Mode::detect(request.quiet), builds);
    let saved: RefCell<Option<PathBuf>> = RefCell::default();
    let save = |d: &MeasureDocument| -> Result<()> {
        *saved.borrow_mut() = Some(results::save(&dir, d)?);
        Ok(())
    };
    let mut swept = sweep::run(&plan, &mut doc, &progress, &save);
    // earlier sweeps of the project: clean builds and runs of the same
    // binaries that a warm sweep carries, or a clean one lists
    let earlier = carry::earlier(&dir, &project.workspace_root);
    if request.warm && swept.is_ok() {
        let notes = carry::carry(&mut doc, &earlier);
        doc.notes.extend(notes);
        swept = save(&doc);
    }
    let workloads = &plan.workloads;
    if swept.is_ok() && !workloads.is_empty() && !doc.interrupted() && !interrupted() {
        let (counter, source) = counter(rt.counter, &mut doc.notes);
        let plan = runtime::schedule::Plan {
            warmup: rt.warmup,
            runs: rt.runs,
            // counts are deterministic: the minimum time only matters for time
            min_time_s: if counter == Counter::Time {
                rt.min_time.as_secs_f64()
            } else {
                0.0
            },
            max_runs: rt.max_runs,
            ignore_failure: rt.ignore_failure,
            retry_busy: request.retry_busy,
        };
        doc.workloads = workloads.clone();
        doc.runtime_plan = Some(record::runtime_plan(&plan, counter, source));
        let options = runtime::Options {
            workloads,
            plan,
            counter,
        };
        let mut executor = runtime::executor::RealExecutor;
        swept =
            runtime::run(&mut doc, &options, &mut executor, &progress).and_then(|()| save(&doc));
    }
    if swept.is_ok() {
        if !doc.interrupted() && !interrupted() {
            carry::runtime(&mut doc, &earlier);
        }
        if doc.runtime_plan.is_some() {
            runtime::finish(&mut doc);
        }
        swept = save(&doc);
    }
    progress.finish();
    if let Some(note) = plan.lock.restore()? {
        doc.notes.push(note);
        save(&doc)?;
    }
    swept?;
    Ok(Outcome {
        document: doc,
        saved: saved.into_inner(),
    })
}
