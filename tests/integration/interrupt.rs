//! Ctrl-C, and SIGTERM as a CI runner or `timeout` sends it: the running
//! build stops, no process of it survives, what was measured is kept, the
//! user's tree (mtimes included) is as it was, exit code 130.

use std::time::{Duration, Instant};

use crate::common::{copy_fixture, fingerprint, repo};

#[test]
fn ctrl_c_keeps_results_and_restores_the_tree() {
    interrupted_by(libc::SIGINT, "interrupt");
}

/// SIGTERM was the default action: cargo-lto died and its cargo build,
/// in a process group of its own, ran on.
#[test]
fn sigterm_is_an_interruption_and_leaves_no_process() {
    interrupted_by(libc::SIGTERM, "interrupt-term");
}

/// The processes whose command line names `dir` (a fixture copy's own
/// path): what a sweep of it started.
fn processes_of(dir: &std::path::Path) -> Vec<String> {
    let needle = dir.display().to_string();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) {
            out.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    out
}

fn interrupted_by(signal: libc::c_int, name: &str) {
    let dir = copy_fixture(&repo().join("examples/cross-crate"), name);
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
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
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
    // the build's processes went with it (cargo and its rustc are in a
    // process group of their own, which a signal to cargo-lto misses)
    std::thread::sleep(Duration::from_millis(200));
    let left = processes_of(&dir);
    assert!(left.is_empty(), "still running: {left:#?}");
    assert_eq!(
        before,
        fingerprint(&dir),
        "mtimes restored, nothing written"
    );
}
