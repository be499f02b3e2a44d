//! `cargo lto doctor`: reads the workspace's manifests, build scripts,
//! sources, config files and environment (and its newest measure document,
//! when there is one, for its own figures), has `advise::doctor` find the
//! mistakes, renders them; exit 1 when one is an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::advise::doctor::{self, Input, MemberInput};
use crate::cli::DoctorArgs;
use crate::error::exit;
use crate::profile::resolve;
use crate::render;
use crate::results::advice::Severity;
use crate::workspace::{self, CargoFlags, TargetCfg};

/// At most this many Rust files per member are read for `catch_unwind`
/// and backtraces (a generated tree can be huge).
const MAX_SOURCES: usize = 5_000;

/// The `.rs` files under `dir`, skipping `target/` and hidden directories.
fn rust_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if out.len() >= MAX_SOURCES {
            return;
        }
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push((path, text));
        }
    }
}

/// The project's newest measure document, when there is one that reads:
/// doctor works without, so an unreadable or foreign one is passed over.
fn newest_document(target_dir: &Path, root: &Path) -> Option<crate::results::MeasureDocument> {
    let path = crate::results::latest(&crate::results::results_dir(target_dir)).ok()?;
    crate::results::load(&path, Some(root)).ok()
}

/// Runs `doctor`; returns the exit code.
pub fn run(args: &DoctorArgs) -> Result<i32> {
    let cargo = workspace::cargo_binary();
    let flags = CargoFlags::from(&args.project);
    let located = workspace::locate(&cargo, &flags)?;
    let read = |p: &Path| -> Result<(PathBuf, String)> {
        let text = std::fs::read_to_string(p).map_err(|source| super::Error::Read {
            path: p.to_path_buf(),
            source,
        })?;
        Ok((p.to_path_buf(), text))
    };
    let root_manifest = read(&located.root.join("Cargo.toml"))?;
    let mut members = Vec::new();
    for m in &located.members {
        let mut sources = Vec::new();
        let mut dirs: Vec<&Path> = m.roots.iter().filter_map(|r| r.parent()).collect();
        dirs.sort();
        dirs.dedup();
        // src/bin/x.rs and src/main.rs: read src/ once
        let tops: Vec<&Path> = dirs
            .iter()
            .copied()
            .filter(|d| !dirs.iter().any(|o| o != d && d.starts_with(o)))
            .collect();
        for dir in tops {
            rust_files(dir, &mut sources);
        }
        members.push(MemberInput {
            name: m.name.clone(),
            manifest: read(&m.manifest)?,
            lib_crate_types: m.lib_crate_types.clone(),
            lib_name: m.lib_name.clone(),
            bins: m.bins.clone(),
            build_script: m.build_script.as_deref().and_then(|p| read(p).ok()),
            sources,
        });
    }
    let cwd = std::env::current_dir()?;
    let configs: Vec<(PathBuf, String)> = resolve::config_files(&cwd)
        .iter()
        .filter_map(|p| read(p).ok())
        .collect();
    let parsed = resolve::read_configs(&cwd)?;
    let env = |k: &str| std::env::var(k).ok();
    // release, and every custom profile of the root that builds on it
    let table = toml::from_str::<toml::Table>(&root_manifest.1).ok();
    let defined = table.as_ref().and_then(|t| t.get("profile")?.as_table());
    let mut profiles = Vec::new();
    let mut names = vec!["release".to_string()];
    names.extend(defined.into_iter().flat_map(|p| p.keys().cloned()));
    for name in names {
        let chain = resolve::inherits_chain(&name, &root_manifest.0, &parsed, &env);
        let builds_on_release = chain.is_ok_and(|c| c[0] == "release");
        if profiles.iter().any(|(n, _)| *n == name) || !builds_on_release {
            continue;
        }
        if let Ok(r) = resolve::resolve(&name, &root_manifest.0, &parsed, &env) {
            profiles.push((name, r));
        }
    }
    let triple = TargetCfg::probe(None).triple().to_string();
    let report = doctor::doctor(&Input {
        root: located.root.clone(),
        root_manifest,
        members,
        configs,
        env: &env,
        env_names: std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .collect(),
        profiles,
        triple,
        unread_configs: (cwd.clone(), resolve::unread_configs(&cwd, &located.root)),
        measured: newest_document(&located.target_dir, &located.root),
    });
    let mut out = std::io::stdout().lock();
    out.write_all(render::doctor(&report, args.format.into())?.as_bytes())?;
    out.flush()?;
    Ok(
        if report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
        {
            exit::DOCTOR_FOUND_ERRORS
        } else {
            exit::OK
        },
    )
}
