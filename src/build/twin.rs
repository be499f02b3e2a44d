//! An unstripped twin of a stripped binary, for `inspect`. A release
//! profile with `strip = "symbols"` ships binaries without a symbol table,
//! and inspect's views (size per crate, the diff, calls, duplicates) need
//! one. The measured binary must stay byte-identical to plain cargo's, so
//! nothing about its build changes: the rustc wrapper saves the final
//! rustc invocation of a stripped binary crate (arguments, environment,
//! directory), and after the timed build the sweep runs it once more with
//! `-C strip=none`, writing the twin to a path of its own. The same
//! arguments give the same code; the twin is used only when its `.text`
//! equals the binary's byte for byte.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// Set, to the binary crates' names (comma separated), for the build
/// whose binaries are measured (the first clean build): only then, and
/// only for those crates (not a build script, also a stripped `bin`), does
/// the wrapper save their invocations.
pub const SAVE_ENV: &str = "CARGO_LTO_SAVE_STRIPPED";

/// A saved rustc invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invocation {
    /// The rustc cargo gave the wrapper.
    pub rustc: PathBuf,
    /// Its arguments, `@argfile`s read.
    pub args: Vec<String>,
    /// The environment rustc ran in (a compile may read any variable:
    /// `env!`), kept only until the twin is built.
    pub env: BTreeMap<String, String>,
    /// The working directory.
    pub cwd: PathBuf,
}

/// Where the wrapper saves crate `crate_name`'s invocation, beside `log`.
pub fn saved_path(log: &Path, crate_name: &str) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{crate_name}.rustc.json"));
    log.with_file_name(name)
}

/// True when `args` (expanded) strip the symbol table: `-C strip=symbols`.
pub fn strips_symbols(args: &[String]) -> bool {
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        let value = match a.as_str() {
            "-C" | "--codegen" => iter.next().map(String::as_str),
            other => other
                .strip_prefix("-C")
                .or_else(|| other.strip_prefix("--codegen="))
                .filter(|v| v.starts_with("strip=")),
        };
        if value == Some("strip=symbols") {
            return true;
        }
    }
    false
}

/// The twin's arguments: `args` with `-C strip=none`, the link alone
/// emitted, to `out` (cargo's `--out-dir` and `--emit` dropped).
pub fn twin_args(args: &[String], out: &Path) -> Vec<String> {
    let mut result = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "--out-dir" | "--emit" | "-o" => {
                iter.next();
            }
            "-C" | "--codegen" if iter.peek().is_some_and(|v| v.starts_with("strip=")) => {
                iter.next();
            }
            other
                if other.starts_with("--out-dir=")
                    || other.starts_with("--emit=")
                    || other.starts_with("-Cstrip=")
                    || other.starts_with("--codegen=strip=") => {}
            _ => result.push(a.clone()),
        }
    }
    result.extend([
        "-C".into(),
        "strip=none".into(),
        "--emit=link".into(),
        "-o".into(),
        out.display().to_string(),
    ]);
    result
}

/// Saves the invocation of a stripped binary crate (called by the
/// wrapper, with the arguments' argfiles read).
pub fn save(log: &Path, crate_name: &str, rustc: &Path, args: &[String]) -> Result<()> {
    let invocation = Invocation {
        rustc: rustc.to_path_buf(),
        args: args.to_vec(),
        env: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        cwd: std::env::current_dir().context("reading the current directory")?,
    };
    let path = saved_path(log, crate_name);
    let json = serde_json::to_vec(&invocation)?;
    std::fs::write(&path, json).with_context(|| format!("writing {}", path.display()))?;
    restrict(&path);
    Ok(())
}

/// The saved environment may hold secrets: only the owner may read it.
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

/// Removes a saved invocation no twin was built from (the binary had
/// symbols after all, or the twin failed before reading it).
pub fn discard(log: &Path, crate_name: &str) {
    let _ = std::fs::remove_file(saved_path(log, crate_name));
}

/// Builds the twin of `crate_name` saved beside `log` to `out`, and removes
/// the saved invocation. `Ok(None)`: nothing was saved (the binary is not
/// stripped by its profile).
pub fn build(log: &Path, crate_name: &str, out: &Path) -> Result<Option<PathBuf>> {
    let saved = saved_path(log, crate_name);
    let Ok(bytes) = std::fs::read(&saved) else {
        return Ok(None);
    };
    let _ = std::fs::remove_file(&saved);
    let inv: Invocation =
        serde_json::from_slice(&bytes).with_context(|| format!("reading {}", saved.display()))?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let args = twin_args(&inv.args, out);
    let output = std::process::Command::new(&inv.rustc)
        .args(&args)
        .env_clear()
        .envs(
            inv.env
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
        .current_dir(&inv.cwd)
        .output()
        .with_context(|| format!("running {}", inv.rustc.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        bail!("the unstripped link failed ({}): {last}", output.status);
    }
    Ok(Some(out.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn stripped_invocations_are_recognised() {
        assert!(strips_symbols(&s(&["-C", "strip=symbols"])));
        assert!(strips_symbols(&s(&["-Cstrip=symbols"])));
        assert!(strips_symbols(&s(&["--codegen=strip=symbols"])));
        assert!(!strips_symbols(&s(&["-C", "strip=debuginfo"])));
        assert!(!strips_symbols(&s(&["-C", "opt-level=3"])));
    }

    #[test]
    fn the_twin_links_unstripped_to_its_own_path() {
        let args = s(&[
            "--crate-name",
            "app",
            "--emit=dep-info,link",
            "-C",
            "strip=symbols",
            "-C",
            "opt-level=3",
            "--out-dir",
            "/t/deps",
            "-Cstrip=symbols",
            "-C",
            "metadata=abc",
        ]);
        let twin = twin_args(&args, Path::new("/t/twin/app"));
        assert_eq!(
            twin,
            s(&[
                "--crate-name",
                "app",
                "-C",
                "opt-level=3",
                "-C",
                "metadata=abc",
                "-C",
                "strip=none",
                "--emit=link",
                "-o",
                "/t/twin/app",
            ])
        );
    }
}
