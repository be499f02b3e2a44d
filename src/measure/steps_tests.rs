//! Tests of `steps.rs`: the figures of clean builds, rebuilds and link
//! steps, from cargo runs made up here, and the fingerprints removed.

use super::*;
use crate::process::Usage;

fn unit(name: &str, types: &[&str], wall_s: f64) -> UnitRecord {
    UnitRecord {
        crate_name: name.into(),
        crate_types: types.iter().map(|t| t.to_string()).collect(),
        package: Some(name.into()),
        version: Some("0.1.0".into()),
        test: false,
        exit_code: 0,
        started_unix_s: 0.0,
        usage: Usage {
            wall_s,
            cpu_s: wall_s,
            peak_rss_bytes: 1 << 20,
            load: None,
        },
    }
}

fn run(outcome: Outcome, units: Vec<UnitRecord>, exes: &[&str]) -> BuildRun {
    BuildRun {
        outcome,
        usage: Usage {
            wall_s: 3.0,
            cpu_s: 5.0,
            peak_rss_bytes: 100 << 20,
            load: None,
        },
        artifacts: units.len(),
        executables: exes
            .iter()
            .map(|b| (b.to_string(), PathBuf::from(format!("/t/{b}"))))
            .collect(),
        bench_executables: Default::default(),
        stderr_tail: "error: boom".into(),
        missing_profile: Vec::new(),
        wrapper_log_written: !units.is_empty(),
        units,
    }
}

#[test]
fn a_clean_build_with_its_link_step() {
    let units = vec![unit("dep", &["lib"], 1.0), unit("my_app", &["bin"], 2.0)];
    let c = record_clean(
        &run(Outcome::Exited(0), units, &["my-app"]),
        "fat",
        &["my-app"],
        false,
    );
    assert_eq!(c.status, Status::Ok);
    assert_eq!(
        c.build.link.unwrap().wall_s,
        2.0,
        "the bin crate, `-` as `_`"
    );
    assert_eq!(c.build.units.len(), 2);
    assert_eq!(c.executables["my-app"], Path::new("/t/my-app"));
    assert!(c.build.links.is_empty(), "one binary: `link` is its link");
    assert_eq!((c.note, c.stderr_tail), (None, None));
}

#[test]
fn failures_keep_their_code_and_stderr() {
    let c = record_clean(
        &run(Outcome::Exited(101), vec![], &[]),
        "x",
        &["app"],
        false,
    );
    assert_eq!((c.status, c.exit_code), (Status::Failed, Some(101)));
    assert_eq!(c.stderr_tail.as_deref(), Some("error: boom"));
    let c = record_clean(
        &run(Outcome::Signalled(9), vec![], &[]),
        "x",
        &["app"],
        false,
    );
    assert_eq!(c.exit_code, Some(-9));
    let c = record_clean(&run(Outcome::TimedOut, vec![], &[]), "x", &["app"], false);
    assert_eq!(c.status, Status::Timeout);
    // cargo said ok but named no binary: a failure, said why
    let c = record_clean(
        &run(Outcome::Exited(0), vec![unit("app", &["bin"], 1.0)], &[]),
        "x",
        &["app"],
        false,
    );
    assert_eq!(c.status, Status::Failed);
    assert!(c.stderr_tail.unwrap().contains("no executable"));
}

#[test]
fn a_missing_link_step_is_explained() {
    // was: `?` in the link columns and nothing saying why
    let c = record_clean(
        &run(Outcome::Exited(0), vec![], &["app"]),
        "fat",
        &["app"],
        true,
    );
    assert!(c.build.link.is_none());
    let note = c.note.unwrap().text;
    assert!(
        note.contains("`fat`") && note.contains("--warm") && note.contains("`?`"),
        "{note}"
    );
    let c = record_clean(
        &run(Outcome::Exited(0), vec![], &["app"]),
        "fat",
        &["app"],
        false,
    );
    assert!(c.note.unwrap().text.contains("left no log"));
    let deps_only = vec![unit("dep", &["lib"], 1.0)];
    let c = record_clean(
        &run(Outcome::Exited(0), deps_only, &["app"]),
        "fat",
        &["app"],
        false,
    );
    assert!(c.note.unwrap().text.contains("did not recompile `app`"));
}

/// Several binaries: each one's link step, the largest of each figure
/// as the link; one not relinked leaves no link figure, and is named;
/// one cargo reported no executable for fails the build, named.
#[test]
fn several_binaries_link_each() {
    let mut big = unit("two", &["bin"], 3.0);
    big.usage.peak_rss_bytes = 1 << 10;
    let units = vec![unit("one", &["bin"], 2.0), big];
    let c = record_clean(
        &run(Outcome::Exited(0), units.clone(), &["one", "two"]),
        "fat",
        &["one", "two"],
        false,
    );
    assert_eq!(c.status, Status::Ok);
    let link = c.build.link.unwrap();
    assert_eq!((link.wall_s, link.peak_rss_bytes), (3.0, 1 << 20));
    assert_eq!(c.build.links["one"].wall_s, 2.0);
    assert_eq!(c.build.links["two"].peak_rss_bytes, 1 << 10);
    assert_eq!(c.executables.len(), 2);

    let only_one = vec![unit("one", &["bin"], 2.0)];
    let c = record_clean(
        &run(Outcome::Exited(0), only_one, &["one", "two"]),
        "fat",
        &["one", "two"],
        false,
    );
    assert!(c.build.link.is_none());
    assert!(c.note.unwrap().text.contains("did not recompile `two`"));

    let c = record_clean(
        &run(Outcome::Exited(0), units, &["one"]),
        "fat",
        &["one", "two"],
        false,
    );
    assert_eq!(c.status, Status::Failed);
    assert!(c.executables.is_empty());
    assert!(c.stderr_tail.unwrap().contains("bin `two`"));
}

fn sampled(wall_s: f64, contention: f64) -> BuildSample {
    BuildSample {
        started_unix_s: 0.0,
        wall_s,
        cpu_s: wall_s * 2.0,
        peak_rss_bytes: (wall_s * 100.0) as u64,
        contention: Some(contention),
        busy: contention > BUSY,
    }
}

#[test]
fn repeated_builds_are_the_median_of_the_quiet_ones() {
    let mut b = record_clean(
        &run(Outcome::Exited(0), vec![], &["app"]),
        "x",
        &["app"],
        false,
    )
    .build;
    aggregate(&mut b);
    assert_eq!(b.wall_s, 3.0, "no samples: the figures stay");
    b.samples = vec![
        sampled(10.0, 0.01),
        sampled(30.0, 0.5),
        sampled(12.0, 0.02),
        sampled(11.0, 0.0),
    ];
    aggregate(&mut b);
    // the busy 30 s is left out
    assert_eq!((b.wall_s, b.cpu_s, b.peak_rss_bytes), (11.0, 22.0, 1100));
    assert_eq!(b.wall_s_ci, Some([10.0, 12.0]));
    assert_eq!(b.wall_s_ci_level, Some(0.75));
    assert_eq!(b.contention, Some(0.01));
    assert!(!b.busy);
    // every one busy: all of them, and busy
    b.samples = vec![sampled(10.0, 0.3), sampled(20.0, 0.4)];
    aggregate(&mut b);
    assert_eq!((b.wall_s, b.busy), (15.0, true));
    // one: that one, no interval
    b.samples = vec![sampled(7.0, 0.0)];
    aggregate(&mut b);
    assert_eq!((b.wall_s, b.wall_s_ci, b.busy), (7.0, None, false));
}

#[test]
fn rebuilds() {
    let mut b = record_clean(
        &run(Outcome::Exited(0), vec![], &["app"]),
        "x",
        &["app"],
        false,
    )
    .build;
    let again = run(
        Outcome::Exited(0),
        vec![unit("app", &["bin"], 0.5)],
        &["app"],
    );
    assert_eq!(record_rebuild(&mut b, &again, &["app"]), None);
    assert_eq!(b.rebuild_wall_s, Some(3.0));
    assert_eq!(b.rebuild_link.unwrap().wall_s, 0.5);
    assert!(b.rebuild_error.is_none());

    let mut b2 = b.clone();
    record_rebuild(
        &mut b2,
        &run(Outcome::Exited(0), vec![], &["app"]),
        &["app"],
    );
    assert!(b2.rebuild_error.unwrap().contains("did not recompile"));
    let mut b3 = b.clone();
    let stopped = run(Outcome::Interrupted, vec![], &[]);
    assert_eq!(
        record_rebuild(&mut b3, &stopped, &["app"]),
        Some(Status::Interrupted)
    );
    assert!(b3.rebuild_error.unwrap().starts_with("rebuild Interrupted"));
}

#[test]
fn only_the_bin_units_fingerprints_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let unit = |rel: &str, file: &str| {
        let d = dir.path().join(rel);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(file), "x").unwrap();
        d
    };
    let bin = unit("lto-fat/.fingerprint/app-1", "bin-app");
    let lib = unit("lto-fat/.fingerprint/app-2", "lib-app");
    let script = unit(
        "lto-fat/.fingerprint/app-3",
        "build-script-build-script-build",
    );
    let cross = unit(
        "x86_64-unknown-linux-gnu/lto-fat/.fingerprint/app-4",
        "bin-app",
    );
    let other = unit("lto-fat/.fingerprint/app-5", "bin-application");
    assert_eq!(invalidate_bin(dir.path(), "app").unwrap(), 2);
    assert!(!bin.exists() && !cross.exists());
    assert!(lib.exists() && script.exists() && other.exists());
    assert_eq!(
        invalidate_bin(&dir.path().join("absent"), "app").unwrap(),
        0
    );
}
