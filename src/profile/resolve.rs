//! The second profile layer: what a named profile resolves to, key by key,
//! and where each value came from — Cargo's defaults, the workspace root's
//! Cargo.toml, `.cargo/config.toml` files, or `CARGO_PROFILE_*` variables.
//!
//! Precedence follows Cargo: environment > config files (the nearest to the
//! working directory first, `$CARGO_HOME/config.toml` last) > Cargo.toml.
//! `inherits` chains are followed. Only the keys cargo-lto varies are
//! resolved; others (`rpath`, per-package overrides, …) are left to Cargo.

use crate::results::notes::{Note, NoteKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::keys::{Key, Lives};
use super::settings::{Settings, parse_value, toml_of};
use super::values::{Debug, Strip, Value};

/// Why a profile cannot be resolved. Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A manifest or config file that cannot be read.
    #[error("reading {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A manifest or config file that is not TOML.
    #[error("parsing {}", .path.display())]
    Parse {
        path: PathBuf,
        /// what the parser said
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A profile that is not defined.
    #[error("profile `{name}` is not defined (no [profile.{name}] with `inherits` in {} or a config file)", .manifest.display())]
    Undefined {
        name: String,
        /// the root manifest
        manifest: PathBuf,
    },
    /// An `inherits` cycle.
    #[error("profile `{profile}` inherits in a cycle: {}", .chain.join(" → "))]
    Cycle {
        /// the profile asked for
        profile: String,
        /// the chain walked
        chain: Vec<String>,
    },
    /// A value Cargo would refuse.
    #[error(transparent)]
    Setting(#[from] crate::error::UsageError),
}

crate::exit_code!(Error => crate::error::exit::USAGE);

type Result<T> = std::result::Result<T, Error>;

/// One resolved key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedValue {
    pub value: Value,
    /// Where it came from: `default`, a file path, or an environment variable.
    pub source: String,
}

/// Every resolved key of a profile.
pub type Resolved = BTreeMap<Key, ResolvedValue>;

/// Cargo's built-in values for a profile whose chain ends at `root`, from
/// the key table.
fn defaults(root: &str) -> Resolved {
    Key::living_in(Lives::Profile)
        .filter_map(|key| {
            let value = key.default_in(root)?.clone();
            let source = "default".to_string();
            Some((key, ResolvedValue { value, source }))
        })
        .collect()
}

/// The value of `key` in `resolved`, if it is there.
pub fn value_of(resolved: &Resolved, key: Key) -> Option<&Value> {
    resolved.get(&key).map(|v| &v.value)
}

/// Config files in the order Cargo merges them, lowest precedence first.
pub fn config_files(cwd: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut seen_home = None;
    if let Some(home) = &home {
        for name in ["config", "config.toml"] {
            let p = home.join(name);
            if p.is_file() {
                files.push(p.clone());
                seen_home = Some(p);
            }
        }
    }
    let mut dirs: Vec<&Path> = cwd.ancestors().collect();
    dirs.reverse();
    for dir in dirs {
        for name in ["config", "config.toml"] {
            let p = dir.join(".cargo").join(name);
            if p.is_file() && Some(&p) != seen_home.as_ref() {
                files.push(p);
            }
        }
    }
    files
}

/// The `.cargo/config.toml` (or `config`) files in `manifest_dir` and the
/// directories above it that cargo, run from `cwd`, does not read: cargo
/// reads config files from the directory it runs in and its parents, not
/// from the manifest's (`--manifest-path other/Cargo.toml` ignores
/// `other/.cargo/config.toml`). A user does not expect it: commands that
/// read configs say so.
pub fn unread_configs(cwd: &Path, manifest_dir: &Path) -> Vec<PathBuf> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let read: Vec<PathBuf> = config_files(cwd).iter().map(|p| canonical(p)).collect();
    let mut unread: Vec<PathBuf> = Vec::new();
    for dir in canonical(manifest_dir).ancestors() {
        for name in ["config", "config.toml"] {
            let p = dir.join(".cargo").join(name);
            if p.is_file() && !read.contains(&canonical(&p)) && !unread.contains(&p) {
                unread.push(p);
            }
        }
    }
    unread
}

/// The note for [`unread_configs`], when there are any.
pub fn unread_configs_note(cwd: &Path, manifest_dir: &Path) -> Option<Note> {
    let files = unread_configs(cwd, manifest_dir);
    (!files.is_empty()).then(|| {
        NoteKind::UnreadConfigs {
            cwd: cwd.to_path_buf(),
            files,
        }
        .into()
    })
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| Error::Parse {
        path: path.to_path_buf(),
        source: Box::new(source),
    })
}

/// The config files cargo reads from `cwd`, parsed, lowest precedence
/// first, each with its path.
pub fn read_configs(cwd: &Path) -> Result<Vec<(String, toml::Table)>> {
    config_files(cwd)
        .into_iter()
        .map(|file| Ok((file.display().to_string(), read_toml(&file)?)))
        .collect()
}

/// The `[profile.NAME]` table of a parsed file, if any.
fn profile_table<'a>(doc: &'a toml::Table, name: &str) -> Option<&'a toml::Table> {
    doc.get("profile")?.as_table()?.get(name)?.as_table()
}

/// Where a profile's keys are written: the root manifest, the config
/// files, the environment.
struct Layers<'a> {
    manifest: toml::Table,
    manifest_path: &'a Path,
    configs: &'a [(String, toml::Table)],
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Layers<'_> {
    /// The tables of profile `name`, lowest precedence first, each with
    /// its origin, and the `inherits` the last of them gives.
    fn of(&self, name: &str) -> (Vec<(String, toml::Table)>, Option<String>) {
        let mut layers = Vec::new();
        let mut inherits = None;
        let mut push = |origin: String, table: &toml::Table| {
            if let Some(parent) = table.get("inherits").and_then(|v| v.as_str()) {
                inherits = Some(parent.to_string());
            }
            layers.push((origin, table.clone()));
        };
        if let Some(t) = profile_table(&self.manifest, name) {
            push(self.manifest_path.display().to_string(), t);
        }
        for (origin, doc) in self.configs {
            if let Some(t) = profile_table(doc, name) {
                push(origin.clone(), t);
            }
        }
        let prefix = format!("CARGO_PROFILE_{}_", name.to_uppercase().replace('-', "_"));
        let mut env_table = toml::Table::new();
        let mut env_origin = Vec::new();
        let names = Key::living_in(Lives::Profile).map(Key::name);
        for key in names.chain(std::iter::once("inherits")) {
            let var = format!("{prefix}{}", key.to_uppercase().replace('-', "_"));
            if let Some(raw) = (self.env)(&var) {
                env_table.insert(key.to_string(), toml_of(&raw));
                env_origin.push(var);
            }
        }
        if !env_table.is_empty() {
            push(format!("env {}", env_origin.join(" ")), &env_table);
        }
        (layers, inherits)
    }

    /// The `inherits` chain of `profile`, from its root (`dev` or
    /// `release`) to itself.
    fn chain(&self, profile: &str) -> Result<Vec<String>> {
        let mut chain = vec![profile.to_string()];
        let mut current = profile.to_string();
        while !matches!(current.as_str(), "dev" | "release") {
            let (_, parent) = self.of(&current);
            let parent = match (current.as_str(), parent) {
                ("test", None) => "dev".to_string(),
                ("bench", None) => "release".to_string(),
                (_, Some(p)) => p,
                (name, None) => {
                    return Err(Error::Undefined {
                        name: name.to_string(),
                        manifest: self.manifest_path.to_path_buf(),
                    });
                }
            };
            if chain.contains(&parent) || chain.len() > 16 {
                return Err(Error::Cycle {
                    profile: profile.to_string(),
                    chain,
                });
            }
            chain.push(parent.clone());
            current = parent;
        }
        chain.reverse();
        Ok(chain)
    }
}

/// The `inherits` chain of `profile` as Cargo walks it (the manifest, the
/// config files, `CARGO_PROFILE_*_INHERITS`), from its root (`dev` or
/// `release`) to itself.
pub fn inherits_chain(
    profile: &str,
    root_manifest: &Path,
    configs: &[(String, toml::Table)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>> {
    let layers = Layers {
        manifest: read_toml(root_manifest)?,
        manifest_path: root_manifest,
        configs,
        env,
    };
    layers.chain(profile)
}

/// Resolves `profile` for the workspace whose root manifest is
/// `root_manifest`, with the config files cargo reads (`read_configs`);
/// `env` reads environment variables.
pub fn resolve(
    profile: &str,
    root_manifest: &Path,
    configs: &[(String, toml::Table)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved> {
    let layers = Layers {
        manifest: read_toml(root_manifest)?,
        manifest_path: root_manifest,
        configs,
        env,
    };
    let chain = layers.chain(profile)?;
    let mut resolved = defaults(&chain[0]);
    let mut strip_explicit = false;
    for name in &chain {
        for (origin, table) in layers.of(name).0 {
            for key in Key::living_in(Lives::Profile) {
                if let Some(written) = table.get(key.name()) {
                    // read as Cargo reads it (`true`, `2`, …); a value Cargo
                    // would reject is refused here, naming where it is written
                    let value = parse_value(key, written, &origin)?;
                    strip_explicit |= key == Key::Strip;
                    let source = origin.clone();
                    resolved.insert(key, ResolvedValue { value, source });
                }
            }
        }
    }
    // Cargo ≥ 1.77: with no debuginfo anywhere, the default strip is
    // "debuginfo" (docs/facts.md, "strip's default").
    if !strip_explicit && value_of(&resolved, Key::Debug) == Some(&Value::Debug(Debug::None)) {
        resolved.insert(
            Key::Strip,
            ResolvedValue {
                value: Value::Strip(Strip::Debuginfo),
                source: "default (debug = none, Cargo ≥ 1.77)".into(),
            },
        );
    }
    Ok(resolved)
}

/// The pipeline keys (`pgo`, `bolt`) of any base profile: off, as cargo
/// alone builds.
pub fn pipeline_off() -> Resolved {
    Key::living_in(Lives::Pipeline)
        .map(|key| {
            let value = ResolvedValue {
                value: Value::Step(crate::profile::values::Step::Off),
                source: "default (cargo has no such setting: a step cargo-lto runs)".into(),
            };
            (key, value)
        })
        .collect()
}

/// The resolved profile with `overrides` laid on top, sourced `cargo-lto`.
pub fn with_overrides(base: &Resolved, overrides: &Settings) -> Resolved {
    let mut out = base.clone();
    for (key, value) in overrides.iter() {
        let value = value.clone();
        let source = "cargo-lto".to_string();
        out.insert(key, ResolvedValue { value, source });
    }
    if overrides.strip().is_none()
        && overrides.debug().is_some()
        && base
            .get(&Key::Strip)
            .is_some_and(|s| s.source.starts_with("default"))
    {
        let debug_none = overrides.debug() == Some(Debug::None);
        let strip = if debug_none {
            Strip::Debuginfo
        } else {
            Strip::None
        };
        out.insert(
            Key::Strip,
            ResolvedValue {
                value: Value::Strip(strip),
                source: "default".into(),
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_of_release() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Cargo.toml", "[workspace]\n");
        let r = resolve(
            "release",
            &dir.path().join("Cargo.toml"),
            &read_configs(dir.path()).unwrap(),
            &no_env,
        )
        .unwrap();
        assert_eq!(r[&Key::Lto].value.to_string(), "false");
        assert_eq!(r[&Key::CodegenUnits].value, Value::Count(16));
        assert_eq!(r[&Key::Strip].value, Value::Strip(Strip::Debuginfo));
    }

    #[test]
    fn precedence_env_over_config_over_manifest() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[profile.release]\nlto = true\ncodegen-units = 4\npanic = \"abort\"\ndebug = 1\n",
        );
        write(
            dir.path(),
            ".cargo/config.toml",
            "[profile.release]\ncodegen-units = 2\nlto = \"thin\"\n",
        );
        let env = |k: &str| (k == "CARGO_PROFILE_RELEASE_LTO").then(|| "off".to_string());
        let r = resolve(
            "release",
            &dir.path().join("Cargo.toml"),
            &read_configs(dir.path()).unwrap(),
            &env,
        )
        .unwrap();
        let text = |k: Key| r[&k].value.to_string();
        assert_eq!(text(Key::Lto), "off");
        assert_eq!(r[&Key::Lto].source, "env CARGO_PROFILE_RELEASE_LTO");
        assert_eq!(text(Key::CodegenUnits), "2");
        assert!(r[&Key::CodegenUnits].source.ends_with("config.toml"));
        assert_eq!(text(Key::Panic), "abort");
        assert_eq!(text(Key::Debug), "limited");
        assert_eq!(text(Key::Strip), "none");
    }

    #[test]
    fn custom_profile_inherits() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[profile.release]\nlto = true\n[profile.dist]\ninherits = \"release\"\ncodegen-units = 1\n",
        );
        let r = resolve(
            "dist",
            &dir.path().join("Cargo.toml"),
            &read_configs(dir.path()).unwrap(),
            &no_env,
        )
        .unwrap();
        assert_eq!(r[&Key::Lto].value.to_string(), "fat");
        assert_eq!(r[&Key::CodegenUnits].value, Value::Count(1));
        assert_eq!(r[&Key::OptLevel].value.to_string(), "3");
        let err = resolve(
            "nope",
            &dir.path().join("Cargo.toml"),
            &read_configs(dir.path()).unwrap(),
            &no_env,
        );
        assert!(err.unwrap_err().to_string().contains("not defined"));
    }

    #[test]
    fn the_inherits_chain_runs_to_dev_or_release() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[profile.dist]\ninherits = \"bench\"\n[profile.fast-dev]\ninherits = \"dev\"\n[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n",
        );
        let chain = |name: &str, env: &dyn Fn(&str) -> Option<String>| {
            let manifest = dir.path().join("Cargo.toml");
            inherits_chain(name, &manifest, &read_configs(dir.path()).unwrap(), env)
        };
        assert_eq!(
            chain("dist", &no_env).unwrap(),
            ["release", "bench", "dist"]
        );
        assert_eq!(chain("fast-dev", &no_env).unwrap(), ["dev", "fast-dev"]);
        assert_eq!(chain("test", &no_env).unwrap(), ["dev", "test"]);
        assert!(matches!(chain("a", &no_env), Err(Error::Cycle { .. })));
        // the environment can say where a profile inherits from, as cargo reads it
        let env = |k: &str| (k == "CARGO_PROFILE_FAST_DEV_INHERITS").then(|| "release".to_string());
        assert_eq!(chain("fast-dev", &env).unwrap(), ["release", "fast-dev"]);
    }

    #[test]
    fn overrides_are_marked() {
        let base = defaults("release");
        let over = Settings::parse_list("lto=fat", "t").unwrap();
        let r = with_overrides(&base, &over);
        assert_eq!(
            r[&Key::Lto],
            ResolvedValue {
                value: Value::Lto(super::super::values::Lto::Fat),
                source: "cargo-lto".into()
            }
        );
    }
}
