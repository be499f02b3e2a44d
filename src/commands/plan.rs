//! `cargo lto plan`: the jobs of a CI matrix, one `measure --shard K/N`
//! each, as a table, a GitHub Actions matrix, or JSON. The dealing is
//! `measure::plan` (with the sweep's own `shard`, so a plan and a shard
//! always agree); the answer's types are `results::plan`.

use std::io::Write;

use anyhow::Result;

use crate::cli::{PlanArgs, PlanFormat};
use crate::error::exit;
use crate::measure::plan::{self, PlanRequest};
use crate::results::plan::GithubMatrix;
use crate::workspace::CargoFlags;

/// Runs `plan`; returns the exit code.
pub fn run(args: &PlanArgs) -> Result<i32> {
    let plan = plan::plan(&PlanRequest {
        flags: CargoFlags::from(&args.cargo),
        matrix: super::matrix(&args.matrix),
        base_profile: args.matrix.base_profile.clone(),
        shards: args.shards.map(|n| n as usize),
    })?;
    let text = match args.format {
        PlanFormat::GithubMatrix => serde_json::to_string(&GithubMatrix::from(&plan))? + "\n",
        PlanFormat::Json => serde_json::to_string_pretty(&plan)? + "\n",
        PlanFormat::Table => {
            let mut t = String::new();
            for j in &plan.include {
                t.push_str(&format!(
                    "cargo lto measure {:<14} # {}\n",
                    j.args,
                    j.configs.join(", ")
                ));
            }
            for (name, original) in &plan.identical {
                t.push_str(&format!(
                    "# {name}: the same build as {original}, measured with it\n"
                ));
            }
            t
        }
    };
    for note in &plan.notes {
        eprintln!("note: {}", note.text);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}
