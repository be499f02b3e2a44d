//! The values of the setting keys, typed as Cargo reads them (Cargo's own
//! `TomlProfile` types): each parses every spelling Cargo accepts, prints
//! the TOML a profile would hold ([`Value::toml`]) and the plain word the
//! results documents record ([`fmt::Display`]).

use std::fmt;

use toml::Value as T;

/// Declares a value type that is one of a fixed set of words, each written
/// as a TOML string.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the order documented.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word Cargo (or rustc) spells this value with.
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The value spelled `word`.
            pub fn from_word(word: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.word() == word)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

/// The `lto` key. `true` is fat and `false` is thin-local, as in Cargo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    fn parse(v: &T) -> Option<Self> {
        Some(match v {
            T::Boolean(true) => Lto::Fat,
            T::Boolean(false) => Lto::ThinLocal,
            T::String(s) if s == "off" => Lto::Off,
            T::String(s) if s == "thin" => Lto::Thin,
            T::String(s) if s == "fat" => Lto::Fat,
            _ => return None,
        })
    }

    /// True for the LTO that crosses crate boundaries (thin or fat).
    pub fn crosses_crates(self) -> bool {
        matches!(self, Lto::Thin | Lto::Fat)
    }
}

impl fmt::Display for Lto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lto::ThinLocal => "false",
            Lto::Off => "off",
            Lto::Thin => "thin",
            Lto::Fat => "fat",
        })
    }
}

words! {
    /// `opt-level`: 0–3 (TOML integers), "s" or "z".
    OptLevel { O0 = "0", O1 = "1", O2 = "2", O3 = "3", S = "s", Z = "z" }
}

words! {
    /// `panic`.
    Panic { Unwind = "unwind", Abort = "abort" }
}

words! {
    /// `strip`: `true` is "symbols" and `false` is "none".
    Strip { None = "none", Debuginfo = "debuginfo", Symbols = "symbols" }
}

words! {
    /// `debug`: Cargo's names for the debuginfo levels (`0`/`false` none,
    /// `1` limited, `2`/`true` full).
    Debug {
        None = "none",
        LineDirectivesOnly = "line-directives-only",
        LineTablesOnly = "line-tables-only",
        Limited = "limited",
        Full = "full",
    }
}

words! {
    /// `split-debuginfo`: where the debug info goes (`-C split-debuginfo`).
    SplitDebuginfo { Off = "off", Packed = "packed", Unpacked = "unpacked" }
}

words! {
    /// `icf` (rustflags): identical-code folding by the linker.
    Icf { None = "none", Safe = "safe", All = "all" }
}

words! {
    /// A pipeline step (`pgo`, `bolt`): run or not. Not a cargo setting:
    /// cargo-lto runs the step around the builds.
    Step { Off = "off", On = "on" }
}

words! {
    /// The linkers the `linker` key names by word.
    LinkerName { Lld = "lld", Mold = "mold", Bfd = "bfd", Gold = "gold" }
}

/// `linker` (rustflags): a linker by name, a program by path, or the C
/// compiler driver's own default (what a profile resolves to when nothing
/// names one; not a value a user writes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Linker {
    /// `-fuse-ld=NAME`.
    Named(LinkerName),
    /// `-C linker=PATH`.
    Path(String),
    /// The C compiler driver's default linker.
    SystemDefault,
}

impl fmt::Display for Linker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Linker::Named(n) => n.fmt(f),
            Linker::Path(p) => f.write_str(p),
            Linker::SystemDefault => f.write_str("cc"),
        }
    }
}

/// One key's typed value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// `lto`
    Lto(Lto),
    /// a whole number (`codegen-units`)
    Count(u32),
    /// `opt-level`
    OptLevel(OptLevel),
    /// `panic`
    Panic(Panic),
    /// `strip`
    Strip(Strip),
    /// `debug`
    Debug(Debug),
    /// `split-debuginfo`
    SplitDebuginfo(SplitDebuginfo),
    /// a boolean key (`incremental`, `debug-assertions`, `overflow-checks`)
    Bool(bool),
    /// `target-cpu`: a CPU name rustc knows (`native`, `x86-64-v3`), or
    /// `default` for the target's own
    TargetCpu(String),
    /// `linker`
    Linker(Linker),
    /// `icf`
    Icf(Icf),
    /// `pgo`, `bolt`
    Step(Step),
}

impl Value {
    /// The TOML spelling, as a profile or a config file holds it.
    pub fn toml(&self) -> String {
        match self {
            Value::Lto(Lto::ThinLocal) => "false".into(),
            Value::Count(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::OptLevel(o) if o.word().parse::<u8>().is_ok() => o.word().into(),
            other => format!("\"{other}\""),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Lto(v) => v.fmt(f),
            Value::Count(v) => v.fmt(f),
            Value::OptLevel(v) => v.fmt(f),
            Value::Panic(v) => v.fmt(f),
            Value::Strip(v) => v.fmt(f),
            Value::Debug(v) => v.fmt(f),
            Value::SplitDebuginfo(v) => v.fmt(f),
            Value::Bool(v) => v.fmt(f),
            Value::TargetCpu(v) => f.write_str(v),
            Value::Linker(v) => v.fmt(f),
            Value::Icf(v) => v.fmt(f),
            Value::Step(v) => v.fmt(f),
        }
    }
}

/// A value spelled as one of `T`'s words.
fn word<W>(v: &T, from_word: fn(&str) -> Option<W>) -> Option<W> {
    v.as_str().and_then(from_word)
}

/// The parsers of the key table: each takes a TOML value as Cargo would
/// read it and answers the typed value, or None where Cargo would reject it.
pub mod parse {
    use super::*;

    /// `lto`: true, false, "off", "thin", "fat".
    pub fn lto(v: &T) -> Option<Value> {
        Lto::parse(v).map(Value::Lto)
    }

    /// `codegen-units`: a whole number of at least 1.
    pub fn count(v: &T) -> Option<Value> {
        match v {
            T::Integer(n) => u32::try_from(*n).ok().filter(|n| *n >= 1).map(Value::Count),
            _ => None,
        }
    }

    /// `opt-level`: 0–3 as integers or strings, "s", "z".
    pub fn opt_level(v: &T) -> Option<Value> {
        let level = match v {
            T::Integer(n @ 0..=3) => OptLevel::from_word(&n.to_string()),
            T::String(s) => OptLevel::from_word(s),
            _ => None,
        };
        level.map(Value::OptLevel)
    }

    /// `panic`: "unwind", "abort".
    pub fn panic(v: &T) -> Option<Value> {
        word(v, Panic::from_word).map(Value::Panic)
    }

    /// `strip`: the words, or true ("symbols") and false ("none").
    pub fn strip(v: &T) -> Option<Value> {
        let strip = match v {
            T::Boolean(true) => Some(Strip::Symbols),
            T::Boolean(false) => Some(Strip::None),
            _ => word(v, Strip::from_word),
        };
        strip.map(Value::Strip)
    }

    /// `debug`: the words, 0–2, true ("full") and false ("none").
    pub fn debug(v: &T) -> Option<Value> {
        let debug = match v {
            T::Boolean(false) | T::Integer(0) => Some(Debug::None),
            T::Integer(1) => Some(Debug::Limited),
            T::Boolean(true) | T::Integer(2) => Some(Debug::Full),
            _ => word(v, Debug::from_word),
        };
        debug.map(Value::Debug)
    }

    /// `split-debuginfo`: "off", "packed", "unpacked".
    pub fn split_debuginfo(v: &T) -> Option<Value> {
        word(v, SplitDebuginfo::from_word).map(Value::SplitDebuginfo)
    }

    /// A boolean key.
    pub fn boolean(v: &T) -> Option<Value> {
        v.as_bool().map(Value::Bool)
    }

    /// `target-cpu`: one word.
    pub fn target_cpu(v: &T) -> Option<Value> {
        v.as_str()
            .filter(|s| !s.is_empty() && !s.contains(char::is_whitespace))
            .map(|s| Value::TargetCpu(s.to_string()))
    }

    /// `linker`: a linker's name, or a path without spaces.
    pub fn linker(v: &T) -> Option<Value> {
        let s = v.as_str()?;
        let linker = match LinkerName::from_word(s) {
            Some(name) => Linker::Named(name),
            None if s.contains('/') && !s.contains(char::is_whitespace) => {
                Linker::Path(s.to_string())
            }
            None => return None,
        };
        Some(Value::Linker(linker))
    }

    /// `icf`: "none", "safe", "all".
    pub fn icf(v: &T) -> Option<Value> {
        word(v, Icf::from_word).map(Value::Icf)
    }

    /// `pgo`, `bolt`: "off", "on".
    pub fn step(v: &T) -> Option<Value> {
        word(v, Step::from_word).map(Value::Step)
    }
}
