//! BOLT over a configuration's linked binaries (`bolt = "on"`), without
//! `perf`: the build keeps its relocations (`-Wl,--emit-relocs`, and so no
//! stripping by the linker: `--strip-all` and `--emit-relocs` may not be
//! used together), `llvm-bolt -instrument` makes an instrumented copy, the
//! training runs it, `merge-fdata` merges its profiles, `llvm-bolt`
//! lays the code out by them, and `llvm-strip` strips the result as the
//! profile says.

mod names;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use super::pgo::{self, Failed, stage};
use super::{Ctx, Flow, Phase};
use crate::measure::builder::tool_dir;
use crate::measure::resolved::{MeasurePlan, Planned};
use crate::measure::runtime::workload::Binaries;
use crate::measure::steps;
use crate::process::{Usage, Wait, read_all, run_piped};
use crate::profile::values::Strip;
use crate::progress::ConfigBar;
use crate::results::notes::{Failure, NoteKind};
use crate::results::pipeline::{PipelineStep, Stage, StageName};

/// BOLT over the linked binary: the binary measured is its output.
pub struct Bolt;

impl super::Stage for Bolt {
    fn name(&self) -> &'static str {
        "bolt"
    }

    fn phase(&self) -> Phase {
        Phase::AfterLink
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.config.has(PipelineStep::Bolt) && ctx.plan.bolt.is_some() && !ctx.executables.is_empty()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let Some(tools) = &ctx.plan.bolt else {
            return Ok(Flow::Next);
        };
        let (plan, config) = (ctx.plan, ctx.config);
        match optimize(
            plan,
            config,
            &ctx.executables,
            tools,
            config.strip,
            &ctx.bar,
        )? {
            Ok(o) => {
                ctx.entry.pipeline.extend(o.stages);
                let config = config.name().to_string();
                ctx.notes.extend(o.notes.into_iter().map(|said| {
                    NoteKind::BoltKeptOldCode {
                        config: config.clone(),
                        said,
                    }
                    .into()
                }));
                for bin in o.untrained {
                    ctx.notes.push(
                        NoteKind::BoltUntrained {
                            config: config.clone(),
                            bin,
                        }
                        .into(),
                    );
                }
                ctx.binaries.paths = o.binaries;
                ctx.unstripped = o.unstripped;
                Ok(Flow::Next)
            }
            Err(failed) => Ok(ctx.failed(failed)),
        }
    }
}

/// The tools, found by `validate`.
#[derive(Debug, Clone)]
pub struct Tools {
    pub bolt: PathBuf,
    pub merge_fdata: PathBuf,
    pub strip: PathBuf,
    pub objcopy: PathBuf,
}

/// The link argument that keeps the relocations BOLT needs.
pub const EMIT_RELOCS: &str = "-Clink-arg=-Wl,--emit-relocs";

/// How `llvm-bolt` lays out the code from a profile. `-no-huge-pages
/// -use-old-text` keep the file small (docs/facts.md § bolt-file-size):
/// by default llvm-bolt aligns the new code to 2 MiB for huge pages and
/// keeps the original code beside it, which made sd's stripped binary
/// 6.5 MB against 2.5 MB. `-update-debug-sections` keeps the debug info
/// (§ bolt-debug-info), which llvm-bolt otherwise drops: line tables kept
/// for backtraces would be lost without a word.
const OPTIMIZE: &[&str] = &[
    "-reorder-blocks=ext-tsp",
    "-reorder-functions=cdsort",
    "-split-functions",
    "-split-all-cold",
    "-icf=all",
    "-use-gnu-stack",
    "-no-huge-pages",
    "-use-old-text",
    "-update-debug-sections",
];

/// BOLT-optimized binaries, stripped as the profile says.
pub struct Optimized {
    /// The binaries measured (stripped when the profile strips), by
    /// binary target.
    pub binaries: BTreeMap<String, PathBuf>,
    /// The same, unstripped, where stripping removed their symbols:
    /// inspect reads them there.
    pub unstripped: BTreeMap<String, PathBuf>,
    pub stages: Vec<Stage>,
    /// llvm-bolt's warnings the user should know of (its own words).
    pub notes: Vec<String>,
    /// Binaries the training never ran: no profile to lay them out by, so
    /// they are the linked binaries, stripped as the profile says.
    pub untrained: Vec<String>,
}

/// llvm-bolt's warnings worth a note, as it words them: the new code did
/// not fit where the old was, so the original code stays in the file
/// beside it.
fn bolt_notes(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("BOLT-WARNING: "))
        .filter(|l| l.starts_with("--use-old-text failed"))
        .map(|l| l.trim().to_string())
        .collect()
}

/// A tool's failure: its exit code and its last lines.
type ToolFailure = Option<(i32, String)>;

/// One tool run: its usage, or a failure with the tool's words.
fn run_tool(cmd: &mut Command, what: &str) -> Result<(Usage, ToolFailure)> {
    run_tool_output(cmd, what).map(|(usage, failed, _)| (usage, failed))
}

/// [`run_tool`], with all the tool printed.
fn run_tool_output(cmd: &mut Command, what: &str) -> Result<(Usage, ToolFailure, String)> {
    let done = run_piped(cmd, Wait::Blocking, read_all, read_all)
        .with_context(|| format!("running {what}"))?;
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&done.stderr),
        String::from_utf8_lossy(&done.stdout)
    );
    let failed = (!done.outcome.success()).then(|| {
        let tail: Vec<&str> = output.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        (done.outcome.exit_code(), tail.join("\n"))
    });
    Ok((done.usage, failed, output))
}

/// A failed stage: the configuration fails, the stages so far recorded.
fn fail<T>(
    stages: &mut Vec<Stage>,
    failure: Failure,
    failed: Option<(i32, String)>,
) -> Result<Result<T, Failed>> {
    let (exit_code, stderr_tail) = failed.map_or((None, None), |(c, t)| (Some(c), Some(t)));
    Ok(Err(Failed {
        failure,
        exit_code,
        stderr_tail,
        stages: std::mem::take(stages),
    }))
}

/// Unwraps a stage's `Ok(Ok(value))`; returns its `Ok(Err(failed))`.
macro_rules! or_failed {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(failed) => return Ok(Err(failed)),
        }
    };
}

/// Instruments each of `exes` (linked with their relocations), trains the
/// copies with the plan's training runs, and optimizes each binary by its
/// profile; then strips them as `strip` says. `Ok(Err)`: a stage failed,
/// and the configuration with it.
pub fn optimize(
    plan: &MeasurePlan,
    config: &Planned,
    exes: &BTreeMap<String, PathBuf>,
    tools: &Tools,
    strip: Strip,
    bar: &ConfigBar,
) -> Result<Result<Optimized, Failed>> {
    let dir = tool_dir(&plan.project).join("bolt").join(config.name());
    steps::prepare_dir(&dir, false)?;
    let mut b = Bolting {
        plan,
        config,
        tools,
        fdata: dir.join("fdata"),
        dir,
        stages: Vec::new(),
        shortened: BTreeMap::new(),
    };
    bar.phase("instrumenting (bolt)");
    let instrumented = or_failed!(b.instrument(exes));
    bar.phase("training (bolt)");
    let profiles = or_failed!(b.train(&instrumented));
    bar.phase("optimizing (bolt)");
    let mut out = Optimized {
        binaries: BTreeMap::new(),
        unstripped: BTreeMap::new(),
        stages: Vec::new(),
        notes: Vec::new(),
        untrained: Vec::new(),
    };
    let mut usages = Vec::new();
    for (bin, exe) in exes {
        let optimized = match profiles.get(bin) {
            Some(files) => {
                let (optimized, used, notes) = or_failed!(b.lay_out(bin, exe, files));
                usages.extend(used);
                out.notes.extend(notes);
                optimized
            }
            None => {
                out.untrained.push(bin.clone());
                exe.clone()
            }
        };
        let (binary, unstripped) = or_failed!(b.strip(&optimized, strip, &mut usages));
        out.binaries.insert(bin.clone(), binary);
        if let Some(u) = unstripped {
            out.unstripped.insert(bin.clone(), u);
        }
    }
    b.stages.push(stage(StageName::BoltOptimize, &usages));
    out.stages = b.stages;
    Ok(Ok(out))
}

/// llvm-bolt's output: the binary, its usages, llvm-bolt's notes.
type LaidOut = (PathBuf, Vec<Usage>, Vec<String>);

/// Each binary's profiles, by binary target (those the training ran).
type Profiles = BTreeMap<String, Vec<PathBuf>>;

/// One configuration's BOLT run: its tools, its directory, its stages.
struct Bolting<'a> {
    plan: &'a MeasurePlan,
    config: &'a Planned,
    tools: &'a Tools,
    dir: PathBuf,
    /// Where the instrumented binaries write their profiles, each in a
    /// directory of its own.
    fdata: PathBuf,
    stages: Vec<Stage>,
    /// The copies BOLT works on of binaries with over-long names, by
    /// binary target (`names.rs`).
    shortened: BTreeMap<String, names::Shortened>,
}

impl Bolting<'_> {
    /// `llvm-bolt -instrument`: the instrumented copy of each of `exes`.
    fn instrument(&mut self, exes: &BTreeMap<String, PathBuf>) -> Result<Result<Binaries, Failed>> {
        let mut instrumented = Binaries::default();
        let mut usages = Vec::new();
        for (bin, exe) in exes {
            let fdata = self.fdata.join(bin);
            std::fs::create_dir_all(&fdata)
                .with_context(|| format!("creating {}", fdata.display()))?;
            let input = match names::shorten(&self.tools.objcopy, exe, &self.dir, &mut usages)? {
                Ok(Some(shortened)) => {
                    let copy = shortened.copy.clone();
                    self.shortened.insert(bin.clone(), shortened);
                    copy
                }
                Ok(None) => exe.clone(),
                Err(failed) => {
                    self.stages.push(stage(StageName::BoltInstrument, &usages));
                    return fail(&mut self.stages, Failure::RenameSymbols, failed);
                }
            };
            let name = exe.file_name().unwrap_or_default().to_string_lossy();
            let copy = self.dir.join(format!("{name}.instrumented"));
            let (usage, failed) = run_tool(
                Command::new(&self.tools.bolt)
                    .arg(&input)
                    .arg("-instrument")
                    .arg(format!(
                        "--instrumentation-file={}",
                        fdata.join("prof.fdata").display()
                    ))
                    .arg("--instrumentation-file-append-pid")
                    .arg("-o")
                    .arg(&copy),
                "llvm-bolt -instrument",
            )?;
            usages.push(usage);
            if failed.is_some() {
                self.stages.push(stage(StageName::BoltInstrument, &usages));
                return fail(&mut self.stages, Failure::BoltInstrument, failed);
            }
            instrumented.paths.insert(bin.clone(), copy);
        }
        self.stages.push(stage(StageName::BoltInstrument, &usages));
        Ok(Ok(instrumented))
    }

    /// The training runs with the instrumented copies: each binary's
    /// profiles (a binary the training never ran has none).
    fn train(&mut self, instrumented: &Binaries) -> Result<Result<Profiles, Failed>> {
        let (mut training, failed) = pgo::run_training(
            self.plan,
            self.config,
            instrumented,
            StageName::BoltTraining,
        )?;
        if let Some((name, code, stderr_tail)) = failed {
            self.stages.push(training);
            let failure = Failure::TrainingRun {
                workload: name,
                exit_code: code,
                bolt: true,
            };
            return fail(&mut self.stages, failure, Some((code, stderr_tail)));
        }
        let mut profiles = Profiles::new();
        let (mut count, mut bytes) = (0, 0);
        for bin in instrumented.paths.keys() {
            let (files, size) = pgo::profile_files(&self.fdata.join(bin), "fdata")?;
            count += files.len();
            bytes += size;
            if !files.is_empty() {
                profiles.insert(bin.clone(), files);
            }
        }
        training.profiles = Some((count, bytes));
        self.stages.push(training);
        if profiles.is_empty() {
            let message = Failure::NoProfile { bolt: true };
            return fail(&mut self.stages, message, None);
        }
        Ok(Ok(profiles))
    }

    /// `merge-fdata`, then `llvm-bolt` lays binary `bin` (`exe`) out by
    /// its profiles: the optimized binary, its usages, and llvm-bolt's
    /// notes.
    fn lay_out(
        &mut self,
        bin: &str,
        exe: &Path,
        profiles: &[PathBuf],
    ) -> Result<Result<LaidOut, Failed>> {
        let merged = self.dir.join(format!("{bin}.merged.fdata"));
        let out = std::fs::File::create(&merged)
            .with_context(|| format!("creating {}", merged.display()))?;
        let merge = Command::new(&self.tools.merge_fdata)
            .args(profiles)
            .stdout(out)
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("running {}", self.tools.merge_fdata.display()))?;
        if !merge.status.success() {
            let tail = String::from_utf8_lossy(&merge.stderr).trim().to_string();
            let code = merge.status.code().unwrap_or(-1);
            return fail(&mut self.stages, Failure::MergeFdata, Some((code, tail)));
        }
        let optimized = self.dir.join(exe.file_name().unwrap_or_default());
        let shortened = self.shortened.get(bin).cloned();
        let input = shortened.as_ref().map_or(exe, |s| s.copy.as_path());
        let (usage, failed, output) = run_tool_output(
            Command::new(&self.tools.bolt)
                .arg(input)
                .arg(format!("-data={}", merged.display()))
                .args(OPTIMIZE)
                .arg("-o")
                .arg(&optimized),
            "llvm-bolt",
        )?;
        if failed.is_some() {
            self.stages.push(stage(StageName::BoltOptimize, &[usage]));
            return fail(&mut self.stages, Failure::BoltOptimize, failed);
        }
        let mut usages = vec![usage];
        let Some(shortened) = shortened else {
            return Ok(Ok((optimized, usages, bolt_notes(&output))));
        };
        // the long names back, before anything else reads the binary
        let named = self
            .dir
            .join("named")
            .join(exe.file_name().unwrap_or_default());
        std::fs::create_dir_all(named.parent().unwrap_or(&self.dir))?;
        let failed = names::restore(
            &self.tools.objcopy,
            &shortened,
            &optimized,
            &named,
            &mut usages,
        )?;
        if failed.is_some() {
            self.stages.push(stage(StageName::BoltOptimize, &usages));
            return fail(&mut self.stages, Failure::RenameSymbols, failed);
        }
        Ok(Ok((named, usages, bolt_notes(&output))))
    }

    /// BOLT's output stripped as the profile says, by llvm-strip: the
    /// binary measured, and the unstripped copy kept for inspect when
    /// stripping removed its symbols.
    fn strip(
        &mut self,
        optimized: &Path,
        strip: Strip,
        usages: &mut Vec<Usage>,
    ) -> Result<Result<(PathBuf, Option<PathBuf>), Failed>> {
        let flag = match strip {
            Strip::None => return Ok(Ok((optimized.to_path_buf(), None))),
            Strip::Debuginfo => "--strip-debug",
            Strip::Symbols => "--strip-all",
        };
        let stripped = self
            .dir
            .join("stripped")
            .join(optimized.file_name().unwrap_or_default());
        std::fs::create_dir_all(stripped.parent().unwrap_or(&self.dir))?;
        let (usage, failed) = run_tool(
            Command::new(&self.tools.strip)
                .arg(flag)
                .arg(optimized)
                .arg("-o")
                .arg(&stripped),
            "llvm-strip",
        )?;
        usages.push(usage);
        if failed.is_some() {
            self.stages.push(stage(StageName::BoltOptimize, usages));
            return fail(&mut self.stages, Failure::Strip, failed);
        }
        let unstripped = (strip == Strip::Symbols).then(|| optimized.to_path_buf());
        Ok(Ok((stripped, unstripped)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_use_old_text_is_worth_a_note_and_nothing_else_is() {
        let output = "BOLT-INFO: Target architecture: x86_64\nBOLT-WARNING: Failed to analyze 36 relocations\nBOLT-WARNING: --use-old-text failed. The original .text too small to fit the new code using 0x1000 alignment. 265679 bytes needed, have 265219 bytes available.\n";
        let notes = bolt_notes(output);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("--use-old-text failed"), "{notes:?}");
        assert!(notes[0].contains("265679 bytes needed"), "{notes:?}");
        assert!(bolt_notes("BOLT-INFO: all good\n").is_empty());
    }
}
