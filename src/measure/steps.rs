//! The steps of measuring one configuration — the clean build, the binary,
//! the rebuild of the binary crate — and how each step's raw result becomes
//! the document's figures. The conversions are pure functions, tested here
//! without cargo.

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
    /// The binary, when the build succeeded.
    pub executable: Option<PathBuf>,
    /// For the document's notes: why a figure is missing.
    pub note: Option<Note>,
}

/// Turns the clean build `run` of configuration `config` into figures.
pub fn record_clean(run: &BuildRun, config: &str, bin: &str, warm: bool) -> Clean {
    let (mut status, exit_code) = status_of(run.outcome);
    let link = link_step(&run.units, bin);
    let mut stderr_tail = (status != Status::Ok).then(|| run.stderr_tail.clone());
    if status == Status::Ok && run.executable.is_none() {
        status = Status::Failed;
        stderr_tail = Some(format!(
            "cargo succeeded but reported no executable for bin `{bin}`"
        ));
    }
    let why = match (status, &link) {
        (Status::Ok, None) if !run.wrapper_log_written && warm => Some(NoLinkStep::NothingChanged),
        (Status::Ok, None) if !run.wrapper_log_written => Some(NoLinkStep::NoWrapperLog),
        (Status::Ok, None) => Some(NoLinkStep::NotRecompiled {
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
        executable: run.executable.clone().filter(|_| status == Status::Ok),
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
pub fn record_rebuild(build: &mut Build, run: &BuildRun, bin: &str) -> Option<Status> {
    if run.outcome.success() {
        build.rebuild_wall_s = Some(run.usage.wall_s);
        build.rebuild_cpu_s = Some(run.usage.cpu_s);
        build.rebuild_contention = run.usage.load.map(|l| l.contention());
        build.rebuild_link = link_step(&run.units, bin);
        if build.rebuild_link.is_none() {
            build.rebuild_error = Some(
                "cargo did not recompile the binary crate after its fingerprint was removed".into(),
            );
        }
        return None;
    }
    let (status, _) = status_of(run.outcome);
    build.rebuild_error = Some(format!("rebuild {status:?}: {}", run.stderr_tail));
    (status == Status::Interrupted).then_some(Status::Interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::Usage;

    fn unit(name: &str, types: &[&str], wall_s: f64) -> UnitRecord {
        UnitRecord {
            crate_name: name.into(),
            crate_types: types.iter().map(|t| t.to_string()).collect(),
            package: Some(name.into()),
            version: Some("0.1.0".into()),
            test: false,
            exit_code: 0,
            started_unix_s: 0.0,
            usage: Usage {
                wall_s,
                cpu_s: wall_s,
                peak_rss_bytes: 1 << 20,
                load: None,
            },
        }
    }

    fn run(outcome: Outcome, units: Vec<UnitRecord>, exe: bool) -> BuildRun {
        BuildRun {
            outcome,
            usage: Usage {
                wall_s: 3.0,
                cpu_s: 5.0,
                peak_rss_bytes: 100 << 20,
                load: None,
            },
            artifacts: units.len(),
            executable: exe.then(|| PathBuf::from("/t/app")),
            stderr_tail: "error: boom".into(),
            missing_profile: Vec::new(),
            wrapper_log_written: !units.is_empty(),
            units,
        }
    }

    #[test]
    fn a_clean_build_with_its_link_step() {
        let units = vec![unit("dep", &["lib"], 1.0), unit("my_app", &["bin"], 2.0)];
        let c = record_clean(
            &run(Outcome::Exited(0), units, true),
            "fat",
            "my-app",
            false,
        );
        assert_eq!(c.status, Status::Ok);
        assert_eq!(
            c.build.link.unwrap().wall_s,
            2.0,
            "the bin crate, `-` as `_`"
        );
        assert_eq!(c.build.units.len(), 2);
        assert_eq!(c.executable.as_deref(), Some(Path::new("/t/app")));
        assert_eq!((c.note, c.stderr_tail), (None, None));
    }

    #[test]
    fn failures_keep_their_code_and_stderr() {
        let c = record_clean(&run(Outcome::Exited(101), vec![], false), "x", "app", false);
        assert_eq!((c.status, c.exit_code), (Status::Failed, Some(101)));
        assert_eq!(c.stderr_tail.as_deref(), Some("error: boom"));
        let c = record_clean(
            &run(Outcome::Signalled(9), vec![], false),
            "x",
            "app",
            false,
        );
        assert_eq!(c.exit_code, Some(-9));
        let c = record_clean(&run(Outcome::TimedOut, vec![], false), "x", "app", false);
        assert_eq!(c.status, Status::Timeout);
        // cargo said ok but named no binary: a failure, said why
        let c = record_clean(
            &run(Outcome::Exited(0), vec![unit("app", &["bin"], 1.0)], false),
            "x",
            "app",
            false,
        );
        assert_eq!(c.status, Status::Failed);
        assert!(c.stderr_tail.unwrap().contains("no executable"));
    }

    #[test]
    fn a_missing_link_step_is_explained() {
        // was: `?` in the link columns and nothing saying why
        let c = record_clean(&run(Outcome::Exited(0), vec![], true), "fat", "app", true);
        assert!(c.build.link.is_none());
        let note = c.note.unwrap().text;
        assert!(
            note.contains("`fat`") && note.contains("--warm") && note.contains("`?`"),
            "{note}"
        );
        let c = record_clean(&run(Outcome::Exited(0), vec![], true), "fat", "app", false);
        assert!(c.note.unwrap().text.contains("left no log"));
        let deps_only = vec![unit("dep", &["lib"], 1.0)];
        let c = record_clean(
            &run(Outcome::Exited(0), deps_only, true),
            "fat",
            "app",
            false,
        );
        assert!(c.note.unwrap().text.contains("did not recompile `app`"));
    }

    fn sampled(wall_s: f64, contention: f64) -> BuildSample {
        BuildSample {
            started_unix_s: 0.0,
            wall_s,
            cpu_s: wall_s * 2.0,
            peak_rss_bytes: (wall_s * 100.0) as u64,
            contention: Some(contention),
            busy: contention > BUSY,
        }
    }

    #[test]
    fn repeated_builds_are_the_median_of_the_quiet_ones() {
        let mut b = record_clean(&run(Outcome::Exited(0), vec![], true), "x", "app", false).build;
        aggregate(&mut b);
        assert_eq!(b.wall_s, 3.0, "no samples: the figures stay");
        b.samples = vec![
            sampled(10.0, 0.01),
            sampled(30.0, 0.5),
            sampled(12.0, 0.02),
            sampled(11.0, 0.0),
        ];
        aggregate(&mut b);
        // the busy 30 s is left out
        assert_eq!((b.wall_s, b.cpu_s, b.peak_rss_bytes), (11.0, 22.0, 1100));
        assert_eq!(b.wall_s_ci, Some([10.0, 12.0]));
        assert_eq!(b.wall_s_ci_level, Some(0.75));
        assert_eq!(b.contention, Some(0.01));
        assert!(!b.busy);
        // every one busy: all of them, and busy
        b.samples = vec![sampled(10.0, 0.3), sampled(20.0, 0.4)];
        aggregate(&mut b);
        assert_eq!((b.wall_s, b.busy), (15.0, true));
        // one: that one, no interval
        b.samples = vec![sampled(7.0, 0.0)];
        aggregate(&mut b);
        assert_eq!((b.wall_s, b.wall_s_ci, b.busy), (7.0, None, false));
    }

    #[test]
    fn rebuilds() {
        let mut b = record_clean(&run(Outcome::Exited(0), vec![], true), "x", "app", false).build;
        let again = run(Outcome::Exited(0), vec![unit("app", &["bin"], 0.5)], true);
        assert_eq!(record_rebuild(&mut b, &again, "app"), None);
        assert_eq!(b.rebuild_wall_s, Some(3.0));
        assert_eq!(b.rebuild_link.unwrap().wall_s, 0.5);
        assert!(b.rebuild_error.is_none());

        let mut b2 = b.clone();
        record_rebuild(&mut b2, &run(Outcome::Exited(0), vec![], true), "app");
        assert!(b2.rebuild_error.unwrap().contains("did not recompile"));
        let mut b3 = b.clone();
        let stopped = run(Outcome::Interrupted, vec![], false);
        assert_eq!(
            record_rebuild(&mut b3, &stopped, "app"),
            Some(Status::Interrupted)
        );
        assert!(b3.rebuild_error.unwrap().starts_with("rebuild Interrupted"));
    }

    #[test]
    fn only_the_bin_units_fingerprints_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let unit = |rel: &str, file: &str| {
            let d = dir.path().join(rel);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(file), "x").unwrap();
            d
        };
        let bin = unit("lto-fat/.fingerprint/app-1", "bin-app");
        let lib = unit("lto-fat/.fingerprint/app-2", "lib-app");
        let script = unit(
            "lto-fat/.fingerprint/app-3",
            "build-script-build-script-build",
        );
        let cross = unit(
            "x86_64-unknown-linux-gnu/lto-fat/.fingerprint/app-4",
            "bin-app",
        );
        let other = unit("lto-fat/.fingerprint/app-5", "bin-application");
        assert_eq!(invalidate_bin(dir.path(), "app").unwrap(), 2);
        assert!(!bin.exists() && !cross.exists());
        assert!(lib.exists() && script.exists() && other.exists());
        assert_eq!(
            invalidate_bin(&dir.path().join("absent"), "app").unwrap(),
            0
        );
    }
}
