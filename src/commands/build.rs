//! `cargo lto build CONFIG`: one configuration built as `measure` builds
//! it (its PGO and BOLT pipelines included, trained by `--train` or the
//! metadata's `train` table), and its binaries copied to paths it prints:
//! how a release job ships what `measure` measured.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::BuildArgs;
use crate::error::exit;
use crate::measure::runtime::workload::Options;
use crate::measure::{self, BuildRequest, Scope};
use crate::profile::Preset;
use crate::profile::matrix::MatrixRequest;
use crate::results::measure::Status;
use crate::workspace::CargoFlags;

/// The preset that defines `config`, when none was named: pgo's, then
/// standard's (quick's are standard's too).
fn preset_of(config: &str) -> Option<String> {
    [("pgo", Preset::Pgo), ("standard", Preset::Standard)]
        .into_iter()
        .find(|(_, p)| p.configurations().iter().any(|c| c.name == config))
        .map(|(name, _)| name.to_string())
}

/// The request that builds `args.config`.
fn request(args: &BuildArgs) -> BuildRequest {
    BuildRequest {
        invocation: std::iter::once("cargo".to_string())
            .chain(std::env::args().skip(1))
            .collect(),
        scope: Scope {
            flags: CargoFlags::from(&args.cargo),
            matrix: MatrixRequest {
                preset: args.preset.clone().or_else(|| preset_of(&args.config)),
                with: args.with.clone(),
                only: vec![args.config.clone()],
            },
            base_profile: args.base_profile.clone(),
            no_wait: args.no_wait,
            train: args.train.clone(),
            train_cmd: args.train_cmd.clone(),
            options: Options::default(),
        },
        verbose: args.verbose >= 2,
        quiet: args.quiet,
    }
}

/// An unknown CONFIG, worded for `build` (the sweep says `--only`, which
/// the user did not write), with every preset's names besides the matrix's.
fn unknown_config(e: anyhow::Error, config: &str) -> anyhow::Error {
    let Some(crate::error::UsageError::NoSuchConfiguration { known: matrix, .. }) =
        e.downcast_ref::<crate::error::UsageError>()
    else {
        return e;
    };
    let mut known: Vec<String> = Vec::new();
    let presets = [Preset::Standard, Preset::Pgo]
        .into_iter()
        .flat_map(|p| p.configurations().into_iter().map(|c| c.name));
    for name in presets.chain(matrix.iter().cloned()) {
        if !known.contains(&name) {
            known.push(name);
        }
    }
    crate::error::UsageError::Syntax {
        origin: format!("CONFIG `{config}`"),
        message: format!(
            "no such configuration: name one of {}, or define it with --with {config}:KEY=VALUE,…",
            known.join(", ")
        ),
    }
    .into()
}

/// Runs `build`; returns the exit code.
pub fn run(args: &BuildArgs) -> Result<i32> {
    let outcome = measure::build(&request(args)).map_err(|e| unknown_config(e, &args.config))?;
    let doc = &outcome.document;
    let Some(c) = doc.config(&args.config) else {
        anyhow::bail!("`{}` was not built", args.config);
    };
    if !args.quiet {
        for note in &doc.notes {
            eprintln!("note: {}", note.text);
        }
    }
    if args.verbose >= 1 {
        eprint!(
            "{}",
            crate::render::measure(
                doc,
                crate::render::Format::Table,
                crate::render::View { wide: true }
            )?
        );
    }
    if c.status != Status::Ok || !c.built() {
        eprintln!(
            "error: `{}` failed: {}",
            c.name,
            c.stderr_tail.as_deref().unwrap_or("see the notes")
        );
        return Ok(exit::CONFIG_FAILED);
    }
    // beside the results: <target-dir>/cargo-lto/build/
    let area = || -> Result<PathBuf> {
        outcome
            .saved
            .as_ref()
            .and_then(|p| Some(p.parent()?.parent()?.join("build")))
            .context("the results were not saved")
    };
    // one binary: --out is its path; several: the directory they go in
    let several = c.binaries.len() > 1;
    for binary in &c.binaries {
        let file = binary.path.file_name().unwrap_or_default();
        let out = match &args.out {
            Some(p) if several => p.join(file),
            Some(p) => p.clone(),
            None => area()?.join(file),
        };
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::copy(&binary.path, &out)
            .with_context(|| format!("copying {} to {}", binary.path.display(), out.display()))?;
        println!("{}", out.display());
    }
    Ok(exit::OK)
}
