//! A candidate's figures in words: its line against baseline, where its
//! size changed (by the size table's section groups), a within-noise
//! verdict's rule, and how many clean builds a build time rests on.

use crate::results::advice::{BUILD_CI_MIN_BUILDS, BUILD_TIE, Candidate};
use crate::results::measure::{
    Direction, MIN_EFFECT, Metric, NoiseRule, SECTION_GROUPS, Verdict, section_changes,
};
use crate::units::{bytes, bytes_delta, percent, seconds};

/// Every figure of `c` against `base`, in one line.
pub fn describe(c: &Candidate, base: &Candidate) -> String {
    let pct = |a: f64, b: f64| (a / b - 1.0) * 100.0;
    let mut parts = vec![
        format!(
            "shipped {} ({:+.1}%)",
            bytes(c.shipped_bytes),
            pct(c.shipped_bytes as f64, base.shipped_bytes as f64)
        ),
        format!(
            "file {} ({:+.1}%{})",
            bytes(c.size_bytes),
            pct(c.size_bytes as f64, base.size_bytes as f64),
            all_changes(&section_changes(&base.sections, &c.sections))
        ),
        if c.build_warm {
            format!(
                "build {} (warm: not a clean build, not compared)",
                seconds(c.build_s)
            )
        } else {
            format!(
                "clean build {} (×{:.2}, {})",
                seconds(c.build_s),
                c.build_s / base.build_s,
                builds_of(c.builds)
            )
        },
    ];
    if let (Some(x), Some(y)) = (c.link_peak_rss_bytes, base.link_peak_rss_bytes) {
        parts.push(format!(
            "link peak {} (×{:.2})",
            bytes(x),
            x as f64 / y as f64
        ));
    }
    for r in &c.runtime {
        parts.push(format!(
            "`{}` ×{:.3} [{:.3}–{:.3}] {}",
            r.workload,
            r.ratio,
            r.ratio_ci[0],
            r.ratio_ci[1],
            match r.verdict {
                Verdict::WithinNoise => noise_words(r.within_noise),
                _ => change_word(r.metric, r.ratio).to_string(),
            }
        ));
    }
    format!("{} against baseline: {}", c.name, parts.join(", "))
}

/// The word for a change of `metric` by `ratio`: `faster` or `slower` for
/// a time, `fewer` or `more` for a count (of instructions, of misses).
pub fn change_word(metric: Metric, ratio: f64) -> &'static str {
    // a throughput is faster when it grows
    let better = (ratio < 1.0) == (metric.direction() == Direction::Lower);
    match (metric.is_time(), better, ratio < 1.0) {
        (true, true, _) => "faster",
        (true, false, _) => "slower",
        (false, _, true) => "fewer",
        (false, _, false) => "more",
    }
}

/// A verdict's short word: its change word, or `noise`.
pub fn verdict_word(verdict: Verdict, metric: Metric, ratio: f64) -> &'static str {
    match verdict {
        Verdict::WithinNoise => "noise",
        _ => change_word(metric, ratio),
    }
}

/// The change word of a better (`better`) or worse figure of `metric`,
/// where no ratio says which way it went: the metric's direction does.
pub fn better_word(metric: Metric, better: bool) -> &'static str {
    let lower = better == (metric.direction() == Direction::Lower);
    change_word(metric, if lower { 0.5 } else { 2.0 })
}

/// `within noise` and the rule that decided it, short.
pub fn noise_words(rule: Option<NoiseRule>) -> String {
    let why = match rule {
        None | Some(NoiseRule::PValue) => return "within noise".into(),
        Some(NoiseRule::Holm) => "Holm".to_string(),
        Some(NoiseRule::CiIncludesOne) => "CI holds 1".to_string(),
        Some(NoiseRule::MinEffect) => format!("under {}", percent(MIN_EFFECT, 0)),
        Some(NoiseRule::AaFloor) => "inside the A/A floor".to_string(),
        Some(NoiseRule::Busy) => return "not judged (busy)".into(),
        Some(NoiseRule::TooNoisy) => return "not judged (too noisy)".into(),
    };
    format!("within noise ({why})")
}

/// A section group as people call it: `code`, `data`, `debug`, ….
pub fn section_group(g: &str) -> &str {
    match g {
        "text" => "code",
        "data_bss" => "data",
        other => other,
    }
}

/// ": debug -5.8 MiB, symbols -797.9 KiB, code -117.9 KiB" (the `top`
/// largest changes), or nothing.
pub fn where_changed(changes: &[(String, i64)], top: usize) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = changes
        .iter()
        .take(top)
        .map(|(g, d)| format!("{} {}", section_group(g), bytes_delta(*d)))
        .collect();
    format!(": {}", parts.join(", "))
}

/// Every group that changed, in the size table's order, so that the parts
/// add up to the file's change: ": code -92.8 KiB, rodata -19.3 KiB, …".
pub fn all_changes(changes: &[(String, i64)]) -> String {
    let mut ordered: Vec<&(String, i64)> = changes.iter().collect();
    ordered.sort_by_key(|(g, _)| {
        SECTION_GROUPS
            .iter()
            .position(|x| x == g)
            .unwrap_or(SECTION_GROUPS.len())
    });
    if ordered.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = ordered
        .iter()
        .map(|(g, d)| format!("{} {}", section_group(g), bytes_delta(*d)))
        .collect();
    format!(": {}", parts.join(", "))
}

/// What a build time is when compared: `one clean build each (n = 1…)`,
/// or `medians of 3 clean builds each, CIs apart`.
pub(super) fn builds_each(builds: usize) -> String {
    match builds {
        n if n >= BUILD_CI_MIN_BUILDS => format!("medians of {n} clean builds each, CIs apart"),
        n => format!(
            "{}: beyond the {} tie, but `measure --build-runs {BUILD_CI_MIN_BUILDS}` would settle it",
            if n <= 1 {
                "one clean build each, n = 1".to_string()
            } else {
                format!("medians of {n} clean builds each")
            },
            percent(BUILD_TIE, 0)
        ),
    }
}

/// What one build time is: `n = 1`, or `median of 3`.
pub(super) fn builds_of(builds: usize) -> String {
    match builds {
        0 | 1 => "n = 1".into(),
        n => format!("median of {n}"),
    }
}

/// What the build figures of a table are, from how many clean builds
/// each one is the median of: `one clean build (n = 1)`, or `the median
/// of 3 clean builds, compared by their CIs`.
pub(super) fn builds_footnote(counts: impl Iterator<Item = usize>, each: bool) -> String {
    let each = if each { " each" } else { "" };
    let Some((least, most, n)) = builds_range(counts) else {
        return format!("one clean build{each} (n = 1)");
    };
    match most {
        1 => format!("one clean build{each} (n = 1)"),
        _ if least >= BUILD_CI_MIN_BUILDS => {
            format!("the median of {n} clean builds{each}, compared by their CIs")
        }
        _ => format!(
            "the median of {n} clean builds{each} (fewer than {BUILD_CI_MIN_BUILDS}: a 10% difference is a tie)"
        ),
    }
}

/// The fewest and most clean builds of `counts` (each at least 1), and
/// how many to say: `3`, or `1–3` when they differ. None when empty.
pub(super) fn builds_range(counts: impl Iterator<Item = usize>) -> Option<(usize, usize, String)> {
    let counts: Vec<usize> = counts.map(|n| n.max(1)).collect();
    let (&least, &most) = (counts.iter().min()?, counts.iter().max()?);
    let n = if least == most {
        most.to_string()
    } else {
        format!("{least}–{most}")
    };
    Some((least, most, n))
}

/// The binaries measured with their packages: `` `grex` of grex 1.4.6 ``,
/// `` `one` and `two` of pair 0.1.0 ``, `` `left` of left 0.1.0 and
/// `right` of right 0.1.0 ``.
pub fn bins_of_packages(project: &crate::results::measure::Project) -> String {
    let parts: Vec<String> = project
        .packages()
        .into_iter()
        .map(|(package, version)| {
            let bins: Vec<String> = project
                .bins
                .iter()
                .filter(|b| b.package == package)
                .map(|b| b.name.clone())
                .collect();
            format!("{} of {package} {version}", super::notes::list(&bins))
        })
        .collect();
    match parts.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => parts.concat(),
    }
}
