//! `apply`: writes settings into the workspace root's Cargo.toml (profile
//! keys) and `.cargo/config.toml` (rustflags keys), shows the diff, and
//! keeps the user's files safe: an atomic write that keeps the file's
//! permissions, a refusal when a file changed since it was read, and a
//! check with `cargo metadata --no-deps` that restores every file byte for
//! byte when cargo rejects the result.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::edit::{self, FlagsKey};
use crate::profile::Lives;
use crate::profile::rustflags::{self, Source, UserFlags};
use crate::profile::settings::Settings;
use crate::results::measure::Workload;
use crate::results::write_atomic;

/// What to apply, and where.
pub struct Request<'a> {
    /// The workspace root directory (its Cargo.toml is the one written).
    pub root: PathBuf,
    /// The profile to write (`release`, or a custom one).
    pub profile: String,
    pub settings: Settings,
    /// The user's rustflags as cargo will read them, for the target.
    pub user_flags: UserFlags,
    /// The config files cargo reads (origin, table), lowest precedence first.
    pub configs: &'a [(String, toml::Table)],
    /// Reads the environment.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Only show the diff.
    pub dry_run: bool,
    /// The cargo to check the result with.
    pub cargo: PathBuf,
    /// The configuration's name, for the `cargo lto build` line of a
    /// pipeline (`pgo`, `bolt`).
    pub config: String,
    /// The runs that trained it, written as the metadata's `train` table
    /// when the manifest has none.
    pub training: Vec<Workload>,
    /// The server under load that trained it too.
    pub server: Option<crate::results::serve::Server>,
    /// Where relative training paths were given from.
    pub cwd: PathBuf,
}

/// What `apply` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The unified diff of every file changed (or that would be).
    pub diff: String,
    /// The files written (none on `--dry-run` or when nothing changed).
    pub written: Vec<PathBuf>,
    /// Keys written, with their TOML value.
    pub keys: Vec<(String, String)>,
    /// Keys not written because the profile already resolves to them.
    pub inherited: Vec<String>,
    /// Things the user should know (overrides elsewhere, …).
    pub notes: Vec<String>,
    /// For a pipeline: the command that builds the release with it.
    pub build_line: Option<String>,
}

/// One file's planned change.
struct Change {
    path: PathBuf,
    /// None: the file does not exist yet.
    old: Option<String>,
    new: String,
}

/// The config file `apply` writes rustflags into: the root's
/// `.cargo/config.toml`, or its legacy `.cargo/config` when only that exists.
fn config_path(root: &Path) -> PathBuf {
    let dir = root.join(".cargo");
    let legacy = dir.join("config");
    if legacy.is_file() && !dir.join("config.toml").exists() {
        legacy
    } else {
        dir.join("config.toml")
    }
}

/// Plans and (unless `dry_run`) performs the edit.
pub fn run(req: &Request) -> Result<Outcome> {
    let manifest_path = req.root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let label = manifest_path.display().to_string();
    let m = edit::manifest(&text, &req.profile, &req.settings, &label)?;
    let mut out = Outcome {
        keys: m.written.clone(),
        inherited: m.inherited.clone(),
        ..Outcome::default()
    };
    let mut changes = vec![Change {
        path: manifest_path.clone(),
        old: Some(text),
        new: m.text,
    }];
    out.notes.extend(overridden(req, &m.written));
    // a step written "off" is no pipeline: nothing to build around cargo
    if !req.settings.steps().is_empty() {
        let pipeline = super::train::Pipeline {
            settings: &req.settings,
            config: &req.config,
            profile: &req.profile,
            training: &req.training,
            server: req.server.as_ref(),
            root: &req.root,
            cwd: &req.cwd,
        };
        let applied = super::train::apply(&pipeline, &mut changes[0].new, &label)?;
        out.keys.extend(applied.keys);
        out.notes.extend(applied.notes);
        out.build_line = Some(applied.build_line);
    }

    let flags = rustflags::extra_flags(
        &req.settings,
        &rustflags::resolve(&req.user_flags),
        &req.user_flags.triple,
    );
    if !flags.is_empty() {
        let key = match req.user_flags.source {
            Source::Build if !req.user_flags.flags.is_empty() => FlagsKey::Build,
            _ => FlagsKey::Target(req.user_flags.triple.clone()),
        };
        if matches!(req.user_flags.source, Source::Env | Source::Encoded) {
            out.notes.push(format!(
                "{} is set in this environment: while it is, cargo ignores every rustflags in config files, these included",
                req.user_flags.origin.trim_start_matches("env ")
            ));
        }
        let path = config_path(&req.root);
        let old = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let new = edit::config(
            old.as_deref().unwrap_or(""),
            &key,
            &flags,
            &path.display().to_string(),
        )?;
        out.keys.extend(
            req.settings
                .living_in(Lives::Rustflags)
                .map(|(k, v)| (k.name().to_string(), v.toml())),
        );
        changes.push(Change { path, old, new });
    }
    changes.retain(|c| c.old.as_deref() != Some(c.new.as_str()));
    for c in &changes {
        out.diff.push_str(&edit::diff(
            c.path.strip_prefix(&req.root).unwrap_or(&c.path),
            c.old.as_deref().unwrap_or(""),
            &c.new,
        ));
    }
    if req.dry_run || changes.is_empty() {
        return Ok(out);
    }
    write_checked(req, &changes)?;
    out.written = changes.into_iter().map(|c| c.path).collect();
    Ok(out)
}

/// Notes for written keys that a config file or the environment overrides.
fn overridden(req: &Request, written: &[(String, String)]) -> Vec<String> {
    let mut notes = Vec::new();
    let prefix = format!(
        "CARGO_PROFILE_{}_",
        req.profile.to_uppercase().replace('-', "_")
    );
    for (key, _) in written {
        let var = format!("{prefix}{}", key.to_uppercase().replace('-', "_"));
        let by_config = req.configs.iter().rev().find_map(|(origin, t)| {
            t.get("profile")?.get(&req.profile)?.get(key)?;
            Some(origin.clone())
        });
        let by = if (req.env)(&var).is_some() {
            Some(format!("the environment variable {var}"))
        } else {
            by_config
        };
        if let Some(by) = by {
            notes.push(format!(
                "`{key}` is also set by {by}, which takes precedence over Cargo.toml: builds keep using that value until you change it there"
            ));
        }
    }
    notes
}

/// A file `apply` would write that cannot be written: refused before
/// anything is. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{} {why}: nothing was written", .path.display())]
pub struct NotWritable {
    /// The file.
    pub path: PathBuf,
    /// Why: `is read-only (mode 444)`, `cannot be written: Read-only file system`.
    pub why: String,
}

crate::exit_code!(NotWritable => crate::error::exit::USAGE);

/// `access(path, W_OK)`: the system's word on writing `path` (a read-only
/// mount says so even to root).
fn access_w(path: &Path) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
    // SAFETY: `c` is a valid NUL-terminated path for the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

/// Refuses a file the user cannot write, or one in a directory they cannot
/// write (the edit is written beside it and renamed over it). A file
/// without write permission is refused even for root: replacing it would
/// undo what its mode says.
fn check_writable(path: &Path) -> Result<(), NotWritable> {
    use std::os::unix::fs::PermissionsExt;
    let refuse = |why: String| NotWritable {
        path: path.to_path_buf(),
        why,
    };
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode();
        if mode & 0o222 == 0 {
            return Err(refuse(format!("is read-only (mode {:o})", mode & 0o777)));
        }
        access_w(path).map_err(|e| refuse(format!("cannot be written: {e}")))?;
    }
    if let Some(dir) = path.ancestors().skip(1).find(|d| d.exists()) {
        access_w(dir).map_err(|e| {
            refuse(format!(
                "cannot be written: its directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    Ok(())
}

/// Writes every change, then has cargo read the result; restores every
/// file as it was when cargo rejects it.
fn write_checked(req: &Request, changes: &[Change]) -> Result<()> {
    for c in changes {
        check_writable(&c.path)?;
    }
    // refuse when a file changed since it was read
    for c in changes {
        let now = std::fs::read_to_string(&c.path).ok();
        if now != c.old {
            bail!(
                "{} changed while cargo-lto was editing it; nothing was written: run `cargo lto apply` again",
                c.path.display()
            );
        }
    }
    let created_dir = changes
        .iter()
        .filter_map(|c| c.path.parent())
        .find(|d| !d.exists())
        .map(Path::to_path_buf);
    // restored files get their mtime back too: cargo's fingerprints read it
    let mtimes: Vec<Option<filetime::FileTime>> = changes
        .iter()
        .map(|c| {
            std::fs::metadata(&c.path)
                .ok()
                .map(|m| filetime::FileTime::from_last_modification_time(&m))
        })
        .collect();
    let mut done: Vec<(&Change, Option<filetime::FileTime>)> = Vec::new();
    let mut result = Ok(());
    for (c, mtime) in changes.iter().zip(mtimes) {
        if let Err(e) = write_atomic(&c.path, c.new.as_bytes()) {
            result = Err(e.into());
            break;
        }
        done.push((c, mtime));
    }
    if result.is_ok() {
        result = check(&req.cargo, &req.root.join("Cargo.toml"));
    }
    if let Err(e) = result {
        for (c, mtime) in done {
            match &c.old {
                Some(old) => {
                    write_atomic(&c.path, old.as_bytes())?;
                    if let Some(mtime) = mtime {
                        filetime::set_file_mtime(&c.path, mtime)?;
                    }
                }
                None => std::fs::remove_file(&c.path)?,
            }
        }
        if let Some(dir) = created_dir {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(e.context("the edit was undone: every file is as it was"));
    }
    Ok(())
}

/// `cargo metadata --no-deps`: cargo reads the manifest and the config
/// files without resolving dependencies (offline, and before anything is
/// downloaded).
fn check(cargo: &Path, manifest: &Path) -> Result<()> {
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .env("RUSTC_WRAPPER", "")
        .output()
        .with_context(|| format!("running {}", cargo.display()))?;
    if !out.status.success() {
        bail!(
            "cargo rejected the result:\n{}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// A `--profile` name `apply` will not write. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("--profile `{name}`: {why}")]
pub struct ProfileNameError {
    /// The name given.
    pub name: String,
    /// Why not.
    pub why: &'static str,
}

crate::exit_code!(ProfileNameError => crate::error::exit::USAGE);

/// Cargo's rules for a profile name (`validate_profile_name` in cargo's
/// manifest schema), checked before anything is written.
pub fn check_profile_name(name: &str) -> Result<(), ProfileNameError> {
    let bad = |why: &'static str| ProfileNameError {
        name: name.to_string(),
        why,
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(bad(
            "Cargo allows only letters, numbers, `_` and `-` in a profile name",
        ));
    }
    // cargo's toml schema: `validate_profile_name`
    const RESERVED: [&str; 21] = [
        "debug",
        "build-override",
        "build",
        "check",
        "clean",
        "config",
        "fetch",
        "fix",
        "install",
        "metadata",
        "package",
        "publish",
        "report",
        "root",
        "run",
        "rust",
        "rustc",
        "rustdoc",
        "target",
        "tmp",
        "uninstall",
    ];
    let lower = name.to_lowercase();
    if RESERVED.contains(&lower.as_str()) || lower.starts_with("cargo") {
        return Err(bad("Cargo reserves this name"));
    }
    if name == "dev" || name == "test" {
        return Err(bad(
            "release settings in a debug profile: use `release` or a custom profile",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(root: &Path) -> Request<'static> {
        let env: &'static dyn Fn(&str) -> Option<String> = &|_| None;
        Request {
            root: root.to_path_buf(),
            profile: "release".into(),
            settings: Settings::default(),
            user_flags: rustflags::detect(&|_| None, &[], "x86_64-unknown-linux-gnu", &|_| false),
            configs: &[],
            env,
            dry_run: false,
            cargo: PathBuf::from("cargo"),
            config: "x".into(),
            training: Vec::new(),
            server: None,
            cwd: root.to_path_buf(),
        }
    }

    #[test]
    fn a_step_written_off_is_no_pipeline() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let mut req = request(dir.path());
        req.dry_run = true;
        req.settings = Settings::parse_list("lto=fat,pgo=off", "test").unwrap();
        let out = run(&req).unwrap();
        assert_eq!(out.build_line, None, "{out:?}");
        assert!(!out.diff.contains("train"), "{}", out.diff);
        req.settings = Settings::parse_list("lto=fat,pgo=on", "test").unwrap();
        let out = run(&req).unwrap();
        assert_eq!(
            out.build_line.as_deref(),
            Some("cargo lto build x --with x:pgo=on")
        );
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "[package]\nname = \"x\"\n# edited meanwhile\n").unwrap();
        let change = Change {
            path: manifest.clone(),
            old: Some("[package]\nname = \"x\"\n".into()),
            new: "[package]\nname = \"x\"\n\n[profile.release]\nlto = \"fat\"\n".into(),
        };
        let err = write_checked(&request(dir.path()), &[change]).unwrap_err();
        assert!(
            err.to_string()
                .contains("changed while cargo-lto was editing it"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&manifest).unwrap(),
            "[package]\nname = \"x\"\n# edited meanwhile\n"
        );
    }

    #[test]
    fn an_atomic_write_keeps_the_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(&path, "a").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"b").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // a new file, and its directory, are created
        let new = dir.path().join(".cargo/config.toml");
        write_atomic(&new, b"c").unwrap();
        assert_eq!(
            std::fs::metadata(&new).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // no temporary file is left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
