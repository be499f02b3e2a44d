//! PGO configurations (`pgo = "on"`): each is built instrumented, trained,
//! its profile merged with an llvm-profdata of rustc's LLVM version, then
//! built with the profile. Needs llvm-profdata-22 (`.ci/run` installs
//! `llvm-22`); skipped with a message where it cannot be found.

use crate::common::{config, fingerprint, fixture, measure_json, runtime};

/// True when an llvm-profdata of rustc's LLVM major version is found the
/// way cargo-lto looks (distribution packages here).
pub fn profdata_here() -> bool {
    let found = ["llvm-profdata-22", "/usr/lib/llvm-22/bin/llvm-profdata"]
        .iter()
        .any(|p| {
            std::process::Command::new(p)
                .args(["merge", "--version"])
                .output()
                .is_ok()
        });
    if !found {
        crate::common::skip("no llvm-profdata of LLVM 22 (apt-get install llvm-22)");
    }
    found
}

/// Trained on one input (seed 1), counted on another (seed 2): fat + PGO
/// runs measurably fewer instructions than fat alone; the pipeline's
/// stages are recorded, and the training runs given.
#[test]
fn fat_pgo_runs_fewer_instructions_on_a_held_out_input() {
    if !profdata_here() {
        return;
    }
    let dir = fixture("pgo");
    let before = fingerprint(&dir);
    let args = [
        "--preset",
        "pgo",
        "--only",
        "baseline,fat,fat-pgo",
        "--no-rebuild",
        "--train",
        "t=1 20000",
        "--run",
        "w=2 20000",
        "--counter",
        "instructions",
        // five runs each: enough for a verdict beyond the noise
        "--runs",
        "5",
        "--warmup",
        "0",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let median = |name: &str| {
        let r = runtime(&run.doc, name, "w");
        assert_eq!(r["metric"], "instructions", "{r}");
        let mut s: Vec<f64> = r["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let (fat, pgo) = (median("fat"), median("fat-pgo"));
    // measured here: -10.5%
    assert!(pgo < fat * 0.97, "fat-pgo {pgo} against fat {fat}");
    let c = config(&run.doc, "fat-pgo");
    let stages: Vec<&str> = c["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["instrumented-build", "training", "merge"]);
    let (files, bytes) = (
        &c["pipeline"][1]["profiles"][0],
        &c["pipeline"][1]["profiles"][1],
    );
    assert!(files.as_u64() >= Some(1) && bytes.as_u64() > Some(0), "{c}");
    // the same training with the optimized binary, for the slowdown
    assert!(c["pipeline"][1]["optimized_s"].as_f64() > Some(0.0), "{c}");
    // a short training is timed again with both binaries, alternated
    assert_eq!(c["pipeline"][1]["slowdown_runs"], 5, "{c}");
    assert!(
        c["pipeline"][1]["instrumented_s"].as_f64() > Some(0.0),
        "{c}"
    );
    assert!(config(&run.doc, "fat")["pipeline"].is_null());
    // the profile fits: every function of the fixture's crate has data
    let cov = &c["pgo_coverage"]["workspace"];
    assert!(cov["with_data"].as_u64() >= Some(2), "{c}");
    assert_eq!(cov["without_data"], 0, "{c}");
    assert_eq!(run.doc["training"][0]["name"], "t");
    let notes = run.doc["notes"].to_string();
    assert!(notes.contains("built through a pipeline"), "{notes}");
    assert!(!notes.contains("upper bound"), "trained apart: {notes}");

    // the table's build figure is the whole pipeline
    let table = crate::common::cargo_lto()
        .args(["report", "--format", "table"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    let stages: f64 = c["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["wall_s"].as_f64().unwrap())
        .sum();
    let whole = c["build"]["wall_s"].as_f64().unwrap() + stages;
    let row = table
        .lines()
        .find(|l| l.starts_with("fat-pgo "))
        .unwrap_or_else(|| panic!("{table}"));
    let shown: f64 = row
        .split(" s pgo")
        .next()
        .and_then(|l| l.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no pipeline figure: {row}"));
    // (shown with 2 decimals under 10 s, 1 under 100 s)
    assert!(
        (shown - whole).abs() <= 0.06,
        "{shown} against {whole}: {row}"
    );

    // the fastest is a PGO configuration: the TOML is only its profile part
    let out = crate::common::cargo_lto()
        .args(["recommend", "--goal", "speed", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["choice"], "fat-pgo", "{r:#}");
    assert_eq!(r["pipeline"], serde_json::json!(["pgo"]), "{r:#}");
    let out = crate::common::cargo_lto()
        .args(["recommend", "--goal", "speed"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("pgo = \"on\": a pipeline around `cargo build`"),
        "{text}"
    );
    assert!(!text.contains("Paste this"), "{text}");
    assert_eq!(before, fingerprint(&dir));
    applied_pipeline_builds_from_the_train_table(&dir);
}

/// `apply --recommended` of the PGO configuration measured in `dir`: its
/// profile keys and its training in Cargo.toml, and the `cargo lto build`
/// line it prints runs the pipeline, trained from that table, leaving a
/// binary that prints what a plain build prints. Without a training run
/// `build` is refused before building.
fn applied_pipeline_builds_from_the_train_table(dir: &std::path::Path) {
    let text = crate::common::succeeded(dir, &["apply", "--recommended"]);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("lto = \"fat\""), "{manifest}");
    assert!(
        manifest.contains("[workspace.metadata.cargo-lto.train.t]\nargs = \"1 20000\""),
        "{manifest}"
    );
    assert!(!manifest.contains("pgo ="), "{manifest}");
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("cargo lto build "))
        .unwrap_or_else(|| panic!("no build line: {text}"));
    assert_eq!(
        line, "cargo lto build fat-pgo --with fat-pgo:pgo=on",
        "{text}"
    );
    let words: Vec<&str> = line.split_whitespace().skip(2).collect();
    let out = crate::common::cargo_lto()
        .args(&words)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(path.ends_with("target/cargo-lto/build/pgo-app"), "{path}");
    assert!(stderr.contains("built through a pipeline"), "{stderr}");
    let ran = std::process::Command::new(&path)
        .args(["2", "100"])
        .output()
        .unwrap();
    assert!(ran.status.success());
    // the same as a plain build prints
    let plain = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["run", "--release", "--quiet", "--", "2", "100"])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TARGET_DIR", dir.join("target/plain"))
        .output()
        .unwrap();
    assert_eq!(ran.stdout, plain.stdout);
    // the train table gone, nothing trains it
    let table = "\n[workspace.metadata.cargo-lto.train.t]\nargs = \"1 20000\"\n";
    assert!(manifest.contains(table), "{manifest}");
    std::fs::write(dir.join("Cargo.toml"), manifest.replace(table, "")).unwrap();
    let refused = crate::common::refused(dir, &words, &[]);
    assert!(refused.contains("need a training run"), "{refused}");
}

/// A training run that never runs the binary writes no profile: that
/// configuration fails with why, the others are measured.
#[test]
fn training_that_writes_no_profile_fails_that_configuration_alone() {
    if !profdata_here() {
        return;
    }
    let dir = fixture("pgo");
    // BOLT alone (`b`), where llvm-bolt is found: its training too
    let bolt = bolt_here();
    let only = if bolt {
        "baseline,fat-pgo,b"
    } else {
        "baseline,fat-pgo"
    };
    let args = [
        "--preset",
        "pgo",
        "--only",
        only,
        "--with",
        "b:bolt=on",
        "--no-rebuild",
        "--train-cmd",
        "t=true {bin}",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(config(&run.doc, "baseline")["status"], "ok");
    let c = config(&run.doc, "fat-pgo");
    assert_eq!(c["status"], "failed");
    let tail = c["stderr_tail"].as_str().unwrap();
    assert!(tail.starts_with("its training wrote no profile"), "{tail}");
    assert_eq!(c["pipeline"][1]["profiles"][0], 0, "{c}");
    if bolt {
        let b = config(&run.doc, "b");
        assert_eq!(b["status"], "failed", "{b}");
        let tail = b["stderr_tail"].as_str().unwrap();
        assert!(
            tail.starts_with("its BOLT training wrote no profile"),
            "{tail}"
        );
        let stages: Vec<&str> = b["pipeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["stage"].as_str().unwrap())
            .collect();
        assert_eq!(stages, ["bolt-instrument", "bolt-training"], "{b}");
    }

    // a profile llvm-profdata cannot read: the merge fails with its words
    let junk = "printf junk > target/cargo-lto/pgo/fat-pgo/profraw/junk.profraw";
    let train = format!("t={{bin}} 1 100 && {junk}");
    let args = [
        "--preset",
        "pgo",
        "--only",
        "fat-pgo",
        "--no-rebuild",
        "--shell",
        "--train-cmd",
        &train,
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let c = config(&run.doc, "fat-pgo");
    assert_eq!(c["status"], "failed");
    let tail = c["stderr_tail"].as_str().unwrap();
    assert!(
        tail.contains("could not merge its training's profiles\n")
            && tail.contains("junk.profraw: truncated profile data"),
        "{tail}"
    );
    assert_eq!(c["pipeline"][1]["profiles"][0], 2, "{c}");
}

/// A profile that does not fit its build (a build script generates
/// different code on each build): the configuration is measured, its
/// coverage recorded, and a LOW COVERAGE note names the likely cause.
#[test]
fn a_profile_that_does_not_fit_is_warned_about() {
    if !profdata_here() {
        return;
    }
    let dir = fixture("pgo-misfit");
    let args = [
        "--with",
        "p:pgo=on",
        "--only",
        "baseline,p",
        "--no-rebuild",
        "--train",
        "t=1000",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let c = &config(&run.doc, "p")["pgo_coverage"]["workspace"];
    let (with, without) = (
        c["with_data"].as_u64().unwrap(),
        c["without_data"].as_u64().unwrap(),
    );
    // 8 generated functions and main: the 8 change between the two builds
    assert!(without >= 8 && with <= 1, "{c}");
    let notes = run.doc["notes"].to_string();
    assert!(
        notes.contains("LOW COVERAGE: `p`: the profile covers"),
        "{notes}"
    );
    assert!(
        notes.contains("a build script or macro that generates different code"),
        "{notes}"
    );
}

/// The user's rustflags reach every stage of the pipeline, wherever they
/// are written (`build.rustflags`, `target.<triple>.rustflags`): the
/// training fails unless the instrumented binary has the user's cfg, and
/// the measured one must print it too. (cargo-pgo's `--config
/// target.'cfg(all())'.rustflags` silently dropped a user's `[build]`
/// rustflags.)
#[test]
fn the_users_rustflags_reach_every_stage() {
    if !profdata_here() {
        return;
    }
    let host = crate::common::host();
    let target_table = format!("[target.{host}]\nrustflags = [\"--cfg\", \"user_flag\"]\n");
    for (setup, config_toml) in [
        (
            "build.rustflags",
            "[build]\nrustflags = \"--cfg user_flag\"\n",
        ),
        ("target rustflags", target_table.as_str()),
    ] {
        let dir = fixture("tiny");
        std::fs::create_dir_all(dir.join(".cargo")).unwrap();
        std::fs::write(dir.join(".cargo/config.toml"), config_toml).unwrap();
        let args = [
            "--only",
            "p",
            "--with",
            "p:pgo=on",
            "--no-rebuild",
            "--train-cmd",
            "t=sh -c '{bin} 1000 | grep -q user_flag'",
        ];
        let run = measure_json(&dir, &args, &[]);
        assert_eq!(run.code, Some(0), "{setup}: {}", run.stderr);
        let c = config(&run.doc, "p");
        assert_eq!(
            c["status"], "ok",
            "{setup}: the training lost the flag: {c}"
        );
        let bin = c["binaries"][0]["path"].as_str().unwrap();
        let out = std::process::Command::new(bin).arg("3").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("user_flag"),
            "{setup}: the build lost it: {stdout}"
        );
    }
}

/// True when BOLT's tools of LLVM 22 are here (`.ci/run` installs bolt-22).
pub(crate) fn bolt_here() -> bool {
    let found = ["llvm-bolt-22", "/usr/lib/llvm-22/bin/llvm-bolt"]
        .iter()
        .any(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok()
        });
    if !found {
        crate::common::skip("no llvm-bolt of LLVM 22 (apt-get install bolt-22)");
    }
    found && profdata_here()
}

/// BOLT over fat + PGO, and over a profile that strips symbols: the
/// binaries print what baseline's prints (the runtime phase compares the
/// outputs), BOLT's stages are recorded, and the stripped one is stripped
/// by llvm-strip after BOLT with its symbols kept for inspect.
#[test]
fn bolt_output_runs_as_baseline_does() {
    if !bolt_here() {
        return;
    }
    let dir = fixture("pgo");
    let before = fingerprint(&dir);
    let args = [
        "--preset",
        "pgo",
        "--only",
        "baseline,fat-pgo,fat-pgo-bolt,b,g",
        "--with",
        "b:bolt=on,strip=symbols",
        // line tables for backtraces: BOLT keeps them
        "--with",
        "g:bolt=on,debug=line-tables-only",
        "--no-rebuild",
        "--train",
        "t=1 20000",
        "--run",
        "w=2 20000",
        "--compare-output",
        "exact",
        // BOLT's gain is in instruction fetch: counted, in a simulation
        "--counter",
        "ifetch-misses",
        "--runs",
        "3",
        "--warmup",
        "0",
    ];
    let run = measure_json(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for name in ["fat-pgo-bolt", "b"] {
        let c = config(&run.doc, name);
        assert_eq!(c["status"], "ok", "{c}");
        let r = runtime(&run.doc, name, "w");
        assert_eq!(r["status"], "ok", "{name}: {r}");
        assert_eq!(r["output_differs"], false, "{name}: {r}");
        let stages: Vec<&str> = c["pipeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["stage"].as_str().unwrap())
            .collect();
        assert!(
            stages.ends_with(&["bolt-instrument", "bolt-training", "bolt-optimize"]),
            "{name}: {stages:?}"
        );
        let path = c["binaries"][0]["path"].as_str().unwrap();
        assert!(path.contains("cargo-lto/bolt/"), "{name}: {path}");
    }
    // BOLT over fat + PGO: fewer instruction-fetch misses (measured here:
    // 1,770 against 1,819, -2.7%; the same ±1 on every run)
    let median = |name: &str| {
        let r = runtime(&run.doc, name, "w");
        assert_eq!(r["metric"], "ifetch_misses", "{r}");
        r["summary"]["median"].as_f64().unwrap()
    };
    let (pgo, bolt) = (median("fat-pgo"), median("fat-pgo-bolt"));
    assert!(
        bolt < pgo * 0.99,
        "fat-pgo-bolt {bolt} against fat-pgo {pgo}"
    );
    // laid out in the original code's place, unpadded: about fat-pgo's
    // size (430 KiB against 391 KiB here; 4.1 MiB before -use-old-text
    // -no-huge-pages)
    let size = |name: &str| {
        config(&run.doc, name)["binaries"][0]["size_bytes"]
            .as_f64()
            .unwrap()
    };
    let (pgo_size, bolt_size) = (size("fat-pgo"), size("fat-pgo-bolt"));
    assert!(bolt_size < pgo_size * 1.5, "{bolt_size} against {pgo_size}");
    // llvm-bolt drops debug info unless told to update it (was: 0 bytes)
    let g = &config(&run.doc, "g")["binaries"][0];
    assert!(g["sections"]["debug"].as_u64() > Some(1 << 20), "{g}");
    let b = &config(&run.doc, "b")["binaries"][0];
    assert_eq!(b["symbols"], 0, "stripped after BOLT: {b}");
    let unstripped = b["symbols_from"].as_str().unwrap();
    assert!(std::path::Path::new(unstripped).is_file());
    assert!(b["stripped_symbols_bytes"].as_u64() > Some(0), "{b}");
    // the user's strip setting is recorded, while cargo built it unstripped
    assert_eq!(
        config(&run.doc, "b")["effective"]["strip"]["value"],
        "symbols"
    );
    assert_eq!(before, fingerprint(&dir));
}

/// A PGO configuration with nothing to train it: refused before anything
/// is built (exit 2), saying how to give a training run.
#[test]
fn nothing_to_train_is_refused_before_building() {
    if !profdata_here() {
        return;
    }
    let dir = fixture("tiny");
    let stderr = crate::common::refused(&dir, &["measure", "--with", "p:pgo=on"], &[]);
    assert!(
        stderr.starts_with(
            "error: `p`: pgo = \"on\" and bolt = \"on\" need a training run: give one with --train"
        ),
        "{stderr}"
    );
    assert!(crate::common::built(&dir).is_empty());
}

/// The longest NUL-terminated run of printable bytes in the file at
/// `path`: the longest symbol name of a binary with a symbol table.
fn longest_name(path: &str) -> usize {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .split(|b| *b == 0)
        .filter(|s| s.iter().all(|b| b.is_ascii_graphic()))
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

/// BOLT over a program with a symbol name over 10 KB, which LLVM 22's
/// instrumentation runtime aborts on (`Assertion failed: buffer overflow,
/// function name too large`): the names are shortened in BOLT's copy and
/// given back in its output, so the configuration is measured, runs as
/// baseline does, and keeps every name (was: the training run aborted and
/// the configuration failed).
#[test]
fn bolt_survives_names_over_10_kb() {
    if !bolt_here() {
        return;
    }
    let dir = fixture("long-names");
    let run = measure_json(
        &dir,
        &[
            "--only",
            "baseline,b,s",
            "--with",
            "b:bolt=on",
            "--with",
            "s:bolt=on,strip=symbols",
            "--no-rebuild",
            "--run",
            "w=50",
            "--runs",
            "1",
            "--warmup",
            "0",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let base = config(&run.doc, "baseline")["binaries"][0]["path"]
        .as_str()
        .unwrap();
    let long = longest_name(base);
    assert!(long > 10 * 1024, "the fixture's longest name: {long} bytes");
    for name in ["b", "s"] {
        let c = config(&run.doc, name);
        assert_eq!(c["status"], "ok", "{c}");
        let r = runtime(&run.doc, name, "w");
        assert_eq!(
            (&r["status"], &r["output_differs"]),
            (&"ok".into(), &false.into()),
            "{r}"
        );
    }
    // the name is back, whole, in the binary measured and in the unstripped
    // copy inspect reads
    let b = config(&run.doc, "b")["binaries"][0]["path"]
        .as_str()
        .unwrap();
    assert_eq!(longest_name(b), long);
    let s = &config(&run.doc, "s")["binaries"][0];
    assert_eq!(s["symbols"], 0);
    assert_eq!(longest_name(s["symbols_from"].as_str().unwrap()), long);
}
