//! One module per `cargo lto` command: each turns CLI arguments into calls
//! of the library and chooses the exit code.

pub mod apply;
pub mod build;
pub mod check;
pub mod doctor;
pub mod error;
pub mod explain;
pub mod inspect;
pub mod measure;
pub mod merge;
pub mod plan;
pub mod recommend;
pub mod report;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::ProjectArgs;
use crate::results;
use crate::workspace::{self, CargoFlags, Project};
pub use error::{Error, exit_code, is_broken_pipe};

/// The matrix the flags ask for.
pub fn matrix(args: &crate::cli::MatrixArgs) -> crate::profile::matrix::MatrixRequest {
    crate::profile::matrix::MatrixRequest {
        preset: args.preset.clone(),
        with: args.with.clone(),
        only: args.only.clone(),
    }
}

/// A measure document, where it was read, and the project when it loads.
pub struct Found {
    /// The document's file.
    pub path: PathBuf,
    pub doc: results::MeasureDocument,
    /// The project (None when it has no binary to choose, e.g. a library).
    pub project: Option<Project>,
}

/// The measure document `results`, or the newest of the project's; refuses
/// another project's. `hint` ends the "no results" message: what else the
/// command accepts. With `full`, the project is loaded as `cargo build`
/// sees it (its crates, for `inspect`); without, only located (no
/// dependency resolution). Either way a Cargo.lock that cargo creates to
/// answer is removed again: reading results leaves the tree as it was.
pub fn measured(
    args: &ProjectArgs,
    results: Option<&Path>,
    hint: &str,
    full: bool,
) -> Result<Found> {
    measured_in(CargoFlags::from(args), results, hint, full)
}

/// [`measured`] for a project named by more of cargo's flags (`inspect`'s
/// `-p` and `--bin` choose among several binaries).
pub fn measured_in(
    flags: CargoFlags,
    results: Option<&Path>,
    hint: &str,
    full: bool,
) -> Result<Found> {
    let cargo = workspace::cargo_binary();
    // the root to refuse other projects' documents by: `locate` (no deps)
    // finds it in any workspace; a full load needs a binary, so it is asked
    // of `cargo locate-project` first
    let mut root = None;
    let project = if full {
        root = workspace::locate_root(&cargo, flags.manifest_path.as_deref()).ok();
        // the lock guard is dropped here: a Cargo.lock cargo made is gone
        workspace::load_untouched(&cargo, &flags)
            .map(|(p, _lock)| (p.workspace_root.clone(), p.target_dir.clone(), Some(p)))
    } else {
        workspace::locate(&cargo, &flags).map(|l| (l.root, l.target_dir, None))
    };
    let (path, project) = match (results, project) {
        (Some(path), project) => (path.to_path_buf(), project.ok()),
        (None, Err(e)) => return Err(e),
        (None, Ok(project)) => {
            let dir = results::results_dir(&project.1);
            let path = results::latest(&dir).map_err(|e| match e {
                results::Error::NoResults { .. } => Error::NoResults {
                    source: e,
                    hint: hint.to_string(),
                }
                .into(),
                e => anyhow::Error::from(e),
            })?;
            (path, Some(project))
        }
    };
    let root = project.as_ref().map(|p| p.0.clone()).or(root);
    let doc = results::load(&path, root.as_deref())?;
    Ok(Found {
        path,
        doc,
        project: project.and_then(|p| p.2),
    })
}
