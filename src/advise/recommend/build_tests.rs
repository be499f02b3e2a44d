//! What a clean build time may decide and what it may not: the balanced
//! goal's relative and absolute allowance, and builds that competed for the
//! CPU (busy), which are never compared.

use super::recommend;
use super::tests::{go, why};
use crate::results::advice::{Constraints, Decision, Difference, Goal, Reason, Why};
use crate::results::test_docs::{FAT, doc, repeated, spec};

#[test]
fn balanced_accepts_a_small_absolute_build_cost() {
    // a 0.3 s build becoming 3 s is ×10, but 2.7 s more costs nobody
    // anything: 11% smaller wins
    let specs = vec![
        spec("baseline", 1_000_000, 0.3, 100),
        spec("fat", 890_000, 3.0, 200).set(FAT),
    ];
    let r = go(&specs, Goal::Balanced, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("fat"), "{r:#?}");
    assert!(matches!(
        &r.reasons[0],
        Reason::Chosen { why: Decision::BestBalance { build_allowance_s, .. } } if *build_allowance_s == 30.0
    ));
    // beyond both ×2 and +30 s it is refused
    let specs = vec![
        spec("baseline", 1_000_000, 0.3, 100),
        spec("fat", 890_000, 31.0, 200).set(FAT),
    ];
    let r = go(&specs, Goal::Balanced, Constraints::default());
    assert_eq!(r.choice, None, "{r:#?}");
    // --max-build-time stays the hard limit
    let specs = vec![
        spec("baseline", 1_000_000, 0.3, 100),
        spec("fat", 890_000, 3.0, 200).set(FAT),
    ];
    let r = go(
        &specs,
        Goal::Balanced,
        Constraints {
            max_build_time_s: Some(1.0),
            ..Constraints::default()
        },
    );
    assert_eq!(r.choice, None, "{r:#?}");
}

#[test]
fn a_busy_build_is_never_compared() {
    // off's build looks 40% faster, but it competed for the CPU
    let mut d = doc(&[
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_000_000, 36.0, 300).set(&[("lto", "off")]),
        spec("thin", 1_000_000, 50.0, 300).set(&[("lto", "thin")]),
    ]);
    d.configurations[1].build.as_mut().unwrap().busy = true;
    let r = recommend(&d, Goal::BuildTime, &Constraints::default()).unwrap();
    // thin's 17% is real; off's is not a figure
    assert_eq!(r.choice.as_deref(), Some("thin"), "{r:#?}");
    assert!(matches!(
        &r.reasons[0],
        Reason::BusyMeasurements { builds, runtimes } if builds == &["off"] && runtimes.is_empty()
    ));
    // and off is not "faster to build" than anyone
    assert!(
        !matches!(why(&r, "off"), Why::Dominated { differences, .. } | Why::OtherGoal { differences, .. } | Why::NotEnoughGain { differences } if differences.iter().any(|d| matches!(d, Difference::BuildTime { .. }))),
        "{:?}",
        why(&r, "off")
    );
    // a busy baseline leaves nothing to compare builds with
    d.configurations[0].build.as_mut().unwrap().busy = true;
    let r = recommend(&d, Goal::BuildTime, &Constraints::default()).unwrap();
    assert_eq!(r.choice, None);
    assert!(r.reasons.iter().any(|x| matches!(
        x,
        Reason::KeepWhatYouHave {
            why: Decision::BaselineBuildBusy
        }
    )));
}

#[test]
fn with_three_builds_each_build_times_are_judged_by_their_cis() {
    let specs = [
        spec("baseline", 1_000_000, 61.0, 300),
        spec("thin", 1_000_000, 57.5, 300).set(&[("lto", "thin")]),
    ];
    let go_with = |baseline: &[f64], thin: &[f64]| {
        let mut d = doc(&specs);
        repeated(d.configurations[0].build.as_mut().unwrap(), baseline);
        repeated(d.configurations[1].build.as_mut().unwrap(), thin);
        recommend(&d, Goal::BuildTime, &Constraints::default()).unwrap()
    };
    // 6% faster: inside the 10% tie of one build each, but three builds
    // each whose ranges do not meet are a real difference
    let r = go_with(&[60.0, 61.0, 62.0], &[57.0, 57.5, 58.0]);
    assert_eq!(r.choice.as_deref(), Some("thin"), "{r:#?}");
    assert!(matches!(
        &r.reasons[0],
        Reason::Chosen {
            why: Decision::FastestBuild { builds: 3, .. }
        }
    ));
    // 16% faster by the medians, but one slow thin build makes the ranges
    // overlap: a tie, which the 10% rule would have called a win
    let r = go_with(&[60.0, 61.0, 62.0], &[50.0, 51.0, 70.0]);
    assert_eq!(r.choice, None, "{r:#?}");
    assert!(r.reasons.iter().any(|x| matches!(
        x,
        Reason::KeepWhatYouHave {
            why: Decision::BuildTimeTie { builds: 3, .. }
        }
    )));
    // one side with a single build: the 10% tie again
    let mut d = doc(&specs);
    repeated(
        d.configurations[0].build.as_mut().unwrap(),
        &[60.0, 61.0, 62.0],
    );
    let r = recommend(&d, Goal::BuildTime, &Constraints::default()).unwrap();
    assert_eq!(r.choice, None, "6% is within the tie of n = 1: {r:#?}");
}

#[test]
fn a_warm_run_with_carried_clean_builds_compares_them() {
    // `measure --warm --run …` after a clean sweep: baseline's and fat's
    // binaries were the same, so their clean builds were carried; off's
    // changed, and its warm build is not compared
    let mut d = doc(&[
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 890_000, 80.0, 600).set(FAT),
        spec("off", 1_000_000, 0.2, 300).set(&[("lto", "off")]),
    ]);
    d.warm = true;
    for c in &mut d.configurations {
        let b = c.build.as_mut().unwrap();
        b.carried_from = (c.name != "off").then(|| "clean-sweep".into());
        b.warm = c.name == "off";
    }
    let r = recommend(&d, Goal::BuildTime, &Constraints::default()).unwrap();
    // off's 0.2 s warm build is no win; nothing beats baseline's clean 60 s
    assert_eq!(r.choice, None, "{r:#?}");
    let r = recommend(&d, Goal::Balanced, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"), "{r:#?}");
    // the carried baseline makes --max-build-time answerable
    let limited = Constraints {
        max_build_time_s: Some(70.0),
        ..Constraints::default()
    };
    let r = recommend(&d, Goal::Size, &limited).unwrap();
    assert!(
        matches!(why(&r, "fat"), Why::ExceedsBuildTime { .. }),
        "{r:#?}"
    );
}
