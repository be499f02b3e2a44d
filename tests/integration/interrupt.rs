//! Ctrl-C: the running build stops, what was measured is kept, the user's
//! tree (mtimes included) is as it was, exit code 130.

use std::time::{Duration, Instant};

use crate::common::{copy_fixture, fingerprint, repo};

#[test]
fn ctrl_c_keeps_results_and_restores_the_tree() {
    let dir = copy_fixture(&repo().join("examples/cross-crate"), "interrupt");
    let before = fingerprint(&dir);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cargo-lto"))
        .args([
            "lto",
            "measure",
            "-q",
            "--only",
            "off,fat",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env_remove("CARGO_TARGET_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first configuration is saved, then interrupt the second.
    let latest = dir.join("target/cargo-lto/results/latest.json");
    let start = Instant::now();
    while !latest.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "first configuration never saved"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let signalled = Instant::now();
    let status = child.wait().unwrap();
    // fat LTO of the example takes several seconds: Ctrl-C must not wait for it
    let waited = signalled.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "exited {waited:?} after Ctrl-C"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&latest).unwrap()).unwrap();
    let configs = doc["configurations"].as_array().unwrap();
    assert_eq!(configs[0]["name"], "off");
    assert_eq!(
        configs[0]["status"], "ok",
        "the finished configuration is kept"
    );
    // fat LTO of the example takes seconds; the signal came 0.5 s into it
    assert_eq!(configs.len(), 2, "{doc:#}");
    assert_eq!(configs[1]["name"], "fat");
    assert_eq!(configs[1]["status"], "interrupted");
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        before,
        fingerprint(&dir),
        "mtimes restored, nothing written"
    );
}
