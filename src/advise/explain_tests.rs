//! `explain`: every setting's text, the facts docs/facts.md insists on, and
//! what a setting did in a measured document (their rendering is
//! snapshot-tested in commands/tests.rs).

use super::explain::{explain, settings, summaries};
use crate::results::MeasureDocument;

fn runtime_doc() -> MeasureDocument {
    serde_json::from_str(include_str!("../../tests/data/measure-runtime.json")).unwrap()
}

#[test]
fn every_setting_is_explained() {
    assert_eq!(summaries().len(), settings().count());
    for s in settings().map(|spec| spec.name) {
        let e = explain(s, None).unwrap();
        assert!(!e.values.is_empty() && !e.sources.is_empty(), "{s}");
        assert!(e.measured.is_empty() && e.results_id.is_none());
    }
    assert!(explain("nope", None).is_none());
}

#[test]
fn the_facts_people_get_wrong_are_said_right() {
    let lto = explain("lto", None).unwrap();
    let text = serde_json::to_string(&lto).unwrap();
    assert!(text.contains("`true` is fat, not thin"));
    assert!(text.contains("false\",\"meaning\":\"thin *local* LTO"));
    assert!(text.contains("never applies to its users"));
    assert!(text.contains("linker receives native objects"));
    let cgu = serde_json::to_string(&explain("codegen-units", None).unwrap()).unwrap();
    assert!(cgu.contains("does not turn off an explicit lto"));
    let strip = serde_json::to_string(&explain("strip", None).unwrap()).unwrap();
    assert!(strip.contains("LTO does not mangle backtraces"));
}

#[test]
fn what_a_setting_did_here() {
    let doc = runtime_doc();
    let e = explain("lto", Some(&doc)).unwrap();
    // baseline → fat differ in lto alone; dbg differs in debug-assertions
    assert_eq!(e.measured.len(), 1, "{:#?}", e.measured);
    let o = &e.measured[0];
    assert_eq!((o.from.as_str(), o.to.as_str()), ("baseline", "fat"));
    assert_eq!(
        (o.from_value.as_str(), o.to_value.as_str()),
        ("false", "fat")
    );
    let (base, fat) = (doc.config("baseline").unwrap(), doc.config("fat").unwrap());
    let shipped = |c: &crate::results::measure::Configuration| c.binaries[0].shipped_bytes as f64;
    assert!((o.shipped_change - (shipped(fat) / shipped(base) - 1.0)).abs() < 1e-12);
    // a setting the sweep did not vary: nothing measured (commands/tests.rs
    // shows how it is said)
    let e = explain("opt-level", Some(&doc)).unwrap();
    assert!(e.measured.is_empty());
    assert_eq!(e.results_id.as_deref(), Some(doc.id.as_str()));
}

/// Every docs/facts.md section `explain` cites exists, and every section
/// there says how to reproduce it: the advice points at nothing outside
/// the repository.
#[test]
fn every_cited_fact_is_in_docs_facts_md_with_a_reproduction() {
    let facts = include_str!("../../docs/facts.md");
    let sections: Vec<&str> = facts.split("\n## ").skip(1).collect();
    for section in &sections {
        let id = section.lines().next().unwrap();
        assert!(section.contains("- Reproduce:"), "{id}: no reproduction");
        assert!(section.contains("- Source:"), "{id}: no source");
    }
    let ids: Vec<&str> = sections.iter().map(|s| s.lines().next().unwrap()).collect();
    for s in settings() {
        let e = explain(s.name, None).unwrap();
        for source in &e.sources {
            let id = source.strip_prefix("docs/facts.md § ").unwrap_or_else(|| {
                panic!(
                    "{}: source `{source}` is not a section of docs/facts.md",
                    s.name
                )
            });
            assert!(ids.contains(&id), "{}: docs/facts.md has no `{id}`", s.name);
        }
        let text = serde_json::to_string(&e).unwrap();
        assert!(
            !text.contains("http"),
            "{}: cites a page outside the repository",
            s.name
        );
    }
}
