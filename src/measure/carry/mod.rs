//! Warm runs that keep their clean builds: `measure --warm --run …` after a
//! clean sweep builds nothing new, so its build figures say nothing about a
//! clean build. Where a configuration's binary is byte-identical (SHA-256)
//! to one an earlier sweep of the project built clean — with the same
//! effective settings, on the same machine and toolchain — that clean
//! build's figures are the configuration's `build`, marked `carried_from`
//! with the earlier document's id; the warm run's own build is kept in
//! `warm_build`. Pure: documents in, the document changed and its notes out.

use std::collections::BTreeMap;

use crate::results::measure::{Configuration, MeasureDocument, Status};
use crate::results::notes::{NoCleanBuild, NoLinkStep, Note, NoteKind};

mod runs;
pub use runs::runtime;

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
    let hash = c.hashes()?;
    let mut found: Vec<(bool, String, &crate::results::measure::Build)> = Vec::new();
    for e in earlier.iter().filter(|e| e.id != doc.id) {
        if e.toolchain != doc.toolchain || e.project != doc.project {
            continue;
        }
        for ec in &e.configurations {
            let Some(build) = &ec.build else {
                continue;
            };
            if ec.status == Status::Ok
                && !build.warm
                && ec.hashes().as_ref() == Some(&hash)
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
pub fn carry(doc: &mut MeasureDocument, earlier: &[MeasureDocument]) -> Vec<Note> {
    let mut carried: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut no_link_now: Vec<String> = Vec::new();
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
                no_link_now.push(c.name.clone());
                build.carried_from = Some(from.clone());
                c.warm_build = c.build.replace(build);
                carried.entry(from).or_default().push(c.name.clone());
            }
            None => warm_only.push(c.name.clone()),
        }
    }
    // a carried configuration's link figures are now the clean build's
    doc.notes.retain(|n| {
        !matches!(&n.kind, NoteKind::NoLinkStep { config, why: NoLinkStep::NothingChanged } if no_link_now.contains(config))
    });
    let mut notes: Vec<Note> = carried
        .into_iter()
        .map(|(from, configurations)| {
            NoteKind::CarriedBuilds {
                configurations,
                from,
            }
            .into()
        })
        .collect();
    if !warm_only.is_empty() {
        let clean = |e: &MeasureDocument| {
            e.configurations
                .iter()
                .any(|c| c.build.as_ref().is_some_and(|b| !b.warm))
        };
        let why = if !earlier.iter().any(|e| e.id != doc.id && clean(e)) {
            NoCleanBuild::NoEarlierSweep
        } else {
            NoCleanBuild::NoSameBinary
        };
        notes.push(
            NoteKind::WarmBuildsOnly {
                configurations: warm_only,
                why,
            }
            .into(),
        );
    }
    notes
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::results::test_docs::template;

    /// A warm copy of the template, with its own id.
    pub(super) fn warm(clean: &MeasureDocument) -> MeasureDocument {
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

    pub(super) fn hashed(mut d: MeasureDocument) -> MeasureDocument {
        for c in &mut d.configurations {
            c.binaries[0].sha256 = Some(format!("hash-of-{}", c.name));
        }
        d
    }

    #[test]
    fn the_same_binary_takes_the_clean_build_and_keeps_its_own() {
        let clean = hashed(template());
        let mut w = warm(&clean);
        // fat's binary changed since: not carried
        w.configurations[1].binaries[0].sha256 = Some("new".into());
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
            matches!(&notes[0].kind, NoteKind::CarriedBuilds { configurations, from } if configurations.contains(&"baseline".to_string()) && *from == clean.id),
            "{notes:?}"
        );
        assert!(
            matches!(&notes[1].kind, NoteKind::WarmBuildsOnly { configurations, why: NoCleanBuild::NoSameBinary } if configurations == std::slice::from_ref(&fat.name)),
            "{notes:?}"
        );
        assert!(
            notes[1]
                .text
                .contains("no earlier clean sweep built the same binary")
        );
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
            notes[0]
                .text
                .contains("no earlier clean sweep of this project"),
            "{notes:?}"
        );
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
