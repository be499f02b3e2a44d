//! One module per `cargo lto` command: each turns CLI arguments into calls
//! of the library and chooses the exit code.

pub mod inspect;
pub mod measure;
pub mod recommend;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::ProjectArgs;
use crate::error::UsageError;
use crate::results;
use crate::workspace::{self, CargoFlags, Project};

/// A measure document, where it was read, and the project when it loads.
pub struct Found {
    /// The document's file.
    pub path: PathBuf,
    /// The document.
    pub doc: results::MeasureDocument,
    /// The project (None when it has no binary to choose, e.g. a library).
    pub project: Option<Project>,
}

/// The measure document `results`, or the newest of the project's; refuses
/// another project's. `hint` ends the "no results" message: what else the
/// command accepts.
pub fn measured(args: &ProjectArgs, results: Option<&Path>, hint: &str) -> Result<Found> {
    let cargo = workspace::cargo_binary();
    let flags = CargoFlags::from(args);
    let (path, project) = match (results, workspace::load(&cargo, &flags)) {
        (Some(path), project) => (path.to_path_buf(), project.ok()),
        (None, Err(e)) => return Err(e),
        (None, Ok(project)) => {
            let dir = results::results_dir(&project.target_dir);
            let path = results::latest(&dir).map_err(|e| match e {
                results::Error::NoResults { .. } => {
                    UsageError::Project(format!("{e}, {hint}")).into()
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
    Ok(Found { path, doc, project })
}
