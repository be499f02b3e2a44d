//! The project's own benchmarks (`measure --bench`, `--benches`): each
//! configuration builds the bench targets with its settings (`cargo build
//! --profile <its profile> --bench NAME`: the profile it ships, not
//! `[profile.bench]`, docs/facts.md § bench-profile), and, over every
//! configuration at once, each benchmark runs in rounds interleaved across
//! configurations, with an A/A copy of baseline's bench binary for its
//! noise floor; its series are judged with the workloads' in one family
//! (`runtime::finish`). The harnesses are `bench/harness.rs`, their output
//! `bench/parse.rs`, the rounds `bench/rounds.rs`.

#[path = "bench/agreement.rs"]
mod agreement;
#[path = "bench/harness.rs"]
pub mod harness;
#[path = "bench/parse.rs"]
mod parse;
#[path = "bench/record.rs"]
mod record;
#[path = "bench/rounds.rs"]
mod rounds;
#[path = "bench/train.rs"]
mod train;

pub use train::train;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{Ctx, Flow, Phase, Sweep};
use crate::build;
use crate::measure::builder::Builder;
use crate::process::{Wait, read_all, run_piped};
use crate::profile::BASELINE;
use crate::results::bench::{BenchBinary, BenchPlan, BenchTarget};
use crate::results::measure::Status;
use crate::results::notes::{Failure, NoteKind};
use crate::results::pipeline::PipelineStep;
use harness::{Expected, UnknownHarness};
use rounds::{Job, Ran, Runner};

/// Each configuration's benchmarks summed up (`Phase::AfterRuns`).
pub static SUMMARIES: record::Summaries = record::Summaries;

/// The A/A arm's name: no configuration's (a space can be in none).
const AA: &str = "baseline (A/A copy)";

/// Building the bench targets with the configuration's settings.
pub struct BenchBuild;

impl super::Stage for BenchBuild {
    fn name(&self) -> &'static str {
        "bench build"
    }

    fn phase(&self) -> Phase {
        Phase::AfterBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.plan.runtime.bench.is_some()
            && !ctx.plan.project.benches.is_empty()
            && ctx.target_dir.is_some()
            && ctx.entry.status == Status::Ok
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let (plan, config) = (ctx.plan, ctx.config);
        let targets: Vec<crate::workspace::BinTarget> = plan
            .project
            .benches
            .iter()
            .map(|b| b.target.clone())
            .collect();
        ctx.bar.phase("building the bench targets");
        let builder = Builder::with_flags(plan, config, config.name(), &ctx.flags);
        let mut invocation = builder.invocation("bench");
        invocation.args = bench_args(&invocation.args, &targets);
        invocation.bins = Vec::new();
        invocation.benches = targets.clone();
        let echo = ctx.echo();
        let built = build::run(&invocation, &|_| {}, &echo)?;
        let missing: Vec<&str> = targets
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| !built.bench_executables.contains_key(*n))
            .collect();
        if !built.outcome.success() || !missing.is_empty() {
            return Ok(ctx.failed(super::Failed {
                failure: Failure::BenchBuild {
                    benches: targets.iter().map(|t| t.name.clone()).collect(),
                },
                exit_code: Some(built.outcome.exit_code()),
                stderr_tail: Some(built.stderr_tail),
                stages: Vec::new(),
            }));
        }
        for t in &targets {
            let path = built.bench_executables[&t.name].clone();
            ctx.entry.benches.push(BenchBinary {
                bench: t.name.clone(),
                package: t.package.clone(),
                sha256: std::fs::read(&path)
                    .ok()
                    .map(|b| crate::inspect::sections::sha256_hex(&b)),
                path,
            });
        }
        Ok(Flow::Next)
    }
}

/// The configuration's cargo arguments building `targets` instead of its
/// binaries: every `--bin NAME` left out, a `--bench NAME` each added.
fn bench_args(args: &[String], targets: &[crate::workspace::BinTarget]) -> Vec<String> {
    let mut out = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if word == "--bin" {
            words.next();
            continue;
        }
        out.push(word.clone());
        if word == "build" {
            for t in targets {
                out.extend(["--bench".to_string(), t.name.clone()]);
            }
        }
    }
    out
}

/// Every benchmark run on every configuration.
pub struct Benchmarks;

impl super::Stage for Benchmarks {
    fn name(&self) -> &'static str {
        "benchmarks"
    }

    fn phase(&self) -> Phase {
        Phase::AtRunTime
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        sweep.plan.runtime.bench.is_some() && !sweep.stopped()
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        let started = Instant::now();
        let Some(spec) = sweep.plan.runtime.bench.clone() else {
            return Ok(());
        };
        let arms = arms(sweep)?;
        let Some((_, first)) = arms.first() else {
            return Ok(());
        };
        let targets = harnesses(sweep, first)?;
        let listed = list(sweep, first, &targets, spec.filter.as_ref())?;
        let rounds = sweep.plan.runtime.plan.runs;
        let count = listed.len().max(1);
        let share = spec.budget.as_secs_f64() / count as f64;
        // about 60% of a run's share measures; the rest is the harness's
        // start, warm-up and analysis
        let run_time = (share * 0.6 / (rounds * arms.len()).max(1) as f64).clamp(0.05, 5.0);
        sweep.doc.bench_plan = Some(BenchPlan {
            targets: targets.values().cloned().collect(),
            filter: spec.filter.as_ref().map(|f| f.as_str().to_string()),
            budget_s: spec.budget.as_secs_f64(),
            rounds,
            run_time_s: run_time,
            took_s: 0.0,
        });
        bolted_note(sweep);
        let mut runner = RealRunner::new(sweep)?;
        let (mut cut, mut run_walls): (Vec<usize>, Vec<f64>) = (Vec::new(), Vec::new());
        for (i, (target, id)) in listed.iter().enumerate() {
            if sweep.stopped() {
                break;
            }
            let (harness, exact) = (targets[target].harness, targets[target].exact);
            let name = format!("{target}/{id}");
            let bar = sweep.progress.start_config(
                &format!("benchmark {} of {}: {name}", i + 1, listed.len()),
                0,
            );
            let job = Job {
                harness,
                id,
                args: harness::run_args(harness, id, run_time, exact),
                rounds,
                budget: Duration::from_secs_f64(share),
                retry_busy: sweep.plan.runtime.plan.retry_busy,
            };
            let paths: Vec<(String, PathBuf)> = arms
                .iter()
                .filter_map(|(arm, exes)| Some((arm.clone(), exes.get(target)?.clone())))
                .collect();
            runner.dir = package_dir(sweep, target);
            let runs = rounds::run(&paths, &job, &mut runner, &mut |arm, round| {
                bar.phase(&format!("round {round} of {rounds}: {arm}"));
            })?;
            bar.finish("done");
            let (ran, walls) = record::record(sweep, &name, target, &job, runs);
            cut.push(ran);
            run_walls.extend(walls);
            if let Some(plan) = sweep.doc.bench_plan.as_mut() {
                plan.took_s = started.elapsed().as_secs_f64();
            }
            (sweep.save)(sweep.doc)?;
        }
        let short: Vec<usize> = cut.iter().copied().filter(|r| *r < rounds).collect();
        if let Some(fewest) = short.iter().min() {
            let run_s = crate::stats::median(&run_walls);
            sweep.doc.notes.push(
                NoteKind::BenchRoundsCut {
                    benchmarks: short.len(),
                    of: cut.len(),
                    fewest: *fewest,
                    asked: rounds,
                    run_s,
                    needed_s: run_s * (rounds * arms.len() * cut.len()) as f64,
                }
                .into(),
            );
            (sweep.save)(sweep.doc)?;
        }
        Ok(())
    }
}

/// The configurations whose bench binaries run (built, not identical to
/// another), and baseline's copied as the A/A arm: each arm's binaries by
/// bench target.
fn arms(sweep: &Sweep) -> Result<Vec<(String, BTreeMap<String, PathBuf>)>> {
    let mut arms: Vec<(String, BTreeMap<String, PathBuf>)> = sweep
        .doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.identical_to.is_none() && !c.benches.is_empty())
        .map(|c| {
            let exes = c
                .benches
                .iter()
                .map(|b| (b.bench.clone(), b.path.clone()))
                .collect();
            (c.name.clone(), exes)
        })
        .collect();
    if let Some((_, exes)) = arms.iter().find(|(n, _)| n == BASELINE) {
        let mut copies = BTreeMap::new();
        for (bench, path) in exes {
            let (Some(dir), Some(file)) = (path.parent(), path.file_name()) else {
                continue;
            };
            let copy = dir.join("aa").join(file);
            std::fs::create_dir_all(dir.join("aa"))
                .and_then(|()| std::fs::copy(path, &copy))
                .with_context(|| {
                    format!("copying baseline's bench binary to {}", copy.display())
                })?;
            copies.insert(bench.clone(), copy);
        }
        arms.push((AA.to_string(), copies));
    }
    Ok(arms)
}

/// Each bench target's harness: the manifest's, else the one its built
/// binary's `--help` names among those its dependencies allow.
fn harnesses(
    sweep: &Sweep,
    exes: &BTreeMap<String, PathBuf>,
) -> Result<BTreeMap<String, BenchTarget>> {
    let mut out = BTreeMap::new();
    for b in &sweep.plan.project.benches {
        let t = &b.target;
        let Some(exe) = exes.get(&t.name) else {
            continue;
        };
        // what the binary says of itself: which harness, whether it takes
        // --exact
        let help = output(exe, &["--help".to_string()], None)
            .map(|r| format!("{}{}", r.stdout, r.stderr_tail))
            .unwrap_or_default();
        let (harness, detected_by) = match harness::expected(b)? {
            Expected::Known(h, how) => (h, how),
            Expected::OneOf(choices) => {
                match harness::from_help(&help).filter(|h| choices.contains(h)) {
                    Some(h) => (h, format!("its --help names {}", h.label())),
                    None => {
                        let names: Vec<&str> = choices.iter().map(|h| h.label()).collect();
                        return Err(UnknownHarness {
                            bench: t.name.clone(),
                            package: t.package.clone(),
                            found: format!(
                                "its package depends on {} and its --help names neither (it began: {:?})",
                                names.join(" and "),
                                help.lines().next().unwrap_or("")
                            ),
                        }
                        .into());
                    }
                }
            }
        };
        out.insert(
            t.name.clone(),
            BenchTarget {
                bench: t.name.clone(),
                package: t.package.clone(),
                harness,
                detected_by,
                exact: help.contains("--exact"),
            },
        );
    }
    Ok(out)
}

/// Every benchmark to run, (bench target, id), as the first arm's bench
/// binaries list them, kept by the filter; a note for a target with none.
fn list(
    sweep: &mut Sweep,
    exes: &BTreeMap<String, PathBuf>,
    targets: &BTreeMap<String, BenchTarget>,
    filter: Option<&regex_lite::Regex>,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (name, target) in targets {
        let exe = &exes[name];
        let dir = package_dir(sweep, name);
        let ran = output(exe, &harness::list_args(target.harness), dir.as_deref())?;
        anyhow::ensure!(
            ran.exit_code == 0,
            "bench target `{name}`: listing its benchmarks ({} --bench --list) exited with {}:\n{}",
            exe.display(),
            ran.exit_code,
            ran.stderr_tail
        );
        let ids: Vec<String> = parse::list(target.harness, &ran.stdout)
            .into_iter()
            .filter(|id| filter.is_none_or(|f| f.is_match(id)))
            .collect();
        if ids.is_empty() {
            sweep.doc.notes.push(
                NoteKind::NoBenchmarks {
                    bench: name.clone(),
                    filter: filter.map(|f| f.as_str().to_string()),
                }
                .into(),
            );
        }
        out.extend(ids.into_iter().map(|id| (name.clone(), id)));
    }
    Ok(out)
}

/// The directory of the package that owns bench target `name`: its
/// benchmarks run there, as `cargo bench` runs them.
fn package_dir(sweep: &Sweep, name: &str) -> Option<PathBuf> {
    let b = sweep
        .plan
        .project
        .benches
        .iter()
        .find(|b| b.target.name == name)?;
    b.target.manifest.parent().map(Path::to_path_buf)
}

/// The note naming BOLT configurations, whose benchmarks run the bench
/// binary as linked.
fn bolted_note(sweep: &mut Sweep) {
    let bolted: Vec<String> = sweep
        .plan
        .configs
        .iter()
        .filter(|c| c.has(PipelineStep::Bolt))
        .map(|c| c.name().to_string())
        .collect();
    if !bolted.is_empty() {
        sweep.doc.notes.push(
            NoteKind::BenchNotBolted {
                configurations: bolted,
            }
            .into(),
        );
    }
}

/// Runs bench binaries for real, in their package's directory, with
/// criterion's files kept in the tool's own directory.
struct RealRunner {
    /// `CRITERION_HOME`: never the user's `target/criterion`.
    criterion_home: PathBuf,
    /// The package directory of the benchmark running.
    dir: Option<PathBuf>,
}

impl RealRunner {
    fn new(sweep: &Sweep) -> Result<RealRunner> {
        let home = crate::measure::builder::tool_dir(&sweep.plan.project).join("criterion");
        std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
        Ok(RealRunner {
            criterion_home: home,
            dir: None,
        })
    }
}

impl Runner for RealRunner {
    fn run(&mut self, _arm: &str, exe: &Path, args: &[String]) -> Result<Ran> {
        let mut cmd = Command::new(exe);
        cmd.args(args)
            .env("CRITERION_HOME", &self.criterion_home)
            .env(
                "IAI_CALLGRIND_HOME",
                self.criterion_home.with_file_name("iai"),
            );
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        run_command(&mut cmd, exe)
    }
}

/// Runs `exe` with `args` (in `dir`), for its output.
fn output(exe: &Path, args: &[String], dir: Option<&Path>) -> Result<Ran> {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    run_command(&mut cmd, exe)
}

/// Runs `cmd` (of `exe`) to its end, in its own process group (Ctrl-C
/// stops it): its stdout, exit code, stderr's tail and the machine's load.
fn run_command(cmd: &mut Command, exe: &Path) -> Result<Ran> {
    cmd.stdin(std::process::Stdio::null());
    let done = run_piped(cmd, Wait::Deadline(None), read_all, read_all)
        .with_context(|| format!("running {}", exe.display()))?;
    let stderr = String::from_utf8_lossy(&done.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    Ok(Ran {
        stdout: String::from_utf8_lossy(&done.stdout).into_owned(),
        exit_code: done.outcome.exit_code(),
        stderr_tail: lines[lines.len().saturating_sub(10)..].join("\n"),
        load: done.usage.load,
        wall_s: done.usage.wall_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_args_build_the_bench_targets_instead_of_the_binaries() {
        let args: Vec<String> = [
            "build",
            "--message-format=json",
            "--package",
            "p",
            "--bin",
            "a",
            "--profile",
            "x",
        ]
        .map(String::from)
        .to_vec();
        let target = crate::workspace::BinTarget {
            name: "crit".into(),
            package: "p".into(),
            version: "0.1.0".into(),
            manifest: PathBuf::from("/p/Cargo.toml"),
        };
        assert_eq!(
            bench_args(&args, &[target]),
            [
                "build",
                "--bench",
                "crit",
                "--message-format=json",
                "--package",
                "p",
                "--profile",
                "x"
            ]
        );
    }
}
