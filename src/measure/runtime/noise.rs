//! Which runtime comparisons of a document may give a verdict, and which
//! may not: runs that competed for the CPU (busy) judge nothing; a
//! workload on which baseline differs from itself (the A/A arm: a second
//! copy of baseline's binary, run like any configuration) was too noisy to
//! judge; an effect inside that A/A noise floor is within noise whatever
//! its p-value; and the rest are corrected together for how many were
//! made (`stats::correct`: the sampled ones; a count's verdict rests on
//! its CI, the minimum effect and the floor alone).

use super::workload::Binaries;
use std::collections::BTreeMap;

use anyhow::{Context, Result};

use super::counter::Counter;
use super::schedule::Series;
use crate::load::BUSY;
use crate::profile::BASELINE;
use crate::results::measure::{
    Comparison, Direction, MeasureDocument, NoiseRule, Rule, SeriesKind, Status,
};
use crate::results::notes::NoteKind;
use crate::stats;

/// The A/A arm's name in the schedule: not a configuration (a space can
/// be in no configuration's name), never in the document's list.
pub const BASELINE_COPY: &str = "baseline (A/A copy)";

/// Copies baseline's binaries to paths of their own (`<dir>/aa/<name>`), so
/// nothing is shared with baseline's runs but the code; None without a
/// successful baseline.
pub fn baseline_copy(doc: &MeasureDocument) -> Result<Option<Binaries>> {
    let Some(baseline) = doc
        .config(BASELINE)
        .filter(|c| c.status == Status::Ok && c.built())
    else {
        return Ok(None);
    };
    let mut copies = Binaries::default();
    for bin in &baseline.binaries {
        let (Some(dir), Some(name)) = (bin.path.parent(), bin.path.file_name()) else {
            return Ok(None);
        };
        let copy = dir.join("aa").join(name);
        std::fs::create_dir_all(dir.join("aa"))
            .and_then(|()| std::fs::copy(&bin.path, &copy))
            .with_context(|| format!("copying baseline's binary to {}", copy.display()))?;
        copies.paths.insert(bin.bin.clone(), copy);
    }
    Ok(Some(copies))
}

/// Takes the A/A arm out of `series` and compares it with baseline's: the
/// workload's noise (None when either did not run cleanly).
pub fn floor(series: &mut BTreeMap<String, Series>, counter: Counter) -> Option<Comparison> {
    let copy = series.remove(BASELINE_COPY)?;
    let base = series.get(BASELINE)?;
    let clean = |s: &Series| s.failure.is_none() && !s.samples.is_empty();
    if !clean(&copy) || !clean(base) {
        return None;
    }
    let rule = match counter {
        Counter::Time => Rule::Sampled,
        _ => Rule::Count,
    };
    let mut noise = stats::compare_by(&copy.samples, &base.samples, Direction::Lower, rule);
    // busy timed A/A runs say nothing about the machine's quiet noise
    if counter == Counter::Time && copy.load.is_some_and(|l| l.contention() > BUSY) {
        stats::no_verdict(&mut noise, NoiseRule::Busy);
    }
    Some(noise)
}

/// Decides, once, which comparisons of `doc` give a verdict: busy runs and
/// too-noisy workloads none; the rest corrected together, and an effect
/// inside the workload's A/A noise floor within noise. Says what it left
/// unjudged in the notes.
pub fn judge(doc: &mut MeasureDocument) {
    let busy_baseline: Vec<(SeriesKind, String)> = doc
        .config(BASELINE)
        .map(|b| {
            b.series
                .iter()
                .filter(|r| r.busy)
                .map(|r| (r.kind, r.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    // each workload's and benchmark's A/A comparison
    let noises: Vec<((SeriesKind, String), &Comparison)> = doc
        .workloads
        .iter()
        .filter_map(|w| Some(((SeriesKind::Workload, w.name.clone()), w.noise.as_ref()?)))
        .chain(
            doc.benchmarks
                .iter()
                .filter_map(|b| Some(((SeriesKind::Benchmark, b.name.clone()), b.noise.as_ref()?))),
        )
        .chain(doc.server.iter().flat_map(|s| {
            s.loads.iter().flat_map(|l| {
                l.noise
                    .iter()
                    .map(|f| ((SeriesKind::Load, f.series.clone()), &f.noise))
            })
        }))
        .collect();
    // those on which baseline was not even like itself
    let too_noisy: Vec<((SeriesKind, String), f64)> = noises
        .iter()
        .filter(|(_, n)| n.significant)
        .map(|(k, n)| (k.clone(), n.ratio))
        .collect();
    let floors: BTreeMap<(SeriesKind, String), [f64; 2]> = noises
        .iter()
        .map(|(k, n)| (k.clone(), n.ratio_ci))
        .collect();
    let key = |r: &crate::results::measure::Series| (r.kind, r.name.clone());
    // why a comparison gives no verdict at all, if it gives none
    let unjudged = |r: &crate::results::measure::Series| {
        if too_noisy.iter().any(|(w, _)| *w == key(r)) {
            Some(NoiseRule::TooNoisy)
        } else if r.busy || busy_baseline.contains(&key(r)) {
            Some(NoiseRule::Busy)
        } else {
            None
        }
    };
    for r in doc
        .configurations
        .iter_mut()
        .flat_map(|c| c.series.iter_mut())
    {
        if let Some(rule) = unjudged(r)
            && let Some(v) = r.vs_baseline.as_mut()
        {
            stats::no_verdict(v, rule);
            v.p_adjusted = None;
        }
    }
    // every other sampled comparison of the document is one family (an
    // identical configuration's are copies, not comparisons of their own;
    // a count's verdict rests on no p-value)
    let mut family: Vec<&mut Comparison> = doc
        .configurations
        .iter_mut()
        .filter(|c| c.identical_to.is_none())
        .flat_map(|c| c.series.iter_mut())
        .filter(|r| unjudged(r).is_none() && r.rule == Rule::Sampled)
        .filter_map(|r| r.vs_baseline.as_mut())
        .collect();
    stats::correct(&mut family);
    // inside the noise floor is within noise, whatever the p-value
    for r in doc
        .configurations
        .iter_mut()
        .flat_map(|c| c.series.iter_mut())
    {
        let floor = floors.get(&key(r));
        if let (Some(v), Some(ci)) = (r.vs_baseline.as_mut(), floor)
            && v.significant
            && ci[0] <= v.ratio
            && v.ratio <= ci[1]
        {
            stats::no_verdict(v, NoiseRule::AaFloor);
        }
    }
    notes(doc, &too_noisy);
    too_few_runs(doc, &floors);
}

/// A series' key among the A/A floors: what it measured, and its name.
type Key = (SeriesKind, String);

/// A TOO FEW RUNS note naming the differences that no p-value could
/// confirm: beyond the minimum effect and with a CI that excludes 1 (as
/// deterministic counts give), but with so few runs that even wholly
/// separated samples stay above the adjusted threshold.
fn too_few_runs(doc: &mut MeasureDocument, floors: &BTreeMap<Key, [f64; 2]>) {
    let judged: Vec<(&str, &crate::results::measure::Series)> = doc
        .configurations
        .iter()
        .filter(|c| c.identical_to.is_none())
        .flat_map(|c| c.series.iter().map(move |r| (c.name.as_str(), r)))
        .filter(|(_, r)| {
            r.vs_baseline
                .as_ref()
                .is_some_and(|v| v.p_adjusted.is_some())
        })
        .collect();
    let family = judged.len();
    let mut unconfirmed = Vec::new();
    let mut fewest = usize::MAX;
    for (name, r) in &judged {
        let Some(v) = &r.vs_baseline else { continue };
        let n = r.samples.len();
        let excludes_one = !(v.ratio_ci[0] <= 1.0 && 1.0 <= v.ratio_ci[1]);
        let in_floor = floors
            .get(&(r.kind, r.name.clone()))
            .is_some_and(|f| f[0] <= v.ratio && v.ratio <= f[1]);
        if !v.significant
            && !in_floor
            && excludes_one
            && (v.ratio - 1.0).abs() >= stats::MIN_EFFECT
            && family as f64 * stats::smallest_p(n, n) >= stats::ALPHA
        {
            unconfirmed.push((name.to_string(), r.name.clone(), v.ratio));
            fewest = fewest.min(n);
        }
    }
    if unconfirmed.is_empty() {
        return;
    }
    let smallest = stats::smallest_p(fewest, fewest);
    doc.notes.push(
        NoteKind::TooFewRuns {
            differences: unconfirmed,
            runs: fewest,
            comparisons: family,
            smallest_p: smallest,
            smallest_adjusted: (smallest * family as f64).min(1.0),
            runs_needed: stats::runs_needed(family),
        }
        .into(),
    );
}

/// The notes saying what was left unjudged, and why.
fn notes(doc: &mut MeasureDocument, too_noisy: &[(Key, f64)]) {
    let busy: Vec<(String, String, f64)> = doc
        .configurations
        .iter()
        .flat_map(|c| c.series.iter().map(move |r| (c, r)))
        .filter(|(c, r)| r.busy && c.identical_to.is_none())
        .map(|(c, r)| (c.name.clone(), r.name.clone(), r.contention.unwrap_or(0.0)))
        .collect();
    if !busy.is_empty() {
        doc.notes.push(
            NoteKind::BusyRuns {
                runs: busy,
                threshold: BUSY,
            }
            .into(),
        );
    }
    for ((_, workload), ratio) in too_noisy {
        doc.notes.push(
            NoteKind::TooNoisy {
                workload: workload.clone(),
                ratio: *ratio,
            }
            .into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::measure::Verdict;
    use crate::results::test_docs::{doc, spec};

    fn made(ratio: f64, ci: [f64; 2], p: f64) -> Comparison {
        let significant = p < 0.05 && !(ci[0] <= 1.0 && 1.0 <= ci[1]);
        Comparison {
            ratio,
            ratio_ci: ci,
            p_value: p,
            p_adjusted: None,
            significant,
            verdict: if significant && ratio < 1.0 {
                Verdict::Better
            } else {
                Verdict::WithinNoise
            },
            direction: Default::default(),
            rule: Default::default(),
            within_noise: None,
        }
    }

    /// A sweep on workload `w`: `small` 3% faster, `big` 20% faster, both
    /// with p = 0.001, and the A/A comparison given.
    fn sweep(noise: Comparison) -> MeasureDocument {
        let mut d = doc(&[
            spec("baseline", 1_000_000, 60.0, 300).run(1.0, 1.0, 1.0),
            spec("small", 1_000_000, 60.0, 300).run(0.97, 0.96, 0.98),
            spec("big", 1_000_000, 60.0, 300).run(0.80, 0.78, 0.82),
        ]);
        let w = d.configurations[0].series[0].name.clone();
        d.workloads.retain(|x| x.name == w);
        d.workloads[0].noise = Some(noise);
        d
    }

    fn verdict(d: &MeasureDocument, name: &str) -> Verdict {
        d.config(name).unwrap().series[0]
            .vs_baseline
            .as_ref()
            .unwrap()
            .verdict
    }

    /// Deterministic counts, 3 runs each: `big` (×0.80) and `small`
    /// (×0.97) wholly apart from baseline, yet no p-value 3 runs allow
    /// survives 2 comparisons: a TOO FEW RUNS note names them, and the
    /// runs that would do; with 5 runs each there is a verdict and no note.
    #[test]
    fn too_few_runs_for_any_verdict_are_named() {
        for (runs, expected) in [(3, Verdict::WithinNoise), (5, Verdict::Better)] {
            let mut d = sweep(made(1.0, [1.0, 1.0], 1.0));
            for c in &mut d.configurations {
                let r = &mut c.series[0];
                r.samples = vec![r.samples[0]; runs];
                if let Some(v) = r.vs_baseline.as_mut() {
                    v.p_value = stats::smallest_p(runs, runs);
                }
            }
            judge(&mut d);
            assert_eq!(verdict(&d, "big"), expected, "{runs} runs");
            let note = d
                .notes
                .iter()
                .find(|n| n.text.starts_with("TOO FEW RUNS"))
                .map(|n| n.text.clone());
            if runs == 3 {
                let note = note.expect("a note");
                assert!(
                    note.contains("`big` on `") && note.contains("`small` on `"),
                    "{note}"
                );
                assert!(
                    note.contains("with 3 runs each and 2 comparisons"),
                    "{note}"
                );
                assert!(note.ends_with("--runs 5 can confirm them"), "{note}");
            } else {
                assert_eq!(note, None);
            }
        }
    }

    /// The same counts judged as counts: `big` and `small` are better
    /// with 3 runs each, no TOO FEW RUNS note, no Holm; the A/A floor
    /// still applies.
    #[test]
    fn counts_are_judged_without_holm_and_inside_their_floor() {
        let mut d = sweep(made(1.0, [0.995, 1.02], 1.0));
        for c in &mut d.configurations {
            let r = &mut c.series[0];
            r.samples = vec![r.samples[0]; 3];
            r.rule = Rule::Count;
            if let Some(v) = r.vs_baseline.as_mut() {
                *v = stats::compare_by(&[v.ratio; 3], &[1.0; 3], Direction::Lower, Rule::Count);
            }
        }
        judge(&mut d);
        assert_eq!(verdict(&d, "big"), Verdict::Better);
        assert_eq!(verdict(&d, "small"), Verdict::Better);
        assert!(!d.notes.iter().any(|n| n.text.starts_with("TOO FEW RUNS")));
        let big = d.config("big").unwrap().series[0]
            .vs_baseline
            .clone()
            .unwrap();
        assert_eq!(big.p_adjusted, None, "in no Holm family");
        // a floor as wide as 3% takes `small` (×0.97) in
        let mut d = sweep(made(1.0, [0.96, 1.04], 1.0));
        for c in &mut d.configurations {
            let r = &mut c.series[0];
            r.rule = Rule::Count;
            if let Some(v) = r.vs_baseline.as_mut() {
                *v = stats::compare_by(&[v.ratio], &[1.0], Direction::Lower, Rule::Count);
            }
        }
        judge(&mut d);
        assert_eq!(verdict(&d, "small"), Verdict::WithinNoise);
        assert_eq!(verdict(&d, "big"), Verdict::Better);
    }

    #[test]
    fn a_quiet_floor_leaves_real_effects_and_takes_those_inside_it() {
        // A/A within noise: ×1.00 [0.96–1.04]
        let mut d = sweep(made(1.0, [0.96, 1.04], 0.8));
        judge(&mut d);
        assert_eq!(
            verdict(&d, "small"),
            Verdict::WithinNoise,
            "3% is inside ±4%"
        );
        let small = d.config("small").unwrap().series[0].vs_baseline.clone();
        assert_eq!(small.unwrap().within_noise, Some(NoiseRule::AaFloor));
        assert_eq!(verdict(&d, "big"), Verdict::Better);
        assert!(!d.notes.iter().any(|n| n.text.starts_with("TOO NOISY")));
    }

    #[test]
    fn a_workload_where_baseline_differs_from_itself_judges_nothing() {
        // A/A ×1.08 beyond the noise: the machine was too noisy
        let mut d = sweep(made(1.08, [1.05, 1.11], 0.001));
        judge(&mut d);
        for name in ["small", "big"] {
            assert_eq!(verdict(&d, name), Verdict::WithinNoise, "{name}");
            let v = d.config(name).unwrap().series[0]
                .vs_baseline
                .clone()
                .unwrap();
            assert_eq!(v.p_adjusted, None, "not in the family");
            assert_eq!(v.within_noise, Some(NoiseRule::TooNoisy));
        }
        let note = &d
            .notes
            .iter()
            .find(|n| n.text.starts_with("TOO NOISY"))
            .unwrap()
            .text;
        assert!(
            note.contains("×1.080") && note.contains("--counter instructions"),
            "{note}"
        );
    }

    #[test]
    fn the_copy_is_compared_with_baseline_and_leaves_the_series() {
        let series_of = |samples: &[f64]| Series {
            samples: samples.to_vec(),
            ..Series::default()
        };
        let mut series = BTreeMap::new();
        series.insert(
            BASELINE.to_string(),
            series_of(&[1.0, 1.01, 0.99, 1.0, 1.02]),
        );
        series.insert(
            BASELINE_COPY.to_string(),
            series_of(&[1.0, 0.99, 1.01, 1.01, 1.0]),
        );
        let noise = floor(&mut series, Counter::Time).unwrap();
        assert!(!series.contains_key(BASELINE_COPY), "never a configuration");
        assert!(
            !noise.significant && (noise.ratio - 1.0).abs() < 0.02,
            "{noise:?}"
        );
        // no clean baseline: no floor
        let mut series = BTreeMap::new();
        series.insert(BASELINE_COPY.to_string(), series_of(&[1.0]));
        assert!(floor(&mut series, Counter::Time).is_none());
    }
}
