//! How one configuration is built: its build directory, the cargo command
//! and environment, a clean build (built again while busy), and the
//! unstripped twin of a stripped binary.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;

use super::resolved::{MeasurePlan, Planned};
use super::steps;
use crate::build::{self, BuildRun, Invocation, twin};
use crate::inspect::sections;
use crate::profile::cargo_args;
use crate::profile::rustflags;
use crate::progress::ConfigBar;
use crate::results::measure::BuildSample;
use crate::results::notes::{Note, NoteKind};
use crate::results::pipeline::PipelineStep;
use crate::workspace::Project;

/// The environment that gives `config`'s rustflags keys, and `more` flags
/// (a pipeline stage's), to cargo, with the user's own flags.
pub fn rustflags_env(
    plan: &MeasurePlan,
    config: &Planned,
    more: &[String],
) -> Vec<(String, String)> {
    let (base, triple) = (&plan.base, plan.user_flags.triple.as_str());
    let mut extra = rustflags::extra_flags(&config.built.settings, base, triple);
    extra.extend(more.iter().cloned());
    rustflags::env_for(&plan.user_flags, &extra, &|k| std::env::var(k).ok())
}

/// Where a sweep keeps its files under the target directory.
pub fn tool_dir(project: &Project) -> PathBuf {
    project.target_dir.join("cargo-lto")
}

/// The cargo command line (after `cargo`) for one configuration.
pub fn cargo_command(plan: &MeasurePlan, config: &Planned, target_dir: &Path) -> Vec<String> {
    let (project, flags) = (&plan.project, &plan.flags);
    let mut args: Vec<String> = vec![
        "build".into(),
        "--message-format=json-render-diagnostics".into(),
        "--manifest-path".into(),
        project.root_manifest.display().to_string(),
    ];
    for package in &project.packages {
        args.extend(["--package".into(), package.clone()]);
    }
    for bin in &project.bins {
        args.extend(["--bin".into(), bin.name.clone()]);
    }
    args.extend(flags.feature_args());
    match &flags.target {
        Some(target) => args.extend(["--target".into(), target.clone()]),
        // with --target, rustflags reach the target's crates alone: not the
        // build scripts and proc macros, which an instrumented build would
        // otherwise make write profiles while it builds
        None if config.has(PipelineStep::Pgo) => {
            args.extend(["--target".into(), plan.user_flags.triple.clone()])
        }
        None => {}
    }
    args.extend(flags.network_args());
    if let Some(jobs) = &flags.jobs {
        args.extend(["--jobs".into(), jobs.clone()]);
    }
    if let Some(color) = &plan.options.color {
        args.extend(["--color".into(), color.clone()]);
    }
    args.extend(["--target-dir".into(), target_dir.display().to_string()]);
    args.extend(cargo_args(
        &config.built,
        config.base_profile(&plan.options.base_profile),
    ));
    args
}

/// How one configuration is built: its directory, cargo command and
/// environment, the same for every clean build and the rebuild.
pub(super) struct Builder<'a> {
    plan: &'a MeasurePlan,
    config: &'a Planned,
    pub target_dir: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl<'a> Builder<'a> {
    /// A builder in `<tool dir>/<dir>` with `more` rustflags (a pipeline
    /// stage's: `-Cprofile-generate`, `-Cprofile-use`) besides the
    /// configuration's own link flags.
    pub fn with_flags(
        plan: &'a MeasurePlan,
        config: &'a Planned,
        dir: &str,
        more: &[String],
    ) -> Builder<'a> {
        let target_dir = tool_dir(&plan.project).join(dir);
        let mut flags = more.to_vec();
        flags.extend(config.link_flags.iter().cloned());
        Builder {
            args: cargo_command(plan, config, &target_dir),
            env: rustflags_env(plan, config, &flags),
            plan,
            config,
            target_dir,
        }
    }

    pub fn invocation(&self, phase: &str) -> Invocation {
        let plan = self.plan;
        let log_dir = tool_dir(&plan.project).join("logs");
        Invocation {
            cargo: plan.cargo.clone(),
            args: self.args.clone(),
            wrapper_log: log_dir.join(format!("{}.{phase}.jsonl", self.config.name())),
            bins: plan.project.bins.clone(),
            benches: Vec::new(),
            timeout: plan.options.timeout,
            blank_workspace_wrapper: plan.blank_workspace_wrapper,
            env: self
                .env
                .iter()
                .cloned()
                // the first clean build makes the binary inspect reads:
                // only its final rustc is kept for an unstripped twin
                .chain((phase == "clean").then(|| {
                    let crates: Vec<String> =
                        plan.project.bins.iter().map(|b| b.crate_name()).collect();
                    (twin::SAVE_ENV.into(), crates.join(","))
                }))
                .collect(),
        }
    }

    /// Clean build number `round` (1-based) from an empty directory (the
    /// reused one with `--warm`), built again while it was busy and
    /// `--retry-busy` allows (a warm one would not be clean); with its sample.
    pub fn clean(
        &self,
        round: usize,
        bar: &ConfigBar,
        echo: &(dyn Fn(&str) + Sync),
        notes: &mut Vec<Note>,
    ) -> Result<(BuildRun, BuildSample)> {
        let options = &self.plan.options;
        let phase = if round == 1 {
            "clean".to_string()
        } else {
            format!("clean-{round}")
        };
        let mut retried = 0;
        loop {
            steps::prepare_dir(&self.target_dir, options.warm)?;
            let started = unix_now();
            let run = build::run(&self.invocation(&phase), &|k| bar.units(k), echo)?;
            let sample = steps::sample(&run, started);
            if sample.busy && run.outcome.success() && retried < options.retry_busy && !options.warm
            {
                retried += 1;
                bar.phase(&format!("building again: busy (retry {retried})"));
                continue;
            }
            if retried > 0 {
                notes.push(
                    NoteKind::RetriedBusy {
                        config: self.config.name().to_string(),
                        round,
                        retried,
                    }
                    .into(),
                );
            }
            return Ok((run, sample));
        }
    }
}

/// Now, in seconds since the Unix epoch.
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The unstripped twin of the stripped binary `exe`, built to `out` from
/// the invocation the wrapper saved beside `log`: `Ok(None)` when none was
/// saved (the profile does not strip symbols), `Err` with why none is used.
pub(super) fn unstripped_twin(
    log: &Path,
    crate_name: &str,
    exe: &Path,
    out: &Path,
) -> Result<Option<PathBuf>, String> {
    let why = |e: anyhow::Error| format!("no unstripped twin for inspect: {e:#}");
    let Some(path) = twin::build(log, crate_name, out).map_err(why)? else {
        return Ok(None);
    };
    if !sections::same_code(exe, &path).map_err(why)? {
        return Err(
            "the unstripped twin's code differs from the binary's, so inspect cannot use it".into(),
        );
    }
    Ok(Some(path))
}
