//! The pick among the Pareto front, by goal, with the figures that decided.

use super::compare::{any_slower, build_comparable, builds, cmp_build, reduction, runtime_score};
use super::{BALANCED_BUILD_ALLOWANCE_S, BALANCED_BUILD_CAP, BUILD_TIE, Figures, SIZE_GAIN};
use crate::results::BASELINE;
use crate::results::advice::{Candidate, Decision, Goal};
use crate::results::measure::Verdict;

/// The index of the feasible configuration to choose (None: keep what you
/// have), and why.
pub(super) fn pick(
    feasible: &[Figures],
    goal: Goal,
    base: &Candidate,
) -> (Option<usize>, Decision) {
    let front: Vec<usize> = (0..feasible.len())
        .filter(|&i| feasible[i].candidate.pareto)
        .collect();
    if front.is_empty() {
        return (None, Decision::NoneFeasible);
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
            let less = reduction(c(i).shipped_bytes as f64, base.shipped_bytes as f64);
            let (config, shipped_bytes) = (c(i).name.clone(), c(i).shipped_bytes);
            let baseline_shipped_bytes = base.shipped_bytes;
            if c(i).name == BASELINE || less < SIZE_GAIN {
                return (
                    None,
                    Decision::TooLittleSmaller {
                        config,
                        shipped_bytes,
                        baseline_shipped_bytes,
                        reduction: less,
                        required: SIZE_GAIN,
                    },
                );
            }
            let why = Decision::FewestShippedBytes {
                config,
                shipped_bytes,
                baseline_shipped_bytes,
                reduction: less,
                required: SIZE_GAIN,
            };
            (Some(i), why)
        }
        Goal::BuildTime => {
            // a busy build's time is not compared: it can neither win nor
            // be the reference
            if !build_comparable(base) {
                return (None, Decision::BaselineBuildBusy);
            }
            let key = |c: &Candidate| {
                let rank = if build_comparable(c) { 0.0 } else { 1.0 };
                (rank, c.build_s, c.shipped_bytes as f64)
            };
            let i = best(&key);
            if !build_comparable(c(i)) {
                return (None, Decision::BaselineBuildBusy);
            }
            let (config, build_s) = (c(i).name.clone(), c(i).build_s);
            let builds = builds(c(i), base);
            if c(i).name == BASELINE || cmp_build(c(i), base) != std::cmp::Ordering::Less {
                let why = Decision::BuildTimeTie {
                    config,
                    build_s,
                    baseline_build_s: base.build_s,
                    tie: BUILD_TIE,
                    builds,
                };
                return (None, why);
            }
            let why = Decision::FastestBuild {
                config,
                build_s,
                baseline_build_s: base.build_s,
                ratio: build_s / base.build_s,
                builds,
            };
            (Some(i), why)
        }
        Goal::Speed => {
            let gaining: Vec<usize> = front
                .iter()
                .copied()
                .filter(|&i| {
                    c(i).runtime.iter().any(|r| r.verdict == Verdict::Better) && !any_slower(c(i))
                })
                .collect();
            let Some(i) = gaining.iter().copied().min_by(|&a, &b| {
                runtime_score(c(a))
                    .total_cmp(&runtime_score(c(b)))
                    .then(c(a).shipped_bytes.cmp(&c(b).shipped_bytes))
            }) else {
                return (None, Decision::NoneFaster);
            };
            let why = Decision::FastestRuntime {
                config: c(i).name.clone(),
                geomean_ratio: runtime_score(c(i)),
            };
            (Some(i), why)
        }
        Goal::Balanced => {
            let gaining: Vec<usize> = front
                .iter()
                .copied()
                .filter(|&i| {
                    let smaller = reduction(c(i).shipped_bytes as f64, base.shipped_bytes as f64)
                        >= SIZE_GAIN;
                    let faster = c(i).runtime.iter().any(|r| r.verdict == Verdict::Better);
                    c(i).name != BASELINE
                        && (smaller || faster)
                        && !any_slower(c(i))
                        && (c(i).build_warm || c(i).build_s <= balanced_build_limit(base.build_s))
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
                let why = Decision::NoBalancedGain {
                    required: SIZE_GAIN,
                    build_cap: BALANCED_BUILD_CAP,
                    build_allowance_s: BALANCED_BUILD_ALLOWANCE_S,
                };
                return (None, why);
            };
            let why = Decision::BestBalance {
                config: c(i).name.clone(),
                score: score(c(i)),
                runtime_measured: !c(i).runtime.is_empty(),
                build_ratio: (!c(i).build_warm).then(|| c(i).build_s / base.build_s),
                build_cap: BALANCED_BUILD_CAP,
                build_allowance_s: BALANCED_BUILD_ALLOWANCE_S,
            };
            (Some(i), why)
        }
    }
}

/// The longest clean build `--goal balanced` accepts against baseline's:
/// twice it, or 30 s more, whichever is longer.
pub(super) fn balanced_build_limit(base_s: f64) -> f64 {
    (BALANCED_BUILD_CAP * base_s).max(base_s + BALANCED_BUILD_ALLOWANCE_S)
}
