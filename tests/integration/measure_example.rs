//! The quick sweep of examples/cross-crate, checked against plain cargo.

use std::process::Command;

use crate::common::{config, demangled_symbols, example_sweep};

const CONFIGS: [&str; 5] = ["baseline", "off", "thin", "fat", "fat-cgu1"];

#[test]
fn every_configuration_is_measured() {
    let sweep = example_sweep();
    assert_eq!(sweep.code, 0, "{:#}", sweep.json);
    assert_eq!(sweep.json["schema_version"], 8);
    for name in CONFIGS {
        let c = config(&sweep.json, name);
        assert_eq!(c["status"], "ok", "{name}: {c:#}");
        let build = &c["build"];
        for key in ["wall_s", "cpu_s"] {
            assert!(build[key].as_f64().unwrap() > 0.0, "{name}.{key}");
        }
        assert!(build["peak_rss_bytes"].as_u64().unwrap() > 1 << 20);
        let link = &build["link"];
        assert!(link["wall_s"].as_f64().unwrap() > 0.0, "{name} link");
        assert!(
            link["peak_rss_bytes"].as_u64().unwrap() > 1 << 20,
            "{name} link rss"
        );
        // the final rustc is one step of the build, never longer than it
        assert!(link["wall_s"].as_f64().unwrap() <= build["wall_s"].as_f64().unwrap());
        let rebuild = build["rebuild_wall_s"].as_f64().unwrap();
        assert!(
            rebuild > 0.0 && rebuild < build["wall_s"].as_f64().unwrap(),
            "{name}"
        );
        let crates: Vec<&str> = build["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["crate_name"].as_str().unwrap())
            .collect();
        for krate in ["serde_json", "math_utils", "app"] {
            assert!(
                crates.contains(&krate),
                "{name}: {krate} not among {crates:?}"
            );
        }
        let binary = &c["binaries"][0];
        let path = binary["path"].as_str().unwrap();
        assert!(
            path.contains(&format!("target/cargo-lto/{name}/")),
            "{path}"
        );
        assert!(binary["sections"]["text"].as_u64().unwrap() > 0);
        // the section groups are the file, every byte of it
        let groups: u64 = binary["sections"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(groups, binary["size_bytes"].as_u64().unwrap(), "{name}");
        shipped_is_what_strip_keeps(binary);
    }
    // the document on stdout is the one saved on disk, under its id and as latest
    let dir = sweep.dir.join("target/cargo-lto/results");
    let id = sweep.json["id"].as_str().unwrap();
    for name in [format!("measure-{id}.json"), "latest.json".into()] {
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
        assert_eq!(saved, sweep.json, "{name}");
    }
}

/// `shipped_bytes` against a copy stripped by `strip --strip-all`: the
/// stripped file is the loaded sections plus headers, padding and a few
/// small unloaded sections (.comment, section names), never less.
fn shipped_is_what_strip_keeps(binary: &serde_json::Value) {
    let path = binary["path"].as_str().unwrap();
    let shipped = binary["shipped_bytes"].as_u64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("stripped");
    let out = Command::new("strip")
        .args(["--strip-all", "-o"])
        .arg(&copy)
        .arg(path)
        .output()
        .expect("binutils' strip (cc, the linker driver rustc needs, comes with it)");
    assert!(out.status.success(), "{out:?}");
    let stripped = std::fs::metadata(&copy).unwrap().len();
    assert!(
        shipped <= stripped && stripped - shipped < 16 * 1024,
        "{path}: shipped {shipped}, stripped file {stripped}"
    );
    // the example has no debug info, but a symbol table (strip = "none"
    // would differ; the default release strips debuginfo only)
    assert!(shipped < binary["size_bytes"].as_u64().unwrap());
}

#[test]
fn sizes_equal_plain_cargo_builds() {
    let sweep = example_sweep();
    let settings: [(&str, &[&str]); 5] = [
        ("baseline", &[]),
        ("off", &["profile.release.lto=\"off\""]),
        ("thin", &["profile.release.lto=\"thin\""]),
        ("fat", &["profile.release.lto=\"fat\""]),
        (
            "fat-cgu1",
            &[
                "profile.release.lto=\"fat\"",
                "profile.release.codegen-units=1",
            ],
        ),
    ];
    for (name, configs) in settings {
        let target = sweep.dir.join("target/plain").join(name);
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
        cmd.args(["build", "--quiet", "--release", "--manifest-path"])
            .arg(sweep.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .env_remove("RUSTC_WRAPPER");
        for c in configs {
            cmd.args(["--config", c]);
        }
        let status = cmd.status().unwrap();
        assert!(status.success(), "plain build of {name}");
        let plain = std::fs::metadata(target.join("release/app")).unwrap().len();
        let reported = config(&sweep.json, name)["binaries"][0]["size_bytes"]
            .as_u64()
            .unwrap();
        assert_eq!(
            reported, plain,
            "{name}: cargo-lto reports {reported}, plain cargo built {plain}"
        );
    }
}

#[test]
fn fat_lto_removes_the_non_leaf_cross_crate_function() {
    let sweep = example_sweep();
    let symbols = |name: &str| {
        let path = config(&sweep.json, name)["binaries"][0]["path"]
            .as_str()
            .unwrap()
            .to_string();
        demangled_symbols(std::path::Path::new(&path))
    };
    let off = symbols("off");
    let fat = symbols("fat");
    assert!(
        off.iter().any(|s| s == "math_utils::checksum"),
        "off keeps a real call target"
    );
    assert!(
        !fat.iter().any(|s| s == "math_utils::checksum"),
        "fat LTO inlines it"
    );
    // the leaf is inlined across crates even without LTO (Rust >= 1.75)
    assert!(!off.iter().any(|s| s == "math_utils::square"));
    assert!(!fat.iter().any(|s| s == "math_utils::square"));
}

#[test]
fn the_users_tree_is_unchanged() {
    let sweep = example_sweep();
    assert_eq!(
        sweep.before, sweep.after,
        "files or mtimes outside target/ changed"
    );
}

#[test]
fn results_document_snapshot() {
    let sweep = example_sweep();
    let mut doc = sweep.json.clone();
    // the units list varies with the dependency graph only: keep the crate names
    for c in doc["configurations"].as_array_mut().unwrap() {
        let units = c["build"]["units"].as_array_mut().unwrap();
        let mut names: Vec<String> = units
            .iter()
            .map(|u| u["crate_name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        c["build"]["units"] = serde_json::json!(names);
    }
    // what else the machine did varies with it (the other tests build
    // beside this one): its notes go, its figures are redacted
    doc["notes"]
        .as_array_mut()
        .unwrap()
        .retain(|n| n["kind"] != "busy_build" && n["kind"] != "busy_runs");
    insta::assert_json_snapshot!("example_results", doc, {
        ".id" => "[id]",
        ".invocation" => "[command]",
        ".started_unix_s" => "[time]",
        ".machine" => "[machine]",
        ".toolchain" => "[toolchain]",
        ".project.workspace_root" => "[path]",
        ".base_settings.*.source" => insta::dynamic_redaction(|v, _| redact_path(v)),
        ".configurations[].effective.*.source" => insta::dynamic_redaction(|v, _| redact_path(v)),
        ".configurations[].command" => "[command]",
        ".configurations[].measurement_env" => "[env]",
        ".configurations[].build.wall_s" => "[s]",
        ".configurations[].build.cpu_s" => "[s]",
        ".configurations[].build.peak_rss_bytes" => "[bytes]",
        ".configurations[].build.rebuild_wall_s" => "[s]",
        ".configurations[].build.rebuild_cpu_s" => "[s]",
        ".configurations[].build.contention" => "[share]",
        ".configurations[].build.steal" => "[share]",
        ".configurations[].build.busy" => "[busy]",
        ".configurations[].build.rebuild_contention" => "[share]",
        ".configurations[].build.samples[]" => insta::dynamic_redaction(|v, _| redact_values(v)),
        ".configurations[].build.link" => insta::dynamic_redaction(|v, _| redact_values(v)),
        ".configurations[].build.rebuild_link" => insta::dynamic_redaction(|v, _| redact_values(v)),
        ".configurations[].binaries[].path" => "[path]",
        ".configurations[].binaries[].size_bytes" => "[bytes]",
        ".configurations[].binaries[].shipped_bytes" => "[bytes]",
        ".configurations[].binaries[].sections" => insta::dynamic_redaction(|v, _| redact_values(v)),
        ".configurations[].binaries[].symbols" => "[count]",
        ".configurations[].binaries[].sha256" => "[sha256]",
    });
}

/// Keeps a map's keys, replaces its values (measurements) with a marker.
fn redact_values(value: insta::internals::Content) -> insta::internals::Content {
    use insta::internals::Content;
    match value {
        Content::Map(entries) => Content::Map(
            entries
                .into_iter()
                .map(|(k, _)| (k, Content::from("[measured]")))
                .collect(),
        ),
        other => other,
    }
}

fn redact_path(value: insta::internals::Content) -> String {
    let text = value.as_str().unwrap_or_default().to_string();
    if text.contains('/') {
        "[file]".into()
    } else {
        text
    }
}

#[test]
fn table_snapshot() {
    let sweep = example_sweep();
    let mut doc: cargo_lto::results::MeasureDocument =
        serde_json::from_value(sweep.json.clone()).unwrap();
    // whether a build was busy depends on what else ran (the other tests):
    // the busy marks have tests of their own
    for c in &mut doc.configurations {
        if let Some(b) = c.build.as_mut() {
            b.busy = false;
        }
    }
    let full = cargo_lto::render::measure(
        &doc,
        cargo_lto::render::Format::Table,
        cargo_lto::render::View::default(),
    )
    .unwrap();
    // The per-crate section is ordered by measured CPU time, which varies from
    // run to run; its layout has a unit snapshot. Here: it is there, with `app`.
    let (table, units) = full.split_once("crate (CPU s)").expect("per-crate section");
    assert!(units.lines().any(|l| l.starts_with("app ")), "{units}");
    insta::with_settings!({filters => vec![
        (r"[-+]?\d+(\.\d+)? (s|B|KiB|MiB|GiB)\b", "[n $2]"),
        (r"×\d+\.\d+", "×[r]"),
        (r"[-+]\d+\.\d+%", "[pct]"),
        (r"(?m) \d+$", " [count]"),
        (r"-{2,}", "--"),
        (r" {2,}", "  "),
    ]}, {
        insta::assert_snapshot!("example_table", table);
    });
}
