//! `cargo lto recommend`: the measure document's configurations, filtered by
//! the user's constraints, reduced to their Pareto front, picked by goal.
//! Pure: one document in, one [`Recommendation`] out.
//!
//! Noise rules (docs/advice.md): a clean build is measured once, so build
//! times within [`BUILD_TIE`] of each other are a tie; link memory within
//! [`MEMORY_TIE`]; runtimes differ only when their CIs do not overlap (and
//! against baseline only with the document's verdict); sizes are exact, but
//! a size goal needs at least [`SIZE_GAIN`] to beat what you have.

use std::collections::BTreeMap;

use super::compare::dominates;
use super::pick::{Pick, pick};
use super::wording::{describe, toml_snippet, versus};
use crate::render::cells::Cell;
use crate::results::advice::{
    Candidate, Constraints, Goal, Need, Recommendation, Rejected, RuntimeFigure,
};
use crate::results::measure::{Configuration, MeasureDocument, Status, Verdict};

/// Clean build times closer than this (relative) are a tie: n = 1 on a
/// shared machine.
pub const BUILD_TIE: f64 = 0.10;
/// Link peak memory closer than this (relative) is a tie.
pub const MEMORY_TIE: f64 = 0.05;
/// The size goal keeps what you have unless shipped size drops this much.
pub const SIZE_GAIN: f64 = 0.01;
/// The balanced goal accepts at most this multiple of baseline's build time.
pub const BALANCED_BUILD_CAP: f64 = 2.0;

/// Why a recommendation cannot be made at all (bad input: exit 2).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Impossible {
    /// No configuration can be judged.
    #[error("no configuration in results {0} can be judged: {1}")]
    NothingMeasured(String, String),
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
    /// Baseline is needed as the reference.
    #[error(
        "results {0} have no successful `baseline`: the recommendation compares against your current profile, so measure it too"
    )]
    NoBaseline(String),
}

impl Impossible {
    /// The exit code: bad input.
    pub fn exit_code(&self) -> i32 {
        crate::error::exit::USAGE
    }
}

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
    if doc.warm {
        if goal == Goal::BuildTime {
            return Err(Impossible::WarmBuilds(id, "--goal build-time"));
        }
        if constraints.max_build_time_s.is_some() {
            return Err(Impossible::WarmBuilds(id, "--max-build-time"));
        }
    }
    let mut rejected = Vec::new();
    let mut feasible: Vec<Figures> = Vec::new();
    let base = doc
        .config("baseline")
        .filter(|c| c.status == Status::Ok && c.binary.is_some() && c.build.is_some())
        .ok_or_else(|| Impossible::NoBaseline(id.clone()))?;
    // a workload that fails on baseline judges nothing: left out for all
    let broken_workloads: Vec<&str> = base
        .runtime
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| r.workload.as_str())
        .collect();
    let base_fig = figures(base, &broken_workloads);
    let mut any_ok = false;
    for c in &doc.configurations {
        if let Some(original) = &c.identical_to {
            rejected.push(Rejected {
                name: c.name.clone(),
                why: format!(
                    "same effective settings as {original}: one build, judged as {original}"
                ),
            });
            continue;
        }
        if let Some(why) = broken(c, &broken_workloads) {
            rejected.push(Rejected {
                name: c.name.clone(),
                why,
            });
            continue;
        }
        any_ok = true;
        let f = figures(c, &broken_workloads);
        match violation(c, &f.candidate, constraints) {
            Some(why) => rejected.push(Rejected {
                name: c.name.clone(),
                why: format!("{}{why}", gain_prefix(&f.candidate, &base_fig.candidate)),
            }),
            None => feasible.push(f),
        }
    }
    if !any_ok {
        let first = rejected
            .first()
            .map_or(String::new(), |r| format!("{}: {}", r.name, r.why));
        return Err(Impossible::NothingMeasured(id, first));
    }
    let has_runtime = doc
        .configurations
        .iter()
        .any(|c| c.runtime.iter().any(|r| r.vs_baseline.is_some()))
        && base.runtime.iter().any(|r| r.status == Status::Ok);
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
    let base_feasible = feasible.iter().any(|f| f.name() == "baseline");
    let pick = pick(&feasible, goal, &base_fig.candidate);
    let mut reasons = Vec::new();
    for w in &broken_workloads {
        reasons.push(format!(
            "workload `{w}` failed on baseline itself, so it judges nothing and is left out"
        ));
    }
    if !base_feasible {
        reasons.push(format!(
            "your current profile (baseline) breaks a constraint: {}",
            rejected
                .iter()
                .find(|r| r.name == "baseline")
                .map_or("", |r| r.why.as_str())
        ));
    }
    let choice = match pick {
        Pick::Keep(why) if base_feasible => {
            reasons.push(format!("keep what you have: {why}"));
            None
        }
        Pick::Keep(why) => {
            reasons.push(format!("no configuration meets the constraints: {why}"));
            None
        }
        Pick::Choose(i, why) => {
            reasons.push(why);
            reasons.push(describe(&feasible[i].candidate, &base_fig.candidate));
            Some(i)
        }
    };
    // every other feasible configuration: why it lost
    for (i, f) in feasible.iter().enumerate() {
        if Some(i) == choice || (choice.is_none() && f.name() == "baseline") {
            continue;
        }
        let why = match feasible
            .iter()
            .find(|g| dominates(&g.candidate, &f.candidate))
        {
            Some(g) => format!(
                "dominated by {}: {}",
                g.name(),
                versus(&f.candidate, &g.candidate)
            ),
            None => match choice {
                Some(c) => format!(
                    "on the Pareto front, but for --goal {}: {}",
                    goal_name(goal),
                    versus(&f.candidate, &feasible[c].candidate)
                ),
                None => format!(
                    "not enough gain over baseline: {}",
                    versus(&f.candidate, &base_fig.candidate)
                ),
            },
        };
        rejected.push(Rejected {
            name: f.name().to_string(),
            why,
        });
    }
    let chosen = choice.map(|i| feasible[i].config);
    let settings = chosen.map(|c| to_write(c, doc)).unwrap_or_default();
    let mut candidates: Vec<Candidate> = feasible.into_iter().map(|f| f.candidate).collect();
    candidates.sort_by_key(|c| {
        doc.configurations
            .iter()
            .position(|d| d.name == c.name)
            .unwrap_or(usize::MAX)
    });
    Ok(Recommendation {
        results_id: id,
        goal,
        constraints: constraints.clone(),
        choice: chosen.map(|c| c.name.clone()),
        toml: toml_snippet(&doc.base_profile, &settings),
        settings,
        reasons,
        rejected,
        candidates,
    })
}

/// The goal as the command line spells it.
pub fn goal_name(goal: Goal) -> &'static str {
    match goal {
        Goal::Size => "size",
        Goal::Speed => "speed",
        Goal::Balanced => "balanced",
        Goal::BuildTime => "build-time",
    }
}

/// Why a configuration cannot be recommended whatever the constraints;
/// `skip` are the workloads that failed on baseline.
fn broken(c: &Configuration, skip: &[&str]) -> Option<String> {
    match c.status {
        Status::Ok => {}
        Status::Failed => {
            return Some(match c.exit_code {
                Some(code) => format!("its build failed (exit {code})"),
                None => "its build failed".into(),
            });
        }
        Status::Timeout => return Some("its build timed out".into()),
        Status::Interrupted => return Some("its measurement was interrupted".into()),
    }
    if c.binary.is_none() || c.build.is_none() {
        return Some("no binary was measured".into());
    }
    for r in c
        .runtime
        .iter()
        .filter(|r| !skip.contains(&r.workload.as_str()))
    {
        if r.output_differs {
            return Some(format!(
                "its output of workload `{}` differs from baseline's: a changed result matters more than its speed",
                r.workload
            ));
        }
        if r.status != Status::Ok {
            return Some(format!(
                "workload `{}` failed on it (exit {})",
                r.workload,
                r.exit_code.unwrap_or(-1)
            ));
        }
    }
    None
}

fn figures<'a>(c: &'a Configuration, skip: &[&str]) -> Figures<'a> {
    let bin = c.binary.as_ref().expect("checked by broken()");
    let build = c.build.as_ref().expect("checked by broken()");
    let runtime = c
        .runtime
        .iter()
        .filter(|r| !skip.contains(&r.workload.as_str()))
        .filter_map(|r| {
            let cmp = r.vs_baseline.as_ref()?;
            Some(RuntimeFigure {
                workload: r.workload.clone(),
                ratio: cmp.ratio,
                ratio_ci: cmp.ratio_ci,
                verdict: cmp.verdict,
            })
        })
        .collect();
    Figures {
        config: c,
        candidate: Candidate {
            name: c.name.clone(),
            shipped_bytes: bin.shipped_bytes,
            size_bytes: bin.size_bytes,
            build_s: build.wall_s,
            build_warm: build.warm,
            link_peak_rss_bytes: build.link.map(|l| l.peak_rss_bytes),
            runtime,
            pareto: false,
            sections: bin.sections.clone(),
        },
    }
}

/// The effective value of `key` for `c` (its own, or the base profile's).
fn effective<'a>(c: &'a Configuration, key: &str) -> Option<&'a str> {
    c.effective.get(key).map(|s| s.value.as_str())
}

/// The first constraint `c` breaks, worded with the numbers.
fn violation(c: &Configuration, f: &Candidate, constraints: &Constraints) -> Option<String> {
    if let Some(max) = constraints.max_build_time_s
        && f.build_s > max
    {
        return Some(format!(
            "its clean build took {}, above --max-build-time {}",
            Cell::Seconds(f.build_s).text(),
            Cell::Seconds(max).text()
        ));
    }
    if let Some(max) = constraints.max_link_memory_bytes {
        match f.link_peak_rss_bytes {
            Some(rss) if rss > max => {
                return Some(format!(
                    "its link step peaked at {}, above --max-link-memory {}",
                    Cell::Bytes(rss).text(),
                    Cell::Bytes(max).text()
                ));
            }
            None => {
                return Some(
                    "its link step's memory was not recorded, so --max-link-memory cannot be checked"
                        .into(),
                );
            }
            _ => {}
        }
    }
    for need in &constraints.needs {
        let strip = effective(c, "strip").unwrap_or("none");
        let debug = effective(c, "debug").unwrap_or("none");
        match need {
            Need::Backtraces if strip == "symbols" => {
                return Some(
                    "strip = \"symbols\" removes the symbol table, so a panic backtrace shows `<unknown>` frames (--need backtraces)"
                        .into(),
                );
            }
            Need::Debuginfo if matches!(debug, "none" | "false" | "0") => {
                return Some(format!(
                    "debug = {debug}: no debug info to keep (--need debuginfo)"
                ));
            }
            Need::Debuginfo if strip != "none" => {
                return Some(format!(
                    "strip = \"{strip}\" removes the debug info (--need debuginfo)"
                ));
            }
            Need::Unwind if effective(c, "panic") == Some("abort") => {
                return Some(
                    "panic = \"abort\" ends the process at the first panic: `catch_unwind` catches nothing and no destructors run (--need unwind)"
                        .into(),
                );
            }
            _ => {}
        }
    }
    None
}

/// "fat-cgu1 is 6.0% smaller but " when a rejected configuration had
/// something to offer.
fn gain_prefix(f: &Candidate, base: &Candidate) -> String {
    let mut gains = Vec::new();
    let shipped = f.shipped_bytes as f64 / base.shipped_bytes as f64 - 1.0;
    if shipped <= -SIZE_GAIN {
        gains.push(format!("{:.1}% smaller", -shipped * 100.0));
    }
    if f.runtime.iter().any(|r| r.verdict == Verdict::Faster) {
        gains.push("faster".into());
    }
    if gains.is_empty() {
        String::new()
    } else {
        format!("{} is {} but ", f.name, gains.join(" and "))
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
