//! Table-driven tests of `recommend` on hand-built measure documents.

use super::recommend::{Impossible, recommend};
use super::test_docs::{Spec, doc, spec, template};
use crate::results::advice::{Constraints, Goal, Need, Recommendation};
use crate::results::measure::Setting;

fn go(specs: &[Spec], goal: Goal, constraints: Constraints) -> Recommendation {
    recommend(&doc(specs), goal, &constraints).unwrap()
}

fn why<'a>(r: &'a Recommendation, name: &str) -> &'a str {
    &r.rejected
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} not among rejected: {:#?}", r.rejected))
        .why
}

const FAT: &[(&str, &str)] = &[("lto", "fat")];
const FAT1: &[(&str, &str)] = &[("lto", "fat"), ("codegen-units", "1")];
const SIZE_Z: &[(&str, &str)] = &[
    ("lto", "fat"),
    ("opt-level", "z"),
    ("panic", "abort"),
    ("strip", "symbols"),
];

fn sweep() -> Vec<Spec> {
    vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("thin", 960_000, 70.0, 500).set(&[("lto", "thin")]),
        spec("fat", 900_000, 80.0, 800).set(FAT),
        spec("fat-cgu1", 850_000, 100.0, 1200).set(FAT1),
        spec("size-z", 700_000, 110.0, 1100).set(SIZE_Z),
    ]
}

#[test]
fn size_picks_the_smallest_shipped() {
    let r = go(&sweep(), Goal::Size, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("size-z"));
    assert!(r.reasons[0].contains("30.0% less"), "{:?}", r.reasons);
    assert_eq!(r.settings["opt-level"], "z");
    assert!(r.toml.starts_with("[profile.release]\n"), "{}", r.toml);
    assert!(r.toml.contains("lto = \"fat\"\n") && r.toml.contains("opt-level = \"z\""));
    // runners-up say why they lost, with numbers
    assert!(
        why(&r, "fat-cgu1").contains("shipped 21.4% larger"),
        "{r:#?}"
    );
}

#[test]
fn each_constraint_rules_out_and_says_why() {
    type Case = (
        Constraints,
        &'static str,
        &'static str,
        Option<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            Constraints {
                max_link_memory_bytes: Some(1000 << 20),
                ..Constraints::default()
            },
            "fat-cgu1",
            "fat-cgu1 is 15.0% smaller but its link step peaked at 1.2 GiB, above --max-link-memory 1000.0 MiB",
            Some("fat"),
        ),
        (
            Constraints {
                max_build_time_s: Some(90.0),
                ..Constraints::default()
            },
            "size-z",
            "its clean build took 110 s, above --max-build-time 90.0 s",
            Some("fat"),
        ),
        (
            Constraints {
                needs: vec![Need::Backtraces],
                ..Constraints::default()
            },
            "size-z",
            "strip = \"symbols\" removes the symbol table",
            Some("fat-cgu1"),
        ),
        (
            Constraints {
                needs: vec![Need::Unwind],
                ..Constraints::default()
            },
            "size-z",
            "panic = \"abort\" ends the process at the first panic",
            Some("fat-cgu1"),
        ),
    ];
    for (constraints, name, text, choice) in cases {
        let mut specs = sweep();
        if constraints.max_link_memory_bytes.is_some() {
            specs.retain(|s| s.name != "size-z");
        }
        let r = go(&specs, Goal::Size, constraints.clone());
        assert!(
            why(&r, name).contains(text),
            "{constraints:?}: {}",
            why(&r, name)
        );
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
        why(&r, "fat").contains("debug = none"),
        "{}",
        why(&r, "fat")
    );
    assert!(r.reasons[0].contains("baseline) breaks a constraint"));
}

#[test]
fn less_than_one_percent_smaller_keeps_what_you_have() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("fat", 995_000, 80.0, 800).set(FAT),
    ];
    let r = go(&specs, Goal::Size, Constraints::default());
    assert_eq!(r.choice, None);
    assert!(r.settings.is_empty() && r.toml.is_empty());
    assert!(
        r.reasons[0].starts_with("keep what you have"),
        "{:?}",
        r.reasons
    );
    assert!(r.reasons[0].contains("0.50% smaller"), "{:?}", r.reasons);
    assert!(why(&r, "fat").contains("not enough gain"), "{r:#?}");
}

#[test]
fn everything_dominated_by_baseline_keeps_it() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300),
        spec("off", 1_010_000, 62.0, 300).set(&[("lto", "off")]),
        spec("fat", 1_000_000, 90.0, 800).set(FAT),
    ];
    for goal in [Goal::Size, Goal::Balanced, Goal::BuildTime] {
        let r = go(&specs, goal, Constraints::default());
        assert_eq!(r.choice, None, "{goal:?}");
        assert!(
            why(&r, "off").starts_with("dominated by baseline"),
            "{r:#?}"
        );
        assert!(
            why(&r, "fat").starts_with("dominated by baseline"),
            "{r:#?}"
        );
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
    assert!(r.reasons[0].contains("within 10%"), "{:?}", r.reasons);
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
        why(&r, "fat").contains("on the Pareto front"),
        "{}",
        why(&r, "fat")
    );
    // within noise counts as no gain: alone it keeps what you have
    let r = go(&specs[..2], Goal::Speed, Constraints::default());
    assert_eq!(r.choice, None);
    assert!(r.reasons[0].contains("beyond the noise"));
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
    d.configurations[3].runtime[0].output_differs = true;
    d.configurations[4].identical_to = Some("fat".into());
    let r = recommend(&d, Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"));
    assert_eq!(why(&r, "fat-cgu1"), "its build failed (exit 101)");
    assert!(why(&r, "thin").contains("differs from baseline's"));
    assert!(why(&r, "same").contains("same effective settings as fat"));
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
        why(&r, "a").starts_with("dominated by b"),
        "{}",
        why(&r, "a")
    );
}

#[test]
fn recommendation_snapshots() {
    let doc = template();
    let r = recommend(&doc, Goal::Speed, &Constraints::default()).unwrap();
    assert_eq!(r.choice.as_deref(), Some("fat"));
    insta::assert_snapshot!(
        "recommend_table",
        crate::render::recommendation(&r, crate::render::Format::Table).unwrap()
    );
    insta::assert_snapshot!(
        "recommend_markdown",
        crate::render::recommendation(&r, crate::render::Format::Markdown).unwrap()
    );
    let json: serde_json::Value = serde_json::from_str(
        &crate::render::recommendation(&r, crate::render::Format::Json).unwrap(),
    )
    .unwrap();
    for key in [
        "choice",
        "settings",
        "reasons",
        "rejected",
        "constraints",
        "goal",
    ] {
        assert!(json.get(key).is_some(), "{key} missing: {json:#}");
    }
    assert_eq!(json["settings"], serde_json::json!({"lto": "fat"}));
    // keep what you have: choice is null
    let r = recommend(&doc, Goal::BuildTime, &Constraints::default()).unwrap();
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
    assert_eq!(r.choice.as_deref(), Some("fat"));
    assert!(
        r.reasons[1].contains("warm: not a clean build"),
        "{:?}",
        r.reasons
    );
    // off's halved warm build is no advantage, and is not mentioned
    assert!(!why(&r, "off").contains("build"), "{}", why(&r, "off"));
}
