//! `cargo lto measure`'s arguments: the sweep's and the runtime's.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{
    CargoArgs, Color, FormatArg, MatrixArgs, parse_duration, parse_duration_or_zero, parse_shard,
};
use crate::results::measure::CompareOutput;

/// `cargo lto measure`.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// Cargo's flags.
    #[command(flatten)]
    pub cargo: CargoArgs,
    /// The configurations.
    #[command(flatten)]
    pub matrix: MatrixArgs,
    /// Measure shard K of N: a deterministic 1/N of the configurations
    /// (identical ones together), with baseline in every shard; `cargo lto
    /// merge` joins the shards' documents.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Reuse each configuration's build directory: times are then labelled warm.
    #[arg(long)]
    pub warm: bool,
    /// When another `cargo lto measure` is measuring this project (they
    /// would share its build directories), exit with 2 instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
    /// Skip the rebuild of the binary crate (the edit-compile-link figure).
    #[arg(long)]
    pub no_rebuild: bool,
    /// Re-run a clean build, or a workload run, that other processes made
    /// busy (more than 10% of the machine), up to N times each.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry_busy: usize,
    /// Clean builds per configuration (default 1, or the metadata's
    /// `build-runs`), interleaved: round 1 of every configuration, then
    /// round 2…; build figures are then their medians, with a CI. 3 or more
    /// lets `recommend` and `check` judge build times by their CIs.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub build_runs: Option<usize>,
    /// Stop a build after this long (e.g. `90s`, `20m`); it is recorded as timed out.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Print no progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// More: `-v` shows every figure in the tables (CPU, peak RSS, .text,
    /// symbols, runs' peak RSS and outliers), `-vv` also echoes cargo's output.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour of cargo's diagnostics (echoed with -v, and in failure reports).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Runtime workloads and how to run them.
    #[command(flatten)]
    pub runtime: RuntimeArgs,
    /// The project's own benchmarks.
    #[command(flatten)]
    pub bench: BenchArgs,
    /// The binary as a server under load.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// `--serve` and friends.
#[derive(Debug, Args)]
#[command(next_help_heading = "Servers")]
pub struct ServeArgs {
    /// Start each configuration's binary as a server with these arguments
    /// (`{port}` for the port the tool picks; `PORT` is set too), once per
    /// configuration and round, and measure it under each --load.
    #[arg(
        long,
        value_name = "ARGS",
        conflicts_with = "serve_cmd",
        allow_hyphen_values = true
    )]
    pub serve: Option<String>,
    /// Start the server with this command instead, `{bin}` standing for
    /// the configuration's binary.
    #[arg(long, value_name = "CMD")]
    pub serve_cmd: Option<String>,
    /// A load command run against the server, `{port}` and `{url}`
    /// (`http://127.0.0.1:PORT`) substituted: oha, wrk, h2load, hey and ab
    /// are read (requests per second, latency percentiles, the request
    /// count); any other is timed. Repeatable.
    #[arg(long = "load", value_name = "[NAME=]CMD")]
    pub load: Vec<String>,
    /// The load that trains PGO and BOLT configurations (default: the
    /// loads). Repeatable.
    #[arg(long = "train-load", value_name = "[NAME=]CMD")]
    pub train_load: Vec<String>,
    /// When the server is ready: `tcp` (its port accepts; the default),
    /// `http:/PATH` (a 2xx answer), `line:REGEX` (a line it prints).
    #[arg(long, value_name = "HOW")]
    pub ready: Option<String>,
    /// How long a server may take to become ready (default 30s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub ready_timeout: Option<Duration>,
    /// After SIGTERM, how long before SIGKILL (default 5s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub stop_timeout: Option<Duration>,
    /// Give every server start this port instead of a free one.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
}

/// `--bench` and friends.
#[derive(Debug, Args)]
#[command(next_help_heading = "Benchmarks")]
pub struct BenchArgs {
    /// Run this bench target's benchmarks on every configuration, built
    /// with its settings (criterion, divan, libtest's bencher lines,
    /// iai-callgrind), benchmark by benchmark. Repeatable.
    #[arg(long = "bench", value_name = "NAME")]
    pub bench: Vec<String>,
    /// Run every bench target of the selected packages.
    #[arg(long)]
    pub benches: bool,
    /// Only benchmarks whose id matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub bench_filter: Option<String>,
    /// The whole benchmarks phase's budget, split over the benchmarks
    /// (default 2m, or the metadata's `bench-time`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub bench_time: Option<Duration>,
    /// A profile the project benchmarks with (a cheaper `bench` or
    /// `profiling`): every configuration is also built on it, and each
    /// benchmark says whether it ranks the configurations as the shipped
    /// profile does.
    #[arg(long, value_name = "NAME")]
    pub bench_profile: Option<String>,
}

/// What to count for runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CounterArg {
    /// Wall-clock time.
    Time,
    /// Instructions: perf_event counters, else cachegrind (valgrind), else time (said so).
    Instructions,
    /// Instruction-fetch misses of a simulated first-level instruction
    /// cache (cachegrind's I1mr): where BOLT's layout shows. A simulation,
    /// deterministic; about ×1.4 the time of `instructions`.
    IfetchMisses,
}

/// `--run` and friends.
#[derive(Debug, Args)]
#[command(next_help_heading = "Runtime")]
pub struct RuntimeArgs {
    /// Run each configuration's binary with these arguments, split like a shell
    /// would but run without one; `NAME='ARGS'` names the workload. Repeatable.
    #[arg(long = "run", value_name = "[NAME=]ARGS")]
    pub run: Vec<String>,
    /// Run any command, `{bin}` standing for the configuration's binary
    /// (`{bin:NAME}` for one of several binaries). Repeatable.
    #[arg(long = "run-cmd", value_name = "[NAME=]CMD")]
    pub run_cmd: Vec<String>,
    /// Train PGO configurations with the binary and these arguments (the
    /// syntax of --run); without it, the measured workloads train them.
    /// Repeatable.
    #[arg(long = "train", value_name = "[NAME=]ARGS")]
    pub train: Vec<String>,
    /// Train PGO configurations with this command, `{bin}` standing for the
    /// instrumented binary (the syntax of --run-cmd). Repeatable.
    #[arg(long = "train-cmd", value_name = "[NAME=]CMD")]
    pub train_cmd: Vec<String>,
    /// Run workloads through `sh -c`.
    #[arg(long)]
    pub shell: bool,
    /// A command (through `sh -c`) run before each run, untimed.
    #[arg(long, value_name = "CMD")]
    pub prepare: Option<String>,
    /// Working directory of the workloads.
    #[arg(long, value_name = "DIR")]
    pub run_dir: Option<PathBuf>,
    /// File given to the workloads as stdin.
    #[arg(long, value_name = "FILE")]
    pub stdin: Option<PathBuf>,
    /// At least this many recorded runs per configuration (≥ 1, at most
    /// --max-runs).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = at_least_one)]
    pub runs: usize,
    /// Warm-up runs per configuration, not recorded.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub warmup: usize,
    /// Keep running rounds until this much time has passed (with --runs met).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_or_zero, default_value = "1s")]
    pub min_time: Duration,
    /// Never more than this many runs per configuration.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = at_least_one)]
    pub max_runs: usize,
    /// Keep measuring a configuration whose workload exits non-zero.
    #[arg(long)]
    pub ignore_failure: bool,
    /// What to measure.
    #[arg(long, value_enum, default_value_t = CounterArg::Time)]
    pub counter: CounterArg,
    /// How to compare outputs with baseline's (a workload's own
    /// `compare-output` key in the metadata wins).
    #[arg(long, value_enum, default_value_t = CompareArg::Auto)]
    pub compare_output: CompareArg,
}

/// How to compare workload outputs between configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareArg {
    /// `exact` while each configuration's own runs agree, else `lines`.
    Auto,
    /// stdout byte for byte.
    Exact,
    /// stdout's lines as a sorted multiset (output of threads, in any order).
    Lines,
    /// Do not compare.
    None,
}

impl From<CompareArg> for CompareOutput {
    fn from(c: CompareArg) -> CompareOutput {
        match c {
            CompareArg::Auto => CompareOutput::Auto,
            CompareArg::Exact => CompareOutput::Exact,
            CompareArg::Lines => CompareOutput::Lines,
            CompareArg::None => CompareOutput::None,
        }
    }
}

/// A count that must be at least 1 (`--runs`, `--max-runs`).
pub(super) fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `cargo lto build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The configuration to build: one of the presets (`fat-pgo`, …), of
    /// the metadata's `configurations`, or given with --with.
    #[arg(value_name = "CONFIG")]
    pub config: String,
    /// Cargo's flags.
    #[command(flatten)]
    pub cargo: CargoArgs,
    /// The preset that defines CONFIG (default: the one that has it).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Define CONFIG here, e.g. `--with rel:lto=fat,pgo=on`.
    #[arg(long = "with", value_name = "NAME:KEY=VALUE,…")]
    pub with: Vec<String>,
    /// The profile CONFIG builds on.
    #[arg(long, value_name = "NAME", default_value = "release")]
    pub base_profile: String,
    /// Train a PGO or BOLT configuration with the binary and these arguments
    /// (the syntax of `measure --run`); else the metadata's `train` table.
    #[arg(long = "train", value_name = "[NAME=]ARGS")]
    pub train: Vec<String>,
    /// Train with this command, `{bin}` standing for the binary (`{bin:NAME}`
    /// for one of several).
    #[arg(long = "train-cmd", value_name = "[NAME=]CMD")]
    pub train_cmd: Vec<String>,
    /// Copy the built binary here (default: `<target-dir>/cargo-lto/build/<bin>`);
    /// with several binaries, the directory to copy them into.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Wait for no other `cargo lto measure` or `build`: exit 2 instead.
    #[arg(long)]
    pub no_wait: bool,
    /// Print no progress, and no notes.
    #[arg(short, long)]
    pub quiet: bool,
    /// More: `-v` prints the build's table (its stages, peak memory, the
    /// binary's size) on stderr, `-vv` also echoes cargo's output.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}
