//! The one table of setting keys. Every list of keys elsewhere — what a
//! profile resolves, what `--with` accepts, what `apply` writes and where,
//! what `explain` lists, the error naming the known keys — is derived from
//! [`KEYS`]. Adding a key is a [`Key`] variant, its row here, its value type
//! in `values.rs` if it needs a new one, and its behaviour.

use super::key_texts as text;
pub use super::key_texts::Explain;
use super::values::{Debug, Lto, OptLevel, Panic, SplitDebuginfo, Strip, Value, parse};

/// A setting key. Its order is the table's, which is the order keys are
/// printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `lto`
    Lto,
    /// `codegen-units`
    CodegenUnits,
    /// `opt-level`
    OptLevel,
    /// `panic`
    Panic,
    /// `strip`
    Strip,
    /// `debug`
    Debug,
    /// `split-debuginfo`
    SplitDebuginfo,
    /// `incremental`
    Incremental,
    /// `debug-assertions`
    DebugAssertions,
    /// `overflow-checks`
    OverflowChecks,
    /// `target-cpu`
    TargetCpu,
    /// `linker`
    Linker,
    /// `icf`
    Icf,
    /// `pgo`
    Pgo,
    /// `bolt`
    Bolt,
}

/// Where a key's value reaches the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lives {
    /// A `[profile.*]` key: cargo reads it from a profile.
    Profile,
    /// Not a profile key: a `-C` flag in rustflags (`profile/rustflags.rs`).
    Rustflags,
    /// Not a cargo setting at all: a step cargo-lto runs around the builds
    /// (an instrumented build and a training run before the build that
    /// ships, or a pass over the linked binary). A base profile never has
    /// one: it is "off" there.
    Pipeline,
}

/// One row of the key table.
#[derive(Debug)]
pub struct KeySpec {
    pub key: Key,
    /// Its name, as Cargo spells it.
    pub name: &'static str,
    /// Where it lives.
    pub lives: Lives,
    /// Its value in a profile that inherits `release` and sets nothing
    /// (None: a rustflags key, resolved from the user's flags instead).
    pub release: Option<Value>,
    /// Its value in a profile that inherits `dev`.
    pub dev: Option<Value>,
    /// Reads a TOML value as Cargo does; None where Cargo would refuse it.
    pub parse: fn(&toml::Value) -> Option<Value>,
    /// What is accepted, for the error naming a refused value.
    pub accepts: &'static str,
    /// What `explain` says (None: `explain` does not list the key).
    pub explain: Option<&'static Explain>,
}

/// The table, in [`Key`] order (a test checks the order).
pub static KEYS: [KeySpec; 15] = [
    KeySpec {
        key: Key::Lto,
        name: "lto",
        lives: Lives::Profile,
        release: Some(Value::Lto(Lto::ThinLocal)),
        dev: Some(Value::Lto(Lto::ThinLocal)),
        parse: parse::lto,
        accepts: "true, false, \"off\", \"thin\" or \"fat\" (\"true\" as a string is not accepted by Cargo)",
        explain: Some(&text::LTO),
    },
    KeySpec {
        key: Key::CodegenUnits,
        name: "codegen-units",
        lives: Lives::Profile,
        release: Some(Value::Count(16)),
        dev: Some(Value::Count(256)),
        parse: parse::count,
        accepts: "a whole number of at least 1",
        explain: Some(&text::CODEGEN_UNITS),
    },
    KeySpec {
        key: Key::OptLevel,
        name: "opt-level",
        lives: Lives::Profile,
        release: Some(Value::OptLevel(OptLevel::O3)),
        dev: Some(Value::OptLevel(OptLevel::O0)),
        parse: parse::opt_level,
        accepts: "0, 1, 2, 3, \"s\" or \"z\"",
        explain: Some(&text::OPT_LEVEL),
    },
    KeySpec {
        key: Key::Panic,
        name: "panic",
        lives: Lives::Profile,
        release: Some(Value::Panic(Panic::Unwind)),
        dev: Some(Value::Panic(Panic::Unwind)),
        parse: parse::panic,
        accepts: "\"unwind\" or \"abort\"",
        explain: Some(&text::PANIC),
    },
    KeySpec {
        key: Key::Strip,
        name: "strip",
        lives: Lives::Profile,
        release: Some(Value::Strip(Strip::None)),
        dev: Some(Value::Strip(Strip::None)),
        parse: parse::strip,
        accepts: "\"none\", \"debuginfo\", \"symbols\", true or false",
        explain: Some(&text::STRIP),
    },
    KeySpec {
        key: Key::Debug,
        name: "debug",
        lives: Lives::Profile,
        release: Some(Value::Debug(Debug::None)),
        dev: Some(Value::Debug(Debug::Full)),
        parse: parse::debug,
        accepts: "0, 1, 2, true, false, \"none\", \"line-directives-only\", \"line-tables-only\", \"limited\" or \"full\"",
        explain: Some(&text::DEBUG),
    },
    KeySpec {
        key: Key::SplitDebuginfo,
        name: "split-debuginfo",
        lives: Lives::Profile,
        // Linux's default; macOS's dev builds default to "unpacked"
        release: Some(Value::SplitDebuginfo(SplitDebuginfo::Off)),
        dev: Some(Value::SplitDebuginfo(SplitDebuginfo::Off)),
        parse: parse::split_debuginfo,
        accepts: "\"off\", \"packed\" or \"unpacked\"",
        explain: Some(&text::SPLIT_DEBUGINFO),
    },
    KeySpec {
        key: Key::Incremental,
        name: "incremental",
        lives: Lives::Profile,
        release: Some(Value::Bool(false)),
        dev: Some(Value::Bool(true)),
        parse: parse::boolean,
        accepts: "true or false",
        explain: Some(&text::INCREMENTAL),
    },
    KeySpec {
        key: Key::DebugAssertions,
        name: "debug-assertions",
        lives: Lives::Profile,
        release: Some(Value::Bool(false)),
        dev: Some(Value::Bool(true)),
        parse: parse::boolean,
        accepts: "true or false",
        explain: None,
    },
    KeySpec {
        key: Key::OverflowChecks,
        name: "overflow-checks",
        lives: Lives::Profile,
        release: Some(Value::Bool(false)),
        dev: Some(Value::Bool(true)),
        parse: parse::boolean,
        accepts: "true or false",
        explain: None,
    },
    KeySpec {
        key: Key::TargetCpu,
        name: "target-cpu",
        lives: Lives::Rustflags,
        release: None,
        dev: None,
        parse: parse::target_cpu,
        accepts: "a CPU name such as \"native\" or \"x86-64-v3\"",
        explain: Some(&text::TARGET_CPU),
    },
    KeySpec {
        key: Key::Linker,
        name: "linker",
        lives: Lives::Rustflags,
        release: None,
        dev: None,
        parse: parse::linker,
        accepts: "\"lld\", \"mold\", \"bfd\", \"gold\", or a path (without spaces) to the program that links",
        explain: Some(&text::LINKER),
    },
    KeySpec {
        key: Key::Icf,
        name: "icf",
        lives: Lives::Rustflags,
        release: None,
        dev: None,
        parse: parse::icf,
        accepts: "\"none\", \"safe\" or \"all\"",
        explain: Some(&text::ICF),
    },
    KeySpec {
        key: Key::Pgo,
        name: "pgo",
        lives: Lives::Pipeline,
        release: None,
        dev: None,
        parse: parse::step,
        accepts: "\"off\" or \"on\"",
        explain: Some(&text::PGO),
    },
    KeySpec {
        key: Key::Bolt,
        name: "bolt",
        lives: Lives::Pipeline,
        release: None,
        dev: None,
        parse: parse::step,
        accepts: "\"off\" or \"on\"",
        explain: Some(&text::BOLT),
    },
];

impl Key {
    /// This key's row.
    pub fn spec(self) -> &'static KeySpec {
        &KEYS[self as usize]
    }

    /// The key's name, as Cargo spells it.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Where the key lives.
    pub fn lives(self) -> Lives {
        self.spec().lives
    }

    /// The key named `name`.
    pub fn by_name(name: &str) -> Option<Key> {
        KEYS.iter().find(|s| s.name == name).map(|s| s.key)
    }

    /// The pipeline step a `Lives::Pipeline` key turns on (the key and the
    /// step share their name).
    pub fn step(self) -> Option<crate::results::pipeline::PipelineStep> {
        (self.lives() == Lives::Pipeline)
            .then(|| crate::results::pipeline::PipelineStep::by_name(self.name()))
            .flatten()
    }

    /// Every key, in table order.
    pub fn all() -> impl Iterator<Item = Key> {
        KEYS.iter().map(|s| s.key)
    }

    /// The keys that live in `lives`, in table order.
    pub fn living_in(lives: Lives) -> impl Iterator<Item = Key> {
        Key::all().filter(move |k| k.lives() == lives)
    }

    /// Its default in a profile whose `inherits` chain ends at `root`
    /// (`dev` or `release`; `test` is dev's, `bench` release's).
    pub fn default_in(self, root: &str) -> Option<&'static Value> {
        let spec = self.spec();
        match root {
            "dev" | "test" => spec.dev.as_ref(),
            _ => spec.release.as_ref(),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of every key, comma-separated, for an error message.
pub fn known_names() -> String {
    KEYS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_key_order_with_unique_names() {
        for (i, spec) in KEYS.iter().enumerate() {
            assert_eq!(spec.key as usize, i, "row {i} ({}) out of order", spec.name);
            assert_eq!(Key::by_name(spec.name), Some(spec.key));
        }
    }

    #[test]
    fn profile_keys_have_both_defaults_and_the_others_none() {
        for spec in &KEYS {
            let has = spec.release.is_some() && spec.dev.is_some();
            assert_eq!(has, spec.lives == Lives::Profile, "{}", spec.name);
        }
    }

    #[test]
    fn every_default_is_a_value_the_key_accepts() {
        for spec in &KEYS {
            for value in spec.release.iter().chain(&spec.dev) {
                let written: toml::Table =
                    toml::from_str(&format!("v = {}", value.toml())).unwrap();
                assert_eq!((spec.parse)(&written["v"]).as_ref(), Some(value));
            }
        }
    }
}
