//! `cargo lto inspect`: finds the binaries (a measure document's, or
//! `--file`s), has `inspect::run` write the inspect document, renders it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::InspectArgs;
use crate::error::{UsageError, exit};
use crate::inspect::{self, targets};
use crate::results;
use crate::workspace::{self, CargoFlags};

/// A measure document, where it was read, and the project's crates: its
/// members' and (when known) all its build compiles.
struct Measured {
    path: PathBuf,
    doc: results::MeasureDocument,
    members: Vec<String>,
    compiled: Option<Vec<String>>,
}

/// The measure document to read, refusing another project's.
fn document(args: &InspectArgs) -> Result<Measured> {
    let cargo = workspace::cargo_binary();
    let flags = CargoFlags::from(&args.project);
    let (path, project) = match (&args.results, workspace::load(&cargo, &flags)) {
        (Some(path), project) => (path.clone(), project.ok()),
        (None, Err(e)) => return Err(e),
        (None, Ok(project)) => {
            let dir = results::results_dir(&project.target_dir);
            let path = results::latest(&dir).map_err(|e| match e {
                results::Error::NoResults { .. } => {
                    UsageError::Project(format!("{e}, or pass --file BINARY")).into()
                }
                e => anyhow::Error::from(e),
            })?;
            (path, Some(project))
        }
    };
    // Without a project (no binary to choose, as in a library or
    // multi-binary workspace) the root alone still refuses another
    // project's document.
    let root = match &project {
        Some(p) => Some(p.workspace_root.clone()),
        None => workspace::locate_root(&cargo, flags.manifest_path.as_deref()),
    };
    let doc = results::load(&path, root.as_deref())?;
    let (members, compiled) = match project {
        Some(p) => (
            p.member_crates,
            Some(p.dependency_crates).filter(|c| !c.is_empty()),
        ),
        None => (Vec::new(), None),
    };
    Ok(Measured {
        path,
        doc,
        members,
        compiled,
    })
}

/// Runs `inspect`; returns the exit code.
pub fn run(args: &InspectArgs) -> Result<i32> {
    let mut request = inspect::Request {
        split_std: args.split_std,
        pair: args.base.clone().zip(args.against.clone()),
        files: !args.file.is_empty(),
        ..inspect::Request::default()
    };
    if args.file.is_empty() {
        let m = document(args)?;
        request.binaries = targets::from_document(&m.doc, &m.path, &args.config)?;
        request.workspace_crates = m.members;
        request.user_crates = m.compiled;
        request.target = m.doc.project.target.clone();
    } else {
        request.binaries = targets::from_files(&args.file);
    }
    let doc = inspect::run(&request)?;
    let mut out = std::io::stdout().lock();
    out.write_all(crate::render::inspect(&doc, args.format.into(), args.top)?.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}
