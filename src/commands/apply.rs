//! `cargo lto apply CONFIG | --recommended`: finds the settings (a measured
//! configuration, a built-in one, or the recommendation), has
//! `advise::apply` write them into the workspace root, prints the diff.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::advise::apply::{self, Request};
use crate::cli::ApplyArgs;
use crate::error::exit;
use crate::profile::Settings;
use crate::profile::presets::Preset;
use crate::profile::{resolve, rustflags};
use crate::results::measure::Workload;
use crate::workspace::{self, TargetCfg};

/// What `apply` writes: the settings, the target they were measured for,
/// and for a pipeline its name and the runs that trained it.
struct Chosen {
    settings: Settings,
    target: Option<String>,
    name: String,
    training: Vec<Workload>,
    /// The server under load that trained it too.
    server: Option<crate::results::serve::Server>,
}

impl Chosen {
    /// A configuration of the document `found`: trained by its training
    /// runs, or its workloads when they trained it.
    fn measured(
        found: &super::Found,
        name: &str,
        settings: &BTreeMap<String, String>,
        origin: &str,
    ) -> Result<Self> {
        let doc = &found.doc;
        let training = if doc.training.is_empty() {
            doc.workloads.clone()
        } else {
            doc.training.clone()
        };
        Ok(Chosen {
            settings: Settings::from_map(settings, origin)?,
            target: doc.project.target.clone(),
            name: name.to_string(),
            training,
            server: doc.server.clone(),
        })
    }
}

/// The settings to write; `None` when the recommendation is to keep what
/// you have (its reasons printed).
fn settings(args: &ApplyArgs, out: &mut impl Write) -> Result<Option<Chosen>> {
    let hint = "or name a built-in configuration";
    if args.recommended {
        let found = super::measured(&args.project, args.results.as_deref(), hint, false)?;
        let advice = super::recommend::decide(&found, &args.advice)?;
        let Some(name) = &advice.choice else {
            for reason in crate::render::reasons::reasons(&advice) {
                writeln!(out, "{reason}")?;
            }
            writeln!(out, "Nothing written.")?;
            return Ok(None);
        };
        writeln!(out, "Recommended: {name}")?;
        let origin = format!("the recommendation of results {}", advice.results_id);
        return Chosen::measured(&found, name, &advice.settings, &origin).map(Some);
    }
    let name = args.config.as_deref().unwrap_or_default();
    // a measured configuration first: its settings are what was measured
    let found = match super::measured(&args.project, args.results.as_deref(), hint, false) {
        Ok(found) => Some(found),
        Err(e) if args.results.is_some() => return Err(e),
        Err(_) => None,
    };
    if let Some(found) = &found
        && let Some(c) = found.doc.config(name)
    {
        let origin = format!("configuration {name} of {}", found.path.display());
        return Chosen::measured(found, name, &c.settings, &origin).map(Some);
    }
    let mut presets = Preset::Standard.configurations();
    for c in Preset::Pgo.configurations() {
        if !presets.iter().any(|p| p.name == c.name) {
            presets.push(c);
        }
    }
    if let Some(c) = presets.iter().find(|c| c.name == name) {
        return Ok(Some(Chosen {
            settings: c.settings.clone(),
            target: None,
            name: name.to_string(),
            training: Vec::new(),
            server: None,
        }));
    }
    let measured: Vec<String> = found
        .iter()
        .flat_map(|f| f.doc.configurations.iter().map(|c| c.name.clone()))
        .collect();
    let built_in = presets.iter().map(|c| c.name.clone()).collect();
    Err(super::Error::UnknownConfiguration {
        name: name.to_string(),
        measured,
        built_in,
    }
    .into())
}

/// What doctor's `lto-skipped-crate-type` says of the members when the
/// settings turn on LTO across crates: which library file it misses and
/// which binaries it reaches (nothing when the members cannot be read:
/// the write does not depend on it).
fn lto_notes(args: &ApplyArgs, settings: &Settings, target: Option<&str>) -> Vec<String> {
    let Some(lto) = settings.lto().filter(|l| l.crosses_crates()) else {
        return Vec::new();
    };
    let cargo = workspace::cargo_binary();
    let Ok(located) = workspace::locate(&cargo, &workspace::CargoFlags::from(&args.project)) else {
        return Vec::new();
    };
    let mut triple = None;
    located
        .members
        .iter()
        .filter_map(|m| {
            let member = crate::advise::doctor::MemberInput {
                name: m.name.clone(),
                lib_crate_types: m.lib_crate_types.clone(),
                lib_name: m.lib_name.clone(),
                bins: m.bins.clone(),
                ..Default::default()
            };
            // rustc is asked for the triple only when a member needs it
            let triple =
                triple.get_or_insert_with(|| TargetCfg::probe(target).triple().to_string());
            let (detail, _) =
                crate::advise::doctor::skipped_crate_type(&member, &args.profile, lto, triple)?;
            Some(crate::render::doctor::message(&detail))
        })
        .collect()
}

/// Runs `apply`; returns the exit code.
pub fn run(args: &ApplyArgs) -> Result<i32> {
    apply::check_profile_name(&args.profile)?;
    let mut out = std::io::stdout().lock();
    let cargo = workspace::cargo_binary();
    let manifest_path = args.project.manifest_path.as_deref();
    if let Some(p) = manifest_path
        && !p.is_file()
    {
        return Err(workspace::Error::ManifestMissing(p.to_path_buf()).into());
    }
    let root = workspace::locate_root(&cargo, manifest_path).map_err(|e| match e {
        workspace::Error::NotAProject(_) => super::Error::NotAProject.into(),
        other => anyhow::Error::from(other),
    })?;
    let Some(Chosen {
        settings,
        target,
        name,
        training,
        server,
    }) = settings(args, &mut out)?
    else {
        return Ok(exit::OK);
    };
    if settings.is_empty() {
        writeln!(
            out,
            "That configuration is your profile as it is: nothing to write."
        )?;
        return Ok(exit::OK);
    }
    if let Some(p) = manifest_path
        && let Some(dir) = p.canonicalize()?.parent()
        && dir != root.canonicalize()?
    {
        writeln!(
            out,
            "note: {} is a workspace member; Cargo ignores a member's [profile] (\"profiles for the non root package will be ignored\"), so the workspace root's Cargo.toml is written",
            p.display()
        )?;
    }
    let cwd = std::env::current_dir()?;
    let configs = resolve::read_configs(&cwd)?;
    if let Some(note) = resolve::unread_configs_note(&cwd, &root) {
        writeln!(out, "note: {}", note.text)?;
    }
    let env = |k: &str| std::env::var(k).ok();
    // rustc is asked for the target only when a rustflags key needs it
    let needs_target = settings.has_rustflags();
    let cfg = if needs_target {
        TargetCfg::probe(target.as_deref())
    } else {
        TargetCfg::default()
    };
    let user_flags = rustflags::detect(&env, &configs, cfg.triple(), &|k| cfg.cfg_matches(k));
    let lto_notes = lto_notes(args, &settings, target.as_deref());
    let outcome = apply::run(&Request {
        root: root.clone(),
        profile: args.profile.clone(),
        settings,
        user_flags,
        configs: &configs,
        env: &env,
        dry_run: args.dry_run,
        cargo,
        config: name,
        training,
        server,
        cwd: cwd.clone(),
    })?;
    out.write_all(outcome.diff.as_bytes())?;
    for note in outcome.notes.iter().chain(&lto_notes) {
        writeln!(out, "note: {note}")?;
    }
    if !outcome.inherited.is_empty() {
        writeln!(
            out,
            "Not written, as [profile.{}] already resolves to the value: {}",
            args.profile,
            outcome.inherited.join(", ")
        )?;
    }
    let paths = |p: &[PathBuf]| {
        p.iter()
            .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if outcome.diff.is_empty() {
        writeln!(out, "Already applied: nothing to change.")?;
    } else if args.dry_run {
        writeln!(out, "Dry run: nothing written.")?;
    } else {
        writeln!(
            out,
            "Wrote {} ({}); cargo accepts the result.",
            paths(&outcome.written),
            outcome
                .keys
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if let Some(line) = &outcome.build_line {
        writeln!(
            out,
            "A pipeline step (PGO, BOLT) runs around cargo's builds, not in Cargo.toml: build the release with\n    {line}"
        )?;
    }
    out.flush()?;
    Ok(exit::OK)
}
