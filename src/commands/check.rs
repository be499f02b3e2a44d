//! `cargo lto check --baseline OLD.json [NEW.json]`: the CI gate. Loads
//! both documents, has `gate::check` compare them, renders the rows; exit
//! 1 on a breach, 2 on bad input.

use std::io::Write;

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::error::exit;
use crate::gate;
use crate::render;
use crate::results::{self, gate::Limits};

/// Runs `check`; returns the exit code.
pub fn run(args: &CheckArgs) -> Result<i32> {
    let limits = Limits {
        max_size: args.max_size,
        max_shipped_size: args.max_shipped_size,
        max_runtime: args.max_runtime,
        max_build_time: args.max_build_time,
        max_link_memory_bytes: args.max_link_memory,
        allow_cross_host: args.allow_cross_host,
    };
    // The baseline usually comes from another checkout (main's CI run), so
    // it is matched by package and binary, not by the workspace's path.
    let baseline = results::load(&args.baseline, None)?;
    let new = match &args.new {
        Some(path) => results::load(path, None)?,
        None => {
            super::measured(
                &args.project,
                None,
                "or pass the new document as NEW.json",
                false,
            )?
            .doc
        }
    };
    let (a, b) = (&baseline.project, &new.project);
    if !a.same_bins(b) {
        return Err(super::Error::OtherProject(a.bins_label(), b.bins_label()).into());
    }
    let report = gate::check(&baseline, &new, &limits);
    let mut out = std::io::stdout().lock();
    out.write_all(render::check(&report, args.format.into())?.as_bytes())?;
    out.flush()?;
    Ok(if report.failed {
        exit::LIMIT_BROKEN
    } else {
        exit::OK
    })
}
