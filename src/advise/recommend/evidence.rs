//! What a recommendation rests on: the measure documents its figures come
//! from (a warm sweep's carried builds and runs included), and the
//! workloads earlier results ran on these binaries that it does not hold.

use crate::results::advice::{Reason, Source};
use crate::results::measure::MeasureDocument;

/// The workloads that earlier results ran on these binaries and the
/// document does not hold (all of it, or for some configurations).
pub(super) fn left_out(doc: &MeasureDocument) -> Vec<Reason> {
    doc.earlier_workloads
        .iter()
        .filter_map(|e| match &e.left_out {
            Some(why) => Some(Reason::WorkloadLeftOut {
                workload: e.workload.clone(),
                results_id: e.results_id.clone(),
                why: why.clone(),
            }),
            None if !e.rebuilt.is_empty() => Some(Reason::WorkloadNotFor {
                workload: e.workload.clone(),
                results_id: e.results_id.clone(),
                configurations: e.rebuilt.clone(),
            }),
            None => None,
        })
        .collect()
}

/// The documents the figures of `doc` come from: its own, and those a
/// warm sweep carried builds and runs from, each with what it gave.
pub(super) fn sources(doc: &MeasureDocument) -> Vec<Source> {
    let mut out = vec![Source {
        results_id: doc.id.clone(),
        sizes: true,
        builds: Vec::new(),
        workloads: Vec::new(),
    }];
    fn entry<'a>(out: &'a mut Vec<Source>, id: &str) -> &'a mut Source {
        let i = match out.iter().position(|s| s.results_id == id) {
            Some(i) => i,
            None => {
                out.push(Source {
                    results_id: id.to_string(),
                    sizes: false,
                    builds: Vec::new(),
                    workloads: Vec::new(),
                });
                out.len() - 1
            }
        };
        &mut out[i]
    }
    for c in doc
        .configurations
        .iter()
        .filter(|c| c.identical_to.is_none())
    {
        if let Some(b) = &c.build {
            let id = b.carried_from.as_deref().unwrap_or(&doc.id);
            entry(&mut out, id).builds.push(c.name.clone());
        }
    }
    for w in &doc.workloads {
        let id = w.carried_from.as_deref().unwrap_or(&doc.id);
        entry(&mut out, id).workloads.push(w.name.clone());
    }
    out
}
