//! `cargo lto recommend`: the measure document's configurations, filtered by
//! the user's constraints, reduced to their Pareto front, picked by goal.
//! Pure: one document in, one [`Recommendation`] out.
//!
//! Noise rules (docs/advice.md): a clean build is measured once, so build
//! times within [`BUILD_TIE`] of each other are a tie; link memory within
//! [`MEMORY_TIE`]; runtimes differ only when their CIs do not overlap (and
//! against baseline only with the document's verdict); sizes are exact,
//! but within the minimum effect (1%, as runtimes) they tie, and a size
//! goal needs at least [`SIZE_GAIN`] to beat what you have.

use std::collections::BTreeMap;

use crate::results::BASELINE;
use crate::results::advice::{
    ADVICE_SCHEMA_VERSION, BUILD_CI_MIN_BUILDS, Candidate, Constraints, Goal, Need, Offer, Reason,
    Recommendation, Rejected, RuntimeFigure, Why,
};
use crate::results::measure::{Configuration, MeasureDocument, SeriesKind, Status, Verdict};
use compare::{differences, dominates};
use pick::pick;

#[cfg(test)]
mod answer_tests;
#[cfg(test)]
mod bench_tests;
#[cfg(test)]
mod build_tests;
mod compare;
mod evidence;
mod pick;
#[cfg(test)]
mod tests;
mod toml;

pub use toml::{pipeline_steps, toml_snippet};

pub use crate::results::advice::BUILD_TIE;
/// Link peak memory closer than this (relative) is a tie.
pub const MEMORY_TIE: f64 = 0.05;
/// The size goal keeps what you have unless shipped size drops this much.
pub const SIZE_GAIN: f64 = 0.01;
/// The balanced goal accepts at most this multiple of baseline's build time,
/// or [`BALANCED_BUILD_ALLOWANCE_S`] more, whichever allows more.
pub const BALANCED_BUILD_CAP: f64 = 2.0;
/// The balanced goal accepts this many seconds more than baseline's clean
/// build whatever the ratio: on a 0.3 s build, a 3 s one costs nobody
/// anything.
pub const BALANCED_BUILD_ALLOWANCE_S: f64 = 30.0;

/// Why a recommendation cannot be made at all (bad input: exit 2).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Impossible {
    /// No configuration can be judged; the first rejection says why.
    #[error("no configuration in results {0} can be judged")]
    NothingMeasured(String, Box<Rejected>),
    /// `--goal speed` without runtime figures.
    #[error(
        "--goal speed needs runtime measurements, and results {0} have none: run `cargo lto measure --run 'NAME={{bin}} ARGS…'` with a workload of yours"
    )]
    NoRuntime(String),
    /// Build times are needed, and the document's are warm.
    #[error(
        "results {0} were measured with --warm: their build times are not clean builds, so {1} cannot be judged; measure without --warm"
    )]
    WarmBuilds(String, &'static str),
    /// `--bin` names a binary the results did not measure.
    #[error("--bin {1}: results {0} measured no such binary (they measured {2})")]
    NoSuchBin(String, String, String),
    /// Baseline is needed as the reference.
    #[error(
        "results {0} have no successful `baseline`: the recommendation compares against your current profile, so measure it too"
    )]
    NoBaseline(String),
}

crate::exit_code!(Impossible => crate::error::exit::USAGE);

/// A configuration's figures.
pub(super) struct Figures<'a> {
    pub(super) config: &'a Configuration,
    pub(super) candidate: Candidate,
}

impl Figures<'_> {
    fn name(&self) -> &str {
        &self.config.name
    }
}

/// The recommendation for `doc` under `goal` and `constraints`.
pub fn recommend(
    doc: &MeasureDocument,
    goal: Goal,
    constraints: &Constraints,
) -> Result<Recommendation, Impossible> {
    let id = doc.id.clone();
    // a warm run whose baseline carried a clean build from earlier results
    // can still compare build times (the warm ones are left out)
    let base_warm = doc
        .config(BASELINE)
        .and_then(|c| c.build.as_ref())
        .is_some_and(|b| b.warm);
    if base_warm {
        if goal == Goal::BuildTime {
            return Err(Impossible::WarmBuilds(id, "--goal build-time"));
        }
        if constraints.max_build_time_s.is_some() {
            return Err(Impossible::WarmBuilds(id, "--max-build-time"));
        }
    }
    let bin = constraints.bin.as_deref();
    if let Some(name) = bin
        && !doc.project.bins.iter().any(|b| b.name == name)
    {
        let measured = doc.project.bin_names().join(", ");
        return Err(Impossible::NoSuchBin(id, name.to_string(), measured));
    }
    let mut rejected = Vec::new();
    let mut feasible: Vec<Figures> = Vec::new();
    let base = doc
        .config(BASELINE)
        .filter(|c| c.status == Status::Ok && c.measured() && c.build.is_some())
        .ok_or_else(|| Impossible::NoBaseline(id.clone()))?;
    // a workload that fails on baseline judges nothing: left out for all
    let broken_workloads: Vec<&str> = base
        .series
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| r.name.as_str())
        .collect();
    // workloads whose baseline runs competed for the CPU judge nothing
    let busy_baseline: Vec<&str> = base
        .series
        .iter()
        .filter(|r| r.busy)
        .map(|r| r.name.as_str())
        .collect();
    let base_fig = figures(base, bin, &broken_workloads, &busy_baseline);
    let mut any_ok = false;
    for c in &doc.configurations {
        let reject = |why| Rejected {
            name: c.name.clone(),
            why,
        };
        if let Some(t) = &c.twin {
            rejected.push(reject(Why::BenchProfileTwin {
                of: t.of.clone(),
                profile: t.profile.clone(),
            }));
            continue;
        }
        if let Some(original) = &c.identical_to {
            rejected.push(reject(Why::Identical {
                to: original.clone(),
            }));
            continue;
        }
        if let Some(why) = broken(c, &broken_workloads) {
            rejected.push(reject(why));
            continue;
        }
        any_ok = true;
        let f = figures(c, bin, &broken_workloads, &busy_baseline);
        let offered = offer(&f.candidate, &base_fig.candidate);
        match violation(c, &f.candidate, constraints, offered) {
            Some(why) => rejected.push(reject(why)),
            None => feasible.push(f),
        }
    }
    if !any_ok {
        let first = rejected.into_iter().next().unwrap_or(Rejected {
            name: BASELINE.into(),
            why: Why::NotMeasured,
        });
        return Err(Impossible::NothingMeasured(id, Box::new(first)));
    }
    let has_runtime = doc
        .configurations
        .iter()
        .any(|c| c.series.iter().any(|r| r.vs_baseline.is_some()))
        && base.series.iter().any(|r| r.status == Status::Ok);
    if goal == Goal::Speed && !has_runtime {
        return Err(Impossible::NoRuntime(id));
    }
    // the Pareto front of what met the constraints
    let front: Vec<bool> = feasible
        .iter()
        .map(|f| {
            !feasible
                .iter()
                .any(|g| dominates(&g.candidate, &f.candidate))
        })
        .collect();
    for (f, on) in feasible.iter_mut().zip(&front) {
        f.candidate.pareto = *on;
    }
    let base_feasible = feasible.iter().any(|f| f.name() == BASELINE);
    let (choice, decision) = pick(&feasible, goal, &base_fig.candidate);
    let mut reasons: Vec<Reason> = broken_workloads
        .iter()
        .map(|w| Reason::WorkloadFailedOnBaseline {
            workload: w.to_string(),
        })
        .collect();
    let busy_builds: Vec<String> = feasible
        .iter()
        .filter(|f| f.candidate.build_busy)
        .map(|f| f.name().to_string())
        .collect();
    let busy_runtimes: Vec<(String, String)> = feasible
        .iter()
        .flat_map(|f| {
            f.candidate
                .runtime
                .iter()
                .filter(|r| r.busy)
                .map(|r| (f.name().to_string(), r.workload.clone()))
        })
        .collect();
    if !busy_builds.is_empty() || !busy_runtimes.is_empty() {
        reasons.push(Reason::BusyMeasurements {
            builds: busy_builds,
            runtimes: busy_runtimes,
        });
    }
    reasons.extend(evidence::left_out(doc));
    if !base_feasible && let Some(r) = rejected.iter().find(|r| r.name == BASELINE) {
        reasons.push(Reason::BaselineBreaksConstraint { why: r.why.clone() });
    }
    reasons.push(match choice {
        Some(_) => Reason::Chosen { why: decision },
        None if base_feasible => Reason::KeepWhatYouHave { why: decision },
        None => Reason::NothingMeetsConstraints { why: decision },
    });
    // every other feasible configuration: why it lost
    for (i, f) in feasible.iter().enumerate() {
        if Some(i) == choice || (choice.is_none() && f.name() == BASELINE) {
            continue;
        }
        let why = match feasible
            .iter()
            .find(|g| dominates(&g.candidate, &f.candidate))
        {
            Some(g) => Why::Dominated {
                by: g.name().to_string(),
                differences: differences(&f.candidate, &g.candidate),
            },
            None => match choice {
                Some(c) => Why::OtherGoal {
                    goal,
                    chosen: feasible[c].name().to_string(),
                    differences: differences(&f.candidate, &feasible[c].candidate),
                },
                None => Why::NotEnoughGain {
                    differences: differences(&f.candidate, &base_fig.candidate),
                },
            },
        };
        rejected.push(Rejected {
            name: f.name().to_string(),
            why,
        });
    }
    let chosen = choice.map(|i| feasible[i].config);
    let costs = choice
        .map(|i| compare::costs(&feasible[i].candidate, &base_fig.candidate))
        .unwrap_or_default();
    let settings = chosen.map(|c| to_write(c, doc)).unwrap_or_default();
    let mut candidates: Vec<Candidate> = feasible.into_iter().map(|f| f.candidate).collect();
    candidates.sort_by_key(|c| {
        doc.configurations
            .iter()
            .position(|d| d.name == c.name)
            .unwrap_or(usize::MAX)
    });
    Ok(Recommendation {
        schema_version: ADVICE_SCHEMA_VERSION,
        results_id: id,
        goal,
        constraints: constraints.clone(),
        choice: chosen.map(|c| c.name.clone()),
        toml: toml_snippet(&doc.base_profile, &settings),
        pipeline: pipeline_steps(&settings),
        settings,
        costs,
        reasons,
        rejected,
        candidates,
        baseline: base_fig.candidate,
        sources: evidence::sources(doc),
    })
}

/// Why a configuration cannot be recommended whatever the constraints;
/// `skip` are the workloads that failed on baseline.
fn broken(c: &Configuration, skip: &[&str]) -> Option<Why> {
    match c.status {
        Status::Ok => {}
        Status::Failed => {
            return Some(Why::BuildFailed {
                exit_code: c.exit_code,
            });
        }
        Status::Timeout => return Some(Why::BuildTimedOut),
        Status::Interrupted => return Some(Why::Interrupted),
    }
    if !c.measured() || c.build.is_none() {
        return Some(Why::NotMeasured);
    }
    for r in c.series.iter().filter(|r| !skip.contains(&r.name.as_str())) {
        if r.output_differs {
            return Some(Why::OutputDiffers {
                workload: r.name.clone(),
            });
        }
        if r.status != Status::Ok {
            return Some(Why::WorkloadFailed {
                workload: r.name.clone(),
                exit_code: r.exit_code,
            });
        }
    }
    None
}

/// `c`'s figures: its sizes those of binary `bin` (or of all, added up).
fn figures<'a>(
    c: &'a Configuration,
    bin: Option<&str>,
    skip: &[&str],
    busy_baseline: &[&str],
) -> Figures<'a> {
    let sizes = c.sizes(bin).unwrap_or_default();
    let build = c.build.as_ref().expect("checked by broken()");
    let runtime = c
        .series
        .iter()
        .filter(|r| !skip.contains(&r.name.as_str()))
        .filter_map(|r| {
            let cmp = r.vs_baseline.as_ref()?;
            Some(RuntimeFigure {
                workload: r.name.clone(),
                ratio: cmp.ratio,
                ratio_ci: cmp.ratio_ci,
                verdict: cmp.verdict,
                within_noise: cmp.within_noise,
                metric: r.metric,
                busy: r.busy || busy_baseline.contains(&r.name.as_str()),
                kind: r.kind,
            })
        })
        .collect();
    // a pipeline's cost is the whole pipeline's: its stages before the
    // timed build add their time (the CI shifts with them), and its memory
    // is the largest stage's
    let (stages_s, _, stages_rss) = crate::results::pipeline::cost(&c.pipeline);
    Figures {
        config: c,
        candidate: Candidate {
            name: c.name.clone(),
            shipped_bytes: sizes.shipped_bytes,
            size_bytes: sizes.size_bytes,
            build_s: build.wall_s + stages_s,
            builds: build.used_samples().len().max(1),
            build_ci: build
                .wall_s_ci
                .filter(|_| build.used_samples().len() >= BUILD_CI_MIN_BUILDS)
                .map(|[low, high]| [low + stages_s, high + stages_s]),
            build_warm: build.warm,
            build_busy: build.busy,
            link_peak_rss_bytes: build
                .link
                .map(|l| l.peak_rss_bytes.max(stages_rss.unwrap_or(0))),
            runtime,
            pareto: false,
            sections: sizes.sections,
        },
    }
}

/// The effective value of `key` for `c` (its own, or the base profile's).
fn effective<'a>(c: &'a Configuration, key: &str) -> Option<&'a str> {
    c.effective.get(key).map(|s| s.value.as_str())
}

/// The first constraint `c` breaks, with its figures; `offered` is what it
/// would have bought.
fn violation(
    c: &Configuration,
    f: &Candidate,
    constraints: &Constraints,
    offered: Offer,
) -> Option<Why> {
    if let Some(why) = regression(f, constraints, &offered) {
        return Some(why);
    }
    if let Some(limit_s) = constraints.max_build_time_s
        && f.build_s > limit_s
    {
        return Some(Why::ExceedsBuildTime {
            build_s: f.build_s,
            limit_s,
            offered,
        });
    }
    if let Some(limit_bytes) = constraints.max_link_memory_bytes {
        match f.link_peak_rss_bytes {
            Some(peak_bytes) if peak_bytes > limit_bytes => {
                return Some(Why::ExceedsLinkMemory {
                    peak_bytes,
                    limit_bytes,
                    offered,
                });
            }
            None => {
                return Some(Why::LinkMemoryUnknown {
                    limit_bytes,
                    offered,
                });
            }
            _ => {}
        }
    }
    for need in &constraints.needs {
        let strip = effective(c, "strip").unwrap_or("none");
        let debug = effective(c, "debug").unwrap_or("none");
        let offered = offered.clone();
        match need {
            Need::Backtraces if strip == "symbols" => return Some(Why::StripsSymbols { offered }),
            Need::Debuginfo if matches!(debug, "none" | "false" | "0") => {
                return Some(Why::NoDebuginfo {
                    debug: debug.into(),
                    offered,
                });
            }
            Need::Debuginfo if strip != "none" => {
                return Some(Why::StripsDebuginfo {
                    strip: strip.into(),
                    offered,
                });
            }
            Need::Unwind if effective(c, "panic") == Some("abort") => {
                return Some(Why::Aborts { offered });
            }
            _ => {}
        }
    }
    None
}

/// The benchmarks of `f` judged worse than baseline's by more than
/// `--max-regression`, named by the worst.
fn regression(f: &Candidate, constraints: &Constraints, offered: &Offer) -> Option<Why> {
    let limit = constraints.max_regression?;
    let mut over: Vec<(&RuntimeFigure, f64)> = f
        .runtime
        .iter()
        .filter(|r| r.kind == SeriesKind::Benchmark && r.verdict == Verdict::Worse)
        .map(|r| (r, compare::cost(r.ratio, r.metric) - 1.0))
        .filter(|(_, worse)| *worse > limit)
        .collect();
    over.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (worst, worse_by) = over.first()?;
    Some(Why::BenchmarkRegression {
        benchmark: worst.workload.clone(),
        ratio: worst.ratio,
        ratio_ci: worst.ratio_ci,
        worse_by: *worse_by,
        limit,
        count: over.len(),
        offered: offered.clone(),
    })
}

/// What `f` would buy against baseline: at least the size goal's gain in
/// shipped bytes, or a faster runtime.
fn offer(f: &Candidate, base: &Candidate) -> Offer {
    let reduction = 1.0 - f.shipped_bytes as f64 / base.shipped_bytes as f64;
    Offer {
        smaller: (reduction >= SIZE_GAIN).then_some(reduction),
        better: f.runtime.iter().any(|r| r.verdict == Verdict::Better),
    }
}

/// The keys of `c` to write: its settings where they differ from what the
/// base profile already resolves to.
fn to_write(c: &Configuration, doc: &MeasureDocument) -> BTreeMap<String, String> {
    c.settings
        .iter()
        .filter(|(k, v)| doc.base_settings.get(*k).map(|s| &s.value) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
