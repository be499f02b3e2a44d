//! On the binary measured: its size, sections and hash, from the file.

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::inspect::sections;
use crate::measure::record;

/// The binary's sizes and sections.
pub struct Sections;

impl super::Stage for Sections {
    fn name(&self) -> &'static str {
        "sections"
    }

    fn phase(&self) -> Phase {
        Phase::OnBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.binary.is_some()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let Some(exe) = &ctx.binary else {
            return Ok(Flow::Next);
        };
        ctx.bar.phase("analysing the binary");
        ctx.entry.binary = Some(record::binary(exe, sections::measure(exe)?));
        if !ctx.entry.pipeline.is_empty() {
            let note = pipeline_note(ctx.name(), &ctx.entry.pipeline);
            ctx.notes.push(note);
        }
        Ok(Flow::Next)
    }
}

/// What the stages besides a pipeline configuration's timed build took.
fn pipeline_note(name: &str, stages: &[crate::results::pipeline::Stage]) -> String {
    let parts: Vec<String> = stages
        .iter()
        .map(|s| match s.profiles {
            Some((files, bytes)) => format!(
                "{} {:.2} s ({files} profile(s), {bytes} bytes)",
                s.stage, s.wall_s
            ),
            None => format!("{} {:.2} s", s.stage, s.wall_s),
        })
        .collect();
    let total: f64 = stages.iter().map(|s| s.wall_s).sum();
    format!(
        "`{name}`: built through a pipeline; besides its timed build came {}: {total:.2} s more (the table's figure is the whole pipeline)",
        parts.join(", ")
    )
}
