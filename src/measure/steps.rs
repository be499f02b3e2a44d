//! The steps of measuring one configuration — the clean build, the binary,
//! the rebuild of the binary crate — and how each step's raw result becomes
//! the document's figures. The conversions are pure functions, tested here
//! without cargo.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::record;
use crate::build::BuildRun;
use crate::build::wrapper::UnitRecord;
use crate::load::BUSY;
use crate::process::Outcome;
use crate::results::measure::{Build, BuildSample, Status, Step};
use crate::results::notes::{NoLinkStep, Note, NoteKind};
use crate::stats;

/// Makes cargo recompile the binary crate `bin` on the next build in
/// `target_dir` (a configuration's own build directory), as an edit to its
/// sources would: the unit's fingerprint directories (the ones holding a
/// `bin-<bin>` file) are removed. Returns how many were.
///
/// The user's files are not touched, not even their times. Bumping the
/// source file's mtime and restoring it would leave a build script that
/// prints no `rerun-if-changed` (cargo fingerprints it by the package's
/// newest file) fingerprinted with a time no file has any more, so the next
/// build would rerun it and relink the binary for nothing.
pub fn invalidate_bin(target_dir: &Path, bin: &str) -> Result<usize> {
    let marker = format!("bin-{bin}");
    let mut removed = 0;
    // <dir>/<profile>/.fingerprint, or <dir>/<triple>/<profile>/.fingerprint
    let mut fingerprint_dirs = Vec::new();
    for level1 in read_dirs(target_dir)? {
        fingerprint_dirs.push(level1.join(".fingerprint"));
        for level2 in read_dirs(&level1)? {
            fingerprint_dirs.push(level2.join(".fingerprint"));
        }
    }
    for unit in fingerprint_dirs
        .iter()
        .flat_map(|d| read_dirs(d).unwrap_or_default())
    {
        if unit.join(&marker).is_file() {
            std::fs::remove_dir_all(&unit)
                .with_context(|| format!("removing {}", unit.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The subdirectories of `dir` (none when it does not exist).
fn read_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            dirs.push(entry.path());
        }
    }
    Ok(dirs)
}

/// Empties a configuration's build directory, unless builds are warm.
pub fn prepare_dir(dir: &Path, warm: bool) -> Result<()> {
    if warm {
        return Ok(());
    }
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("emptying {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// The document's status (and exit code) for how cargo ended.
pub fn status_of(outcome: Outcome) -> (Status, Option<i32>) {
    match outcome {
        Outcome::Exited(0) => (Status::Ok, None),
        Outcome::Exited(_) | Outcome::Signalled(_) => (Status::Failed, Some(outcome.exit_code())),
        Outcome::TimedOut => (Status::Timeout, None),
        Outcome::Interrupted => (Status::Interrupted, None),
    }
}

/// The final binary crate's rustc invocation: its compile, LTO and link.
pub fn link_step(records: &[UnitRecord], bin: &str) -> Option<Step> {
    let crate_name = bin.replace('-', "_");
    records
        .iter()
        .rev()
        .find(|r| r.crate_name == crate_name && !r.test && r.crate_types.iter().any(|t| t == "bin"))
        .map(|r| record::step(&r.usage))
}

/// The link steps of `bins`: with several, each one's by name, and the
/// largest of each figure (None when one of them has none); the first
/// binary without one.
pub fn link_steps<'b>(
    records: &[UnitRecord],
    bins: &[&'b str],
) -> (Option<Step>, BTreeMap<String, Step>, Option<&'b str>) {
    let mut each = BTreeMap::new();
    let mut missing = None;
    for bin in bins {
        match link_step(records, bin) {
            Some(step) => {
                each.insert(bin.to_string(), step);
            }
            None => {
                missing.get_or_insert(*bin);
            }
        }
    }
    let largest = Step::largest(each.values()).filter(|_| missing.is_none());
    if bins.len() < 2 {
        each.clear();
    }
    (largest, each, missing)
}

/// What a clean build gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Clean {
    /// The configuration's status.
    pub status: Status,
    /// cargo's exit code when it failed.
    pub exit_code: Option<i32>,
    /// cargo's stderr (or why the build is unusable) when it failed.
    pub stderr_tail: Option<String>,
    pub build: Build,
    /// The binaries by binary target, when the build succeeded.
    pub executables: BTreeMap<String, PathBuf>,
    /// For the document's notes: why a figure is missing.
    pub note: Option<Note>,
}

/// Turns the clean build `run` of configuration `config`, which built
/// `bins`, into figures.
pub fn record_clean(run: &BuildRun, config: &str, bins: &[&str], warm: bool) -> Clean {
    let (mut status, exit_code) = status_of(run.outcome);
    let (link, links, unlinked) = link_steps(&run.units, bins);
    let mut stderr_tail = (status != Status::Ok).then(|| run.stderr_tail.clone());
    if status == Status::Ok
        && let Some(bin) = bins.iter().find(|b| !run.executables.contains_key(**b))
    {
        status = Status::Failed;
        stderr_tail = Some(format!(
            "cargo succeeded but reported no executable for bin `{bin}`"
        ));
    }
    let why = match (status, unlinked) {
        (Status::Ok, Some(_)) if !run.wrapper_log_written && warm => {
            Some(NoLinkStep::NothingChanged)
        }
        (Status::Ok, Some(_)) if !run.wrapper_log_written => Some(NoLinkStep::NoWrapperLog),
        (Status::Ok, Some(bin)) => Some(NoLinkStep::NotRecompiled {
            bin: bin.to_string(),
        }),
        _ => None,
    };
    let note = why.map(|why| {
        NoteKind::NoLinkStep {
            config: config.to_string(),
            why,
        }
        .into()
    });
    Clean {
        status,
        exit_code,
        stderr_tail,
        build: Build {
            wall_s: run.usage.wall_s,
            cpu_s: run.usage.cpu_s,
            peak_rss_bytes: run.usage.peak_rss_bytes,
            warm,
            units: run.units.iter().map(record::unit).collect(),
            link,
            links,
            rebuild_wall_s: None,
            rebuild_cpu_s: None,
            rebuild_link: None,
            rebuild_error: None,
            contention: run.usage.load.map(|l| l.contention()),
            steal: run.usage.load.map(|l| l.steal()),
            busy: run.usage.load.is_some_and(|l| l.contention() > BUSY),
            rebuild_contention: None,
            samples: Vec::new(),
            wall_s_ci: None,
            wall_s_ci_level: None,
            carried_from: None,
        },
        executables: if status == Status::Ok {
            run.executables.clone()
        } else {
            BTreeMap::new()
        },
        note,
    }
}

/// The clean build `run`, started at `started_unix_s`, as one sample.
pub fn sample(run: &BuildRun, started_unix_s: f64) -> BuildSample {
    let contention = run.usage.load.map(|l| l.contention());
    BuildSample {
        started_unix_s,
        wall_s: run.usage.wall_s,
        cpu_s: run.usage.cpu_s,
        peak_rss_bytes: run.usage.peak_rss_bytes,
        contention,
        busy: contention.is_some_and(|c| c > BUSY),
    }
}

/// Sets `build`'s figures from its samples: the medians of the quiet ones
/// (of all, when every one was busy), and the CI of the wall time's median
/// (`stats::median_range_ci`). Busy only when no sample was quiet. Nothing
/// changes without samples.
pub fn aggregate(build: &mut Build) {
    let used: Vec<BuildSample> = build.used_samples().into_iter().copied().collect();
    if used.is_empty() {
        return;
    }
    let of = |f: &dyn Fn(&BuildSample) -> f64| -> Vec<f64> { used.iter().map(f).collect() };
    let walls = of(&|s| s.wall_s);
    let contention: Option<Vec<f64>> = used.iter().map(|s| s.contention).collect();
    let busy = used.iter().all(|s| s.busy);
    let ci = stats::median_range_ci(&walls);
    build.wall_s = stats::median(&walls);
    build.cpu_s = stats::median(&of(&|s| s.cpu_s));
    build.peak_rss_bytes = stats::median(&of(&|s| s.peak_rss_bytes as f64)).round() as u64;
    build.contention = contention.map(|c| stats::median(&c));
    build.busy = busy;
    build.wall_s_ci = ci.map(|(ci, _)| ci);
    build.wall_s_ci_level = ci.map(|(_, level)| level);
}

/// Adds the rebuild `run` to `build`; returns `Interrupted` when Ctrl-C
/// stopped it (the configuration then ends interrupted).
pub fn record_rebuild(build: &mut Build, run: &BuildRun, bins: &[&str]) -> Option<Status> {
    if run.outcome.success() {
        build.rebuild_wall_s = Some(run.usage.wall_s);
        build.rebuild_cpu_s = Some(run.usage.cpu_s);
        build.rebuild_contention = run.usage.load.map(|l| l.contention());
        let (link, _, unlinked) = link_steps(&run.units, bins);
        build.rebuild_link = link;
        if let Some(bin) = unlinked {
            build.rebuild_error = Some(format!(
                "cargo did not recompile the binary crate of `{bin}` after its fingerprint was removed"
            ));
        }
        return None;
    }
    let (status, _) = status_of(run.outcome);
    build.rebuild_error = Some(format!("rebuild {status:?}: {}", run.stderr_tail));
    (status == Status::Interrupted).then_some(Status::Interrupted)
}

#[cfg(test)]
#[path = "steps_tests.rs"]
mod tests;
