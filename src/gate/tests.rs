//! Table-driven tests of the gate on hand-changed copies of a document.

use super::check;
use crate::results::MeasureDocument;
use crate::results::gate::{Limits, Note, Outcome, ReportNote};
use crate::results::measure::{Status, Verdict};

pub(super) fn doc() -> MeasureDocument {
    serde_json::from_str(include_str!("../../tests/data/measure-runtime.json")).unwrap()
}

pub(super) fn outcome(r: &crate::results::gate::CheckReport, config: &str, check: &str) -> Outcome {
    r.rows
        .iter()
        .find(|x| x.config == config && x.check == check)
        .unwrap_or_else(|| panic!("no row {config} {check}: {:#?}", r.rows))
        .outcome
}

/// The configuration `name` of `d`.
pub(super) fn named<'a>(
    d: &'a mut MeasureDocument,
    name: &str,
) -> &'a mut crate::results::measure::Configuration {
    d.configurations
        .iter_mut()
        .find(|c| c.name == name)
        .unwrap()
}

/// Scales a configuration's figures in the new document.
pub(super) fn scaled(
    name: &str,
    size: f64,
    shipped: f64,
    build: f64,
    runtime: f64,
) -> MeasureDocument {
    let mut d = doc();
    let c = d
        .configurations
        .iter_mut()
        .find(|c| c.name == name)
        .unwrap();
    let bin = &mut c.binaries[0];
    bin.size_bytes = (bin.size_bytes as f64 * size) as u64;
    bin.shipped_bytes = (bin.shipped_bytes as f64 * shipped) as u64;
    c.build.as_mut().unwrap().wall_s *= build;
    for s in &mut c.series[0].samples {
        *s *= runtime;
    }
    d
}

#[test]
fn each_threshold_passes_within_and_fails_beyond() {
    let base = doc();
    let all = Limits {
        max_size: Some(0.03),
        max_shipped_size: Some(0.03),
        max_runtime: Some(0.02),
        max_build_time: Some(0.20),
        ..Limits::default()
    };
    // (new doc, check that must fail or None for all pass)
    let cases: Vec<(MeasureDocument, Option<&str>)> = vec![
        (doc(), None),
        (scaled("fat", 1.02, 1.02, 1.1, 1.0), None),
        (scaled("fat", 1.04, 1.0, 1.0, 1.0), Some("size")),
        (scaled("fat", 1.0, 1.04, 1.0, 1.0), Some("shipped")),
        (scaled("fat", 1.0, 1.0, 1.25, 1.0), Some("build")),
        (scaled("fat", 1.0, 1.0, 1.0, 1.10), Some("runtime:w")),
        // smaller and faster never fail
        (scaled("fat", 0.5, 0.5, 0.5, 0.5), None),
    ];
    for (i, (new, fails)) in cases.iter().enumerate() {
        let r = check(&base, new, &all);
        assert_eq!(r.failed, fails.is_some(), "case {i}: {:#?}", r.rows);
        if let Some(check_name) = fails {
            assert_eq!(outcome(&r, "fat", check_name), Outcome::Fail, "case {i}");
            let failing: Vec<_> = r
                .rows
                .iter()
                .filter(|x| x.outcome == Outcome::Fail)
                .collect();
            assert_eq!(failing.len(), 1, "case {i}: {failing:#?}");
        }
    }
}

#[test]
fn a_slowdown_inside_the_noise_never_fails() {
    let base = doc();
    let limits = Limits {
        max_runtime: Some(0.0),
        ..Limits::default()
    };
    // +0.5%: the samples overlap: within the noise, even with a 0% limit
    let r = check(&base, &scaled("fat", 1.0, 1.0, 1.0, 1.005), &limits);
    assert_eq!(
        outcome(&r, "fat", "runtime:w"),
        Outcome::Pass,
        "{:#?}",
        r.rows
    );
    let row = r
        .rows
        .iter()
        .find(|x| x.check == "runtime:w" && x.config == "fat")
        .unwrap();
    assert!(
        matches!(
            &row.notes[..],
            [Note::Runtime {
                comparison,
                over_limit: false,
                ..
            }] if comparison.verdict == Verdict::WithinNoise
        ),
        "{:?}",
        row.notes
    );
    // a workload failing in both is skipped, not failed
    assert_eq!(outcome(&r, "fat", "runtime:fail"), Outcome::Skipped);
}

#[test]
fn link_memory_is_an_absolute_limit() {
    let base = doc();
    let fat_peak = base
        .config("fat")
        .unwrap()
        .build
        .as_ref()
        .unwrap()
        .link
        .unwrap()
        .peak_rss_bytes;
    for (max, fails) in [(fat_peak, false), (fat_peak - 1, true)] {
        let limits = Limits {
            max_link_memory_bytes: Some(max),
            ..Limits::default()
        };
        let r = check(&base, &doc(), &limits);
        assert_eq!(outcome(&r, "fat", "link_memory") == Outcome::Fail, fails);
    }
}

#[test]
fn missing_failed_and_new_configurations() {
    let base = doc();
    let limits = Limits {
        max_size: Some(0.03),
        ..Limits::default()
    };
    let mut new = doc();
    new.configurations.retain(|c| c.name != "dbg");
    new.configurations[1].status = Status::Failed;
    new.configurations[1].exit_code = Some(101);
    let mut extra = new.configurations[0].clone();
    extra.name = "fresh".into();
    new.configurations.push(extra);
    let r = check(&base, &new, &limits);
    assert!(r.failed);
    assert_eq!(outcome(&r, "dbg", "status"), Outcome::Fail);
    assert_eq!(outcome(&r, "fat", "status"), Outcome::Fail);
    assert_eq!(outcome(&r, "fresh", "status"), Outcome::Skipped);
    assert_eq!(outcome(&r, "baseline", "size"), Outcome::Pass);
}

#[test]
fn times_from_another_host_are_not_compared_unless_allowed() {
    let base = doc();
    let mut new = scaled("fat", 1.0, 1.0, 3.0, 3.0);
    new.machine.cpu_model = "another CPU".into();
    let mut limits = Limits {
        max_build_time: Some(0.2),
        max_runtime: Some(0.02),
        max_size: Some(0.03),
        ..Limits::default()
    };
    let r = check(&base, &new, &limits);
    assert!(!r.same_host && !r.failed, "{:#?}", r.rows);
    assert_eq!(outcome(&r, "fat", "build"), Outcome::Skipped);
    assert_eq!(outcome(&r, "fat", "runtime:w"), Outcome::Skipped);
    assert_eq!(
        outcome(&r, "fat", "size"),
        Outcome::Pass,
        "sizes compare across hosts"
    );
    assert!(
        matches!(
            r.notes[0],
            ReportNote::OtherMachines {
                times_compared: false,
                ..
            }
        ),
        "{:?}",
        r.notes
    );
    limits.allow_cross_host = true;
    let r = check(&base, &new, &limits);
    assert!(r.failed);
    assert_eq!(outcome(&r, "fat", "build"), Outcome::Fail);
    assert_eq!(outcome(&r, "fat", "runtime:w"), Outcome::Fail);
}

#[test]
fn warm_builds_are_not_compared_but_carried_clean_ones_are() {
    let base = doc();
    let limits = Limits {
        max_build_time: Some(0.2),
        ..Limits::default()
    };
    let mut new = scaled("fat", 1.0, 1.0, 3.0, 1.0);
    new.warm = true;
    for c in &mut new.configurations {
        c.build.as_mut().unwrap().warm = true;
    }
    let r = check(&base, &new, &limits);
    assert_eq!(outcome(&r, "fat", "build"), Outcome::Skipped);
    // a warm run that carried fat's clean build from earlier results: that
    // build is compared (and ×3 fails)
    let build = named(&mut new, "fat").build.as_mut().unwrap();
    build.warm = false;
    build.carried_from = Some("earlier".into());
    let r = check(&base, &new, &limits);
    assert_eq!(outcome(&r, "fat", "build"), Outcome::Fail);
    assert_eq!(outcome(&r, "baseline", "build"), Outcome::Skipped);
}

#[test]
fn busy_figures_are_not_compared() {
    let base = doc();
    let mut new = scaled("fat", 1.0, 1.0, 3.0, 3.0);
    let fat = named(&mut new, "fat");
    let build = fat.build.as_mut().unwrap();
    build.busy = true;
    build.contention = Some(0.4);
    fat.series[0].busy = true;
    let limits = Limits {
        max_build_time: Some(0.1),
        max_runtime: Some(0.1),
        ..Limits::default()
    };
    let r = check(&base, &new, &limits);
    // three times slower, but busy: neither compared nor failed
    assert!(!r.failed, "{:#?}", r.rows);
    for check_name in ["build", "runtime:w"] {
        let row = r
            .rows
            .iter()
            .find(|x| x.config == "fat" && x.check == check_name)
            .unwrap();
        assert_eq!(row.outcome, Outcome::Skipped, "{row:?}");
        assert!(matches!(row.notes[..], [Note::Busy { .. }]), "{row:?}");
    }
}

mod merging {
    use super::doc;
    use crate::gate::merge::{MergeError, merge};

    fn ids() -> (String, Vec<String>) {
        (
            "merged".into(),
            vec!["cargo".into(), "lto".into(), "merge".into()],
        )
    }

    #[test]
    fn shards_become_one_document_with_each_configurations_host() {
        let (a, b) = crate::results::test_docs::two_shards();
        let (id, inv) = ids();
        let m = merge(&[a.clone(), b.clone()], id, inv, false).unwrap();
        let names: Vec<&str> = m.configurations.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["baseline", "fat", "dbg"]);
        assert_eq!(m.configurations[0].machine.as_ref().unwrap(), &a.machine);
        assert_eq!(
            m.configurations[2].machine.as_ref().unwrap().cpu_model,
            "other CPU"
        );
        assert!(
            m.notes
                .last()
                .unwrap()
                .text
                .contains("merged from 2 documents (a, b)")
        );
        assert_eq!(m.id, "merged");
        // how the table and the report show it: commands/tests.rs
    }

    #[test]
    fn documents_that_do_not_belong_together_are_refused() {
        let (id, inv) = ids();
        let base = doc();
        // one document twice is named as such (was: a configuration
        // "measured in two documents")
        let err = merge(
            &[base.clone(), base.clone()],
            id.clone(),
            inv.clone(),
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("was given twice"), "{err}");
        let mut project = doc();
        project.project.bins[0].package = "other".into();
        let mut toolchain = doc();
        toolchain.toolchain.rustc_vv = "rustc 1.96.0".into();
        let mut revision = doc();
        revision.source = Some(crate::results::measure::SourceRevision {
            commit: "abc".into(),
            dirty: false,
        });
        for (mut other, text) in [
            (project, "one project"),
            (toolchain, "different compilers"),
            (revision, "one source revision"),
        ] {
            other.id = "other".into();
            let err = merge(&[base.clone(), other], id.clone(), inv.clone(), false).unwrap_err();
            assert!(matches!(err, MergeError::Mismatch(_)));
            assert!(err.to_string().contains(text), "{err}");
        }
        // fat measured in both: not shards of one sweep
        let mut again = base.clone();
        again.id = "another".into();
        let err = merge(&[base.clone(), again], id.clone(), inv.clone(), false).unwrap_err();
        assert!(
            matches!(err, MergeError::Twice(ref n, ..) if n == "fat"),
            "{err}"
        );
        assert_eq!(merge(&[], id, inv, false).unwrap_err(), MergeError::Empty);
    }
}

#[test]
fn repeated_builds_fail_only_when_their_cis_are_apart() {
    let limits = Limits {
        max_build_time: Some(0.10),
        ..Limits::default()
    };
    let with = |walls: &[f64]| {
        let mut d = doc();
        let fat = d
            .configurations
            .iter_mut()
            .find(|c| c.name == "fat")
            .unwrap();
        crate::results::test_docs::repeated(fat.build.as_mut().unwrap(), walls);
        d
    };
    let base = with(&[10.0, 10.2, 10.4]);
    let row = |r: &crate::results::gate::CheckReport| {
        r.rows
            .iter()
            .find(|x| x.config == "fat" && x.check == "build")
            .cloned()
            .unwrap()
    };
    // +23%, every new build slower than every old one: a failure
    let r = check(&base, &with(&[12.0, 12.5, 13.0]), &limits);
    let fail = row(&r);
    assert_eq!(fail.outcome, Outcome::Fail, "{fail:?}");
    assert!(matches!(
        fail.notes[..],
        [
            Note::CleanBuilds {
                baseline_builds: 3,
                new_builds: 3
            },
            Note::OverLimit { .. }
        ]
    ));
    // the same median, one build as fast as the old ones: within the noise
    let r = check(&base, &with(&[10.3, 12.5, 13.0]), &limits);
    let pass = row(&r);
    assert_eq!(pass.outcome, Outcome::Pass, "{pass:?}");
    assert!(
        matches!(pass.notes[1], Note::BuildWithinNoise { .. }),
        "{pass:?}"
    );
    // one build each: the limit alone decides, as before
    let mut one = doc();
    let fat = one
        .configurations
        .iter_mut()
        .find(|c| c.name == "fat")
        .unwrap();
    fat.build.as_mut().unwrap().wall_s *= 1.23;
    let r = check(&doc(), &one, &limits);
    assert_eq!(row(&r).outcome, Outcome::Fail);
    assert!(matches!(row(&r).notes[0], Note::OneCleanBuildEach));
}

/// Instruction counts from two different counters (callgrind's in the
/// baseline, cachegrind's now) differ by up to a few percent for the same
/// code: not compared, said why. The same counter on both sides compares.
#[test]
fn two_instruction_counters_are_not_compared() {
    use crate::results::measure::{Counter, Metric};
    let instructions = |counter| {
        let mut d = doc();
        d.runtime_plan.as_mut().unwrap().counter = counter;
        for c in &mut d.configurations {
            for r in &mut c.series {
                r.metric = Metric::Instructions;
            }
        }
        d
    };
    let limits = Limits {
        max_runtime: Some(0.01),
        ..Limits::default()
    };
    let (old, new) = (
        instructions(Counter::Callgrind),
        instructions(Counter::Cachegrind),
    );
    let r = check(&old, &new, &limits);
    let row = r
        .rows
        .iter()
        .find(|x| x.check == "runtime:w" && x.config == "fat")
        .unwrap();
    assert_eq!(row.outcome, Outcome::Skipped);
    assert_eq!(
        row.notes,
        [Note::CountersDiffer {
            baseline: Counter::Callgrind,
            new: Counter::Cachegrind
        }]
    );
    let same = check(&new, &instructions(Counter::Cachegrind), &limits);
    assert_ne!(outcome(&same, "fat", "runtime:w"), Outcome::Skipped);
}

/// A 20% slowdown over a 2% limit, every new run above every old one, but
/// 3 runs each: no p-value 3 runs allow survives the adjustment, so the
/// row is not judged and says why (was: a silent pass). With 5 runs each
/// it fails.
#[test]
fn a_slowdown_too_few_runs_can_confirm_is_not_a_pass() {
    let limits = Limits {
        max_runtime: Some(0.02),
        ..Limits::default()
    };
    for (runs, expected) in [(3, Outcome::Skipped), (5, Outcome::Fail)] {
        let cut = |mut d: MeasureDocument| {
            for c in &mut d.configurations {
                c.series.retain(|r| r.name == "w");
                for r in &mut c.series {
                    r.samples.truncate(runs);
                }
            }
            d
        };
        let (base, new) = (cut(doc()), cut(scaled("fat", 1.0, 1.0, 1.0, 1.2)));
        let r = check(&base, &new, &limits);
        let row = r
            .rows
            .iter()
            .find(|x| x.check == "runtime:w" && x.config == "fat")
            .unwrap();
        assert_eq!(row.outcome, expected, "{runs} runs: {row:?}");
        let too_few = row
            .notes
            .iter()
            .find(|n| matches!(n, Note::TooFewRuns { .. }));
        if runs == 3 {
            assert_eq!(
                too_few,
                Some(&Note::TooFewRuns { runs: 3, needed: 5 }),
                "{row:?}"
            );
        } else {
            assert_eq!(too_few, None);
        }
    }
}
