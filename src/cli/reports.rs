//! The arguments of the commands that compare and report results: `check`
//! (and, later, `report`, `plan`, `merge`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{AdviceArgs, CargoArgs, FormatArg, ProjectArgs, parse_size};
use crate::render::Format;

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

/// `K/N` with 1 ≤ K ≤ N.
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{text}` is not a shard: use K/N with 1 ≤ K ≤ N, e.g. 2/4");
    let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `cargo lto check`: at least one limit is required (clap says which).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("limits").required(true).multiple(true).args([
    "max_size",
    "max_shipped_size",
    "max_runtime",
    "max_build_time",
    "max_link_memory",
])))]
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
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// An inspect document (`cargo lto inspect --format json`): the HTML
    /// adds machine code per crate and cross-crate calls per configuration.
    #[arg(long, value_name = "FILE")]
    pub inspect: Option<PathBuf>,
    /// Write to FILE (atomically) instead of stdout, and say where on
    /// stderr.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not say where `-o` wrote.
    #[arg(short, long)]
    pub quiet: bool,
    /// Every document in `<target-dir>/cargo-lto/results/` (or those given)
    /// as a trend per configuration: size, shipped size, build, runtime.
    #[arg(long)]
    pub history: bool,
    /// The goal and constraints of the recommendation in the report.
    #[command(flatten)]
    pub advice: AdviceArgs,
}

/// `cargo lto merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The documents to merge (the shards of one sweep).
    #[arg(value_name = "RESULTS", required = true, num_args = 1..)]
    pub results: Vec<PathBuf>,
    /// Write the merged document to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compare build times of configurations measured on different machines.
    #[arg(long)]
    pub allow_cross_host: bool,
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables for a terminal.
    Table,
    /// The documents and their recommendations.
    Json,
    /// Markdown, for a pull request or an issue.
    Markdown,
    /// One self-contained HTML page with charts.
    Html,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Table => Format::Table,
            ReportFormat::Json => Format::Json,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Html => Format::Html,
        }
    }
}

/// Which configurations: the matrix, and the profile they build on.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Built-in matrix: `quick` (baseline, off, thin, fat, fat-cgu1),
    /// `standard` (adds thin-local, off-cgu1, thin-cgu1, size-s, size-z, icf)
    /// or `pgo` (baseline, fat, fat-pgo, thin-pgo, fat-pgo-bolt).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Add (or replace) a configuration, e.g. `--with small:lto=fat,opt-level=z,panic=abort`.
    #[arg(long = "with", value_name = "NAME:KEY=VALUE,…")]
    pub with: Vec<String>,
    /// Only these configurations (comma separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Vec<String>,
    /// The profile configurations inherit from, and baseline builds.
    #[arg(long, value_name = "NAME", default_value = "release")]
    pub base_profile: String,
}

/// `cargo lto plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Cargo's flags.
    #[command(flatten)]
    pub cargo: CargoArgs,
    /// The configurations.
    #[command(flatten)]
    pub matrix: MatrixArgs,
    /// At most this many jobs (default: one per distinct build).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
}

/// `plan --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A line per job.
    Table,
    /// `{"include": [...]}` on one line, for a GitHub Actions matrix.
    GithubMatrix,
    /// The plan, with the identical configurations.
    Json,
}
