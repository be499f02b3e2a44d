//! The user's environment: their rustc wrapper is bypassed (and said so),
//! CARGO_TARGET_DIR is honoured.

use crate::common::{config, fixture, measure_json};

#[test]
fn user_wrapper_is_bypassed_and_target_dir_honoured() {
    let dir = fixture("tiny");
    let target = dir.join("elsewhere");
    // A wrapper that cannot run: were it used, every build would fail.
    let env = [
        (
            "RUSTC_WRAPPER",
            std::ffi::OsStr::new("/nonexistent/sccache"),
        ),
        ("CARGO_TARGET_DIR", target.as_os_str()),
    ];
    let run = measure_json(&dir, &["--no-rebuild", "--only", "off"], &env);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let notes = run.doc["notes"].to_string();
    assert!(
        notes.contains("/nonexistent/sccache") && notes.contains("bypassed"),
        "{notes}"
    );
    let path = config(&run.doc, "off")["binary"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        path.starts_with(target.join("cargo-lto/off").to_str().unwrap()),
        "{path}"
    );
    assert!(target.join("cargo-lto/results/latest.json").is_file());
}
