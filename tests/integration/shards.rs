//! A sweep spread over shards (`measure --shard K/N`) and joined with
//! `merge` has the configurations and sizes of one sweep.

use crate::common::{cargo_lto, fixture, measure_json};

#[test]
fn two_shards_merged_equal_one_sweep() {
    let dir = fixture("tiny");
    let before = crate::common::fingerprint(&dir);
    // the plan says what each shard will measure, and builds nothing
    let out = cargo_lto()
        .current_dir(&dir)
        .args(["plan", "--shards", "2", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        crate::common::fingerprint(&dir),
        before,
        "plan left a file behind"
    );
    assert_eq!(
        crate::common::built(&dir),
        Vec::<std::path::PathBuf>::new(),
        "plan built something"
    );
    let whole = measure_json(&dir, &["--no-rebuild"], &[]);
    assert_eq!(whole.code, Some(0), "{:#}", whole.doc);
    let mut files = Vec::new();
    for k in 1..=2 {
        let shard = measure_json(&dir, &["--no-rebuild", "--shard", &format!("{k}/2")], &[]);
        assert_eq!(shard.code, Some(0), "{:#}", shard.doc);
        let names: Vec<&str> = crate::common::names(&shard.doc);
        assert_eq!(names[0], "baseline", "baseline is in every shard");
        assert_eq!(
            serde_json::json!(names),
            plan["include"][k - 1]["configs"],
            "shard {k}/2 measured what the plan said"
        );
        let path = dir.join(format!("shard-{k}.json"));
        std::fs::write(&path, serde_json::to_string(&shard.doc).unwrap()).unwrap();
        files.push(path);
    }
    let merged_path = dir.join("all.json");
    let out = cargo_lto()
        .arg("merge")
        .args(&files)
        .arg("-o")
        .arg(&merged_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&merged_path).unwrap()).unwrap();
    let sizes = |doc: &serde_json::Value| {
        let mut v: Vec<(String, u64, u64)> = doc["configurations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["binaries"][0]["size_bytes"].as_u64().unwrap(),
                    c["binaries"][0]["shipped_bytes"].as_u64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(sizes(&merged), sizes(&whole.doc));
    // the merged document reads back, and reports
    let out = cargo_lto()
        .current_dir(&dir)
        .arg("report")
        .arg(&merged_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // a shard's document merged with itself is refused
    let out = cargo_lto()
        .arg("merge")
        .args([&files[1], &files[1]])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was given twice"));
}

#[test]
fn plan_as_a_github_matrix() {
    let dir = fixture("tiny");
    let out = cargo_lto()
        .current_dir(&dir)
        .args(["plan", "--format", "github-matrix"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one line, for $GITHUB_OUTPUT");
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let jobs = m["include"].as_array().unwrap();
    // quick on tiny: off, thin, fat, fat-cgu1 are four different builds
    assert_eq!(jobs.len(), 4);
    for (i, job) in jobs.iter().enumerate() {
        assert_eq!(job["args"], format!("--shard {}/4", i + 1));
        assert!(job["configs"].as_str().unwrap().starts_with("baseline, "));
    }
}

/// `plan` checks cargo's flags as `measure` does (exit 2 before anything),
/// and carries them into every job: a job must build what was planned.
/// Was: exit 0, and jobs that measured something else.
#[test]
fn plan_checks_and_forwards_cargos_flags() {
    let dir = crate::common::fixture("tiny");
    let before = crate::common::fingerprint(&dir);
    for (args, says) in [
        (&["--target", "nope-unknown-none"][..], "nope-unknown-none"),
        (&["--features", "nope"], "nope"),
        (&["-j", "0"], "-j"),
    ] {
        let out = crate::common::cargo_lto()
            .arg("plan")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let out = crate::common::cargo_lto()
        .args([
            "plan", "--format", "json", "-j", "2", "--bin", "tiny", "--shards", "2",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let jobs = plan["include"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "{plan}");
    for (k, job) in jobs.iter().enumerate() {
        assert_eq!(
            job["args"],
            format!("--shard {}/2 --bin tiny --jobs 2", k + 1),
            "{plan}"
        );
    }
    assert_eq!(before, crate::common::fingerprint(&dir));
    assert!(crate::common::built(&dir).is_empty());
}
