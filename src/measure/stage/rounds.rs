//! Clean builds 2 to N (`--build-runs`) of every configuration built
//! successfully, round by round: round 2 of each configuration, then
//! round 3…, so a slow stretch of the machine falls on every configuration
//! alike. Each build is a sample of its configuration's figures, which
//! become the medians once all are in.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{Phase, Sweep};
use crate::inspect::sections;
use crate::measure::builder::Builder;
use crate::measure::steps;
use crate::results::measure::{self as doc, Status};
use crate::results::notes::NoteKind;
use crate::results::pipeline::PipelineStep;

/// The repeated clean builds.
pub struct Rounds;

impl super::Stage for Rounds {
    fn name(&self) -> &'static str {
        "repeated clean builds"
    }

    fn phase(&self) -> Phase {
        Phase::Rounds
    }

    fn applies_to_sweep(&self, sweep: &Sweep) -> bool {
        sweep.plan.options.build_runs > 1 && !sweep.stopped()
    }

    fn run_sweep(&self, sweep: &mut Sweep) -> Result<()> {
        let runs = sweep.plan.options.build_runs;
        'rounds: for round in 2..=runs {
            for i in 0..sweep.plan.configs.len() {
                if !build_again(sweep, i, round)? {
                    break 'rounds;
                }
            }
        }
        notes(sweep);
        // the identical ones share their original's figures, now final
        let finals: BTreeMap<String, Option<doc::Build>> = sweep
            .doc
            .configurations
            .iter()
            .map(|c| (c.name.clone(), c.build.clone()))
            .collect();
        for c in &mut sweep.doc.configurations {
            if let Some(original) = &c.identical_to
                && let Some(build) = finals.get(original)
            {
                c.build = build.clone();
            }
        }
        Ok(())
    }
}

/// Clean build `round` of the plan's configuration `i`, when it was built
/// successfully; false when Ctrl-C stopped it (and every round after).
fn build_again(sweep: &mut Sweep, i: usize, round: usize) -> Result<bool> {
    let (plan, runs) = (sweep.plan, sweep.plan.options.build_runs);
    let config = &plan.configs[i];
    let Some(at) = sweep.doc.configurations.iter().position(|c| {
        c.name == config.name() && c.identical_to.is_none() && c.status == Status::Ok
    }) else {
        return Ok(true);
    };
    // a pipeline's timed build again: the same flags, the same profile
    let mut flags = Vec::new();
    if config.has(PipelineStep::Pgo) {
        flags.extend(super::pgo::use_flags(&super::pgo::profile_path(
            plan, config,
        )));
    }
    let builder = Builder::with_flags(plan, config, config.name(), &flags);
    let bar = sweep
        .progress
        .start_config(&format!("{} {round}/{runs}", config.name()), 0);
    let (progress, verbose) = (sweep.progress, plan.options.verbose);
    let echo = move |line: &str| {
        if verbose {
            progress.println(line);
        }
    };
    let mut notes = Vec::new();
    let (run, sample) = builder.clean(round, &bar, &echo, &mut notes)?;
    sweep.progress.config_done();
    sweep.doc.notes.extend(notes);
    if run.outcome == crate::process::Outcome::Interrupted {
        bar.finish("interrupted");
        return Ok(false);
    }
    let c = &mut sweep.doc.configurations[at];
    if !run.outcome.success() {
        // its binary is gone with the build directory, and a build that
        // fails once is not one to recommend: it ends failed
        let (status, exit_code) = steps::status_of(run.outcome);
        bar.finish(&format!("{status:?}").to_lowercase());
        (c.status, c.exit_code) = (status, exit_code);
        c.stderr_tail = Some(run.stderr_tail.clone());
        sweep.doc.notes.push(
            NoteKind::RoundFailed {
                config: config.name().to_string(),
                round,
                runs,
            }
            .into(),
        );
        (sweep.save)(sweep.doc)?;
        return Ok(true);
    }
    bar.finish("done");
    // (BOLT's output is not cargo's: nothing to compare it with)
    if !config.has(PipelineStep::Bolt) {
        let mut same = true;
        for bin in &c.binaries {
            if let Some(exe) = run.executables.get(&bin.bin) {
                let hash = sections::measure(exe)?.sha256;
                same &= bin.sha256.as_deref() == Some(hash.as_str());
            }
        }
        if !same {
            sweep.doc.notes.push(
                NoteKind::NotReproducible {
                    config: config.name().to_string(),
                    round,
                }
                .into(),
            );
        }
    }
    let c = &mut sweep.doc.configurations[at];
    if let Some(build) = c.build.as_mut() {
        build.samples.push(sample);
        steps::aggregate(build);
    }
    (sweep.save)(sweep.doc)?;
    Ok(true)
}

/// What the rounds leave to say: builds left busy, or left out.
fn notes(sweep: &mut Sweep) {
    let mut notes = Vec::new();
    for c in sweep
        .doc
        .configurations
        .iter()
        .filter(|c| c.identical_to.is_none())
    {
        let Some(build) = c.build.as_ref().filter(|b| b.samples.len() > 1) else {
            continue;
        };
        let busy: Vec<f64> = build
            .samples
            .iter()
            .filter(|s| s.busy)
            .map(|s| s.contention.unwrap_or(0.0))
            .collect();
        if build.busy {
            notes.push(super::build::busy_note(sweep.plan, &c.name, build));
        } else if !busy.is_empty() {
            notes.push(
                NoteKind::BusyLeftOut {
                    config: c.name.clone(),
                    busy: busy.len(),
                    of: build.samples.len(),
                    max_contention: busy.iter().copied().fold(0.0, f64::max),
                }
                .into(),
            );
        }
    }
    sweep.doc.notes.extend(notes);
}
