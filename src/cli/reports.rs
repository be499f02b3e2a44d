//! The arguments of the commands that compare and report results: `check`
//! (and, later, `report`, `plan`, `merge`).

use std::path::PathBuf;

use clap::Args;

use super::{AdviceArgs, FormatArg, ProjectArgs, parse_size};

/// `+3%`, `3%`, `3` or `-1%` as a fraction (0.03).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let number = t.strip_suffix('%').unwrap_or(t).trim();
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{t}` is not a percentage: use e.g. +3% or 20%"))?;
    if !value.is_finite() || value.abs() > 1e6 {
        return Err(format!("`{t}` is out of range"));
    }
    Ok(value / 100.0)
}

/// `cargo lto check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The results document to compare against (e.g. main branch's).
    #[arg(long, value_name = "OLD.json")]
    pub baseline: PathBuf,
    /// The new results (default: the newest in `<target-dir>/cargo-lto/results/`).
    #[arg(value_name = "NEW.json")]
    pub new: Option<PathBuf>,
    /// Fail when a binary's file grows by more than this (e.g. +3%).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, allow_hyphen_values = true)]
    pub max_size: Option<f64>,
    /// Fail when a binary's shipped size grows by more than this.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, allow_hyphen_values = true)]
    pub max_shipped_size: Option<f64>,
    /// Fail when a workload is slower beyond the noise and by more than this.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, allow_hyphen_values = true)]
    pub max_runtime: Option<f64>,
    /// Fail when a clean build takes longer by more than this.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, allow_hyphen_values = true)]
    pub max_build_time: Option<f64>,
    /// Fail when a link step's peak memory exceeds this (e.g. 6GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_link_memory: Option<u64>,
    /// Compare build times and runtimes measured on different machines.
    #[arg(long)]
    pub allow_cross_host: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// `cargo lto report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Results documents (default: the newest in `<target-dir>/cargo-lto/results/`).
    #[arg(value_name = "RESULTS")]
    pub results: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Markdown)]
    pub format: FormatArg,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The goal and constraints of the recommendation in the report.
    #[command(flatten)]
    pub advice: AdviceArgs,
}
