//! The user's build environment where it meets a measurement: a rustc
//! wrapper of theirs (sccache, …) would turn builds into cache hits, so it
//! is bypassed and the results say so; a Cargo.lock that cargo creates to
//! build is removed again, so their tree is left as it was.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The rustc wrappers the user configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wrappers {
    /// Each wrapper and where it is set, in words.
    pub found: Vec<String>,
    /// A config file sets `build.rustc-workspace-wrapper`, which must be
    /// overridden with an empty `RUSTC_WORKSPACE_WRAPPER`.
    pub config_workspace_wrapper: bool,
}

impl Wrappers {
    /// What the results should say about them.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.found.is_empty() {
            notes.push(format!(
                "your rustc wrapper {} is bypassed while measuring: a caching wrapper such as sccache turns builds into cache hits and falsifies their times",
                self.found.join(", ")
            ));
        }
        if self.config_workspace_wrapper {
            notes.push("overriding build.rustc-workspace-wrapper sets RUSTC_WORKSPACE_WRAPPER=\"\", which changes the workspace members' symbol hashes: binary sizes may differ from a plain build's by a few bytes".into());
        }
        notes
    }
}

/// Finds the wrappers set in the environment and in `configs`, the config
/// files cargo reads (path, table).
pub fn user_wrappers(configs: &[(String, toml::Table)]) -> Wrappers {
    let mut w = Wrappers::default();
    for var in [
        "RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    ] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            w.found
                .push(format!("`{}` (from ${var})", v.to_string_lossy()));
        }
    }
    for (file, doc) in configs {
        let build = doc.get("build").and_then(|b| b.as_table());
        for key in ["rustc-wrapper", "rustc-workspace-wrapper"] {
            if let Some(v) = build.and_then(|b| b.get(key)).and_then(|v| v.as_str())
                && !v.is_empty()
            {
                w.found.push(format!("`{v}` (build.{key} in {file})"));
                w.config_workspace_wrapper |= key == "rustc-workspace-wrapper";
            }
        }
    }
    w
}

/// The workspace's Cargo.lock and whether it existed before the builds.
/// One that cargo creates is removed again by [`Lockfile::restore`], or,
/// when a run ends early (bad input found after `cargo metadata` made it,
/// an error, a panic), when the `Lockfile` is dropped.
#[derive(Debug)]
pub struct Lockfile {
    path: Option<PathBuf>,
    existed: bool,
}

impl Lockfile {
    /// Notes the state of `<root>/Cargo.lock` (`root` unknown: nothing to do).
    pub fn before(root: Option<&Path>) -> Lockfile {
        let path = root.map(|r| r.join("Cargo.lock"));
        Lockfile {
            existed: path.as_ref().is_some_and(|p| p.exists()),
            path,
        }
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

    /// Removes a Cargo.lock that cargo created; returns the note saying so.
    pub fn restore(&mut self) -> Result<Option<String>> {
        let Some(path) = self.path.take().filter(|p| !self.existed && p.exists()) else {
            return Ok(None);
        };
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        Ok(Some(format!(
            "{} did not exist; cargo created one to build and cargo-lto removed it again (commit a Cargo.lock for reproducible measurements)",
            path.display()
        )))
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
        let note = lock.restore().unwrap().unwrap();
        assert!(note.contains("did not exist"), "{note}");
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

    #[test]
    fn wrapper_notes() {
        let w = Wrappers {
            found: vec!["`sccache` (from $RUSTC_WRAPPER)".into()],
            config_workspace_wrapper: true,
        };
        let notes = w.notes();
        assert!(notes[0].contains("sccache") && notes[0].contains("bypassed"));
        assert!(notes[1].contains("RUSTC_WORKSPACE_WRAPPER"));
        assert!(Wrappers::default().notes().is_empty());
    }
}
