//! `cargo lto apply`: a corpus of real hand-written manifests round-trips
//! (only the profile table changes, idempotent, cargo accepts the result),
//! and the command keeps the user's files safe.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use cargo_lto::advise::edit;
use cargo_lto::profile::presets::Preset;
use cargo_lto::profile::resolve;

use crate::common::{cargo_lto, fingerprint, fixture, repo};

/// The corpus: `Cargo.toml.orig` of crates from the registry cache
/// (tests/data/manifests/README.md).
fn corpus() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(repo().join("tests/data/manifests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 40, "the corpus has {} manifests", out.len());
    out
}

/// Creates the files a manifest names (targets, build script, readme) so
/// that cargo accepts the package.
fn stub_package(dir: &Path, manifest: &str) {
    let doc: toml::Table = toml::from_str(manifest).unwrap();
    let touch = |rel: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if !p.exists() {
            std::fs::write(&p, "").unwrap();
        }
    };
    for f in ["src/lib.rs", "src/main.rs", "build.rs"] {
        touch(f);
    }
    let package = doc.get("package").and_then(|p| p.as_table());
    for key in ["build", "readme", "license-file"] {
        if let Some(path) = package.and_then(|p| p.get(key)).and_then(|v| v.as_str()) {
            touch(path);
        }
    }
    if let Some(path) = doc
        .get("lib")
        .and_then(|l| l.get("path"))
        .and_then(|v| v.as_str())
    {
        touch(path);
    }
    for (kind, default) in [
        ("bin", "src/bin"),
        ("example", "examples"),
        ("test", "tests"),
        ("bench", "benches"),
    ] {
        for t in doc
            .get(kind)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            match (t.get("path"), t.get("name")) {
                (Some(p), _) => touch(p.as_str().unwrap()),
                (None, Some(n)) => touch(&format!("{default}/{}.rs", n.as_str().unwrap())),
                _ => {}
            }
        }
    }
}

/// The text without `[profile.<name>]` (toml_edit drops the table with
/// its own comments and whitespace; every other byte stays).
fn without_profile(text: &str, name: &str) -> String {
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    if let Some(p) = doc
        .get_mut("profile")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        p.remove(name);
    }
    doc.to_string()
}

fn cargo_accepts(dir: &Path) -> Result<(), String> {
    let out = StdCommand::new("cargo")
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_corpus_round_trips() {
    let presets = Preset::Standard.configurations();
    let size_z = &presets
        .iter()
        .find(|c| c.name == "size-z")
        .unwrap()
        .settings;
    let fat_cgu1 = &presets
        .iter()
        .find(|c| c.name == "fat-cgu1")
        .unwrap()
        .settings;
    let mut diffs = String::new();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("apply-corpus");
    for (i, (name, text)) in corpus().iter().enumerate() {
        for (profile, settings) in [("release", size_z), ("dist", fat_cgu1)] {
            let e = edit::manifest(text, profile, settings, name).unwrap();
            // only the profile table changed
            assert_eq!(
                without_profile(&e.text, profile),
                without_profile(text, profile),
                "{name}: something outside [profile.{profile}] changed:\n{}",
                edit::diff(Path::new(name), text, &e.text)
            );
            // idempotent
            let again = edit::manifest(&e.text, profile, settings, name).unwrap();
            assert_eq!(again.text, e.text, "{name}: a second apply changed it");
            assert!(again.written.is_empty(), "{name}");
            // cargo reads it, and the profile says what was applied
            let dir = tmp.join(format!("{i}-{profile}"));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("Cargo.toml"), &e.text).unwrap();
            stub_package(&dir, &e.text);
            cargo_accepts(&dir).unwrap_or_else(|err| panic!("{name}: cargo rejects it: {err}"));
            let resolved = resolve::resolve(profile, &dir.join("Cargo.toml"), &[], &|_| None)
                .unwrap_or_else(|err| panic!("{name}: {err:#}"));
            for (key, value) in settings.iter() {
                assert_eq!(
                    &resolved[&key].value, value,
                    "{name} [profile.{profile}] {key}"
                );
            }
            if profile == "release" && text.contains("[profile") {
                diffs.push_str(&edit::diff(Path::new(name), text, &e.text));
            }
        }
    }
    // the manifests that had profiles of their own: how their tables change
    insta::assert_snapshot!("corpus_diffs", diffs);
}

fn tiny() -> PathBuf {
    let dir = fixture("tiny");
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        "# the user's own\n[build]\nrustflags = \"--cfg user_flag\"\n",
    )
    .unwrap();
    dir
}

fn stdout(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cargo_lto()
        .current_dir(dir)
        .arg("apply")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dry_run_then_apply_then_again() {
    let dir = tiny();
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode()
    };
    let manifest = dir.join("Cargo.toml");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o664)).unwrap();
    }
    let before = fingerprint(&dir);
    let (code, out, err) = stdout(&dir, &["fat-cgu1", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+lto = \"fat\"\n+codegen-units = 1\n"),
        "{out}"
    );
    assert!(out.ends_with("Dry run: nothing written.\n"), "{out}");
    assert_eq!(fingerprint(&dir), before, "--dry-run wrote something");

    let (code, out, err) = stdout(&dir, &["fat-cgu1"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("apply_fat_cgu1", out);
    assert_eq!(mode(&manifest) & 0o777, 0o664, "permissions kept");
    let after = fingerprint(&dir);
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(changed, [&PathBuf::from("Cargo.toml")]);

    let (code, out, _) = stdout(&dir, &["fat-cgu1"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "Already applied: nothing to change.\n")
    );
}

#[test]
fn rustflags_keys_join_the_users_flags() {
    let dir = tiny();
    let (code, out, err) = stdout(&dir, &["icf"]);
    assert_eq!(code, 0, "{err}");
    // the user's flags are in build.rustflags: a target entry would
    // silently disable them, so the flag joins them there
    assert_eq!(
        std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap(),
        "# the user's own\n[build]\nrustflags = \"--cfg user_flag -Clink-arg=-Wl,--icf=all\"\n"
    );
    assert!(
        out.contains("Wrote .cargo/config.toml (icf = \"all\")"),
        "{out}"
    );
    // and the build still sees the user's flag
    let built = StdCommand::new("cargo")
        .args(["run", "--release", "-q"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    assert!(String::from_utf8_lossy(&built.stdout).contains("user_flag"));
}

#[test]
fn a_rejected_result_is_undone_byte_for_byte() {
    let dir = tiny();
    let before = fingerprint(&dir);
    // a cargo that rejects every `metadata --no-deps`: the check after the write
    let fake = dir.join("fake-cargo");
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --no-deps ] && { echo 'error: simulated rejection' >&2; exit 101; }; done\nexec cargo \"$@\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = cargo_lto()
        .current_dir(&dir)
        .env("CARGO", &fake)
        .args(["apply", "size-z"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("the edit was undone") && err.contains("simulated rejection"),
        "{err}"
    );
    let mut after = fingerprint(&dir);
    after.remove(Path::new("fake-cargo"));
    assert_eq!(after, before);
}

#[test]
fn bad_input_is_exit_2_and_writes_nothing() {
    let dir = tiny();
    let before = fingerprint(&dir);
    for (args, text) in [
        (&["nope"][..], "unknown configuration `nope`"),
        (
            &["fat", "--profile", "bad name"][..],
            "only letters, numbers",
        ),
        (
            &["fat", "--profile", "build"][..],
            "Cargo reserves this name",
        ),
        (&["--recommended"][..], "no measurements in"),
        (
            &["fat", "--results", "/nonexistent.json"][..],
            "/nonexistent.json",
        ),
    ] {
        let (code, _, err) = stdout(&dir, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(text), "{args:?}: {err}");
    }
    assert_eq!(fingerprint(&dir), before);
}

#[test]
fn a_members_manifest_is_never_written() {
    let dir = fixture("libs-workspace");
    let members: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml") && p.parent() != Some(&dir))
        .collect();
    assert!(!members.is_empty());
    let before: Vec<String> = members
        .iter()
        .map(|m| std::fs::read_to_string(m).unwrap())
        .collect();
    let out = cargo_lto()
        .args(["apply", "thin", "--manifest-path"])
        .arg(&members[0])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stdout.contains("profiles for the non root package will be ignored"),
        "{stdout}"
    );
    assert!(
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .contains("[profile.release]\nlto = \"thin\"\n")
    );
    for (m, b) in members.iter().zip(&before) {
        assert_eq!(&std::fs::read_to_string(m).unwrap(), b, "{}", m.display());
    }
}

#[test]
fn recommended_writes_the_recommendation() {
    let dir = tiny();
    // a document of this project: the fixed runtime document, re-rooted
    let text = std::fs::read_to_string(repo().join("tests/data/measure-runtime.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["project"]["workspace_root"] = serde_json::json!(dir.canonicalize().unwrap());
    let results = dir.join("target/cargo-lto/results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(results.join("latest.json"), doc.to_string()).unwrap();
    let (code, out, err) = stdout(&dir, &["--recommended", "--goal", "speed"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Recommended: fat\n"), "{out}");
    assert!(
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .ends_with("\n[profile.release]\nlto = \"fat\"\n")
    );
    // keep what you have: nothing written
    let before = fingerprint(&dir);
    let (code, out, _) = stdout(&dir, &["--recommended", "--goal", "build-time"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("keep what you have") && out.ends_with("Nothing written.\n"),
        "{out}"
    );
    assert_eq!(fingerprint(&dir), before);
}

/// `apply fat` in `dir`, refused (exit 2, never "undone"): stderr's first line.
fn apply_refused(dir: &Path) -> String {
    apply_refused_config(dir, "fat")
}

fn apply_refused_config(dir: &Path, config: &str) -> String {
    let out = cargo_lto()
        .args(["apply", config])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("undone"), "{stderr}");
    stderr.lines().next().unwrap_or("").to_string()
}

/// A Cargo.toml the user cannot write: refused before anything, exit 2,
/// the file and the cause on the first line. Was: "the edit was undone"
/// first though nothing was written, and a mode 444 file replaced.
#[test]
fn a_file_the_user_cannot_write_is_refused_first() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture("tiny");
    let manifest = dir.join("Cargo.toml");
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = fingerprint(&dir);
    let first = apply_refused(&dir);
    assert!(
        first.contains("Cargo.toml is read-only (mode 444): nothing was written"),
        "{first}"
    );
    assert_eq!(before, fingerprint(&dir));
    let mode = std::fs::metadata(&manifest).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o444,
        "the file is the same file, mode and all"
    );

    // a read-only mount: the system says so, even to root (where a tmpfs
    // can be mounted)
    let Some(mnt) = crate::common::Tmpfs::mount("1m") else {
        crate::common::skip("cannot mount a tmpfs here (root is needed), for the read-only mount");
        return;
    };
    let project = mnt.path().join("tiny");
    std::fs::create_dir_all(project.join("src")).unwrap();
    for f in ["Cargo.toml", "src/main.rs", "src/lib.rs"] {
        std::fs::copy(repo().join("tests/fixtures/tiny").join(f), project.join(f)).unwrap();
    }
    assert!(mnt.options("remount,ro"));
    let first = apply_refused(&project);
    assert!(
        first.contains("Cargo.toml cannot be written: Read-only file system"),
        "{first}"
    );
}

/// A configuration with a pipeline step (`pgo`, `bolt`): its profile keys
/// are written, the step is not (no Cargo.toml can hold it), and the
/// `cargo lto build` line that runs it is printed. A built-in one has no
/// training runs: the user is told where to give them. (Was: refused;
/// before that, its profile keys alone, the step silently dropped.)
#[test]
fn a_pipeline_is_applied_as_its_profile_keys_and_a_build_line() {
    let dir = fixture("tiny");
    let text = crate::common::succeeded(&dir, &["apply", "fat-pgo-bolt"]);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[profile.release]\nlto = \"fat\"\n"),
        "{manifest}"
    );
    assert!(
        !manifest.contains("pgo") && !manifest.contains("bolt"),
        "{manifest}"
    );
    assert!(!manifest.contains("train"), "{manifest}");
    assert!(
        text.contains("note: nothing trained this configuration here: add a `train` table"),
        "{text}"
    );
    assert!(
        text.contains("\n    cargo lto build fat-pgo-bolt --with fat-pgo-bolt:pgo=on,bolt=on\n"),
        "{text}"
    );
}

/// Applying LTO to a package whose library is cdylib + rlib beside a
/// binary says what doctor says: the `.so` gets none, the binary does;
/// a configuration without cross-crate LTO says nothing of it.
#[test]
fn lto_on_a_cdylib_beside_a_binary_says_what_it_reaches() {
    let dir = crate::common::copy_fixture(
        &repo().join("tests/fixtures/doctor/lto-skipped-crate-type-bin"),
        "apply-cdylib-bin",
    );
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, without_profile(&text, "release")).unwrap();
    let (code, out, err) = stdout(&dir, &["off"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("without LTO"), "{out}");
    let (code, out, err) = stdout(&dir, &["fat"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("note: `lto-skipped-crate-type-bin`'s library")
            && out.contains("liblto_skipped_crate_type_bin.so is built without LTO")
            && out.contains("its binary `mixed-cli` does get it"),
        "{out}"
    );
}
