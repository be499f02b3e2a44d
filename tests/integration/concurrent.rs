//! Two `measure` runs on one project: they share its build area, so the
//! second waits for the first (and says so once), or exits 2 with
//! `--no-wait`. Was: every configuration of one run failed, or the other
//! aborted without a document, or a Cargo.lock was left in the tree.

use crate::common::{config, fingerprint, fixture};

/// Holds the build area of the project in `dir` as a sweep would, with
/// this process's pid in the lock file; released when dropped.
fn hold_area(dir: &std::path::Path) -> std::fs::File {
    let path = dir.join("target/cargo-lto/measure.lock");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let held = std::fs::File::create(&path).unwrap();
    held.lock().unwrap();
    std::fs::write(&path, std::process::id().to_string()).unwrap();
    held
}

#[test]
fn two_runs_wait_their_turn() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    // a sweep holds the area while the two start: both must wait, and
    // then run one after the other
    let held = hold_area(&dir);
    let start = || {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("cargo-lto"));
        cmd.args(["lto", "measure", "-q", "--format", "json"])
            .args(["--only", "baseline,off", "--no-rebuild"])
            .env_remove("CARGO_TARGET_DIR")
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    std::thread::sleep(std::time::Duration::from_secs(2));
    drop(held);
    let runs: Vec<(Option<i32>, serde_json::Value, String)> = [first, second]
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let doc = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("no document ({e}): {stderr}"));
            (out.status.code(), doc, stderr)
        })
        .collect();
    let waiting = format!(
        "waiting for another `cargo lto measure` (pid {}) on this project",
        std::process::id()
    );
    for (code, doc, stderr) in &runs {
        assert_eq!(*code, Some(0), "{stderr}");
        for name in ["baseline", "off"] {
            assert_eq!(config(doc, name)["status"], "ok", "{stderr}");
        }
        // said once, though it may have waited for the other run too
        assert_eq!(stderr.matches("waiting for another").count(), 1, "{stderr}");
        assert!(stderr.contains(&waiting), "{stderr}");
    }
    // tiny has no Cargo.lock: neither run left one, nor changed anything
    assert_eq!(before, fingerprint(&dir));
}

#[test]
fn no_wait_refuses_a_busy_build_area() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    // another sweep holds the area: this test, with its own pid written
    let held = hold_area(&dir);
    let stderr = crate::common::refused(&dir, &["measure", "--no-wait", "--only", "baseline"], &[]);
    assert!(
        stderr.contains(&format!(
            "another `cargo lto measure` (pid {}) is measuring this project",
            std::process::id()
        )),
        "{stderr}"
    );
    // nothing was built, nothing of the tree touched
    assert!(!dir.join("target/cargo-lto/baseline").exists());
    assert_eq!(before, fingerprint(&dir));
    drop(held);
}

/// `plan` resolves the project (cargo may create a Cargo.lock for it): it
/// waits for a sweep that holds the build area rather than take the
/// sweep's Cargo.lock for its own, or leave its own for the sweep to take
/// for the user's.
#[test]
fn a_command_that_resolves_waits_for_a_sweep() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    let held = hold_area(&dir);
    let mut plan = std::process::Command::new(assert_cmd::cargo::cargo_bin("cargo-lto"))
        .args(["lto", "plan", "--format", "json"])
        .env_remove("CARGO_TARGET_DIR")
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(
        plan.try_wait().unwrap().is_none(),
        "plan waits for the sweep"
    );
    drop(held);
    let out = plan.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr
            .matches(&format!(
                "waiting for a `cargo lto measure` (pid {}) on this project to end",
                std::process::id()
            ))
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(before, fingerprint(&dir), "no Cargo.lock left");
}
