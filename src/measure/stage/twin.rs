//! On a binary without a symbol table (`strip = "symbols"`): where
//! `inspect` reads its symbols — BOLT's output before `llvm-strip`, or an
//! unstripped twin (the final rustc run again with `-C strip=none`, its
//! code the same byte for byte) — and what stripping removed. The final
//! rustc invocation the wrapper saved is discarded either way.

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
        ctx.entry.binary.is_some()
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Flow> {
        let project = &ctx.plan.project;
        let crate_name = project.bin.replace('-', "_");
        let (Some(clean_log), Some(exe)) = (ctx.clean_log.clone(), ctx.binary.clone()) else {
            return Ok(Flow::Next);
        };
        let symbols_of = |p: &std::path::Path| -> Result<Option<u64>> {
            Ok(sections::measure(p)?.sections.get("symbols").copied())
        };
        let stripped = ctx.entry.binary.as_ref().is_some_and(|b| b.symbols == 0);
        if let Some(unstripped) = ctx.unstripped.clone() {
            // BOLT's output before llvm-strip: the same code with its symbols
            let bytes = symbols_of(&unstripped)?;
            if let Some(binary) = ctx.entry.binary.as_mut() {
                binary.stripped_symbols_bytes = bytes;
                binary.symbols_from = Some(unstripped);
            }
        } else if stripped && !ctx.plan.options.no_twin {
            ctx.bar.phase("linking an unstripped twin for inspect");
            // beside the build directory, which a repeated build empties
            let out = tool_dir(project)
                .join("twins")
                .join(ctx.config.name())
                .join(exe.file_name().unwrap_or_default());
            let from = unstripped_twin(&clean_log, &crate_name, &exe, &out).unwrap_or_else(|why| {
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
            if let Some(binary) = ctx.entry.binary.as_mut() {
                binary.symbols_from = from;
                binary.stripped_symbols_bytes = bytes;
            }
        }
        twin::discard(&clean_log, &crate_name);
        Ok(Flow::Next)
    }
}
