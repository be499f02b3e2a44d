//! Reports of a sweep: the versioned results document ([`schema`]) and one
//! small module per output format; [`save`] writes documents atomically.

#[cfg(test)]
mod inspect_fixture;
pub mod inspect_markdown;
pub mod inspect_render;
pub mod inspect_schema;
pub mod inspect_table;
pub mod markup;
pub mod schema;
pub mod table;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `bytes` to `path` through a temporary file in the same directory and
/// a rename, so no reader ever sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("a file path has a parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Saves the results document as `results/measure-<start>.json` and
/// `results/latest.json` under `dir`; returns the first path.
pub fn save(dir: &Path, results: &schema::Results) -> Result<std::path::PathBuf> {
    let json = serde_json::to_vec_pretty(results)?;
    let path = dir.join(format!("measure-{}.json", results.started_unix_s));
    write_atomic(&path, &json)?;
    write_atomic(&dir.join("latest.json"), &json)?;
    Ok(path)
}
