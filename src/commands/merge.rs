//! `cargo lto merge A.json B.json … [-o FILE]`: the shards' documents as
//! one, written atomically (or printed); refused for documents of
//! different projects, toolchains or source revisions (exit 2). The
//! joining is `gate::merge` (the gate's other half: shards in, one
//! document out).

use std::io::Write;
use std::time::SystemTime;

use anyhow::Result;

use crate::cli::MergeArgs;
use crate::error::exit;
use crate::gate::merge;
use crate::results;

/// Runs `merge`; returns the exit code.
pub fn run(args: &MergeArgs) -> Result<i32> {
    let docs = args
        .results
        .iter()
        .map(|p| results::load(p, None))
        .collect::<Result<Vec<_>, _>>()?;
    let invocation = std::iter::once("cargo".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    let merged = merge::merge(
        &docs,
        results::new_id(SystemTime::now()),
        invocation,
        args.allow_cross_host,
    )?;
    let json = serde_json::to_string_pretty(&merged)? + "\n";
    match &args.output {
        Some(path) => {
            results::write_atomic(path, json.as_bytes())?;
            eprintln!(
                "merged {} documents ({} configurations) into {}",
                docs.len(),
                merged.configurations.len(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(exit::OK)
}
