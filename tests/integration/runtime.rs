//! Runtime measurement on real binaries: statistics land in the results,
//! differing output is flagged, failing workloads are reported, and the
//! instruction counter works on this machine.

use crate::common::{config, copy_fixture, fixture, measure_json, repo, runtime};

#[test]
fn example_workload_is_timed_with_confidence_intervals() {
    let dir = copy_fixture(&repo().join("examples/cross-crate"), "runtime-example");
    let args = [
        "--only",
        "baseline,fat",
        "--no-rebuild",
        "--run",
        "big=3000000",
        "--runs",
        "6",
        "--min-time",
        "0s",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    assert_eq!(doc["workloads"][0]["name"], "big");
    assert_eq!(doc["runtime_plan"]["counter"], "time");
    for name in ["baseline", "fat"] {
        let r = runtime(doc, name, "big");
        assert_eq!(r["status"], "ok");
        assert_eq!(r["metric"], "wall_s");
        assert_eq!(r["samples"].as_array().unwrap().len(), 6);
        let s = &r["summary"];
        let (lo, med, hi) = (
            s["median_ci"][0].as_f64().unwrap(),
            s["median"].as_f64().unwrap(),
            s["median_ci"][1].as_f64().unwrap(),
        );
        assert!(lo <= med && med <= hi && lo > 0.0, "{s}");
        assert_eq!(r["output_differs"], false);
        assert_eq!(r["peak_rss_bytes"].as_array().unwrap().len(), 6);
    }
    let cmp = &runtime(doc, "fat", "big")["vs_baseline"];
    assert!(
        cmp["ratio"].as_f64().unwrap() > 0.0 && cmp["p_value"].as_f64().unwrap() <= 1.0,
        "{cmp}"
    );
    // baseline against a copy of itself: the workload's noise floor, and
    // the copy is no configuration
    let noise = &doc["workloads"][0]["noise"];
    assert!(noise["ratio"].as_f64().unwrap() > 0.0, "{noise}");
    assert!((0.0..=1.0).contains(&noise["p_value"].as_f64().unwrap()));
    assert!(!doc["configurations"].to_string().contains("A/A"));
    // what else the machine did is recorded for every build and runtime
    // (this machine has /proc/stat), a share of it
    for name in ["baseline", "fat"] {
        let share = |v: &serde_json::Value| v.as_f64().filter(|x| (0.0..=1.0).contains(x));
        let c = config(doc, name);
        assert!(share(&c["build"]["contention"]).is_some(), "{}", c["build"]);
        assert!(share(&runtime(doc, name, "big")["contention"]).is_some());
    }
    assert_eq!(
        runtime(doc, "baseline", "big")["vs_baseline"],
        serde_json::Value::Null
    );
    assert_eq!(
        runtime(doc, "fat", "big")["stdout_sha256"],
        runtime(doc, "baseline", "big")["stdout_sha256"]
    );
}

#[test]
fn differing_output_and_failing_workloads_are_flagged() {
    let dir = fixture("tiny");
    let args = [
        "--only",
        "baseline,dbg",
        "--with",
        "dbg:debug-assertions=true",
        "--no-rebuild",
        "--run",
        "w=5",
        "--run-cmd",
        "fail=sh -c 'echo no >&2; exit 3' {bin}",
        "--runs",
        "3",
        "--min-time",
        "0s",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(
        run.code,
        Some(1),
        "differing output and failures make the exit code say so"
    );
    let doc = &run.doc;
    assert_eq!(runtime(doc, "baseline", "w")["output_differs"], false);
    assert_eq!(runtime(doc, "dbg", "w")["output_differs"], true);
    assert!(
        doc["notes"].to_string().contains("OUTPUT DIFFERS: `dbg`"),
        "{}",
        doc["notes"]
    );
    for name in ["baseline", "dbg"] {
        let f = runtime(doc, name, "fail");
        assert_eq!(f["status"], "failed");
        assert_eq!(f["exit_code"], 3);
        assert_eq!(f["stderr_tail"], "no");
        assert!(f["samples"].as_array().unwrap().is_empty());
    }
    // the table says it loudly too
    let table = assert_cmd::Command::cargo_bin("cargo-lto")
        .unwrap()
        .args(["lto", "measure", "-q", "--warm"])
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("OUTPUT DIFFERS") && text.contains("FAILED (3)"),
        "{text}"
    );
}

#[test]
fn instruction_counts_are_deterministic() {
    let dir = fixture("tiny");
    let args = [
        "--only",
        "baseline",
        "--no-rebuild",
        "--run",
        "w=20000",
        "--runs",
        "2",
        "--warmup",
        "0",
        "--counter",
        "instructions",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let plan = &run.doc["runtime_plan"];
    let counter = plan["counter"].as_str().unwrap();
    // this machine has no perf counters but has valgrind; a machine with
    // counters uses them; the source is named either way
    // (cachegrind: callgrind's counts in about half its time)
    assert!(["cachegrind", "perf_event"].contains(&counter), "{plan}");
    assert!(
        plan["counter_source"]
            .as_str()
            .unwrap()
            .contains(if counter == "cachegrind" {
                "cachegrind --cache-sim=no"
            } else {
                "perf"
            })
    );
    let r = runtime(&run.doc, "baseline", "w");
    assert_eq!(r["metric"], "instructions");
    let samples: Vec<f64> = r["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(samples.len(), 2);
    assert!(samples[0] > 10_000.0, "{samples:?}");
    let spread = (samples[0] - samples[1]).abs() / samples[0];
    assert!(spread < 0.001, "two runs differ by {:.4}%", spread * 100.0);
}

#[test]
fn threads_printing_in_any_order_are_not_a_difference() {
    let dir = fixture("threads");
    let args = [
        "--only",
        "baseline,off",
        "--no-rebuild",
        "--run",
        "order=",
        "--run",
        "stamp=stamp",
        "--runs",
        "4",
        "--min-time",
        "0s",
    ];
    // was: OUTPUT DIFFERS for every configuration, and exit 1
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{:#}", run.doc["notes"]);
    let doc = &run.doc;
    let notes = doc["notes"].to_string();
    assert!(!notes.contains("OUTPUT DIFFERS"), "{notes}");
    assert_eq!(doc["workloads"][0]["compare_output"], "auto");
    assert_eq!(
        doc["workloads"][0]["compared_by"], "lines",
        "{}",
        doc["workloads"]
    );
    assert!(notes.contains("compared as sorted lines"), "{notes}");
    for name in ["baseline", "off"] {
        let order = runtime(doc, name, "order");
        assert_eq!(order["output_differs"], false);
        assert_eq!(order["output_lines_vary"], false);
        assert_eq!(
            order["stdout_lines_sha256"],
            runtime(doc, "baseline", "order")["stdout_lines_sha256"]
        );
        // a timestamp makes even the sorted lines vary: cannot be judged, not flagged
        let stamp = runtime(doc, name, "stamp");
        assert_eq!(stamp["output_lines_vary"], true);
        assert_eq!(stamp["output_differs"], false);
        assert!(
            notes.contains(&format!(
                "`{name}`'s output for workload `stamp` varied from run to run, even as sorted lines"
            )),
            "{notes}"
        );
    }
    // asked for bytes: every configuration varies, so none can be judged
    let exact = measure_json(
        &dir,
        &[&args[..], &["--warm", "--compare-output", "exact"]].concat(),
        &[],
    );
    assert_eq!(exact.code, Some(0));
    assert_eq!(exact.doc["workloads"][0]["compared_by"], "exact");
    let notes = exact.doc["notes"].to_string();
    assert!(
        !notes.contains("OUTPUT DIFFERS") && notes.contains("cannot be judged"),
        "{notes}"
    );
}

/// CPU burners, one per CPU, running `script`; killed when dropped, so a
/// failing test leaves none behind.
struct Burners(Vec<std::process::Child>);

impl Burners {
    fn start(script: &str) -> Burners {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Burners(
            (0..cpus)
                .map(|_| {
                    std::process::Command::new("sh")
                        .args(["-c", script])
                        .spawn()
                        .unwrap()
                })
                .collect(),
        )
    }
}

impl Drop for Burners {
    fn drop(&mut self) {
        for b in &mut self.0 {
            let _ = b.kill();
            let _ = b.wait();
        }
    }
}

/// A CPU burner beside a measurement: the build and the runs record the
/// contention (one of the machine's CPUs, at least, used by another
/// process), are marked busy, and no verdict is drawn from them.
#[test]
fn a_busy_machine_is_recorded_and_judges_nothing() {
    let dir = copy_fixture(&repo().join("examples/cross-crate"), "runtime-busy");
    // as many burners as CPUs: whatever else runs, others use most of it
    let burners = Burners::start("while :; do :; done");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,off",
            "--no-rebuild",
            "--run",
            // long enough (≈60 ms a run) for /proc/stat's 10 ms ticks to see
            // the burners: a 2 ms run often saw none, and read 0 contention
            "big=30000000",
            "--runs",
            "3",
            "--min-time",
            "0s",
            "--retry-busy",
            "1",
        ],
        &[],
    );
    drop(burners);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    for name in ["baseline", "off"] {
        let c = config(doc, name);
        let build = c["build"]["contention"].as_f64().unwrap();
        assert!(build > 0.2, "{name}'s build: {}", c["build"]);
        assert_eq!(c["build"]["busy"], true, "{}", c["build"]);
        let r = runtime(doc, name, "big");
        assert!(r["contention"].as_f64().unwrap() > 0.2, "{r}");
        assert_eq!(r["busy"], true);
    }
    assert_eq!(
        runtime(doc, "off", "big")["vs_baseline"]["verdict"],
        "within_noise"
    );
    let notes = doc["notes"].to_string();
    assert!(notes.contains("BUSY"), "{notes}");
    // --retry-busy 1: each busy build was built once more (still busy
    // beside the burners, so the last one is recorded and marked)
    assert!(
        notes.contains("`off`: its clean build was busy and was built again 1 time(s)"),
        "{notes}"
    );
    assert_eq!(doc["runtime_plan"]["plan"]["retry_busy"], 1);
}

/// Identical code measured twice beside a bursty burner: with one codegen
/// unit, `lto = false` and `lto = "off"` build the same code, and no sweep
/// may call one faster or slower than the other, whatever the noise; the
/// A/A floor is recorded.
#[test]
fn identical_code_beside_a_bursty_burner_gets_no_verdict() {
    let dir = copy_fixture(&repo().join("examples/cross-crate"), "runtime-aa");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "\n[profile.release]\n",
            "\n[profile.release]\ncodegen-units = 1\n",
        ),
    )
    .unwrap();
    // on for 50 ms, off for 50 ms, on every CPU
    let burners =
        Burners::start("while :; do timeout 0.05 sh -c 'while :; do :; done'; sleep 0.05; done");
    let mut verdicts = Vec::new();
    for _ in 0..2 {
        let run = measure_json(
            &dir,
            &[
                "--with",
                "same:lto=off",
                "--only",
                "baseline,same",
                "--no-rebuild",
                "--warm",
                "--run",
                "big=300000",
                "--runs",
                "10",
                "--min-time",
                "0s",
            ],
            &[],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let doc = &run.doc;
        assert!(
            doc["workloads"][0]["noise"].is_object(),
            "{}",
            doc["workloads"]
        );
        verdicts.push(runtime(doc, "same", "big")["vs_baseline"]["verdict"].clone());
    }
    drop(burners);
    assert!(verdicts.iter().all(|v| v == "within_noise"), "{verdicts:?}");
}

/// Power: the noise floor and the correction for many comparisons must not
/// hide a real difference. opt-level 1 against baseline's 3 on tiny's
/// vectorizable loop (`squares`), counted in instructions (deterministic, so the parallel
/// tests beside it cannot disturb it): found, with the A/A arm recorded as no difference.
#[test]
fn a_real_difference_is_still_found() {
    let dir = fixture("tiny");
    let run = measure_json(
        &dir,
        &[
            "--with",
            "o1:opt-level=1",
            "--only",
            "baseline,o1",
            "--no-rebuild",
            "--run",
            "w=100000 squares",
            "--runs",
            "6",
            "--warmup",
            "0",
            "--counter",
            "instructions",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = &run.doc;
    let noise = &doc["workloads"][0]["noise"];
    assert_eq!(noise["verdict"], "within_noise", "{noise}");
    let cmp = &runtime(doc, "o1", "w")["vs_baseline"];
    assert_eq!(cmp["verdict"], "worse", "{cmp}");
    // Counts are judged by the ratio's CI and the floor, not a p-value.
    assert_eq!(cmp["rule"], "count", "{cmp}");
    assert!(cmp["p_adjusted"].is_null(), "{cmp}");
    assert!(cmp["ratio_ci"][0].as_f64().unwrap() > 1.01, "{cmp}");
}

/// A workload that fails: the arguments as run, the exit code and the
/// lines of stderr that say something, once for a workload that fails on
/// every configuration; and when its words hold shell syntax, why it may
/// have failed. Was: `failed 'sum': ──╯`, once per configuration.
#[test]
fn a_failing_workload_says_what_was_run_and_why() {
    let dir = fixture("tiny");
    let before = crate::common::fingerprint(&dir);
    let args = [
        "--only",
        "baseline,off",
        "--no-rebuild",
        "--run",
        "sum=[.[] | .a + .b] | add",
        "--runs",
        "2",
        "--min-time",
        "0s",
    ];
    let out = assert_cmd::Command::cargo_bin("cargo-lto")
        .unwrap()
        .args(["lto", "measure", "-q"])
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // (the box's title is a line that says something; its frame is not)
    let said = "  `sum` failed on every configuration, baseline too (exit 2)\n    ran `tiny '[.[]' '|' .a + .b] '|' add`\n    stderr: tiny\n    stderr: error: not a number: [.[]\n";
    assert_eq!(text.matches(said).count(), 1, "{text}");
    assert!(
        !text.contains("failed `sum`"),
        "not once per configuration: {text}"
    );
    assert!(
        text.contains("its arguments were split at spaces but run without a shell (`[.[]` reached the program as an argument): quote an argument that must stay one (`sum='[.[] | .a]'`), or use --shell"),
        "{text}"
    );
    assert_eq!(before, crate::common::fingerprint(&dir));
}
