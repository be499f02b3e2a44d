//! Which binaries to inspect: those a measure document kept (all that
//! built, or the configurations named; every binary target, or those
//! named), or files given on the command line.

use std::path::{Path, PathBuf};

use super::{Error, Target};
use crate::results::measure::{Configuration, MeasureDocument, Status};

/// Binaries given as files, named by their file name.
pub fn from_files(files: &[PathBuf]) -> Vec<Target> {
    files
        .iter()
        .map(|p| {
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Target {
                name,
                bin: None,
                path: p.clone(),
                twin: None,
            }
        })
        .collect()
}

/// The binaries of `doc` (read from `path`): of every configuration that
/// built, or of those in `names`; of every binary target measured, or of
/// those in `bins`; grouped by binary target. A stripped binary's
/// unstripped twin comes with it, where it still exists.
pub fn from_document(
    doc: &MeasureDocument,
    path: &Path,
    names: &[String],
    bins: &[String],
) -> Result<Vec<Target>, Error> {
    for bin in bins {
        if !doc.project.bins.iter().any(|b| b.name == *bin) {
            return Err(Error::NoSuchBin {
                name: bin.clone(),
                path: path.to_path_buf(),
                measured: doc.project.bin_names().join(", "),
            });
        }
    }
    let mut configs: Vec<&Configuration> = Vec::new();
    if names.is_empty() {
        configs.extend(
            doc.configurations
                .iter()
                .filter(|c| c.status == Status::Ok && c.built()),
        );
    }
    for name in names {
        let c = doc.config(name).ok_or_else(|| {
            let known = doc.configurations.iter().map(|c| c.name.clone()).collect();
            let (name, path) = (name.clone(), path.to_path_buf());
            Error::NotMeasured { name, path, known }
        })?;
        if !c.built() {
            return Err(Error::NotBuilt {
                name: name.clone(),
                status: format!("{:?}", c.status),
            });
        }
        configs.push(c);
    }
    let mut chosen = Vec::new();
    for bin in doc.project.bin_names() {
        if !bins.is_empty() && !bins.iter().any(|b| b == bin) {
            continue;
        }
        for c in &configs {
            if let Some(b) = c.binary(bin) {
                chosen.push(Target {
                    name: c.name.clone(),
                    bin: Some(bin.to_string()),
                    path: b.path.clone(),
                    twin: b.symbols_from.clone().filter(|p| p.is_file()),
                });
            }
        }
    }
    if chosen.is_empty() {
        return Err(Error::NothingBuilt(path.to_path_buf()));
    }
    Ok(chosen)
}
