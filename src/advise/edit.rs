//! Text edits for `apply`, pure: a profile's keys into a Cargo.toml, and
//! rustflags into a `.cargo/config.toml`, with toml_edit so that comments,
//! key order, whitespace and every other table stay byte for byte.

use std::path::Path;

use toml_edit::{Array, DocumentMut, Item, Table, Value};

use crate::profile::resolve;
use crate::profile::settings::{Settings, toml_of};
use crate::profile::{Key, Lives};

/// Why a file cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Not TOML.
    #[error("{file} is not valid TOML: {message}")]
    Parse {
        /// Which file.
        file: String,
        /// toml_edit's message.
        message: String,
    },
    /// A key in the way has another shape (e.g. `profile = 3`).
    #[error("{file}: `{key}` is not a table, so cargo-lto will not touch it")]
    Shape {
        /// Which file.
        file: String,
        key: String,
    },
    /// The profile could not be resolved (an `inherits` cycle, …).
    #[error("{0}")]
    Resolve(String),
}

crate::exit_code!(EditError => crate::error::exit::USAGE);

/// What an edit of a manifest did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEdit {
    /// The new text (equal to the old when nothing changed).
    pub text: String,
    /// Keys written, with their TOML value.
    pub written: Vec<(String, String)>,
    /// Keys left out because the profile already resolves to the value.
    pub inherited: Vec<String>,
}

/// The profiles Cargo defines itself, which need no `inherits`.
const BUILT_IN: [&str; 4] = ["dev", "release", "test", "bench"];

/// `key`'s written value as Cargo reads it (`true` → fat for `lto`, …),
/// for comparing what is written with what is wanted.
fn normal(key: Key, written: &Value) -> Option<crate::profile::Value> {
    (key.spec().parse)(&toml_of(&written.to_string()))
}

fn parse(text: &str, file: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Parse {
        file: file.to_string(),
        message: e.to_string().trim().to_string(),
    })
}

/// The table at `path` under `root`, created (as a `[a.b]` header, its
/// parents implicit) when missing.
fn table_at<'a>(
    root: &'a mut Table,
    path: &[&str],
    file: &str,
) -> Result<&'a mut dyn toml_edit::TableLike, EditError> {
    let mut current: &mut dyn toml_edit::TableLike = root;
    for (i, key) in path.iter().enumerate() {
        if current.get(key).is_none() {
            let mut t = Table::new();
            if i + 1 < path.len() {
                t.set_implicit(true);
            }
            current.insert(key, Item::Table(t));
        }
        current = current
            .get_mut(key)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| EditError::Shape {
                file: file.to_string(),
                key: path[..=i].join("."),
            })?;
    }
    Ok(current)
}

/// What `profile` resolves to from the manifest text alone.
fn resolved(text: &str, profile: &str) -> Result<resolve::Resolved, EditError> {
    let dir = tempfile::tempdir().map_err(|e| EditError::Resolve(e.to_string()))?;
    let path = dir.path().join("Cargo.toml");
    std::fs::write(&path, text).map_err(|e| EditError::Resolve(e.to_string()))?;
    resolve::resolve(profile, &path, &[], &|_| None)
        .map_err(|e| EditError::Resolve(format!("{e:#}")))
}

/// Writes `settings`' profile keys into `[profile.<profile>]` of the
/// manifest `text`: a key already there gets the new value in place (its
/// comments kept); a missing key is added unless the profile already
/// resolves to the value; a custom profile gets `inherits = "release"`.
pub fn manifest(
    text: &str,
    profile: &str,
    settings: &Settings,
    file: &str,
) -> Result<ManifestEdit, EditError> {
    let mut doc = parse(text, file)?;
    let had_table = doc
        .get("profile")
        .and_then(|p| p.as_table_like())
        .and_then(|p| p.get(profile))
        .is_some();
    let mut added = Vec::new();
    let mut written = Vec::new();
    {
        let table = table_at(doc.as_table_mut(), &["profile", profile], file)?;
        if !had_table && !BUILT_IN.contains(&profile) {
            table.insert("inherits", Item::Value(Value::from("release")));
        }
        for (key, wanted) in settings.living_in(Lives::Profile) {
            let value = wanted.toml();
            let new: Value = value.parse().map_err(|_| EditError::Parse {
                file: "cargo-lto's value".into(),
                message: format!("{key} = {value}"),
            })?;
            match table.get_mut(key.name()).and_then(Item::as_value_mut) {
                Some(old) if normal(key, old).as_ref() == Some(wanted) => {}
                Some(old) => {
                    let decor = old.decor().clone();
                    *old = new;
                    *old.decor_mut() = decor;
                    written.push((key.name().to_string(), value));
                }
                None => {
                    table.insert(key.name(), Item::Value(new));
                    added.push((key, value));
                }
            }
        }
    }
    // a new key the profile would resolve to anyway is not written
    let mut inherited = Vec::new();
    let mut current = if added.is_empty() {
        resolve::Resolved::new()
    } else {
        resolved(&doc.to_string(), profile)?
    };
    for (key, value) in added {
        let mut without = doc.clone();
        if let Some(t) = without
            .get_mut("profile")
            .and_then(|p| p.get_mut(profile))
            .and_then(Item::as_table_like_mut)
        {
            t.remove(key.name());
        }
        let after = resolved(&without.to_string(), profile)?;
        if resolve::value_of(&current, key) == resolve::value_of(&after, key) {
            doc = without;
            current = after;
            inherited.push(key.name().to_string());
        } else {
            written.push((key.name().to_string(), value));
        }
    }
    // a table created for nothing is not left behind (but a custom
    // profile must exist to be built with, if only as `inherits`)
    if !had_table && written.is_empty() && BUILT_IN.contains(&profile) {
        return Ok(ManifestEdit {
            text: text.to_string(),
            written,
            inherited,
        });
    }
    if !had_table
        && let Some(t) = doc
            .get_mut("profile")
            .and_then(|p| p.get_mut(profile))
            .and_then(Item::as_table_mut)
    {
        // set apart from what comes before it
        if !text.is_empty() {
            t.decor_mut().set_prefix("\n");
        }
    }
    let mut out = doc.to_string();
    if text.is_empty() {
        out = out.trim_start().to_string();
    }
    Ok(ManifestEdit {
        text: out,
        written,
        inherited,
    })
}

/// Where in a config file the flags go (see `rustflags.rs` for why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagsKey {
    /// `target.<triple>.rustflags`.
    Target(String),
    /// `build.rustflags` (the user's flags are there: a target entry would
    /// silently disable them).
    Build,
}

/// Adds `flags` to the rustflags at `key` of config `text`, after the
/// flags there (an array gets elements, a string gets words); flags
/// already present are not added twice. Returns the new text.
pub fn config(
    text: &str,
    key: &FlagsKey,
    flags: &[String],
    file: &str,
) -> Result<String, EditError> {
    let mut doc = parse(text, file)?;
    let path: Vec<&str> = match key {
        FlagsKey::Target(triple) => vec!["target", triple.as_str()],
        FlagsKey::Build => vec!["build"],
    };
    let created = {
        let mut probe: Option<&Item> = Some(doc.as_item());
        for k in &path {
            probe = probe.and_then(|i| i.get(k));
        }
        probe.is_none()
    };
    let table = table_at(doc.as_table_mut(), &path, file)?;
    match table.get_mut("rustflags") {
        None => {
            let mut array = Array::new();
            flags.iter().for_each(|f| array.push(f.as_str()));
            table.insert("rustflags", Item::Value(Value::Array(array)));
        }
        Some(item) => match item.as_value_mut() {
            Some(Value::Array(array)) => {
                let present: Vec<String> = array
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                for f in flags.iter().filter(|f| !present.contains(f)) {
                    array.push(f.as_str());
                }
            }
            Some(Value::String(s)) => {
                let mut words: Vec<String> =
                    s.value().split_whitespace().map(str::to_string).collect();
                let before = words.len();
                for f in flags {
                    if !words.contains(f) {
                        words.push(f.clone());
                    }
                }
                if words.len() != before {
                    let decor = s.decor().clone();
                    let mut new = toml_edit::Formatted::new(words.join(" "));
                    *new.decor_mut() = decor;
                    *s = new;
                }
            }
            _ => {
                return Err(EditError::Shape {
                    file: file.to_string(),
                    key: format!("{}.rustflags", path.join(".")),
                });
            }
        },
    }
    if created
        && !text.trim().is_empty()
        && let Some(t) = doc.get_mut(path[0]).and_then(|i| {
            let mut item = i;
            for k in &path[1..] {
                item = item.get_mut(k)?;
            }
            item.as_table_mut()
        })
    {
        t.decor_mut().set_prefix("\n");
    }
    Ok(doc.to_string())
}

/// A unified diff of `old` → `new`, labelled with `path`; empty when equal.
pub fn diff(path: &Path, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let label = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}

/// One `train.NAME` table to write: its keys, in order.
#[derive(Debug, Clone)]
pub struct TrainEntry {
    /// The run's name.
    pub name: String,
    /// `args`/`command`, `shell`, `prepare`, `dir`, `stdin`.
    pub keys: Vec<(&'static str, Value)>,
}

/// What an edit of the metadata's `train` table did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainEdit {
    /// The new text (equal to the old when nothing changed).
    pub text: String,
    /// Where a `train` table already was (left as it is), e.g.
    /// `workspace.metadata.cargo-lto.train`.
    pub present: Option<String>,
    /// Where the entries were written, when they were.
    pub written: Option<String>,
}

/// Writes `entries` as `[workspace.metadata.cargo-lto.train.NAME]` (or
/// `package.` when the manifest has no `[workspace]`), unless a `train`
/// table is already in either place: the user's own training is kept.
pub fn train(text: &str, entries: &[TrainEntry], file: &str) -> Result<TrainEdit, EditError> {
    let mut doc = parse(text, file)?;
    let unchanged = |present| TrainEdit {
        text: text.to_string(),
        present,
        written: None,
    };
    for root in ["workspace", "package"] {
        let found = doc
            .get(root)
            .and_then(|t| t.get("metadata"))
            .and_then(|t| t.get("cargo-lto"))
            .and_then(|t| t.get("train"));
        if found.is_some() {
            return Ok(unchanged(Some(format!("{root}.metadata.cargo-lto.train"))));
        }
    }
    if entries.is_empty() {
        return Ok(unchanged(None));
    }
    let root = if doc.get("workspace").is_some() {
        "workspace"
    } else {
        "package"
    };
    for entry in entries {
        let path = [root, "metadata", "cargo-lto", "train", entry.name.as_str()];
        let table = table_at(doc.as_table_mut(), &path, file)?;
        for (key, value) in &entry.keys {
            table.insert(key, Item::Value(value.clone()));
        }
        if let Some(t) = doc
            .get_mut(root)
            .and_then(|i| i.get_mut("metadata"))
            .and_then(|i| i.get_mut("cargo-lto"))
            .and_then(|i| i.get_mut("train"))
            .and_then(|i| i.get_mut(&entry.name))
            .and_then(Item::as_table_mut)
        {
            t.decor_mut().set_prefix("\n");
        }
    }
    Ok(TrainEdit {
        text: doc.to_string(),
        present: None,
        written: Some(format!("{root}.metadata.cargo-lto.train")),
    })
}
