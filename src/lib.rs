//! `cargo lto`: measure what link-time optimisation and the other release
//! profile settings cost (build time, CPU, memory) and buy (size, speed) for
//! one project's binary, by building it under a matrix of configurations.
//!
//! The binary is a thin shell over this library: [`run`] executes a parsed
//! command line; [`build::wrapper::run`] is the rustc-wrapper mode.

pub mod advise;
pub mod build;
pub mod cli;
pub mod commands;
pub mod error;
pub(crate) mod gate;
pub(crate) mod inspect;
pub(crate) mod load;
pub(crate) mod measure;
pub(crate) mod metadata;
pub(crate) mod process;
pub mod profile;
pub(crate) mod progress;
pub mod render;
pub mod results;
pub(crate) mod stats;
pub(crate) mod units;
pub(crate) mod workspace;

use anyhow::Result;

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: cli::Cargo) -> Result<i32> {
    let cli::Cargo::Lto(lto) = cli;
    match &lto.command {
        cli::Command::Measure(args) => commands::measure::run(args),
        cli::Command::Inspect(args) => commands::inspect::run(args),
        cli::Command::Recommend(args) => commands::recommend::run(args),
        cli::Command::Apply(args) => commands::apply::run(args),
        cli::Command::Doctor(args) => commands::doctor::run(args),
        cli::Command::Explain(args) => commands::explain::run(args),
        cli::Command::Check(args) => commands::check::run(args),
        cli::Command::Report(args) => commands::report::run(args),
        cli::Command::Merge(args) => commands::merge::run(args),
        cli::Command::Plan(args) => commands::plan::run(args),
        cli::Command::Build(args) => commands::build::run(args),
    }
}
