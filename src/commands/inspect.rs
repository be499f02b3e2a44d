//! `cargo lto inspect`: finds the binaries (a measure document's, or
//! `--file`s), has `inspect::run` write the inspect document, renders it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::InspectArgs;
use crate::error::exit;
use crate::inspect::{self, targets};
use crate::results;

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
    let flags = crate::workspace::CargoFlags {
        package: args.package.clone(),
        bin: args.bin.clone(),
        ..crate::workspace::CargoFlags::from(&args.project)
    };
    let found = super::measured_in(
        flags,
        args.results.as_deref(),
        "or pass --file BINARY",
        true,
    )?;
    let (members, compiled) = match found.project {
        Some(p) => (
            p.member_crates,
            Some(p.dependency_crates).filter(|c| !c.is_empty()),
        ),
        None => (Vec::new(), None),
    };
    Ok(Measured {
        path: found.path,
        doc: found.doc,
        members,
        compiled,
    })
}

/// Runs `inspect`; returns the exit code.
pub fn run(args: &InspectArgs) -> Result<i32> {
    let mut request = inspect::Request {
        split_std: args.split_std,
        // either one given: the other is its documented default
        pair: match (&args.base, &args.against) {
            (None, None) => None,
            (base, against) => Some((
                base.clone().unwrap_or_else(|| "off".into()),
                against.clone().unwrap_or_else(|| "fat".into()),
            )),
        },
        files: !args.file.is_empty(),
        ..inspect::Request::default()
    };
    if args.file.is_empty() {
        let m = document(args)?;
        // --bin names them; -p alone, its packages' binaries
        let bins: Vec<String> = if args.bin.is_empty() {
            m.doc
                .project
                .bins
                .iter()
                .filter(|b| args.package.contains(&b.package))
                .map(|b| b.name.clone())
                .collect()
        } else {
            args.bin.clone()
        };
        request.binaries = targets::from_document(&m.doc, &m.path, &args.config, &bins)?;
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
