//! `--warm` and the rebuild figure on a package whose build script prints no
//! `rerun-if-changed` (cargo then reruns it when any file of the package is
//! newer): a warm run with nothing changed runs no rustc, one after an edit
//! rebuilds what plain cargo rebuilds, and the user's tree is never touched.

use std::path::Path;
use std::process::Command;

use crate::common::{config, fingerprint, fixture, measure_json};

/// Every file of the fixture an hour old, as in a real checkout.
fn age(dir: &Path) {
    let old =
        filetime::FileTime::from_unix_time(filetime::FileTime::now().unix_seconds() - 3600, 0);
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            filetime::set_file_mtime(e.path(), old).unwrap();
        }
    }
}

/// The crates this run compiled for `off` (its own build: `warm_build`
/// when its clean build was carried from the earlier sweep).
fn units(doc: &serde_json::Value) -> Vec<String> {
    let off = config(doc, "off");
    let own = if off["warm_build"].is_object() {
        &off["warm_build"]
    } else {
        &off["build"]
    };
    own["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["crate_name"].as_str().unwrap().to_string())
        .collect()
}

/// The crates plain cargo compiles in `dir` for `cargo build ARGS -v`.
fn plain_cargo_compiles(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["build", "-v"])
        .args(args)
        .current_dir(dir)
        .env_remove("RUSTC_WRAPPER")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut crates: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.trim_start().starts_with("Running `") && l.contains("--crate-name"))
        .filter_map(|l| {
            l.split("--crate-name ")
                .nth(1)?
                .split_whitespace()
                .next()
                .map(String::from)
        })
        .collect();
    crates.sort();
    crates
}

#[test]
fn warm_runs_rebuild_only_what_changed() {
    // without a Cargo.lock (cargo makes one each run, cargo-lto removes it)
    warm_runs(false);
}

#[test]
fn warm_runs_rebuild_only_what_changed_with_a_lockfile() {
    // as ripgrep: a committed Cargo.lock, so only the rebuild step matters
    warm_runs(true);
}

fn warm_runs(with_lock: bool) {
    let dir = fixture("buildscript");
    if with_lock {
        let cargo = std::env::var("CARGO").unwrap_or("cargo".into());
        let ok = Command::new(cargo)
            .arg("generate-lockfile")
            .current_dir(&dir)
            .status();
        assert!(ok.unwrap().success());
    }
    age(&dir);
    let before = fingerprint(&dir);
    let sweep = measure_json(&dir, &["--only", "off"], &[]);
    assert_eq!(sweep.code, Some(0), "{}", sweep.stderr);
    let rebuild = &config(&sweep.doc, "off")["build"];
    assert!(
        rebuild["rebuild_link"].is_object(),
        "the rebuild recompiled the bin: {rebuild}"
    );
    assert_eq!(before, fingerprint(&dir), "not a file nor an mtime changed");

    // nothing changed: no rustc at all (was: the bin crate, every time)
    let warm = measure_json(&dir, &["--only", "off", "--warm", "--no-rebuild"], &[]);
    assert_eq!(warm.code, Some(0), "{}", warm.stderr);
    assert_eq!(
        units(&warm.doc),
        Vec::<String>::new(),
        "{:#}",
        warm.doc["notes"]
    );
    // the same binary: the clean sweep's build figures, marked so
    let build = &config(&warm.doc, "off")["build"];
    assert_eq!(build["carried_from"], sweep.doc["id"], "{build}");
    assert_eq!(build["warm"], false);

    // an edit: what plain cargo rebuilds, in a copy kept the same way
    let plain = fixture("buildscript");
    if with_lock {
        std::fs::copy(dir.join("Cargo.lock"), plain.join("Cargo.lock")).unwrap();
    }
    age(&plain);
    let profile = ["--config", "profile.release.lto=\"off\"", "--release"];
    plain_cargo_compiles(&plain, &profile);
    for d in [&dir, &plain] {
        std::fs::write(
            d.join("src/main.rs"),
            "fn main() { println!(\"edited {}\", env!(\"BUILT_BY\")); }\n",
        )
        .unwrap();
    }
    let expected = plain_cargo_compiles(&plain, &profile);
    let edited = measure_json(&dir, &["--only", "off", "--warm", "--no-rebuild"], &[]);
    let mut got = units(&edited.doc);
    got.sort();
    assert_eq!(
        got, expected,
        "cargo-lto rebuilt {got:?}, plain cargo {expected:?}"
    );
}

/// `measure`, then `measure --warm --run …`: the warm document has the
/// clean builds of the binaries that did not change, so `recommend --goal
/// build-time` answers from it; after an edit nothing is carried and it
/// says why.
#[test]
fn a_warm_runtime_run_keeps_the_clean_builds() {
    let dir = fixture("tiny");
    let only = ["--only", "baseline,off", "--no-rebuild"];
    let clean = measure_json(&dir, &only, &[]);
    assert_eq!(clean.code, Some(0), "{}", clean.stderr);
    let mut args = only.to_vec();
    args.extend(["--warm", "--run", "1000", "--runs", "2", "--min-time", "0s"]);
    let warm = measure_json(&dir, &args, &[]);
    assert_eq!(warm.code, Some(0), "{}", warm.stderr);
    for name in ["baseline", "off"] {
        let c = config(&warm.doc, name);
        assert_eq!(c["build"]["carried_from"], clean.doc["id"], "{name}: {c:#}");
        assert_eq!(
            c["build"]["wall_s"],
            config(&clean.doc, name)["build"]["wall_s"]
        );
        assert_eq!(c["warm_build"]["warm"], true);
        assert!(c["series"][0]["samples"].is_array());
    }
    let recommend = |goal: &str| {
        crate::common::cargo_lto()
            .args(["recommend", "--goal", goal, "--format", "json"])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let out = recommend("build-time");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        answer["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["build_warm"] == false),
        "{answer:#}"
    );

    // an edit changes both binaries: nothing is carried, and it says why
    let lib = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("wrapping_mul(31)", "wrapping_mul(37)")).unwrap();
    let edited = measure_json(&dir, &args, &[]);
    assert_eq!(edited.code, Some(0), "{}", edited.stderr);
    for name in ["baseline", "off"] {
        let c = config(&edited.doc, name);
        assert!(c["build"]["carried_from"].is_null(), "{name}: {c:#}");
        assert_eq!(c["build"]["warm"], true);
    }
    let notes = edited.doc["notes"].to_string();
    assert!(
        notes.contains("no earlier clean sweep built the same binary"),
        "{notes}"
    );
    let out = recommend("build-time");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without --warm"));
}

/// The grex case on the fixture: a sweep with workload `gen`, then a
/// `--warm` sweep with `opts` alone. The warm document carries `gen`'s runs
/// of the same binaries (marked, verdicts decided again with `opts`'s), so
/// `recommend` weighs both and names the documents it used; a later clean
/// sweep without `gen` says in the answer that `gen` is left out, and why.
#[test]
fn a_warm_sweep_carries_the_runs_it_does_not_repeat() {
    let dir = fixture("tiny");
    let only = ["--only", "baseline,off", "--no-rebuild"];
    let runs = ["--runs", "3", "--min-time", "0s", "--counter", "time"];
    let sweep = |extra: &[&str]| {
        let mut args = only.to_vec();
        args.extend(runs);
        args.extend(extra);
        let run = measure_json(&dir, &args, &[]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.doc
    };
    let first = sweep(&["--run", "gen=2000"]);
    let warm = sweep(&["--warm", "--run", "opts=300 squares"]);
    let gen_of = |doc: &serde_json::Value, name: &str| {
        config(doc, name)["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "gen")
            .cloned()
    };
    for name in ["baseline", "off"] {
        let carried = gen_of(&warm, name).unwrap_or_else(|| panic!("{name}: {warm:#}"));
        assert_eq!(carried["carried_from"], first["id"]);
        assert_eq!(carried["samples"], gen_of(&first, name).unwrap()["samples"]);
    }
    let entry = &warm["earlier_workloads"][0];
    assert_eq!(entry["workload"], "gen");
    assert_eq!(entry["carried"], serde_json::json!(["baseline", "off"]));
    assert!(entry["left_out"].is_null());
    let names: Vec<&str> = warm["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["opts", "gen"]);
    let recommend = || {
        let out = crate::common::cargo_lto()
            .args(["recommend", "--format", "json"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let answer = recommend();
    let sources: Vec<&serde_json::Value> = answer["sources"].as_array().unwrap().iter().collect();
    assert_eq!(sources[0]["results_id"], warm["id"], "{answer:#}");
    assert!(
        sources
            .iter()
            .any(|s| s["results_id"] == first["id"] && s["workloads"] == serde_json::json!(["gen"])),
        "{answer:#}"
    );
    let off = answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "off")
        .unwrap();
    let weighed: Vec<&str> = off["runtime"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["workload"].as_str().unwrap())
        .collect();
    assert_eq!(weighed, ["opts", "gen"], "both workloads weighed");

    // a clean sweep without `gen`: the answer says it is left out
    sweep(&[]);
    let answer = recommend();
    let left_out = answer["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "workload_left_out" && r["workload"] == "gen")
        .unwrap_or_else(|| panic!("{answer:#}"));
    assert_eq!(left_out["why"]["kind"], "not_warm");
    assert!(
        left_out["text"]
            .as_str()
            .unwrap()
            .contains("not in this answer"),
        "{left_out}"
    );
}

/// The progress line of a configuration shows the table's build figure,
/// said to be that, and the whole time apart (was: `thin done in 6.95 s`
/// beside a table that said 4.70 s).
#[test]
fn the_progress_line_shows_the_tables_build_figure() {
    let dir = fixture("tiny");
    let out = crate::common::cargo_lto()
        .args(["measure", "--only", "off", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let build = config(&doc, "off")["build"]["wall_s"].as_f64().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("cargo lto: off done: build "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains(" s (the table's figure), "), "{line}");
    let shown: f64 = line["cargo lto: off done: build ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((shown - build).abs() < 0.01, "{line} against {build}");
}

/// `cargo lto build` builds one configuration through the same stages as
/// a sweep and saves its document as `build-<id>.json` only: after a
/// sweep of five configurations, `recommend` still sees all five (it read
/// a one-configuration build document as the newest sweep before). Its
/// `-q` prints the binary's path alone, `-v` the build's table on stderr.
#[test]
fn a_release_build_is_not_read_as_a_sweep() {
    let dir = fixture("tiny");
    let five = "baseline,off,thin,fat,fat-cgu1";
    let sweep = measure_json(&dir, &["--only", five, "--no-rebuild"], &[]);
    assert_eq!(sweep.code, Some(0), "{}", sweep.stderr);
    let out = crate::common::cargo_lto()
        .args(["build", "fat", "-q"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(std::path::Path::new(printed.trim()).is_file(), "{printed}");
    assert!(
        out.stderr.is_empty(),
        "-q: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = dir.join("target/cargo-lto/results");
    let builds: Vec<_> = std::fs::read_dir(&results)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("build-"))
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    let latest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(results.join("latest.json")).unwrap()).unwrap();
    assert_eq!(
        latest["id"], sweep.doc["id"],
        "latest.json is still the sweep"
    );
    let out = crate::common::cargo_lto()
        .args(["recommend", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["results_id"], sweep.doc["id"]);
    let mut seen: Vec<&str> = answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .chain(answer["rejected"].as_array().unwrap())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let mut all: Vec<&str> = five.split(',').collect();
    all.sort_unstable();
    assert_eq!(seen, all, "{answer:#}");
    // -v: the build's table on stderr
    let out = crate::common::cargo_lto()
        .args(["build", "off", "-v"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("config") && stderr.contains("off"),
        "{stderr}"
    );
}
