//! Which binaries to inspect: those a measure document kept (all that
//! built, or the configurations named), or files given on the command line.

use std::path::{Path, PathBuf};

use crate::error::UsageError;
use crate::results::measure::{MeasureDocument, Status};

/// Binaries given as files, named by their file name.
pub fn from_files(files: &[PathBuf]) -> Vec<(String, PathBuf)> {
    files
        .iter()
        .map(|p| {
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            (name, p.clone())
        })
        .collect()
}

/// The binaries of `doc` (read from `path`): every configuration that
/// built, or those in `names`.
pub fn from_document(
    doc: &MeasureDocument,
    path: &Path,
    names: &[String],
) -> Result<Vec<(String, PathBuf)>, UsageError> {
    let mut chosen = Vec::new();
    if names.is_empty() {
        for c in doc.configurations.iter().filter(|c| c.status == Status::Ok) {
            if let Some(b) = &c.binary {
                chosen.push((c.name.clone(), b.path.clone()));
            }
        }
    }
    for name in names {
        let c = doc.config(name).ok_or_else(|| {
            let known: Vec<&str> = doc.configurations.iter().map(|c| c.name.as_str()).collect();
            UsageError::Project(format!(
                "no configuration named `{name}` in {} (measured: {})",
                path.display(),
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
    if chosen.is_empty() {
        return Err(UsageError::Project(format!(
            "{} has no successfully built configuration to inspect",
            path.display()
        )));
    }
    Ok(chosen)
}
