//! The gate on pipelines (PGO, BOLT): judged whole, shown stage by stage.

use super::check;
use super::tests::{doc, named};
use crate::results::gate::{Limits, Note, Outcome};

#[test]
fn pipelines_are_judged_whole_and_shown_stage_by_stage() {
    use crate::results::pipeline::{Stage, StageName};
    let stage = |name: StageName, wall_s: f64| Stage::new(name, wall_s, wall_s, 1 << 20);
    let limits = Limits {
        max_build_time: Some(0.2),
        ..Limits::default()
    };
    let mut base = doc();
    let wall = named(&mut base, "fat").build.as_ref().unwrap().wall_s;
    named(&mut base, "fat").pipeline = vec![
        stage(StageName::InstrumentedBuild, wall),
        stage(StageName::Training, 1.0),
        stage(StageName::Merge, 0.1),
    ];
    // the training ×3: the stage shows it, the whole (2 × wall + 1.1 s →
    // + 2 s) judges it
    let mut new = base.clone();
    named(&mut new, "fat").pipeline[1].wall_s = 3.0;
    named(&mut new, "fat")
        .pipeline
        .push(stage(StageName::BoltOptimize, 0.5));
    let r = check(&base, &new, &limits);
    let rows: Vec<(&str, Outcome, Option<f64>)> = r
        .rows
        .iter()
        .filter(|x| x.config == "fat" && x.check.starts_with("build"))
        .map(|x| (x.check.as_str(), x.outcome, x.old))
        .collect();
    let whole = 2.0 * wall + 1.1;
    let expected = if 2.5 / whole > 0.2 {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    assert_eq!(
        rows,
        [
            ("build", expected, Some(whole)),
            ("build:instrumented-build", Outcome::Stage, Some(wall)),
            ("build:training", Outcome::Stage, Some(1.0)),
            ("build:merge", Outcome::Stage, Some(0.1)),
            ("build:profile-use-build", Outcome::Stage, Some(wall)),
            // only the new side ran it
            ("build:bolt-optimize", Outcome::Stage, None),
        ]
    );
    let training = r.rows.iter().find(|x| x.check == "build:training").unwrap();
    assert!((training.change.unwrap() - 2.0).abs() < 1e-9);
    assert_eq!(training.notes, [Note::PipelineStage]);
    // two plain builds have no stage rows
    let r = check(&doc(), &doc(), &limits);
    assert!(!r.rows.iter().any(|x| x.check.starts_with("build:")));
}
