//! `cargo lto inspect`: what crate boundaries cost in the binaries `measure`
//! built (or in any binaries given with `--file`), and what LTO did about them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::{InspectArgs, InspectFormat};
use crate::error::{UsageError, exit};
use crate::inspect::analyse::{self, Analysed};
use crate::report::inspect_schema::{INSPECT_SCHEMA_VERSION, InspectReport};
use crate::report::schema::{Results, SCHEMA_VERSION, Status};
use crate::report::{inspect_markdown, inspect_table};
use crate::workspace::{self, CargoFlags};

/// Notes every inspection carries: what the figures do and do not say.
pub fn standing_notes() -> Vec<String> {
    vec![
        "size per crate: from demangled symbols; trait impls go to the implementing type's crate, drop glue to the dropped type's, generic instances to the generic function's crate (docs/inspect.md)".into(),
        "cross-crate calls are counted where they sit after optimisation: when LTO inlines a function of crate A into a function of crate B, A's outgoing calls become B's, so the count can rise while the calls into your crates fall; calls into panic and error paths are included".into(),
        "functions absent from both builds are not LTO's doing: #[inline] and generic functions are inlined across crates without LTO, and since Rust 1.75 so are small leaf functions (no calls), outside incremental builds".into(),
    ]
}

/// The binaries to inspect, (name, path), and the workspace's crates if known.
struct Targets {
    binaries: Vec<(String, PathBuf)>,
    workspace_crates: Vec<String>,
}

fn targets(args: &InspectArgs) -> Result<Targets> {
    if !args.file.is_empty() {
        let binaries = args
            .file
            .iter()
            .map(|p| {
                let name = p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                (name, p.clone())
            })
            .collect();
        return Ok(Targets {
            binaries,
            workspace_crates: Vec::new(),
        });
    }
    let flags = CargoFlags {
        manifest_path: args.manifest_path.clone(),
        target_dir: args.target_dir.clone(),
        ..CargoFlags::default()
    };
    let cargo = crate::commands::measure::cargo_binary();
    let (results_path, project) = match &args.results {
        Some(path) => (path.clone(), workspace::load(&cargo, &flags).ok()),
        None => {
            let project = workspace::load(&cargo, &flags)?;
            let path = crate::measure::sweep::tool_dir(&project).join("results/latest.json");
            (path, Some(project))
        }
    };
    let text = std::fs::read_to_string(&results_path).map_err(|e| {
        UsageError::Project(format!(
            "no measurements at {} ({e}): run `cargo lto measure` first, or pass --file BINARY",
            results_path.display()
        ))
    })?;
    let results: Results = serde_json::from_str(&text).map_err(|e| {
        UsageError::Project(format!(
            "{} is not a cargo-lto results document (schema {SCHEMA_VERSION}): {e}",
            results_path.display()
        ))
    })?;
    if results.schema_version != SCHEMA_VERSION {
        return Err(UsageError::Project(format!(
            "{} has schema version {}, this cargo-lto reads {SCHEMA_VERSION}: measure again",
            results_path.display(),
            results.schema_version
        ))
        .into());
    }
    if let Some(project) = &project
        && project.workspace_root != results.project.workspace_root
    {
        return Err(UsageError::Project(format!(
            "{} holds results of another project ({}), not of {}: pass --results for this project's, or --manifest-path for that one",
            results_path.display(),
            results.project.workspace_root.display(),
            project.workspace_root.display()
        ))
        .into());
    }
    let ok: Vec<_> = results
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok)
        .collect();
    let mut chosen = Vec::new();
    if args.config.is_empty() {
        for c in &ok {
            if let Some(b) = &c.binary {
                chosen.push((c.name.clone(), b.path.clone()));
            }
        }
    } else {
        for name in &args.config {
            let c = results.config(name).ok_or_else(|| {
                let known: Vec<&str> = results
                    .configurations
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect();
                UsageError::Project(format!(
                    "no configuration named `{name}` in {} (measured: {})",
                    results_path.display(),
                    known.join(", ")
                ))
            })?;
            let b = c.binary.as_ref().ok_or_else(|| {
                UsageError::Project(format!(
                    "configuration `{name}` did not build ({:?}): nothing to inspect",
                    c.status
                ))
            })?;
            chosen.push((name.clone(), b.path.clone()));
        }
    }
    if chosen.is_empty() {
        return Err(UsageError::Project(format!(
            "{} has no successfully built configuration to inspect",
            results_path.display()
        ))
        .into());
    }
    Ok(Targets {
        binaries: chosen,
        workspace_crates: project.map(|p| p.member_crates).unwrap_or_default(),
    })
}

/// Runs `inspect`; returns the exit code.
pub fn run(args: &InspectArgs) -> Result<i32> {
    let Targets {
        binaries: targets,
        workspace_crates,
    } = targets(args)?;
    let mut analysed: Vec<Analysed> = Vec::new();
    for (name, path) in &targets {
        if !path.exists() {
            return Err(UsageError::Project(format!(
                "{} ({name}) does not exist: measure again, or pass an existing --file",
                path.display()
            ))
            .into());
        }
        analysed.push(
            analyse::analyse(name, path, args.split_std, args.top)
                .with_context(|| format!("inspecting {}", path.display()))?,
        );
    }
    let find = |name: &str| analysed.iter().position(|a| a.report.name == name);
    let mut notes = standing_notes();
    let pair = match (&args.base, &args.against) {
        (Some(b), Some(a)) => Some((
            find(b).ok_or_else(|| {
                UsageError::Project(format!(
                    "--base {b}: no such configuration among those inspected"
                ))
            })?,
            find(a).ok_or_else(|| {
                UsageError::Project(format!(
                    "--against {a}: no such configuration among those inspected"
                ))
            })?,
        )),
        (None, None) if !args.file.is_empty() && analysed.len() == 2 => Some((0, 1)),
        (None, None) => match (find("off"), find("fat")) {
            (Some(b), Some(a)) => Some((b, a)),
            _ => {
                notes.push("no diff: the default compares `off` with `fat`, and not both were inspected (choose with --base and --against)".into());
                None
            }
        },
        _ => return Err(UsageError::Project("--base and --against go together".into()).into()),
    };
    let diff = match pair {
        Some((b, a)) if !analysed[b].binary.stripped && !analysed[a].binary.stripped => {
            Some(analyse::diff(&analysed[b], &analysed[a]))
        }
        Some(_) => {
            notes.push("no diff: one of the two binaries is stripped".into());
            None
        }
        None => None,
    };
    // Material: at least 1% of .text, or 16 KiB, in some binary.
    let material = analysed.iter().any(|a| {
        a.report.duplicates.as_ref().is_some_and(|d| {
            d.foldable_bytes >= 16 * 1024 || d.foldable_bytes * 100 >= a.report.text_bytes
        })
    });
    if material {
        notes.push(
            "identical functions make up a material share of .text, and the linker can fold them: on x86_64 Linux rustc links with rust-lld since Rust 1.90, so `-C link-arg=-Wl,--icf=all` (in build.rustflags; there is no profile key) folds them, at the cost of a slightly slower link, and of distinct functions sharing one address (function-pointer comparisons may then compare equal)".into(),
        );
    }
    let report = InspectReport {
        schema_version: INSPECT_SCHEMA_VERSION,
        tool: format!("cargo-lto {}", env!("CARGO_PKG_VERSION")),
        split_std: args.split_std,
        workspace_crates,
        binaries: analysed.into_iter().map(|a| a.report).collect(),
        diff,
        notes,
    };
    let text = match args.format {
        InspectFormat::Table => inspect_table::render(&report, args.top),
        InspectFormat::Markdown => inspect_markdown::render(&report, args.top),
        InspectFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}
