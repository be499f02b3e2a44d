//! `--build-runs N`: N clean builds per configuration, interleaved round by
//! round, each one a sample; the figures their medians, with a CI.

use crate::common::{config, fixture, measure_json};

#[test]
fn three_clean_builds_each_interleaved_round_by_round() {
    let dir = fixture("tiny");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,off",
            "--no-rebuild",
            "--build-runs",
            "3",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    let samples = |name: &str| -> Vec<serde_json::Value> {
        config(doc, name)["build"]["samples"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {}", config(doc, name)["build"]))
            .clone()
    };
    let (base, off) = (samples("baseline"), samples("off"));
    assert_eq!((base.len(), off.len()), (3, 3));
    // the order the records say: baseline 1, off 1, baseline 2, off 2, …
    let started = |s: &serde_json::Value| s["started_unix_s"].as_f64().unwrap();
    let mut order: Vec<(f64, &str, usize)> = base
        .iter()
        .enumerate()
        .map(|(i, s)| (started(s), "baseline", i + 1))
        .chain(
            off.iter()
                .enumerate()
                .map(|(i, s)| (started(s), "off", i + 1)),
        )
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let order: Vec<(&str, usize)> = order.iter().map(|(_, n, r)| (*n, *r)).collect();
    assert_eq!(
        order,
        [
            ("baseline", 1),
            ("off", 1),
            ("baseline", 2),
            ("off", 2),
            ("baseline", 3),
            ("off", 3)
        ]
    );
    for name in ["baseline", "off"] {
        let build = &config(doc, name)["build"];
        let used: Vec<f64> = build["samples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["busy"] == false)
            .map(|s| s["wall_s"].as_f64().unwrap())
            .collect();
        let all: Vec<f64> = samples(name)
            .iter()
            .map(|s| s["wall_s"].as_f64().unwrap())
            .collect();
        // the median of the quiet ones (of all, when every one was busy:
        // tests build side by side)
        let mut sorted = if used.is_empty() { all } else { used };
        sorted.sort_by(f64::total_cmp);
        let median = if sorted.len() % 2 == 1 {
            sorted[sorted.len() / 2]
        } else {
            (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
        };
        assert_eq!(build["wall_s"].as_f64().unwrap(), median, "{build}");
        if sorted.len() >= 2 {
            let ci = build["wall_s_ci"].as_array().unwrap();
            assert_eq!(ci[0].as_f64().unwrap(), sorted[0]);
            assert_eq!(ci[1].as_f64().unwrap(), sorted[sorted.len() - 1]);
        }
        for s in samples(name) {
            assert!(s["cpu_s"].as_f64().unwrap() > 0.0, "{s}");
            assert!(s["peak_rss_bytes"].as_u64().unwrap() > 0, "{s}");
            assert!(s["contention"].is_number(), "{s}");
        }
    }
    // the runtime phase and the sizes still have a binary to work on
    let bin = config(doc, "off")["binaries"][0]["path"].as_str().unwrap();
    assert!(std::path::Path::new(bin).is_file());
    assert_eq!(
        config(doc, "off")["binaries"][0]["sha256"]
            .as_str()
            .map(str::len),
        Some(64)
    );
}

#[test]
fn build_runs_from_the_metadata_and_the_bad_ones() {
    let dir = fixture("tiny");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let with = |value: &str| {
        std::fs::write(
            &manifest,
            format!("{text}\n[package.metadata.cargo-lto]\nbuild-runs = {value}\n"),
        )
        .unwrap();
    };
    with("2");
    let run = measure_json(&dir, &["--only", "baseline", "--no-rebuild"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let samples = config(&run.doc, "baseline")["build"]["samples"].clone();
    assert_eq!(samples.as_array().unwrap().len(), 2, "{samples}");
    // --build-runs wins over the metadata
    let run = measure_json(
        &dir,
        &["--only", "baseline", "--no-rebuild", "--build-runs", "1"],
        &[],
    );
    let samples = config(&run.doc, "baseline")["build"]["samples"].clone();
    assert_eq!(samples.as_array().unwrap().len(), 1, "{samples}");

    let refused = |args: &[&str], says: &str| {
        let out = crate::common::cargo_lto()
            .arg("measure")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    // warm builds again would compile nothing: refused before building
    refused(
        &["--warm", "--build-runs", "3"],
        "a warm build again compiles nothing",
    );
    refused(&["--build-runs", "0"], "--build-runs");
    with("0");
    refused(&[], "build-runs: must be at least 1");
    with("\"three\"");
    refused(&[], "build-runs");
}
