//! The command line: `cargo lto <command>` (clap derive, `bin_name = "cargo"`).
//! Cargo's own flags keep cargo's names and meanings; clap's `ValueEnum` types
//! stay in this layer and are converted to domain types.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;
use crate::workspace::CargoFlags;

mod advice;
mod measure;
mod reports;
pub use advice::{AdviceArgs, ApplyArgs, DoctorArgs, ExplainArgs, GoalArg, NeedArg, RecommendArgs};
pub use measure::{BuildArgs, CompareArg, CounterArg, MeasureArgs, RuntimeArgs};
pub use reports::{
    CheckArgs, MatrixArgs, MergeArgs, PlanArgs, PlanFormat, ReportArgs, ReportFormat,
    parse_percent, parse_shard,
};

/// `cargo lto …`, as cargo invokes the `cargo-lto` binary.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub enum Cargo {
    /// Measure what LTO and release-profile settings cost and buy for your binary.
    Lto(LtoCli),
}

/// `cargo lto`'s own options and command.
#[derive(Debug, Args)]
#[command(version, about, long_about = None)]
pub struct LtoCli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the binary under a matrix of release settings and measure each:
    /// clean build time, CPU, peak memory, the link step, a rebuild, binary size.
    Measure(Box<MeasureArgs>),
    /// Show what crate boundaries cost in the measured binaries: size per
    /// crate, what LTO inlined or removed, cross-crate calls, duplicate code.
    Inspect(InspectArgs),
    /// Pick the best measured configuration for a goal under your
    /// constraints, and say why every other one lost.
    Recommend(RecommendArgs),
    /// Write a configuration's settings into the workspace root's Cargo.toml
    /// (and rustflags keys into .cargo/config.toml), showing the diff.
    Apply(ApplyArgs),
    /// Find the profile and flag mistakes in the project's build setup:
    /// each with where, why and the fix (exit 1 on an error).
    Doctor(DoctorArgs),
    /// What a setting really does, what it costs and buys, and what it did
    /// in this project's measurements.
    Explain(ExplainArgs),
    /// Compare new results with a baseline document under limits, the CI
    /// gate: exit 1 when a limit is broken.
    Check(CheckArgs),
    /// The report to paste into an issue or a pull request: where and how
    /// it was measured, the configurations, the recommendation, the TOML.
    Report(ReportArgs),
    /// Join the documents of a sweep's shards (`measure --shard K/N`) into one.
    Merge(MergeArgs),
    /// The sweep's configurations as CI jobs (`measure --shard K/N` each),
    /// identical ones folded: a GitHub Actions matrix.
    Plan(PlanArgs),
    /// Build one configuration the way `measure` does, PGO and BOLT
    /// pipelines included, and leave its binary at a printed path: the
    /// release build of a pipeline no Cargo.toml can hold.
    Build(Box<BuildArgs>),
}

/// Output format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned tables for a terminal.
    Table,
    /// The document (docs/results-schema.md, docs/inspect.md).
    Json,
    /// Markdown, for a pull request or an issue.
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

/// `cargo lto inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Where the project and its results are.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Inspect only this package's binaries (in a workspace with several). Repeatable.
    #[arg(short = 'p', long, value_name = "SPEC", help_heading = "Cargo options")]
    pub package: Vec<String>,
    /// Inspect only this binary target (default: every one measured). Repeatable.
    #[arg(long, value_name = "NAME", help_heading = "Cargo options")]
    pub bin: Vec<String>,
    /// A results document to read instead of the newest in `<target-dir>/cargo-lto/results/`.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub results: Option<PathBuf>,
    /// Inspect these binaries instead of measured ones (give two to compare them).
    #[arg(long, value_name = "BINARY")]
    pub file: Vec<PathBuf>,
    /// Inspect only these configurations (comma separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub config: Vec<String>,
    /// The configuration the diff starts from [default: off].
    #[arg(long, value_name = "NAME")]
    pub base: Option<String>,
    /// The configuration compared with --base [default: fat].
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// How many rows each list shows (the JSON keeps them all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Show std, core, alloc, … separately instead of as `std`.
    #[arg(long)]
    pub split_std: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Where the project is, and its target directory (which holds the results).
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH", help_heading = "Cargo options")]
    pub manifest_path: Option<PathBuf>,
    /// Directory for all generated artifacts [env: CARGO_TARGET_DIR honoured through cargo].
    #[arg(long, value_name = "DIRECTORY", help_heading = "Cargo options")]
    pub target_dir: Option<PathBuf>,
}

/// Cargo's flags for building, with cargo's names.
#[derive(Debug, Args)]
pub struct CargoArgs {
    /// Where the project is.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Package whose binaries to measure (default: the root package, or the
    /// workspace's default members). Repeatable.
    #[arg(short, long, value_name = "SPEC", help_heading = "Cargo options")]
    pub package: Vec<String>,
    /// Measure only this binary target (default: every binary of the
    /// selected packages, built together). Repeatable.
    #[arg(long, value_name = "NAME", help_heading = "Cargo options")]
    pub bin: Vec<String>,
    /// Measure every binary of the selected packages (the default).
    #[arg(long, help_heading = "Cargo options")]
    pub bins: bool,
    /// Space or comma separated features to activate.
    #[arg(
        short = 'F',
        long,
        value_name = "FEATURES",
        help_heading = "Cargo options"
    )]
    pub features: Vec<String>,
    /// Activate all available features.
    #[arg(long, help_heading = "Cargo options")]
    pub all_features: bool,
    /// Do not activate the `default` feature.
    #[arg(long, help_heading = "Cargo options")]
    pub no_default_features: bool,
    /// Build for the target triple.
    #[arg(long, value_name = "TRIPLE", help_heading = "Cargo options")]
    pub target: Option<String>,
    /// Assert that Cargo.lock will remain unchanged.
    #[arg(long, help_heading = "Cargo options")]
    pub locked: bool,
    /// Run without accessing the network.
    #[arg(long, help_heading = "Cargo options")]
    pub offline: bool,
    /// Equivalent to specifying both --locked and --offline.
    #[arg(long, help_heading = "Cargo options")]
    pub frozen: bool,
    /// Number of parallel jobs.
    #[arg(short, long, value_name = "N", help_heading = "Cargo options")]
    pub jobs: Option<String>,
}

impl From<&ProjectArgs> for CargoFlags {
    fn from(a: &ProjectArgs) -> CargoFlags {
        CargoFlags {
            manifest_path: a.manifest_path.clone(),
            target_dir: a.target_dir.clone(),
            ..CargoFlags::default()
        }
    }
}

impl From<&CargoArgs> for CargoFlags {
    fn from(a: &CargoArgs) -> CargoFlags {
        CargoFlags {
            package: a.package.clone(),
            bin: a.bin.clone(),
            bins: a.bins,
            features: a.features.clone(),
            all_features: a.all_features,
            no_default_features: a.no_default_features,
            target: a.target.clone(),
            locked: a.locked,
            offline: a.offline,
            frozen: a.frozen,
            jobs: a.jobs.clone(),
            ..CargoFlags::from(&a.project)
        }
    }
}

/// Parses `90`, `90s`, `20m`, `1h`, `0.5s`: a positive duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match parse_duration_or_zero(text)? {
        Duration::ZERO => Err(format!("`{}` must be positive", text.trim())),
        d => Ok(d),
    }
}

/// Like [`parse_duration`], but `0` is allowed.
pub fn parse_duration_or_zero(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = match text.char_indices().last() {
        Some((i, 's')) => (&text[..i], 1.0),
        Some((i, 'm')) => (&text[..i], 60.0),
        Some((i, 'h')) => (&text[..i], 3600.0),
        _ => (text, 1.0),
    };
    let not_a_duration = || format!("`{text}` is not a duration: use e.g. 90s, 20m or 1h");
    let value: f64 = number.trim().parse().map_err(|_| not_a_duration())?;
    if value.is_nan() {
        return Err(not_a_duration());
    }
    if value < 0.0 {
        return Err(format!("`{text}` must not be negative"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|_| format!("`{text}` is too long"))
}

/// Parses a size in bytes: `6GiB`, `512 MiB`, `1.5G` (binary units: K, M,
/// G, T with or without `iB`), `2GB` (decimal: kB, MB, GB, TB), `4096`
/// (bytes). Units are case-insensitive. For memory ceilings such as
/// `--max-link-memory`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    // the number, in Rust's float syntax (`1.5`, `1e3`): the unit follows
    let split = (0..=t.len())
        .rev()
        .filter(|&i| t.is_char_boundary(i))
        .find(|&i| i > 0 && t[..i].parse::<f64>().is_ok_and(f64::is_finite))
        .unwrap_or(0);
    let (number, unit) = (&t[..split], t[split..].trim());
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| *v >= 0.0)
        .ok_or_else(|| format!("`{t}` is not a size: use e.g. 6GiB, 512MiB or 4096"))?;
    let scale: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024f64.powi(2),
        "g" | "gib" => 1024f64.powi(3),
        "t" | "tib" => 1024f64.powi(4),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => {
            return Err(format!(
                "`{t}`: unknown unit `{unit}` (use B, KiB, MiB, GiB, TiB, or kB, MB, GB, TB)"
            ));
        }
    };
    let bytes = (value * scale).round();
    if !(bytes.is_finite() && bytes < u64::MAX as f64) {
        return Err(format!("`{t}` is too large"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cargo::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("0.5s").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("0s").is_err());
        assert_eq!(parse_duration_or_zero("0s").unwrap(), Duration::ZERO);
        assert_eq!(
            parse_duration_or_zero("2s").unwrap(),
            Duration::from_secs(2)
        );
        // was a panic: a finite number too large for a Duration
        assert!(parse_duration("1e300s").unwrap_err().contains("too long"));
        assert!(parse_duration("NaN").is_err() && parse_duration("inf").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        // a number in exponent form is a number, not a unit `e30TB`
        assert_eq!(parse_size("1.5e3").unwrap(), 1500);
        assert!(parse_size("1e30TB").unwrap_err().contains("too large"));
        assert_eq!(parse_size("6GiB").unwrap(), 6 << 30);
        assert_eq!(parse_size("6 gib").unwrap(), 6 << 30);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("2GB").unwrap(), 2_000_000_000);
        assert!(parse_size("6 GiBs").unwrap_err().contains("unknown unit"));
        assert!(parse_size("lots").is_err() && parse_size("-1G").is_err());
        assert!(parse_size("1e30").is_err() && parse_size("99999999999T").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(measure::at_least_one("3"), Ok(3));
        assert_eq!(
            measure::at_least_one("0").unwrap_err(),
            "must be at least 1"
        );
        assert!(measure::at_least_one("-1").is_err() && measure::at_least_one("many").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_duration_text_parses_or_errs(text in "\\PC{0,16}") {
            let _ = parse_duration(&text);
            let _ = parse_duration_or_zero(&text);
        }

        #[test]
        fn durations_round_trip(secs in 0u64..10_000_000, unit in 0usize..3) {
            let (suffix, scale) = [("s", 1), ("m", 60), ("h", 3600)][unit];
            let d = parse_duration_or_zero(&format!("{secs}{suffix}")).unwrap();
            proptest::prop_assert_eq!(d, Duration::from_secs(secs * scale));
            proptest::prop_assert_eq!(parse_duration(&format!("{secs}{suffix}")).is_ok(), secs > 0);
        }

        #[test]
        fn any_size_text_parses_or_errs(text in "\\PC{0,16}") {
            let _ = parse_size(&text);
        }

        #[test]
        fn sizes_round_trip(n in 0u64..(1 << 40), unit in 0usize..5) {
            let (suffix, scale) = [("", 1u64), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("kB", 1000)][unit];
            let n = n / scale.max(1) ;
            proptest::prop_assert_eq!(parse_size(&format!("{n}{suffix}")).unwrap(), n * scale);
            proptest::prop_assert_eq!(parse_size(&format!("{n} {suffix}")).unwrap(), n * scale);
        }
    }
}
