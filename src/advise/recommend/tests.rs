//! Table-driven tests of `recommend` on hand-built measure documents.

use super::{Impossible, recommend};
use crate::results::advice::{
    Constraints, Decision, Difference, Goal, Need, Offer, Reason, Recommendation, Why,
};
use crate::results::measure::Setting;
use crate::results::test_docs::{FAT, FAT1, SIZE_Z, Spec, doc, spec, sweep, template};

pub(super) fn go(specs: &[Spec], goal: Goal, constraints: Constraints) -> Recommendation {
    recommend(&doc(specs), goal, &constraints).unwrap()
}

pub(super) fn why<'a>(r: &'a Recommendation, name: &str) -> &'a Why {
    &r.rejected
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} not among rejected: {:#?}", r.rejected))
        .why
}

#[test]
fn size_picks_the_smallest_shipped() {
    let r = go(&sweep(), Goal::Size, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("size-z"));
    assert!(
        matches!(&r.reasons[0], Reason::Chosen { why: Decision::FewestShippedBytes { config, shipped_bytes: 700_000, baseline_shipped_bytes: 1_000_000, reduction, .. } } if config == "size-z" && (reduction - 0.3).abs() < 1e-9),
        "{:?}",
        r.reasons
    );
    assert_eq!(r.settings["opt-level"], "z");
    assert!(r.toml.starts_with("[profile.release]\n"), "{}", r.toml);
    assert!(r.toml.contains("lto = \"fat\"\n") && r.toml.contains("opt-level = \"z\""));
    // runners-up say why they lost, with numbers
    assert!(
        matches!(why(&r, "fat-cgu1"), Why::Dominated { by, differences } if by == "size-z" && matches!(differences[0], Difference::Shipped { change } if (change - (850.0 / 700.0 - 1.0)).abs() < 1e-9)),
        "{r:#?}"
    );
}

#[test]
fn each_constraint_rules_out_and_says_why() {
    type Case = (Constraints, &'static str, Why, Option<&'static str>);
    let offered = |smaller: f64| Offer {
        smaller: Some(smaller),
        better: false,
    };
    let cases: Vec<Case> = vec![
        (
            Constraints {
                max_link_memory_bytes: Some(1000 << 20),
                ..Constraints::default()
            },
            "fat-cgu1",
            Why::ExceedsLinkMemory {
                peak_bytes: 1200 << 20,
                limit_bytes: 1000 << 20,
                offered: offered(0.15),
            },
            Some("fat"),
        ),
        (
            Constraints {
                max_build_time_s: Some(90.0),
                ..Constraints::default()
            },
            "size-z",
            Why::ExceedsBuildTime {
                build_s: 110.0,
                limit_s: 90.0,
                offered: offered(0.3),
            },
            Some("fat"),
        ),
        (
            Constraints {
                needs: vec![Need::Backtraces],
                ..Constraints::default()
            },
            "size-z",
            Why::StripsSymbols {
                offered: offered(0.3),
            },
            Some("fat-cgu1"),
        ),
        (
            Constraints {
                needs: vec![Need::Unwind],
                ..Constraints::default()
            },
            "size-z",
            Why::Aborts {
                offered: offered(0.3),
            },
            Some("fat-cgu1"),
        ),
    ];
    for (constraints, name, expected, choice) in cases {
        let mut specs = sweep();
        if constraints.max_link_memory_bytes.is_some() {
            specs.retain(|s| s.name != "size-z");
        }
        let r = go(&specs, Goal::Size, constraints.clone());
        let got = why(&r, name);
        // shares are computed: compare them with a tolerance
        let mut rounded = got.clone();
        if let Why::ExceedsLinkMemory { offered, .. }
        | Why::ExceedsBuildTime { offered, .. }
        | Why::StripsSymbols { offered }
        | Why::Aborts { offered } = &mut rounded
        {
            offered.smaller = offered.smaller.map(|s| (s * 1e6).round() / 1e6);
        }
        assert_eq!(rounded, expected, "{constraints:?}");
        assert_eq!(r.choice.as_deref(), choice, "{constraints:?}: {r:#?}");
        assert_eq!(r.constraints, constraints);
    }
}

#[test]
fn need_debuginfo_rules_out_the_default_release() {
    // the default release resolves to debug = none, strip = debuginfo
    let r = go(
        &sweep(),
        Goal::Size,
        Constraints {
            needs: vec![Need::Debuginfo],
            ..Constraints::default()
        },
    );
    assert_eq!(r.choice, None);
    assert!(
        matches!(why(&r, "fat"), Why::NoDebuginfo { debug, .. } if debug == "none"),
        "{:?}",
        why(&r, "fat")
    );
    assert!(matches!(
        &r.reasons[0],
        Reason::BaselineBreaksConstraint {
            why: Why::NoDebuginfo { .. }
        }
    ));
    assert!(matches!(
        &r.reasons[1],
        Reason::NothingMeetsConstraints { .. }
    ));
}

#[test]
fn less_than_one_percent_smaller_keeps_what_you_have() {
    // 0.5% smaller is a tie (the minimum effect), and the slower build
    // and larger link make fat dominated by what you have
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 995_000, 80.0, 800).set(FAT),
    ];
    let r = go(&specs, Goal::Size, Constraints::default());
    assert_eq!(r.choice, None);
    assert!(r.settings.is_empty() && r.toml.is_empty());
    assert!(
        matches!(&r.reasons[0], Reason::KeepWhatYouHave { why: Decision::TooLittleSmaller { config, required, .. } } if config == "baseline" && *required == 0.01),
        "{:?}",
        r.reasons
    );
    assert!(
        matches!(why(&r, "fat"), Why::Dominated { by, differences } if by == "baseline" && !differences.iter().any(|d| matches!(d, Difference::Shipped { .. }))),
        "{r:#?}"
    );
    // 1.5% smaller on a cheap build is on the front, and too little
    // for --goal size only when under SIZE_GAIN
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 985_000, 61.0, 300).set(FAT),
    ];
    let r = go(&specs, Goal::Size, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("fat"));
}

/// The grex case: thin's file 0.1% smaller than fat's kept it on the
/// Pareto front while fat was better on everything else; sizes within the
/// minimum effect are a tie, so fat dominates it.
#[test]
fn a_size_near_tie_keeps_nothing_on_the_front() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        spec("thin", 880_000, 70.0, 300)
            .set(&[("lto", "thin")])
            .run(0.98, 0.97, 0.99),
        spec("fat", 880_900, 70.0, 300)
            .set(FAT)
            .run(0.93, 0.92, 0.94),
    ];
    let r = go(&specs, Goal::Balanced, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("fat"));
    let thin = r.candidates.iter().find(|c| c.name == "thin").unwrap();
    assert!(!thin.pareto, "{r:#?}");
    assert!(matches!(why(&r, "thin"), Why::Dominated { by, .. } if by == "fat"));
}

#[test]
fn everything_dominated_by_baseline_keeps_it() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_020_000, 62.0, 300).set(&[("lto", "off")]),
        spec("fat", 1_000_000, 90.0, 800).set(FAT),
    ];
    for goal in [Goal::Size, Goal::Balanced, Goal::BuildTime] {
        let r = go(&specs, goal, Constraints::default());
        assert_eq!(r.choice, None, "{goal:?}");
        for name in ["off", "fat"] {
            assert!(
                matches!(why(&r, name), Why::Dominated { by, .. } if by == "baseline"),
                "{r:#?}"
            );
        }
        assert_eq!(r.candidates.iter().filter(|c| c.pareto).count(), 1);
    }
}

#[test]
fn build_times_within_ten_percent_are_a_tie() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_000_000, 56.0, 300).set(&[("lto", "off")]),
    ];
    let r = go(&specs, Goal::BuildTime, Constraints::default());
    assert_eq!(r.choice, None, "{r:#?}");
    assert!(
        matches!(
            &r.reasons[0],
            Reason::KeepWhatYouHave {
                why: Decision::BuildTimeTie { tie: 0.1, .. }
            }
        ),
        "{:?}",
        r.reasons
    );
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_000_000, 40.0, 300).set(&[("lto", "off")]),
    ];
    let r = go(&specs, Goal::BuildTime, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("off"));
    assert_eq!(r.settings["lto"], "off");
}

#[test]
fn speed_uses_the_verdicts_and_ignores_noise() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        // faster, but inside the noise
        spec("thin", 990_000, 70.0, 500)
            .set(&[("lto", "thin")])
            .run(0.95, 0.90, 1.01),
        spec("fat", 980_000, 80.0, 800)
            .set(FAT)
            .run(0.93, 0.91, 0.95),
        spec("fat-cgu1", 970_000, 95.0, 900)
            .set(FAT1)
            .run(0.92, 0.90, 0.94),
    ];
    let r = go(&specs, Goal::Speed, Constraints::default());
    // fat-cgu1's CI overlaps fat's: no faster than fat, yet smaller, so
    // both are on the front; the lower geometric mean decides
    assert_eq!(r.choice.as_deref(), Some("fat-cgu1"), "{r:#?}");
    assert!(
        matches!(why(&r, "fat"), Why::OtherGoal { goal: Goal::Speed, chosen, .. } if chosen == "fat-cgu1"),
        "{:?}",
        why(&r, "fat")
    );
    // within noise counts as no gain: alone it keeps what you have
    let r = go(&specs[..2], Goal::Speed, Constraints::default());
    assert_eq!(r.choice, None);
    assert_eq!(
        r.reasons,
        [Reason::KeepWhatYouHave {
            why: Decision::NoneFaster
        }]
    );
}

#[test]
fn slower_rules_a_configuration_out_of_balanced() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        spec("size-z", 700_000, 70.0, 500)
            .set(SIZE_Z)
            .run(1.30, 1.25, 1.35),
        spec("fat", 950_000, 80.0, 800)
            .set(FAT)
            .run(0.99, 0.97, 1.01),
    ];
    let r = go(&specs, Goal::Balanced, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("fat"), "{r:#?}");
    // balanced refuses a build over twice baseline's
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 800_000, 130.0, 800).set(FAT),
    ];
    let r = go(&specs, Goal::Balanced, Constraints::default());
    assert_eq!(r.choice, None, "{r:#?}");
}

#[test]
fn speed_without_runtime_is_an_error_that_says_how() {
    let err = recommend(&doc(&sweep()), Goal::Speed, &Constraints::default()).unwrap_err();
    assert!(matches!(err, Impossible::NoRuntime(_)));
    assert!(err.to_string().contains("--run"), "{err}");
    // other goals work without runtime
    assert!(
        go(&sweep(), Goal::Balanced, Constraints::default())
            .choice
            .is_some()
    );
}

#[test]
fn failed_identical_and_differing_configurations_are_not_candidates() {
    let mut d = doc(&[
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        spec("fat", 800_000, 80.0, 800)
            .set(FAT)
            .run(0.9, 0.88, 0.92),
        spec("fat-cgu1", 700_000, 80.0, 800).set(FAT1).failed(),
        spec("thin", 900_000, 70.0, 500)
            .set(&[("lto", "thin")])
            .run(0.9, 0.88, 0.92),
        spec("same", 800_000, 80.0, 800).set(FAT),
    ]);
    d.configurations[3].series[0].output_differs = true;
    d.configurations[4].identical_to = Some("fat".into());
    let r = recommend(&d, Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"), "{r:#?}");
    assert_eq!(
        why(&r, "fat-cgu1"),
        &Why::BuildFailed {
            exit_code: Some(101)
        }
    );
    assert!(
        matches!(why(&r, "thin"), Why::OutputDiffers { workload } if *workload == d.configurations[3].series[0].name)
    );
    assert_eq!(why(&r, "same"), &Why::Identical { to: "fat".into() });
    assert!(r.candidates.iter().all(|c| c.name != "same"));
}

#[test]
fn nothing_measured_or_no_baseline_is_an_error() {
    let d = doc(&[
        spec("baseline", 1, 1.0, 1).failed(),
        spec("fat", 1, 1.0, 1).failed(),
    ]);
    assert!(matches!(
        recommend(&d, Goal::Size, &Constraints::default()),
        Err(Impossible::NoBaseline(_))
    ));
    let d = doc(&[spec("fat", 1, 1.0, 1).set(FAT)]);
    assert!(matches!(
        recommend(&d, Goal::Size, &Constraints::default()),
        Err(Impossible::NoBaseline(_))
    ));
}

#[test]
fn keys_the_profile_already_has_are_not_written() {
    let mut d = doc(&sweep());
    d.base_settings.insert(
        "codegen-units".into(),
        Setting {
            value: "1".into(),
            source: "Cargo.toml".into(),
        },
    );
    let r = recommend(&d, Goal::Size, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("size-z"));
    let d2 = {
        let mut d2 = d.clone();
        d2.configurations.retain(|c| c.name != "size-z");
        d2
    };
    let r = recommend(&d2, Goal::Size, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat-cgu1"));
    assert_eq!(r.settings.keys().collect::<Vec<_>>(), ["lto"]);
    assert_eq!(r.toml, "[profile.release]\nlto = \"fat\"\n");
}

#[test]
fn ties_are_broken_by_file_size_then_build_time() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        Spec {
            file: 1_500_000,
            ..spec("a", 900_000, 60.0, 300).set(FAT)
        },
        Spec {
            file: 1_400_000,
            ..spec("b", 900_000, 60.0, 300).set(FAT1)
        },
    ];
    let r = go(&specs, Goal::Size, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("b"));
    assert!(
        matches!(why(&r, "a"), Why::Dominated { by, .. } if by == "b"),
        "{:?}",
        why(&r, "a")
    );
}

#[test]
fn the_document_holds_data_not_sentences() {
    let r = recommend(&template(), Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["settings"], serde_json::json!({"lto": "fat"}));
    // a workload that fails on baseline is left out, then the choice
    assert_eq!(json["reasons"][0]["kind"], "workload_failed_on_baseline");
    assert_eq!(json["reasons"][1]["kind"], "chosen");
    assert_eq!(json["reasons"][1]["why"]["kind"], "fastest_runtime");
    assert_eq!(json["baseline"]["name"], "baseline");
    for r in json["rejected"].as_array().unwrap() {
        assert!(r["why"]["kind"].is_string(), "{r:#}");
    }
    // it reads back as it was written
    let back: Recommendation = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
    // keep what you have: choice is null
    let r = recommend(&template(), Goal::BuildTime, &Constraints::default()).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["choice"], serde_json::Value::Null);
}

#[test]
fn warm_build_times_are_not_compared() {
    let mut d = doc(&[
        spec("baseline", 1_000_000, 0.2, 300).run(1.0, 1.0, 1.0),
        spec("fat", 990_000, 0.1, 800).set(FAT).run(0.9, 0.88, 0.92),
        spec("off", 1_000_000, 0.1, 300).set(&[("lto", "off")]),
    ]);
    d.warm = true;
    for c in &mut d.configurations {
        c.build.as_mut().unwrap().warm = true;
    }
    for (goal, constraints) in [
        (Goal::BuildTime, Constraints::default()),
        (
            Goal::Size,
            Constraints {
                max_build_time_s: Some(60.0),
                ..Constraints::default()
            },
        ),
    ] {
        let err = recommend(&d, goal, &constraints).unwrap_err();
        assert!(matches!(err, Impossible::WarmBuilds(..)), "{err}");
        assert!(err.to_string().contains("without --warm"));
    }
    let r = recommend(&d, Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"), "{r:#?}");
    assert!(r.candidates.iter().all(|c| c.build_warm), "{r:#?}");
    // off's halved warm build is no advantage, and is not mentioned
    assert!(
        matches!(why(&r, "off"), Why::Dominated { differences, .. } | Why::OtherGoal { differences, .. } if !differences.iter().any(|d| matches!(d, Difference::BuildTime { .. }))),
        "{:?}",
        why(&r, "off")
    );
}
