//! `cargo lto report`: the Markdown people paste into a pull request, from
//! fixed documents (so the snapshot is stable), and its other outputs.

use std::path::Path;

use crate::common::{cargo_lto, repo};

fn report(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = cargo_lto()
        .current_dir(dir)
        .arg("report")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Pipe tables whose every row has the header's number of cells, and no
/// raw HTML: what GitHub renders as written.
fn assert_github_markdown(md: &str) {
    let mut columns = None;
    for line in md.lines() {
        assert!(!line.trim_start().starts_with('<'), "raw HTML: {line}");
        if line.starts_with('|') {
            let cells = line.matches('|').count() - line.matches("\\|").count();
            match columns {
                None => columns = Some(cells),
                Some(n) => assert_eq!(cells, n, "a row of another width: {line}"),
            }
        } else {
            columns = None;
        }
    }
}

#[test]
fn markdown_for_a_pull_request() {
    let dir = tempfile::tempdir().unwrap();
    let doc = repo().join("tests/data/measure-runtime.json");
    let (code, md, err) = report(dir.path(), &[doc.to_str().unwrap(), "--goal", "speed"]);
    assert_eq!(code, Some(0), "{err}");
    assert_github_markdown(&md);
    assert!(
        md.contains("```toml\n[profile.release]\nlto = \"fat\"\n```"),
        "{md}"
    );
    insta::assert_snapshot!("report_markdown", md);
    // -o writes the same text to a file
    let out = dir.path().join("report.md");
    let (code, stdout, _) = report(
        dir.path(),
        &[
            doc.to_str().unwrap(),
            "--goal",
            "speed",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), md);
    // JSON: the document and its recommendation
    let (_, json, _) = report(
        dir.path(),
        &[doc.to_str().unwrap(), "--goal", "speed", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["reports"][0]["recommendation"]["choice"], "fat");
    assert_eq!(
        v["reports"][0]["results"]["id"],
        "20261126T090000.000000000Z-abcdef"
    );
}

#[test]
fn a_document_without_a_recommendation_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let doc = repo().join("tests/data/measure-failure.json");
    let (code, md, err) = report(dir.path(), &[doc.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert_github_markdown(&md);
    assert!(
        md.contains("No recommendation:") || md.contains("**Recommended**"),
        "{md}"
    );
}

#[test]
fn no_results_says_how_to_get_them() {
    let dir = crate::common::fixture("tiny");
    let (code, _, err) = report(&dir, &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("run `cargo lto measure` first"), "{err}");
}
