//! Configurations that resolve to the same settings are built once: a
//! release profile of `lto = true` + `codegen-units = 1` makes quick's `fat`
//! and `fat-cgu1` the same build as `baseline`.

use crate::common::{cargo_lto, config, fixture, measure_json, names};

#[test]
fn identical_configurations_are_built_once() {
    let dir = fixture("tiny");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text + "\n[profile.release]\nlto = true\ncodegen-units = 1\n",
    )
    .unwrap();
    let args = [
        "--only",
        "baseline,off,fat,fat-cgu1",
        "--no-rebuild",
        "--run",
        "w=1000",
        "--runs",
        "2",
        "--min-time",
        "0s",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    assert_eq!(names(doc), ["baseline", "off", "fat", "fat-cgu1"]);
    for name in ["fat", "fat-cgu1"] {
        let c = config(doc, name);
        assert_eq!(c["identical_to"], "baseline", "{name}");
        assert_eq!(c["status"], "ok");
        // the same figures, and no build of its own
        assert_eq!(c["binaries"][0], config(doc, "baseline")["binaries"][0]);
        assert_eq!(c["build"], config(doc, "baseline")["build"]);
        assert_eq!(c["series"], config(doc, "baseline")["series"]);
        assert!(
            !dir.join(format!("target/cargo-lto/{name}")).exists(),
            "{name} was built"
        );
    }
    assert!(config(doc, "off")["identical_to"].is_null());
    assert!(
        doc["notes"]
            .to_string()
            .contains("`fat`, `fat-cgu1`: identical to `baseline`"),
        "{}",
        doc["notes"]
    );
    // and the table says so
    let out = cargo_lto()
        .args(["measure", "-q", "--warm"])
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let fat = table.lines().find(|l| l.starts_with("fat ")).unwrap();
    assert!(fat.contains("= baseline"), "{table}");
}
