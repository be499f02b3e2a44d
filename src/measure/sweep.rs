//! The sweep: every configuration in turn, each in its own target directory
//! under `<target-dir>/cargo-lto/<config>/`, the document saved after each.
//!
//! The user's tree is never written, not even a file's times: configurations
//! are config-only custom profiles passed with `--config`, and the rebuild
//! is forced by removing the binary crate's fingerprint in the
//! configuration's own build directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::MeasurePlan;
use super::record;
use super::steps;
use crate::build::{self, Invocation};
use crate::inspect::sections;
use crate::profile::resolve::{Resolved, with_overrides};
use crate::profile::rustflags;
use crate::profile::{BASELINE, Configuration, cargo_args};
use crate::profile::{Key, Value};
use crate::progress::Progress;
use crate::results::measure::{self as doc, MeasureDocument, Status};
use crate::workspace::Project;

/// The environment that gives `config`'s rustflags keys to cargo, with the
/// user's own flags.
pub fn rustflags_env(plan: &MeasurePlan, config: &Configuration) -> Vec<(String, String)> {
    let (base, triple) = (&plan.base, plan.user_flags.triple.as_str());
    let extra = rustflags::extra_flags(&config.settings, base, triple);
    rustflags::env_for(&plan.user_flags, &extra, &|k| std::env::var(k).ok())
}

/// Where a sweep keeps its files under the target directory.
pub fn tool_dir(project: &Project) -> PathBuf {
    project.target_dir.join("cargo-lto")
}

/// The cargo command line (after `cargo`) for one configuration.
pub fn cargo_command(plan: &MeasurePlan, config: &Configuration, target_dir: &Path) -> Vec<String> {
    let (project, request) = (&plan.project, plan.request);
    let flags = &request.flags;
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
    if let Some(color) = &request.color {
        args.extend(["--color".into(), color.clone()]);
    }
    args.extend(["--target-dir".into(), target_dir.display().to_string()]);
    args.extend(cargo_args(config, &request.base_profile));
    args
}

/// Every resolved key `config` builds with.
fn effective(config: &Configuration, base: &Resolved) -> Resolved {
    if config.name == BASELINE {
        base.clone()
    } else {
        with_overrides(base, &config.settings)
    }
}

/// The values of a resolved profile, without where they came from: two
/// configurations with equal values are the same build (cargo's `-C
/// metadata` hashes a profile's settings, not its name).
fn values(resolved: &Resolved) -> BTreeMap<Key, &Value> {
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
        binary: None,
        runtime: Vec::new(),
        identical_to: None,
        machine: None,
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

/// Measures one configuration; `notes` receives what the reader must know.
/// Errors here are the tool's own (I/O); a failing build is a result with a
/// failed status.
pub fn measure_one(
    plan: &MeasurePlan,
    config: &Configuration,
    progress: (&Progress, usize),
    notes: &mut Vec<String>,
) -> Result<doc::Configuration> {
    let (project, request, base) = (&plan.project, plan.request, &plan.base);
    let root = tool_dir(project);
    let target_dir = root.join(&config.name);
    steps::prepare_dir(&target_dir, request.warm)?;
    let args = cargo_command(plan, config, &target_dir);
    let log_dir = root.join("logs");
    let extra_env = rustflags_env(plan, config);
    let invocation = |phase: &str| Invocation {
        cargo: plan.cargo.clone(),
        args: args.clone(),
        wrapper_log: log_dir.join(format!("{}.{phase}.jsonl", config.name)),
        bin: project.bin.clone(),
        timeout: request.timeout,
        blank_workspace_wrapper: plan.blank_workspace_wrapper,
        env: extra_env.clone(),
    };
    let mut command = vec![plan.cargo.display().to_string()];
    command.extend(args.iter().cloned());
    let env = build::wrapper_env(
        &invocation("clean").wrapper_log,
        plan.blank_workspace_wrapper,
    )?;
    let env = env
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .chain(extra_env.iter().cloned())
        .collect();
    let mut result = entry(config, base, command, env);

    let (progress, expected_units) = progress;
    let bar = progress.start_config(&config.name, expected_units);
    let echo = |line: &str| {
        if request.verbose {
            progress.println(line);
        }
    };
    let mut clean = build::run(&invocation("clean"), &|k| bar.units(k), &echo)?;
    // a clean build other processes made busy is built again, from an empty
    // directory, while retries last (a warm one would not be clean)
    let busy = |run: &build::BuildRun| {
        run.usage
            .load
            .is_some_and(|l| l.contention() > crate::load::BUSY)
    };
    let mut retried = 0;
    while busy(&clean) && clean.outcome.success() && retried < request.retry_busy && !request.warm {
        retried += 1;
        bar.phase(&format!("building again: busy (retry {retried})"));
        steps::prepare_dir(&target_dir, false)?;
        clean = build::run(&invocation("clean"), &|k| bar.units(k), &echo)?;
    }
    if retried > 0 {
        notes.push(format!(
            "`{}`: its clean build was busy and was built again {retried} time(s) (--retry-busy); the last one is recorded",
            config.name
        ));
    }
    let clean = steps::record_clean(&clean, &config.name, &project.bin, request.warm);
    notes.extend(clean.note);
    if clean.build.busy {
        notes.push(format!(
            "BUSY: other processes used {:.0}% of the machine during `{}`'s {} build (more than {:.0}%): its build time is not compared",
            clean.build.contention.unwrap_or(0.0) * 100.0,
            config.name,
            if request.warm { "warm" } else { "clean" },
            crate::load::BUSY * 100.0
        ));
    }
    (result.status, result.exit_code, result.stderr_tail) =
        (clean.status, clean.exit_code, clean.stderr_tail);
    let mut build = clean.build;
    let Some(exe) = clean.executable else {
        result.build = Some(build);
        bar.finish(&format!("{:?}", result.status).to_lowercase());
        return Ok(result);
    };
    bar.phase("analysing the binary");
    result.binary = Some(record::binary(&exe, sections::measure(&exe)?));

    if !request.no_rebuild {
        bar.phase("rebuilding the binary crate");
        steps::invalidate_bin(&target_dir, &project.bin)?;
        let rebuilt = build::run(&invocation("rebuild"), &|_| {}, &echo)?;
        if let Some(status) = steps::record_rebuild(&mut build, &rebuilt, &project.bin) {
            result.status = status;
        }
    }
    result.build = Some(build);
    bar.finish("done");
    Ok(result)
}

/// Measures every configuration into `doc`, calling `save` after each.
/// A failing configuration does not stop the others; Ctrl-C does.
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
        let interrupted = measured.status == Status::Interrupted;
        built.push((config.name.clone(), settings));
        doc.configurations.push(measured);
        doc.notes.extend(notes);
        save(doc)?;
        if interrupted {
            break;
        }
    }
    doc.notes.extend(identical_notes(doc));
    save(doc)
}

/// The configurations of shard `k` of `n` (1-based): configurations with
/// the same effective settings form one group (they are one build); the
/// groups other than baseline's are dealt round-robin in matrix order, and
/// baseline itself is in every shard, so each shard's runtime comparisons
/// have their reference measured on the same machine. Deterministic: the
/// same matrix and profile give every shard the same list on any machine.
pub fn shard(configs: &[Configuration], base: &Resolved, k: usize, n: usize) -> Vec<Configuration> {
    let mut out = Vec::new();
    let mut dealt = 0;
    for members in groups(configs, base) {
        let has_baseline = members.iter().any(|c| c.name == BASELINE);
        let mine = if has_baseline {
            k == 1
        } else {
            dealt += 1;
            (dealt - 1) % n == k - 1
        };
        for c in members {
            if mine || c.name == BASELINE {
                out.push(c.clone());
            }
        }
    }
    // matrix order, baseline first
    out.sort_by_key(|c| configs.iter().position(|d| d.name == c.name));
    out
}

/// The configurations grouped by effective settings (each group is one
/// build), in matrix order.
pub fn groups<'a>(configs: &'a [Configuration], base: &Resolved) -> Vec<Vec<&'a Configuration>> {
    let mut groups: Vec<(Resolved, Vec<&Configuration>)> = Vec::new();
    for c in configs {
        let settings = effective(c, base);
        match groups
            .iter_mut()
            .find(|(s, _)| values(s) == values(&settings))
        {
            Some((_, members)) => members.push(c),
            None => groups.push((settings, vec![c])),
        }
    }
    groups.into_iter().map(|(_, m)| m).collect()
}

#[cfg(test)]
mod shard_tests {
    use super::*;
    use crate::profile::Settings;
    use crate::profile::presets::Preset;
    use crate::profile::resolve::ResolvedValue;

    fn base(lto: &str, cgu: &str) -> Resolved {
        let settings =
            Settings::parse_list(&format!("lto={lto},codegen-units={cgu}"), "t").unwrap();
        settings
            .iter()
            .map(|(key, value)| {
                let value = value.clone();
                let source = "test".to_string();
                (key, ResolvedValue { value, source })
            })
            .collect()
    }

    fn names(c: &[Configuration]) -> Vec<&str> {
        c.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn shards_cover_every_configuration_once_with_baseline_in_each() {
        let configs = Preset::Standard.configurations();
        let base = base("false", "16");
        for n in 1..=5 {
            let mut seen = Vec::new();
            for k in 1..=n {
                let s = shard(&configs, &base, k, n);
                assert_eq!(s[0].name, "baseline", "{k}/{n}");
                seen.extend(s.into_iter().map(|c| c.name).filter(|c| c != "baseline"));
            }
            seen.sort();
            let mut all: Vec<String> = configs
                .iter()
                .map(|c| c.name.clone())
                .filter(|c| c != "baseline")
                .collect();
            all.sort();
            assert_eq!(seen, all, "n = {n}");
        }
    }

    #[test]
    fn identical_configurations_share_a_shard() {
        let configs = Preset::Quick.configurations();
        // fat and fat-cgu1 are baseline here: they go with baseline, to
        // shard 1; off and thin are dealt to shards 1 and 2
        let base = base("fat", "1");
        let one = shard(&configs, &base, 1, 2);
        assert_eq!(names(&one), ["baseline", "off", "fat", "fat-cgu1"]);
        assert_eq!(names(&shard(&configs, &base, 2, 2)), ["baseline", "thin"]);
    }
}
