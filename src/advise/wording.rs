//! Figures in words: a candidate against baseline, one against another, and
//! the TOML to paste.

use std::collections::BTreeMap;

use super::compare::{cmp_runtime, cmp_tol, pct, workloads};
use super::recommend::{BUILD_TIE, MEMORY_TIE};
use crate::render::cells::Cell;
use crate::results::advice::Candidate;
use crate::results::measure::Verdict;

/// Every figure of `c` against `base`, in one line.
pub(super) fn describe(c: &Candidate, base: &Candidate) -> String {
    let mut parts = vec![
        format!(
            "shipped {} ({:+.1}%)",
            Cell::Bytes(c.shipped_bytes).text(),
            pct(c.shipped_bytes as f64, base.shipped_bytes as f64)
        ),
        format!(
            "file {} ({:+.1}%{})",
            Cell::Bytes(c.size_bytes).text(),
            pct(c.size_bytes as f64, base.size_bytes as f64),
            where_changed(&section_changes(&base.sections, &c.sections))
        ),
        if c.build_warm {
            format!(
                "build {} (warm: not a clean build, not compared)",
                Cell::Seconds(c.build_s).text()
            )
        } else {
            format!(
                "clean build {} (×{:.2}, n = 1)",
                Cell::Seconds(c.build_s).text(),
                c.build_s / base.build_s
            )
        },
    ];
    if let (Some(x), Some(y)) = (c.link_peak_rss_bytes, base.link_peak_rss_bytes) {
        parts.push(format!(
            "link peak {} (×{:.2})",
            Cell::Bytes(x).text(),
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
                Verdict::Faster => "faster",
                Verdict::Slower => "slower",
                Verdict::WithinNoise => "within noise",
            }
        ));
    }
    format!("{} against baseline: {}", c.name, parts.join(", "))
}

/// What `a` gives and costs against `b`, the differences beyond the noise.
pub(super) fn versus(a: &Candidate, b: &Candidate) -> String {
    use std::cmp::Ordering::*;
    let mut parts = Vec::new();
    let shipped = pct(a.shipped_bytes as f64, b.shipped_bytes as f64);
    if a.shipped_bytes != b.shipped_bytes {
        parts.push(format!(
            "shipped {:.1}% {}",
            shipped.abs(),
            if shipped < 0.0 { "smaller" } else { "larger" }
        ));
    }
    if !a.build_warm && !b.build_warm && cmp_tol(a.build_s, b.build_s, BUILD_TIE) != Equal {
        parts.push(format!(
            "clean build ×{:.2} ({} against {})",
            a.build_s / b.build_s,
            Cell::Seconds(a.build_s).text(),
            Cell::Seconds(b.build_s).text()
        ));
    }
    if let (Some(x), Some(y)) = (a.link_peak_rss_bytes, b.link_peak_rss_bytes)
        && cmp_tol(x as f64, y as f64, MEMORY_TIE) != Equal
    {
        parts.push(format!(
            "link peak {} against {}",
            Cell::Bytes(x).text(),
            Cell::Bytes(y).text()
        ));
    }
    for w in workloads(a, b) {
        match cmp_runtime(a, b, w) {
            Less => parts.push(format!("faster on `{w}`")),
            Greater => parts.push(format!("slower on `{w}`")),
            Equal => {}
        }
    }
    if parts.is_empty() {
        format!("no difference from {} beyond the noise", b.name)
    } else {
        format!("against {}: {}", b.name, parts.join(", "))
    }
}

/// The TOML to paste: profile keys under `[profile.<profile>]`; rustflags
/// keys as a comment pointing at `cargo lto apply`, which knows where they go.
pub fn toml_snippet(profile: &str, settings: &BTreeMap<String, String>) -> String {
    let Ok(parsed) = crate::profile::Settings::from_map(settings, "recommendation") else {
        return String::new();
    };
    let profile_pairs = parsed.profile_pairs();
    let mut out = String::new();
    if !profile_pairs.is_empty() {
        out.push_str(&format!("[profile.{profile}]\n"));
        for (k, v) in profile_pairs {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    let flags: Vec<String> = parsed
        .living_in(crate::profile::Lives::Rustflags)
        .map(|(k, v)| format!("{k} = {}", v.toml()))
        .collect();
    if !flags.is_empty() {
        out.push_str(&format!(
            "# and in rustflags (.cargo/config.toml; `cargo lto apply` writes them): {}\n",
            flags.join(", ")
        ));
    }
    out
}

/// Section groups' byte changes `to − from`, the largest first, unchanged
/// groups left out.
pub fn section_changes(
    from: &BTreeMap<String, u64>,
    to: &BTreeMap<String, u64>,
) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = from
        .keys()
        .chain(to.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|g| {
            let get = |m: &BTreeMap<String, u64>| m.get(g).copied().unwrap_or(0) as i64;
            (g.clone(), get(to) - get(from))
        })
        .filter(|(_, d)| *d != 0)
        .collect();
    out.sort_by_key(|(g, d)| (std::cmp::Reverse(d.unsigned_abs()), g.clone()));
    out
}

/// ": debug -5.8 MiB, symbols -797.9 KiB, code -117.9 KiB" (the three
/// largest), or nothing.
pub fn where_changed(changes: &[(String, i64)]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    fn name(g: &str) -> &str {
        match g {
            "text" => "code",
            "data_bss" => "data",
            other => other,
        }
    }
    let parts: Vec<String> = changes
        .iter()
        .take(3)
        .map(|(g, d)| format!("{} {}", name(g), Cell::BytesDelta(*d).text()))
        .collect();
    format!(": {}", parts.join(", "))
}
