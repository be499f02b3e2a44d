//! The second profile layer: what a named profile resolves to, key by key,
//! and where each value came from — Cargo's defaults, the workspace root's
//! Cargo.toml, `.cargo/config.toml` files, or `CARGO_PROFILE_*` variables.
//!
//! Precedence follows Cargo: environment > config files (the nearest to the
//! working directory first, `$CARGO_HOME/config.toml` last) > Cargo.toml.
//! `inherits` chains are followed. Only the keys cargo-lto varies are
//! resolved; others (`rpath`, per-package overrides, …) are left to Cargo.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::settings::{PROFILE_KEYS as KEYS, Settings};

/// One resolved key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedValue {
    /// The value, as TOML would spell it without quotes.
    pub value: String,
    /// Where it came from: `default`, a file path, or an environment variable.
    pub source: String,
}

/// Every resolved key of a profile.
pub type Resolved = BTreeMap<String, ResolvedValue>;

/// Cargo's built-in values for `release` (and everything inheriting it) or `dev`.
fn defaults(root: &str) -> Vec<(&'static str, &'static str)> {
    if root == "dev" || root == "test" {
        vec![
            ("lto", "false"),
            ("codegen-units", "256"),
            ("opt-level", "0"),
            ("panic", "unwind"),
            ("strip", "none"),
            ("debug", "full"),
            ("incremental", "true"),
            ("debug-assertions", "true"),
            ("overflow-checks", "true"),
        ]
    } else {
        vec![
            ("lto", "false"),
            ("codegen-units", "16"),
            ("opt-level", "3"),
            ("panic", "unwind"),
            ("strip", "none"),
            ("debug", "none"),
            ("incremental", "false"),
            ("debug-assertions", "false"),
            ("overflow-checks", "false"),
        ]
    }
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

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
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

/// Resolves `profile` for the workspace whose root manifest is
/// `root_manifest`, with the config files cargo reads (`read_configs`);
/// `env` reads environment variables.
pub fn resolve(
    profile: &str,
    root_manifest: &Path,
    configs: &[(String, toml::Table)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved> {
    let manifest = read_toml(root_manifest)?;
    let manifest_origin = root_manifest.display().to_string();

    // Layers of one profile name, lowest precedence first, plus its `inherits`.
    let layers_of = |name: &str| -> (Vec<(String, toml::Table)>, Option<String>) {
        let mut layers = Vec::new();
        let mut inherits = None;
        let mut push = |origin: String, table: &toml::Table| {
            if let Some(parent) = table.get("inherits").and_then(|v| v.as_str()) {
                inherits = Some(parent.to_string());
            }
            layers.push((origin, table.clone()));
        };
        if let Some(t) = profile_table(&manifest, name) {
            push(manifest_origin.clone(), t);
        }
        for (origin, doc) in configs {
            if let Some(t) = profile_table(doc, name) {
                push(origin.clone(), t);
            }
        }
        let prefix = format!("CARGO_PROFILE_{}_", name.to_uppercase().replace('-', "_"));
        let mut env_table = toml::Table::new();
        let mut env_origin = Vec::new();
        for key in KEYS.iter().chain(std::iter::once(&"inherits")) {
            let var = format!("{prefix}{}", key.to_uppercase().replace('-', "_"));
            if let Some(raw) = env(&var) {
                let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or(toml::Value::String(raw));
                env_table.insert(key.to_string(), value);
                env_origin.push(var);
            }
        }
        if !env_table.is_empty() {
            push(format!("env {}", env_origin.join(" ")), &env_table);
        }
        (layers, inherits)
    };

    // Walk the inherits chain to its root (dev or release), child last.
    let mut chain = vec![profile.to_string()];
    let mut current = profile.to_string();
    while !matches!(current.as_str(), "dev" | "release") {
        let (_, parent) = layers_of(&current);
        let parent = match (current.as_str(), parent) {
            ("test", None) => "dev".to_string(),
            ("bench", None) => "release".to_string(),
            (_, Some(p)) => p,
            (name, None) => anyhow::bail!(
                "profile `{name}` is not defined (no [profile.{name}] with `inherits` in {} or a config file)",
                root_manifest.display()
            ),
        };
        if chain.contains(&parent) || chain.len() > 16 {
            anyhow::bail!(
                "profile `{profile}` inherits in a cycle: {}",
                chain.join(" → ")
            );
        }
        chain.push(parent.clone());
        current = parent;
    }
    chain.reverse();

    let mut resolved: Resolved = defaults(&chain[0])
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                ResolvedValue {
                    value: v.into(),
                    source: "default".into(),
                },
            )
        })
        .collect();
    let mut strip_explicit = false;
    for name in &chain {
        for (origin, table) in layers_of(name).0 {
            for key in KEYS {
                if let Some(value) = table.get(*key) {
                    // Normalise through Settings so `true`/`2` read as Cargo reads them;
                    // a value Cargo would reject is kept as written, for Cargo to reject.
                    let mut one = Settings::default();
                    let text = match one.set(key, value, &origin) {
                        Ok(()) => one
                            .to_map()
                            .remove(*key)
                            .unwrap_or_else(|| value.to_string()),
                        Err(_) => value.to_string(),
                    };
                    strip_explicit |= *key == "strip";
                    resolved.insert(
                        key.to_string(),
                        ResolvedValue {
                            value: text,
                            source: origin.clone(),
                        },
                    );
                }
            }
        }
    }
    // Cargo ≥ 1.77: with no debuginfo anywhere, the default strip is "debuginfo".
    if !strip_explicit && resolved.get("debug").is_some_and(|d| d.value == "none") {
        resolved.insert(
            "strip".into(),
            ResolvedValue {
                value: "debuginfo".into(),
                source: "default (debug = none, Cargo ≥ 1.77)".into(),
            },
        );
    }
    Ok(resolved)
}

/// The resolved profile with `overrides` laid on top, sourced `cargo-lto`.
pub fn with_overrides(base: &Resolved, overrides: &Settings) -> Resolved {
    let mut out = base.clone();
    for (key, value) in overrides.to_map() {
        out.insert(
            key,
            ResolvedValue {
                value,
                source: "cargo-lto".into(),
            },
        );
    }
    if overrides.strip.is_none()
        && overrides.debug.is_some()
        && base
            .get("strip")
            .is_some_and(|s| s.source.starts_with("default"))
    {
        let debug_none = out.get("debug").is_some_and(|d| d.value == "none");
        let value = if debug_none { "debuginfo" } else { "none" };
        out.insert(
            "strip".into(),
            ResolvedValue {
                value: value.into(),
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
        assert_eq!(r["lto"].value, "false");
        assert_eq!(r["codegen-units"].value, "16");
        assert_eq!(r["strip"].value, "debuginfo");
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
        assert_eq!(r["lto"].value, "off");
        assert_eq!(r["lto"].source, "env CARGO_PROFILE_RELEASE_LTO");
        assert_eq!(r["codegen-units"].value, "2");
        assert!(r["codegen-units"].source.ends_with("config.toml"));
        assert_eq!(r["panic"].value, "abort");
        assert_eq!(r["debug"].value, "limited");
        assert_eq!(r["strip"].value, "none");
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
        assert_eq!(r["lto"].value, "fat");
        assert_eq!(r["codegen-units"].value, "1");
        assert_eq!(r["opt-level"].value, "3");
        let err = resolve(
            "nope",
            &dir.path().join("Cargo.toml"),
            &read_configs(dir.path()).unwrap(),
            &no_env,
        );
        assert!(err.unwrap_err().to_string().contains("not defined"));
    }

    #[test]
    fn overrides_are_marked() {
        let base: Resolved = defaults("release")
            .into_iter()
            .map(|(k, v)| {
                (
                    k.into(),
                    ResolvedValue {
                        value: v.into(),
                        source: "default".into(),
                    },
                )
            })
            .collect();
        let over = Settings::parse_list("lto=fat", "t").unwrap();
        let r = with_overrides(&base, &over);
        assert_eq!(
            r["lto"],
            ResolvedValue {
                value: "fat".into(),
                source: "cargo-lto".into()
            }
        );
    }
}
