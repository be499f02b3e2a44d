//! `cargo lto check`: the CI gate's exit codes and output, on documents
//! written to files as CI would hand them over.

use std::path::{Path, PathBuf};

use crate::common::{cargo_lto, repo};

fn write(dir: &Path, name: &str, doc: &serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

fn base() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/data/measure-runtime.json")).unwrap(),
    )
    .unwrap()
}

fn run(args: &[std::ffi::OsString]) -> (Option<i32>, String, String) {
    let out = cargo_lto().arg("check").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_codes_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.json", &base());
    let mut grown = base();
    let size = &mut grown["configurations"][1]["binaries"][0]["size_bytes"];
    *size = serde_json::json!((size.as_f64().unwrap() * 1.05) as u64);
    let new = write(dir.path(), "new.json", &grown);
    let os = |s: &str| std::ffi::OsString::from(s);
    let args = |n: &Path, more: &[&str]| -> Vec<std::ffi::OsString> {
        let mut v = vec![
            os("--baseline"),
            old.clone().into_os_string(),
            n.as_os_str().to_owned(),
        ];
        v.extend(more.iter().map(|s| os(s)));
        v
    };

    let a = args(&old, &["--max-size", "+3%"]);
    let (code, out, err) = run(&a);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("passed: 3 checks"), "{out}");

    let a = args(&new, &["--max-size", "+3%", "--format", "markdown"]);
    let (code, out, _) = run(&a);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("check_markdown", out);

    let a = args(&new, &["--max-size", "+10%", "--format", "json"]);
    let (code, out, _) = run(&a);
    assert_eq!(code, Some(0));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["failed"], false);

    // bad input: no limit; another project's document; an unreadable file
    let mut other = base();
    other["project"]["bins"][0]["package"] = serde_json::json!("other");
    let other = write(dir.path(), "other.json", &other);
    for (a, text) in [
        (args(&new, &[]), "--max-size"),
        (
            args(&other, &["--max-size", "3"]),
            "compare documents that measured the same binaries",
        ),
        (
            args(&dir.path().join("missing.json"), &["--max-size", "3"]),
            "missing.json",
        ),
        (args(&new, &["--max-size", "three"]), "not a percentage"),
    ] {
        let (code, _, err) = run(&a);
        assert_eq!(code, Some(2), "{a:?}: {err}");
        assert!(err.contains(text), "{a:?}: {err}");
    }
}
