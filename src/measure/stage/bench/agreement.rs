//! `--bench-profile`: does the profile a project benchmarks with rank the
//! configurations as the shipped one does? Per benchmark, each
//! configuration's ratio to baseline on both profiles (a twin's ratio is
//! to baseline's twin), Kendall's tau between the two orders, and the
//! configurations judged better on one and worse on the other.

use crate::profile::BASELINE;
use crate::results::bench::{BenchmarkAgreement, ProfileAgreement, Ranked};
use crate::results::measure::{Comparison, Configuration, MeasureDocument, SeriesKind, Verdict};
use crate::stats;

/// The comparison of configuration `c` on benchmark `name` (None for
/// baseline and its twin, the references).
fn compared(c: &Configuration, name: &str) -> Option<Comparison> {
    c.series
        .iter()
        .find(|s| s.kind == SeriesKind::Benchmark && s.name == name)?
        .vs_baseline
        .clone()
}

/// The agreement of `doc`'s twins on `profile` with the shipped
/// configurations; None without twins.
pub fn agreement(doc: &MeasureDocument) -> Option<ProfileAgreement> {
    let profile = doc
        .configurations
        .iter()
        .find_map(|c| Some(c.twin.as_ref()?.profile.clone()))?;
    let pairs: Vec<(&Configuration, &Configuration)> = doc
        .configurations
        .iter()
        .filter(|c| c.twin.is_none())
        .filter_map(|c| {
            let twin = doc
                .configurations
                .iter()
                .find(|t| t.twin.as_ref().is_some_and(|w| w.of == c.name))?;
            Some((c, twin))
        })
        .collect();
    let mut benchmarks = Vec::new();
    for b in &doc.benchmarks {
        let ranked: Vec<Ranked> = pairs
            .iter()
            .map(|(c, t)| Ranked {
                config: c.name.clone(),
                shipped: compared(c, &b.name),
                bench_profile: compared(t, &b.name),
            })
            .collect();
        // baseline (and its twin) at 1; a configuration without a ratio
        // on either side is left out of the ranking
        let ratio = |c: &str, r: &Option<Comparison>| match r {
            Some(v) => Some(v.ratio),
            None if c == BASELINE => Some(1.0),
            None => None,
        };
        let (x, y): (Vec<f64>, Vec<f64>) = ranked
            .iter()
            .filter_map(|r| {
                Some((
                    ratio(&r.config, &r.shipped)?,
                    ratio(&r.config, &r.bench_profile)?,
                ))
            })
            .unzip();
        let verdict = |r: &Option<Comparison>| r.as_ref().map(|v| v.verdict);
        let flips = ranked
            .iter()
            .filter(|r| {
                matches!(
                    (verdict(&r.shipped), verdict(&r.bench_profile)),
                    (Some(Verdict::Better), Some(Verdict::Worse))
                        | (Some(Verdict::Worse), Some(Verdict::Better))
                )
            })
            .map(|r| r.config.clone())
            .collect();
        benchmarks.push(BenchmarkAgreement {
            benchmark: b.name.clone(),
            tau: stats::kendall_tau(&x, &y),
            configurations: ranked,
            flips,
        });
    }
    let taus: Vec<f64> = benchmarks.iter().filter_map(|b| b.tau).collect();
    Some(ProfileAgreement {
        profile,
        mean_tau: (!taus.is_empty()).then(|| taus.iter().sum::<f64>() / taus.len() as f64),
        benchmarks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::bench::{Benchmark, Harness, ProfileTwin};
    use crate::results::test_docs::{doc, spec};

    /// Shipped: fat ×0.5 and thin ×0.8 (better); on the bench profile fat
    /// ×1.2 (worse) and thin ×0.9: fat flips, and the order of the three
    /// (baseline at 1) is reversed for fat against thin.
    #[test]
    fn flips_and_rank_agreement() {
        let mut d = doc(&[
            spec("baseline", 1, 1.0, 1).run(1.0, 1.0, 1.0),
            spec("fat", 1, 1.0, 1).run(0.5, 0.45, 0.55),
            spec("thin", 1, 1.0, 1).run(0.8, 0.75, 0.85),
            spec("baseline-on-cheap", 1, 1.0, 1).run(1.0, 1.0, 1.0),
            spec("fat-on-cheap", 1, 1.0, 1).run(1.2, 1.15, 1.25),
            spec("thin-on-cheap", 1, 1.0, 1).run(0.9, 0.85, 0.95),
        ]);
        for c in d.configurations.iter_mut() {
            if let Some(of) = c.name.strip_suffix("-on-cheap") {
                c.twin = Some(ProfileTwin {
                    of: of.to_string(),
                    profile: "cheap".into(),
                });
            }
            for s in c.series.iter_mut() {
                s.kind = SeriesKind::Benchmark;
                s.name = "b/x".into();
            }
            if c.name.starts_with("baseline") {
                for s in c.series.iter_mut() {
                    s.vs_baseline = None;
                }
            }
        }
        d.benchmarks = vec![Benchmark {
            name: "b/x".into(),
            bench: "b".into(),
            id: "x".into(),
            harness: Harness::Criterion,
            sample: String::new(),
            harness_samples: None,
            noise: None,
        }];
        let a = agreement(&d).unwrap();
        assert_eq!(a.profile, "cheap");
        let b = &a.benchmarks[0];
        assert_eq!(b.flips, ["fat"]);
        // shipped order: fat < thin < baseline; cheap: thin < baseline < fat
        let tau = b.tau.unwrap();
        assert!((tau - (-1.0 / 3.0)).abs() < 1e-12, "{tau}");
        assert_eq!(a.mean_tau, Some(tau));
        assert_eq!(b.configurations.len(), 3);
        // no twins: nothing to compare
        d.configurations.retain(|c| c.twin.is_none());
        assert_eq!(agreement(&d), None);
    }
}
