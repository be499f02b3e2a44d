//! Bad input: a one-line error that says what to do, exit code 2, no panic.

use crate::common::{cargo_lto, fingerprint, fixture};

fn expect_usage_error(args: &[&str], dir: Option<&std::path::Path>, needle: &str) {
    let before = dir.map(fingerprint);
    let mut cmd = cargo_lto();
    cmd.arg("measure").args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: expected `{needle}` in:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(out.stdout.is_empty());
    // nothing written, not even the Cargo.lock `cargo metadata` creates
    assert_eq!(before, dir.map(fingerprint), "{args:?} changed the tree");
}

#[test]
fn not_a_cargo_project() {
    let dir = tempfile::tempdir().unwrap();
    expect_usage_error(&[], Some(dir.path()), "not a Cargo project");
    expect_usage_error(
        &["--manifest-path", "/nonexistent/Cargo.toml"],
        None,
        "does not exist",
    );
}

#[test]
fn library_only_package() {
    let dir = fixture("lib-only");
    expect_usage_error(
        &[],
        Some(&dir),
        "LTO happens only when linking a bin, cdylib or staticlib",
    );
}

#[test]
fn workspace_without_a_binary() {
    let dir = fixture("libs-workspace");
    expect_usage_error(&[], Some(&dir), "no binary target in the workspace");
}

#[test]
fn unknown_package_and_bin() {
    let dir = fixture("tiny");
    expect_usage_error(
        &["-p", "nope"],
        Some(&dir),
        "package `nope` is not a member",
    );
    expect_usage_error(
        &["--bin", "nope"],
        Some(&dir),
        "has no binary `nope` (binaries: tiny)",
    );
}

#[test]
fn invalid_preset_and_configurations() {
    let dir = fixture("tiny");
    expect_usage_error(&["--preset", "fast"], Some(&dir), "unknown preset `fast`");
    expect_usage_error(&["--with", "x:lto=\"true\""], Some(&dir), "invalid value");
    expect_usage_error(
        &["--with", "x:ltoo=fat"],
        Some(&dir),
        "unknown setting `ltoo`",
    );
    expect_usage_error(&["--with", "nocolon"], Some(&dir), "NAME:KEY=VALUE");
    expect_usage_error(
        &["--only", "fatt"],
        Some(&dir),
        "no configuration named `fatt`",
    );
    expect_usage_error(
        &["--base-profile", "dist"],
        Some(&dir),
        "profile `dist` is not defined",
    );
    // nothing silently dropped: a --with that --only leaves out, a
    // training that no configuration of the run would use
    expect_usage_error(
        &["--only", "baseline", "--with", "small:lto=fat"],
        Some(&dir),
        "`small` is not among --only baseline",
    );
    expect_usage_error(
        &["--only", "baseline,fat", "--train", "100"],
        Some(&dir),
        "--train and --train-cmd train PGO and BOLT configurations, and this run has none (`baseline`, `fat`)",
    );
    // nothing was built: bad input is caught before any build starts
    assert_eq!(crate::common::built(&dir), Vec::<std::path::PathBuf>::new());
}

/// A `train` table in the metadata with no PGO or BOLT configuration in
/// the run: measured as asked, with a note that it was not used.
#[test]
fn an_unused_train_table_is_a_note() {
    let dir = fixture("tiny");
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[package.metadata.cargo-lto.train.t]\nargs = \"100\"\n");
    std::fs::write(&manifest, text).unwrap();
    let run = crate::common::measure_json(&dir, &["--only", "off", "--no-rebuild"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let notes = run.doc["notes"].to_string();
    assert!(
        notes.contains("the metadata's `train` table trains PGO and BOLT configurations, and none is in this run"),
        "{notes}"
    );
}

#[test]
fn bad_metadata_is_named() {
    let dir = fixture("bad-metadata");
    expect_usage_error(&[], Some(&dir), "[package.metadata.cargo-lto]");
    expect_usage_error(&[], Some(&dir), "unknown setting `ltoo`");
}

#[test]
fn help_works_both_ways() {
    cargo_lto().args(["measure", "--help"]).assert().success();
    let mut direct = assert_cmd::Command::cargo_bin("cargo-lto").unwrap();
    direct.args(["lto", "--version"]).assert().success();
}

#[test]
fn cargos_flags_and_workloads_are_checked_before_building() {
    // each of these used to fail every configuration at build time (exit 1,
    // cargo's error once per configuration) or after all builds (exit 3)
    let dir = fixture("tiny");
    let cases: [(&[&str], &str); 6] = [
        (&["--target", "nope"], "rustc knows no such target"),
        (
            &["--features", "nope"],
            "package `tiny` has no such feature (none is declared)",
        ),
        (
            &["-j", "0"],
            "-j 0: jobs must be a whole number other than 0",
        ),
        (
            &["--run-dir", "/nonexistent", "--run", "w=1"],
            "directory /nonexistent does not exist",
        ),
        (
            &["--run-cmd", "w=/nonexistent/prog {bin}"],
            "program `/nonexistent/prog` not found",
        ),
        (
            &["--stdin", "/nonexistent/input", "--run", "w=1"],
            "stdin file /nonexistent/input does not exist",
        ),
    ];
    for (args, needle) in cases {
        expect_usage_error(&[&["--only", "off"], args].concat(), Some(&dir), needle);
        assert!(
            crate::common::built(&dir).is_empty(),
            "{args:?}: something was built"
        );
    }
}

#[test]
fn rustflags_keys_are_checked_before_building() {
    let dir = fixture("tiny");
    let cases: [(&str, &str); 3] = [
        (
            "x:linker=/nonexistent/ld",
            "linker `/nonexistent/ld` is not installed",
        ),
        ("x:linker=bfd,icf=all", "GNU ld (bfd) has no --icf"),
        ("x:target-cpu=pentium9000", "rustc knows no such CPU"),
    ];
    for (with, needle) in cases {
        expect_usage_error(&["--only", "x", "--with", with], Some(&dir), needle);
        assert!(
            crate::common::built(&dir).is_empty(),
            "{with}: something was built"
        );
    }
}

/// A syntax error in Cargo.toml: every command shows cargo's whole message
/// (the file, the line, the caret), exit 2, nothing written. Was: `cargo
/// metadata failed: unclosed table`, and `apply` said "not a Cargo project".
#[test]
fn cargos_own_words_about_a_broken_manifest() {
    let dir = fixture("tiny");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[package\nname = \"x\"\n")).unwrap();
    let before = fingerprint(&dir);
    for command in [
        &["measure"][..],
        &["doctor"],
        &["apply", "fat"],
        &["inspect"],
        &["plan"],
        &["recommend"],
    ] {
        let out = cargo_lto()
            .args(command)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains("unclosed table"), "{command:?}: {stderr}");
        assert!(
            stderr.contains("Cargo.toml:"),
            "{command:?}: the line: {stderr}"
        );
        assert!(
            stderr.contains("[package"),
            "{command:?}: the source: {stderr}"
        );
        assert!(
            !stderr.contains("not a Cargo project"),
            "{command:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(before, fingerprint(&dir));
}

/// A path the user gave that does not exist is exit 2, even where results
/// are optional (`explain`). Was: exit 0, the facts alone.
#[test]
fn explain_refuses_a_manifest_path_that_does_not_exist() {
    let out = cargo_lto()
        .args(["explain", "lto", "--manifest-path", "missing/Cargo.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("missing/Cargo.toml does not exist"),
        "{stderr}"
    );
}

/// `inspect --file`: a file that does not exist is named as such (was:
/// "measure again"), and a file that is no executable says so on its first
/// line (was: line 2).
#[test]
fn inspect_files_are_worded_as_files() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    let run = |file: &str| {
        let out = cargo_lto()
            .args(["inspect", "--file", file])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let missing = run("/nonexistent/app");
    assert!(
        missing.starts_with("error: /nonexistent/app does not exist"),
        "{missing}"
    );
    assert!(!missing.contains("measure again"), "{missing}");
    let toml = run("Cargo.toml");
    let first = toml.lines().next().unwrap_or("");
    assert!(
        first.contains("Cargo.toml is not an executable or object file"),
        "{toml}"
    );
    assert_eq!(before, fingerprint(&dir));
}

/// A PGO configuration with an llvm-profdata of another LLVM version than
/// rustc's (this machine's /usr/bin/llvm-profdata is LLVM 14's, which
/// cannot read rustc 1.95's profiles): exit 2 before anything is built,
/// naming what was found, its version, and what is needed.
#[test]
fn pgo_refuses_an_llvm_profdata_of_another_version() {
    let old = std::path::Path::new("/usr/bin/llvm-profdata");
    let version = std::process::Command::new(old)
        .args(["merge", "--version"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !version.contains("LLVM version 14.") {
        crate::common::skip("/usr/bin/llvm-profdata is not LLVM 14's here (Debian's `llvm`)");
        return;
    }
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    let stderr = crate::common::refused(
        &dir,
        &[
            "measure",
            "--only",
            "baseline,p",
            "--with",
            "p:lto=fat,pgo=on",
        ],
        &[("CARGO_LTO_LLVM_PROFDATA", old.as_os_str())],
    );
    assert!(
        stderr.starts_with("error: `p` (pgo = \"on\") needs llvm-profdata of LLVM 22"),
        "{stderr}"
    );
    assert!(
        stderr.contains("found /usr/bin/llvm-profdata (LLVM 14.0")
            && stderr.contains("named by CARGO_LTO_LLVM_PROFDATA"),
        "{stderr}"
    );
    let built = crate::common::built(&dir);
    assert!(built.is_empty(), "nothing is built: {built:?}");
    assert_eq!(before, fingerprint(&dir));
}

/// `build` of a configuration nobody defined: refused before building,
/// worded for `build` (was: `--only: …`, a flag the user never wrote, and
/// only the quick preset's names).
#[test]
fn build_names_the_configurations_it_knows() {
    let dir = crate::common::fixture("tiny");
    let stderr = crate::common::refused(&dir, &["build", "nope"], &[]);
    assert!(
        stderr.starts_with("error: CONFIG `nope`: no such configuration: name one of baseline,"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fat-pgo") && stderr.contains("--with nope:KEY=VALUE"),
        "{stderr}"
    );
    assert!(crate::common::built(&dir).is_empty());
}
