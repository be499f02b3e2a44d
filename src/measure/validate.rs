//! One check of a `measure` request against the project, before anything
//! is built: the matrix, the shard, the workloads, the base profile, every
//! configuration's rustflags keys. What it returns is the one owned plan
//! (`resolved::MeasurePlan`) everything after it reads: nothing below
//! here reads the request.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::resolved::{MeasurePlan, Options, RuntimeSpec, plan_configs};
use super::runtime::schedule::Plan;
use super::runtime::workload::{self, Workload};
use super::{Base, BuildRequest, Request, Scope, bolt, resolve_base, shard};
use crate::build::environment::user_wrappers;
use crate::build::llvm;
use crate::build::preflight;
use crate::error::UsageError;
use crate::profile::Configuration;
use crate::profile::Key;
use crate::profile::matrix;
use crate::profile::resolve;
use crate::profile::values::{Linker, LinkerName};
use crate::results::notes::{Note, NoteKind};
use crate::workspace::{self, Project};

/// `--build-runs`, else the last `build-runs` of the metadata tables (the
/// package's comes after the workspace's), else 1; at least 1, and 1 with
/// `--warm` (a warm build again would compile nothing).
fn build_runs(asked: &Asked, project: &Project) -> Result<usize, UsageError> {
    let (runs, origin) = match asked.build_runs {
        Some(n) => (n, "--build-runs".to_string()),
        None => project
            .metadata
            .iter()
            .filter_map(|s| Some((s.table.build_runs?, format!("{} build-runs", s.origin))))
            .next_back()
            .unwrap_or((1, String::new())),
    };
    if runs == 0 {
        return Err(UsageError::Syntax {
            origin,
            message: "must be at least 1".into(),
        });
    }
    if runs > 1 && asked.warm {
        return Err(UsageError::Syntax {
            origin,
            message: format!(
                "{runs} builds with --warm: a warm build again compiles nothing; repeat clean builds without --warm"
            ),
        });
    }
    Ok(runs)
}

/// The LLVM tools the configurations' pipeline steps need, found and
/// checked before anything is built: llvm-profdata when one has `pgo =
/// "on"`, llvm-bolt, merge-fdata and llvm-strip when one has `bolt = "on"`.
/// Then either needs a training run.
fn pipeline_tools(
    configs: &[Configuration],
    training: &[Workload],
    by_benches: bool,
) -> Result<Tools> {
    let on = |c: &Configuration, key: Key| c.settings.step_on(key);
    let stepped: Vec<&Configuration> = configs
        .iter()
        .filter(|c| on(c, Key::Pgo) || on(c, Key::Bolt))
        .collect();
    let mut tools = Tools::default();
    let Some(first) = stepped.first() else {
        return Ok(tools);
    };
    let search = llvm::Search::probe(&format!("`{}`", first.name))?;
    let env = |k: &str| std::env::var(k).ok();
    let find = |tool, c: &Configuration, key: &str| {
        search
            .find(tool, &format!("`{}` ({key} = \"on\")", c.name), &env)
            .map(|f| f.path)
    };
    for c in &stepped {
        if on(c, Key::Pgo) && tools.profdata.is_none() {
            tools.profdata = Some(find(llvm::Tool::Profdata, c, "pgo")?);
        }
        if on(c, Key::Bolt) && tools.bolt.is_none() {
            tools.bolt = Some(bolt::Tools {
                bolt: find(llvm::Tool::Bolt, c, "bolt")?,
                merge_fdata: find(llvm::Tool::MergeFdata, c, "bolt")?,
                strip: find(llvm::Tool::Strip, c, "bolt")?,
                objcopy: find(llvm::Tool::Objcopy, c, "bolt")?,
            });
        }
    }
    if training.is_empty() && !by_benches {
        let list: Vec<String> = stepped.iter().map(|c| format!("`{}`", c.name)).collect();
        let names = list.join(", ");
        return Err(super::Error::NothingToTrain { names }.into());
    }
    Ok(tools)
}

/// The LLVM tools found for the pipeline steps.
#[derive(Debug, Default)]
struct Tools {
    profdata: Option<PathBuf>,
    bolt: Option<bolt::Tools>,
}

/// What a `measure` asks beyond the scope: a shard, warm builds, how
/// many clean builds, the workloads. `cargo lto build` asks none of it.
#[derive(Default)]
struct Asked<'a> {
    shard: Option<(usize, usize)>,
    warm: bool,
    build_runs: Option<usize>,
    run: &'a [String],
    run_cmd: &'a [String],
    /// `--bench-profile`.
    bench_profile: Option<&'a str>,
    /// `--serve` and friends.
    serve: Option<&'a super::serve_plan::ServeRequest>,
}

/// Everything resolved, but how to measure and what to run.
struct Prepared {
    cargo: PathBuf,
    cwd: PathBuf,
    project: Project,
    lock: workspace::Lockfile,
    area: workspace::AreaLock,
    flags: workspace::CargoFlags,
    configs: Vec<super::resolved::Planned>,
    base: crate::profile::resolve::Resolved,
    user_flags: crate::profile::rustflags::UserFlags,
    blank_workspace_wrapper: bool,
    workloads: Vec<Workload>,
    training: Training,
    tools: Tools,
    build_runs: usize,
    notes: Vec<Note>,
    serve: Option<super::serve_plan::ServeSpec>,
}

impl Prepared {
    /// The plan, with how to measure and what to run.
    fn plan(self, options: Options, runtime: RuntimeSpec) -> MeasurePlan {
        MeasurePlan {
            cargo: self.cargo,
            cwd: self.cwd,
            project: self.project,
            lock: self.lock,
            _area: self.area,
            flags: self.flags,
            options,
            configs: self.configs,
            base: self.base,
            user_flags: self.user_flags,
            blank_workspace_wrapper: self.blank_workspace_wrapper,
            runtime,
            training: self.training.runs,
            training_given: self.training.given,
            train_benches: self.training.benches,
            profdata: self.tools.profdata,
            bolt: self.tools.bolt,
            notes: self.notes,
            serve: self.serve,
        }
    }
}

/// What trains the pipeline configurations.
struct Training {
    /// The runs: the given ones, else the workloads.
    runs: Vec<Workload>,
    /// They were given (`--train`, the metadata's `train`).
    given: bool,
    /// `--train` or `--train-cmd` was on the command line.
    asked: bool,
    /// The metadata has a `train` table.
    in_metadata: bool,
    /// The bench targets it trains with.
    benches: Vec<crate::workspace::BenchTarget>,
}

/// The workloads and the training, checked runnable; the workloads'
/// inputs hashed.
fn runs(scope: &Scope, asked: &Asked, project: &Project) -> Result<(Vec<Workload>, Training)> {
    let options = &scope.options;
    let mut workloads = workload::collect(
        workload::from_cli(asked.run, asked.run_cmd, options)?,
        workload::from_metadata(&project.metadata, options.compare_output)?,
    );
    let train_cli = workload::training_from_cli(&scope.train, &scope.train_cmd, options)?;
    let train_metadata = workload::training_from_metadata(&project.metadata)?;
    let benches = super::bench_plan::training_benches(project)?;
    let (train_asked, in_metadata) = (
        !train_cli.is_empty(),
        !train_metadata.is_empty() || !benches.is_empty(),
    );
    let given = workload::collect(train_cli, train_metadata);
    let mut given = given;
    let bins = project.bin_names();
    for w in workloads.iter_mut().chain(&mut given) {
        workload::resolve_bins(w, &bins, project.default_bin.as_deref())?;
        workload::check_runnable(w)?;
    }
    for w in &mut workloads {
        w.input_sha256 = workload::input_hash(w)?;
    }
    let trained_by_benches = !benches.is_empty();
    let training = Training {
        given: !given.is_empty() || trained_by_benches,
        runs: if given.is_empty() && !trained_by_benches {
            workloads.clone()
        } else {
            given
        },
        asked: train_asked,
        in_metadata,
        benches,
    };
    Ok((workloads, training))
}

/// The note saying several binaries are measured because neither `--bin`
/// nor `--bins` chose them.
fn every_binary(project: &Project) -> Option<Note> {
    (project.chosen == workspace::Chosen::Default && project.bins.len() > 1).then(|| {
        NoteKind::EveryBinary {
            bins: project.bins.iter().map(|b| b.name.clone()).collect(),
            packages: project.packages.clone(),
        }
        .into()
    })
}

/// This shard's configurations (baseline in every shard), and a note
/// naming them.
fn sharded(
    configs: Vec<Configuration>,
    base: &crate::profile::resolve::Resolved,
    shard: Option<(usize, usize)>,
) -> (Vec<Configuration>, Option<Note>) {
    let Some((k, n)) = shard else {
        return (configs, None);
    };
    let mine = shard::shard(&configs, base, k, n);
    let note = NoteKind::Shard {
        k,
        n,
        configurations: mine.iter().map(|c| c.name.clone()).collect(),
    };
    (mine, Some(note.into()))
}

/// Training that nothing in this run would use is an error when asked
/// for on the command line, and a note when the metadata has it.
fn unused_training(
    training: &Training,
    tools: &Tools,
    configs: &[Configuration],
    serve: Option<&super::serve_plan::ServeSpec>,
) -> Result<Option<Note>> {
    if tools.profdata.is_some() || tools.bolt.is_some() {
        // a server is trained by its --train-load, else by the loads it
        // is measured with
        if let Some(s) = serve {
            let self_trained = !s.train_given;
            let workloads = !training.given && !training.runs.is_empty();
            return Ok((self_trained || workloads).then(|| {
                if self_trained {
                    NoteKind::ServerTrainedOnLoads.into()
                } else {
                    NoteKind::TrainedOnWorkloads.into()
                }
            }));
        }
        return Ok((!training.given).then(|| NoteKind::TrainedOnWorkloads.into()));
    }
    if training.asked {
        let names: Vec<String> = configs.iter().map(|c| format!("`{}`", c.name)).collect();
        return Err(super::Error::TrainWithoutPipeline {
            names: names.join(", "),
        }
        .into());
    }
    Ok(training
        .in_metadata
        .then(|| NoteKind::TrainTableUnused.into()))
}

/// Each configuration's rustflags keys checked against the target and
/// rustc; the note naming those linked with gold.
fn check_keys(configs: &[super::resolved::Planned], project: &Project) -> Result<Option<Note>> {
    let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    let mut gold = Vec::new();
    for config in configs {
        preflight::check_rustflag_keys(
            config.name(),
            &config.effective,
            project.target.triple(),
            &rustc,
        )?;
        if config.settings().linker() == Some(&Linker::Named(LinkerName::Gold)) {
            gold.push(config.name().to_string());
        }
    }
    Ok((!gold.is_empty()).then(|| {
        NoteKind::LinkedWithGold {
            configurations: gold,
        }
        .into()
    }))
}

/// Resolves `scope` and what is `asked` against the project, once: the
/// project loaded (its build area locked), the matrix, the runs, the base
/// profile, this shard's configurations resolved, the tools they need.
fn resolve(scope: &Scope, asked: &Asked) -> Result<Prepared> {
    let cargo = workspace::cargo_binary();
    let flags = &scope.flags;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    // the build area first: a Cargo.lock that cargo creates while
    // resolving is then this run's alone, to remove at its end
    let located = workspace::locate(&cargo, flags)?;
    let area = workspace::lock_area(&located.target_dir, !scope.no_wait, &|holder| {
        eprintln!("cargo-lto: waiting for another `cargo lto measure` ({holder}) on this project")
    })?;
    let (project, lock) = workspace::resolve_untouched(&cargo, flags)?;
    let configs = matrix::build(&scope.matrix, &project.metadata)?;
    let build_runs = build_runs(asked, &project)?;
    let (workloads, training) = runs(scope, asked, &project)?;
    let default_serve = super::serve_plan::ServeRequest {
        dir: scope.options.dir.clone(),
        ..Default::default()
    };
    let serve = super::serve_plan::serve_spec(asked.serve.unwrap_or(&default_serve), &project)?;
    if let Some(s) = &serve {
        super::serve_plan::check_bins(s, &project)?;
    }
    // a bench target whose harness the tool cannot run stops the run
    // here, before anything is built
    for b in &project.benches {
        super::stage::bench::harness::expected(b)?;
    }
    let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    preflight::check(flags, &project, &rustc)?;
    let Base {
        resolved: base,
        config_files,
        user_flags,
    } = resolve_base(&project, &cwd, &scope.base_profile)?;
    let (configs, shard_note) = sharded(configs, &base, asked.shard);
    let tools = pipeline_tools(
        &configs,
        &training.runs,
        !training.benches.is_empty() || serve.is_some(),
    )?;
    let training_note = unused_training(&training, &tools, &configs, serve.as_ref())?;
    let mut configs = plan_configs(configs, &base);
    if let Some(profile) = asked.bench_profile {
        configs.extend(super::bench_plan::twins(
            &project,
            &cwd,
            &configs,
            profile,
            &scope.base_profile,
        )?);
    }
    let gold_note = check_keys(&configs, &project)?;
    let wrappers = user_wrappers(&config_files);
    let mut notes = wrappers.notes();
    notes.extend(every_binary(&project));
    notes.extend(training_note);
    notes.extend(resolve::unread_configs_note(&cwd, &project.workspace_root));
    notes.extend(shard_note);
    notes.extend(gold_note);
    Ok(Prepared {
        cargo,
        cwd,
        project,
        lock,
        area,
        flags: flags.clone(),
        configs,
        base,
        user_flags,
        blank_workspace_wrapper: wrappers.config_workspace_wrapper,
        workloads,
        training,
        tools,
        build_runs,
        notes,
        serve,
    })
}

/// Checks a `measure` request against its project and resolves it into
/// the plan; bad input is an error here, before anything is built.
pub fn validate(request: &Request) -> Result<MeasurePlan> {
    let rt = &request.runtime;
    // --runs ≥ 1 is clap's; this needs both
    if rt.max_runs < rt.runs {
        return Err(UsageError::Syntax {
            origin: "--runs".into(),
            message: "must be at most --max-runs".into(),
        }
        .into());
    }
    let asked = Asked {
        shard: request.shard,
        warm: request.warm,
        build_runs: request.build_runs,
        run: &rt.run,
        run_cmd: &rt.run_cmd,
        bench_profile: rt.bench_profile.as_deref(),
        serve: Some(&request.serve),
    };
    let resolved = resolve(&request.scope, &asked)?;
    let options = Options {
        base_profile: request.scope.base_profile.clone(),
        warm: request.warm,
        no_rebuild: request.no_rebuild,
        no_twin: false,
        retry_busy: request.retry_busy,
        build_runs: resolved.build_runs,
        timeout: request.timeout,
        verbose: request.verbose,
        quiet: request.quiet,
        color: request.color.clone(),
        invocation: request.invocation.clone(),
    };
    let runtime = RuntimeSpec {
        workloads: resolved.workloads.clone(),
        plan: Plan {
            warmup: rt.warmup,
            runs: rt.runs,
            min_time_s: rt.min_time.as_secs_f64(),
            max_runs: rt.max_runs,
            ignore_failure: rt.ignore_failure,
            retry_busy: request.retry_busy,
        },
        counter: rt.counter,
        bench: super::bench_plan::bench_spec(rt, &resolved.project)?,
    };
    Ok(resolved.plan(options, runtime))
}

/// Resolves a `cargo lto build` request: one configuration built as
/// `measure` builds it (its pipeline included), once, no rebuild, no twin,
/// nothing run on it.
pub fn validate_build(request: &BuildRequest) -> Result<MeasurePlan> {
    let resolved = resolve(&request.scope, &Asked::default())?;
    let options = Options {
        base_profile: request.scope.base_profile.clone(),
        warm: false,
        no_rebuild: true,
        no_twin: true,
        retry_busy: 0,
        build_runs: 1,
        timeout: None,
        verbose: request.verbose,
        quiet: request.quiet,
        color: None,
        invocation: request.invocation.clone(),
    };
    let runtime = RuntimeSpec {
        workloads: Vec::new(),
        plan: Plan {
            warmup: 0,
            runs: 1,
            min_time_s: 0.0,
            max_runs: 1,
            ignore_failure: false,
            retry_busy: 0,
        },
        counter: super::CounterChoice::Time,
        bench: None,
    };
    Ok(resolved.plan(options, runtime))
}
