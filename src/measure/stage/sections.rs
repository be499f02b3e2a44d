//! On the binary measured: its size, sections and hash, from the file.

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::inspect::sections;
use crate::measure::record;
use crate::results::notes::NoteKind;

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
            let note = NoteKind::Pipeline {
                config: ctx.name().to_string(),
                stages: ctx.entry.pipeline.clone(),
            };
            ctx.notes.push(note.into());
        }
        Ok(Flow::Next)
    }
}
