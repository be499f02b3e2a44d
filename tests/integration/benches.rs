//! The project's own benchmarks (`measure --benches`) on the `benches`
//! fixture: a library-only package `suite` benches `hot` with criterion
//! (`crit`: per_element, in_dependency, std_only, planted) and divan
//! (`div`: the first three). One sweep of baseline, fat and `planted`
//! (fat with debug assertions, under which the `planted` benchmark does
//! five times the work) serves every test here.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{
    cargo_lto, config, fingerprint, fixture, measure_json, refused, runtime, succeeded,
};

const BENCHMARKS: [&str; 7] = [
    "crit/per_element",
    "crit/in_dependency",
    "crit/std_only",
    "crit/planted",
    "div/div::in_dependency",
    "div/div::per_element",
    "div/div::std_only",
];

struct Swept {
    code: Option<i32>,
    stderr: String,
    dir: PathBuf,
    doc: serde_json::Value,
    before: std::collections::BTreeMap<PathBuf, (String, filetime::FileTime)>,
}

/// The sweep, once per test binary.
fn swept() -> &'static Swept {
    static SWEPT: OnceLock<Swept> = OnceLock::new();
    let swept = SWEPT.get_or_init(|| {
        let dir = fixture("benches");
        let before = fingerprint(&dir);
        let run = measure_json(
            &dir,
            &[
                "--only",
                "baseline,fat,planted",
                "--with",
                "planted:lto=fat,debug-assertions=true",
                "--benches",
                "--runs",
                "10",
                "--bench-time",
                "90s",
                "--no-rebuild",
            ],
            &[],
        );
        // checked by each caller: a failed sweep is not run again by every
        // test that waited for it
        Swept {
            code: run.code,
            stderr: run.stderr,
            dir,
            doc: run.doc,
            before,
        }
    });
    assert_eq!(swept.code, Some(0), "{}", swept.stderr);
    swept
}

/// The benches fixture, copied, with `more` added to its Cargo.toml.
fn fixture_with(more: &str) -> PathBuf {
    let dir = fixture("benches");
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(more);
    std::fs::write(&manifest, text).unwrap();
    dir
}

/// The verdict of configuration `c` on `bench`; None when the machine
/// kept it from being judged, as the document says: its runs or
/// baseline's competed for the CPU (busy), or baseline differed from its
/// own copy (too noisy) — as when other tests build beside this one.
fn verdict<'a>(doc: &'a serde_json::Value, c: &str, bench: &str) -> Option<&'a str> {
    let v = &runtime(doc, c, bench)["vs_baseline"];
    let rule = v["within_noise"].as_str();
    if matches!(rule, Some("busy" | "too_noisy")) {
        eprintln!("{c} on {bench}: not judged ({rule:?})");
        return None;
    }
    Some(v["verdict"].as_str().unwrap())
}

/// The ratio's CI of configuration `c` on `bench`.
fn ratio_ci(doc: &serde_json::Value, c: &str, bench: &str) -> [f64; 2] {
    let ci = &runtime(doc, c, bench)["vs_baseline"]["ratio_ci"];
    [ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap()]
}

/// Every benchmark of both harnesses has a series in every configuration,
/// built with that configuration's settings, with an A/A floor; the user's
/// tree (and its target/criterion) is untouched.
#[test]
fn every_benchmark_runs_on_every_configuration() {
    let Swept {
        dir, doc, before, ..
    } = swept();
    let names: Vec<&str> = doc["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    let mut expected = BENCHMARKS.to_vec();
    expected.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    for b in doc["benchmarks"].as_array().unwrap() {
        assert!(b["noise"]["ratio_ci"].is_array(), "{b}: an A/A floor");
        let harness = if b["bench"] == "crit" {
            "criterion"
        } else {
            "divan"
        };
        assert_eq!(b["harness"], harness);
    }
    for c in ["baseline", "fat", "planted"] {
        for b in BENCHMARKS {
            let s = runtime(doc, c, b);
            assert_eq!(s["kind"], "benchmark");
            assert_eq!(s["metric"], "ns_per_iter");
            assert_eq!(s["samples"].as_array().unwrap().len(), 10, "{c} {b}");
        }
        // each configuration's own bench binaries, built with its profile
        let benches = config(doc, c)["benches"].as_array().unwrap();
        assert_eq!(benches.len(), 2);
        assert!(
            benches[0]["path"]
                .as_str()
                .unwrap()
                .contains(&format!("cargo-lto/{c}/")),
            "{}",
            benches[0]["path"]
        );
    }
    assert_eq!(doc["project"]["bins"].as_array().unwrap().len(), 0);
    assert_eq!(&fingerprint(dir), before, "the tree is untouched");
    assert!(!dir.join("target/criterion").exists());
    let plan = &doc["bench_plan"];
    assert_eq!(plan["rounds"], 10);
    assert!(plan["took_s"].as_f64().unwrap() > 0.0);
}

/// Fat LTO inlines the non-leaf function called once per element across
/// the crate boundary: both harnesses judge that benchmark faster; the
/// planted regression is judged slower and named the worst.
#[test]
fn the_cross_crate_call_is_faster_under_fat_and_the_worst_is_named() {
    let doc = &swept().doc;
    // (ratios, not only verdicts: other tests build beside this one, and
    // busy runs are rightly judged by nothing)
    for bench in ["crit/per_element", "div/div::per_element"] {
        let ratio = runtime(doc, "fat", bench)["vs_baseline"]["ratio"]
            .as_f64()
            .unwrap();
        let [_, high] = ratio_ci(doc, "fat", bench);
        assert!(
            ratio < 0.8 && high < 1.0,
            "fat on {bench}: ×{ratio}, at most ×{high}"
        );
        assert!(matches!(verdict(doc, "fat", bench), Some("better") | None));
    }
    let [low, _] = ratio_ci(doc, "planted", "crit/planted");
    assert!(low > 1.3, "planted: ×{low} at least");
    assert!(matches!(
        verdict(doc, "planted", "crit/planted"),
        Some("worse") | None
    ));
    let summary = &config(doc, "planted")["bench_summary"];
    assert_eq!(summary["worst"]["benchmark"], "crit/planted");
    let fat = &config(doc, "fat")["bench_summary"];
    let (g, ci) = (fat["geomean"].as_f64().unwrap(), &fat["geomean_ci"]);
    assert!(g < 1.0, "fat's geometric mean {g}");
    assert!(ci[0].as_f64().unwrap() <= g && g <= ci[1].as_f64().unwrap());
    let counted = ["better", "worse", "within_noise"].map(|k| fat[k].as_u64().unwrap());
    assert_eq!(counted.iter().sum::<u64>(), 7, "{fat}");
}

/// The report shows the summary, with each configuration's worst
/// benchmark, and the benchmark table, worst first: in Markdown and in
/// the terminal's tables.
#[test]
fn the_tables_show_each_benchmark_worst_first() {
    let Swept { dir, .. } = swept();
    let md = succeeded(dir, &["report", "--format", "markdown"]);
    // the summary's row of planted names its worst benchmark
    assert!(
        md.lines()
            .any(|l| l.starts_with("| planted |") && l.contains("| crit/planted |")),
        "no summary row of planted naming crit/planted:\n{md}"
    );
    let first = md
        .lines()
        .skip_while(|l| !l.starts_with("each benchmark against baseline"))
        .find(|l| l.starts_with("| crit/") || l.starts_with("| div/"))
        .unwrap_or_else(|| panic!("no benchmark table:\n{md}"));
    assert!(
        first.starts_with("| crit/planted | planted |"),
        "worst first:\n{md}"
    );
    let table = succeeded(dir, &["report", "--format", "table"]);
    let first = table
        .lines()
        .skip_while(|l| !l.starts_with("each benchmark against baseline"))
        .find(|l| l.starts_with("crit/") || l.starts_with("div/"))
        .unwrap_or_else(|| panic!("no benchmark table:\n{table}"));
    assert!(first.starts_with("crit/planted"), "worst first:\n{table}");
}

/// `recommend --max-regression` disqualifies a configuration for the
/// benchmark it made slower, naming it.
#[test]
fn recommend_names_the_benchmark_that_disqualified_a_configuration() {
    let Swept { dir, .. } = swept();
    let out = succeeded(
        dir,
        &[
            "recommend",
            "--goal",
            "speed",
            "--max-regression",
            "5",
            "--format",
            "json",
        ],
    );
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    if verdict(&swept().doc, "planted", "crit/planted").is_none() {
        // the machine kept the regression from being judged (the document
        // says why): nothing to disqualify by (the unit test
        // `max_regression_names_the_benchmark_that_disqualifies` covers it)
        return;
    }
    let planted = answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "planted")
        .expect("planted is rejected");
    assert_eq!(planted["why"]["kind"], "benchmark_regression", "{planted}");
    assert_eq!(planted["why"]["benchmark"], "crit/planted");
    let text = succeeded(dir, &["recommend", "--goal", "speed"]);
    assert!(
        text.contains("benchmark `crit/planted` is") && text.contains("--max-regression 5%"),
        "{text}"
    );
}

/// `explain lto` lists the benchmarks that moved between baseline and fat.
#[test]
fn explain_lists_the_benchmarks_that_moved() {
    let Swept { dir, .. } = swept();
    let out = succeeded(dir, &["explain", "lto"]);
    assert!(out.contains("benchmark `crit/per_element`"), "{out}");
}

/// `check --max-runtime` judges each benchmark and names the worst.
#[test]
fn check_judges_each_benchmark_and_names_the_worst() {
    let Swept { dir, doc, .. } = swept();
    // the same results with every run of fat's `crit/std_only` slower than
    // twice the slowest of them
    let mut slower = doc.clone();
    let fat = slower["configurations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["name"] == "fat")
        .unwrap();
    for s in fat["series"].as_array_mut().unwrap() {
        if s["name"] == "crit/std_only" {
            let samples = s["samples"].as_array_mut().unwrap();
            let slowest = samples
                .iter()
                .filter_map(|v| v.as_f64())
                .fold(0.0, f64::max);
            for v in samples.iter_mut() {
                *v = serde_json::json!(v.as_f64().unwrap() + 2.0 * slowest);
            }
        }
    }
    // (outside the project: another test checks its tree is untouched)
    let files = tempfile::tempdir().unwrap();
    let (old, new) = (files.path().join("old.json"), files.path().join("new.json"));
    std::fs::write(&old, doc.to_string()).unwrap();
    std::fs::write(&new, slower.to_string()).unwrap();
    let out = cargo_lto()
        .args(["check", "--baseline"])
        .arg(&old)
        .arg(&new)
        .args(["--max-runtime", "5%"])
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("bench:crit/std_only"), "{stdout}");
    assert!(
        stdout.contains("`fat`: its worst benchmark is `crit/std_only`"),
        "{stdout}"
    );
}

/// A bench target with `harness = false` and no harness the tool knows:
/// exit 2 naming it and what is supported, before anything is built.
#[test]
fn an_unknown_harness_is_refused_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join("benches")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"own\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[bench]]\nname = \"mine\"\nharness = false\n",
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(root.join("benches/mine.rs"), "fn main() {}\n").unwrap();
    let stderr = refused(root, &["measure", "--bench", "mine"], &[]);
    assert!(stderr.contains("bench target `mine`"), "{stderr}");
    assert!(stderr.contains("criterion, divan"), "{stderr}");
    assert!(crate::common::built(root).is_empty(), "nothing built");
    let stderr = refused(root, &["measure", "--bench", "yours"], &[]);
    assert!(
        stderr.contains("`yours`") && stderr.contains("`mine`"),
        "{stderr}"
    );
}

/// The metadata's `benches`, `bench-filter` and `bench-time` do what the
/// flags do: only div's per_element runs.
#[test]
fn metadata_selects_benches_filter_and_time() {
    let dir = fixture_with(
        "\n[workspace.metadata.cargo-lto]\nbenches = [\"div\"]\nbench-filter = \"per_elem\"\nbench-time = 10\n",
    );
    let run = measure_json(
        &dir,
        &["--only", "baseline", "--runs", "3", "--no-rebuild"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let names: Vec<&str> = run.doc["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["div/div::per_element"]);
    assert_eq!(run.doc["bench_plan"]["budget_s"], 10.0);
    assert_eq!(run.doc["bench_plan"]["filter"], "per_elem");
    let _ = Path::new(&dir);
}

/// PGO trained by the project's own benchmarks (`train.NAME = { bench =
/// "div" }`): the bench target is built instrumented, its benchmarks run
/// once briefly, and their profile is what the configuration's library
/// and bench binary are built with.
#[test]
fn pgo_is_trained_by_the_benchmarks() {
    if !crate::pgo::profdata_here() {
        return;
    }
    let dir = fixture_with("\n[workspace.metadata.cargo-lto.train.suite]\nbench = \"div\"\n");
    let run = measure_json(
        &dir,
        &[
            "--with",
            "p:pgo=on",
            "--only",
            "baseline,p",
            "--bench",
            "div",
            "--bench-filter",
            "per_element",
            "--runs",
            "3",
            "--bench-time",
            "10s",
            "--no-rebuild",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let p = config(&run.doc, "p");
    let training = p["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "training")
        .unwrap_or_else(|| panic!("no training stage: {}", p["pipeline"]));
    assert!(
        training["profiles"][0].as_u64().unwrap() >= 1,
        "the benchmarks wrote a profile: {training}"
    );
    assert_eq!(p["benches"].as_array().unwrap().len(), 1);
    assert_eq!(
        runtime(&run.doc, "p", "div/div::per_element")["status"],
        "ok"
    );
    // no workload trained it: nothing else ran
    assert!(run.doc["training"].as_array().is_none_or(|t| t.is_empty()));
}

/// `--bench-profile cheap`: every configuration is also built on the
/// profile the project benchmarks with, each twin compared with
/// baseline's twin, and each benchmark ranks the configurations on both
/// profiles; the twins are never recommended.
#[test]
fn the_bench_profile_is_compared_with_the_shipped_one() {
    let dir = fixture_with("\n[profile.cheap]\ninherits = \"release\"\nopt-level = 1\n");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,fat",
            "--bench",
            "div",
            "--bench-filter",
            "per_element",
            "--bench-profile",
            "cheap",
            "--runs",
            "3",
            "--bench-time",
            "10s",
            "--no-rebuild",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    for (twin, of) in [("baseline-on-cheap", "baseline"), ("fat-on-cheap", "fat")] {
        let c = config(doc, twin);
        assert_eq!(c["twin"]["of"], of);
        assert_eq!(c["twin"]["profile"], "cheap");
        let command = c["command"].to_string();
        assert!(command.contains("inherits=\\\"cheap\\\""), "{command}");
        assert!(c["bench_summary"].is_null(), "twins are not summed up");
    }
    // fat's twin is compared with baseline's twin, not with baseline
    let b = &doc["bench_profile"]["benchmarks"][0];
    assert_eq!(b["benchmark"], "div/div::per_element");
    let ranked = b["configurations"].as_array().unwrap();
    assert_eq!(ranked.len(), 2, "{b}");
    let fat = ranked.iter().find(|r| r["config"] == "fat").unwrap();
    let (shipped, cheap) = (
        fat["shipped"]["ratio"].as_f64().unwrap(),
        fat["bench_profile"]["ratio"].as_f64().unwrap(),
    );
    let own = runtime(doc, "fat-on-cheap", "div/div::per_element")["vs_baseline"]["ratio"]
        .as_f64()
        .unwrap();
    assert_eq!(cheap, own);
    // two configurations, baseline at 1: the same order or the reverse,
    // unless a ratio is exactly 1 (a tie: no order)
    assert!(shipped > 0.0, "{b}");
    match b["tau"].as_f64() {
        Some(t) => assert_eq!(t.abs(), 1.0, "{b}"),
        None => assert!(shipped == 1.0 || cheap == 1.0, "{b}"),
    }
    let answer: serde_json::Value =
        serde_json::from_str(&succeeded(&dir, &["recommend", "--format", "json"])).unwrap();
    for twin in ["baseline-on-cheap", "fat-on-cheap"] {
        let r = answer["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == twin)
            .unwrap_or_else(|| panic!("{twin} not rejected: {answer}"));
        assert_eq!(r["why"]["kind"], "bench_profile_twin");
    }
    // a profile that does not exist is refused before anything is built
    let dir = fixture("benches");
    let stderr = refused(
        &dir,
        &["measure", "--benches", "--bench-profile", "nosuch"],
        &[],
    );
    assert!(stderr.contains("nosuch"), "{stderr}");
    assert!(crate::common::built(&dir).is_empty());
}
