//! A failing or timed-out configuration is reported and does not sink the others.

use crate::common::{cargo_lto, config, fingerprint, fixture};

#[test]
fn failing_configuration_is_recorded_and_others_run() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    let out = cargo_lto()
        .args([
            "measure",
            "-q",
            "--format",
            "json",
            "--no-rebuild",
            "--only",
            "off,refuse,fat",
        ])
        .args(["--with", "refuse:panic=abort"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code says something failed"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc["configurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["off", "fat", "refuse"]);
    assert_eq!(config(&doc, "off")["status"], "ok");
    assert_eq!(config(&doc, "fat")["status"], "ok");
    let refuse = config(&doc, "refuse");
    assert_eq!(refuse["status"], "failed");
    assert_eq!(refuse["exit_code"], 101);
    let tail = refuse["stderr_tail"].as_str().unwrap();
    assert!(tail.contains("refuses panic"), "{tail}");
    assert_eq!(refuse["settings"]["panic"], "abort");
    // cargo created a Cargo.lock for this lock-less fixture; it is removed again
    assert_eq!(before, fingerprint(&dir));
    assert!(doc["notes"].to_string().contains("Cargo.lock"));

    // the table names the failure and shows its stderr
    let table = cargo_lto()
        .args([
            "measure",
            "-q",
            "--no-rebuild",
            "--warm",
            "--only",
            "refuse",
        ])
        .args(["--with", "refuse:panic=abort"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("FAILED (101)") && text.contains("refuses panic"),
        "{text}"
    );
    assert!(text.contains("WARM"), "warm builds are labelled: {text}");
}

#[test]
fn timeout_is_recorded() {
    let dir = fixture("tiny");
    let out = cargo_lto()
        .args([
            "measure",
            "-q",
            "--format",
            "json",
            "--only",
            "fat",
            "--timeout",
            "0.05s",
        ])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(config(&doc, "fat")["status"], "timeout");
}
