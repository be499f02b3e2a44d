//! History: each measure document records the project's git commit and
//! whether tracked files differed; `report --history` shows the documents
//! of the results directory as a trend per configuration.

use std::path::Path;
use std::process::Command;

use crate::common::{cargo_lto, fixture, measure_json, repo};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_document_records_the_commit_and_whether_it_was_dirty() {
    let dir = fixture("tiny");
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join(".gitignore"), "target/\nCargo.lock\n").unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "tiny"]);
    let head = git(&dir, &["rev-parse", "HEAD"]);
    let clean = measure_json(&dir, &["--only", "baseline", "--no-rebuild"], &[]);
    assert_eq!(clean.doc["source"]["commit"], head.as_str());
    assert_eq!(clean.doc["source"]["dirty"], false);
    assert_eq!(clean.doc["invocation"][1], "lto");
    // an edit to a tracked file
    let main = dir.join("src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}\n// edited\n")).unwrap();
    let dirty = measure_json(&dir, &["--only", "baseline", "--no-rebuild"], &[]);
    assert_eq!(dirty.doc["source"]["dirty"], true);
    // both are in the history, oldest first
    let out = cargo_lto()
        .current_dir(&dir)
        .args(["report", "--history", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = h["history"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["id"], clean.doc["id"]);
    assert_eq!(entries[1]["dirty"], true);
    let md = String::from_utf8(
        cargo_lto()
            .current_dir(&dir)
            .args(["report", "--history"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    // (a `*` in a Markdown table cell is escaped)
    assert!(md.contains(&format!(" {}\\*", &head[..7])), "{md}");
}

#[test]
fn history_in_every_format_from_given_documents() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("tests/data/measure-runtime.json")).unwrap();
    let mut files = Vec::new();
    for (i, shrink) in [1.0, 0.9, 0.8].iter().enumerate() {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["id"] = serde_json::json!(format!("doc{i}"));
        doc["started_unix_s"] = serde_json::json!(1_795_000_000 + i as u64 * 86_400);
        doc["source"] =
            serde_json::json!({"commit": format!("{i}{}", "a".repeat(39)), "dirty": false});
        for c in doc["configurations"].as_array_mut().unwrap() {
            let s = &mut c["binaries"][0]["shipped_bytes"];
            *s = serde_json::json!((s.as_f64().unwrap() * shrink) as u64);
        }
        let path = dir.path().join(format!("doc{i}.json"));
        std::fs::write(&path, doc.to_string()).unwrap();
        files.push(path);
    }
    let run = |format: &str| {
        let out = cargo_lto()
            .current_dir(dir.path())
            .args(["report", "--history", "--format", format])
            .args(&files)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    insta::assert_snapshot!("history_markdown", run("markdown"));
    assert!(run("table").contains("shipped size"));
    let html = run("html");
    // one line chart per metric with a point per document and configuration
    let shipped = html
        .split("<figure class=\"chart\" id=\"history-1\"")
        .nth(1)
        .unwrap()
        .split("</figure>")
        .next()
        .unwrap();
    assert_eq!(
        shipped.matches("class=\"mark").count(),
        9,
        "3 documents × 3 configurations"
    );
    assert!(shipped.contains("<polyline class=\"series"));
}
