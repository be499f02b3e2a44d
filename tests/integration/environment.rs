//! The user's environment: their rustc wrapper is bypassed (and said so),
//! CARGO_TARGET_DIR is honoured.

use crate::common::{cargo_lto, config, fixture};

#[test]
fn user_wrapper_is_bypassed_and_target_dir_honoured() {
    let dir = fixture("tiny");
    let target = dir.join("elsewhere");
    // A wrapper that cannot run: were it used, every build would fail.
    let out = cargo_lto()
        .args([
            "measure",
            "-q",
            "--format",
            "json",
            "--no-rebuild",
            "--only",
            "off",
        ])
        .env("RUSTC_WRAPPER", "/nonexistent/sccache")
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("/nonexistent/sccache") && notes.contains("bypassed"),
        "{notes}"
    );
    let path = config(&doc, "off")["binary"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        path.starts_with(target.join("cargo-lto/off").to_str().unwrap()),
        "{path}"
    );
    assert!(target.join("cargo-lto/results/latest.json").is_file());
}
