//! The runs a `--warm` sweep carries: workloads an earlier document ran on
//! binaries this one built again, byte for byte, and does not run itself.
//! Pure: documents in, the document changed out.

use crate::profile::BASELINE;
use crate::results::measure::{
    Configuration, EarlierWorkload, LeftOut, MeasureDocument, Series, Status,
};

/// The workloads of `earlier` documents (newest first) that were run on
/// binaries this document built again, byte for byte, and that it does
/// not measure itself: a `--warm` sweep carries their runs (each series
/// marked `carried_from`, the workload added to `doc.workloads`), so that
/// every consumer weighs all the evidence about these binaries; a clean
/// sweep carries nothing. Either way each is listed, with what was carried
/// and what not, and why. Their verdicts are decided again with this
/// document's (`noise::judge`, one Holm family).
pub fn runtime(doc: &mut MeasureDocument, earlier: &[MeasureDocument]) {
    let mut listed: Vec<EarlierWorkload> = Vec::new();
    for e in earlier.iter().filter(|e| e.id != doc.id) {
        if e.toolchain != doc.toolchain || e.project != doc.project {
            continue;
        }
        for w in &e.workloads {
            let measured_now = doc.workloads.iter().find(|n| n.name == w.name);
            if measured_now.is_some_and(|n| n.same_as(w) || n.carried_from.is_some())
                || listed.iter().any(|l| l.workload == w.name)
            {
                continue;
            }
            let Some(found) = runs_of_these_binaries(doc, e, &w.name) else {
                continue;
            };
            let results_id = w.carried_from.clone().unwrap_or_else(|| e.id.clone());
            let left_out = why_not(doc, e, measured_now.is_some(), &found);
            let mut entry = EarlierWorkload {
                workload: w.name.clone(),
                results_id,
                carried: Vec::new(),
                rebuilt: found.rebuilt,
                left_out,
            };
            if entry.left_out.is_none() {
                for (name, run) in found.same {
                    let mut run = run.clone();
                    run.carried_from = Some(run.carried_from.unwrap_or_else(|| e.id.clone()));
                    if let Some(c) = doc.configurations.iter_mut().find(|c| c.name == name) {
                        c.series.push(run);
                        entry.carried.push(name);
                    }
                }
                let mut carried = w.clone();
                carried.carried_from = Some(entry.results_id.clone());
                doc.workloads.push(carried);
                if doc.runtime_plan.is_none() {
                    doc.runtime_plan = e.runtime_plan.clone();
                }
            }
            listed.push(entry);
        }
    }
    doc.earlier_workloads = listed;
}

/// The runs of workload `workload` in `earlier` whose binaries `doc`
/// built again: by configuration of `doc`, and the configurations it
/// measured then whose binary `doc` built differently. None when no
/// binary of `doc` was measured on it then.
struct Found<'e> {
    same: Vec<(String, &'e Series)>,
    rebuilt: Vec<String>,
}

fn runs_of_these_binaries<'e>(
    doc: &MeasureDocument,
    earlier: &'e MeasureDocument,
    workload: &str,
) -> Option<Found<'e>> {
    let run_of = |c: &'e Configuration| c.series.iter().find(|r| r.name == workload);
    let mut found = Found {
        same: Vec::new(),
        rebuilt: Vec::new(),
    };
    for c in doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.identical_to.is_none())
    {
        let Some(hash) = c.hashes() else {
            continue;
        };
        let same_binary =
            |ec: &&'e Configuration| ec.hashes().as_ref() == Some(&hash) && run_of(ec).is_some();
        // the same-named configuration first, then any with that binary
        let by_name = earlier.config(&c.name).filter(same_binary);
        match by_name.or_else(|| earlier.configurations.iter().find(same_binary)) {
            Some(ec) => found.same.push((c.name.clone(), run_of(ec)?)),
            None if earlier.config(&c.name).and_then(run_of).is_some() => {
                found.rebuilt.push(c.name.clone());
            }
            None => {}
        }
    }
    (!found.same.is_empty()).then_some(found)
}

/// Why the runs `found` of an earlier workload cannot join `doc`: a clean
/// sweep, a workload of that name measured now that runs something else,
/// another machine or counter, or another baseline binary (the ratios'
/// reference). None: they can.
fn why_not(
    doc: &MeasureDocument,
    earlier: &MeasureDocument,
    redefined: bool,
    found: &Found,
) -> Option<LeftOut> {
    let counter = |d: &MeasureDocument| d.runtime_plan.as_ref().map(|p| p.counter);
    let one_machine = |d: &MeasureDocument| {
        d.machine == doc.machine && d.configurations.iter().all(|c| c.machine.is_none())
    };
    if redefined {
        Some(LeftOut::Redefined)
    } else if !doc.warm {
        Some(LeftOut::NotWarm)
    } else if !one_machine(earlier) || !one_machine(doc) {
        Some(LeftOut::OtherMachine)
    } else if let (Some(now), Some(then)) = (counter(doc), counter(earlier))
        && now != then
    {
        Some(LeftOut::OtherCounter { earlier: then, now })
    } else if !found.same.iter().any(|(name, _)| name == BASELINE) {
        Some(LeftOut::BaselineRebuilt)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::carry::tests::{hashed, warm};
    use crate::results::test_docs::template;

    /// The grex case: a clean sweep ran workload `w`, a warm sweep runs
    /// `opts` on the same binaries: `w`'s runs join the warm document,
    /// marked, for every configuration whose binary is the same, and the
    /// one rebuilt since is named.
    #[test]
    fn a_warm_sweep_carries_the_runs_of_the_same_binaries() {
        let clean = hashed(template());
        let mut w = warm(&clean);
        w.workloads.retain(|x| x.name == "fail");
        w.workloads[0].name = "opts".into();
        for c in &mut w.configurations {
            c.series.retain(|r| r.name == "fail");
            c.series[0].name = "opts".into();
        }
        w.configurations[2].binaries[0].sha256 = Some("rebuilt".into());
        runtime(&mut w, std::slice::from_ref(&clean));
        let entry = &w.earlier_workloads[0];
        assert_eq!(entry.workload, "w");
        assert_eq!(entry.results_id, clean.id);
        assert_eq!(entry.carried, ["baseline", "fat"]);
        assert_eq!(entry.rebuilt, ["dbg"]);
        assert_eq!(entry.left_out, None);
        let fat = w.config("fat").unwrap();
        let run = fat.series.iter().find(|r| r.name == "w").unwrap();
        assert_eq!(run.carried_from.as_deref(), Some(clean.id.as_str()));
        assert_eq!(run.samples, clean.config("fat").unwrap().series[0].samples);
        assert!(
            !w.config("dbg")
                .unwrap()
                .series
                .iter()
                .any(|r| r.name == "w")
        );
        let carried = w.workloads.iter().find(|x| x.name == "w").unwrap();
        assert_eq!(carried.carried_from.as_deref(), Some(clean.id.as_str()));
        // `fail` ran on the same binaries too, under another name now:
        // carried as well
        assert!(w.earlier_workloads.iter().any(|e| e.workload == "fail"));
        // a third sweep, warm again: the runs still name the first
        let mut again = warm(&clean);
        again.id = "again".into();
        again.workloads.clear();
        for c in &mut again.configurations {
            c.series.clear();
        }
        runtime(&mut again, &[w.clone(), clean.clone()]);
        let entry = again
            .earlier_workloads
            .iter()
            .find(|e| e.workload == "w")
            .unwrap();
        assert_eq!(entry.results_id, clean.id);
    }

    /// What is not carried is named, with why: a clean sweep, another
    /// counter, a workload of the same name that runs something else,
    /// baseline rebuilt, another machine; other binaries are no evidence
    /// about these and are not listed at all.
    #[test]
    fn runs_that_cannot_join_are_named_with_why() {
        let clean = hashed(template());
        let fresh = || {
            let mut w = warm(&clean);
            w.workloads.clear();
            for c in &mut w.configurations {
                c.series.clear();
            }
            w
        };
        type Change = Box<dyn Fn(&mut MeasureDocument)>;
        let cases: Vec<(LeftOut, Change)> = vec![
            (LeftOut::NotWarm, Box::new(|d| d.warm = false)),
            (
                LeftOut::OtherCounter {
                    earlier: crate::results::measure::Counter::Time,
                    now: crate::results::measure::Counter::Cachegrind,
                },
                Box::new(|d| {
                    d.runtime_plan.as_mut().unwrap().counter =
                        crate::results::measure::Counter::Cachegrind;
                }),
            ),
            (
                LeftOut::Redefined,
                Box::new(|d| {
                    let mut other = clean_workload();
                    other.command.push("--other".into());
                    d.workloads.push(other);
                }),
            ),
            (
                LeftOut::BaselineRebuilt,
                Box::new(|d| {
                    d.configurations[0].binaries[0].sha256 = Some("new".into());
                }),
            ),
            (LeftOut::OtherMachine, Box::new(|d| d.machine.cores += 1)),
        ];
        for (why, change) in cases {
            let mut w = fresh();
            change(&mut w);
            runtime(&mut w, std::slice::from_ref(&clean));
            let entry = w.earlier_workloads.iter().find(|e| e.workload == "w");
            assert_eq!(entry.and_then(|e| e.left_out.clone()), Some(why.clone()));
            let carried = w.configurations.iter().flat_map(|c| &c.series);
            assert!(
                !carried
                    .clone()
                    .any(|r| r.name == "w" && r.carried_from.is_some()),
                "{why:?}"
            );
        }
        // none of these binaries ran it: nothing to say
        let mut w = fresh();
        for c in &mut w.configurations {
            c.binaries[0].sha256 = Some(format!("other-{}", c.name));
        }
        runtime(&mut w, std::slice::from_ref(&clean));
        assert!(w.earlier_workloads.is_empty());
        // the same workload measured again: not listed, not carried
        let mut w = fresh();
        w.workloads.push(clean_workload());
        runtime(&mut w, std::slice::from_ref(&clean));
        assert!(!w.earlier_workloads.iter().any(|e| e.workload == "w"));
    }

    fn clean_workload() -> crate::results::measure::Workload {
        template().workloads[0].clone()
    }
}
