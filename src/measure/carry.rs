//! Warm runs that keep their clean builds: `measure --warm --run …` after a
//! clean sweep builds nothing new, so its build figures say nothing about a
//! clean build. Where a configuration's binary is byte-identical (SHA-256)
//! to one an earlier sweep of the project built clean — with the same
//! effective settings, on the same machine and toolchain — that clean
//! build's figures are the configuration's `build`, marked `carried_from`
//! with the earlier document's id; the warm run's own build is kept in
//! `warm_build`. Pure: documents in, the document changed and its notes out.

use std::collections::BTreeMap;

use crate::profile::BASELINE;
use crate::results::measure::{
    Configuration, EarlierWorkload, LeftOut, MeasureDocument, Status, WorkloadRuntime,
};

/// The effective values of `c`, without where each came from, and without
/// pipeline steps that are off (documents before those keys existed do not
/// list them, and built the same way).
fn values(c: &Configuration) -> BTreeMap<&str, &str> {
    let off_step = |k: &str, v: &str| {
        v == "off"
            && crate::profile::Key::by_name(k)
                .is_some_and(|k| k.lives() == crate::profile::Lives::Pipeline)
    };
    c.effective
        .iter()
        .map(|(k, v)| (k.as_str(), v.value.as_str()))
        .filter(|(k, v)| !off_step(k, v))
        .collect()
}

/// The clean build of `earlier` (newest first) that `c` of `doc` may take:
/// the same binary, settings, machine and toolchain. Same-named
/// configurations first. Returns the document id the figures come from
/// (the first clean one, when they were carried already) and the build.
fn find<'a>(
    doc: &MeasureDocument,
    c: &Configuration,
    earlier: &'a [MeasureDocument],
) -> Option<(String, &'a crate::results::measure::Build)> {
    let hash = c.binary.as_ref()?.sha256.as_deref()?;
    let mut found: Vec<(bool, String, &crate::results::measure::Build)> = Vec::new();
    for e in earlier.iter().filter(|e| e.id != doc.id) {
        if e.toolchain != doc.toolchain || e.project != doc.project {
            continue;
        }
        for ec in &e.configurations {
            let (Some(build), Some(bin)) = (&ec.build, &ec.binary) else {
                continue;
            };
            if ec.status == Status::Ok
                && !build.warm
                && bin.sha256.as_deref() == Some(hash)
                && values(ec) == values(c)
                && e.machine_of(ec) == doc.machine_of(c)
            {
                let from = build.carried_from.clone().unwrap_or_else(|| e.id.clone());
                found.push((ec.name == c.name, from, build));
            }
        }
    }
    // newest first is the order given; a same-named one before any other
    found.sort_by_key(|(same_name, ..)| !same_name);
    found
        .into_iter()
        .next()
        .map(|(_, from, build)| (from, build))
}

/// How many of the newest documents in the results directory a warm run
/// looks through for its clean builds.
pub const LOOK_BACK: usize = 50;

/// The newest [`LOOK_BACK`] documents of the project in `dir`, newest
/// first; unreadable ones and other projects' are passed over.
pub fn earlier(dir: &std::path::Path, project: &std::path::Path) -> Vec<MeasureDocument> {
    crate::results::list(dir)
        .unwrap_or_default()
        .into_iter()
        .take(LOOK_BACK)
        .filter_map(|l| crate::results::load(&l.path, Some(project)).ok())
        .collect()
}

/// Carries clean builds into the warm document `doc` from `earlier`
/// documents of the same project; returns the notes to add. A carried
/// configuration's note that its warm build ran no rustc (so had no link
/// step to show) goes: its link figures are now the clean build's.
pub fn carry(doc: &mut MeasureDocument, earlier: &[MeasureDocument]) -> Vec<String> {
    let mut carried: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut doc_notes_drop: Vec<String> = Vec::new();
    let mut warm_only = Vec::new();
    let found: Vec<Option<(String, crate::results::measure::Build)>> = doc
        .configurations
        .iter()
        .map(|c| {
            let warm = c.status == Status::Ok && c.build.as_ref().is_some_and(|b| b.warm);
            warm.then(|| find(doc, c, earlier))
                .flatten()
                .map(|(from, b)| (from, b.clone()))
        })
        .collect();
    for (c, found) in doc.configurations.iter_mut().zip(found) {
        if c.status != Status::Ok || !c.build.as_ref().is_some_and(|b| b.warm) {
            continue;
        }
        match found {
            Some((from, mut build)) => {
                let no_link = format!("`{}`: no rustc ran (--warm", c.name);
                doc_notes_drop.push(no_link);
                build.carried_from = Some(from.clone());
                c.warm_build = c.build.replace(build);
                carried
                    .entry(from)
                    .or_default()
                    .push(format!("`{}`", c.name));
            }
            None => warm_only.push(format!("`{}`", c.name)),
        }
    }
    doc.notes
        .retain(|n| !doc_notes_drop.iter().any(|d| n.starts_with(d.as_str())));
    let mut notes: Vec<String> = carried
        .into_iter()
        .map(|(from, names)| {
            format!(
                "{}: clean build figures carried from results {from}, which built the same binary (byte for byte) with the same settings on this machine and toolchain; this run's warm build is in `warm_build`",
                names.join(", ")
            )
        })
        .collect();
    if !warm_only.is_empty() {
        let clean = |e: &MeasureDocument| {
            e.configurations
                .iter()
                .any(|c| c.build.as_ref().is_some_and(|b| !b.warm))
        };
        let why = if !earlier.iter().any(|e| e.id != doc.id && clean(e)) {
            "no earlier clean sweep of this project is in the results directory"
        } else {
            "no earlier clean sweep built the same binary with the same settings on this machine and toolchain"
        };
        notes.push(format!(
            "{}: build figures are this run's warm build ({why}): measure without --warm first to compare build times",
            warm_only.join(", ")
        ));
    }
    notes
}

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
                        c.runtime.push(run);
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
    same: Vec<(String, &'e WorkloadRuntime)>,
    rebuilt: Vec<String>,
}

fn runs_of_these_binaries<'e>(
    doc: &MeasureDocument,
    earlier: &'e MeasureDocument,
    workload: &str,
) -> Option<Found<'e>> {
    let run_of = |c: &'e Configuration| c.runtime.iter().find(|r| r.workload == workload);
    let mut found = Found {
        same: Vec::new(),
        rebuilt: Vec::new(),
    };
    for c in doc
        .configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.identical_to.is_none())
    {
        let Some(hash) = c.binary.as_ref().and_then(|b| b.sha256.as_deref()) else {
            continue;
        };
        let same_binary = |ec: &&'e Configuration| {
            ec.binary.as_ref().and_then(|b| b.sha256.as_deref()) == Some(hash)
                && run_of(ec).is_some()
        };
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
    use crate::results::test_docs::template;

    /// A warm copy of the template, with its own id.
    fn warm(clean: &MeasureDocument) -> MeasureDocument {
        let mut w = clean.clone();
        w.id = "warm".into();
        w.warm = true;
        for c in &mut w.configurations {
            let b = c.build.as_mut().unwrap();
            b.warm = true;
            b.wall_s = 0.1;
            b.units.clear();
        }
        w
    }

    fn hashed(mut d: MeasureDocument) -> MeasureDocument {
        for c in &mut d.configurations {
            c.binary.as_mut().unwrap().sha256 = Some(format!("hash-of-{}", c.name));
        }
        d
    }

    #[test]
    fn the_same_binary_takes_the_clean_build_and_keeps_its_own() {
        let clean = hashed(template());
        let mut w = warm(&clean);
        // fat's binary changed since: not carried
        w.configurations[1].binary.as_mut().unwrap().sha256 = Some("new".into());
        let notes = carry(&mut w, std::slice::from_ref(&clean));
        let base = &w.configurations[0];
        let build = base.build.as_ref().unwrap();
        assert_eq!(build.carried_from.as_deref(), Some(clean.id.as_str()));
        assert!(!build.warm);
        assert_eq!(
            build.wall_s,
            clean.configurations[0].build.as_ref().unwrap().wall_s
        );
        let own = base.warm_build.as_ref().unwrap();
        assert!(own.warm && own.units.is_empty() && own.wall_s == 0.1);
        let fat = &w.configurations[1];
        assert!(fat.build.as_ref().unwrap().warm && fat.warm_build.is_none());
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("`baseline`") && notes[0].contains(&clean.id),
            "{notes:?}"
        );
        assert!(notes[1].contains(&format!("`{}`", fat.name)), "{notes:?}");
        assert!(notes[1].contains("no earlier clean sweep built the same binary"));
    }

    #[test]
    fn a_document_from_before_the_pipeline_keys_still_carries() {
        let mut clean = hashed(template());
        for c in &mut clean.configurations {
            c.effective.remove("pgo");
            c.effective.remove("bolt");
        }
        let mut w = warm(&clean);
        let off = crate::results::measure::Setting {
            value: "off".into(),
            source: "default".into(),
        };
        for c in &mut w.configurations {
            c.effective.insert("pgo".into(), off.clone());
            c.effective.insert("bolt".into(), off.clone());
        }
        carry(&mut w, std::slice::from_ref(&clean));
        let b = w.configurations[0].build.as_ref().unwrap();
        assert_eq!(b.carried_from.as_deref(), Some(clean.id.as_str()));
        // a step that is on is a setting like any other
        w.configurations[0].effective.get_mut("pgo").unwrap().value = "on".into();
        let mut again = warm(&clean);
        again.configurations[0].effective = w.configurations[0].effective.clone();
        carry(&mut again, std::slice::from_ref(&clean));
        assert!(
            again.configurations[0]
                .build
                .as_ref()
                .unwrap()
                .carried_from
                .is_none()
        );
    }

    #[test]
    fn other_settings_machines_toolchains_and_warm_sources_are_not_carried() {
        let clean = hashed(template());
        type Change = Box<dyn Fn(&mut MeasureDocument)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "settings",
                Box::new(|d| {
                    d.configurations[0]
                        .effective
                        .get_mut("opt-level")
                        .unwrap()
                        .value = "2".into();
                }),
            ),
            ("machine", Box::new(|d| d.machine.cores += 1)),
            ("toolchain", Box::new(|d| d.toolchain.rustc_vv.push('x'))),
            (
                "warm",
                Box::new(|d| {
                    d.configurations[0].build.as_mut().unwrap().warm = true;
                }),
            ),
            (
                "failed",
                Box::new(|d| d.configurations[0].status = Status::Failed),
            ),
        ];
        for (what, change) in cases {
            let mut earlier = clean.clone();
            change(&mut earlier);
            let mut w = warm(&clean);
            carry(&mut w, &[earlier]);
            let b = w.configurations[0].build.as_ref().unwrap();
            assert!(b.warm && b.carried_from.is_none(), "{what}: {b:?}");
        }
        // nothing earlier at all: said so
        let mut w = warm(&clean);
        let notes = carry(&mut w, &[]);
        assert!(
            notes[0].contains("no earlier clean sweep of this project"),
            "{notes:?}"
        );
    }

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
            c.runtime.retain(|r| r.workload == "fail");
            c.runtime[0].workload = "opts".into();
        }
        w.configurations[2].binary.as_mut().unwrap().sha256 = Some("rebuilt".into());
        runtime(&mut w, std::slice::from_ref(&clean));
        let entry = &w.earlier_workloads[0];
        assert_eq!(entry.workload, "w");
        assert_eq!(entry.results_id, clean.id);
        assert_eq!(entry.carried, ["baseline", "fat"]);
        assert_eq!(entry.rebuilt, ["dbg"]);
        assert_eq!(entry.left_out, None);
        let fat = w.config("fat").unwrap();
        let run = fat.runtime.iter().find(|r| r.workload == "w").unwrap();
        assert_eq!(run.carried_from.as_deref(), Some(clean.id.as_str()));
        assert_eq!(run.samples, clean.config("fat").unwrap().runtime[0].samples);
        assert!(
            !w.config("dbg")
                .unwrap()
                .runtime
                .iter()
                .any(|r| r.workload == "w")
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
            c.runtime.clear();
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
                c.runtime.clear();
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
                    d.configurations[0].binary.as_mut().unwrap().sha256 = Some("new".into());
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
            let carried = w.configurations.iter().flat_map(|c| &c.runtime);
            assert!(
                !carried
                    .clone()
                    .any(|r| r.workload == "w" && r.carried_from.is_some()),
                "{why:?}"
            );
        }
        // none of these binaries ran it: nothing to say
        let mut w = fresh();
        for c in &mut w.configurations {
            c.binary.as_mut().unwrap().sha256 = Some(format!("other-{}", c.name));
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

    #[test]
    fn a_carried_build_keeps_its_first_source() {
        let clean = hashed(template());
        let mut first = warm(&clean);
        carry(&mut first, std::slice::from_ref(&clean));
        // a third, warm again: the figures still name the clean sweep
        let mut again = warm(&clean);
        again.id = "again".into();
        carry(&mut again, &[first]);
        let b = again.configurations[0].build.as_ref().unwrap();
        assert_eq!(b.carried_from.as_deref(), Some(clean.id.as_str()));
    }
}
