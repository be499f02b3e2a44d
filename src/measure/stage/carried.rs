//! What a sweep takes from the project's earlier results, over the whole
//! document: after the builds, a `--warm` sweep's clean build figures of
//! byte-identical binaries ([`CleanBuilds`]); after the runs, the runs of
//! those binaries it does not repeat, then every verdict decided at once
//! ([`Verdicts`]). The rules are `measure/carry/`'s.

use anyhow::Result;

use super::{Phase, Sweep};
use crate::measure::{carry, runtime};

/// The clean builds a warm sweep carries.
pub struct CleanBuilds;

impl super::Stage for CleanBuilds {
    fn name(&self) -> &'static str {
        "carried clean builds"
    }

    fn phase(&self) -> Phase {
        Phase::AfterBuilds
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        sweep.plan.options.warm
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        let notes = carry::carry(sweep.doc, sweep.earlier);
        sweep.doc.notes.extend(notes);
        (sweep.save)(sweep.doc)
    }
}

/// The runs carried, and the verdicts of every comparison, decided in one
/// family.
pub struct Verdicts;

impl super::Stage for Verdicts {
    fn name(&self) -> &'static str {
        "verdicts"
    }

    fn phase(&self) -> Phase {
        Phase::AfterRuns
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        if !sweep.stopped() {
            carry::runtime(sweep.doc, sweep.earlier);
        }
        if sweep.doc.runtime_plan.is_some()
            || sweep.doc.bench_plan.is_some()
            || sweep.doc.server.is_some()
        {
            runtime::finish(sweep.doc);
        }
        (sweep.save)(sweep.doc)
    }
}
