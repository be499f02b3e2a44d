//! The sweep: every configuration in turn, each in its own target directory
//! under `<target-dir>/cargo-lto/<config>/`, results saved after each one.
//!
//! The user's tree is never written: configurations are config-only custom
//! profiles passed with `--config`, and the only source file touched — the
//! binary's root, whose mtime is bumped to force the rebuild — gets its
//! original times back even when the rebuild fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use filetime::FileTime;

use crate::build::{self, BuildRun, Invocation, wrapper::UnitRecord};
use crate::inspect::binary;
use crate::measure::process::Outcome;
use crate::profile::resolve::{Resolved, with_overrides};
use crate::profile::{BASELINE, Configuration, cargo_args};
use crate::progress::Progress;
use crate::report::schema::{Build, ConfigResult, Results, Status, Step, Unit};
use crate::workspace::{CargoFlags, Project};

/// How to run the sweep.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The cargo binary.
    pub cargo: PathBuf,
    /// Cargo flags passed through.
    pub flags: CargoFlags,
    /// Profile the configurations inherit.
    pub base_profile: String,
    /// Reuse build directories instead of emptying them.
    pub warm: bool,
    /// Skip the rebuild measurement.
    pub no_rebuild: bool,
    /// Per-build timeout.
    pub timeout: Option<Duration>,
    /// Echo cargo's stderr.
    pub verbose: bool,
    /// A config file sets `build.rustc-workspace-wrapper`, which must be overridden.
    pub blank_workspace_wrapper: bool,
    /// `--color` for cargo's rendered diagnostics (`None`: cargo decides).
    pub color: Option<String>,
}

/// Where a sweep keeps its files under the target directory.
pub fn tool_dir(project: &Project) -> PathBuf {
    project.target_dir.join("cargo-lto")
}

/// Restores a file's access and modification times when dropped.
struct MtimeGuard {
    path: PathBuf,
    atime: FileTime,
    mtime: FileTime,
}

impl MtimeGuard {
    /// Records the times of `path`, then sets its mtime to `mtime`.
    fn bump(path: &Path, mtime: FileTime) -> Result<Self> {
        let meta =
            std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        let guard = MtimeGuard {
            path: path.to_path_buf(),
            atime: FileTime::from_last_access_time(&meta),
            mtime: FileTime::from_last_modification_time(&meta),
        };
        filetime::set_file_mtime(path, mtime)
            .with_context(|| format!("touching {}", path.display()))?;
        Ok(guard)
    }
}

impl Drop for MtimeGuard {
    fn drop(&mut self) {
        if let Err(err) = filetime::set_file_times(&self.path, self.atime, self.mtime) {
            eprintln!(
                "cargo-lto: warning: could not restore the times of {}: {err}",
                self.path.display()
            );
        }
    }
}

/// The cargo command line (after `cargo`) for one configuration.
pub fn cargo_command(
    project: &Project,
    options: &SweepOptions,
    config: &Configuration,
    target_dir: &Path,
) -> Vec<String> {
    let flags = &options.flags;
    let mut args: Vec<String> = vec![
        "build".into(),
        "--message-format=json-render-diagnostics".into(),
        "--manifest-path".into(),
        project.root_manifest.display().to_string(),
        "--package".into(),
        project.package.clone(),
        "--bin".into(),
        project.bin.clone(),
    ];
    args.extend(flags.feature_args());
    if let Some(target) = &flags.target {
        args.extend(["--target".into(), target.clone()]);
    }
    args.extend(flags.network_args());
    if let Some(jobs) = &flags.jobs {
        args.extend(["--jobs".into(), jobs.clone()]);
    }
    if let Some(color) = &options.color {
        args.extend(["--color".into(), color.clone()]);
    }
    args.extend(["--target-dir".into(), target_dir.display().to_string()]);
    args.extend(cargo_args(config, &options.base_profile));
    args
}

fn unit(record: &UnitRecord) -> Unit {
    Unit {
        crate_name: record.crate_name.clone(),
        package: record.package.clone(),
        version: record.version.clone(),
        crate_types: record.crate_types.clone(),
        wall_s: record.usage.wall_s,
        cpu_s: record.usage.cpu_s,
        peak_rss_bytes: record.usage.peak_rss_bytes,
    }
}

/// The final binary crate's rustc invocation: its compile, LTO and link.
fn link_step(records: &[UnitRecord], bin: &str) -> Option<Step> {
    let crate_name = bin.replace('-', "_");
    records
        .iter()
        .rev()
        .find(|r| r.crate_name == crate_name && !r.test && r.crate_types.iter().any(|t| t == "bin"))
        .map(|r| Step {
            wall_s: r.usage.wall_s,
            cpu_s: r.usage.cpu_s,
            peak_rss_bytes: r.usage.peak_rss_bytes,
        })
}

fn status_of(outcome: Outcome) -> (Status, Option<i32>) {
    match outcome {
        Outcome::Exited(0) => (Status::Ok, None),
        Outcome::Exited(code) => (Status::Failed, Some(code)),
        Outcome::Signalled(sig) => (Status::Failed, Some(-sig)),
        Outcome::TimedOut => (Status::Timeout, None),
        Outcome::Interrupted => (Status::Interrupted, None),
    }
}

/// Measures one configuration. Errors here are the tool's own (I/O); a
/// failing build is a result with a failed status.
pub fn measure_one(
    project: &Project,
    options: &SweepOptions,
    config: &Configuration,
    base: &Resolved,
    expected_units: usize,
    progress: &Progress,
) -> Result<ConfigResult> {
    let root = tool_dir(project);
    let target_dir = root.join(&config.name);
    if !options.warm {
        match std::fs::remove_dir_all(&target_dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("emptying {}", target_dir.display()));
            }
            _ => {}
        }
    }
    let args = cargo_command(project, options, config, &target_dir);
    let log_dir = root.join("logs");
    let mut command = vec![options.cargo.display().to_string()];
    command.extend(args.iter().cloned());
    let measurement_env: BTreeMap<String, String> = build::wrapper_env(
        &log_dir.join(format!("{}.clean.jsonl", config.name)),
        options.blank_workspace_wrapper,
    )?
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let mut result = ConfigResult {
        name: config.name.clone(),
        settings: config.settings.to_map(),
        effective: if config.name == BASELINE {
            base.clone()
        } else {
            with_overrides(base, &config.settings)
        },
        command,
        measurement_env,
        status: Status::Ok,
        exit_code: None,
        stderr_tail: None,
        build: None,
        binary: None,
        runtime: Vec::new(),
    };

    let bar = progress.start_config(&config.name, expected_units);
    let echo = |line: &str| {
        if options.verbose {
            progress.println(line);
        }
    };
    let invocation = |phase: &str| Invocation {
        cargo: options.cargo.clone(),
        args: args.clone(),
        wrapper_log: log_dir.join(format!("{}.{phase}.jsonl", config.name)),
        bin: project.bin.clone(),
        timeout: options.timeout,
        blank_workspace_wrapper: options.blank_workspace_wrapper,
    };
    let clean: BuildRun = build::run(&invocation("clean"), &|k| bar.units(k), &echo)?;
    let (status, exit_code) = status_of(clean.outcome);
    let mut build = Build {
        wall_s: clean.usage.wall_s,
        cpu_s: clean.usage.cpu_s,
        peak_rss_bytes: clean.usage.peak_rss_bytes,
        warm: options.warm,
        units: clean.units.iter().map(unit).collect(),
        link: link_step(&clean.units, &project.bin),
        rebuild_wall_s: None,
        rebuild_cpu_s: None,
        rebuild_link: None,
        rebuild_error: None,
    };
    if status != Status::Ok {
        result.status = status;
        result.exit_code = exit_code;
        result.stderr_tail = Some(clean.stderr_tail);
        result.build = Some(build);
        bar.finish(&format!("{:?}", status).to_lowercase());
        return Ok(result);
    }
    let Some(exe) = clean.executable else {
        result.status = Status::Failed;
        result.stderr_tail = Some(format!(
            "cargo succeeded but reported no executable for bin `{}`",
            project.bin
        ));
        result.build = Some(build);
        bar.finish("failed");
        return Ok(result);
    };
    bar.phase("analysing the binary");
    result.binary = Some(binary::analyse(&exe)?);

    if !options.no_rebuild {
        bar.phase("rebuilding after touching the binary's root source file");
        // Two seconds ahead, so coarse file-system clocks still see it as newer.
        let bumped = FileTime::from_unix_time(FileTime::now().unix_seconds() + 2, 0);
        let guard = MtimeGuard::bump(&project.bin_src, bumped)?;
        let rebuilt = build::run(&invocation("rebuild"), &|_| {}, &echo);
        drop(guard);
        let rebuilt = rebuilt?;
        if rebuilt.outcome.success() {
            build.rebuild_wall_s = Some(rebuilt.usage.wall_s);
            build.rebuild_cpu_s = Some(rebuilt.usage.cpu_s);
            build.rebuild_link = link_step(&rebuilt.units, &project.bin);
            if build.rebuild_link.is_none() {
                build.rebuild_error =
                    Some("cargo did not recompile the binary crate after the touch".into());
            }
        } else {
            let (status, _) = status_of(rebuilt.outcome);
            build.rebuild_error = Some(format!("rebuild {status:?}: {}", rebuilt.stderr_tail));
            if status == Status::Interrupted {
                result.status = status;
            }
        }
    }
    result.build = Some(build);
    bar.finish("done");
    Ok(result)
}

/// Measures every configuration, calling `save` after each with the document
/// so far. A failing configuration does not stop the others; Ctrl-C does.
pub fn run(
    project: &Project,
    options: &SweepOptions,
    configs: &[Configuration],
    results: &mut Results,
    progress: &Progress,
    save: &dyn Fn(&Results) -> Result<()>,
) -> Result<()> {
    let base = results.base_settings.clone();
    let mut expected = project.unit_estimate;
    for config in configs {
        let measured = measure_one(project, options, config, &base, expected, progress)?;
        if let Some(b) = &measured.build
            && measured.status == Status::Ok
        {
            expected = b.units.len().max(1);
        }
        progress.config_done();
        let interrupted = measured.status == Status::Interrupted;
        results.configurations.push(measured);
        save(results)?;
        if interrupted {
            break;
        }
    }
    Ok(())
}

/// What the runtime phase needs.
pub struct RuntimeOptions<'a> {
    /// The workloads.
    pub workloads: &'a [crate::measure::runtime::Workload],
    /// Runs, warm-ups, minimum time.
    pub plan: crate::measure::runtime::Plan,
    /// What to count.
    pub counter: crate::measure::runtime::Counter,
}

/// Runs every workload on every successfully built configuration,
/// interleaved, and records the results (and loud notes for differing
/// output) in `results`.
pub fn run_workloads(
    results: &mut Results,
    options: &RuntimeOptions,
    executor: &mut dyn crate::measure::runtime::Executor,
    progress: &Progress,
) -> Result<()> {
    use crate::measure::runtime::{Counter, main_output, schedule};
    use crate::measure::stats::{compare, summarize};
    use crate::report::schema::WorkloadRuntime;

    let configs: Vec<(String, PathBuf)> = results
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok)
        .filter_map(|c| Some((c.name.clone(), c.binary.as_ref()?.path.clone())))
        .collect();
    for workload in options.workloads {
        let bar = progress.start_config(&format!("run {}", workload.name), 0);
        let mut count = 0usize;
        let series = schedule(
            &configs,
            workload,
            &options.plan,
            options.counter,
            executor,
            &mut |name, warm| {
                count += 1;
                bar.phase(&format!(
                    "{} {name} (run {count})",
                    if warm { "warming up" } else { "running" }
                ));
            },
        )?;
        bar.finish("done");
        let baseline = series
            .get(BASELINE)
            .filter(|s| s.failure.is_none() && !s.samples.is_empty());
        // The reference output: baseline's, or the most common among all.
        let reference: Option<String> = match baseline {
            Some(b) => main_output(b).map(str::to_string),
            None => {
                let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
                for s in series.values() {
                    if let Some(h) = main_output(s) {
                        *votes.entry(h).or_default() += 1;
                    }
                }
                votes
                    .into_iter()
                    .max_by_key(|(_, n)| *n)
                    .map(|(h, _)| h.to_string())
            }
        };
        for config in results.configurations.iter_mut() {
            let Some(s) = series.get(&config.name) else {
                continue;
            };
            let output = main_output(s).map(str::to_string);
            let output_differs = output.is_some() && output != reference;
            let runtime = WorkloadRuntime {
                workload: workload.name.clone(),
                status: if s.failure.is_some() {
                    Status::Failed
                } else {
                    Status::Ok
                },
                metric: if options.counter == Counter::Time {
                    "wall_s".into()
                } else {
                    "instructions".into()
                },
                samples: s.samples.clone(),
                peak_rss_bytes: s.peak_rss_bytes.clone(),
                summary: (!s.samples.is_empty()).then(|| summarize(&s.samples)),
                vs_baseline: match baseline {
                    Some(b) if config.name != BASELINE && !s.samples.is_empty() => {
                        Some(compare(&s.samples, &b.samples))
                    }
                    _ => None,
                },
                stdout_sha256: output,
                output_differs,
                output_varies: s.outputs.len() > 1,
                exit_code: s.failure.as_ref().map(|f| f.0),
                stderr_tail: s.failure.as_ref().map(|f| f.1.clone()),
            };
            if output_differs {
                results.notes.push(format!(
                    "OUTPUT DIFFERS: `{}` printed other output for workload `{}` than {} — a changed result (panic strategy, float rounding, a miscompile) matters more than its speed",
                    config.name,
                    workload.name,
                    if baseline.is_some() { "baseline" } else { "the other configurations" }
                ));
            }
            if runtime.output_varies {
                results.notes.push(format!(
                    "`{}`'s output for workload `{}` varied from run to run: output equivalence cannot be judged for it",
                    config.name, workload.name
                ));
            }
            config.runtime.push(runtime);
        }
    }
    Ok(())
}
