//! `cargo lto plan`: the configurations a sweep would measure, identical
//! ones folded, dealt into shards for a CI matrix — what `measure --shard
//! K/N` will build on each machine. Nothing is built.

use anyhow::{Context, Result};

use super::shard;
use crate::profile::BASELINE;
use crate::profile::matrix::{self, MatrixRequest};
use crate::results::plan::{Job, ShardPlan};
use crate::workspace::{self, CargoFlags};

/// What to plan.
pub struct PlanRequest {
    /// Cargo's flags (the project).
    pub flags: CargoFlags,
    /// Preset, `--with`, `--only`.
    pub matrix: MatrixRequest,
    /// The profile configurations inherit.
    pub base_profile: String,
    /// At most this many shards (default: one per distinct build).
    pub shards: Option<usize>,
}

/// Plans the shards of the sweep `request` describes.
pub fn plan(request: &PlanRequest) -> Result<ShardPlan> {
    let cargo = workspace::cargo_binary();
    let flags = &request.flags;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let (project, _lock) = workspace::load_untouched(&cargo, flags)?;
    let configs = matrix::build(&request.matrix, &project.metadata)?;
    // cargo's flags checked as measure checks them, and carried into every
    // job: a job must build what was planned
    let rustc = std::env::var_os("RUSTC").map_or_else(|| "rustc".into(), std::path::PathBuf::from);
    crate::build::preflight::check(flags, &project, &rustc)?;
    let forwarded = flags.forwarded_args();
    let base = super::resolve_base(&project, &cwd, &request.base_profile)?.resolved;
    let groups = shard::groups(&configs, &base);
    let identical = groups
        .iter()
        .flat_map(|g| {
            g.iter()
                .skip(1)
                .map(|c| (c.name.clone(), g[0].name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let builds = groups
        .iter()
        .filter(|g| !g.iter().any(|c| c.name == BASELINE))
        .count()
        .max(1);
    let n = request.shards.unwrap_or(builds).clamp(1, builds);
    let include = (1..=n)
        .map(|k| Job {
            shard: format!("{k}/{n}"),
            args: shell_words::join(
                ["--shard".to_string(), format!("{k}/{n}")]
                    .into_iter()
                    .chain(forwarded.iter().cloned()),
            ),
            configs: shard::shard(&configs, &base, k, n)
                .into_iter()
                .map(|c| c.name)
                .collect(),
        })
        .collect();
    let notes = crate::profile::resolve::unread_configs_note(&cwd, &project.workspace_root)
        .into_iter()
        .collect();
    Ok(ShardPlan {
        include,
        identical,
        notes,
    })
}
