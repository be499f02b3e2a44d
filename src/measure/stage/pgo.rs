//! PGO's stages: before a configuration's timed build, an instrumented
//! build of the same configuration (`-Cprofile-generate`), a training run
//! of each workload with it, and `llvm-profdata merge` ([`Training`]); the
//! timed build then uses the merged profile (`-Cprofile-use`); on its
//! binary, the instrumentation's slowdown ([`Slowdown`]). A profile fits
//! only the configuration it was trained under (cargo's `-C metadata`
//! feeds every symbol hash and changes with every setting), so each
//! configuration trains its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::{Ctx, Flow, Phase};
use crate::build;
use crate::measure::builder::{Builder, tool_dir};
use crate::measure::resolved::{MeasurePlan, Planned};
use crate::measure::runtime::executor::{Executor, RealExecutor};
use crate::measure::runtime::workload::Binaries;
use crate::measure::steps;
use crate::process::{Wait, read_all, run_piped};
use crate::progress::ConfigBar;
use crate::results::measure::Counter;
use crate::results::notes::{Failure, Note, NoteKind};
use crate::results::pipeline::{PipelineStep, Stage, StageName};

/// PGO's instrumented build, training and merge, before the timed build.
pub struct Training;

impl super::Stage for Training {
    fn name(&self) -> &'static str {
        "pgo training"
    }

    fn phase(&self) -> Phase {
        Phase::BeforeBuild
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.config.has(PipelineStep::Pgo) && ctx.plan.profdata.is_some()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let Some(profdata) = &ctx.plan.profdata else {
            return Ok(Flow::Next);
        };
        let echo = ctx.echo();
        match train(ctx.plan, ctx.config, profdata, &ctx.bar, &echo)? {
            Ok(t) => {
                ctx.flags.extend(use_flags(&t.profile));
                ctx.entry.pipeline = t.stages;
                ctx.profile = Some(t.profile);
                ctx.instrumented = Some(t.instrumented);
                Ok(Flow::Next)
            }
            Err(failed) => Ok(ctx.failed(failed)),
        }
    }
}

/// The instrumentation's slowdown, on the binary: the training runs with
/// the final binary, alternated with the instrumented one's.
pub struct Slowdown;

impl super::Stage for Slowdown {
    fn name(&self) -> &'static str {
        "pgo slowdown"
    }

    fn phase(&self) -> Phase {
        Phase::OnBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        // a training by benchmarks alone has no runs of the binary to time
        ctx.instrumented.is_some() && !ctx.binaries.is_empty() && !ctx.plan.training.is_empty()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let (Some(instrumented), exe) = (ctx.instrumented.clone(), ctx.binaries.clone()) else {
            return Ok(Flow::Next);
        };
        let Some(i) = ctx
            .entry
            .pipeline
            .iter()
            .position(|s| s.stage == StageName::Training)
        else {
            return Ok(Flow::Next);
        };
        ctx.bar
            .phase("timing the training with both binaries (pgo)");
        let mut training = ctx.entry.pipeline[i].clone();
        record_slowdown(
            ctx.plan,
            ctx.config,
            (&instrumented, &exe),
            &mut training,
            &mut ctx.notes,
        );
        ctx.entry.pipeline[i] = training;
        Ok(Flow::Next)
    }
}

pub use super::Failed;

/// A trained profile and what producing it took.
pub struct Trained {
    /// The merged `.profdata`.
    pub profile: PathBuf,
    pub stages: Vec<Stage>,
    /// The instrumented binaries (for the slowdown, after the timed build).
    pub instrumented: Binaries,
}

/// The rustflags of the timed build of a configuration trained into
/// `profile`: every function without profile data is warned about
/// (`-pgo-warn-missing-function`), so a profile that does not fit shows.
pub fn use_flags(profile: &Path) -> Vec<String> {
    vec![
        format!("-Cprofile-use={}", profile.display()),
        "-Cllvm-args=-pgo-warn-missing-function".into(),
    ]
}

/// Where `config`'s merged profile is kept (for its repeated builds too).
pub fn profile_path(plan: &MeasurePlan, config: &Planned) -> PathBuf {
    tool_dir(&plan.project)
        .join("pgo")
        .join(config.name())
        .join("merged.profdata")
}

/// The files in `dir` ending `.ext` (the profiles a training wrote:
/// `profraw`, BOLT's `fdata`), sorted, and their bytes.
pub fn profile_files(dir: &Path, ext: &str) -> Result<(Vec<PathBuf>, u64)> {
    let mut files = Vec::new();
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == ext) {
            bytes += std::fs::metadata(&path)?.len();
            files.push(path);
        }
    }
    files.sort();
    Ok((files, bytes))
}

/// A stage of the processes whose usages are given: their wall and CPU
/// seconds added, the largest peak.
pub fn stage(name: StageName, usages: &[crate::process::Usage]) -> Stage {
    Stage::new(
        name,
        usages.iter().map(|u| u.wall_s).sum(),
        usages.iter().map(|u| u.cpu_s).sum(),
        usages.iter().map(|u| u.peak_rss_bytes).max().unwrap_or(0),
    )
}

/// The instrumented build's directory and its rustflags
/// (`-Cprofile-generate`), for building the bench targets beside it.
type Instrumented = (String, Vec<String>);

/// What echoes cargo's output.
type Echo<'a> = dyn Fn(&str) + Sync + 'a;

/// A training run that failed: its workload's name, exit code and stderr.
pub type FailedRun = (String, i32, String);

/// Runs the plan's training runs with `exe`, instrumented binaries, as
/// the stage `stage`; stops at the first that fails, and returns it with
/// its exit code and stderr.
pub fn run_training(
    plan: &MeasurePlan,
    config: &Planned,
    exe: &Binaries,
    stage: StageName,
) -> Result<(Stage, Option<FailedRun>)> {
    let mut training = Stage::new(stage, 0.0, 0.0, 0);
    for w in &plan.training {
        let r = RealExecutor.run(config.name(), exe, w, Counter::Time)?;
        training.wall_s += r.wall_s;
        training.cpu_s += r.cpu_s;
        training.peak_rss_bytes = training.peak_rss_bytes.max(r.peak_rss_bytes);
        if r.exit_code != 0 {
            return Ok((training, Some((w.name.clone(), r.exit_code, r.stderr_tail))));
        }
    }
    // a server is trained by its training loads
    match super::serve::train(plan, exe)? {
        Ok(t) => {
            training.wall_s += t.wall_s;
            training.cpu_s += t.cpu_s;
            training.peak_rss_bytes = training.peak_rss_bytes.max(t.peak_rss_bytes);
        }
        Err(failed) => return Ok((training, Some(failed))),
    }
    Ok((training, None))
}

/// Builds `config` instrumented, trains it with the plan's workloads and
/// merges the profile, with `profdata` (found by `validate`). `Ok(Err)`:
/// a stage failed, and the configuration with it.
pub fn train(
    plan: &MeasurePlan,
    config: &Planned,
    profdata: &Path,
    bar: &ConfigBar,
    echo: &(dyn Fn(&str) + Sync),
) -> Result<Result<Trained, Failed>> {
    let dir = tool_dir(&plan.project).join("pgo").join(config.name());
    let raw = dir.join("profraw");
    steps::prepare_dir(&dir, false)?;
    std::fs::create_dir_all(&raw).with_context(|| format!("creating {}", raw.display()))?;
    let mut stages = Vec::new();
    bar.phase("building instrumented (pgo)");
    let exe = match instrumented_build(plan, config, &raw, bar, echo, &mut stages)? {
        Ok(exe) => exe,
        Err(message) => return Ok(Err(message)),
    };
    bar.phase("training (pgo)");
    let benches = (!plan.train_benches.is_empty()).then(|| {
        let generate = vec![format!("-Cprofile-generate={}", raw.display())];
        (format!("{}.pgo-instrumented", config.name()), generate)
    });
    let files = match training(
        plan,
        config,
        &exe,
        &raw,
        &mut stages,
        benches.as_ref().map(|b| (b, echo)),
    )? {
        Ok(files) => files,
        Err(failed) => return Ok(Err(failed)),
    };
    bar.phase("merging the profile (pgo)");
    let merged = profile_path(plan, config);
    let mut cmd = Command::new(profdata);
    cmd.arg("merge").arg("-o").arg(&merged).args(&files);
    let done = run_piped(&mut cmd, Wait::Blocking, read_all, read_all)
        .with_context(|| format!("running {}", profdata.display()))?;
    stages.push(stage(StageName::Merge, &[done.usage]));
    if !done.outcome.success() || !merged.is_file() {
        return Ok(Err(Failed {
            failure: Failure::Merge {
                tool: profdata.to_path_buf(),
            },
            exit_code: Some(done.outcome.exit_code()),
            stderr_tail: Some(String::from_utf8_lossy(&done.stderr).trim().to_string()),
            stages,
        }));
    }
    Ok(Ok(Trained {
        profile: merged,
        stages,
        instrumented: exe,
    }))
}

/// The build with `-Cprofile-generate` writing to `raw` (the builder adds
/// the configuration's own link arguments: the same build but for the
/// instrumentation): its binaries, or the failure with the stages so far.
fn instrumented_build(
    plan: &MeasurePlan,
    config: &Planned,
    raw: &Path,
    bar: &ConfigBar,
    echo: &(dyn Fn(&str) + Sync),
    stages: &mut Vec<Stage>,
) -> Result<Result<Binaries, Failed>> {
    let generate = vec![format!("-Cprofile-generate={}", raw.display())];
    let gen_dir = format!("{}.pgo-instrumented", config.name());
    let builder = Builder::with_flags(plan, config, &gen_dir, &generate);
    steps::prepare_dir(&builder.target_dir, false)?;
    let run = build::run(
        &builder.invocation("pgo-instrumented"),
        &|k| bar.units(k),
        echo,
    )?;
    stages.push(stage(StageName::InstrumentedBuild, &[run.usage]));
    let complete = run.executables.len() == plan.project.bins.len();
    let Some(exe) = (run.outcome.success() && complete).then(|| Binaries {
        paths: run.executables.clone(),
    }) else {
        return Ok(Err(Failed {
            failure: Failure::InstrumentedBuild,
            exit_code: Some(run.outcome.exit_code()),
            stderr_tail: Some(run.stderr_tail),
            stages: std::mem::take(stages),
        }));
    };
    // build scripts and proc macros are not instrumented (--target), so
    // anything here came from the training
    let (before, _) = profile_files(raw, "profraw")?;
    anyhow::ensure!(
        before.is_empty(),
        "{} holds profiles before the training",
        raw.display()
    );
    Ok(Ok(exe))
}

/// The training runs with the instrumented `exe`: the raw profiles they
/// wrote to `raw`, or the failure with the stages so far.
fn training(
    plan: &MeasurePlan,
    config: &Planned,
    exe: &Binaries,
    raw: &Path,
    stages: &mut Vec<Stage>,
    benches: Option<(&Instrumented, &Echo<'_>)>,
) -> Result<Result<Vec<PathBuf>, Failed>> {
    let (mut training, mut failed) = run_training(plan, config, exe, StageName::Training)?;
    // the project's benchmarks train it too (its bench targets built
    // instrumented beside the binaries)
    if let (None, Some(((dir, flags), echo))) = (&failed, benches) {
        match super::bench::train(plan, config, (dir, flags), echo)? {
            Ok(usages) => {
                for u in usages {
                    training.wall_s += u.wall_s;
                    training.cpu_s += u.cpu_s;
                    training.peak_rss_bytes = training.peak_rss_bytes.max(u.peak_rss_bytes);
                }
            }
            Err(f) => failed = Some(f),
        }
    }
    if let Some((name, code, stderr_tail)) = failed {
        stages.push(training);
        return Ok(Err(Failed {
            failure: Failure::TrainingRun {
                workload: name,
                exit_code: code,
                bolt: false,
            },
            exit_code: Some(code),
            stderr_tail: Some(stderr_tail),
            stages: std::mem::take(stages),
        }));
    }
    let (files, bytes) = profile_files(raw, "profraw")?;
    training.profiles = Some((files.len(), bytes));
    stages.push(training);
    if files.is_empty() {
        return Ok(Err(Failed {
            failure: Failure::NoProfile { bolt: false },
            exit_code: None,
            stderr_tail: None,
            stages: std::mem::take(stages),
        }));
    }
    Ok(Ok(files))
}

/// One pass of the training runs with `exe`: its wall seconds; None when
/// a run fails.
fn training_pass(plan: &MeasurePlan, config: &Planned, exe: &Binaries) -> Option<f64> {
    let mut total = 0.0;
    for w in &plan.training {
        let r = RealExecutor
            .run(config.name(), exe, w, Counter::Time)
            .ok()?;
        if r.exit_code != 0 {
            return None;
        }
        total += r.wall_s;
    }
    Some(total)
}

/// At most this many passes each for the slowdown …
const SLOWDOWN_PASSES: usize = 5;
/// … and more than one only while both binaries' passes so far took less
/// than this: a short training is timed again, a long one is not.
const SLOWDOWN_BUDGET_S: f64 = 2.0;

/// The instrumentation's slowdown, set on the `training` stage: passes of
/// the training runs with the final binary `exe`, alternated with the
/// instrumented binary's (the training itself its first pass), as long as
/// they are short; the medians, and a note.
pub fn record_slowdown(
    plan: &MeasurePlan,
    config: &Planned,
    (instrumented, exe): (&Binaries, &Binaries),
    training: &mut Stage,
    notes: &mut Vec<Note>,
) {
    let mut with_instrumented = vec![training.wall_s];
    let mut optimized = Vec::new();
    let mut spent = training.wall_s;
    while optimized.len() < SLOWDOWN_PASSES {
        let Some(o) = training_pass(plan, config, exe) else {
            return;
        };
        optimized.push(o);
        spent += o;
        if optimized.len() == SLOWDOWN_PASSES || spent >= SLOWDOWN_BUDGET_S {
            break;
        }
        let Some(i) = training_pass(plan, config, instrumented) else {
            break;
        };
        with_instrumented.push(i);
        spent += i;
    }
    let (i, o) = (
        crate::stats::median(&with_instrumented),
        crate::stats::median(&optimized),
    );
    let runs = optimized.len().min(with_instrumented.len());
    training.optimized_s = Some(o);
    training.instrumented_s = Some(i);
    training.slowdown_runs = Some(runs);
    if o > 0.0 {
        notes.push(
            NoteKind::Slowdown {
                config: config.name().to_string(),
                instrumented_s: i,
                optimized_s: o,
                runs,
            }
            .into(),
        );
    }
}
