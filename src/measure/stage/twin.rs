//! On a binary without a symbol table (`strip = "symbols"`): where
//! `inspect` reads its symbols — BOLT's output before `llvm-strip`, or an
//! unstripped twin (the final rustc run again with `-C strip=none`, its
//! code the same byte for byte) — and what stripping removed. The final
//! rustc invocation the wrapper saved is discarded either way.

use std::path::Path;

use anyhow::Result;

use super::{Ctx, Flow, Phase};
use crate::build::twin;
use crate::inspect::sections;
use crate::measure::builder::{tool_dir, unstripped_twin};
use crate::results::notes::NoteKind;

/// The unstripped twin.
pub struct Twin;

impl super::Stage for Twin {
    fn name(&self) -> &'static str {
        "unstripped twin"
    }

    fn phase(&self) -> Phase {
        Phase::OnBinary
    }

    fn applies(&self, ctx: &Ctx) -> bool {
        ctx.entry.built()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let Some(clean_log) = ctx.clean_log.clone() else {
            return Ok(Flow::Next);
        };
        for bin in &ctx.plan.project.bins {
            twin_of(ctx, &clean_log, &bin.name)?;
            twin::discard(&clean_log, &bin.crate_name());
        }
        Ok(Flow::Next)
    }
}

/// Where `inspect` reads the symbols of binary `bin`, when stripping
/// removed them, and what they weigh.
fn twin_of(ctx: &mut Ctx, clean_log: &Path, bin: &str) -> Result<()> {
    let symbols_of = |p: &Path| -> Result<Option<u64>> {
        Ok(sections::measure(p)?.sections.get("symbols").copied())
    };
    let Some(exe) = ctx.binaries.paths.get(bin).cloned() else {
        return Ok(());
    };
    let stripped = ctx.entry.binary(bin).is_some_and(|b| b.symbols == 0);
    let (from, bytes) = if let Some(unstripped) = ctx.unstripped.get(bin).cloned() {
        // BOLT's output before llvm-strip: the same code with its symbols
        let bytes = symbols_of(&unstripped)?;
        (Some(unstripped), bytes)
    } else if stripped && !ctx.plan.options.no_twin {
        ctx.bar.phase("linking an unstripped twin for inspect");
        // beside the build directory, which a repeated build empties
        let out = tool_dir(&ctx.plan.project)
            .join("twins")
            .join(ctx.config.name())
            .join(exe.file_name().unwrap_or_default());
        let crate_name = bin.replace('-', "_");
        let from = unstripped_twin(clean_log, &crate_name, &exe, &out).unwrap_or_else(|why| {
            ctx.notes.push(
                NoteKind::NoTwin {
                    config: ctx.config.name().to_string(),
                    why,
                }
                .into(),
            );
            None
        });
        let bytes = match &from {
            Some(twin) => symbols_of(twin)?,
            None => None,
        };
        (from, bytes)
    } else {
        return Ok(());
    };
    if let Some(binary) = ctx.entry.binaries.iter_mut().find(|b| b.bin == bin) {
        binary.symbols_from = from;
        binary.stripped_symbols_bytes = bytes;
    }
    Ok(())
}
