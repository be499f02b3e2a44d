//! The advice documents' typed reasons in words: a recommendation's
//! reasons, why each other configuration lost, and a candidate's figures
//! against baseline. The documents hold the figures; only this file words
//! them.

use crate::results::BASELINE;
use crate::results::advice::{
    BUILD_CI_MIN_BUILDS, Decision, Difference, Goal, Offer, Reason, Recommendation, Rejected, Why,
};
use crate::units::{bytes, percent, seconds};

/// The goal as the command line spells it.
pub fn goal(goal: Goal) -> &'static str {
    match goal {
        Goal::Size => "size",
        Goal::Speed => "speed",
        Goal::Balanced => "balanced",
        Goal::BuildTime => "build-time",
    }
}

/// Every reason of `r` in words; the choice is followed by its figures
/// against baseline.
pub fn reasons(r: &Recommendation) -> Vec<String> {
    let mut out = Vec::new();
    for reason in &r.reasons {
        out.push(reason_text(reason));
        if let Reason::Chosen { .. } = reason
            && let Some(c) = r
                .choice
                .as_deref()
                .and_then(|name| r.candidates.iter().find(|c| c.name == name))
        {
            out.push(describe(c, &r.baseline));
        }
    }
    out
}

/// One reason in words.
pub fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::WorkloadFailedOnBaseline { workload } => format!(
            "workload `{workload}` failed on baseline itself, so it judges nothing and is left out"
        ),
        Reason::BusyMeasurements { builds, runtimes } => {
            let mut parts = Vec::new();
            if !builds.is_empty() {
                parts.push(format!(
                    "the clean builds of {} competed for the CPU (busy): their build times are not compared",
                    builds.join(", ")
                ));
            }
            if !runtimes.is_empty() {
                let runs: Vec<String> = runtimes
                    .iter()
                    .map(|(c, w)| format!("{c} on `{w}`"))
                    .collect();
                parts.push(format!(
                    "the runs of {} (or baseline's) competed for the CPU: no verdict is drawn from them",
                    runs.join(", ")
                ));
            }
            format!("{}; measure again on a quiet machine", parts.join("; "))
        }
        Reason::BaselineBreaksConstraint { why } => format!(
            "your current profile ({BASELINE}) breaks a constraint: {}",
            why_text(BASELINE, why)
        ),
        Reason::KeepWhatYouHave { why } => format!("keep what you have: {}", decision(why)),
        Reason::NothingMeetsConstraints { why } => {
            format!("no configuration meets the constraints: {}", decision(why))
        }
        Reason::Chosen { why } => decision(why),
        Reason::WorkloadLeftOut {
            workload,
            results_id,
            why,
        } => format!(
            "workload `{workload}`, which results {results_id} ran on these same binaries, is not in this answer: {}",
            super::runtime::left_out(why)
        ),
        Reason::WorkloadNotFor {
            workload,
            results_id,
            configurations,
        } => format!(
            "workload `{workload}` (carried from results {results_id}) has no runs of {}, whose binaries were built differently since: they are judged without it",
            configurations.join(", ")
        ),
    }
}

/// What the choice costs against what you have, in one sentence: every
/// figure worse than baseline's beyond the noise rules.
pub fn costs(r: &Recommendation) -> Option<String> {
    r.choice.as_ref()?;
    if r.costs.is_empty() {
        return Some(
            "It costs nothing measured: none of its figures is worse than baseline's beyond the noise."
                .into(),
        );
    }
    let parts: Vec<String> = r
        .costs
        .iter()
        .map(|d| difference(d, BASELINE, true))
        .collect();
    Some(format!(
        "What it costs against what you have: {}.",
        parts.join("; ")
    ))
}

/// The documents the answer rests on, and what each gave.
pub fn sources(r: &Recommendation) -> String {
    if r.sources.len() <= 1 {
        return format!("from results {}", r.results_id);
    }
    let parts: Vec<String> = r
        .sources
        .iter()
        .map(|s| {
            let mut what = Vec::new();
            if s.sizes {
                what.push("sizes".to_string());
            }
            if !s.builds.is_empty() {
                what.push(if s.sizes {
                    format!("builds of {}", s.builds.join(", "))
                } else {
                    format!("clean builds of {}", s.builds.join(", "))
                });
            }
            what.extend(s.workloads.iter().map(|w| format!("workload `{w}`")));
            format!("results {} ({})", s.results_id, what.join(", "))
        })
        .collect();
    format!("from {}", parts.join("; "))
}

fn decision(d: &Decision) -> String {
    match d {
        Decision::NoneFeasible => "every configuration breaks a constraint or failed".into(),
        Decision::TooLittleSmaller {
            config,
            shipped_bytes,
            required,
            ..
        } if config == BASELINE => format!(
            "no configuration that meets the constraints ships {} fewer bytes than baseline's {} (a smaller difference is a tie, and --goal size asks for at least that)",
            percent(*required, 0),
            bytes(*shipped_bytes)
        ),
        Decision::TooLittleSmaller {
            config,
            shipped_bytes,
            baseline_shipped_bytes,
            reduction,
            required,
        } => format!(
            "the smallest configuration that meets the constraints, {config}, ships {} against baseline's {} ({} smaller; --goal size asks for at least {})",
            bytes(*shipped_bytes),
            bytes(*baseline_shipped_bytes),
            percent(*reduction, 2),
            percent(*required, 0)
        ),
        Decision::FewestShippedBytes {
            config,
            shipped_bytes,
            baseline_shipped_bytes,
            reduction,
            ..
        } => format!(
            "{config} ships the fewest bytes: {} loaded at run time, {} less than baseline's {}",
            bytes(*shipped_bytes),
            percent(*reduction, 1),
            bytes(*baseline_shipped_bytes)
        ),
        Decision::BuildTimeTie {
            config,
            build_s,
            baseline_build_s,
            builds,
            ..
        } if *builds >= BUILD_CI_MIN_BUILDS => format!(
            "the fastest clean build, {config}'s {}, is not faster than baseline's {} beyond the noise (medians of {builds} clean builds each, whose CIs overlap: a tie)",
            seconds(*build_s),
            seconds(*baseline_build_s)
        ),
        Decision::BuildTimeTie {
            config,
            build_s,
            baseline_build_s,
            tie,
            ..
        } => format!(
            "the fastest clean build, {config}'s {}, is within {} of baseline's {} (one build each: a tie)",
            seconds(*build_s),
            percent(*tie, 0),
            seconds(*baseline_build_s)
        ),
        Decision::FastestBuild {
            config,
            build_s,
            baseline_build_s,
            ratio,
            builds,
        } => format!(
            "{config} builds fastest: {} against baseline's {} (×{ratio:.2}, {})",
            seconds(*build_s),
            seconds(*baseline_build_s),
            builds_each(*builds)
        ),
        Decision::BaselineBuildBusy => "the clean builds that would decide competed for the CPU (busy), so no build time can be compared: measure again on a quiet machine".into(),
        Decision::NoneFaster => "no configuration that meets the constraints is faster than baseline beyond the noise (the p-value adjusted for every comparison under 0.05, the ratio's 95% CI excluding 1, at least 1%) on any workload without being slower on another".into(),
        Decision::FastestRuntime {
            config,
            geomean_ratio,
        } => format!(
            "{config} runs fastest: geometric mean of its runtime ratios ×{geomean_ratio:.3} against baseline, faster beyond the noise"
        ),
        Decision::NoBalancedGain {
            required,
            build_cap,
            build_allowance_s,
        } => format!(
            "no configuration that meets the constraints ships at least {} fewer bytes or runs faster beyond the noise, without being slower elsewhere or building in more than {build_cap}× baseline's time or {} more, whichever is longer",
            percent(*required, 0),
            seconds(*build_allowance_s)
        ),
        Decision::BestBalance {
            config,
            score,
            runtime_measured,
            build_ratio,
            build_cap,
            build_allowance_s,
        } => format!(
            "{config} has the best balance: {} ×{score:.3} of baseline's, {}",
            if *runtime_measured {
                "shipped size × runtime ="
            } else {
                "shipped size (no runtime measured)"
            },
            match build_ratio {
                Some(r) => format!(
                    "at ×{r:.2} its clean build time (--goal balanced accepts up to ×{build_cap} or {} more)",
                    seconds(*build_allowance_s)
                ),
                None => "its build time not compared (warm builds)".into(),
            }
        ),
    }
}

/// Why `r` was not chosen, in words.
pub fn rejected(r: &Rejected) -> String {
    why_text(&r.name, &r.why)
}

/// Why configuration `name` was not chosen.
pub fn why_text(name: &str, why: &Why) -> String {
    match why {
        Why::Identical { to } => {
            format!("same effective settings as {to}: one build, judged as {to}")
        }
        Why::BuildFailed {
            exit_code: Some(code),
        } => format!("its build failed (exit {code})"),
        Why::BuildFailed { exit_code: None } => "its build failed".into(),
        Why::BuildTimedOut => "its build timed out".into(),
        Why::Interrupted => "its measurement was interrupted".into(),
        Why::NotMeasured => "no binary was measured".into(),
        Why::OutputDiffers { workload } => format!(
            "its output of workload `{workload}` differs from baseline's: a changed result matters more than its speed"
        ),
        Why::WorkloadFailed {
            workload,
            exit_code,
        } => match exit_code {
            Some(code) => format!("workload `{workload}` failed on it (exit {code})"),
            None => format!("workload `{workload}` failed on it"),
        },
        Why::BenchProfileTwin { of, profile } => format!(
            "`{of}` built on --bench-profile {profile}, to compare how that profile ranks the configurations: not a profile to ship"
        ),
        Why::BenchmarkRegression {
            benchmark,
            ratio,
            ratio_ci,
            worse_by,
            limit,
            count,
            offered,
        } => format!(
            "{}benchmark `{benchmark}` is {:.1}% slower than baseline's (×{ratio:.3} [{:.3}–{:.3}]), beyond --max-regression {:.0}%{}",
            offer(name, offered),
            worse_by * 100.0,
            ratio_ci[0],
            ratio_ci[1],
            limit * 100.0,
            match count {
                1 => String::new(),
                2 => " (1 more benchmark is too)".to_string(),
                n => format!(" ({} more benchmarks are too)", n - 1),
            }
        ),
        Why::ExceedsBuildTime {
            build_s,
            limit_s,
            offered,
        } => format!(
            "{}its clean build took {}, above --max-build-time {}",
            offer(name, offered),
            seconds(*build_s),
            seconds(*limit_s)
        ),
        Why::ExceedsLinkMemory {
            peak_bytes,
            limit_bytes,
            offered,
        } => format!(
            "{}its link step peaked at {}, above --max-link-memory {}",
            offer(name, offered),
            bytes(*peak_bytes),
            bytes(*limit_bytes)
        ),
        Why::LinkMemoryUnknown { offered, .. } => format!(
            "{}its link step's memory was not recorded, so --max-link-memory cannot be checked",
            offer(name, offered)
        ),
        Why::StripsSymbols { offered } => format!(
            "{}strip = \"symbols\" removes the symbol table, so a panic backtrace shows `<unknown>` frames (--need backtraces)",
            offer(name, offered)
        ),
        Why::NoDebuginfo { debug, offered } => format!(
            "{}debug = {debug}: no debug info to keep (--need debuginfo)",
            offer(name, offered)
        ),
        Why::StripsDebuginfo { strip, offered } => format!(
            "{}strip = \"{strip}\" removes the debug info (--need debuginfo)",
            offer(name, offered)
        ),
        Why::Aborts { offered } => format!(
            "{}panic = \"abort\" ends the process at the first panic: `catch_unwind` catches nothing and no destructors run (--need unwind)",
            offer(name, offered)
        ),
        Why::Dominated { by, differences } => {
            format!("dominated by {by}: {}", versus(differences, by))
        }
        Why::OtherGoal {
            goal: g,
            chosen,
            differences,
        } => format!(
            "on the Pareto front, but for --goal {}: {}",
            goal(*g),
            versus(differences, chosen)
        ),
        Why::NotEnoughGain { differences } => format!(
            "not enough gain over baseline: {}",
            versus(differences, BASELINE)
        ),
    }
}

/// "fat-cgu1 is 6.0% smaller but " when a rejected configuration had
/// something to offer.
fn offer(name: &str, offered: &Offer) -> String {
    let mut gains = Vec::new();
    if let Some(r) = offered.smaller {
        gains.push(format!("{} smaller", percent(r, 1)));
    }
    if offered.better {
        gains.push("better at run time".into());
    }
    if gains.is_empty() {
        String::new()
    } else {
        format!("{name} is {} but ", gains.join(" and "))
    }
}

/// The differences from `other`, in one clause.
fn versus(differences: &[Difference], other: &str) -> String {
    if differences.is_empty() {
        return format!("no difference from {other} beyond the noise");
    }
    let parts: Vec<String> = differences
        .iter()
        .map(|d| difference(d, other, false))
        .collect();
    format!("against {other}: {}", parts.join(", "))
}

/// One difference from `other`, in words; `settle` says what would
/// settle a build time from fewer builds than a CI needs.
fn difference(d: &Difference, other: &str, settle: bool) -> String {
    let sized = |change: f64, what: &str| {
        format!(
            "{what} {} {}",
            percent(change.abs(), 1),
            if change < 0.0 { "smaller" } else { "larger" }
        )
    };
    let runtime = |workload: &str, ratio: &Option<f64>, ci: &Option<[f64; 2]>, word: &str| match (
        ratio, ci,
    ) {
        (Some(r), Some([low, high])) => {
            format!("`{workload}` ×{r:.3} [{low:.3}–{high:.3}] {word}")
        }
        _ => format!("{word} on `{workload}`"),
    };
    match d {
        Difference::Shipped { change } => sized(*change, "shipped"),
        Difference::File { change } => sized(*change, "file"),
        Difference::BuildTime {
            build_s,
            other_build_s,
            builds,
        } => format!(
            "clean build ×{:.2} ({} against {}'s {}; {})",
            build_s / other_build_s,
            seconds(*build_s),
            other,
            seconds(*other_build_s),
            if settle {
                builds_each(*builds)
            } else {
                builds_of(*builds)
            }
        ),
        Difference::LinkMemory {
            peak_bytes,
            other_peak_bytes,
        } => format!(
            "link peak ×{:.2} ({} against {})",
            *peak_bytes as f64 / *other_peak_bytes as f64,
            bytes(*peak_bytes),
            bytes(*other_peak_bytes)
        ),
        Difference::Better {
            workload,
            metric,
            ratio,
            ratio_ci,
        } => runtime(workload, ratio, ratio_ci, better_word(*metric, true)),
        Difference::Worse {
            workload,
            metric,
            ratio,
            ratio_ci,
        } => runtime(workload, ratio, ratio_ci, better_word(*metric, false)),
    }
}

use super::figures::{better_word, builds_each, builds_of};
pub use super::figures::{describe, noise_words};
