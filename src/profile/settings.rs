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
}

/// The keys [`Settings`] understands, in the order they are printed.
pub const KEYS: &[&str] = &[
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

    /// The `(key, TOML value)` pairs that are set, in [`KEYS`] order.
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
mod tests {
    use super::*;

    #[test]
    fn lto_true_is_fat_and_false_is_thin_local() {
        let s = Settings::parse_list("lto=true", "test").unwrap();
        assert_eq!(s.lto, Some(Lto::Fat));
        let s = Settings::parse_list("lto=false", "test").unwrap();
        assert_eq!(s.lto, Some(Lto::ThinLocal));
        let s = Settings::parse_list("lto=thin", "test").unwrap();
        assert_eq!(s.lto, Some(Lto::Thin));
    }

    #[test]
    fn string_true_is_rejected_like_cargo_does() {
        let err = Settings::parse_list("lto=\"true\"", "--with x").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`lto`"), "{text}");
        assert!(text.contains("--with x"), "{text}");
    }

    #[test]
    fn bare_and_quoted_strings_agree() {
        let a = Settings::parse_list("opt-level=z, panic=abort, strip=symbols", "t").unwrap();
        let b =
            Settings::parse_list("opt-level=\"z\",panic=\"abort\",strip=\"symbols\"", "t").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.to_string(),
            "opt-level=\"z\" panic=\"abort\" strip=\"symbols\""
        );
    }

    #[test]
    fn unknown_key_and_bad_values_are_named() {
        let err = Settings::parse_list("ltoo=fat", "t")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ltoo"), "{err}");
        for bad in [
            "codegen-units=0",
            "opt-level=4",
            "panic=crash",
            "debug=9",
            "incremental=1",
        ] {
            assert!(Settings::parse_list(bad, "t").is_err(), "{bad} accepted");
        }
        assert!(Settings::parse_list("lto", "t").is_err());
    }

    #[test]
    fn overlay_prefers_the_override() {
        let base = Settings::parse_list("lto=thin,codegen-units=4", "t").unwrap();
        let over = Settings::parse_list("lto=fat", "t").unwrap();
        let merged = over.overlay(&base);
        assert_eq!(merged.lto, Some(Lto::Fat));
        assert_eq!(merged.codegen_units, Some(4));
    }

    /// One valid `key=value` of each key, as a user could write it.
    fn valid_item() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            prop::sample::select(vec!["true", "false", "off", "thin", "fat", "\"fat\""])
                .prop_map(|v| format!("lto={v}")),
            (1u32..512).prop_map(|n| format!("codegen-units={n}")),
            prop::sample::select(vec!["0", "1", "2", "3", "s", "z", "\"z\""])
                .prop_map(|v| format!("opt-level={v}")),
            prop::sample::select(vec!["unwind", "abort"]).prop_map(|v| format!("panic={v}")),
            prop::sample::select(vec!["none", "debuginfo", "symbols", "true", "false"])
                .prop_map(|v| format!("strip={v}")),
            prop::sample::select(vec!["0", "1", "2", "none", "line-tables-only", "full"])
                .prop_map(|v| format!("debug={v}")),
            any::<bool>().prop_map(|b| format!("incremental={b}")),
            any::<bool>().prop_map(|b| format!("overflow-checks={b}")),
        ]
    }

    proptest::proptest! {
        /// Any text: settings or an error naming where it came from; no panic.
        #[test]
        fn any_list_parses_or_is_named(text in "\\PC{0,40}") {
            if let Err(e) = Settings::parse_list(&text, "--with x") {
                proptest::prop_assert!(e.to_string().starts_with("--with x"), "{}", e);
            }
        }

        /// Valid lists parse, and what they print parses back to the same.
        #[test]
        fn valid_lists_round_trip(items in proptest::collection::vec(valid_item(), 0..8)) {
            let s = Settings::parse_list(&items.join(","), "t").unwrap();
            let printed: Vec<String> = s.pairs().iter().map(|(k, v)| format!("{k}={v}")).collect();
            proptest::prop_assert_eq!(Settings::parse_list(&printed.join(","), "t").unwrap(), s);
        }
    }

    #[test]
    fn pairs_are_valid_toml_values() {
        let s = Settings::parse_list(
            "lto=off,codegen-units=1,opt-level=3,panic=abort,strip=none,debug=1,incremental=false",
            "t",
        )
        .unwrap();
        for (key, value) in s.pairs() {
            let parsed: toml::Table = toml::from_str(&format!("{key} = {value}")).unwrap();
            let mut again = Settings::default();
            again.set(key, &parsed[key], "t").unwrap();
        }
    }
}
