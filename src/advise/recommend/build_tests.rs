//! What a clean build time may decide and what it may not: the balanced
//! goal's relative and absolute allowance, and builds that competed for the
//! CPU (busy), which are never compared.

use super::recommend;
use super::tests::{go, why};
use crate::results::advice::{Constraints, Decision, Difference, Goal, Reason, Why};
use crate::results::test_docs::{FAT, doc, spec};

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
