//! The timed clean build of a configuration: its cargo command and
//! environment recorded, built from an empty directory (again while busy
//! and `--retry-busy` allows), its figures and the first sample.

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::build;
use crate::measure::builder::Builder;
use crate::measure::resolved::MeasurePlan;
use crate::measure::steps;
use crate::results::measure::{self as doc, Status};
use crate::results::notes::{BusyBuilds, Note, NoteKind};

/// The clean build.
pub struct CleanBuild;

impl super::Stage for CleanBuild {
    fn name(&self) -> &'static str {
        "clean build"
    }

    fn phase(&self) -> Phase {
        Phase::Build
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let (plan, config) = (ctx.plan, ctx.config);
        let builder = Builder::with_flags(plan, config, config.name(), &ctx.flags);
        let log = builder.invocation("clean").wrapper_log;
        let mut command = vec![plan.cargo.display().to_string()];
        command.extend(builder.args.iter().cloned());
        ctx.entry.command = command;
        ctx.entry.measurement_env = build::wrapper_env(&log, plan.blank_workspace_wrapper)?
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .chain(builder.env.iter().cloned())
            .collect();
        let echo = ctx.echo();
        let (run, sample) = builder.clean(1, &ctx.bar, &echo, &mut ctx.notes)?;
        ctx.missing_profile = run.missing_profile.clone();
        ctx.clean_log = Some(log);
        ctx.target_dir = Some(builder.target_dir.clone());
        let bins = plan.project.bin_names();
        let clean = steps::record_clean(&run, config.name(), &bins, plan.options.warm);
        ctx.notes.extend(clean.note);
        let mut build = clean.build;
        build.samples.push(sample);
        if build.busy && plan.options.build_runs == 1 {
            ctx.notes.push(busy_note(plan, config.name(), &build));
        }
        let entry = &mut ctx.entry;
        (entry.status, entry.exit_code, entry.stderr_tail) =
            (clean.status, clean.exit_code, clean.stderr_tail);
        entry.build = Some(build);
        // a package measured by its benchmarks alone links no binary here
        let bench_only = plan.project.bins.is_empty() && entry.status == Status::Ok;
        if clean.executables.is_empty() && !bench_only {
            if entry.status == Status::Failed {
                ctx.notes.extend(build::disk::low_space_note(
                    &builder.target_dir,
                    Some(config.name()),
                ));
            }
            return Ok(Flow::Stop);
        }
        ctx.binaries.paths = clean.executables.clone();
        ctx.executables = clean.executables;
        Ok(Flow::Next)
    }
}

/// The BUSY note of a build whose figures are busy.
pub(super) fn busy_note(plan: &MeasurePlan, config: &str, build: &doc::Build) -> Note {
    let builds = if plan.options.warm {
        BusyBuilds::Warm
    } else if build.samples.len() > 1 {
        BusyBuilds::EveryClean
    } else {
        BusyBuilds::Clean
    };
    NoteKind::BusyBuild {
        config: config.to_string(),
        builds,
        contention: build.contention.unwrap_or(0.0),
        threshold: crate::load::BUSY,
    }
    .into()
}
