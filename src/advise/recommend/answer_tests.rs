//! What an answer says besides its pick: what the pick costs against
//! what you have, the documents it rests on, and the evidence it does not
//! hold (docs/advice.md, "The answer" and "All the evidence").

use super::recommend;
use super::tests::go;
use crate::results::advice::{Constraints, Difference, Goal, Reason, Recommendation};
use crate::results::test_docs::{FAT, FAT1, doc, spec, sweep};

/// Whatever the goal, the answer names every figure in which the pick is
/// worse than what you have: --goal size's fat-cgu1 is slower at run
/// time and builds longer; --goal build-time's `off` is slower.
#[test]
fn the_answer_names_what_the_pick_costs() {
    let specs = vec![
        spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
        spec("off", 1_030_000, 40.0, 300)
            .set(&[("lto", "off")])
            .run(2.9, 2.8, 3.0),
        spec("fat", 880_000, 80.0, 300)
            .set(FAT)
            .run(0.93, 0.92, 0.94),
        spec("fat-cgu1", 830_000, 84.0, 300)
            .set(FAT1)
            .run(1.37, 1.35, 1.39),
    ];
    let r = go(&specs, Goal::Size, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("fat-cgu1"));
    assert!(
        r.costs.iter().any(|d| matches!(d, Difference::Worse { workload, ratio: Some(x), ratio_ci: Some(_), .. } if workload == "w" && (*x - 1.37).abs() < 1e-9)),
        "{:?}",
        r.costs
    );
    assert!(
        r.costs
            .iter()
            .any(|d| matches!(d, Difference::BuildTime { builds: 1, .. })),
        "{:?}",
        r.costs
    );
    assert!(
        !r.costs
            .iter()
            .any(|d| matches!(d, Difference::Shipped { .. }))
    );
    let r = go(&specs, Goal::BuildTime, Constraints::default());
    assert_eq!(r.choice.as_deref(), Some("off"));
    assert!(
        r.costs
            .iter()
            .any(|d| matches!(d, Difference::Worse { .. }))
            && r.costs
                .iter()
                .any(|d| matches!(d, Difference::Shipped { change } if *change > 0.02)),
        "{:?}",
        r.costs
    );
    // keeping what you have costs nothing, and says nothing
    let r = go(&specs[..1], Goal::Size, Constraints::default());
    assert!(r.choice.is_none() && r.costs.is_empty());
}

/// The answer says which documents it rests on (a warm sweep's own, the
/// clean builds and runs it carried), and names the workloads earlier
/// results ran on these binaries that it does not hold.
#[test]
fn the_answer_names_its_documents_and_what_it_left_out() {
    use crate::results::measure::{EarlierWorkload, LeftOut};
    let mut d = doc(&sweep());
    d.id = "warm".into();
    for c in &mut d.configurations {
        c.build.as_mut().unwrap().carried_from = Some("clean".into());
    }
    let mut carried = d.workloads[0].clone();
    carried.name = "gen".into();
    carried.carried_from = Some("clean".into());
    d.workloads.push(carried);
    d.earlier_workloads = vec![
        EarlierWorkload {
            workload: "gen".into(),
            results_id: "clean".into(),
            carried: vec!["baseline".into(), "fat".into()],
            rebuilt: vec!["thin".into()],
            left_out: None,
        },
        EarlierWorkload {
            workload: "old".into(),
            results_id: "older".into(),
            carried: vec![],
            rebuilt: vec![],
            left_out: Some(LeftOut::OtherCounter {
                earlier: crate::results::measure::Counter::Time,
                now: crate::results::measure::Counter::Cachegrind,
            }),
        },
    ];
    let r = go_doc(&d, Goal::Size);
    let ids: Vec<&str> = r.sources.iter().map(|s| s.results_id.as_str()).collect();
    assert_eq!(ids, ["warm", "clean"]);
    assert!(r.sources[0].sizes && r.sources[0].builds.is_empty());
    assert_eq!(r.sources[1].workloads, ["gen"]);
    assert_eq!(r.sources[1].builds.len(), 5);
    assert!(r.reasons.iter().any(|x| matches!(x, Reason::WorkloadLeftOut { workload, results_id, .. } if workload == "old" && results_id == "older")), "{:?}", r.reasons);
    assert!(r.reasons.iter().any(|x| matches!(x, Reason::WorkloadNotFor { configurations, .. } if configurations == &["thin".to_string()])), "{:?}", r.reasons);
}

fn go_doc(d: &crate::results::MeasureDocument, goal: Goal) -> Recommendation {
    recommend(d, goal, &Constraints::default()).unwrap()
}
