//! The user's Cargo.lock, left as it was: `cargo metadata` and builds
//! create one where there is none, and the guard removes it again.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The workspace's Cargo.lock and whether it existed before the builds.
/// One that cargo creates is removed again by [`Lockfile::restore`], or,
/// when a run ends early (bad input found after `cargo metadata` made it,
/// an error, a panic), when the `Lockfile` is dropped.
#[derive(Debug)]
pub struct Lockfile {
    path: Option<PathBuf>,
    existed: bool,
    /// The build area, held shared while the lock file may be this run's
    /// (released after `restore`, when this is dropped).
    area: Option<super::AreaLock>,
}

impl Lockfile {
    /// Notes the state of `<root>/Cargo.lock` (`root` unknown: nothing to do).
    pub fn before(root: Option<&Path>) -> Lockfile {
        let path = root.map(|r| r.join("Cargo.lock"));
        Lockfile {
            existed: path.as_ref().is_some_and(|p| p.exists()),
            path,
            area: None,
        }
    }

    /// Keeps the build area held until this is dropped.
    pub fn hold(&mut self, area: super::AreaLock) {
        self.area = Some(area);
    }

    /// Gives a Cargo.lock that cargo just created the mtime of `manifest`.
    /// A build script that prints no `rerun-if-changed` is fingerprinted by
    /// the newest file of its package: a lock made anew (and removed again)
    /// by every run would be that file, and rerun the script and relink the
    /// binary in every `--warm` run for nothing.
    pub fn settle(&self, manifest: &Path) -> Result<()> {
        let Some(path) = self.path.as_ref().filter(|p| !self.existed && p.exists()) else {
            return Ok(());
        };
        let meta = std::fs::metadata(manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        filetime::set_file_mtime(path, filetime::FileTime::from_last_modification_time(&meta))
            .with_context(|| format!("setting the time of {}", path.display()))
    }

    /// Removes a Cargo.lock that cargo created; returns it, when it did.
    pub fn restore(&mut self) -> Result<Option<PathBuf>> {
        let Some(path) = self.path.take().filter(|p| !self.existed && p.exists()) else {
            return Ok(None);
        };
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        Ok(Some(path))
    }
}

impl Drop for Lockfile {
    fn drop(&mut self) {
        if let Err(e) = self.restore() {
            eprintln!("cargo-lto: warning: {e:#}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_lockfile_is_removed_and_an_existing_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut lock = Lockfile::before(Some(dir.path()));
        std::fs::write(dir.path().join("Cargo.lock"), "# made by cargo").unwrap();
        let removed = lock.restore().unwrap().unwrap();
        assert_eq!(removed, dir.path().join("Cargo.lock"));
        assert!(!dir.path().join("Cargo.lock").exists());

        std::fs::write(dir.path().join("Cargo.lock"), "# the user's").unwrap();
        let mut lock = Lockfile::before(Some(dir.path()));
        assert_eq!(lock.restore().unwrap(), None);
        drop(lock);
        assert!(
            dir.path().join("Cargo.lock").exists(),
            "the user's lock stays"
        );
    }

    #[test]
    fn a_run_that_ends_early_leaves_no_lockfile() {
        let dir = tempfile::tempdir().unwrap();
        let lock = Lockfile::before(Some(dir.path()));
        std::fs::write(dir.path().join("Cargo.lock"), "# made by cargo metadata").unwrap();
        drop(lock);
        assert!(!dir.path().join("Cargo.lock").exists());
    }

    #[test]
    fn a_created_lockfile_is_never_the_newest_file() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "[package]").unwrap();
        let old = filetime::FileTime::from_unix_time(1_000_000_000, 0);
        filetime::set_file_mtime(&manifest, old).unwrap();
        let lock = Lockfile::before(Some(dir.path()));
        std::fs::write(dir.path().join("Cargo.lock"), "# made by cargo").unwrap();
        lock.settle(&manifest).unwrap();
        let meta = std::fs::metadata(dir.path().join("Cargo.lock")).unwrap();
        assert_eq!(filetime::FileTime::from_last_modification_time(&meta), old);
    }
}
