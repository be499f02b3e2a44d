//! A failing or timed-out configuration is reported and does not sink the others.

use crate::common::{cargo_lto, config, fingerprint, fixture, measure_json, names};

#[test]
fn failing_configuration_is_recorded_and_others_run() {
    let dir = fixture("tiny");
    let before = fingerprint(&dir);
    let refuse = ["--no-rebuild", "--with", "refuse:panic=abort", "--only"];
    let run = measure_json(&dir, &[&refuse[..], &["off,refuse,fat"]].concat(), &[]);
    assert_eq!(run.code, Some(1), "exit code says something failed");
    let doc = &run.doc;
    assert_eq!(names(doc), ["off", "fat", "refuse"]);
    assert_eq!(config(doc, "off")["status"], "ok");
    assert_eq!(config(doc, "fat")["status"], "ok");
    let refused = config(doc, "refuse");
    assert_eq!(refused["status"], "failed");
    assert_eq!(refused["exit_code"], 101);
    let tail = refused["stderr_tail"].as_str().unwrap();
    assert!(tail.contains("refuses panic"), "{tail}");
    assert_eq!(refused["settings"]["panic"], "abort");
    // cargo created a Cargo.lock for this lock-less fixture; it is removed again
    assert_eq!(before, fingerprint(&dir));
    assert!(doc["notes"].to_string().contains("Cargo.lock"));

    // the table names the failure and shows its stderr
    let table = cargo_lto()
        .args(["measure", "-q", "--warm"])
        .args(refuse)
        .arg("refuse")
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("FAILED (101)") && text.contains("refuses panic"),
        "{text}"
    );
    assert!(text.contains("WARM"), "warm builds are labelled: {text}");
}

#[test]
fn timeout_is_recorded() {
    let dir = fixture("tiny");
    // A clean fat-LTO build of this fixture takes seconds (std takes part).
    let run = measure_json(&dir, &["--only", "fat", "--timeout", "0.2s"], &[]);
    assert_eq!(run.code, Some(1));
    let fat = config(&run.doc, "fat");
    assert_eq!(fat["status"], "timeout");
    // stopped when the time was up, not when cargo was done
    let wall = fat["build"]["wall_s"].as_f64().unwrap();
    assert!(wall < 1.5, "the timed-out build ran {wall} s");
}

#[test]
fn a_warm_run_with_nothing_to_do_says_why_it_has_no_link_step() {
    let dir = fixture("tiny");
    let args = ["--no-rebuild", "--only", "off"];
    let first = measure_json(&dir, &args, &[]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(config(&first.doc, "off")["build"]["link"].is_object());
    // nothing changed: cargo runs no rustc, so no link step can be timed
    // (a fresh results directory: no clean build to carry from)
    let results = dir.join("target/cargo-lto/results");
    std::fs::remove_dir_all(&results).unwrap();
    let warm = measure_json(&dir, &[&args[..], &["--warm"]].concat(), &[]);
    assert_eq!(warm.code, Some(0), "{}", warm.stderr);
    assert!(config(&warm.doc, "off")["build"]["link"].is_null());
    let notes = warm.doc["notes"].to_string();
    assert!(
        notes.contains("`off`: no rustc ran (--warm, and nothing had changed)"),
        "was: `?` in the table and no word why: {notes}"
    );
    // with the clean sweep's results there, its clean build (link step
    // and all) is carried, and the note would be wrong: it goes
    let again = measure_json(&dir, &[&args[..]].concat(), &[]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    let warm = measure_json(&dir, &[&args[..], &["--warm"]].concat(), &[]);
    let off = config(&warm.doc, "off");
    assert!(off["build"]["link"].is_object(), "{off:#}");
    assert!(off["warm_build"]["link"].is_null(), "{off:#}");
    assert!(!warm.doc["notes"].to_string().contains("no rustc ran"));
}

/// A build that runs out of disk: LLVM's backtrace or `ld terminated with
/// signal 7 [Bus error]`, and "No space left" nowhere. The sweep looks at
/// the filesystem after a failed build and says it is full; when the disk
/// fills up on one of cargo-lto's own writes (the document), the error says
/// so first. Needs a small tmpfs to build in (root, and a system that lets
/// it mount one).
#[test]
fn a_full_disk_is_named_after_a_failed_build() {
    // 40 KiB: even the document cannot be written; 300 KiB: the build fails
    // and the document holds the note
    for (size, kib) in [("40k", "40.0 KiB"), ("300k", "300.0 KiB")] {
        let Some(mnt) = crate::common::Tmpfs::mount(size) else {
            crate::common::skip(&format!(
                "cannot mount a {size} tmpfs here (root is needed)"
            ));
            return;
        };
        let dir = fixture("tiny");
        let before = fingerprint(&dir);
        let target = mnt.path().to_str().unwrap();
        let out = crate::common::cargo_lto()
            .args([
                "measure",
                "--only",
                "baseline",
                "--no-rebuild",
                "--target-dir",
                target,
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{stdout}");
        let free = format!("free of {kib}");
        let noted = stdout.contains("`baseline` failed, and the filesystem of");
        let error = stderr.lines().find(|l| l.starts_with("error:"));
        let errored = error.is_some_and(|l| l.contains("the filesystem of") && l.contains(&free));
        if size == "40k" {
            assert!(errored, "{stdout}\n{stderr}");
        } else {
            // the document's write may still fill the disk up
            assert!(
                (noted && stdout.contains(&free)) || errored,
                "{stdout}\n{stderr}"
            );
        }
        assert_eq!(before, fingerprint(&dir), "{size}");
    }
}
