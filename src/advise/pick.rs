//! The pick among the Pareto front, by goal, with the figures that decided.

use super::compare::{any_slower, cmp_tol, pct, runtime_score};
use super::recommend::{BALANCED_BUILD_CAP, BUILD_TIE, Figures, SIZE_GAIN};
use crate::render::cells::Cell;
use crate::results::advice::{Candidate, Goal};
use crate::results::measure::Verdict;

pub(super) enum Pick {
    /// Keep the current profile, because …
    Keep(String),
    /// This index of the feasible list, because …
    Choose(usize, String),
}

pub(super) fn pick(feasible: &[Figures], goal: Goal, base: &Candidate) -> Pick {
    let front: Vec<usize> = (0..feasible.len())
        .filter(|&i| feasible[i].candidate.pareto)
        .collect();
    if front.is_empty() {
        return Pick::Keep("every configuration breaks a constraint or failed".into());
    }
    let c = |i: usize| &feasible[i].candidate;
    let best = |key: &dyn Fn(&Candidate) -> (f64, f64, f64)| {
        front
            .iter()
            .copied()
            .min_by(|&a, &b| {
                let (x, y) = (key(c(a)), key(c(b)));
                x.0.total_cmp(&y.0)
                    .then(x.1.total_cmp(&y.1))
                    .then(x.2.total_cmp(&y.2))
            })
            .expect("front is not empty")
    };
    match goal {
        Goal::Size => {
            let i = best(&|c| (c.shipped_bytes as f64, c.size_bytes as f64, c.build_s));
            let gain = -pct(c(i).shipped_bytes as f64, base.shipped_bytes as f64);
            if c(i).name == "baseline" || gain < SIZE_GAIN * 100.0 {
                return Pick::Keep(format!(
                    "the smallest configuration that meets the constraints, {}, ships {} against baseline's {} ({gain:.2}% smaller; --goal size asks for at least {:.0}%)",
                    c(i).name,
                    Cell::Bytes(c(i).shipped_bytes).text(),
                    Cell::Bytes(base.shipped_bytes).text(),
                    SIZE_GAIN * 100.0
                ));
            }
            Pick::Choose(
                i,
                format!(
                    "{} ships the fewest bytes: {} loaded at run time, {gain:.1}% less than baseline's {}",
                    c(i).name,
                    Cell::Bytes(c(i).shipped_bytes).text(),
                    Cell::Bytes(base.shipped_bytes).text()
                ),
            )
        }
        Goal::BuildTime => {
            let i = best(&|c| (c.build_s, c.shipped_bytes as f64, 0.0));
            if c(i).name == "baseline"
                || cmp_tol(c(i).build_s, base.build_s, BUILD_TIE) != std::cmp::Ordering::Less
            {
                return Pick::Keep(format!(
                    "the fastest clean build, {}'s {}, is within {:.0}% of baseline's {} (one build each: a tie)",
                    c(i).name,
                    Cell::Seconds(c(i).build_s).text(),
                    BUILD_TIE * 100.0,
                    Cell::Seconds(base.build_s).text()
                ));
            }
            Pick::Choose(
                i,
                format!(
                    "{} builds fastest: {} against baseline's {} (×{:.2}, one clean build each)",
                    c(i).name,
                    Cell::Seconds(c(i).build_s).text(),
                    Cell::Seconds(base.build_s).text(),
                    c(i).build_s / base.build_s
                ),
            )
        }
        Goal::Speed => {
            let gaining: Vec<usize> = front
                .iter()
                .copied()
                .filter(|&i| {
                    c(i).runtime.iter().any(|r| r.verdict == Verdict::Faster) && !any_slower(c(i))
                })
                .collect();
            let Some(i) = gaining.iter().copied().min_by(|&a, &b| {
                runtime_score(c(a))
                    .total_cmp(&runtime_score(c(b)))
                    .then(c(a).shipped_bytes.cmp(&c(b).shipped_bytes))
            }) else {
                return Pick::Keep(
                    "no configuration that meets the constraints is faster than baseline beyond the noise (95% CI of the ratio excluding 1, p < 0.05) on any workload without being slower on another"
                        .into(),
                );
            };
            Pick::Choose(
                i,
                format!(
                    "{} runs fastest: geometric mean of its runtime ratios ×{:.3} against baseline, faster beyond the noise",
                    c(i).name,
                    runtime_score(c(i))
                ),
            )
        }
        Goal::Balanced => {
            let gaining: Vec<usize> = front
                .iter()
                .copied()
                .filter(|&i| {
                    let smaller = -pct(c(i).shipped_bytes as f64, base.shipped_bytes as f64)
                        >= SIZE_GAIN * 100.0;
                    let faster = c(i).runtime.iter().any(|r| r.verdict == Verdict::Faster);
                    c(i).name != "baseline"
                        && (smaller || faster)
                        && !any_slower(c(i))
                        && (c(i).build_warm || c(i).build_s <= BALANCED_BUILD_CAP * base.build_s)
                })
                .collect();
            let score = |c: &Candidate| {
                runtime_score(c) * c.shipped_bytes as f64 / base.shipped_bytes as f64
            };
            let Some(i) = gaining.iter().copied().min_by(|&a, &b| {
                score(c(a))
                    .total_cmp(&score(c(b)))
                    .then(c(a).build_s.total_cmp(&c(b).build_s))
            }) else {
                return Pick::Keep(format!(
                    "no configuration that meets the constraints ships at least {:.0}% fewer bytes or runs faster beyond the noise, without being slower elsewhere or building in more than {BALANCED_BUILD_CAP}× baseline's time",
                    SIZE_GAIN * 100.0
                ));
            };
            Pick::Choose(
                i,
                format!(
                    "{} has the best balance: {} ×{:.3} of baseline's, {}",
                    c(i).name,
                    if c(i).runtime.is_empty() {
                        "shipped size (no runtime measured)"
                    } else {
                        "shipped size × runtime ="
                    },
                    score(c(i)),
                    if c(i).build_warm {
                        "its build time not compared (warm builds)".to_string()
                    } else {
                        format!(
                            "at ×{:.2} its clean build time (--goal balanced accepts up to ×{BALANCED_BUILD_CAP})",
                            c(i).build_s / base.build_s
                        )
                    }
                ),
            )
        }
    }
}
