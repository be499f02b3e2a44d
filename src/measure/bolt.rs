//! BOLT over a configuration's linked binary (`bolt = "on"`), without
//! `perf`: the build keeps its relocations (`-Wl,--emit-relocs`, and so no
//! stripping by the linker: `--strip-all` and `--emit-relocs` may not be
//! used together), `llvm-bolt -instrument` makes an instrumented copy, the
//! training runs it, `merge-fdata` merges its profiles, `llvm-bolt`
//! lays the code out by them, and `llvm-strip` strips the result as the
//! profile says.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use super::MeasurePlan;
use super::builder::tool_dir;
use super::pgo::{self, Failed, stage};
use super::steps;
use crate::process::{Usage, Wait, read_all, run_piped};
use crate::profile::Configuration;
use crate::profile::values::Strip;
use crate::progress::ConfigBar;
use crate::results::pipeline::Stage;

/// The tools, found by `validate`.
#[derive(Debug, Clone)]
pub struct Tools {
    pub bolt: PathBuf,
    pub merge_fdata: PathBuf,
    pub strip: PathBuf,
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

/// A BOLT-optimized binary, stripped as the profile says.
pub struct Optimized {
    /// The binary measured (stripped when the profile strips).
    pub binary: PathBuf,
    /// The same, unstripped, when stripping removed its symbols: inspect
    /// reads them there.
    pub unstripped: Option<PathBuf>,
    pub stages: Vec<Stage>,
    /// What the user should know of how llvm-bolt went (its own words).
    pub notes: Vec<String>,
}

/// llvm-bolt's warnings worth a note: the new code did not fit where the
/// old was, so the original code stays in the file beside it.
fn bolt_notes(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("BOLT-WARNING: "))
        .filter(|l| l.starts_with("--use-old-text failed"))
        .map(|l| {
            format!(
                "llvm-bolt could not lay the new code in the original's place, so the original code stays in the file beside it (llvm-bolt: \"{}\")",
                l.trim()
            )
        })
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
fn fail(
    stages: &mut Vec<Stage>,
    message: String,
    failed: Option<(i32, String)>,
) -> Result<Result<Optimized, Failed>> {
    let (exit_code, stderr_tail) = failed.map_or((None, None), |(c, t)| (Some(c), Some(t)));
    Ok(Err(Failed {
        message,
        exit_code,
        stderr_tail,
        stages: std::mem::take(stages),
    }))
}

/// Instruments `exe` (linked with its relocations), trains the copy with
/// the plan's training runs, and optimizes `exe` by the profile; then
/// strips it as `strip` says. `Ok(Err)`: a stage failed, and the
/// configuration with it.
pub fn optimize(
    plan: &MeasurePlan,
    config: &Configuration,
    exe: &Path,
    tools: &Tools,
    strip: Strip,
    bar: &ConfigBar,
) -> Result<Result<Optimized, Failed>> {
    let dir = tool_dir(&plan.project).join("bolt").join(&config.name);
    let fdata = dir.join("fdata");
    steps::prepare_dir(&dir, false)?;
    std::fs::create_dir_all(&fdata).with_context(|| format!("creating {}", fdata.display()))?;
    let name = exe.file_name().unwrap_or_default();
    let mut stages = Vec::new();

    bar.phase("instrumenting (bolt)");
    let instrumented = dir.join(format!("{}.instrumented", name.to_string_lossy()));
    let (usage, failed) = run_tool(
        Command::new(&tools.bolt)
            .arg(exe)
            .arg("-instrument")
            .arg(format!(
                "--instrumentation-file={}",
                fdata.join("prof.fdata").display()
            ))
            .arg("--instrumentation-file-append-pid")
            .arg("-o")
            .arg(&instrumented),
        "llvm-bolt -instrument",
    )?;
    stages.push(stage("bolt-instrument", &[usage]));
    if failed.is_some() {
        return fail(
            &mut stages,
            "llvm-bolt could not instrument its binary".into(),
            failed,
        );
    }

    bar.phase("training (bolt)");
    let (mut training, failed) = pgo::run_training(plan, config, &instrumented, "bolt-training")?;
    if let Some((name, code, stderr_tail)) = failed {
        stages.push(training);
        let message = format!(
            "its training run of `{name}` with the BOLT-instrumented binary failed (exit {code})"
        );
        return fail(&mut stages, message, Some((code, stderr_tail)));
    }
    let (files, bytes) = pgo::profile_files(&fdata, "fdata")?;
    training.profiles = Some((files.len(), bytes));
    stages.push(training);
    if files.is_empty() {
        let message = "its BOLT training wrote no profile: the instrumented binary writes one when it exits normally, not when it is killed; or the training never ran the binary ({bin})".to_string();
        return fail(&mut stages, message, None);
    }

    bar.phase("optimizing (bolt)");
    let merged = dir.join("merged.fdata");
    let out =
        std::fs::File::create(&merged).with_context(|| format!("creating {}", merged.display()))?;
    let merge = Command::new(&tools.merge_fdata)
        .args(&files)
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {}", tools.merge_fdata.display()))?;
    if !merge.status.success() {
        let tail = String::from_utf8_lossy(&merge.stderr).trim().to_string();
        let code = merge.status.code().unwrap_or(-1);
        return fail(
            &mut stages,
            "merge-fdata could not merge its BOLT profiles".into(),
            Some((code, tail)),
        );
    }
    let optimized = dir.join(name);
    let (usage, failed, output) = run_tool_output(
        Command::new(&tools.bolt)
            .arg(exe)
            .arg(format!("-data={}", merged.display()))
            .args(OPTIMIZE)
            .arg("-o")
            .arg(&optimized),
        "llvm-bolt",
    )?;
    let notes = bolt_notes(&output);
    let mut usages = vec![usage];
    if failed.is_some() {
        stages.push(stage("bolt-optimize", &usages));
        return fail(
            &mut stages,
            "llvm-bolt could not optimize its binary".into(),
            failed,
        );
    }
    // stripped as the profile says, by llvm-strip; the unstripped copy is
    // kept for inspect
    let flag = match strip {
        Strip::None => None,
        Strip::Debuginfo => Some("--strip-debug"),
        Strip::Symbols => Some("--strip-all"),
    };
    let mut unstripped = None;
    let binary = match flag {
        None => optimized,
        Some(flag) => {
            let stripped = dir.join("stripped").join(name);
            std::fs::create_dir_all(stripped.parent().unwrap_or(&dir))?;
            let (usage, failed) = run_tool(
                Command::new(&tools.strip)
                    .arg(flag)
                    .arg(&optimized)
                    .arg("-o")
                    .arg(&stripped),
                "llvm-strip",
            )?;
            usages.push(usage);
            if failed.is_some() {
                stages.push(stage("bolt-optimize", &usages));
                return fail(
                    &mut stages,
                    "llvm-strip could not strip its BOLT output".into(),
                    failed,
                );
            }
            if strip == Strip::Symbols {
                unstripped = Some(optimized);
            }
            stripped
        }
    };
    stages.push(stage("bolt-optimize", &usages));
    Ok(Ok(Optimized {
        binary,
        unstripped,
        stages,
        notes,
    }))
}

/// True for a configuration that BOLT optimizes.
pub fn is_bolt(config: &Configuration) -> bool {
    config.settings.step_on(crate::profile::Key::Bolt)
}

/// How `config` strips, resolved over `base` (BOLT strips after it is done).
pub fn profile_strip(config: &Configuration, base: &crate::profile::resolve::Resolved) -> Strip {
    use crate::profile::{Key, Value};
    let effective = crate::profile::resolve::with_overrides(base, &config.settings);
    match effective.get(&Key::Strip).map(|v| &v.value) {
        Some(Value::Strip(s)) => *s,
        _ => Strip::None,
    }
}

/// The configuration cargo builds for `config`: with `bolt = "on"`, not
/// stripped by the linker (which cannot strip and keep relocations); BOLT's
/// output is stripped afterwards as `config` says. Its rustflags get
/// [`EMIT_RELOCS`].
pub fn build_config(config: &Configuration) -> (Configuration, Vec<String>) {
    use crate::profile::{Key, Value};
    if !is_bolt(config) {
        return (config.clone(), Vec::new());
    }
    let mut built = config.clone();
    built.settings.insert(Key::Strip, Value::Strip(Strip::None));
    (built, vec![EMIT_RELOCS.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_use_old_text_is_worth_a_note_and_nothing_else_is() {
        let output = "BOLT-INFO: Target architecture: x86_64\nBOLT-WARNING: Failed to analyze 36 relocations\nBOLT-WARNING: --use-old-text failed. The original .text too small to fit the new code using 0x1000 alignment. 265679 bytes needed, have 265219 bytes available.\n";
        let notes = bolt_notes(output);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("llvm-bolt could not lay the new code in the original's place")
        );
        assert!(notes[0].contains("265679 bytes needed"), "{notes:?}");
        assert!(bolt_notes("BOLT-INFO: all good\n").is_empty());
    }
}
