//! A release profile with `strip = "symbols"`: the measured binary stays
//! byte-identical to plain cargo's, and inspect still sees every crate,
//! through the unstripped twin measure links beside it. Was: "the binary
//! has no symbol table" for every configuration.

use std::process::Command;

use crate::common::{cargo_lto, config, fingerprint, fixture, measure_json};

#[test]
fn inspect_sees_through_a_stripped_release_profile() {
    let dir = fixture("stripped");
    let before = fingerprint(&dir);
    // two clean builds each: the second empties the build directory, and
    // the twin must outlive it
    let args = [
        "--only",
        "baseline,fat",
        "--no-rebuild",
        "--build-runs",
        "2",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for name in ["baseline", "fat"] {
        let bin = &config(&run.doc, name)["binaries"][0];
        assert_eq!(bin["symbols"], 0, "{name} is stripped: {bin}");
        let twin = bin["symbols_from"]
            .as_str()
            .unwrap_or_else(|| panic!("{bin}"));
        assert!(std::path::Path::new(twin).is_file());
    }
    // the measured binary is plain cargo's, byte for byte
    let plain = fixture("stripped");
    let built = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["build", "--release", "--quiet"])
        .current_dir(&plain)
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .unwrap();
    assert!(built.success());
    let measured = config(&run.doc, "baseline")["binaries"][0]["path"]
        .as_str()
        .unwrap();
    assert!(
        std::fs::read(measured).unwrap()
            == std::fs::read(plain.join("target/release/app")).unwrap(),
        "the measured binary differs from plain cargo's"
    );

    let out = cargo_lto()
        .args(["inspect", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for b in doc["binaries"].as_array().unwrap() {
        assert_eq!(b["stripped"], false, "{b:#}");
        assert!(b["symbols_from"].is_string(), "{b:#}");
        let crates: Vec<&str> = b["crates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(
            crates.contains(&"app") && crates.contains(&"std"),
            "{crates:?}"
        );
        if b["name"] == "baseline" {
            // without LTO the helper's non-leaf function stays its own
            assert!(crates.contains(&"helper"), "{crates:?}");
        }
    }
    assert!(doc["notes"].to_string().contains("unstripped twin"));

    // doctor quotes what the symbols cost this project, from the document
    let baseline = &config(&run.doc, "baseline")["binaries"][0];
    let symbols = baseline["stripped_symbols_bytes"].as_u64().unwrap();
    assert!(symbols > 0, "{baseline}");
    let out = cargo_lto()
        .args(["doctor", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let strip = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "strip-symbols-backtraces")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(strip["measured"]["symbols_bytes"], symbols, "{strip:#}");
    let fix = strip["fix"].as_str().unwrap();
    assert!(
        fix.contains("for this project the file grows from")
            && fix.contains(run.doc["id"].as_str().unwrap()),
        "{fix}"
    );
    assert_eq!(before, fingerprint(&dir));
}
