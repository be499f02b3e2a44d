//! On the binaries measured: each one's size, sections and hash, from
//! the file.

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::inspect::sections;
use crate::measure::record;
use crate::results::notes::NoteKind;

/// The binaries' sizes and sections.
pub struct Sections;

impl super::Stage for Sections {
    fn name(&self) -> &'static str {
        "sections"
    }

    fn phase(&self) -> Phase {
        Phase::OnBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        !ctx.binaries.is_empty()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        ctx.bar.phase("analysing the binaries");
        // in the project's order
        for bin in &ctx.plan.project.bins {
            if let Some(exe) = ctx.binaries.paths.get(&bin.name) {
                let measured = sections::measure(exe)?;
                ctx.entry
                    .binaries
                    .push(record::binary(&bin.name, exe, measured));
            }
        }
        if !ctx.entry.pipeline.is_empty() {
            let note = NoteKind::Pipeline {
                config: ctx.name().to_string(),
                stages: ctx.entry.pipeline.clone(),
            };
            ctx.notes.push(note.into());
        }
        Ok(Flow::Next)
    }
}
