//! A measure document's notes in words: the only place they are worded.
//! The notes hold what happened and its figures (`results/notes.rs`); this
//! file registers its words there, so that every note carries its sentence
//! as `text` wherever it is made.

use crate::results::notes::{
    BusyBuilds, Failure, NoCleanBuild, NoLinkStep, NoteKind, WORDING, Wording,
};
use crate::units::bytes;

#[linkme::distributed_slice(WORDING)]
#[linkme(crate = linkme)]
static WORDS: Wording = Wording {
    note: text,
    failure,
};

/// "`a`, `b`".
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A note's sentence.
pub fn text(kind: &NoteKind) -> String {
    setup(kind)
        .or_else(|| build(kind))
        .or_else(|| pipeline(kind))
        .or_else(|| runs(kind))
        .unwrap_or_default()
}

/// The notes about how the run was set up.
fn setup(kind: &NoteKind) -> Option<String> {
    Some(match kind {
        NoteKind::WrapperBypassed { wrappers } => format!(
            "your rustc wrapper {} is bypassed while measuring: a caching wrapper such as sccache turns builds into cache hits and falsifies their times",
            wrappers.join(", ")
        ),
        NoteKind::WorkspaceWrapperBlanked => "overriding build.rustc-workspace-wrapper sets RUSTC_WORKSPACE_WRAPPER=\"\", which changes the workspace members' symbol hashes: binary sizes may differ from a plain build's by a few bytes".into(),
        NoteKind::UnreadConfigs { cwd, files } => {
            let list: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            format!(
                "{} not read: cargo reads config files from the directory it runs in ({}) and the directories above it, not from the manifest's, and so does cargo-lto; run from the project's directory for {} to count",
                list.join(", "),
                cwd.display(),
                if list.len() == 1 { "it" } else { "them" }
            )
        }
        NoteKind::ServerTrainedOnLoads => "PGO and BOLT configurations are trained by the server under the loads it is measured with (no --train-load): their runtime gain is an upper bound (trained and measured on the same requests)".into(),
        NoteKind::TrainedOnWorkloads => "PGO and BOLT configurations are trained with the measured workloads themselves (no --train): their runtime gain is an upper bound (trained and measured on the same input)".into(),
        NoteKind::TrainTableUnused => "the metadata's `train` table trains PGO and BOLT configurations, and none is in this run (`--preset pgo`, or a configuration with pgo = \"on\" or bolt = \"on\"): it was not used".into(),
        NoteKind::Shard { k, n, configurations } => format!(
            "shard {k}/{n}: {} (baseline is in every shard, so each shard's comparisons have their reference from the same machine; `cargo lto merge` joins the shards)",
            configurations.join(", ")
        ),
        NoteKind::LinkedWithGold { configurations } => format!(
            "{}: linked with gold, which rustc warns is deprecated and has known bugs with Rust (cargo's output, shown with -vv)",
            quoted(configurations)
        ),
        NoteKind::LockfileRemoved { path } => format!(
            "{} did not exist; cargo created one to build and cargo-lto removed it again (commit a Cargo.lock for reproducible measurements)",
            path.display()
        ),
        NoteKind::CounterFallback { reason } => reason.clone(),
        NoteKind::Merged { ids } => format!(
            "merged from {} documents ({}); baseline is {}'s, and each configuration's runtime comparison is with the baseline of its own document, measured on its own machine",
            ids.len(),
            ids.join(", "),
            ids.first().map_or("", String::as_str)
        ),
        _ => return None,
    })
}

/// The notes about builds.
fn build(kind: &NoteKind) -> Option<String> {
    Some(match kind {
        NoteKind::RetriedBusy {
            config,
            round,
            retried,
        } => format!(
            "`{config}`: {} was busy and was built again {retried} time(s) (--retry-busy); the last one is recorded",
            if *round == 1 {
                "its clean build".to_string()
            } else {
                format!("its clean build {round}")
            }
        ),
        NoteKind::NoLinkStep { config, why } => match why {
            NoLinkStep::NothingChanged => format!(
                "`{config}`: no rustc ran (--warm, and nothing had changed), so there is no link step to time: its link figures show `?`"
            ),
            NoLinkStep::NoWrapperLog => format!(
                "`{config}`: the rustc wrapper left no log, so the link step was not timed: its link figures show `?`"
            ),
            NoLinkStep::NotRecompiled { bin } => format!(
                "`{config}`: cargo did not recompile `{bin}`'s binary crate, so there is no link step to time: its link figures show `?`"
            ),
        },
        NoteKind::BusyBuild {
            config,
            builds,
            contention,
            threshold,
        } => format!(
            "BUSY: other processes used {:.0}% of the machine during `{config}`'s {} (more than {:.0}%): its build time is not compared",
            contention * 100.0,
            match builds {
                BusyBuilds::Warm => "warm build",
                BusyBuilds::Clean => "clean build",
                BusyBuilds::EveryClean => "clean builds (every one of them)",
            },
            threshold * 100.0
        ),
        NoteKind::BusyLeftOut {
            config,
            busy,
            of,
            max_contention,
        } => format!(
            "`{config}`: {busy} of its {of} clean builds competed for the CPU (other processes used up to {:.0}% of the machine) and are left out of its median",
            max_contention * 100.0
        ),
        NoteKind::LowDiskSpace {
            config,
            dir,
            available_bytes,
            total_bytes,
        } => format!(
            "{}the filesystem of {} has {} free of {}: a build that runs out of disk fails with unrelated-looking errors (an LLVM backtrace, `ld terminated with signal 7 [Bus error]`); free some space (e.g. `cargo clean` in other projects) and measure again",
            config
                .as_ref()
                .map_or(String::new(), |c| format!("`{c}` failed, and ")),
            dir.display(),
            bytes(*available_bytes),
            bytes(*total_bytes)
        ),
        NoteKind::RoundFailed {
            config,
            round,
            runs,
        } => format!(
            "`{config}`: clean build {round} of {runs} failed after build 1 succeeded: the configuration is recorded as failed, with that build's error"
        ),
        NoteKind::NotReproducible { config, round } => format!(
            "`{config}`: clean build {round} made a different binary from build 1 (the build is not reproducible): the sizes are build 1's"
        ),
        NoteKind::Identical {
            configurations,
            original,
        } => format!(
            "{}: identical to `{original}` (the same effective settings, so the same build): built once, figures shared",
            quoted(configurations)
        ),
        NoteKind::CarriedBuilds {
            configurations,
            from,
        } => format!(
            "{}: clean build figures carried from results {from}, which built the same binary (byte for byte) with the same settings on this machine and toolchain; this run's warm build is in `warm_build`",
            quoted(configurations)
        ),
        NoteKind::WarmBuildsOnly {
            configurations,
            why,
        } => format!(
            "{}: build figures are this run's warm build ({}): measure without --warm first to compare build times",
            quoted(configurations),
            match why {
                NoCleanBuild::NoEarlierSweep =>
                    "no earlier clean sweep of this project is in the results directory",
                NoCleanBuild::NoSameBinary =>
                    "no earlier clean sweep built the same binary with the same settings on this machine and toolchain",
            }
        ),
        NoteKind::NoTwin { config, why } => format!("`{config}`: {why}"),
        NoteKind::BoltUntrained { config, bin } => format!(
            "`{config}`: the BOLT training never ran `{bin}`, so it has no profile to be laid out by: it is measured as linked (with the relocations BOLT needs), stripped as the profile says"
        ),
        NoteKind::EveryBinary { bins, packages } => format!(
            "measured every binary of {} together ({}), as one `cargo build` builds them: sizes are each binary's and their sum; --bin NAME measures one",
            match packages.as_slice() {
                [one] => format!("`{one}`"),
                many => format!("the packages {}", list(many)),
            },
            list(bins)
        ),
        _ => return None,
    })
}

/// The notes about PGO and BOLT.
fn pipeline(kind: &NoteKind) -> Option<String> {
    Some(match kind {
        NoteKind::StageFailed { config, failure: f } => format!("`{config}`: {}", failure(f)),
        NoteKind::Pipeline { config, stages } => {
            let parts: Vec<String> = stages
                .iter()
                .map(|s| match s.profiles {
                    Some((files, bytes)) => format!(
                        "{} {:.2} s ({files} profile(s), {bytes} bytes)",
                        s.stage, s.wall_s
                    ),
                    None => format!("{} {:.2} s", s.stage, s.wall_s),
                })
                .collect();
            let total: f64 = stages.iter().map(|s| s.wall_s).sum();
            format!(
                "`{config}`: built through a pipeline; besides its timed build came {}: {total:.2} s more (the table's figure is the whole pipeline)",
                parts.join(", ")
            )
        }
        NoteKind::BoltKeptOldCode { config, said } => format!(
            "`{config}`: llvm-bolt could not lay the new code in the original's place, so the original code stays in the file beside it (llvm-bolt: \"{said}\")"
        ),
        NoteKind::Slowdown {
            config,
            instrumented_s,
            optimized_s,
            runs,
        } => format!(
            "`{config}`: the instrumented binary ran the training ×{:.2} as long as the optimized one ({instrumented_s:.3} s against {optimized_s:.3} s, {})",
            instrumented_s / optimized_s,
            if *runs == 1 {
                "one run each".to_string()
            } else {
                format!("medians of {runs} runs each, alternated")
            }
        ),
        NoteKind::Coverage {
            config,
            workspace: w,
            low,
        } => {
            let figures = format!(
                "the profile covers {:.0}% of your crates' functions: {} with profile data ({} of them run by the training), {} compiled without",
                w.share().unwrap_or(0.0) * 100.0,
                w.with_data,
                w.executed,
                w.without_data
            );
            if *low {
                format!(
                    "LOW COVERAGE: `{config}`: {figures}. The profile does not fit this build: the instrumented build compiled other code under the same names. Likely causes: a build script or macro that generates different code on each build (from a timestamp, a random seed), or flags or environment that differ between the two builds. PGO gains little here"
                )
            } else {
                format!("`{config}`: {figures}")
            }
        }
        NoteKind::CoverageUnknown { config, tool, said } => format!(
            "`{config}`: the profile's coverage is unknown: {} show failed: {said}",
            tool.display()
        ),
        _ => return None,
    })
}

/// The notes about the runs.
fn runs(kind: &NoteKind) -> Option<String> {
    Some(match kind {
        NoteKind::OutputDiffers {
            config,
            workload,
            against_baseline,
            as_lines,
        } => format!(
            "OUTPUT DIFFERS: `{config}` printed other output for workload `{workload}` than {}{} — a changed result (panic strategy, float rounding, a miscompile) matters more than its speed",
            if *against_baseline {
                "baseline"
            } else {
                "the other configurations"
            },
            if *as_lines {
                " (compared as sorted lines)"
            } else {
                ""
            }
        ),
        NoteKind::Uncounted {
            config,
            workload,
            runs,
        } => format!(
            "`{config}`: {runs} run(s) of workload `{workload}` exited non-zero without an instruction count; they are not among its samples"
        ),
        NoteKind::ShellSyntax { workload, word } => format!(
            "workload `{workload}` failed, and its arguments were split at spaces but run without a shell (`{word}` reached the program as an argument): quote an argument that must stay one (`{workload}='[.[] | .a]'`), or use --shell"
        ),
        NoteKind::OutputsNotCompared { workload } => {
            format!("workload `{workload}`: outputs were not compared (--compare-output none)")
        }
        NoteKind::ComparedAsLines { workload } => format!(
            "workload `{workload}`: stdout changed from run to run (threads printing in scheduler order?), so outputs were compared as sorted lines (--compare-output auto; `exact` compares bytes)"
        ),
        NoteKind::OutputVaries {
            config,
            workload,
            as_lines,
        } => format!(
            "`{config}`'s output for workload `{workload}` varied {}: output equivalence cannot be judged for it",
            if *as_lines {
                "from run to run, even as sorted lines"
            } else {
                "from run to run"
            }
        ),
        NoteKind::TooFewRuns {
            differences,
            runs,
            comparisons,
            smallest_p,
            smallest_adjusted,
            runs_needed,
        } => {
            let list: Vec<String> = differences
                .iter()
                .map(|(c, w, r)| format!("`{c}` on `{w}` ×{r:.3}"))
                .collect();
            format!(
                "TOO FEW RUNS: {}: with {runs} runs each and {comparisons} comparisons, no difference can reach the verdict's p < {} (the smallest p-value {runs} runs allow is {smallest_p:.3}, {smallest_adjusted:.3} adjusted), so these are within noise by rule, not by measure: --runs {runs_needed} can confirm them",
                list.join(", "),
                crate::results::statistics::ALPHA
            )
        }
        NoteKind::NoBenchmarks { bench, filter } => match filter {
            Some(f) => format!(
                "bench target `{bench}` lists no benchmark that --bench-filter `{f}` matches: nothing of it was run"
            ),
            None => format!("bench target `{bench}` lists no benchmark: nothing of it was run"),
        },
        NoteKind::BenchRoundsCut {
            benchmarks,
            of,
            fewest,
            asked,
            run_s,
            needed_s,
        } => format!(
            "BENCH TIME: {benchmarks} of {of} benchmarks ran fewer rounds than the {asked} asked (down to {fewest}: too few to judge much), as --bench-time ran out: a run of a bench binary took {run_s:.2} s (the median; a benchmark's own code may set its harness's warm-up and measuring time), so every round of every benchmark needs about {:.0} min: give --bench-time {:.0}m, or fewer benchmarks with --bench-filter",
            needed_s / 60.0,
            (needed_s / 60.0).ceil()
        ),
        NoteKind::BenchProfileMisleads {
            profile,
            flips,
            mean_tau,
            threshold,
        } => {
            let listed: Vec<String> = flips
                .iter()
                .map(|(b, c)| format!("`{c}` on `{b}`"))
                .collect();
            let tau = match mean_tau {
                Some(t) => format!("the rankings agree at a mean Kendall tau of {t:.2}"),
                None => "the rankings cannot be compared".into(),
            };
            match listed.is_empty() {
                true => format!(
                    "BENCH PROFILE MISLEADS: profile `{profile}` ranks the configurations otherwise than the shipped one ({tau}, under {threshold}): benchmarks run on it do not predict what ships"
                ),
                false => format!(
                    "BENCH PROFILE MISLEADS: on profile `{profile}` the change flips sign for {} (better on one profile, worse on the other; {tau}): benchmarks run on it do not predict what ships",
                    listed.join(", ")
                ),
            }
        }
        NoteKind::BenchNotBolted { configurations } => format!(
            "{}: BOLT rewrites the measured binaries, not the bench binaries; their benchmarks run the bench binary as cargo linked it (with PGO's profile where it has one)",
            quoted(configurations)
        ),
        NoteKind::ServerKilled {
            configurations,
            stop_timeout_s,
        } => format!(
            "{}: the server ignored SIGTERM for {} and was killed (SIGKILL); its load runs count, since the stop came after them",
            quoted(configurations),
            crate::units::seconds(*stop_timeout_s)
        ),
        NoteKind::ServerUncounted { reason } => format!("no instructions per request: {reason}"),
        NoteKind::BusyRuns { runs, threshold } => {
            let list: Vec<String> = runs
                .iter()
                .map(|(c, w, load)| format!("`{c}` on `{w}` ({:.0}%)", load * 100.0))
                .collect();
            format!(
                "BUSY: other processes used more than {:.0}% of the machine while these ran: {}; they get no faster/slower verdict (nor does any configuration on a workload whose baseline runs were busy): measure again on a quiet machine",
                threshold * 100.0,
                list.join(", ")
            )
        }
        NoteKind::TooNoisy { workload, ratio } => format!(
            "TOO NOISY: on workload `{workload}` baseline's binary differed from a copy of itself (A/A ×{ratio:.3}, beyond the noise), so this machine could not tell configurations apart on it: no verdict is given; `--counter instructions` counts instructions, which do not vary with the machine's load"
        ),
        _ => return None,
    })
}

/// A failed stage's sentence.
pub fn failure(f: &Failure) -> String {
    match f {
        Failure::InstrumentedBuild => "its instrumented build (-Cprofile-generate) failed".into(),
        Failure::TrainingRun {
            workload,
            exit_code,
            bolt,
        } => format!(
            "its training run of `{workload}` with the {}instrumented binary failed (exit {exit_code})",
            if *bolt { "BOLT-" } else { "" }
        ),
        Failure::NoProfile { bolt: false } => "its training wrote no profile: the instrumented binary writes one when it exits normally, calls process::exit or unwinds from a panic, not when it aborts (panic = \"abort\", abort()) or is killed; or the workloads never ran the binary ({bin})".into(),
        Failure::NoProfile { bolt: true } => "its BOLT training wrote no profile: the instrumented binary writes one when it exits normally, not when it is killed; or the training never ran the binary ({bin})".into(),
        Failure::Merge { tool } => {
            format!("{} could not merge its training's profiles", tool.display())
        }
        Failure::BoltInstrument => "llvm-bolt could not instrument its binary".into(),
        Failure::MergeFdata => "merge-fdata could not merge its BOLT profiles".into(),
        Failure::BoltOptimize => "llvm-bolt could not optimize its binary".into(),
        Failure::Strip => "llvm-strip could not strip its BOLT output".into(),
        Failure::RenameSymbols => "llvm-objcopy could not rename its over-long symbols for BOLT (or name them back)".into(),
        Failure::BenchBuild { benches } => format!(
            "cargo could not build its bench targets ({}) with its settings",
            quoted(benches)
        ),
    }
}

/// Names as a list reads: `a`, `a` and `b`, `a`, `b` and `c`.
pub(super) fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
