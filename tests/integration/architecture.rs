//! The layers of docs/architecture.md, checked against the sources: each
//! top-level module imports (`crate::…`) only the modules its layer allows,
//! so the results documents stay the hub and no import cycle creeps in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::repo;

/// Module → the modules it may import. Keep in step with
/// docs/architecture.md ("Which module may import which").
const ALLOWED: &[(&str, &[&str])] = &[
    ("results", &[]),
    ("process", &[]),
    ("progress", &[]),
    ("error", &["results"]),
    ("stats", &["results"]),
    ("metadata", &["error", "results"]),
    ("profile", &["error", "metadata"]),
    ("workspace", &["error", "metadata", "profile"]),
    ("build", &["error", "process", "profile", "workspace"]),
    ("inspect", &["error", "results"]),
    ("advise", &["error", "profile", "render", "results"]),
    ("gate", &["error", "render", "results", "stats"]),
    (
        "measure",
        &[
            "build",
            "error",
            "inspect",
            "metadata",
            "process",
            "profile",
            "progress",
            "results",
            "stats",
            "workspace",
        ],
    ),
    ("render", &["results"]),
    ("cli", &["render", "results", "workspace"]),
    (
        "commands",
        &[
            "advise",
            "build",
            "cli",
            "error",
            "gate",
            "inspect",
            "measure",
            "profile",
            "render",
            "results",
            "workspace",
        ],
    ),
    ("lib", &["cli", "commands"]),
    ("main", &[]),
];

/// The `crate::x` modules each top-level module's files name.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let used = out.entry(top.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `cargo_lto::` or the like
            }
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != top {
                used.insert(name);
            }
        }
    }
    out
}

#[test]
fn modules_import_only_their_layers() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let imports = imports();
    for (module, used) in &imports {
        let Some(may) = allowed.get(module.as_str()) else {
            panic!("src/{module} is not in the layer table of docs/architecture.md and this test");
        };
        let extra: Vec<&String> = used.iter().filter(|u| !may.contains(&u.as_str())).collect();
        assert!(
            extra.is_empty(),
            "src/{module} imports {extra:?}, which its layer does not allow (docs/architecture.md)"
        );
    }
    assert!(imports["results"].is_empty(), "results/ imports nothing");
}

#[test]
fn the_documented_table_is_the_tested_one() {
    let doc = std::fs::read_to_string(repo().join("docs/architecture.md")).unwrap();
    for (module, may) in ALLOWED {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{module}` |")))
            .unwrap_or_else(|| panic!("docs/architecture.md has no row for `{module}`"));
        for m in *may {
            assert!(
                row.contains(&format!("`{m}`")),
                "docs/architecture.md: `{module}` may import `{m}`, but its row does not say so: {row}"
            );
        }
    }
}

#[test]
fn no_source_file_is_over_500_lines() {
    for entry in walkdir::WalkDir::new(repo().join("src")) {
        let entry = entry.unwrap();
        let path: &Path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let lines = std::fs::read_to_string(path).unwrap().lines().count();
            assert!(lines <= 500, "{} has {lines} lines", path.display());
        }
    }
}
