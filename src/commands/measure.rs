//! `cargo lto measure`: arguments in, the sweep run by `measure::run`, the
//! document rendered, the exit code chosen.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Color, CounterArg, FormatArg, MeasureArgs};
use crate::error::exit;
use crate::measure::runtime::workload::Options;
use crate::measure::{self, CounterChoice, Request, RuntimeRequest, Scope};
use crate::render;
use crate::workspace::CargoFlags;

/// The library's request for these arguments.
fn request(args: &MeasureArgs) -> Request {
    let rt = &args.runtime;
    Request {
        serve: measure::serve_plan::ServeRequest {
            serve: args.serve.serve.clone(),
            serve_cmd: args.serve.serve_cmd.clone(),
            load: args.serve.load.clone(),
            train_load: args.serve.train_load.clone(),
            ready: args.serve.ready.clone(),
            ready_timeout: args.serve.ready_timeout,
            stop_timeout: args.serve.stop_timeout,
            port: args.serve.port,
            dir: rt.run_dir.clone(),
        },
        // as the user typed it: `cargo lto measure …` (cargo runs us as
        // `cargo-lto lto measure …`)
        invocation: std::iter::once("cargo".to_string())
            .chain(std::env::args().skip(1))
            .collect(),
        scope: Scope {
            flags: CargoFlags {
                bench: args.bench.bench.clone(),
                benches: args.bench.benches,
                ..CargoFlags::from(&args.cargo)
            },
            matrix: super::matrix(&args.matrix),
            base_profile: args.matrix.base_profile.clone(),
            no_wait: args.no_wait,
            train: rt.train.clone(),
            train_cmd: rt.train_cmd.clone(),
            options: Options {
                shell: rt.shell,
                prepare: rt.prepare.clone(),
                dir: rt.run_dir.clone(),
                stdin: rt.stdin.clone(),
                compare_output: rt.compare_output.into(),
            },
        },
        shard: args.shard,
        warm: args.warm,
        no_rebuild: args.no_rebuild,
        retry_busy: args.retry_busy,
        build_runs: args.build_runs,
        timeout: args.timeout,
        verbose: args.verbose >= 2,
        quiet: args.quiet,
        color: match args.color {
            Color::Auto => None,
            Color::Always => Some("always".into()),
            Color::Never => Some("never".into()),
        },
        runtime: RuntimeRequest {
            run: rt.run.clone(),
            run_cmd: rt.run_cmd.clone(),
            runs: rt.runs,
            warmup: rt.warmup,
            min_time: rt.min_time,
            max_runs: rt.max_runs,
            ignore_failure: rt.ignore_failure,
            counter: match rt.counter {
                CounterArg::Time => CounterChoice::Time,
                CounterArg::Instructions => CounterChoice::Instructions,
                CounterArg::IfetchMisses => CounterChoice::FetchMisses,
            },
            bench_filter: args.bench.bench_filter.clone(),
            bench_time: args.bench.bench_time,
            bench_profile: args.bench.bench_profile.clone(),
        },
    }
}

/// Runs `measure`; returns the exit code.
pub fn run(args: &MeasureArgs) -> Result<i32> {
    let outcome = measure::run(&request(args))?;
    let doc = &outcome.document;
    let mut out = std::io::stdout().lock();
    let view = render::View {
        wide: args.verbose >= 1,
    };
    out.write_all(render::measure(doc, args.format.into(), view)?.as_bytes())?;
    if let Some(path) = &outcome.saved
        && args.format == FormatArg::Table
        && !args.quiet
    {
        writeln!(out, "\nresults: {}", path.display())?;
    }
    out.flush()?;
    Ok(if doc.interrupted() || measure::interrupted() {
        exit::INTERRUPTED
    } else if doc.any_failed() {
        exit::CONFIG_FAILED
    } else {
        exit::OK
    })
}
