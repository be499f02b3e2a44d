//! The binaries of a sweep in the measure document: the binary targets it
//! measured (`project.bins`), each configuration's file of each one
//! (`binaries[]`), and their figures added up ([`Sizes`]), which is what a
//! configuration's size is when it has several. Re-exported by
//! `results::measure`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A binary target the sweep measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// The binary target's name (`[[bin]] name`).
    pub name: String,
    /// Its package.
    pub package: String,
    /// The package's version.
    pub version: String,
}

/// One binary of one configuration: its file, sizes and sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binary {
    /// The binary target it is (a name of `project.bins`).
    pub bin: String,
    /// Where the binary is (under the configuration's target directory).
    pub path: PathBuf,
    /// Size on disk in bytes.
    pub size_bytes: u64,
    /// Bytes of the sections loaded at run time: what `strip` keeps.
    pub shipped_bytes: u64,
    /// The file's bytes by section group ([`SECTION_GROUPS`]: `text`,
    /// `rodata`, `data`, `unwind`, `debug`, `symbols`, `other`;
    /// docs/results-schema.md says which sections each holds): they add
    /// up to `size_bytes`.
    ///
    /// [`SECTION_GROUPS`]: super::measure::SECTION_GROUPS
    pub sections: BTreeMap<String, u64>,
    /// Entries in the static symbol table (0 when stripped).
    pub symbols: u64,
    /// SHA-256 of the file, hex (null in older documents): equal hashes
    /// are the same binary.
    #[serde(default)]
    pub sha256: Option<String>,
    /// For a binary without a symbol table (`strip = "symbols"`): an
    /// unstripped twin of the same code (the final rustc run again with
    /// `-C strip=none`, its `.text` equal byte for byte), which `inspect`
    /// reads the symbols from.
    #[serde(default)]
    pub symbols_from: Option<PathBuf>,
    /// Bytes of the static symbol table (`.symtab`, `.strtab`) that strip
    /// removed: the `symbols` group of the unstripped twin, what keeping
    /// symbols (`strip = "debuginfo"`) would add to the file.
    #[serde(default)]
    pub stripped_symbols_bytes: Option<u64>,
}

/// The sizes of one binary, or of several added up: what a configuration
/// ships, the figure advice and the gate weigh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Bytes on disk.
    pub size_bytes: u64,
    /// Bytes loaded at run time.
    pub shipped_bytes: u64,
    /// Bytes by section group.
    pub sections: BTreeMap<String, u64>,
    /// Static symbol table entries.
    pub symbols: u64,
    /// What stripping removed, when every binary says.
    pub stripped_symbols_bytes: Option<u64>,
}

impl Sizes {
    /// `binaries` added up; None for none.
    pub fn sum<'a>(binaries: impl IntoIterator<Item = &'a Binary>) -> Option<Sizes> {
        let mut total: Option<Sizes> = None;
        for b in binaries {
            let t = total.get_or_insert_with(|| Sizes {
                stripped_symbols_bytes: Some(0),
                ..Sizes::default()
            });
            t.size_bytes += b.size_bytes;
            t.shipped_bytes += b.shipped_bytes;
            t.symbols += b.symbols;
            for (group, bytes) in &b.sections {
                *t.sections.entry(group.clone()).or_default() += bytes;
            }
            t.stripped_symbols_bytes = t
                .stripped_symbols_bytes
                .zip(b.stripped_symbols_bytes)
                .map(|(a, b)| a + b);
        }
        total
    }

    /// A section group's bytes (0 when absent).
    pub fn group(&self, group: &str) -> u64 {
        self.sections.get(group).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(bin: &str, size: u64, text: u64, twin: Option<u64>) -> Binary {
        Binary {
            bin: bin.into(),
            path: format!("/t/{bin}").into(),
            size_bytes: size,
            shipped_bytes: size / 2,
            sections: BTreeMap::from([("text".into(), text)]),
            symbols: 3,
            sha256: None,
            symbols_from: None,
            stripped_symbols_bytes: twin,
        }
    }

    #[test]
    fn sizes_add_up_and_stripped_bytes_only_when_every_one_says() {
        assert_eq!(Sizes::sum([]), None);
        let (a, b) = (binary("a", 100, 40, Some(7)), binary("b", 60, 20, None));
        let one = Sizes::sum([&a]).unwrap();
        assert_eq!(
            (one.size_bytes, one.shipped_bytes, one.group("text")),
            (100, 50, 40)
        );
        assert_eq!(one.stripped_symbols_bytes, Some(7));
        let both = Sizes::sum([&a, &b]).unwrap();
        assert_eq!(
            (
                both.size_bytes,
                both.shipped_bytes,
                both.group("text"),
                both.symbols
            ),
            (160, 80, 60, 6)
        );
        assert_eq!(both.stripped_symbols_bytes, None);
        assert_eq!(both.group("debug"), 0);
    }
}
