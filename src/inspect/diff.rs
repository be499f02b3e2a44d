//! What changed between two builds of the same program: bytes per crate,
//! functions that vanished (inlined into their callers or removed as dead)
//! and functions that appeared (LTO clones, merged or newly outlined code).
//!
//! Functions are matched by demangled name without hash or clone suffix; the
//! hash differs between configurations (`-C metadata` changes with the
//! profile), and legacy mangling gives several generic instances one name,
//! so names are compared as multisets with their total size.

use std::collections::BTreeMap;

use super::symbols::Binary;

/// One function name's presence in a build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presence {
    pub krate: String,
    /// Functions with this name.
    pub count: usize,
    /// Their bytes.
    pub bytes: u64,
    /// A clone suffix seen on one of them (`.llvm.N`, …).
    pub clone: Option<String>,
}

/// Functions of `binary` by name.
pub fn by_name(binary: &Binary) -> BTreeMap<String, Presence> {
    let mut map: BTreeMap<String, Presence> = BTreeMap::new();
    for f in &binary.functions {
        let p = map.entry(f.name.clone()).or_default();
        p.krate = f.krate.clone();
        p.count += 1;
        p.bytes += f.size;
        if p.clone.is_none() {
            p.clone = f.clone.as_ref().map(|c| {
                // keep the kind, not the number: `.llvm.1234` → `.llvm`, `.295` → `.N`
                let kind = c.trim_start_matches('.').split('.').next().unwrap_or("");
                if kind.bytes().all(|b| b.is_ascii_digit()) {
                    ".N".to_string()
                } else {
                    format!(".{kind}")
                }
            });
        }
    }
    map
}

/// Names present in `from` but not in `to`, largest first.
pub fn missing(
    from: &BTreeMap<String, Presence>,
    to: &BTreeMap<String, Presence>,
) -> Vec<(String, Presence)> {
    let mut out: Vec<(String, Presence)> = from
        .iter()
        .filter(|(name, _)| !to.contains_key(*name))
        .map(|(n, p)| (n.clone(), p.clone()))
        .collect();
    out.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then_with(|| a.0.cmp(&b.0)));
    out
}
