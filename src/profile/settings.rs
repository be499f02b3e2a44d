//! Release-profile settings as a user writes them: every key optional, each
//! value checked against what Cargo accepts (docs/facts.md).
//!
//! This is the first of the three profile layers (what the user wrote → what
//! it resolves to → what cargo is given), in the spirit of Cargo's own
//! `TomlProfile` / `Profile` split.

use std::collections::BTreeMap;
use std::fmt;

use super::keys::{Key, Lives};
use super::values::{Debug, Icf, Linker, Lto, Strip, Value};
use crate::error::UsageError;

/// A set of keys, each optional: an override on top of a profile. Values
/// are typed ([`Value`]) and kept in the key table's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Settings(BTreeMap<Key, Value>);

/// Reads `raw` as the command line and the results documents write a value:
/// as TOML where it parses (`true`, `1`, `"s"`), as a bare string otherwise
/// (`fat`, `s`).
pub fn toml_of(raw: &str) -> toml::Value {
    let raw = raw.trim();
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

/// Parses one value of `key` as Cargo reads it; `origin` names where it
/// was written, for the error.
pub fn parse_value(key: Key, value: &toml::Value, origin: &str) -> Result<Value, UsageError> {
    (key.spec().parse)(value).ok_or_else(|| UsageError::InvalidSetting {
        origin: origin.to_string(),
        key: key.name().to_string(),
        value: value.to_string(),
        expected: key.spec().accepts.to_string(),
    })
}

/// The key named `name`, or the error naming the known ones.
pub fn key_named(name: &str, origin: &str) -> Result<Key, UsageError> {
    Key::by_name(name).ok_or_else(|| UsageError::UnknownSetting {
        origin: origin.to_string(),
        key: name.to_string(),
        known: super::keys::known_names(),
    })
}

impl Settings {
    /// The settings of `pairs`.
    pub fn of(pairs: impl IntoIterator<Item = (Key, Value)>) -> Self {
        Settings(pairs.into_iter().collect())
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: Key) -> Option<&Value> {
        self.0.get(&key)
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: Key, value: Value) {
        self.0.insert(key, value);
    }

    /// Sets the key named `name` from a TOML value, checking it as Cargo
    /// would; `origin` names where the value came from, for the error.
    pub fn set(&mut self, name: &str, value: &toml::Value, origin: &str) -> Result<(), UsageError> {
        let key = key_named(name, origin)?;
        let value = parse_value(key, value, origin)?;
        self.insert(key, value);
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

    /// Parses the `key → value` map a results document records (what
    /// [`Settings::to_map`] wrote).
    pub fn from_map(map: &BTreeMap<String, String>, origin: &str) -> Result<Self, UsageError> {
        let mut settings = Settings::default();
        for (key, raw) in map {
            settings.set(key, &toml_of(raw), origin)?;
        }
        Ok(settings)
    }

    /// Parses `key=value,key=value` as written on the command line; values
    /// are read by [`toml_of`].
    pub fn parse_list(list: &str, origin: &str) -> Result<Self, UsageError> {
        let mut settings = Settings::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((key, raw)) = item.split_once('=') else {
                return Err(UsageError::Syntax {
                    origin: origin.to_string(),
                    message: format!("`{item}` is not KEY=VALUE"),
                });
            };
            settings.set(key.trim(), &toml_of(raw), origin)?;
        }
        Ok(settings)
    }

    /// The keys that are set, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (Key, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// The keys that are set and live in `lives`.
    pub fn living_in(&self, lives: Lives) -> impl Iterator<Item = (Key, &Value)> {
        self.iter().filter(move |(k, _)| k.lives() == lives)
    }

    /// True when a key that lives in rustflags is set.
    pub fn has_rustflags(&self) -> bool {
        self.living_in(Lives::Rustflags).next().is_some()
    }

    /// The profile keys that are set, as `(key, TOML value)`: what goes
    /// into a cargo profile.
    pub fn profile_pairs(&self) -> Vec<(&'static str, String)> {
        self.living_in(Lives::Profile)
            .map(|(k, v)| (k.name(), v.toml()))
            .collect()
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The set keys as a map of plain words, as the results documents
    /// record them ([`Settings::from_map`] reads it back).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.name().to_string(), v.to_string()))
            .collect()
    }

    /// `lto`, if set.
    pub fn lto(&self) -> Option<Lto> {
        match self.get(Key::Lto)? {
            Value::Lto(v) => Some(*v),
            _ => None,
        }
    }

    /// `strip`, if set.
    pub fn strip(&self) -> Option<Strip> {
        match self.get(Key::Strip)? {
            Value::Strip(v) => Some(*v),
            _ => None,
        }
    }

    /// `debug`, if set.
    pub fn debug(&self) -> Option<Debug> {
        match self.get(Key::Debug)? {
            Value::Debug(v) => Some(*v),
            _ => None,
        }
    }

    /// `target-cpu`, if set.
    pub fn target_cpu(&self) -> Option<&str> {
        match self.get(Key::TargetCpu)? {
            Value::TargetCpu(v) => Some(v),
            _ => None,
        }
    }

    /// `linker`, if set.
    pub fn linker(&self) -> Option<&Linker> {
        match self.get(Key::Linker)? {
            Value::Linker(v) => Some(v),
            _ => None,
        }
    }

    /// True when the pipeline step `key` (`pgo`, `bolt`) is set "on".
    pub fn step_on(&self, key: Key) -> bool {
        self.get(key) == Some(&Value::Step(super::values::Step::On))
    }

    /// The pipeline steps set "on", in the order a pipeline runs them.
    pub fn steps(&self) -> Vec<crate::results::pipeline::PipelineStep> {
        let mut steps: Vec<_> = self
            .living_in(Lives::Pipeline)
            .filter(|(k, _)| self.step_on(*k))
            .filter_map(|(k, _)| k.step())
            .collect();
        steps.sort();
        steps
    }

    /// `icf`, if set.
    pub fn icf(&self) -> Option<Icf> {
        match self.get(Key::Icf)? {
            Value::Icf(v) => Some(*v),
            _ => None,
        }
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(as the profile says)");
        }
        let text: Vec<String> = self
            .iter()
            .map(|(k, v)| format!("{k}={}", v.toml()))
            .collect();
        f.write_str(&text.join(" "))
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
