//! The rebuild figure: the binary crates recompiled as after an edit to
//! each (their fingerprints removed in the configuration's own build
//! directory, the user's files untouched), with the clean build's flags.

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::build;
use crate::measure::builder::Builder;
use crate::measure::steps;

/// The rebuild of the binary crate.
pub struct Rebuild;

impl super::Stage for Rebuild {
    fn name(&self) -> &'static str {
        "rebuild"
    }

    fn phase(&self) -> Phase {
        Phase::AfterBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        !ctx.plan.options.no_rebuild
            && !ctx.plan.project.bins.is_empty()
            && ctx.target_dir.is_some()
            && ctx.entry.build.is_some()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let (plan, config) = (ctx.plan, ctx.config);
        let Some(target_dir) = &ctx.target_dir else {
            return Ok(Flow::Next);
        };
        ctx.bar.phase("rebuilding the binary crate");
        for bin in &plan.project.bins {
            steps::invalidate_bin(target_dir, &bin.name)?;
        }
        let builder = Builder::with_flags(plan, config, config.name(), &ctx.flags);
        let echo = ctx.echo();
        let rebuilt = build::run(&builder.invocation("rebuild"), &|_| {}, &echo)?;
        if let Some(build) = ctx.entry.build.as_mut()
            && let Some(status) = steps::record_rebuild(build, &rebuilt, &plan.project.bin_names())
        {
            ctx.entry.status = status;
        }
        Ok(Flow::Next)
    }
}
