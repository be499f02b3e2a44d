//! Which binaries to inspect: those a measure document kept (all that
//! built, or the configurations named), or files given on the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Error;
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

/// The unstripped twins of `doc`'s stripped binaries
/// (`binary.symbols_from`), by configuration, where they still exist.
pub fn twins(doc: &MeasureDocument) -> BTreeMap<String, PathBuf> {
    doc.configurations
        .iter()
        .filter_map(|c| Some((c.name.clone(), c.binary.as_ref()?.symbols_from.clone()?)))
        .filter(|(_, p)| p.is_file())
        .collect()
}

/// The binaries of `doc` (read from `path`): every configuration that
/// built, or those in `names`.
pub fn from_document(
    doc: &MeasureDocument,
    path: &Path,
    names: &[String],
) -> Result<Vec<(String, PathBuf)>, Error> {
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
            let known = doc.configurations.iter().map(|c| c.name.clone()).collect();
            let (name, path) = (name.clone(), path.to_path_buf());
            Error::NotMeasured { name, path, known }
        })?;
        let b = c.binary.as_ref().ok_or_else(|| Error::NotBuilt {
            name: name.clone(),
            status: format!("{:?}", c.status),
        })?;
        chosen.push((name.clone(), b.path.clone()));
    }
    if chosen.is_empty() {
        return Err(Error::NothingBuilt(path.to_path_buf()));
    }
    Ok(chosen)
}
