//! Release-profile settings as a user writes them: every key optional, each
//! value checked against what Cargo accepts (see `shared/FACTS.md`).
//!
//! This is the first of the three profile layers (what the user wrote → what
//! it resolves to → what cargo is given), in the spirit of Cargo's own
//! `TomlProfile` / `Profile` split.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::UsageError;

/// The `lto` key. `true` is fat and `false` is thin-local, as in Cargo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lto {
    /// `lto = false`: thin LTO across one crate's codegen units only.
    ThinLocal,
    /// `lto = "off"`: no LTO at all.
    Off,
    /// `lto = "thin"`: ThinLTO across all crates.
    Thin,
    /// `lto = true` or `"fat"`: one merged module.
    Fat,
}

impl Lto {
    /// The TOML value Cargo reads for this setting.
    pub fn toml(self) -> String {
        match self {
            Lto::ThinLocal => "false".into(),
            Lto::Off => "\"off\"".into(),
            Lto::Thin => "\"thin\"".into(),
            Lto::Fat => "\"fat\"".into(),
        }
    }
}

/// `opt-level`: 0–3, "s" or "z".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptLevel(pub String);

/// `debug`: Cargo's names for the debuginfo levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DebugLevel(pub String);

/// `strip`: "none", "debuginfo" or "symbols".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Strip(pub String);

/// A set of profile keys, each optional: an override on top of a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `lto`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lto: Option<Lto>,
    /// `codegen-units`
    #[serde(rename = "codegen-units", skip_serializing_if = "Option::is_none")]
    pub codegen_units: Option<u32>,
    /// `opt-level`
    #[serde(rename = "opt-level", skip_serializing_if = "Option::is_none")]
    pub opt_level: Option<OptLevel>,
    /// `panic`: "unwind" or "abort"
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panic: Option<String>,
    /// `strip`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strip: Option<Strip>,
    /// `debug`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debug: Option<DebugLevel>,
    /// `incremental`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental: Option<bool>,
    /// `debug-assertions`
    #[serde(rename = "debug-assertions", skip_serializing_if = "Option::is_none")]
    pub debug_assertions: Option<bool>,
    /// `overflow-checks`
    #[serde(rename = "overflow-checks", skip_serializing_if = "Option::is_none")]
    pub overflow_checks: Option<bool>,
    /// `target-cpu` (rustflags, not a profile key): `-C target-cpu`.
    #[serde(rename = "target-cpu", skip_serializing_if = "Option::is_none")]
    pub target_cpu: Option<String>,
    /// `linker` (rustflags): `lld`, `mold`, `bfd`, `gold`, or a path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linker: Option<String>,
    /// `icf` (rustflags): identical-code folding, `none`, `safe` or `all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icf: Option<String>,
}

/// The profile keys [`Settings`] understands, in the order they are printed.
pub const PROFILE_KEYS: &[&str] = &[
    "lto",
    "codegen-units",
    "opt-level",
    "panic",
    "strip",
    "debug",
    "incremental",
    "debug-assertions",
    "overflow-checks",
];

/// The keys that live in rustflags, not in a profile (see `rustflags.rs`).
pub const RUSTFLAGS_KEYS: &[&str] = &["target-cpu", "linker", "icf"];

/// The linkers the `linker` key names (anything else must be a path).
pub const LINKERS: &[&str] = &["lld", "mold", "bfd", "gold"];

impl Settings {
    /// Sets one key from a TOML value, checking it as Cargo would.
    /// `origin` names where the value came from, for the error message.
    pub fn set(&mut self, key: &str, value: &toml::Value, origin: &str) -> Result<(), UsageError> {
        let bad = |expected: &str| UsageError::InvalidSetting {
            origin: origin.to_string(),
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        use toml::Value as V;
        match key {
            "lto" => {
                self.lto = Some(match value {
                    V::Boolean(true) => Lto::Fat,
                    V::Boolean(false) => Lto::ThinLocal,
                    V::String(s) if s == "off" => Lto::Off,
                    V::String(s) if s == "thin" => Lto::Thin,
                    V::String(s) if s == "fat" => Lto::Fat,
                    _ => {
                        return Err(bad(
                            "true, false, \"off\", \"thin\" or \"fat\" (\"true\" as a string is not accepted by Cargo)",
                        ));
                    }
                })
            }
            "codegen-units" => match value {
                V::Integer(n) if (1..=i64::from(u32::MAX)).contains(n) => {
                    self.codegen_units = Some(*n as u32)
                }
                _ => return Err(bad("a whole number of at least 1")),
            },
            "opt-level" => {
                let level = match value {
                    V::Integer(n) if (0..=3).contains(n) => n.to_string(),
                    V::String(s) if ["0", "1", "2", "3", "s", "z"].contains(&s.as_str()) => {
                        s.clone()
                    }
                    _ => return Err(bad("0, 1, 2, 3, \"s\" or \"z\"")),
                };
                self.opt_level = Some(OptLevel(level));
            }
            "panic" => match value {
                V::String(s) if s == "unwind" || s == "abort" => self.panic = Some(s.clone()),
                _ => return Err(bad("\"unwind\" or \"abort\"")),
            },
            "strip" => {
                let strip = match value {
                    V::Boolean(true) => "symbols".to_string(),
                    V::Boolean(false) => "none".to_string(),
                    V::String(s) if ["none", "debuginfo", "symbols"].contains(&s.as_str()) => {
                        s.clone()
                    }
                    _ => return Err(bad("\"none\", \"debuginfo\", \"symbols\", true or false")),
                };
                self.strip = Some(Strip(strip));
            }
            "debug" => {
                let level = match value {
                    V::Boolean(false) | V::Integer(0) => "none".to_string(),
                    V::Integer(1) => "limited".to_string(),
                    V::Boolean(true) | V::Integer(2) => "full".to_string(),
                    V::String(s)
                        if [
                            "none",
                            "line-directives-only",
                            "line-tables-only",
                            "limited",
                            "full",
                        ]
                        .contains(&s.as_str()) =>
                    {
                        s.clone()
                    }
                    _ => {
                        return Err(bad(
                            "0, 1, 2, true, false, \"none\", \"line-directives-only\", \"line-tables-only\", \"limited\" or \"full\"",
                        ));
                    }
                };
                self.debug = Some(DebugLevel(level));
            }
            "target-cpu" => match value {
                V::String(s) if !s.is_empty() && !s.contains(char::is_whitespace) => {
                    self.target_cpu = Some(s.clone())
                }
                _ => return Err(bad("a CPU name such as \"native\" or \"x86-64-v3\"")),
            },
            "linker" => match value {
                V::String(s) if LINKERS.contains(&s.as_str()) => self.linker = Some(s.clone()),
                V::String(s) if s.contains('/') && !s.contains(char::is_whitespace) => {
                    self.linker = Some(s.clone())
                }
                _ => {
                    return Err(bad(
                        "\"lld\", \"mold\", \"bfd\", \"gold\", or a path (without spaces) to the program that links",
                    ));
                }
            },
            "icf" => match value {
                V::String(s) if ["none", "safe", "all"].contains(&s.as_str()) => {
                    self.icf = Some(s.clone())
                }
                _ => return Err(bad("\"none\", \"safe\" or \"all\"")),
            },
            "incremental" | "debug-assertions" | "overflow-checks" => {
                let V::Boolean(b) = value else {
                    return Err(bad("true or false"));
                };
                let slot = match key {
                    "incremental" => &mut self.incremental,
                    "debug-assertions" => &mut self.debug_assertions,
                    _ => &mut self.overflow_checks,
                };
                *slot = Some(*b);
            }
            _ => {
                return Err(UsageError::UnknownSetting {
                    origin: origin.to_string(),
                    key: key.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Parses a table of keys (from TOML metadata).
    pub fn from_table(table: &toml::Table, origin: &str) -> Result<Self, UsageError> {
        let mut settings = Settings::default();
        for (key, value) in table {
            settings.set(key, value, origin)?;
        }
        Ok(settings)
    }

    /// Parses `key=value,key=value` as written on the command line; values are
    /// read as TOML where they parse (`true`, `1`, `"s"`) and as bare strings
    /// otherwise (`fat`, `s`).
    pub fn parse_list(list: &str, origin: &str) -> Result<Self, UsageError> {
        let mut settings = Settings::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((key, raw)) = item.split_once('=') else {
                return Err(UsageError::Syntax {
                    origin: origin.to_string(),
                    message: format!("`{item}` is not KEY=VALUE"),
                });
            };
            let raw = raw.trim();
            let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(raw.to_string()));
            settings.set(key.trim(), &value, origin)?;
        }
        Ok(settings)
    }

    /// The profile keys that are set, as `(key, TOML value)`: what goes
    /// into a cargo profile.
    pub fn profile_pairs(&self) -> Vec<(&'static str, String)> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| PROFILE_KEYS.contains(k))
            .collect()
    }

    /// The `(key, TOML value)` pairs that are set: profile keys in
    /// [`PROFILE_KEYS`] order, then [`RUSTFLAGS_KEYS`].
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let quote = |s: &str| format!("\"{s}\"");
        let mut out = Vec::new();
        if let Some(lto) = self.lto {
            out.push(("lto", lto.toml()));
        }
        if let Some(n) = self.codegen_units {
            out.push(("codegen-units", n.to_string()));
        }
        if let Some(OptLevel(level)) = &self.opt_level {
            let v = if level.parse::<u8>().is_ok() {
                level.clone()
            } else {
                quote(level)
            };
            out.push(("opt-level", v));
        }
        if let Some(panic) = &self.panic {
            out.push(("panic", quote(panic)));
        }
        if let Some(Strip(strip)) = &self.strip {
            out.push(("strip", quote(strip)));
        }
        if let Some(DebugLevel(debug)) = &self.debug {
            out.push(("debug", quote(debug)));
        }
        for (key, value) in [
            ("incremental", self.incremental),
            ("debug-assertions", self.debug_assertions),
            ("overflow-checks", self.overflow_checks),
        ] {
            if let Some(b) = value {
                out.push((key, b.to_string()));
            }
        }
        for (key, value) in [
            ("target-cpu", &self.target_cpu),
            ("linker", &self.linker),
            ("icf", &self.icf),
        ] {
            if let Some(v) = value {
                out.push((key, quote(v)));
            }
        }
        out
    }

    /// Keys set here replace those of `base`.
    pub fn overlay(&self, base: &Settings) -> Settings {
        Settings {
            lto: self.lto.or(base.lto),
            codegen_units: self.codegen_units.or(base.codegen_units),
            opt_level: self.opt_level.clone().or_else(|| base.opt_level.clone()),
            panic: self.panic.clone().or_else(|| base.panic.clone()),
            strip: self.strip.clone().or_else(|| base.strip.clone()),
            debug: self.debug.clone().or_else(|| base.debug.clone()),
            incremental: self.incremental.or(base.incremental),
            debug_assertions: self.debug_assertions.or(base.debug_assertions),
            overflow_checks: self.overflow_checks.or(base.overflow_checks),
            target_cpu: self.target_cpu.clone().or_else(|| base.target_cpu.clone()),
            linker: self.linker.clone().or_else(|| base.linker.clone()),
            icf: self.icf.clone().or_else(|| base.icf.clone()),
        }
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// The set keys as a map, for the results document.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect()
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return f.write_str("(as the profile says)");
        }
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&text.join(" "))
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
