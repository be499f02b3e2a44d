//! The standard library's own build, read from the toolchain: the crates it
//! is made of (std, core, alloc — and its dependencies gimli, addr2line,
//! memchr, hashbrown, …, which ship as rlibs of their own in the sysroot)
//! and the symbols those rlibs define. A function of a crate both std and
//! the user depend on (memchr, hashbrown) is std's exactly when its symbol
//! is one std's build defines: the symbol's hash differs between the two
//! builds of the crate.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use object::read::archive::ArchiveFile;

use super::crates::STD_CRATES;
use object::{Object, ObjectSymbol};

/// What the toolchain's std is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdLib {
    /// Crate names of the sysroot's rlibs (std's own crates and their dependencies).
    pub crates: BTreeSet<String>,
    /// Mangled names of the Rust functions and data those rlibs define.
    pub symbols: HashSet<String>,
}

/// The crate name of a sysroot rlib: `libgimli-0a1b2c.rlib` → `gimli`.
pub fn rlib_crate(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_prefix("lib")?.strip_suffix(".rlib")?;
    Some(stem.rsplit_once('-').map_or(stem, |(name, _)| name))
}

impl StdLib {
    /// The sysroot library directory of `target` (the host's when `None`),
    /// as the `rustc` given reports it.
    pub fn dir(rustc: &Path, target: Option<&str>) -> Result<PathBuf> {
        // one rustc: the sysroot, then (for the host) the host's triple
        let mut args = vec!["--print", "sysroot"];
        if target.is_none() {
            args.extend(["--print", "host-tuple"]);
        }
        let out = Command::new(rustc)
            .args(&args)
            .output()
            .with_context(|| format!("running {}", rustc.display()))?;
        anyhow::ensure!(
            out.status.success(),
            "{} {} failed",
            rustc.display(),
            args.join(" ")
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let sysroot = lines
            .next()
            .context("rustc printed no sysroot")?
            .to_string();
        let triple = match target {
            Some(t) => t.to_string(),
            None => lines
                .next()
                .context("rustc printed no host")?
                .trim()
                .to_string(),
        };
        Ok(Path::new(sysroot.trim())
            .join("lib/rustlib")
            .join(triple)
            .join("lib"))
    }

    /// Reads every rlib in `dir`: its crate name, and the symbols its
    /// object files define.
    pub fn read(dir: &Path) -> Result<StdLib> {
        let mut std = StdLib::default();
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("reading {}", dir.display()))?
                .path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(rlib_crate)
            else {
                continue;
            };
            std.crates.insert(name.to_string());
            // Symbols matter only for std's dependencies (std's own crates are
            // std's by name): they are defined in their rlibs, or in libstd's
            // (std's instances of their generics). core, alloc and
            // compiler_builtins, the largest, need not be read.
            if name != "std" && STD_CRATES.contains(&name) {
                continue;
            }
            // mapped: only the pages of the symbol tables are read
            let data = super::map(&path)?;
            let archive = ArchiveFile::parse(&*data)
                .with_context(|| format!("{} is not an rlib", path.display()))?;
            for member in archive.members() {
                let member = member.with_context(|| format!("reading {}", path.display()))?;
                if !member.name().ends_with(b".o") {
                    continue; // the crate's metadata
                }
                let Ok(bytes) = member.data(&*data) else {
                    continue;
                };
                let Ok(object) = object::File::parse(bytes) else {
                    continue;
                };
                for symbol in object.symbols().filter(|s| s.is_definition()) {
                    if let Ok(n) = symbol.name()
                        && (n.starts_with("_ZN") || n.starts_with("_R"))
                    {
                        std.symbols.insert(n.to_string());
                    }
                }
            }
        }
        Ok(std)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rlib_names() {
        assert_eq!(rlib_crate("libgimli-0a1b2c3d.rlib"), Some("gimli"));
        assert_eq!(
            rlib_crate("librustc_std_workspace_core-99.rlib"),
            Some("rustc_std_workspace_core")
        );
        assert_eq!(rlib_crate("libstd-d1237ef7159db0a2.so"), None);
        assert_eq!(rlib_crate("librustc-stable_rt.asan.a"), None);
    }

    #[test]
    fn this_toolchains_std_is_read() {
        let dir = StdLib::dir(Path::new("rustc"), None).unwrap();
        let std = StdLib::read(&dir).unwrap();
        for krate in [
            "std",
            "core",
            "alloc",
            "gimli",
            "memchr",
            "hashbrown",
            "addr2line",
        ] {
            assert!(
                std.crates.contains(krate),
                "{krate} not among {:?}",
                std.crates
            );
        }
        assert!(std.symbols.len() > 1_000, "{}", std.symbols.len());
        assert!(
            std.symbols.iter().any(|s| s.contains("6memchr")),
            "memchr's symbols are read"
        );
    }
}
