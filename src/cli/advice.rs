//! The advice commands' arguments: `recommend`, `apply`, `doctor`, `explain`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{FormatArg, ProjectArgs, parse_duration, parse_size};
use crate::results::advice::{Goal, Need};

/// `cargo lto recommend`.
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// A results document to read instead of the newest in `<target-dir>/cargo-lto/results/`.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// The goal and the constraints.
    #[command(flatten)]
    pub advice: AdviceArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// The goal and the constraints of a recommendation.
#[derive(Debug, Args)]
pub struct AdviceArgs {
    /// What to optimise for.
    #[arg(long, value_enum, default_value_t = GoalArg::Balanced)]
    pub goal: GoalArg,
    /// Longest acceptable clean build (e.g. 10m, 90s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_build_time: Option<Duration>,
    /// Largest acceptable peak memory of the link step (e.g. 6GiB, 800MB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_link_memory: Option<u64>,
    /// What the shipped binary must keep (repeatable).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub need: Vec<NeedArg>,
    /// The binary whose size counts, when the results measured several
    /// (default: all of them, their sizes added up).
    #[arg(long, value_name = "NAME")]
    pub bin: Option<String>,
    /// No benchmark (`measure --bench`) judged worse than baseline's by
    /// more than this percentage.
    #[arg(long, value_name = "PCT", default_value_t = 5.0, value_parser = percent)]
    pub max_regression: f64,
}

/// A percentage from 0 up.
fn percent(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage: use e.g. 5 or 2.5"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{text}` must be a percentage from 0 up"));
    }
    Ok(v)
}

/// `cargo lto apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The configuration to write: one measured in the results, or a
    /// built-in one (off, thin, fat, fat-cgu1, thin-cgu1, size-s, size-z, icf, …).
    #[arg(
        value_name = "CONFIG",
        required_unless_present = "recommended",
        conflicts_with = "recommended"
    )]
    pub config: Option<String>,
    /// Write what `cargo lto recommend` (with the same --goal and constraints) picks.
    #[arg(long)]
    pub recommended: bool,
    /// The profile to write into; a custom one gets `inherits = "release"`.
    #[arg(long, value_name = "NAME", default_value = "release")]
    pub profile: String,
    /// Show the diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A results document to read instead of the newest in `<target-dir>/cargo-lto/results/`.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// `--recommended`'s goal and constraints.
    #[command(flatten)]
    pub advice: AdviceArgs,
}

/// `--goal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GoalArg {
    /// The fewest bytes loaded at run time (at least 1% fewer than now).
    Size,
    /// The fastest workload runtime, beyond the noise (needs `measure --run`).
    Speed,
    /// Smaller or faster, at most twice the clean build time.
    Balanced,
    /// The fastest clean build (at least 10% faster than now).
    BuildTime,
}

impl From<GoalArg> for Goal {
    fn from(g: GoalArg) -> Goal {
        match g {
            GoalArg::Size => Goal::Size,
            GoalArg::Speed => Goal::Speed,
            GoalArg::Balanced => Goal::Balanced,
            GoalArg::BuildTime => Goal::BuildTime,
        }
    }
}

/// `--need`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NeedArg {
    /// Panic backtraces with function names: rules out strip = "symbols".
    Backtraces,
    /// Debug info in the binary: rules out debug = none and any strip.
    Debuginfo,
    /// Unwinding panics (catch_unwind, destructors on panic): rules out panic = "abort".
    Unwind,
}

impl From<NeedArg> for Need {
    fn from(n: NeedArg) -> Need {
        match n {
            NeedArg::Backtraces => Need::Backtraces,
            NeedArg::Debuginfo => Need::Debuginfo,
            NeedArg::Unwind => Need::Unwind,
        }
    }
}

/// `cargo lto doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// `cargo lto explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The setting: lto, codegen-units, opt-level, panic, strip, debug,
    /// incremental, target-cpu, linker, icf, pgo, bolt (none: list them).
    #[arg(value_name = "SETTING")]
    pub setting: Option<String>,
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// A results document to read instead of the newest in `<target-dir>/cargo-lto/results/`.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}
