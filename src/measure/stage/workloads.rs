//! At run time: every configuration's binary run on the user's workloads,
//! interleaved, with the counter asked for (`runtime/`).

use anyhow::Result;

use super::{Phase, Sweep};
use crate::measure::CounterChoice;
use crate::measure::record;
use crate::measure::runtime::{self, counter::Counter};
use crate::results::notes::{Note, NoteKind};

/// The workloads.
pub struct Workloads;

impl super::Stage for Workloads {
    fn name(&self) -> &'static str {
        "workloads"
    }

    fn phase(&self) -> Phase {
        Phase::AtRunTime
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        !sweep.plan.runtime.workloads.is_empty() && !sweep.stopped()
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        let spec = &sweep.plan.runtime;
        let (counter, source) = counter(spec.counter, &mut sweep.doc.notes);
        let mut plan = spec.plan;
        // counts are deterministic: the minimum time only matters for time
        if counter != Counter::Time {
            plan.min_time_s = 0.0;
        }
        sweep.doc.workloads = spec.workloads.clone();
        sweep.doc.runtime_plan = Some(record::runtime_plan(&plan, counter, source));
        let options = runtime::Options {
            workloads: &spec.workloads,
            plan,
            counter,
        };
        let mut executor = runtime::executor::RealExecutor;
        runtime::run(sweep.doc, &options, &mut executor, sweep.progress)?;
        (sweep.save)(sweep.doc)
    }
}

/// The instruction counter to use, and where its numbers come from.
fn counter(choice: CounterChoice, notes: &mut Vec<Note>) -> (Counter, String) {
    match choice {
        CounterChoice::Time => (Counter::Time, "wall-clock time".to_string()),
        CounterChoice::Instructions => match runtime::counter::detect_counter() {
            (Some(c), source) => (c, source),
            (None, why) => {
                notes.push(
                    NoteKind::CounterFallback {
                        reason: why.clone(),
                    }
                    .into(),
                );
                (Counter::Time, why)
            }
        },
        CounterChoice::FetchMisses => match runtime::counter::detect_cache_sim() {
            Ok(source) => (Counter::CachegrindFetchMisses, source),
            Err(why) => {
                notes.push(
                    NoteKind::CounterFallback {
                        reason: why.clone(),
                    }
                    .into(),
                );
                (Counter::Time, why)
            }
        },
    }
}
