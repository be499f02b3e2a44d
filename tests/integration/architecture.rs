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
    ("units", &[]),
    ("load", &[]),
    ("process", &["load"]),
    ("progress", &["units"]),
    ("error", &["results"]),
    ("stats", &["results"]),
    ("metadata", &["error", "results"]),
    ("profile", &["error", "metadata", "results"]),
    ("workspace", &["error", "metadata", "profile"]),
    (
        "build",
        &["error", "process", "profile", "results", "workspace"],
    ),
    ("inspect", &["error", "results"]),
    ("advise", &["error", "profile", "results", "units"]),
    ("gate", &["error", "results", "stats", "units"]),
    (
        "measure",
        &[
            "build",
            "error",
            "inspect",
            "load",
            "metadata",
            "process",
            "profile",
            "progress",
            "results",
            "stats",
            "workspace",
        ],
    ),
    ("render", &["results", "units"]),
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
/// Every source file under src/: its path relative to src/, and its text.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    let src = repo().join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(&src).unwrap().to_path_buf(), text)
        })
        .collect()
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in sources() {
        let rel = rel.as_path();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let used = out.entry(top.clone()).or_default();
        // every path the file names, `use crate::{a, b::c}` trees and
        // `super::` paths included, made absolute: its first segment is
        // the top-level module it reaches
        for (at, p) in paths_by_module(&module_path(rel), &text) {
            if let Some(first) = absolute(&at, &p).first()
                && *first != top
                && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                used.insert(first.clone());
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
    // the crate-root macros are error.rs's alone (see `paths`)
    let exporting: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| text.contains("#[macro_export]"))
        .map(|(rel, _)| rel.display().to_string())
        .collect();
    assert_eq!(exporting, ["error.rs"]);
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

/// A source file's module path: `src/advise/recommend/pick.rs` is
/// `advise::recommend::pick`, `src/advise/recommend/mod.rs` is
/// `advise::recommend`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap();
    let stem = file.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

/// Expands a `use` tree's text (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap().trim().to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .flat_map(expand)
        .map(|p| format!("{prefix}{p}"))
        .collect()
}

/// Every path a file names that starts at `crate`, `super` or `self`: in
/// `use` trees (braces expanded) and inline (`super::x::f(…)`).
fn named_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // strip comments: a path in a doc comment is no import
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = after.find(';') else { break };
        let tree: String = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if tree.starts_with("crate::") || tree.starts_with("super::") || tree.starts_with("self::")
        {
            out.extend(expand(&tree));
        }
    }
    for anchor in ["crate::", "super::"] {
        for (i, _) in code.match_indices(anchor) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            // `crate::exit_code!(…)`: a macro at the crate's root, defined
            // in error.rs (the crate's only `#[macro_export]`, checked
            // below): it reaches `error`
            if code[i + path.len()..].starts_with('!') && path.matches("::").count() == 1 {
                out.push("crate::error".into());
                continue;
            }
            out.push(path);
        }
    }
    out
}

/// The paths a file of module `at` names, each with the module it is named
/// in: an inline `mod tests { … }` (where `super` is the file's module) is
/// one level down.
fn paths_by_module(at: &[String], text: &str) -> Vec<(Vec<String>, String)> {
    let inline = text.lines().position(|l| {
        let t = l.trim_start();
        t.starts_with("mod ") && t.trim_end().ends_with('{')
    });
    let (head, tail, inner) = match inline {
        Some(i) => {
            let lines: Vec<&str> = text.lines().collect();
            let name = lines[i].trim_start()[4..].trim_end_matches('{').trim();
            let mut inner = at.to_vec();
            inner.push(name.to_string());
            (lines[..i].join("\n"), lines[i..].join("\n"), inner)
        }
        None => (text.to_string(), String::new(), at.to_vec()),
    };
    let mut out: Vec<(Vec<String>, String)> = named_paths(&head)
        .into_iter()
        .map(|p| (at.to_vec(), p))
        .collect();
    out.extend(named_paths(&tail).into_iter().map(|p| (inner.clone(), p)));
    out
}

/// `path` (as named in the file of module `at`) made absolute.
fn absolute(at: &[String], path: &str) -> Vec<String> {
    let mut segments = path.split("::").map(str::trim).filter(|s| !s.is_empty());
    let mut base: Vec<String> = match segments.next() {
        Some("crate") => Vec::new(),
        Some("self") => at.to_vec(),
        Some("super") => {
            // `super` in `a/b.rs` (module a::b) is `a`; in `a/b/mod.rs` too
            at[..at.len().saturating_sub(1)].to_vec()
        }
        _ => return Vec::new(),
    };
    for s in segments {
        if s == "super" {
            base.pop();
        } else {
            base.push(s.to_string());
        }
    }
    base
}

/// Sibling modules that import each other, in a circle: `a.rs` naming
/// `b` while `b.rs` (or anything below it) names `a`. A parent module
/// holds what siblings share; a child may use its parent.
#[test]
fn no_circle_between_sibling_modules() {
    // module → the modules (absolute paths) its files name
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut modules: BTreeSet<Vec<String>> = BTreeSet::new();
    for (rel, text) in sources() {
        let rel = rel.as_path();
        let at = module_path(rel);
        modules.insert(at.clone());
        let named = edges.entry(at.clone()).or_default();
        for (inner, p) in paths_by_module(&at, &text) {
            let abs = absolute(&inner, &p);
            if !abs.is_empty() {
                named.insert(abs);
            }
        }
    }
    // per parent: child → the siblings it (or anything below it) names
    let mut graph: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (at, named) in &edges {
        for depth in 1..=at.len() {
            let (parent, child) = (&at[..depth - 1], &at[depth - 1]);
            for target in named {
                if target.len() < depth || target[..depth - 1] != *parent {
                    continue;
                }
                let sibling = &target[depth - 1];
                let mut sib_path = parent.to_vec();
                sib_path.push(sibling.clone());
                if sibling != child && modules.contains(&sib_path) {
                    graph
                        .entry(parent.to_vec())
                        .or_default()
                        .entry(child.clone())
                        .or_default()
                        .insert(sibling.clone());
                }
            }
        }
    }
    // a circle is any set of siblings that reach each other, of any length
    let mut circles = Vec::new();
    for (parent, g) in &graph {
        let reach = |from: &String| {
            let mut seen = BTreeSet::new();
            let mut todo = vec![from.clone()];
            while let Some(n) = todo.pop() {
                for m in g.get(&n).into_iter().flatten() {
                    if seen.insert(m.clone()) {
                        todo.push(m.clone());
                    }
                }
            }
            seen
        };
        let mut reported = BTreeSet::new();
        for a in g.keys() {
            let from_a = reach(a);
            if !from_a.contains(a) || reported.contains(a) {
                continue;
            }
            let circle: Vec<&String> = from_a.iter().filter(|b| reach(b).contains(a)).collect();
            reported.extend(circle.iter().map(|b| (*b).clone()));
            let names: Vec<&str> = circle.iter().map(|b| b.as_str()).collect();
            circles.push(format!("{}: {}", parent.join("::"), names.join(" ⇄ ")));
        }
    }
    assert!(
        circles.is_empty(),
        "sibling modules import each other (give what they share a parent module): {circles:#?}"
    );
}

#[test]
fn use_trees_are_understood() {
    assert_eq!(
        expand("crate::{a::b, c::{d, e as f}}"),
        ["crate::a::b", "crate::c::d", "crate::c::e"]
    );
    let named = named_paths(
        "use super::{x, y::Z};\nfn f() { crate::m::g(); }\n// use super::no;\nuse crate::{render::Cell, units};",
    );
    assert!(
        named.contains(&"crate::render::Cell".to_string()),
        "{named:?}"
    );
    assert!(named.contains(&"crate::units".to_string()), "{named:?}");
    assert!(named.contains(&"super::x".to_string()), "{named:?}");
    assert!(named.contains(&"super::y::Z".to_string()), "{named:?}");
    assert!(named.contains(&"crate::m::g".to_string()), "{named:?}");
    assert!(!named.iter().any(|p| p.contains("no")), "{named:?}");
    let at = vec![
        "advise".to_string(),
        "recommend".to_string(),
        "pick".to_string(),
    ];
    assert_eq!(
        absolute(&at, "super::compare::f"),
        ["advise", "recommend", "compare", "f"]
    );
    assert_eq!(
        absolute(&at, "crate::results::BASELINE"),
        ["results", "BASELINE"]
    );
}
