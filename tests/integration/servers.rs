//! A server under load (`measure --serve`) on the `server` fixture: a
//! std-only server (a thread per connection, keep-alive, no signal
//! handling) whose handler calls `weights::weigh`, a non-leaf function of
//! another crate, per element. One sweep of baseline, fat and `off` with
//! a wrk load (timed) and a hey load (counted under cachegrind) serves
//! the first tests; the failure tests use `pick.sh`, which starts the
//! server as the configuration in its binary's path asks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::{config, fixture, measure_json, refused, skip};

/// The load generators the tests run, or the skip.
fn generators() -> bool {
    for g in ["wrk", "hey"] {
        if !std::process::Command::new("sh")
            .args(["-c", &format!("command -v {g}")])
            .output()
            .is_ok_and(|o| o.status.success())
        {
            skip(&format!("{g} (a load generator) is not installed"));
            return false;
        }
    }
    true
}

/// Processes whose executable lives under `dir` (a fixture copy's):
/// servers the tool started, or their children.
fn survivors(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let (Ok(exe), Ok(stat)) = (
            std::fs::read_link(entry.path().join("exe")),
            std::fs::read_to_string(entry.path().join("stat")),
        ) else {
            continue;
        };
        let zombie = stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'));
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !zombie && (exe.starts_with(dir) || cmdline.contains(&dir.display().to_string())) {
            out.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    out
}

struct Swept {
    code: Option<i32>,
    stderr: String,
    dir: PathBuf,
    doc: serde_json::Value,
}

/// The shared sweep, once per test binary.
fn swept() -> Option<&'static Swept> {
    if !generators() {
        return None;
    }
    static SWEPT: OnceLock<Swept> = OnceLock::new();
    let swept = SWEPT.get_or_init(|| {
        let dir = fixture("server");
        let run = measure_json(
            &dir,
            &[
                "--only",
                "baseline,fat,off",
                "--with",
                "off:lto=off",
                "--no-rebuild",
                "--runs",
                "5",
                "--serve=--port {port}",
                "--load",
                "api=wrk -t1 -c2 -d1s --latency {url}/sum?n=2000",
                "--load",
                "count=hey -n 2000 -c 1 {url}/sum?n=2000",
                "--counter",
                "instructions",
            ],
            &[],
        );
        Swept {
            code: run.code,
            stderr: run.stderr,
            dir,
            doc: run.doc,
        }
    });
    assert_eq!(swept.code, Some(0), "{}", swept.stderr);
    Some(swept)
}

fn series<'a>(doc: &'a serde_json::Value, c: &str, name: &str) -> &'a serde_json::Value {
    config(doc, c)["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name && s["kind"] == "load")
        .unwrap_or_else(|| panic!("{c} has no series `{name}`"))
}

fn samples(s: &serde_json::Value) -> Vec<f64> {
    s["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[test]
fn every_configuration_gets_throughput_latency_and_cpu_per_request() {
    let Some(s) = swept() else { return };
    for c in ["baseline", "fat", "off"] {
        for m in ["rps", "p50", "p99", "cpu/req"] {
            let r = series(&s.doc, c, &format!("api {m}"));
            assert_eq!(r["status"], "ok");
            let v = samples(r);
            assert_eq!(v.len(), 5, "{c} api {m}: {v:?}");
            assert!(v.iter().all(|x| *x > 0.0), "{c} api {m}: {v:?}");
        }
        let rps = series(&s.doc, c, "api rps");
        assert_eq!(rps["direction"], "higher");
        assert_eq!(rps["unit"], "requests/s");
        assert_eq!(series(&s.doc, c, "api cpu/req")["direction"], "lower");
        // CPU per request: the server's CPU over the requests wrk counted,
        // between 1 µs and 10 ms on any machine that runs this
        let cpu = samples(series(&s.doc, c, "api cpu/req"));
        assert!(cpu.iter().all(|x| (1e-6..1e-2).contains(x)), "{cpu:?}");
        assert!(
            !series(&s.doc, c, "api cpu/req")["peak_rss_bytes"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    // a verdict beyond the noise lies outside the A/A floor of its series
    let floors = s.doc["server"]["loads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["noise"].as_array().unwrap().iter());
    for f in floors {
        let ci = &f["noise"]["ratio_ci"];
        for c in ["fat", "off"] {
            let v = &series(&s.doc, c, f["series"].as_str().unwrap())["vs_baseline"];
            if v["verdict"] != "within_noise" {
                let r = v["ratio"].as_f64().unwrap();
                assert!(
                    r < ci[0].as_f64().unwrap() || r > ci[1].as_f64().unwrap(),
                    "{c} {}: {v} inside its floor {ci}",
                    f["series"]
                );
            }
        }
    }
    let server = &s.doc["server"];
    assert_eq!(server["loads"][0]["generator"], "wrk");
    assert_eq!(server["loads"][1]["generator"], "hey");
    assert!(
        server["loads"][0]["noise"].as_array().unwrap().len() >= 4,
        "an A/A floor per measure: {server}"
    );
    // the terminal table shows the server's
    let out = crate::common::succeeded(&s.dir, &["report", "--format", "markdown"]);
    assert!(out.contains("server under load `api`"), "{out}");
}

#[test]
fn instructions_per_request_are_deterministic_and_fewer_under_fat() {
    let Some(s) = swept() else { return };
    let per = |c: &str| samples(series(&s.doc, c, "count instr/req"));
    for c in ["baseline", "fat", "off"] {
        let v = per(c);
        assert_eq!(v.len(), 3, "{c}: {v:?}");
        let (lo, hi) = (
            v.iter().copied().fold(f64::MAX, f64::min),
            v.iter().copied().fold(0.0, f64::max),
        );
        // the same binary, the same requests: the same count, to within
        // a twentieth of a percent (measured here: 0.003–0.03%; the
        // server's threads, scheduled by valgrind, wake a little
        // differently from run to run)
        assert!(hi / lo - 1.0 < 5e-4, "{c}: {v:?}");
    }
    let (fat, off) = (per("fat")[0], per("off")[0]);
    assert!(fat < off * 0.8, "fat {fat} against off {off}");
    let fat_series = series(&s.doc, "fat", "count instr/req");
    assert_eq!(
        fat_series["vs_baseline"]["verdict"], "better",
        "{fat_series}"
    );
}

#[test]
fn no_server_survives_a_sweep() {
    let Some(s) = swept() else { return };
    assert_eq!(survivors(&s.dir), Vec::<String>::new());
}

#[test]
fn failing_servers_fail_their_configuration_alone() {
    if !generators() {
        return;
    }
    let dir = fixture("server");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,never,exits,stubborn,dies",
            "--with",
            "never:codegen-units=3",
            "--with",
            "exits:codegen-units=5",
            "--with",
            "stubborn:codegen-units=7",
            "--with",
            "dies:codegen-units=9",
            "--no-rebuild",
            "--runs",
            "2",
            "--serve-cmd",
            "./pick.sh {bin} {port}",
            "--load",
            "api=hey -n 200 -c 1 {url}/sum?n=10",
            "--ready-timeout",
            "3s",
            "--stop-timeout",
            "1s",
        ],
        &[],
    );
    // a configuration failed: exit 1, as documented
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let doc = &run.doc;
    let rps = |c: &str| series(doc, c, "api rps");
    assert_eq!(rps("baseline")["status"], "ok");
    assert_eq!(samples(rps("baseline")).len(), 2);
    let why = |c: &str| rps(c)["stderr_tail"].as_str().unwrap_or("").to_string();
    // each failure's sentence first, the server's own last lines after
    for (c, sentence, stderr) in [
        (
            "never",
            "the server was not ready within the ready timeout of 3",
            "waiting for a lock",
        ),
        (
            "exits",
            "the server exited with 3 before it was ready",
            "cannot open the database",
        ),
        (
            "dies",
            "the server exited with 101 during load `api`",
            "out of memory after 50",
        ),
    ] {
        let why = why(c);
        assert!(
            why.starts_with(sentence) && why.contains(stderr),
            "{c}: {why}"
        );
    }
    // ignoring SIGTERM is not a failure: killed, counted, said
    assert_eq!(rps("stubborn")["status"], "ok");
    assert_eq!(samples(rps("stubborn")).len(), 2);
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("server_killed") && notes.contains("stubborn"),
        "{notes}"
    );
    assert_eq!(survivors(&dir), Vec::<String>::new());
}

/// One load run of baseline's server (`--serve=--port {port}`) with
/// `more` arguments.
fn baseline_once(dir: &Path, more: &[&str]) -> crate::common::Run {
    let mut args = vec![
        "--only",
        "baseline",
        "--no-rebuild",
        "--runs",
        "1",
        "--serve=--port {port}",
    ];
    args.extend_from_slice(more);
    measure_json(dir, &args, &[])
}

#[test]
fn a_taken_port_and_a_failing_load_are_named() {
    if !generators() {
        return;
    }
    let dir = fixture("server");
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = baseline_once(&dir, &["--port", &port, "--load", "hey -n 10 {url}/health"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let tail = series(&run.doc, "baseline", "load1 rps")["stderr_tail"].to_string();
    assert!(tail.contains(&format!("port {port} is in use")), "{tail}");
    drop(taken);
    let run = baseline_once(
        &dir,
        &["--load", "bad=sh -c 'echo connection refused; exit 4'"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let failed = series(&run.doc, "baseline", "bad wall");
    let tail = failed["stderr_tail"].as_str().unwrap();
    assert!(tail.starts_with("load `bad` (sh -c"), "{tail}");
    assert!(
        tail.contains("exit code 4") && tail.contains("connection refused"),
        "{tail}"
    );
    assert_eq!(survivors(&dir), Vec::<String>::new());
    // no load: refused before anything is built
    let err = refused(&dir, &["measure", "--serve=--port {port}"], &[]);
    assert!(err.contains("nothing loads it"), "{err}");
}

#[test]
fn ctrl_c_leaves_no_server_and_no_load_generator() {
    if !generators() {
        return;
    }
    let dir = fixture("server");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cargo-lto"))
        .args([
            "lto",
            "measure",
            "-q",
            "--only",
            "baseline",
            "--no-rebuild",
            "--serve=--port {port}",
            "--load",
            "long=wrk -t1 -c1 -d61s {url}/sum?n=10",
        ])
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // wait until the server runs under load
    let start = Instant::now();
    let server_up = || {
        survivors(&dir)
            .iter()
            .any(|p| p.contains("cargo-lto/baseline") && p.contains("--port"))
    };
    while !server_up() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the server never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let wrk_left = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        // -d61s: this test's load alone (another test runs -d60s)
        .filter(|c| c.contains("wrk") && c.contains("-d61s"))
        .count();
    assert_eq!(wrk_left, 0, "the load generator was stopped");
    assert_eq!(survivors(&dir), Vec::<String>::new());
}

#[test]
fn the_metadata_table_needs_no_flags() {
    if !generators() {
        return;
    }
    let dir = fixture("server");
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\n[workspace.metadata.cargo-lto.server]\nargs = \"--port {port}\"\nready = \"http:/health\"\nloads = { api = \"hey -n 300 -c 2 {url}/sum?n=100\" }\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let run = measure_json(
        &dir,
        &["--only", "baseline", "--no-rebuild", "--runs", "2"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.doc["server"]["ready"], "http:/health");
    assert_eq!(samples(series(&run.doc, "baseline", "api rps")).len(), 2);
}

#[test]
fn pgo_trains_a_server_that_does_not_handle_sigterm() {
    if !generators() {
        return;
    }
    if std::process::Command::new("llvm-profdata-22")
        .arg("--version")
        .output()
        .is_err()
    {
        skip("llvm-profdata-22 (PGO's merge tool)");
        return;
    }
    let dir = fixture("server");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,trained",
            "--with",
            "trained:lto=fat,pgo=on",
            "--no-rebuild",
            "--runs",
            "2",
            "--serve=--port {port}",
            "--load",
            "api=hey -n 500 -c 2 {url}/sum?n=500",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let trained = config(&run.doc, "trained");
    assert_eq!(trained["status"], "ok", "{trained}");
    let training = trained["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "training")
        .unwrap_or_else(|| panic!("no training stage: {trained}"));
    assert!(training["profiles"][0].as_u64().unwrap() >= 1, "{training}");
    assert!(trained["pgo_coverage"].is_object(), "{trained}");
    assert_eq!(samples(series(&run.doc, "trained", "api rps")).len(), 2);
    assert_eq!(survivors(&dir), Vec::<String>::new());
    // applied, it says what `cargo lto build` needs to train it the same way
    let out = crate::common::succeeded(&dir, &["apply", "trained", "--dry-run"]);
    assert!(
        out.contains("add [workspace.metadata.cargo-lto.server] with args = \"--port {port}\"")
            && out.contains("loads = { api = "),
        "{out}"
    );
}

#[test]
fn a_load_over_the_timeout_is_stopped_and_named() {
    if !generators() {
        return;
    }
    let dir = fixture("server");
    let start = Instant::now();
    let run = baseline_once(
        &dir,
        &[
            "--timeout",
            "8s",
            "--load",
            "long=wrk -t1 -c1 -d60s {url}/sum?n=10",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let tail = series(&run.doc, "baseline", "long rps")["stderr_tail"].to_string();
    assert!(tail.contains("ran longer than --timeout (8 s)"), "{tail}");
    assert!(
        start.elapsed() < Duration::from_secs(50),
        "the 60 s load was cut short"
    );
    assert_eq!(survivors(&dir), Vec::<String>::new());
}

#[test]
fn recommend_and_check_read_the_server_series() {
    let Some(s) = swept() else { return };
    // fat executes half the instructions per request, judged; off more
    let out = crate::common::succeeded(&s.dir, &["recommend", "--goal", "speed"]);
    assert!(out.contains("Recommended for --goal speed: fat"), "{out}");
    assert!(out.contains("`count instr/req` ×0.4"), "{out}");
    // the gate judges each server measure, by its own direction
    let latest = s.dir.join("target/cargo-lto/results/latest.json");
    let latest = latest.to_str().unwrap();
    let out = crate::common::succeeded(
        &s.dir,
        &["check", "--baseline", latest, "--max-runtime", "5", latest],
    );
    for row in ["load:api rps", "load:api cpu/req", "load:count instr/req"] {
        assert!(out.contains(row), "{row}: {out}");
    }
}
