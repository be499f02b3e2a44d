//! `cargo lto inspect` on the binaries of the shared example sweep, and on
//! bad input.

use crate::common::{cargo_lto, config, example_sweep, fixture, measure_json};

fn inspect(args: &[&str]) -> (Option<i32>, String, String) {
    let sweep = example_sweep();
    assert_eq!(sweep.code, 0);
    let out = cargo_lto()
        .arg("inspect")
        .arg("--manifest-path")
        .arg(sweep.dir.join("Cargo.toml"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn inspect_json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = inspect(&[&["--format", "json"], args].concat());
    assert_eq!(code, Some(0), "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn binary<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap()
}

#[test]
fn per_crate_sizes_reconcile_with_text_exactly() {
    let doc = inspect_json(&[]);
    assert_eq!(doc["schema_version"], 2);
    let names: Vec<&str> = doc["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "off", "thin", "fat", "fat-cgu1"]);
    for b in doc["binaries"].as_array().unwrap() {
        let sum: u64 = b["crates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["text_bytes"].as_u64().unwrap())
            .sum();
        let unattributed = b["unattributed_bytes"].as_u64().unwrap();
        assert_eq!(
            sum + unattributed,
            b["text_bytes"].as_u64().unwrap(),
            "{}",
            b["name"]
        );
        // measure's `text` group is .text plus the small .init/.fini/.plt sections
        let measured = config(&example_sweep().json, b["name"].as_str().unwrap());
        let group = measured["binaries"][0]["sections"]["text"]
            .as_u64()
            .unwrap();
        let text = b["text_bytes"].as_u64().unwrap();
        assert!(
            text <= group && group - text < 4096,
            "{}: .text {text}, group {group}",
            b["name"]
        );
        let crates: Vec<&str> = b["crates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        for k in ["std", "app", "serde_json"] {
            assert!(
                crates.contains(&k),
                "{}: {k} missing from {crates:?}",
                b["name"]
            );
        }
    }
    assert_eq!(
        doc["workspace_crates"],
        serde_json::json!(["app", "math_utils"])
    );
}

fn callees(doc: &serde_json::Value, bin: &str, from: &str, to: &str) -> Vec<String> {
    binary(doc, bin)["calls"]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["from"] == from && p["to"] == to)
        .flat_map(|p| {
            p["top_callees"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn lto_removes_the_cross_crate_call_to_the_non_leaf_function() {
    let doc = inspect_json(&[]);
    // off: app calls math_utils::checksum across the crate boundary
    assert_eq!(
        callees(&doc, "off", "app", "math_utils"),
        ["math_utils::checksum"]
    );
    // fat: checksum is inlined into main; only its own callee `mix` is still called
    assert!(
        !callees(&doc, "fat", "app", "math_utils").contains(&"math_utils::checksum".to_string())
    );
    let diff = &doc["diffs"][0];
    assert_eq!(diff["base"], "off");
    assert_eq!(diff["against"], "fat");
    let vanished: Vec<&str> = diff["vanished"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(vanished.contains(&"math_utils::checksum"), "{vanished:?}");
    // the leaf `square` is in neither build, so LTO is not credited with it ...
    let appeared = diff["appeared"].to_string();
    assert!(!vanished.iter().any(|n| n.contains("square")) && !appeared.contains("square"));
    // ... and the output says why
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("leaf functions") && notes.contains("1.75"),
        "{notes}"
    );
    // fat LTO leaves fewer cross-crate call sites than off
    let cross = |b: &str| {
        binary(&doc, b)["calls"]["cross_crate_call_sites"]
            .as_u64()
            .unwrap()
    };
    assert!(
        cross("fat") < cross("off"),
        "fat {} vs off {}",
        cross("fat"),
        cross("off")
    );
    // the same call sites by the crate called: the call to checksum is one
    // into the user's crates (under fat LTO, checksum's own call to mix
    // takes its place), and LTO leaves no more of those
    let into = |b: &str, kind: &str| binary(&doc, b)["calls"]["into"][kind].as_u64().unwrap();
    for b in ["off", "fat"] {
        assert_eq!(
            into(b, "workspace") + into(b, "std") + into(b, "other"),
            cross(b),
            "{b}"
        );
    }
    assert!(into("off", "workspace") >= 1);
    assert!(into("fat", "workspace") <= into("off", "workspace"));
}

#[test]
fn table_and_markdown_show_the_users_crates() {
    let (code, table, stderr) = inspect(&["--config", "off,fat", "--top", "3"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        table.contains("app → math_utils") && table.contains("math_utils::checksum (1)"),
        "{table}"
    );
    assert!(table.contains("math_utils (1 function)"), "{table}");
    let (code, md, _) = inspect(&["--config", "off,fat", "--top", "3", "--format", "markdown"]);
    assert_eq!(code, Some(0));
    assert!(
        md.starts_with("# cargo lto inspect") && md.contains("| app → math_utils | 1 |"),
        "{md}"
    );
    // snapshot with the measured numbers masked: the layout and the names
    insta::with_settings!({filters => vec![
        (r"\d+(\.\d+)? (B|KiB|MiB)\b", "[size]"),
        (r"[-+]\[size\]", "[change]"),
        (r"\| \d+ \|", "| [n] |"),
        (r"\(\d+\)", "([n])"),
        (r"\d+\.\d%", "[pct]"),
        (r"\d+ functions?", "[n] functions"),
    ]}, {
        insta::assert_snapshot!("inspect_example_markdown", md.lines().take(12).collect::<Vec<_>>().join("\n"));
    });
}

#[test]
fn bad_input() {
    let sweep = example_sweep();
    // not an executable
    let (code, _, stderr) = inspect(&["--file", sweep.dir.join("Cargo.toml").to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is not an executable"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    // unknown configuration
    let (code, _, stderr) = inspect(&["--config", "fatt"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("no configuration named `fatt`") && stderr.contains("measured: baseline"),
        "{stderr}"
    );
    // results of another project
    let other = fixture("tiny");
    let out = cargo_lto()
        .args(["inspect", "--results"])
        .arg(sweep.dir.join("target/cargo-lto/results/latest.json"))
        .current_dir(&other)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("results of another project"), "{stderr}");
    // ... also from a workspace where no binary can be chosen (was accepted
    // silently: the check needed the project's binary, not just its root)
    let libs = fixture("libs-workspace");
    let out = cargo_lto()
        .args(["inspect", "--results"])
        .arg(sweep.dir.join("target/cargo-lto/results/latest.json"))
        .current_dir(&libs)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("results of another project"), "{stderr}");
    // a project never measured
    let out = cargo_lto()
        .arg("inspect")
        .current_dir(&other)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("run `cargo lto measure` first"), "{stderr}");
}

#[test]
fn stripped_binary_shows_what_it_can() {
    let dir = fixture("tiny");
    let run = measure_json(
        &dir,
        &[
            "--no-rebuild",
            "--only",
            "stripped",
            "--with",
            "stripped:strip=symbols",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let path = config(&run.doc, "stripped")["binaries"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let out = cargo_lto()
        .args(["inspect", "--file", &path])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("stripped") && stdout.contains("need symbols"),
        "{stdout}"
    );
    let out = cargo_lto()
        .args(["inspect", "--format", "json", "--file", &path])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &doc["binaries"][0];
    assert_eq!(b["stripped"], true);
    // .text is still measured, all of it unattributed
    assert!(b["text_bytes"].as_u64().unwrap() > 0);
    assert_eq!(b["unattributed_bytes"], b["text_bytes"]);
}

#[test]
fn dwarf_view_reconciles_and_names_the_crates() {
    let dir = fixture("tiny");
    let with = "dbg:debug=line-tables-only,strip=none";
    let run = measure_json(
        &dir,
        &["--no-rebuild", "--only", "dbg", "--with", with],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let path = config(&run.doc, "dbg")["binaries"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let out = cargo_lto()
        .args(["inspect", "--format", "json", "--file", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &doc["binaries"][0];
    let units = b["units"]
        .as_array()
        .expect("a binary with DWARF has the unit view");
    let sum: u64 = units
        .iter()
        .map(|u| u["text_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(
        sum + b["units_unattributed_bytes"].as_u64().unwrap(),
        b["text_bytes"].as_u64().unwrap()
    );
    let names: Vec<&str> = units.iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"tiny") && names.contains(&"std"),
        "{names:?}"
    );
    // the example sweep has no debuginfo: no unit view, and no claim of one
    let (_, table, _) = inspect(&["--config", "off"]);
    assert!(!table.contains("DWARF compile unit"), "{table}");
}

#[test]
fn stds_own_dependencies_are_std_and_the_users_copy_stays_theirs() {
    // a binary with both builds of memchr: the user's, and std's (std's
    // backtrace symbolizer uses it, with gimli, addr2line, miniz_oxide, …)
    let dir = fixture("memchr-user");
    let run = measure_json(&dir, &["--only", "off", "--no-rebuild", "--locked"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let crates = |extra: &[&str]| -> Vec<(String, u64)> {
        let out = cargo_lto()
            .args(["inspect", "--format", "json"])
            .args(extra)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["binaries"][0]["crates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["text_bytes"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let named =
        |list: &[(String, u64)], name: &str| list.iter().find(|(n, _)| n == name).map(|(_, b)| *b);
    // was: gimli, addr2line, rustc_demangle, miniz_oxide, adler2, object as
    // crates of their own, and one `memchr` row mixing both builds
    let plain = crates(&[]);
    for std_dep in [
        "gimli",
        "addr2line",
        "rustc_demangle",
        "miniz_oxide",
        "adler2",
        "object",
    ] {
        assert_eq!(
            named(&plain, std_dep),
            None,
            "{std_dep} is std's: {plain:?}"
        );
    }
    let users = named(&plain, "memchr").expect("the user's memchr keeps its row");
    let split = crates(&["--split-std"]);
    assert_eq!(
        named(&split, "memchr"),
        Some(users),
        "the same bytes, split or not"
    );
    let stds = named(&split, "memchr (std)").expect("std's memchr, apart");
    assert!(
        stds > 0 && named(&split, "gimli (std)").is_some(),
        "{split:?}"
    );
}

#[test]
fn reading_results_leaves_a_lockless_project_as_it_was() {
    // inspect, recommend and explain find the project with cargo metadata;
    // in a project without a Cargo.lock cargo would create one
    let dir = crate::common::fixture("tiny");
    let out = crate::common::cargo_lto()
        .current_dir(&dir)
        .args([
            "measure",
            "-q",
            "--only",
            "baseline",
            "--no-rebuild",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let before = crate::common::fingerprint(&dir);
    assert!(!dir.join("Cargo.lock").exists());
    for args in [
        &["inspect"][..],
        &["recommend"],
        &["explain", "lto"],
        &["doctor"],
    ] {
        let out = crate::common::cargo_lto()
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_eq!(
            crate::common::fingerprint(&dir),
            before,
            "{args:?} changed the tree"
        );
    }
}

/// A workspace with two binary packages: `inspect` takes `-p`/`--bin` as
/// `measure` does (was: "choose one with -p", then -p refused; now
/// without them it shows what the document measured), and
/// `--against` alone diffs from `--base`'s documented default (was a clap
/// error).
#[test]
fn inspect_takes_p_and_against_alone() {
    let dir = crate::common::fixture("stripped");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "members = [\"app\", \"helper\"]",
            "members = [\"app\", \"helper\", \"tool\"]",
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("tool/src")).unwrap();
    std::fs::write(
        dir.join("tool/Cargo.toml"),
        "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n",
    )
    .unwrap();
    std::fs::write(dir.join("tool/src/main.rs"), "fn main() {}\n").unwrap();
    let run = crate::common::measure_json(
        &dir,
        &["-p", "app", "--only", "baseline,off", "--no-rebuild"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let inspect = |args: &[&str]| {
        crate::common::cargo_lto()
            .arg("inspect")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    // without -p: the binaries the document measured (app's alone)
    let out = inspect(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["bin"] == "app"),
        "{doc:#}"
    );
    let out = inspect(&["-p", "app", "--format", "json", "--against", "baseline"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["binaries"].as_array().unwrap().len(), 2, "{doc:#}");
    assert_eq!(doc["diffs"][0]["base"], "off", "{:#}", doc["diffs"][0]);
    assert_eq!(
        doc["diffs"][0]["against"], "baseline",
        "{:#}",
        doc["diffs"][0]
    );
}
