//! The charts of an inspect document: machine code per crate, and the call
//! sites that still cross a crate boundary, by the kind of crate called.

use super::super::cells::Cell;
use super::super::svg::Bar;
use super::bar_figure;
use crate::results::InspectDocument;
use crate::results::inspect::{BinaryReport, CallTargets};

/// How to read the calls chart: the total alone tells the opposite story.
const CALLS_NOTE: &str = "A call counts where it sits after optimisation. LTO inlines across crate boundaries, so calls into your crates and other crates fall; when it inlines std's code into your functions, std's own calls come along and become calls from your crates into std, so calls into std (and the total) can rise at the same time.";

fn bar(label: String, value: usize) -> Bar {
    Bar {
        label,
        value: value as f64,
        whisker: None,
        class: "mark",
    }
}

/// Machine code per crate and configuration, and cross-crate call sites.
pub(super) fn charts(doc: &InspectDocument) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(f) = crates(doc) {
        out.push(f);
    }
    if let Some(f) = calls(doc) {
        out.push(f);
    }
    out
}

/// The five largest crates, one bar per configuration.
fn crates(doc: &InspectDocument) -> Option<String> {
    let mut crates: Vec<(String, u64)> = Vec::new();
    for b in &doc.binaries {
        for c in &b.crates {
            match crates.iter_mut().find(|(n, _)| *n == c.name) {
                Some((_, m)) => *m = (*m).max(c.text_bytes),
                None => crates.push((c.name.clone(), c.text_bytes)),
            }
        }
    }
    crates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    crates.truncate(5);
    let mut bars = Vec::new();
    for (name, _) in &crates {
        for b in &doc.binaries {
            let size = b
                .crates
                .iter()
                .find(|c| &c.name == name)
                .map_or(0, |c| c.text_bytes);
            bars.push(bar(format!("{name} · {}", b.name), size as usize));
        }
    }
    (!bars.is_empty()).then(|| {
        bar_figure(
            (
                "inspect-crates",
                "Machine code per crate (the five largest)",
                "Bytes of .text attributed to each crate, per configuration (cargo lto inspect)",
            ),
            &bars,
            ("crate · config", "machine code"),
            |v| Cell::Bytes(v.max(0.0) as u64),
            None,
        )
    })
}

/// Call sites by the kind of crate called: `None` where it is unknown.
type Counts = Vec<(&'static str, Option<usize>)>;

/// One binary's cross-crate call sites by the kind of crate called (`None`
/// for a document that did not record it), else their total.
fn call_counts(b: &BinaryReport) -> Option<Counts> {
    let calls = b.calls.as_ref()?;
    Some(match calls.into {
        Some(CallTargets {
            workspace,
            std,
            other,
        }) => vec![
            ("into your crates", workspace),
            ("into std", Some(std)),
            ("into other crates", Some(other)),
        ],
        None => vec![("all", Some(calls.cross_crate_call_sites))],
    })
}

/// Bars of cross-crate call sites, grouped by the kind of crate called so
/// that the configurations compare within each kind.
fn call_bars(doc: &InspectDocument) -> Vec<Bar> {
    let counted: Vec<(&str, Counts)> = doc
        .binaries
        .iter()
        .filter_map(|b| Some((b.name.as_str(), call_counts(b)?)))
        .collect();
    let mut kinds: Vec<&str> = Vec::new();
    for (_, counts) in &counted {
        for (kind, _) in counts {
            if !kinds.contains(kind) {
                kinds.push(kind);
            }
        }
    }
    let mut bars = Vec::new();
    for kind in kinds {
        for (name, counts) in &counted {
            if let Some((_, Some(n))) = counts.iter().find(|(k, _)| *k == kind) {
                bars.push(bar(format!("{kind} · {name}"), *n));
            }
        }
    }
    bars
}

/// Call sites that still cross a crate boundary, per configuration.
fn calls(doc: &InspectDocument) -> Option<String> {
    let bars = call_bars(doc);
    let split = doc
        .binaries
        .iter()
        .any(|b| b.calls.as_ref().is_some_and(|c| c.into.is_some()));
    (!bars.is_empty()).then(|| {
        bar_figure(
            (
                "inspect-calls",
                "Call sites that still cross a crate boundary",
                "Direct calls from one crate's code into another's, by the crate called and per configuration (cargo lto inspect)",
            ),
            &bars,
            ("called · config", "cross-crate call sites"),
            |v| Cell::Count(v as u64),
            split.then_some(CALLS_NOTE),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::inspect::CallsReport;

    fn doc(into: [Option<CallTargets>; 2]) -> InspectDocument {
        let mut doc: InspectDocument =
            serde_json::from_str(include_str!("../../../tests/data/inspect.json")).unwrap();
        for (b, into) in doc.binaries.iter_mut().zip(into) {
            b.calls = Some(CallsReport {
                call_sites: 100,
                cross_crate_call_sites: 40,
                pairs: Vec::new(),
                into,
            });
        }
        doc
    }

    fn shown(doc: &InspectDocument) -> Vec<(String, f64)> {
        call_bars(doc)
            .into_iter()
            .map(|b| (b.label, b.value))
            .collect()
    }

    #[test]
    fn calls_into_your_crates_are_shown_apart_from_std() {
        let into = |workspace, std| CallTargets {
            workspace,
            std,
            other: 40 - std - workspace.unwrap_or(0),
        };
        let d = doc([Some(into(Some(3), 30)), Some(into(Some(1), 35))]);
        let names: Vec<&str> = d.binaries.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["off", "fat"]);
        assert_eq!(
            shown(&d),
            [
                ("into your crates · off".to_string(), 3.0),
                ("into your crates · fat".to_string(), 1.0),
                ("into std · off".to_string(), 30.0),
                ("into std · fat".to_string(), 35.0),
                ("into other crates · off".to_string(), 7.0),
                ("into other crates · fat".to_string(), 4.0),
            ]
        );
        // binaries given as files: the user's crates are unknown, not 0
        let d = doc([Some(into(None, 30)), Some(into(None, 35))]);
        assert!(!shown(&d).iter().any(|(l, _)| l.contains("your crates")));
        // an older document: the total
        let d = doc([None, None]);
        assert_eq!(
            shown(&d),
            [
                ("all · off".to_string(), 40.0),
                ("all · fat".to_string(), 40.0)
            ]
        );
    }
}
