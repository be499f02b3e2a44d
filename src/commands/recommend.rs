//! `cargo lto recommend`: reads one measure document (the newest, or
//! `--results`), has `advise::recommend` decide, renders the answer. It
//! never starts a sweep: without results it says how to get them.

use std::io::Write;

use anyhow::Result;

use crate::advise::recommend;
use crate::cli::{AdviceArgs, RecommendArgs};
use crate::error::exit;
use crate::render;
use crate::results::advice::{Constraints, Recommendation};

/// The recommendation for `found` under `args`; an impossible one is bad
/// input (exit 2) naming the document.
pub fn decide(found: &super::Found, args: &AdviceArgs) -> Result<Recommendation> {
    let mut needs: Vec<_> = args.need.iter().map(|&n| n.into()).collect();
    needs.sort();
    needs.dedup();
    let constraints = Constraints {
        max_build_time_s: args.max_build_time.map(|d| d.as_secs_f64()),
        max_link_memory_bytes: args.max_link_memory,
        needs,
        bin: args.bin.clone(),
        max_regression: Some(args.max_regression / 100.0),
    };
    recommend::recommend(&found.doc, args.goal.into(), &constraints).map_err(|source| {
        let path = found.path.clone();
        match source {
            recommend::Impossible::NothingMeasured(id, first) => super::Error::NothingJudged {
                path,
                id,
                first: format!("{}: {}", first.name, render::reasons::rejected(&first)),
            },
            source => super::Error::Recommend { path, source },
        }
        .into()
    })
}

/// Runs `recommend`; returns the exit code.
pub fn run(args: &RecommendArgs) -> Result<i32> {
    let found = super::measured(
        &args.project,
        args.results.as_deref(),
        "then `cargo lto recommend` (or pass --results FILE)",
        false,
    )?;
    let advice = decide(&found, &args.advice)?;
    let mut out = std::io::stdout().lock();
    out.write_all(render::recommendation(&advice, args.format.into())?.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}
