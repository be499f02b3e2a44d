//! One check of a `measure` request against the project, before anything
//! is built: the matrix, the shard, the workloads, the base profile, every
//! configuration's rustflags keys. What it returns is the one plan the
//! sweep and the runtime phase borrow.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::runtime::workload::{self, Workload};
use super::{Base, Request, bolt, resolve_base, shard};
use crate::build::environment::user_wrappers;
use crate::build::llvm;
use crate::build::preflight;
use crate::error::UsageError;
use crate::profile::Configuration;
use crate::profile::Key;
use crate::profile::matrix;
use crate::profile::resolve::{self, Resolved};
use crate::profile::rustflags::UserFlags;
use crate::profile::values::{Linker, LinkerName};
use crate::workspace::{self, AreaLock, Lockfile, Project};

/// A measure request checked against its project.
pub struct MeasurePlan<'r> {
    /// The request as given.
    pub request: &'r Request,
    /// The cargo binary.
    pub cargo: PathBuf,
    /// Where cargo runs from (config files are found from here).
    pub cwd: PathBuf,
    /// The project, loaded.
    pub project: Project,
    /// Removes a Cargo.lock cargo made, when the run ends.
    pub lock: Lockfile,
    /// The build area, this sweep's alone until the plan is dropped (after
    /// `lock` has removed its Cargo.lock): held, never read.
    pub _area: AreaLock,
    /// The configurations to measure (this shard's, with `--shard`).
    pub configs: Vec<Configuration>,
    /// The base profile, resolved (rustflags keys included).
    pub base: Resolved,
    /// The user's rustflags, which a configuration's rustflags keys join.
    pub user_flags: UserFlags,
    /// A config file sets `build.rustc-workspace-wrapper`, which must be
    /// overridden with an empty `RUSTC_WORKSPACE_WRAPPER`.
    pub blank_workspace_wrapper: bool,
    /// The workloads (command line and metadata).
    pub workloads: Vec<Workload>,
    /// What the document's notes start with.
    pub notes: Vec<String>,
    /// Clean builds per configuration: `--build-runs`, else the
    /// metadata's `build-runs` (the package's over the workspace's), else 1.
    pub build_runs: usize,
    /// llvm-profdata of rustc's LLVM version, when a configuration has
    /// `pgo = "on"`.
    pub profdata: Option<PathBuf>,
    /// BOLT's tools, when a configuration has `bolt = "on"`.
    pub bolt: Option<bolt::Tools>,
    /// What trains the PGO configurations: `--train`/`--train-cmd` and the
    /// metadata's `train` table, else the workloads.
    pub training: Vec<Workload>,
    /// True when the training runs were given (not the workloads).
    pub training_given: bool,
}

/// `--build-runs`, else the last `build-runs` of the metadata tables (the
/// package's comes after the workspace's), else 1; at least 1, and 1 with
/// `--warm` (a warm build again would compile nothing).
fn build_runs(request: &Request, project: &Project) -> Result<usize, UsageError> {
    let (runs, origin) = match request.build_runs {
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
    if runs > 1 && request.warm {
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
fn pipeline_tools(configs: &[Configuration], training: &[Workload]) -> Result<Tools> {
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
            });
        }
    }
    if training.is_empty() {
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

/// Checks `request` against its project; bad input is an error here,
/// before anything is built.
pub fn validate(request: &Request) -> Result<MeasurePlan<'_>> {
    let cargo = workspace::cargo_binary();
    let flags = &request.flags;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    // the build area first: a Cargo.lock that cargo creates while
    // resolving is then this run's alone, to remove at its end
    let located = workspace::locate(&cargo, flags)?;
    let area = workspace::lock_area(&located.target_dir, !request.no_wait, &|holder| {
        eprintln!("cargo-lto: waiting for another `cargo lto measure` ({holder}) on this project")
    })?;
    let (project, lock) = workspace::resolve_untouched(&cargo, flags)?;
    let configs = matrix::build(&request.matrix, &project.metadata)?;
    let build_runs = build_runs(request, &project)?;
    let rt = &request.runtime;
    let mut workloads = workload::collect(
        workload::from_cli(&rt.run, &rt.run_cmd, &rt.options)?,
        workload::from_metadata(&project.metadata, rt.options.compare_output)?,
    );
    // --runs ≥ 1 is clap's; this needs both
    if rt.max_runs < rt.runs {
        return Err(UsageError::Syntax {
            origin: "--runs".into(),
            message: "must be at most --max-runs".into(),
        }
        .into());
    }
    let train_cli = workload::training_from_cli(&rt.train, &rt.train_cmd, &rt.options)?;
    let train_metadata = workload::training_from_metadata(&project.metadata)?;
    let (train_asked, train_in_metadata) = (!train_cli.is_empty(), !train_metadata.is_empty());
    let given = workload::collect(train_cli, train_metadata);
    for w in workloads.iter().chain(&given) {
        workload::check_runnable(w)?;
    }
    for w in &mut workloads {
        w.input_sha256 = workload::input_hash(w)?;
    }
    let training_given = !given.is_empty();
    let training = if training_given {
        given
    } else {
        workloads.clone()
    };
    let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    preflight::check(flags, &project, &rustc)?;
    let Base {
        resolved: base,
        config_files,
        user_flags,
    } = resolve_base(&project, &cwd, &request.base_profile)?;
    // each configuration's rustflags keys are checked before anything is built
    let target = &project.target;
    let (configs, shard_note) = match request.shard {
        Some((k, n)) => {
            let mine = shard::shard(&configs, &base, k, n);
            let names: Vec<&str> = mine.iter().map(|c| c.name.as_str()).collect();
            let note = format!(
                "shard {k}/{n}: {} (baseline is in every shard, so each shard's comparisons have their reference from the same machine; `cargo lto merge` joins the shards)",
                names.join(", ")
            );
            (mine, Some(note))
        }
        None => (configs, None),
    };
    let Tools { profdata, bolt } = pipeline_tools(&configs, &training)?;
    // training that nothing in this run would use is not dropped silently
    let pipelined = profdata.is_some() || bolt.is_some();
    if train_asked && !pipelined {
        return Err(super::Error::TrainWithoutPipeline {
            names: configs
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into());
    }
    let mut gold = Vec::new();
    for config in &configs {
        let effective = resolve::with_overrides(&base, &config.settings);
        preflight::check_rustflag_keys(&config.name, &effective, target.triple(), &rustc)?;
        if config.settings.linker() == Some(&Linker::Named(LinkerName::Gold)) {
            gold.push(format!("`{}`", config.name));
        }
    }

    let wrappers = user_wrappers(&config_files);
    let mut notes = wrappers.notes();
    if (profdata.is_some() || bolt.is_some()) && !training_given {
        notes.push(
            "PGO and BOLT configurations are trained with the measured workloads themselves (no --train): their runtime gain is an upper bound (trained and measured on the same input)".into(),
        );
    }
    if train_in_metadata && !pipelined {
        notes.push(
            "the metadata's `train` table trains PGO and BOLT configurations, and none is in this run (`--preset pgo`, or a configuration with pgo = \"on\" or bolt = \"on\"): it was not used".into(),
        );
    }
    notes.extend(resolve::unread_configs_note(&cwd, &project.workspace_root));
    notes.extend(shard_note);
    if !gold.is_empty() {
        notes.push(format!(
            "{}: linked with gold, which rustc warns is deprecated and has known bugs with Rust (cargo's output, shown with -vv)",
            gold.join(", ")
        ));
    }
    Ok(MeasurePlan {
        request,
        cargo,
        cwd,
        project,
        lock,
        _area: area,
        configs,
        base,
        user_flags,
        blank_workspace_wrapper: wrappers.config_workspace_wrapper,
        workloads,
        notes,
        build_runs,
        profdata,
        bolt,
        training,
        training_given,
    })
}
