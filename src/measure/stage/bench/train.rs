//! PGO's training by the project's own benchmarks.

use std::process::Command;

use anyhow::{Context, Result};

use super::harness::{self, Expected};
use super::{bench_args, output};
use crate::build;
use crate::measure::builder::Builder;
use crate::process::{Wait, read_all, run_piped};

/// A bench training run that failed: what ran, its exit code, its
/// stderr's tail.
pub type FailedTraining = (String, i32, String);

/// PGO's training by the project's benchmarks (`train = { bench = "NAME"
/// }`): the bench targets built with `config`'s instrumented build
/// (`flags`, in its directory `dir`), each one's benchmarks run once
/// briefly (`harness::train_args`) in its package's directory. The usage
/// of each build and run, or the one that failed.
pub fn train(
    plan: &crate::measure::resolved::MeasurePlan,
    config: &crate::measure::resolved::Planned,
    (dir, flags): (&str, &[String]),
    echo: &(dyn Fn(&str) + Sync),
) -> Result<Result<Vec<crate::process::Usage>, FailedTraining>> {
    let targets: Vec<crate::workspace::BinTarget> = plan
        .train_benches
        .iter()
        .map(|b| b.target.clone())
        .collect();
    let builder = Builder::with_flags(plan, config, dir, flags);
    let mut invocation = builder.invocation("pgo-bench");
    invocation.args = bench_args(&invocation.args, &targets);
    invocation.bins = Vec::new();
    invocation.benches = targets.clone();
    let built = build::run(&invocation, &|_| {}, echo)?;
    let mut usages = vec![built.usage];
    if !built.outcome.success() {
        let name = "the instrumented build of the bench targets".to_string();
        return Ok(Err((name, built.outcome.exit_code(), built.stderr_tail)));
    }
    let home = crate::measure::builder::tool_dir(&plan.project).join("criterion");
    std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
    for b in &plan.train_benches {
        let name = &b.target.name;
        let Some(exe) = built.bench_executables.get(name) else {
            return Ok(Err((
                format!("bench {name}"),
                -1,
                "cargo built no executable".into(),
            )));
        };
        let harness = match harness::expected(b)? {
            Expected::Known(h, _) => h,
            Expected::OneOf(choices) => {
                let help = output(exe, &["--help".to_string()], None)?;
                harness::from_help(&help.stdout)
                    .filter(|h| choices.contains(h))
                    .unwrap_or(choices[0])
            }
        };
        let mut cmd = Command::new(exe);
        cmd.args(harness::train_args(harness))
            .env("CRITERION_HOME", &home)
            .env("IAI_CALLGRIND_HOME", home.with_file_name("iai"));
        if let Some(dir) = b.target.manifest.parent() {
            cmd.current_dir(dir);
        }
        cmd.stdin(std::process::Stdio::null());
        let done = run_piped(&mut cmd, Wait::Deadline(None), read_all, read_all)
            .with_context(|| format!("running {}", exe.display()))?;
        usages.push(done.usage);
        if !done.outcome.success() {
            let stderr = String::from_utf8_lossy(&done.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines[lines.len().saturating_sub(10)..].join("\n");
            return Ok(Err((
                format!("bench {name}"),
                done.outcome.exit_code(),
                tail,
            )));
        }
    }
    Ok(Ok(usages))
}
