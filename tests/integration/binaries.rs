//! Several binaries in one sweep (the `bins` fixture: `pair` has the
//! [[bin]] pair `one` and `two`, `left` and `right` a binary each, all
//! calling the library `shared`): one `cargo build` per configuration
//! builds them all, each binary's sizes and sections are recorded, and
//! every report, `inspect`, `recommend`, `check` and `build` handle
//! several; `{bin:NAME}` runs one of them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{cargo_lto, config, fixture, measure_json};

const ALL: [&str; 4] = ["left", "one", "two", "right"];

/// The sweep of every binary (no -p, no --bin), once per test binary.
fn swept() -> &'static (PathBuf, serde_json::Value) {
    static SWEPT: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    SWEPT.get_or_init(|| {
        let dir = fixture("bins");
        let run = measure_json(
            &dir,
            &[
                "--only",
                "baseline,fat",
                "--no-rebuild",
                "--run-cmd",
                "both={bin:one} 1000",
                "--run-cmd",
                "r={bin:right} 2000",
                "--runs",
                "3",
                "--warmup",
                "0",
                "--counter",
                "instructions",
            ],
            &[],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        (dir, run.doc)
    })
}

fn lto(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = cargo_lto().args(args).current_dir(dir).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The default measures every binary of the workspace's members, says so,
/// and records each one's file, sizes and sections and link step; the
/// configuration's size is their sum everywhere a single figure is shown.
#[test]
fn every_binary_is_measured_and_recorded() {
    let (_, doc) = swept();
    let bins: Vec<(&str, &str)> = doc["project"]["bins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["name"].as_str().unwrap(), b["package"].as_str().unwrap()))
        .collect();
    assert_eq!(
        bins,
        [
            ("left", "left"),
            ("one", "pair"),
            ("two", "pair"),
            ("right", "right")
        ]
    );
    let note = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "every_binary")
        .unwrap_or_else(|| panic!("no every_binary note: {:#}", doc["notes"]));
    assert!(
        note["text"].as_str().unwrap().contains("--bin NAME"),
        "{note}"
    );
    for name in ["baseline", "fat"] {
        let c = config(doc, name);
        let binaries = c["binaries"].as_array().unwrap();
        let order: Vec<&str> = binaries
            .iter()
            .map(|b| b["bin"].as_str().unwrap())
            .collect();
        assert_eq!(order, ALL, "{name}");
        for b in binaries {
            let path = Path::new(b["path"].as_str().unwrap());
            let on_disk = std::fs::metadata(path).unwrap().len();
            assert_eq!(b["size_bytes"].as_u64().unwrap(), on_disk, "{name} {b}");
            let groups: u64 = b["sections"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum();
            assert_eq!(groups, on_disk, "the groups add up to each file");
            assert!(path.ends_with(b["bin"].as_str().unwrap()), "{path:?}");
        }
        let links = c["build"]["links"].as_object().unwrap();
        assert_eq!(links.len(), 4, "{name}: {links:?}");
        let slowest = links
            .values()
            .map(|l| l["wall_s"].as_f64().unwrap())
            .fold(0.0, f64::max);
        assert_eq!(c["build"]["link"]["wall_s"].as_f64().unwrap(), slowest);
    }
    // fat LTO shrinks each binary on its own
    for bin in ALL {
        let size = |c: &str| {
            config(doc, c)["binaries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["bin"] == bin)
                .unwrap()["shipped_bytes"]
                .as_u64()
                .unwrap()
        };
        assert!(size("fat") < size("baseline"), "{bin}");
    }
    // {bin:NAME} ran the binary named: its output says which
    for (workload, bin) in [("both", "one"), ("r", "right")] {
        let series = config(doc, "fat")["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == workload)
            .unwrap();
        assert_eq!(series["status"], "ok", "{series}");
        let w = doc["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == workload)
            .unwrap();
        assert_eq!(w["command"][0], format!("{{bin:{bin}}}"));
    }
}

/// Both sizes of each binary in the table, Markdown and HTML, beside the
/// configuration's sum.
#[test]
fn every_format_shows_each_binary() {
    let (dir, doc) = swept();
    let (code, table, stderr) = lto(dir, &["report", "--format", "table"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(table.contains("size per binary"), "{table}");
    assert!(table.contains("of the binaries together"), "{table}");
    let shipped = |c: &str, b: usize| {
        config(doc, c)["binaries"][b]["shipped_bytes"]
            .as_u64()
            .unwrap()
    };
    for (i, bin) in ALL.iter().enumerate() {
        // a row per binary and configuration (four binaries are too many
        // for a column group each)
        let row = table
            .lines()
            .find(|l| l.starts_with("fat ") && l.split_whitespace().nth(1) == Some(bin))
            .unwrap_or_else(|| panic!("no row of fat's {bin}:\n{table}"));
        let kib = format!("{:.1} KiB", shipped("fat", i) as f64 / 1024.0);
        assert!(row.contains(&kib), "{row} lacks {kib}");
    }
    let (code, md, _) = lto(dir, &["report", "--format", "markdown"]);
    assert_eq!(code, Some(0));
    for bin in ALL {
        assert!(md.contains(&format!("| {bin} ")), "{bin} missing:\n{md}");
    }
    assert!(md.contains("`one` and `two` of pair 0.1.0"), "{md}");
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("r.html");
    let (code, _, stderr) = lto(
        dir,
        &["report", "--format", "html", "-o", html.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("size per binary"), "no per-binary table");
    for bin in ALL {
        assert!(page.contains(&format!("<td>{bin}</td>")), "{bin} missing");
    }
    assert!(page.contains("its binaries' together"), "the chart says so");
}

/// `inspect` shows each binary of each configuration and diffs each
/// binary's pair; `--bin` and `-p` choose among them.
#[test]
fn inspect_shows_each_binary() {
    let (dir, _) = swept();
    let json = |args: &[&str]| {
        let mut all = vec![
            "inspect",
            "--format",
            "json",
            "--base",
            "baseline",
            "--against",
            "fat",
        ];
        all.extend(args);
        let (code, out, stderr) = lto(dir, &all);
        assert_eq!(code, Some(0), "{stderr}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let doc = json(&[]);
    let seen: Vec<(&str, &str)> = doc["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["name"].as_str().unwrap(), b["bin"].as_str().unwrap()))
        .collect();
    assert_eq!(seen.len(), 8, "{seen:?}");
    let diffs: Vec<&str> = doc["diffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["bin"].as_str().unwrap())
        .collect();
    assert_eq!(diffs, ALL);
    // shared's non-leaf function is inlined into each binary by fat LTO
    for d in doc["diffs"].as_array().unwrap() {
        let gone: Vec<&str> = d["vanished"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(gone.contains(&"shared::total"), "{}: {gone:?}", d["bin"]);
    }
    let one = json(&["--bin", "one"]);
    assert_eq!(one["binaries"].as_array().unwrap().len(), 2);
    let pair = json(&["-p", "pair"]);
    let bins: Vec<&str> = pair["diffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["bin"].as_str().unwrap())
        .collect();
    assert_eq!(bins, ["one", "two"]);
    let (code, text, _) = lto(dir, &["inspect", "--base", "baseline", "--against", "fat"]);
    assert_eq!(code, Some(0));
    for bin in ALL {
        assert!(text.contains(&format!("Binary `{bin}`")), "{bin}:\n{text}");
    }
    let (code, _, stderr) = lto(dir, &["inspect", "--bin", "nope"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("has a binary `nope` (binaries: left, one, two, right)"),
        "{stderr}"
    );
}

/// `recommend --goal size` weighs the binaries' sum, or one with `--bin`;
/// `check` gates each binary against its own.
#[test]
fn advice_and_the_gate_take_every_binary() {
    let (dir, doc) = swept();
    let json = |args: &[&str]| {
        let mut all = vec!["recommend", "--format", "json", "--goal", "size"];
        all.extend(args);
        let (code, out, stderr) = lto(dir, &all);
        assert_eq!(code, Some(0), "{stderr}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let sum = |c: &str| -> u64 {
        config(doc, c)["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["shipped_bytes"].as_u64().unwrap())
            .sum()
    };
    let r = json(&[]);
    assert_eq!(r["choice"], "fat", "{r:#}");
    let fat = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "fat")
        .unwrap();
    assert_eq!(fat["shipped_bytes"].as_u64().unwrap(), sum("fat"));
    let r = json(&["--bin", "two"]);
    assert_eq!(r["constraints"]["bin"], "two");
    let fat = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "fat")
        .unwrap();
    assert_eq!(
        fat["shipped_bytes"],
        config(doc, "fat")["binaries"][2]["shipped_bytes"]
    );
    let (code, _, stderr) = lto(dir, &["recommend", "--bin", "nope"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--bin nope"), "{stderr}");

    // one binary grows 50%: its own row fails, the others pass
    let mut grown = doc.clone();
    let b = &mut grown["configurations"][1]["binaries"][3]["size_bytes"];
    *b = serde_json::json!(b.as_u64().unwrap() * 3 / 2);
    let files = tempfile::tempdir().unwrap();
    let old = files.path().join("old.json");
    let new = files.path().join("new.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    std::fs::write(&new, grown.to_string()).unwrap();
    let (code, out, stderr) = lto(
        dir,
        &[
            "check",
            "--baseline",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--max-size",
            "+10%",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let failed: Vec<(&str, &str)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "fail")
        .map(|r| (r["config"].as_str().unwrap(), r["check"].as_str().unwrap()))
        .collect();
    assert_eq!(failed, [("fat", "size:right")], "{report:#}");
}

/// `-p` and `--bin` repeat and choose across packages, as cargo's do;
/// `{bin}` with several binaries and no `default-run` is refused before
/// anything is built, as is a `--bin` of another package.
#[test]
fn the_selection_follows_cargo() {
    let dir = fixture("bins");
    let run = measure_json(
        &dir,
        &[
            "-p",
            "pair",
            "-p",
            "left",
            "--bin",
            "two",
            "--bin",
            "left",
            "--only",
            "baseline",
            "--no-rebuild",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let bins: Vec<&str> = run.doc["project"]["bins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(bins, ["two", "left"]);
    assert!(
        !run.doc["notes"].to_string().contains("every_binary"),
        "--bin chose them: no note"
    );
    for (args, said) in [
        (
            vec!["--run", "w=5"],
            "measures several (left, one, two, right), none of them the package's `default-run`",
        ),
        (vec!["--run-cmd", "w={bin:on}"], "{bin:on} names no binary"),
        (
            vec!["-p", "pair", "--bin", "left"],
            "package `pair` has no binary `left`",
        ),
    ] {
        let mut all = vec!["measure", "--only", "baseline"];
        all.extend(&args);
        let (code, _, stderr) = lto(&dir, &all);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    // the package's default-run is what {bin} stands for, written out
    let manifest = dir.join("pair/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("publish = false", "publish = false\ndefault-run = \"two\""),
    )
    .unwrap();
    let run = measure_json(
        &dir,
        &[
            "-p",
            "pair",
            "--only",
            "baseline",
            "--no-rebuild",
            "--run",
            "w=7",
            "--runs",
            "1",
            "--warmup",
            "0",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.doc["workloads"][0]["command"][0], "{bin:two}");
}

/// `cargo lto build` copies every binary of the configuration: into the
/// directory `--out` names, with several.
#[test]
fn build_copies_each_binary() {
    let dir = fixture("bins");
    let out = tempfile::tempdir().unwrap();
    let (code, printed, stderr) = lto(
        &dir,
        &[
            "build",
            "off",
            "-q",
            "-p",
            "pair",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let paths: Vec<&str> = printed.lines().collect();
    assert_eq!(paths.len(), 2, "{printed}");
    for (path, bin) in paths.iter().zip(["one", "two"]) {
        assert_eq!(Path::new(path), out.path().join(bin));
        let ran = std::process::Command::new(path).arg("3").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&ran.stdout), format!("{bin} 33\n"));
    }
}

/// BOLT over several binaries: each is instrumented and laid out by its
/// own profile; one the training never ran is measured as linked (stripped
/// as the profile says), and a note says so.
#[test]
fn bolt_lays_out_each_binary_by_its_own_profile() {
    if !crate::pgo::bolt_here() {
        return;
    }
    let dir = fixture("bins");
    let run = measure_json(
        &dir,
        &[
            "-p",
            "pair",
            "--only",
            "baseline,b",
            "--with",
            "b:bolt=on,strip=symbols",
            "--no-rebuild",
            "--run-cmd",
            "w={bin:one} 100000",
            "--runs",
            "1",
            "--warmup",
            "0",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let b = config(&run.doc, "b");
    let stages: Vec<&str> = b["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["bolt-instrument", "bolt-training", "bolt-optimize"]
    );
    for (i, bin) in ["one", "two"].iter().enumerate() {
        let binary = &b["binaries"][i];
        assert_eq!(binary["bin"], *bin);
        assert_eq!(binary["symbols"], 0, "{bin}: stripped as the profile says");
        assert!(binary["symbols_from"].is_string(), "{bin}: {binary}");
    }
    let untrained: Vec<&str> = run.doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "bolt_untrained")
        .map(|n| n["bin"].as_str().unwrap())
        .collect();
    assert_eq!(untrained, ["two"]);
    let series = &b["series"][0];
    assert_eq!(series["status"], "ok", "{series}");
    assert_eq!(series["output_differs"], false, "{series}");
}
