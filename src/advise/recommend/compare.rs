//! How two candidates compare, metric by metric, with the noise rules of
//! `recommend` (ties within a tolerance, runtimes by their CIs).

use super::{BUILD_TIE, MEMORY_TIE};
use crate::results::BASELINE;
use crate::results::advice::{Candidate, Difference, RuntimeFigure};
use crate::results::measure::{Direction, MIN_EFFECT, Metric, SeriesKind, Verdict};

/// How `a` compares with `b` on one metric: less, equal (a tie), more.
pub(super) fn cmp_tol(a: f64, b: f64, tol: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let scale = a.abs().max(b.abs());
    if (a - b).abs() <= tol * scale {
        Equal
    } else if a < b {
        Less
    } else {
        Greater
    }
}

/// A clean build time that can be compared: not warm, not busy.
pub(super) fn build_comparable(c: &Candidate) -> bool {
    !c.build_warm && !c.build_busy
}

/// Clean build time of `a` against `b`: by CIs that do not overlap when
/// both have one (enough builds), else within [`BUILD_TIE`] is a tie.
pub(super) fn cmp_build(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.build_ci, b.build_ci) {
        (Some(x), Some(y)) if x[1] < y[0] => Less,
        (Some(x), Some(y)) if x[0] > y[1] => Greater,
        (Some(_), Some(_)) => Equal,
        _ => cmp_tol(a.build_s, b.build_s, BUILD_TIE),
    }
}

/// The fewer of `a`'s and `b`'s clean builds.
pub(super) fn builds(a: &Candidate, b: &Candidate) -> usize {
    a.builds.min(b.builds)
}

/// A runtime ratio as a cost, lower better whatever the metric: the ratio
/// itself where less is better (a time, a count), its inverse where more
/// is (a throughput).
pub(super) fn cost(ratio: f64, metric: Metric) -> f64 {
    match metric.direction() {
        Direction::Lower => ratio,
        Direction::Higher => 1.0 / ratio,
    }
}

/// A runtime figure's CI as a cost (see [`cost`]), low bound first.
fn cost_ci(r: &RuntimeFigure) -> [f64; 2] {
    let [a, b] = [cost(r.ratio_ci[0], r.metric), cost(r.ratio_ci[1], r.metric)];
    [a.min(b), a.max(b)]
}

/// Runtime of `a` against `b` on `workload`: Less = better (faster, fewer
/// instructions), by CIs that do not overlap; Equal when they do or
/// either is missing.
pub(super) fn cmp_runtime(a: &Candidate, b: &Candidate, workload: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let ratio = |c: &Candidate| -> Option<[f64; 2]> {
        if c.name == BASELINE {
            return Some([1.0, 1.0]);
        }
        c.runtime
            .iter()
            .find(|r| r.workload == workload)
            .map(|r| match r.verdict {
                // against baseline the document's verdict decides: inside
                // the noise counts as baseline's own figure
                Verdict::WithinNoise => [1.0, 1.0],
                _ => cost_ci(r),
            })
    };
    match (ratio(a), ratio(b)) {
        (Some(x), Some(y)) if x[1] < y[0] => Less,
        (Some(x), Some(y)) if x[0] > y[1] => Greater,
        _ => Equal,
    }
}

/// The workloads either candidate was measured on, each once.
pub(super) fn workloads<'a>(a: &'a Candidate, b: &'a Candidate) -> Vec<&'a str> {
    let mut w: Vec<&str> = a
        .runtime
        .iter()
        .chain(&b.runtime)
        .map(|r| r.workload.as_str())
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// Sizes of `a` against `b`: within [`MIN_EFFECT`] of each other is a
/// tie, as for every other figure (a file 0.1% smaller buys nothing).
pub(super) fn cmp_size(a: u64, b: u64) -> std::cmp::Ordering {
    cmp_tol(a as f64, b as f64, MIN_EFFECT)
}

/// Every metric of `a` against `b`, each Less (better), Equal or Greater.
pub(super) fn metrics(a: &Candidate, b: &Candidate) -> Vec<std::cmp::Ordering> {
    let mut out = vec![
        cmp_size(a.shipped_bytes, b.shipped_bytes),
        cmp_size(a.size_bytes, b.size_bytes),
    ];
    if build_comparable(a) && build_comparable(b) {
        out.push(cmp_build(a, b));
    }
    if let (Some(x), Some(y)) = (a.link_peak_rss_bytes, b.link_peak_rss_bytes) {
        out.push(cmp_tol(x as f64, y as f64, MEMORY_TIE));
    }
    out.extend(workloads(a, b).into_iter().map(|w| cmp_runtime(a, b, w)));
    out
}

/// True when `c` has a runtime figure for `workload` (baseline is the
/// reference of every one).
fn has_runtime(c: &Candidate, workload: &str) -> bool {
    c.name == BASELINE || c.runtime.iter().any(|r| r.workload == workload)
}

/// `a` is no worse than `b` on every metric and better on one. A workload
/// measured on one of them and not the other is unknown: neither can be
/// said to be no worse there, so neither dominates.
pub(super) fn dominates(a: &Candidate, b: &Candidate) -> bool {
    use std::cmp::Ordering::*;
    if a.name == b.name {
        return false;
    }
    if workloads(a, b)
        .iter()
        .any(|w| !has_runtime(a, w) || !has_runtime(b, w))
    {
        return false;
    }
    let m = metrics(a, b);
    m.iter().all(|o| *o != Greater) && m.contains(&Less)
}

/// 1 − a / b: how much less `a` is than `b` (0.06 = 6% less).
pub(super) fn reduction(a: f64, b: f64) -> f64 {
    1.0 - a / b
}

/// Geometric mean of the runtime ratios as costs (lower better: a
/// throughput's ratio inverted), within-noise ones counting as 1.
pub(super) fn runtime_score(c: &Candidate) -> f64 {
    if c.runtime.is_empty() {
        return 1.0;
    }
    let logs: f64 = c
        .runtime
        .iter()
        .map(|r| match r.verdict {
            Verdict::WithinNoise => 0.0,
            _ => cost(r.ratio, r.metric).ln(),
        })
        .sum();
    (logs / c.runtime.len() as f64).exp()
}

/// A workload or a server's measure judged worse (a benchmark's
/// regression is judged against `--max-regression` instead, a
/// constraint).
pub(super) fn any_slower(c: &Candidate) -> bool {
    c.runtime
        .iter()
        .any(|r| r.verdict == Verdict::Worse && r.kind != SeriesKind::Benchmark)
}

/// How `a` differs from `b`, figure by figure, beyond the noise rules.
pub(super) fn differences(a: &Candidate, b: &Candidate) -> Vec<Difference> {
    use std::cmp::Ordering::*;
    let mut out = Vec::new();
    let change = |x: u64, y: u64| x as f64 / y as f64 - 1.0;
    if cmp_size(a.shipped_bytes, b.shipped_bytes) != Equal {
        out.push(Difference::Shipped {
            change: change(a.shipped_bytes, b.shipped_bytes),
        });
    }
    if cmp_size(a.size_bytes, b.size_bytes) != Equal {
        out.push(Difference::File {
            change: change(a.size_bytes, b.size_bytes),
        });
    }
    if build_comparable(a) && build_comparable(b) && cmp_build(a, b) != Equal {
        out.push(Difference::BuildTime {
            build_s: a.build_s,
            other_build_s: b.build_s,
            builds: builds(a, b),
        });
    }
    if let (Some(x), Some(y)) = (a.link_peak_rss_bytes, b.link_peak_rss_bytes)
        && cmp_tol(x as f64, y as f64, MEMORY_TIE) != Equal
    {
        out.push(Difference::LinkMemory {
            peak_bytes: x,
            other_peak_bytes: y,
        });
    }
    for w in workloads(a, b) {
        let workload = w.to_string();
        // the ratio itself when it is against baseline
        let figure = a
            .runtime
            .iter()
            .find(|r| r.workload == w && b.name == BASELINE);
        let (ratio, ratio_ci) = (figure.map(|r| r.ratio), figure.map(|r| r.ratio_ci));
        let metric = a
            .runtime
            .iter()
            .chain(&b.runtime)
            .find(|r| r.workload == w)
            .map_or(Metric::Seconds, |r| r.metric);
        match cmp_runtime(a, b, w) {
            Less => out.push(Difference::Better {
                workload,
                metric,
                ratio,
                ratio_ci,
            }),
            Greater => out.push(Difference::Worse {
                workload,
                metric,
                ratio,
                ratio_ci,
            }),
            Equal => {}
        }
    }
    out
}

/// What choosing `a` costs against `base`: its differences that are
/// worse, the runtimes first (what users of the binary feel), then the
/// build, then sizes.
pub(super) fn costs(a: &Candidate, base: &Candidate) -> Vec<Difference> {
    let rank = |d: &Difference| match d {
        Difference::Worse { .. } | Difference::Better { .. } => 0,
        Difference::BuildTime { .. } => 1,
        Difference::LinkMemory { .. } => 2,
        Difference::Shipped { .. } => 3,
        Difference::File { .. } => 4,
    };
    let mut out: Vec<Difference> = differences(a, base)
        .into_iter()
        .filter(|d| match d {
            Difference::Shipped { change } | Difference::File { change } => *change > 0.0,
            Difference::BuildTime {
                build_s,
                other_build_s,
                ..
            } => build_s > other_build_s,
            Difference::LinkMemory {
                peak_bytes,
                other_peak_bytes,
            } => peak_bytes > other_peak_bytes,
            Difference::Worse { .. } => true,
            Difference::Better { .. } => false,
        })
        .collect();
    out.sort_by_key(rank);
    out
}
