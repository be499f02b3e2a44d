//! The sweep: every configuration in turn, each in its own target directory
//! under `<target-dir>/cargo-lto/<config>/`, the document saved after each.
//!
//! The user's tree is never written, not even a file's times: configurations
//! are config-only custom profiles passed with `--config`, and the rebuild
//! is forced by removing the binary crate's fingerprint in the
//! configuration's own build directory.

use std::collections::BTreeMap;

use anyhow::Result;

use super::MeasurePlan;
use super::builder::{Builder, is_pgo, unstripped_twin};
pub use super::builder::{cargo_command, tool_dir};
use super::record;
use super::steps;
use super::{bolt, pgo};
use crate::build::{self, twin};
use crate::inspect::sections;
use crate::profile::resolve::{Resolved, with_overrides};
use crate::profile::{BASELINE, Configuration};
use crate::profile::{Key, Value};
use crate::progress::Progress;
use crate::results::measure::{self as doc, MeasureDocument, Status};

/// Every resolved key `config` builds with.
pub(super) fn effective(config: &Configuration, base: &Resolved) -> Resolved {
    if config.name == BASELINE {
        base.clone()
    } else {
        with_overrides(base, &config.settings)
    }
}

/// The values of a resolved profile, without where they came from: two
/// configurations with equal values are the same build (cargo's `-C
/// metadata` hashes a profile's settings, not its name).
pub(super) fn values(resolved: &Resolved) -> BTreeMap<Key, &Value> {
    resolved.iter().map(|(k, v)| (*k, &v.value)).collect()
}

/// A configuration's entry before anything was built.
fn entry(
    config: &Configuration,
    base: &Resolved,
    command: Vec<String>,
    measurement_env: BTreeMap<String, String>,
) -> doc::Configuration {
    let effective = effective(config, base);
    doc::Configuration {
        name: config.name.clone(),
        settings: config.settings.to_map(),
        effective: record::profile(&effective),
        command,
        measurement_env,
        status: Status::Ok,
        exit_code: None,
        stderr_tail: None,
        build: None,
        warm_build: None,
        binary: None,
        runtime: Vec::new(),
        identical_to: None,
        machine: None,
        pgo_coverage: None,
        pipeline: Vec::new(),
    }
}

/// The entry of `config`, identical to the measured `original`: its figures,
/// its own name, settings and command.
fn identical(
    config: &Configuration,
    base: &Resolved,
    command: Vec<String>,
    original: &doc::Configuration,
) -> doc::Configuration {
    let own = entry(config, base, command, BTreeMap::new());
    doc::Configuration {
        name: own.name,
        settings: own.settings,
        effective: own.effective,
        command: own.command,
        measurement_env: own.measurement_env,
        identical_to: Some(original.name.clone()),
        ..original.clone()
    }
}

/// One note per group of identical configurations.
fn identical_notes(doc: &MeasureDocument) -> Vec<String> {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &doc.configurations {
        if let Some(original) = &c.identical_to {
            groups.entry(original).or_default().push(&c.name);
        }
    }
    groups
        .into_iter()
        .map(|(original, same)| {
            let list: Vec<String> = same.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "{}: identical to `{original}` (the same effective settings, so the same build): built once, figures shared",
                list.join(", ")
            )
        })
        .collect()
}

/// Measures one configuration (its first clean build, the binary, the
/// rebuild); `notes` receives what the reader must know. Errors here are
/// the tool's own (I/O); a failing build is a result with a failed status.
pub fn measure_one(
    plan: &MeasurePlan,
    config: &Configuration,
    progress: (&Progress, usize),
    notes: &mut Vec<String>,
) -> Result<doc::Configuration> {
    let (project, request, base) = (&plan.project, plan.request, &plan.base);
    let (progress, expected_units) = progress;
    let bar = progress.start_config(&config.name, expected_units);
    let echo = |line: &str| {
        if request.verbose {
            progress.println(line);
        }
    };
    // what cargo builds: for BOLT, unstripped and with its relocations
    let (built, link) = bolt::build_config(config);
    // a PGO configuration: its instrumented build, training and merge first
    let trained = match (&plan.profdata, is_pgo(config)) {
        (Some(profdata), true) => Some(pgo::train(plan, &built, (profdata, &link), &bar, &echo)?),
        _ => None,
    };
    let ok = trained.as_ref().and_then(|t| t.as_ref().ok());
    let (profile, instrumented) = (
        ok.map(|t| t.profile.clone()),
        ok.map(|t| t.instrumented.clone()),
    );
    let (mut more, stages) = match trained {
        Some(Ok(t)) => (pgo::use_flags(&t.profile), t.stages),
        Some(Err(failed)) => {
            let mut result = entry(config, base, Vec::new(), BTreeMap::new());
            stage_failed(&mut result, failed, notes);
            bar.finish("failed");
            return Ok(result);
        }
        None => (Vec::new(), Vec::new()),
    };
    more.extend(link);
    let builder = Builder::with_flags(plan, &built, &config.name, &more);
    let mut command = vec![plan.cargo.display().to_string()];
    command.extend(builder.args.iter().cloned());
    let env = build::wrapper_env(
        &builder.invocation("clean").wrapper_log,
        plan.blank_workspace_wrapper,
    )?;
    let env = env
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .chain(builder.env.iter().cloned())
        .collect();
    let mut result = entry(config, base, command, env);
    result.pipeline = stages;
    let (clean, sample) = builder.clean(1, &bar, &echo, notes)?;
    if let (Some(profdata), Some(profile), true) =
        (&plan.profdata, &profile, clean.outcome.success())
    {
        super::coverage::record_coverage(
            plan,
            (profdata, profile),
            &clean.missing_profile,
            &mut result,
            notes,
        )?;
    }
    let clean = steps::record_clean(&clean, &config.name, &project.bin, request.warm);
    notes.extend(clean.note);
    let mut build = clean.build;
    build.samples.push(sample);
    if build.busy && plan.build_runs == 1 {
        notes.push(busy_note(plan, &config.name, &build));
    }
    (result.status, result.exit_code, result.stderr_tail) =
        (clean.status, clean.exit_code, clean.stderr_tail);
    let Some(exe) = clean.executable else {
        if result.status == Status::Failed {
            notes.extend(
                build::disk::low_space_note(&builder.target_dir)
                    .map(|n| format!("`{}` failed, and {n}", config.name)),
            );
        }
        result.build = Some(build);
        bar.finish(&format!("{:?}", result.status).to_lowercase());
        return Ok(result);
    };
    // BOLT over the linked binary: the binary measured is its output
    let (exe, unstripped) = match (&plan.bolt, bolt::is_bolt(config)) {
        (Some(tools), true) => {
            let strip = bolt::profile_strip(config, base);
            match bolt::optimize(plan, config, &exe, tools, strip, &bar)? {
                Ok(o) => {
                    result.pipeline.extend(o.stages);
                    notes.extend(o.notes.iter().map(|n| format!("`{}`: {n}", config.name)));
                    (o.binary, o.unstripped)
                }
                Err(failed) => {
                    result.build = Some(build);
                    stage_failed(&mut result, failed, notes);
                    bar.finish("failed");
                    return Ok(result);
                }
            }
        }
        _ => (exe, None),
    };
    bar.phase("analysing the binary");
    let mut binary = record::binary(&exe, sections::measure(&exe)?);
    let crate_name = project.bin.replace('-', "_");
    let clean_log = builder.invocation("clean").wrapper_log;
    if let Some(unstripped) = unstripped {
        // BOLT's output before llvm-strip: the same code with its symbols
        binary.stripped_symbols_bytes = sections::measure(&unstripped)?
            .sections
            .get("symbols")
            .copied();
        binary.symbols_from = Some(unstripped);
    } else if binary.symbols == 0 && !request.no_twin {
        bar.phase("linking an unstripped twin for inspect");
        // beside the build directory, which a repeated build empties
        let out = tool_dir(project)
            .join("twins")
            .join(&config.name)
            .join(exe.file_name().unwrap_or_default());
        binary.symbols_from =
            unstripped_twin(&clean_log, &crate_name, &exe, &out).unwrap_or_else(|why| {
                notes.push(format!("`{}`: {why}", config.name));
                None
            });
        binary.stripped_symbols_bytes = match &binary.symbols_from {
            Some(twin) => sections::measure(twin)?.sections.get("symbols").copied(),
            None => None,
        };
    }
    twin::discard(&clean_log, &crate_name);
    result.binary = Some(binary);
    if !result.pipeline.is_empty() {
        notes.push(pipeline_note(&config.name, &result.pipeline));
    }
    if let (Some(instrumented), Some(training)) = (
        &instrumented,
        result.pipeline.iter_mut().find(|s| s.stage == "training"),
    ) {
        bar.phase("timing the training with both binaries (pgo)");
        pgo::record_slowdown(plan, config, (instrumented, &exe), training, notes);
    }

    if !request.no_rebuild {
        bar.phase("rebuilding the binary crate");
        steps::invalidate_bin(&builder.target_dir, &project.bin)?;
        let rebuilt = build::run(&builder.invocation("rebuild"), &|_| {}, &echo)?;
        if let Some(status) = steps::record_rebuild(&mut build, &rebuilt, &project.bin) {
            result.status = status;
        }
    }
    let timed = build.wall_s;
    result.build = Some(build);
    let whole = result.whole_build_s().unwrap_or(timed);
    bar.finish_built("done", Some(whole));
    Ok(result)
}

/// A pipeline stage failed: the configuration fails with its sentence first
/// and the tool's last lines after, the stages so far recorded.
fn stage_failed(result: &mut doc::Configuration, failed: pgo::Failed, notes: &mut Vec<String>) {
    notes.push(format!("`{}`: {}", result.name, failed.message));
    result.status = Status::Failed;
    result.exit_code = failed.exit_code;
    result.stderr_tail = Some(match failed.stderr_tail {
        Some(tail) if !tail.is_empty() => format!("{}\n{tail}", failed.message),
        _ => failed.message,
    });
    result.pipeline.extend(failed.stages);
}

/// What the stages besides a pipeline configuration's timed build took.
fn pipeline_note(name: &str, stages: &[crate::results::pipeline::Stage]) -> String {
    let parts: Vec<String> = stages
        .iter()
        .map(|s| match s.profiles {
            Some((files, bytes)) => format!(
                "{} {:.2} s ({files} profile(s), {bytes} bytes)",
                s.stage, s.wall_s
            ),
            None => format!("{} {:.2} s", s.stage, s.wall_s),
        })
        .collect();
    let total: f64 = stages.iter().map(|s| s.wall_s).sum();
    format!(
        "`{name}`: built through a pipeline; besides its timed build came {}: {total:.2} s more (the table's figure is the whole pipeline)",
        parts.join(", ")
    )
}

/// The BUSY note of a build whose figures are busy.
fn busy_note(plan: &MeasurePlan, config: &str, build: &doc::Build) -> String {
    let what = if plan.request.warm {
        "warm build"
    } else if build.samples.len() > 1 {
        "clean builds (every one of them)"
    } else {
        "clean build"
    };
    format!(
        "BUSY: other processes used {:.0}% of the machine during `{config}`'s {what} (more than {:.0}%): its build time is not compared",
        build.contention.unwrap_or(0.0) * 100.0,
        crate::load::BUSY * 100.0
    )
}

/// Clean builds 2 to N (`--build-runs`) of every configuration built
/// successfully, round by round: round 2 of each configuration, then
/// round 3…, so a slow stretch of the machine falls on every
/// configuration alike. Each build is a sample of its configuration's
/// figures, which become the medians once all are in.
fn repeat_builds(
    plan: &MeasurePlan,
    doc: &mut MeasureDocument,
    progress: &Progress,
    save: &dyn Fn(&MeasureDocument) -> Result<()>,
) -> Result<()> {
    let echo = |line: &str| {
        if plan.request.verbose {
            progress.println(line);
        }
    };
    let runs = plan.build_runs;
    'rounds: for round in 2..=runs {
        for config in &plan.configs {
            let Some(i) = doc.configurations.iter().position(|c| {
                c.name == config.name && c.identical_to.is_none() && c.status == Status::Ok
            }) else {
                continue;
            };
            // a pipeline's timed build again: the same flags, the same profile
            let (built, link) = bolt::build_config(config);
            let mut more = Vec::new();
            if is_pgo(config) {
                more.extend(pgo::use_flags(&pgo::profile_path(plan, config)));
            }
            more.extend(link);
            let builder = Builder::with_flags(plan, &built, &config.name, &more);
            let bar = progress.start_config(&format!("{} {round}/{runs}", config.name), 0);
            let mut notes = Vec::new();
            let (run, sample) = builder.clean(round, &bar, &echo, &mut notes)?;
            progress.config_done();
            doc.notes.extend(notes);
            if run.outcome == crate::process::Outcome::Interrupted {
                bar.finish("interrupted");
                break 'rounds;
            }
            let c = &mut doc.configurations[i];
            if !run.outcome.success() {
                // its binary is gone with the build directory, and a build
                // that fails once is not one to recommend: it ends failed
                let (status, exit_code) = steps::status_of(run.outcome);
                bar.finish(&format!("{status:?}").to_lowercase());
                (c.status, c.exit_code) = (status, exit_code);
                c.stderr_tail = Some(run.stderr_tail.clone());
                doc.notes.push(format!(
                    "`{}`: clean build {round} of {runs} failed after build 1 succeeded: the configuration is recorded as failed, with that build's error",
                    config.name
                ));
                save(doc)?;
                continue;
            }
            bar.finish("done");
            // (BOLT's output is not cargo's: nothing to compare it with)
            if let (Some(exe), Some(bin), false) =
                (&run.executable, &c.binary, bolt::is_bolt(config))
            {
                let same = sections::measure(exe)?.sha256;
                if bin.sha256.as_deref() != Some(same.as_str()) {
                    doc.notes.push(format!(
                        "`{}`: clean build {round} made a different binary from build 1 (the build is not reproducible): the sizes are build 1's",
                        config.name
                    ));
                }
            }
            if let Some(build) = c.build.as_mut() {
                build.samples.push(sample);
                steps::aggregate(build);
            }
            save(doc)?;
        }
    }
    for c in doc
        .configurations
        .iter()
        .filter(|c| c.identical_to.is_none())
    {
        let Some(build) = c.build.as_ref().filter(|b| b.samples.len() > 1) else {
            continue;
        };
        let busy: Vec<f64> = build
            .samples
            .iter()
            .filter(|s| s.busy)
            .map(|s| s.contention.unwrap_or(0.0))
            .collect();
        let note = if build.busy {
            busy_note(plan, &c.name, build)
        } else if !busy.is_empty() {
            format!(
                "`{}`: {} of its {} clean builds competed for the CPU (other processes used up to {:.0}% of the machine) and are left out of its median",
                c.name,
                busy.len(),
                build.samples.len(),
                busy.iter().copied().fold(0.0, f64::max) * 100.0
            )
        } else {
            continue;
        };
        doc.notes.push(note);
    }
    // the identical ones share their original's figures, now final
    let finals: BTreeMap<String, Option<doc::Build>> = doc
        .configurations
        .iter()
        .map(|c| (c.name.clone(), c.build.clone()))
        .collect();
    for c in &mut doc.configurations {
        if let Some(original) = &c.identical_to
            && let Some(build) = finals.get(original)
        {
            c.build = build.clone();
        }
    }
    Ok(())
}

/// Measures every configuration into `doc`, calling `save` after each
/// build. A failing configuration does not stop the others; Ctrl-C does.
pub fn run(
    plan: &MeasurePlan,
    doc: &mut MeasureDocument,
    progress: &Progress,
    save: &dyn Fn(&MeasureDocument) -> Result<()>,
) -> Result<()> {
    let (project, base) = (&plan.project, &plan.base);
    let mut expected = project.unit_estimate;
    // (name, settings) of each configuration built so far
    let mut built: Vec<(String, Resolved)> = Vec::new();
    let mut interrupted = false;
    for config in &plan.configs {
        let settings = effective(config, base);
        if let Some((original, _)) = built.iter().find(|(_, s)| values(s) == values(&settings)) {
            let original = doc.config(original).cloned();
            if let Some(original) = original {
                let dir = tool_dir(project).join(&config.name);
                let mut command = vec![plan.cargo.display().to_string()];
                command.extend(cargo_command(plan, config, &dir));
                doc.configurations
                    .push(identical(config, base, command, &original));
                progress.config_done();
                save(doc)?;
                continue;
            }
        }
        let mut notes = Vec::new();
        let measured = measure_one(plan, config, (progress, expected), &mut notes)?;
        if let Some(b) = &measured.build
            && measured.status == Status::Ok
        {
            expected = b.units.len().max(1);
        }
        progress.config_done();
        interrupted = measured.status == Status::Interrupted;
        built.push((config.name.clone(), settings));
        doc.configurations.push(measured);
        doc.notes.extend(notes);
        save(doc)?;
        if interrupted {
            break;
        }
    }
    if !interrupted && plan.build_runs > 1 {
        repeat_builds(plan, doc, progress, save)?;
    }
    doc.notes.extend(identical_notes(doc));
    save(doc)
}
