//! `explain`: what each setting really does, its release default, what it
//! costs and buys, with the docs/facts.md sections they rest on; with a measure
//! document, what it did in this project (pairs of configurations that
//! differ in that setting alone).

use crate::profile::keys::{Explain, KEYS, KeySpec};
use crate::results::advice::{Explanation, Observed, RuntimeFigure, RuntimePair, ValueMeaning};
use crate::results::measure::{Configuration, MeasureDocument, SeriesKind, Status};

/// The settings `explain` knows, in the order it lists them: the key
/// table's rows with an explain entry.
pub fn settings() -> impl Iterator<Item = &'static KeySpec> {
    KEYS.iter().filter(|spec| spec.explain.is_some())
}

fn text(setting: &str) -> Option<&'static Explain> {
    settings().find(|spec| spec.name == setting)?.explain
}

/// The explanation of `setting`, with what it did in `doc` when given;
/// None for a setting `explain` does not know.
pub fn explain(setting: &str, doc: Option<&MeasureDocument>) -> Option<Explanation> {
    let t = text(setting)?;
    Some(Explanation {
        setting: setting.to_string(),
        lives_in: t.lives_in.into(),
        summary: t.summary.into(),
        release_default: t.default.into(),
        values: t
            .values
            .iter()
            .map(|(v, m)| ValueMeaning {
                value: (*v).into(),
                meaning: (*m).into(),
            })
            .collect(),
        costs: t.costs.into(),
        buys: t.buys.into(),
        notes: t.notes.iter().map(|n| (*n).into()).collect(),
        sources: t.sources.iter().map(|s| (*s).into()).collect(),
        measured: doc.map(|d| observed(d, setting)).unwrap_or_default(),
        results_id: doc.map(|d| d.id.clone()),
    })
}

/// The one-line summary of every setting.
pub fn summaries() -> Vec<(&'static str, &'static str)> {
    settings()
        .filter_map(|s| Some((s.name, s.explain?.summary)))
        .collect()
}

fn usable(c: &Configuration) -> bool {
    // a twin on --bench-profile is compared in the measure report only
    c.status == Status::Ok
        && c.identical_to.is_none()
        && c.twin.is_none()
        && c.measured()
        && c.build.is_some()
}

/// True when a benchmark's two sides differ: their verdicts against
/// baseline, or their ratios' CIs do not overlap (or one side failed).
fn moved(p: &RuntimePair) -> bool {
    if p.unusable.is_some() {
        return true;
    }
    let ci = |f: &Option<RuntimeFigure>| f.as_ref().map_or([1.0, 1.0], |f| f.ratio_ci);
    let verdict = |f: &Option<RuntimeFigure>| f.as_ref().map(|f| f.verdict);
    let ([a0, a1], [b0, b1]) = (ci(&p.from), ci(&p.to));
    verdict(&p.from) != verdict(&p.to) || a1 < b0 || b1 < a0
}

/// Pairs of configurations whose settings differ in `key` alone.
fn observed(doc: &MeasureDocument, key: &str) -> Vec<Observed> {
    let value = |c: &Configuration| {
        c.effective
            .get(key)
            .map(|s| s.value.clone())
            .or_else(|| c.settings.get(key).cloned())
            .unwrap_or_else(|| "?".into())
    };
    let others = |c: &Configuration| {
        let mut m = c.settings.clone();
        m.remove(key);
        m
    };
    let configs: Vec<&Configuration> = doc.configurations.iter().filter(|c| usable(c)).collect();
    let mut out = Vec::new();
    for (i, a) in configs.iter().enumerate() {
        for b in &configs[i + 1..] {
            let differs = a.settings.get(key) != b.settings.get(key) && value(a) != value(b);
            if !differs || others(a) != others(b) {
                continue;
            }
            // several binaries: their sizes added up
            // a package measured by its benchmarks alone has no binary
            let (ba, bb) = (
                a.sizes(None).unwrap_or_default(),
                b.sizes(None).unwrap_or_default(),
            );
            let (pa, pb) = (a.build.as_ref().unwrap(), b.build.as_ref().unwrap());
            let figure = |c: &Configuration, kind: SeriesKind, w: &str| {
                c.series
                    .iter()
                    .find(|r| r.kind == kind && r.name == w)
                    .and_then(|r| Some((r, r.vs_baseline.as_ref()?)))
                    .map(|(r, v)| RuntimeFigure {
                        workload: w.to_string(),
                        ratio: v.ratio,
                        ratio_ci: v.ratio_ci,
                        verdict: v.verdict,
                        within_noise: v.within_noise,
                        metric: r.metric,
                        busy: r.busy,
                        kind,
                    })
            };
            let pair = |kind: SeriesKind, name: &str| RuntimePair {
                workload: name.to_string(),
                kind,
                from: figure(a, kind, name),
                to: figure(b, kind, name),
                unusable: [a, b]
                    .iter()
                    .flat_map(|c| c.series.iter().filter(|r| r.kind == kind && r.name == name))
                    .find_map(|r| {
                        if r.status != Status::Ok {
                            Some("failed".to_string())
                        } else if r.output_differs {
                            Some("output differs".to_string())
                        } else {
                            None
                        }
                    }),
            };
            let workloads = doc
                .workloads
                .iter()
                .map(|w| pair(SeriesKind::Workload, &w.name));
            // of the benchmarks, those that moved between the two
            let benchmarks = doc
                .benchmarks
                .iter()
                .map(|b| pair(SeriesKind::Benchmark, &b.name))
                .filter(moved);
            // a server's series, each load's measures
            let mut load_names: Vec<&str> = doc
                .configurations
                .iter()
                .flat_map(|c| &c.series)
                .filter(|r| r.kind == SeriesKind::Load)
                .map(|r| r.name.as_str())
                .collect();
            load_names.dedup();
            let loads: Vec<RuntimePair> = load_names
                .iter()
                .map(|n| pair(SeriesKind::Load, n))
                .collect();
            out.push(Observed {
                from: a.name.clone(),
                from_value: value(a),
                to: b.name.clone(),
                to_value: value(b),
                shipped_change: bb.shipped_bytes as f64 / ba.shipped_bytes as f64 - 1.0,
                size_change: bb.size_bytes as f64 / ba.size_bytes as f64 - 1.0,
                sections_change: crate::results::measure::section_changes(
                    &ba.sections,
                    &bb.sections,
                ),
                build_ratio: pb.wall_s / pa.wall_s,
                builds: pa.used_samples().len().min(pb.used_samples().len()).max(1),
                link_rss_ratio: pa
                    .link
                    .zip(pb.link)
                    .map(|(x, y)| y.peak_rss_bytes as f64 / x.peak_rss_bytes as f64),
                runtime: workloads.chain(benchmarks).chain(loads).collect(),
            });
        }
    }
    out
}
