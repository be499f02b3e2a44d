//! `cargo lto doctor`: one fixture workspace per finding (tests/fixtures/doctor),
//! the finding's id, severity and place, the exit code, and the output.

use std::path::Path;

use crate::common::{cargo_lto, copy_fixture, repo};

/// Variables a finding can come from: the tests set them explicitly.
const ENV: [&str; 8] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
    "CFLAGS",
    "CXXFLAGS",
    "TARGET_CFLAGS",
    "CARGO_PROFILE_RELEASE_LTO",
];

fn doctor(dir: &Path, format: &str, env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = cargo_lto();
    cmd.current_dir(dir).args(["doctor", "--format", format]);
    for var in ENV {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// (fixture, id, severity, file, line)
const CASES: &[(&str, &str, &str, &str, Option<u64>)] = &[
    (
        "member-profile",
        "member-profile",
        "error",
        "app/Cargo.toml",
        Some(7),
    ),
    (
        "rustflags-lto",
        "rustflags-lto",
        "error",
        ".cargo/config.toml",
        Some(3),
    ),
    (
        "lto-skipped-crate-type",
        "lto-skipped-crate-type",
        "error",
        "Cargo.toml",
        Some(9),
    ),
    (
        "lto-skipped-crate-type-bin",
        "lto-skipped-crate-type",
        "warning",
        "Cargo.toml",
        Some(9),
    ),
    (
        "no-lto-at-all",
        "no-lto-at-all",
        "info",
        "Cargo.toml",
        Some(10),
    ),
    (
        "linker-plugin-lto-linker",
        "linker-plugin-lto-linker",
        "warning",
        ".cargo/config.toml",
        Some(2),
    ),
    (
        "c-flto-without-lto",
        "c-flto-without-lto",
        "warning",
        "build.rs",
        Some(6),
    ),
    (
        "abort-with-catch-unwind",
        "abort-with-catch-unwind",
        "error",
        "Cargo.toml",
        Some(9),
    ),
    (
        "strip-symbols-backtraces",
        "strip-symbols-backtraces",
        "warning",
        "Cargo.toml",
        Some(9),
    ),
    (
        "no-debuginfo-backtraces",
        "no-debuginfo-backtraces",
        "info",
        "Cargo.toml",
        None,
    ),
    (
        "incremental-release",
        "incremental-release",
        "warning",
        "Cargo.toml",
        Some(9),
    ),
    (
        "lto-at-opt-level-0",
        "lto-at-opt-level-0",
        "warning",
        "Cargo.toml",
        Some(9),
    ),
    (
        "target-cpu-native",
        "target-cpu-native",
        "warning",
        ".cargo/config.toml",
        Some(2),
    ),
    (
        "myth-comment",
        "myth-comment",
        "warning",
        "Cargo.toml",
        Some(9),
    ),
];

fn fixture(name: &str) -> std::path::PathBuf {
    copy_fixture(
        &repo().join("tests/fixtures/doctor").join(name),
        &format!("doctor-{name}"),
    )
}

#[test]
fn each_fixture_gives_its_finding() {
    let mut text = String::new();
    for (name, id, severity, file, line) in CASES {
        let dir = fixture(name);
        let (code, json) = doctor(&dir, "json", &[]);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let findings = doc["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{name}: {json}");
        let f = &findings[0];
        assert_eq!(f["id"], *id, "{name}");
        assert_eq!(f["severity"], *severity, "{name}");
        assert_eq!(f["file"], *file, "{name}");
        assert_eq!(f["line"].as_u64(), *line, "{name}");
        assert!(!f["fix"].as_str().unwrap().is_empty());
        assert_eq!(code, if *severity == "error" { 1 } else { 0 }, "{name}");
        let (_, table) = doctor(&dir, "table", &[]);
        text.push_str(&format!("== {name}\n{table}\n"));
    }
    insta::assert_snapshot!("doctor_findings", text);
}

/// A package whose library is cdylib + rlib and which has a binary: the
/// finding names the file that loses LTO and the binary that keeps it, and
/// cargo's own rustc lines say the same (the bin gets `-C lto=fat`, the
/// library none); without the binary the library is all the package links,
/// and it is an error.
#[test]
fn a_cdylib_beside_a_binary_is_named_for_what_loses_lto() {
    let dir = fixture("lto-skipped-crate-type-bin");
    let (code, json) = doctor(&dir, "json", &[]);
    assert_eq!(code, 0, "a warning: {json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(
        f["artifacts"],
        serde_json::json!(["liblto_skipped_crate_type_bin.so"])
    );
    assert_eq!(f["bins"], serde_json::json!(["mixed-cli"]));
    let (_, table) = doctor(&dir, "table", &[]);
    assert!(
        table.contains("liblto_skipped_crate_type_bin.so is built without LTO")
            && table.contains("its binary `mixed-cli` does get it (-C lto=fat"),
        "{table}"
    );
    // what cargo does, as the finding says
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-v", "--offline"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    let rustc = |krate: &str| {
        log.lines()
            .find(|l| l.contains("Running") && l.contains(&format!("--crate-name {krate} ")))
            .unwrap_or_else(|| panic!("no rustc line for {krate}: {log}"))
            .to_string()
    };
    let (lib, bin) = (rustc("lto_skipped_crate_type_bin"), rustc("mixed_cli"));
    assert!(
        lib.contains("--crate-type cdylib") && !lib.contains("-C lto"),
        "{lib}"
    );
    assert!(bin.contains("-C lto=fat"), "{bin}");
    // the library alone: an error
    let lib_only = fixture("lto-skipped-crate-type");
    let (code, json) = doctor(&lib_only, "json", &[]);
    assert_eq!(code, 1, "{json}");
    assert!(json.contains("\"bins\": []"), "{json}");
}

#[test]
fn a_clean_project_has_no_finding() {
    let dir = fixture("clean");
    let (code, json) = doctor(&dir, "json", &[]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]));
    let (_, table) = doctor(&dir, "table", &[]);
    assert!(table.starts_with("No findings"), "{table}");
}

#[test]
fn the_environment_is_read_too() {
    let dir = fixture("clean");
    let (code, json) = doctor(
        &dir,
        "json",
        &[("RUSTFLAGS", "-Clto=fat"), ("CFLAGS", "-O2 -flto=thin")],
    );
    assert_eq!(code, 1, "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let places: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        [
            ("rustflags-lto", "environment variable RUSTFLAGS"),
            ("c-flto-without-lto", "environment variable CFLAGS")
        ]
    );
}

#[test]
fn markdown_output() {
    let dir = fixture("abort-with-catch-unwind");
    let (_, md) = doctor(&dir, "markdown", &[]);
    insta::assert_snapshot!("doctor_markdown", md);
}

#[test]
fn a_custom_profile_inheriting_a_mistake_reports_it_once() {
    // ripgrep's `deb` inherits `release-lto`'s strip = "symbols": one finding,
    // where the value is written
    let dir = fixture("strip-symbols-backtraces");
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[profile.dist]\ninherits = \"release\"\n");
    std::fs::write(&manifest, text).unwrap();
    let (_, json) = doctor(&dir, "json", &[]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["line"], 9);
}

/// Cargo reads `.cargo/config.toml` from the current directory, not from
/// the manifest's: run from elsewhere with `--manifest-path`, the
/// project's own config file does not count, as cargo would have it, and
/// every command that reads configs says so.
#[test]
fn a_config_file_cargo_does_not_read_is_named() {
    let work = tempfile::tempdir().unwrap();
    let project = crate::common::fixture("tiny");
    std::fs::create_dir_all(project.join(".cargo")).unwrap();
    std::fs::write(
        project.join(".cargo/config.toml"),
        "[profile.release]\nopt-level = 2\n",
    )
    .unwrap();
    let manifest = project.join("Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let run = |args: &[&str]| {
        crate::common::cargo_lto()
            .args(args)
            .args(["--manifest-path", manifest])
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    let said = "not read: cargo reads config files from the directory it runs in";
    let out = run(&["doctor", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "unread-config")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(finding["file"], ".cargo/config.toml", "{finding}");
    assert_eq!(finding["severity"], "warning");
    let out = run(&["plan"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(said));
    let out = run(&["apply", "fat", "--dry-run"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(said),
        "{out:?}"
    );
    let out = run(&[
        "measure",
        "--only",
        "baseline",
        "--no-rebuild",
        "-q",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["notes"].to_string().contains(said), "{}", doc["notes"]);
    // from the project's directory it is read, and nothing is said
    let out = crate::common::cargo_lto()
        .args(["doctor", "--format", "json"])
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("unread-config"));
}
