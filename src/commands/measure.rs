//! `cargo lto measure`: check everything the user asked for, then sweep the
//! matrix, saving results after each configuration, and print the report.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::cli::{Color, CounterArg, Format, MeasureArgs};
use crate::error::{UsageError, exit};
use crate::measure::{machine, process::INTERRUPTED, runtime, sweep};
use crate::profile::matrix::{self, MatrixRequest};
use crate::profile::resolve::{self, config_files};
use crate::progress::{Mode, Progress};
use crate::report::{self, schema};
use crate::workspace::{self, CargoFlags};

/// The cargo to run: `$CARGO` (set when cargo runs us) or `cargo`.
pub fn cargo_binary() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// The workspace root's Cargo.lock, found without running a resolve (which
/// would create it).
fn lockfile(cargo: &Path, flags: &CargoFlags) -> Option<PathBuf> {
    let mut cmd = Command::new(cargo);
    cmd.args(["locate-project", "--workspace", "--message-format", "plain"]);
    if let Some(p) = &flags.manifest_path {
        cmd.arg("--manifest-path").arg(p);
    }
    let out = cmd.output().ok().filter(|o| o.status.success())?;
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Some(manifest.parent()?.join("Cargo.lock"))
}

/// Describes any rustc wrapper the user configured (cargo-lto bypasses it),
/// and whether a config file sets a workspace wrapper.
fn user_wrappers(cwd: &Path) -> (Vec<String>, bool) {
    let mut found = Vec::new();
    let mut config_workspace_wrapper = false;
    for var in [
        "RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    ] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            found.push(format!("`{}` (from ${var})", v.to_string_lossy()));
        }
    }
    for file in config_files(cwd) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
            continue;
        };
        let build = doc.get("build").and_then(|b| b.as_table());
        for key in ["rustc-wrapper", "rustc-workspace-wrapper"] {
            if let Some(v) = build.and_then(|b| b.get(key)).and_then(|v| v.as_str())
                && !v.is_empty()
            {
                found.push(format!("`{v}` (build.{key} in {})", file.display()));
                config_workspace_wrapper |= key == "rustc-workspace-wrapper";
            }
        }
    }
    (found, config_workspace_wrapper)
}

fn results_interrupted(results: &schema::Results) -> bool {
    results
        .configurations
        .iter()
        .any(|c| c.status == schema::Status::Interrupted)
}

/// Runs `measure`; returns the exit code.
pub fn run(args: &MeasureArgs) -> Result<i32> {
    let cargo = cargo_binary();
    let flags = CargoFlags::from(&args.cargo);
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let lock = lockfile(&cargo, &flags);
    let lock_existed = lock.as_ref().is_some_and(|p| p.exists());

    let project = workspace::load(&cargo, &flags)?;
    let request = MatrixRequest {
        preset: args.preset.clone(),
        with: args.with.clone(),
        only: args.only.clone(),
    };
    let configs = matrix::build(&request, &project.metadata)?;
    let rt = &args.runtime;
    let mut workloads = runtime::parse_workloads(
        &rt.run,
        &rt.run_cmd,
        rt.shell,
        rt.prepare.as_deref(),
        rt.run_dir.as_deref(),
        rt.stdin.as_deref(),
    )?;
    for w in runtime::workloads_from_metadata(&project.metadata)? {
        if !workloads.iter().any(|c| c.name == w.name) {
            workloads.push(w);
        }
    }
    if rt.runs == 0 || rt.max_runs < rt.runs {
        return Err(UsageError::Syntax {
            origin: "--runs".into(),
            message: "must be at least 1 and at most --max-runs".into(),
        }
        .into());
    }
    if let Some(f) = &rt.stdin
        && !f.is_file()
    {
        return Err(UsageError::Project(format!("--stdin {}: no such file", f.display())).into());
    }
    let env = |k: &str| std::env::var(k).ok();
    let base_settings = resolve::resolve(&args.base_profile, &project.root_manifest, &cwd, &env)
        .map_err(|e| UsageError::Project(format!("--base-profile {}: {e:#}", args.base_profile)))?;

    let mut notes = Vec::new();
    let (wrappers, blank_workspace_wrapper) = user_wrappers(&cwd);
    if !wrappers.is_empty() {
        notes.push(format!(
            "your rustc wrapper {} is bypassed while measuring: a caching wrapper such as sccache turns builds into cache hits and falsifies their times",
            wrappers.join(", ")
        ));
    }
    if blank_workspace_wrapper {
        notes.push("overriding build.rustc-workspace-wrapper sets RUSTC_WORKSPACE_WRAPPER=\"\", which changes the workspace members' symbol hashes: binary sizes may differ from a plain build's by a few bytes".into());
    }
    if args.warm {
        notes.push(
            "--warm: build directories were reused, so build times are warm, not clean".into(),
        );
    }

    let mut results = schema::Results {
        schema_version: schema::SCHEMA_VERSION,
        tool: format!("cargo-lto {}", env!("CARGO_PKG_VERSION")),
        started_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        machine: machine::machine(),
        toolchain: machine::toolchain(&cargo, &cwd),
        project: schema::ProjectInfo {
            workspace_root: project.workspace_root.clone(),
            package: project.package.clone(),
            version: project.version.clone(),
            bin: project.bin.clone(),
            target: flags.target.clone(),
        },
        base_profile: args.base_profile.clone(),
        base_settings,
        warm: args.warm,
        notes,
        configurations: Vec::new(),
        workloads: Vec::new(),
        runtime_plan: None,
    };

    let options = sweep::SweepOptions {
        cargo,
        flags,
        base_profile: args.base_profile.clone(),
        warm: args.warm,
        no_rebuild: args.no_rebuild,
        timeout: args.timeout,
        verbose: args.verbose,
        blank_workspace_wrapper,
        color: match args.color {
            Color::Auto => None,
            Color::Always => Some("always".into()),
            Color::Never => Some("never".into()),
        },
    };
    // Ctrl-C stops the running build; results so far are saved. A second
    // handler cannot be installed (tests run several sweeps in one process).
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst));

    let results_dir = sweep::tool_dir(&project).join("results");
    let progress = Progress::new(Mode::detect(args.quiet), configs.len());
    let saved: std::cell::RefCell<Option<PathBuf>> = Default::default();
    let save = |r: &schema::Results| -> Result<()> {
        *saved.borrow_mut() = Some(report::save(&results_dir, r)?);
        Ok(())
    };
    let mut swept = sweep::run(&project, &options, &configs, &mut results, &progress, &save);
    let interrupted_now =
        || results_interrupted(&results) || INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst);
    if swept.is_ok() && !workloads.is_empty() && !interrupted_now() {
        let (counter, source) = match rt.counter {
            CounterArg::Time => (runtime::Counter::Time, "wall-clock time".to_string()),
            CounterArg::Instructions => match runtime::detect_counter() {
                (Some(c), source) => (c, source),
                (None, why) => {
                    results.notes.push(why.clone());
                    (runtime::Counter::Time, why)
                }
            },
        };
        let plan = runtime::Plan {
            warmup: rt.warmup,
            runs: rt.runs,
            // counts are deterministic: the minimum time only matters for time
            min_time_s: if counter == runtime::Counter::Time {
                rt.min_time.as_secs_f64()
            } else {
                0.0
            },
            max_runs: rt.max_runs,
            ignore_failure: rt.ignore_failure,
        };
        results.workloads = workloads.clone();
        results.runtime_plan = Some(schema::RuntimePlan {
            plan,
            counter,
            counter_source: source,
        });
        let options = sweep::RuntimeOptions {
            workloads: &workloads,
            plan,
            counter,
        };
        swept = sweep::run_workloads(
            &mut results,
            &options,
            &mut runtime::RealExecutor,
            &progress,
        )
        .and_then(|()| save(&results));
    }
    progress.finish();
    if let Some(lock) = lock.filter(|l| !lock_existed && l.exists()) {
        // cargo created it; the user's tree is left as it was.
        std::fs::remove_file(&lock).with_context(|| format!("removing {}", lock.display()))?;
        results.notes.push(format!(
            "{} did not exist; cargo created one to build and cargo-lto removed it again (commit a Cargo.lock for reproducible measurements)",
            lock.display()
        ));
        save(&results)?;
    }
    swept?;

    let mut out = std::io::stdout().lock();
    let text = match args.format {
        Format::Table => report::table::render(&results),
        Format::Json => serde_json::to_string_pretty(&results)? + "\n",
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    if let Some(path) = saved.borrow().as_ref()
        && args.format == Format::Table
        && !args.quiet
    {
        writeln!(out, "\nresults: {}", path.display())?;
    }

    let interrupted = results
        .configurations
        .iter()
        .any(|c| c.status == schema::Status::Interrupted);
    Ok(if interrupted {
        exit::INTERRUPTED
    } else if results.any_failed() {
        exit::CONFIG_FAILED
    } else {
        exit::OK
    })
}
