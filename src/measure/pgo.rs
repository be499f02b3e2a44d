//! The stages before a PGO configuration's timed build: an instrumented
//! build of the same configuration (`-Cprofile-generate`), a training run
//! of each workload with it, and `llvm-profdata merge`. The timed build
//! then uses the merged profile (`-Cprofile-use`). A profile fits only the
//! configuration it was trained under (cargo's `-C metadata` feeds every
//! symbol hash and changes with every setting), so each configuration
//! trains its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::MeasurePlan;
use super::builder::{Builder, tool_dir};
use super::runtime::executor::{Executor, RealExecutor};
use super::steps;
use crate::build;
use crate::process::{Wait, read_all, run_piped};
use crate::profile::Configuration;
use crate::progress::ConfigBar;
use crate::results::measure::Counter;
use crate::results::pipeline::{Coverage, Functions, Stage};

/// A stage that failed: the configuration fails, with this first.
#[derive(Debug)]
pub struct Failed {
    /// The tool's own sentence.
    pub message: String,
    pub exit_code: Option<i32>,
    /// The failing program's last lines.
    pub stderr_tail: Option<String>,
    /// The stages run, the failed one last.
    pub stages: Vec<Stage>,
}

/// A trained profile and what producing it took.
pub struct Trained {
    /// The merged `.profdata`.
    pub profile: PathBuf,
    pub stages: Vec<Stage>,
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
pub fn profile_path(plan: &MeasurePlan, config: &Configuration) -> PathBuf {
    tool_dir(&plan.project)
        .join("pgo")
        .join(&config.name)
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

/// A training run that failed: its workload's name, exit code and stderr.
pub type FailedRun = (String, i32, String);

/// Runs the plan's training runs with `exe`, an instrumented binary, as
/// the stage `stage`; stops at the first that fails, and returns it with
/// its exit code and stderr.
pub fn run_training(
    plan: &MeasurePlan,
    config: &Configuration,
    exe: &Path,
    stage: &str,
) -> Result<(Stage, Option<FailedRun>)> {
    let mut training = Stage {
        stage: stage.into(),
        wall_s: 0.0,
        cpu_s: 0.0,
        peak_rss_bytes: 0,
        profiles: None,
        optimized_s: None,
    };
    for w in &plan.training {
        let r = RealExecutor.run(&config.name, exe, w, Counter::Time)?;
        training.wall_s += r.wall_s;
        training.cpu_s += r.cpu_s;
        training.peak_rss_bytes = training.peak_rss_bytes.max(r.peak_rss_bytes);
        if r.exit_code != 0 {
            return Ok((training, Some((w.name.clone(), r.exit_code, r.stderr_tail))));
        }
    }
    Ok((training, None))
}

/// Builds `config` instrumented, trains it with the plan's workloads and
/// merges the profile, with `profdata` (found by `validate`). `Ok(Err)`:
/// a stage failed, and the configuration with it.
pub fn train(
    plan: &MeasurePlan,
    config: &Configuration,
    (profdata, link): (&Path, &[String]),
    bar: &ConfigBar,
    echo: &(dyn Fn(&str) + Sync),
) -> Result<Result<Trained, Failed>> {
    let dir = tool_dir(&plan.project).join("pgo").join(&config.name);
    let raw = dir.join("profraw");
    steps::prepare_dir(&dir, false)?;
    std::fs::create_dir_all(&raw).with_context(|| format!("creating {}", raw.display()))?;
    let mut stages = Vec::new();

    bar.phase("building instrumented (pgo)");
    // with the configuration's own link arguments: the same build but for
    // the instrumentation
    let mut generate = vec![format!("-Cprofile-generate={}", raw.display())];
    generate.extend(link.iter().cloned());
    let gen_dir = format!("{}.pgo-instrumented", config.name);
    let builder = Builder::with_flags(plan, config, &gen_dir, &generate);
    steps::prepare_dir(&builder.target_dir, false)?;
    let run = build::run(
        &builder.invocation("pgo-instrumented"),
        &|k| bar.units(k),
        echo,
    )?;
    stages.push(Stage {
        stage: "instrumented-build".into(),
        wall_s: run.usage.wall_s,
        cpu_s: run.usage.cpu_s,
        peak_rss_bytes: run.usage.peak_rss_bytes,
        profiles: None,
        optimized_s: None,
    });
    let Some(exe) = run.executable.filter(|_| run.outcome.success()) else {
        return Ok(Err(Failed {
            message: "its instrumented build (-Cprofile-generate) failed".into(),
            exit_code: Some(run.outcome.exit_code()),
            stderr_tail: Some(run.stderr_tail),
            stages,
        }));
    };
    // build scripts and proc macros are not instrumented (--target), so
    // anything here came from the training
    let (before, _) = profile_files(&raw, "profraw")?;
    anyhow::ensure!(
        before.is_empty(),
        "{} holds profiles before the training",
        raw.display()
    );

    bar.phase("training (pgo)");
    let (mut training, failed) = run_training(plan, config, &exe, "training")?;
    if let Some((name, code, stderr_tail)) = failed {
        stages.push(training);
        return Ok(Err(Failed {
            message: format!(
                "its training run of `{name}` with the instrumented binary failed (exit {code})"
            ),
            exit_code: Some(code),
            stderr_tail: Some(stderr_tail),
            stages,
        }));
    }
    let (files, bytes) = profile_files(&raw, "profraw")?;
    training.profiles = Some((files.len(), bytes));
    stages.push(training);
    if files.is_empty() {
        return Ok(Err(Failed {
            message: "its training wrote no profile: the instrumented binary writes one when it exits normally, calls process::exit or unwinds from a panic, not when it aborts (panic = \"abort\", abort()) or is killed; or the workloads never ran the binary ({bin})".into(),
            exit_code: None,
            stderr_tail: None,
            stages,
        }));
    }

    bar.phase("merging the profile (pgo)");
    let merged = profile_path(plan, config);
    let mut cmd = Command::new(profdata);
    cmd.arg("merge").arg("-o").arg(&merged).args(&files);
    let done = run_piped(&mut cmd, Wait::Blocking, read_all, read_all)
        .with_context(|| format!("running {}", profdata.display()))?;
    stages.push(Stage {
        stage: "merge".into(),
        wall_s: done.usage.wall_s,
        cpu_s: done.usage.cpu_s,
        peak_rss_bytes: done.usage.peak_rss_bytes,
        profiles: None,
        optimized_s: None,
    });
    if !done.outcome.success() || !merged.is_file() {
        return Ok(Err(Failed {
            message: format!(
                "{} could not merge its training's profiles",
                profdata.display()
            ),
            exit_code: Some(done.outcome.exit_code()),
            stderr_tail: Some(String::from_utf8_lossy(&done.stderr).trim().to_string()),
            stages,
        }));
    }
    Ok(Ok(Trained {
        profile: merged,
        stages,
    }))
}

/// The training runs' wall seconds with `exe`, the configuration's final
/// binary, once each; None when one fails.
pub fn optimized_training_s(plan: &MeasurePlan, config: &Configuration, exe: &Path) -> Option<f64> {
    let mut total = 0.0;
    for w in &plan.training {
        let r = RealExecutor.run(&config.name, exe, w, Counter::Time).ok()?;
        if r.exit_code != 0 {
            return None;
        }
        total += r.wall_s;
    }
    Some(total)
}

/// The functions a profile has data for, from `llvm-profdata show
/// --all-functions --counts`: each name (mangled; a local function's is
/// prefixed `<module>;`) and whether the training ran it.
pub fn profile_functions(show: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for line in show.lines() {
        if let Some(name) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' '))
            .and_then(|l| l.strip_suffix(':'))
        {
            let name = name.rsplit(';').next().unwrap_or(name);
            out.push((name.to_string(), false));
        } else if let Some(counts) = line.trim_start().strip_prefix("Block counts: ")
            && let Some(last) = out.last_mut()
        {
            last.1 = counts
                .trim_matches(['[', ']'])
                .split(',')
                .any(|c| c.trim().parse::<u64>().is_ok_and(|n| n > 0));
        }
    }
    out
}

/// The profile's coverage of the build: functions with data (from the
/// profile) and without (`missing`, from the profile-use build's
/// warnings), for the workspace's crates (`members`) and for all.
pub fn coverage(functions: &[(String, bool)], missing: &[String], members: &[String]) -> Coverage {
    use std::collections::BTreeMap;
    let ours = |mangled: &str| {
        let (_, krate) = crate::inspect::attribution::crate_of_symbol(mangled, true);
        members.contains(&krate)
    };
    let mut with: BTreeMap<&str, bool> = BTreeMap::new();
    for (name, ran) in functions {
        *with.entry(name.as_str()).or_default() |= ran;
    }
    let without: std::collections::BTreeSet<&str> = missing.iter().map(String::as_str).collect();
    let mut c = Coverage {
        workspace: Functions::default(),
        all: Functions::default(),
    };
    // a function the build warned about has no usable data, whatever
    // the profile holds under its name (a hash mismatch)
    for (name, ran) in with.into_iter().filter(|(n, _)| !without.contains(n)) {
        let mine = ours(name);
        for f in std::iter::once(&mut c.all).chain(mine.then_some(&mut c.workspace)) {
            f.with_data += 1;
            f.executed += usize::from(ran);
        }
    }
    for name in without {
        c.all.without_data += 1;
        c.workspace.without_data += usize::from(ours(name));
    }
    c
}

/// Reads `profile`'s functions with `profdata` and sets `result`'s
/// coverage from them and the profile-use build's `missing` warnings; a
/// note says what it is, and warns when it is too low to fit.
pub fn record_coverage(
    plan: &MeasurePlan,
    (profdata, profile): (&Path, &Path),
    missing: &[String],
    result: &mut crate::results::measure::Configuration,
    notes: &mut Vec<String>,
) -> Result<()> {
    let mut cmd = Command::new(profdata);
    cmd.args(["show", "--all-functions", "--counts"])
        .arg(profile);
    let done = run_piped(&mut cmd, Wait::Blocking, read_all, read_all)
        .with_context(|| format!("running {}", profdata.display()))?;
    if !done.outcome.success() {
        notes.push(format!(
            "`{}`: the profile's coverage is unknown: {} show failed: {}",
            result.name,
            profdata.display(),
            String::from_utf8_lossy(&done.stderr).trim()
        ));
        return Ok(());
    }
    let functions = profile_functions(&String::from_utf8_lossy(&done.stdout));
    let c = coverage(&functions, missing, &plan.project.member_crates);
    notes.extend(coverage_note(&result.name, &c));
    result.pgo_coverage = Some(c);
    Ok(())
}

/// Below this share of the workspace's functions with profile data, the
/// profile does not fit the build.
pub const LOW_COVERAGE: f64 = 0.5;

/// What the coverage says: the figures, and a LOW COVERAGE warning with
/// its likely cause when the profile does not fit.
pub fn coverage_note(name: &str, c: &Coverage) -> Option<String> {
    let w = &c.workspace;
    let share = w.share()?;
    let figures = format!(
        "the profile covers {:.0}% of your crates' functions: {} with profile data ({} of them run by the training), {} compiled without",
        share * 100.0,
        w.with_data,
        w.executed,
        w.without_data
    );
    Some(if share < LOW_COVERAGE {
        format!(
            "LOW COVERAGE: `{name}`: {figures}. The profile does not fit this build: the instrumented build compiled other code under the same names. Likely causes: a build script or macro that generates different code on each build (from a timestamp, a random seed), or flags or environment that differ between the two builds. PGO gains little here"
        )
    } else {
        format!("`{name}`: {figures}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOW: &str = "Counters:
  _ZN3app4main17h0000000000000001E:
    Hash: 0x0209aa3e1d398548
    Counters: 2
    Block counts: [0, 15]
  app.1f-cgu.2;_ZN3app4cold17h0000000000000002E:
    Hash: 0x0a4d0ad3efffffff
    Counters: 1
    Block counts: [0]
  _ZN4core3ptr13drop_in_place17h0000000000000003E:
    Hash: 0x0ae15a43ac976867
    Counters: 1
    Block counts: [7]
  _ZN3app7changed17h0000000000000004E:
    Hash: 0x0ae15a43ac976867
    Counters: 1
    Block counts: [7]
Instrumentation level: IR  entry_first = 0
Functions shown: 4
";

    #[test]
    fn the_profiles_functions_and_whether_the_training_ran_them() {
        assert_eq!(
            profile_functions(SHOW),
            [
                ("_ZN3app4main17h0000000000000001E".to_string(), true),
                ("_ZN3app4cold17h0000000000000002E".to_string(), false),
                (
                    "_ZN4core3ptr13drop_in_place17h0000000000000003E".to_string(),
                    true
                ),
                ("_ZN3app7changed17h0000000000000004E".to_string(), true),
            ]
        );
    }

    #[test]
    fn coverage_counts_the_workspaces_functions_and_a_mismatch_as_without_data() {
        let missing = [
            // the profile has it, but for other code (a hash mismatch)
            "_ZN3app7changed17h0000000000000004E".to_string(),
            "_ZN3app3new17h0000000000000005E".to_string(),
            "_ZN4core3fmt5write17h0000000000000006E".to_string(),
        ];
        let c = coverage(&profile_functions(SHOW), &missing, &["app".to_string()]);
        let f = |with_data, executed, without_data| Functions {
            with_data,
            executed,
            without_data,
        };
        assert_eq!(c.workspace, f(2, 1, 2));
        assert_eq!(c.all, f(3, 2, 3));
        let note = coverage_note("p", &c).unwrap();
        assert!(note.starts_with("`p`: the profile covers 50% of your crates' functions: 2 with profile data (1 of them run by the training), 2 compiled without"), "{note}");
        // one more without data: below half, the warning with its causes
        let mut low = c.clone();
        low.workspace.without_data += 1;
        let note = coverage_note("p", &low).unwrap();
        assert!(
            note.starts_with("LOW COVERAGE: `p`: the profile covers 40%"),
            "{note}"
        );
        assert!(note.contains("Likely causes: a build script"), "{note}");
        // nothing of the workspace's compiled: nothing to say
        let none = coverage(&[], &[], &["app".to_string()]);
        assert_eq!(coverage_note("p", &none), None);
    }
}
