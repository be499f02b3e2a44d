//! Known answers and properties of the statistics.

use super::*;
use proptest::prelude::*;

#[test]
fn median_range_ci_by_order_statistics() {
    assert_eq!(median_range_ci(&[]), None);
    assert_eq!(median_range_ci(&[1.0]), None);
    // two samples: the range, half the time
    let (ci, level) = median_range_ci(&[2.0, 1.0]).unwrap();
    assert_eq!((ci, level), ([1.0, 2.0], 0.5));
    let (ci, level) = median_range_ci(&[3.0, 1.0, 2.0]).unwrap();
    assert_eq!((ci, level), ([1.0, 3.0], 0.75));
    let (_, level) = median_range_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    assert!((level - 0.9375).abs() < 1e-12);
    // six: still the range, now above 95%
    let (ci, level) = median_range_ci(&[6.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    assert_eq!(ci, [1.0, 6.0]);
    assert!((level - 0.96875).abs() < 1e-12);
    // nine: the 2nd and 8th, 96.1%
    let nine: Vec<f64> = (1..=9).map(f64::from).collect();
    let (ci, level) = median_range_ci(&nine).unwrap();
    assert_eq!(ci, [2.0, 8.0]);
    assert!((level - 0.9609375).abs() < 1e-12);
}

/// Deterministic pseudo-normal noise (sum of uniforms), for test samples.
pub(super) fn noisy(center: f64, spread: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| {
            let u: f64 = (0..12)
                .map(|_| rng.next_u64() as f64 / u64::MAX as f64)
                .sum::<f64>()
                - 6.0;
            center + spread * u
        })
        .collect()
}

#[test]
fn known_answers() {
    let s = summarize(&[1.0, 2.0, 3.0, 4.0, 100.0]);
    assert_eq!(s.median, 3.0);
    assert_eq!(s.mean, 22.0);
    assert_eq!(s.min, 1.0);
    assert_eq!(s.max, 100.0);
    assert_eq!(s.mad, 1.0);
    assert_eq!(s.outliers, [4], "100 is an outlier, the rest are not");
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    assert!((summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).stddev - 2.138).abs() < 1e-3);
}

#[test]
fn constant_sample_has_a_point_ci() {
    let s = summarize(&[0.5; 20]);
    assert_eq!(s.median_ci, [0.5, 0.5]);
    assert!(s.outliers.is_empty());
    let c = compare(&[0.5; 20], &[0.5; 20]);
    assert_eq!(c.ratio_ci, [1.0, 1.0]);
    assert!(!c.significant);
}

#[test]
fn ten_percent_shift_with_low_noise_is_significant() {
    let base = noisy(1.0, 0.005, 30, 1);
    let slow = noisy(1.1, 0.005, 30, 2);
    let c = compare(&slow, &base);
    assert!(c.significant, "{c:?}");
    assert_eq!(c.verdict, Verdict::Worse);
    assert_eq!(compare(&base, &slow).verdict, Verdict::Better);
    assert!((c.ratio - 1.1).abs() < 0.01);
    assert!(c.ratio_ci[0] > 1.05 && c.ratio_ci[1] < 1.15, "{c:?}");
    assert!(c.p_value < 1e-6);
}

#[test]
fn shift_inside_the_noise_is_not_significant() {
    let base = noisy(1.0, 0.2, 20, 3);
    let other = noisy(1.01, 0.2, 20, 4);
    let c = compare(&other, &base);
    assert!(!c.significant, "{c:?}");
    assert_eq!(c.verdict, Verdict::WithinNoise);
    assert!(c.ratio_ci[0] < 1.0 && c.ratio_ci[1] > 1.0);
}

#[test]
fn mann_whitney_matches_a_textbook_case() {
    // Completely separated samples of 10 each: U = 0, z ≈ 3.74, p ≈ 0.00018.
    let a: Vec<f64> = (0..10).map(f64::from).collect();
    let b: Vec<f64> = (10..20).map(f64::from).collect();
    let p = mann_whitney_p(&a, &b);
    assert!((p - 0.000_18).abs() < 0.000_03, "{p}");
    assert_eq!(mann_whitney_p(&[1.0; 5], &[1.0; 5]), 1.0);
}

#[test]
fn holm_adjusts_step_down() {
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    // the textbook case: m = 5
    let p = [0.01, 0.02, 0.03, 0.04, 0.05];
    assert!(
        close(&holm(&p), &[0.05, 0.08, 0.09, 0.09, 0.09]),
        "{:?}",
        holm(&p)
    );
    // order is kept; a later, larger product never lowers one before it
    assert!(close(&holm(&[0.01, 0.04, 0.03]), &[0.03, 0.06, 0.06]));
    assert!(close(&holm(&[0.5, 0.9]), &[1.0, 1.0]), "capped at 1");
    assert!(holm(&[]).is_empty());
    assert!(
        close(&holm(&[0.04]), &[0.04]),
        "one comparison is not adjusted"
    );
}

#[test]
fn one_lucky_p_among_twelve_is_not_a_verdict() {
    let made = |ratio: f64, ci: [f64; 2], p: f64| Comparison {
        ratio,
        ratio_ci: ci,
        p_value: p,
        p_adjusted: None,
        significant: false,
        verdict: Verdict::WithinNoise,
        direction: Default::default(),
        rule: Default::default(),
        within_noise: None,
    };
    // (family, index, adjusted p, verdict)
    let lucky = made(0.95, [0.92, 0.98], 0.04);
    let null = made(1.0, [0.97, 1.03], 0.5);
    let strong = made(0.80, [0.78, 0.82], 0.0001);
    type Case = (Vec<Comparison>, usize, f64, Verdict);
    let cases: Vec<Case> = vec![
        // alone, 5% faster with p = 0.04 is a verdict
        (vec![lucky.clone()], 0, 0.04, Verdict::Better),
        // among 12 comparisons (a sweep of 4 configurations × 3
        // workloads) it is not: 12 × 0.04 = 0.48
        (
            std::iter::once(lucky.clone())
                .chain(vec![null.clone(); 11])
                .collect(),
            0,
            0.48,
            Verdict::WithinNoise,
        ),
        // a strong effect survives the correction
        (
            std::iter::once(strong)
                .chain(vec![null.clone(); 11])
                .collect(),
            0,
            0.0012,
            Verdict::Better,
        ),
    ];
    for (i, (mut family, at, p, verdict)) in cases.into_iter().enumerate() {
        let mut refs: Vec<&mut Comparison> = family.iter_mut().collect();
        correct(&mut refs);
        let c = &family[at];
        assert!((c.p_adjusted.unwrap() - p).abs() < 1e-12, "case {i}: {c:?}");
        assert_eq!(c.verdict, verdict, "case {i}: {c:?}");
        assert_eq!(c.p_value, family[at].p_value, "the raw p is kept");
    }
}

#[test]
fn an_effect_under_one_percent_is_never_called() {
    // 0.5% slower with almost no noise: p is tiny and the CI excludes 1,
    // but the effect is below MIN_EFFECT
    let base = noisy(1.0, 0.0005, 40, 21);
    let other = noisy(1.005, 0.0005, 40, 22);
    let c = compare(&other, &base);
    assert!(c.p_value < 0.001 && c.ratio_ci[0] > 1.0, "{c:?}");
    assert_eq!(c.verdict, Verdict::WithinNoise);
    // 2% is
    let other = noisy(1.02, 0.0005, 40, 23);
    assert_eq!(compare(&other, &base).verdict, Verdict::Worse);
}

proptest! {
    // each case bootstraps 10,000 resamples: fewer cases keep this quick
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn adjusted_p_is_at_least_raw_and_at_most_one(p in proptest::collection::vec(0.0f64..=1.0, 0..30)) {
        let adjusted = holm(&p);
        for (raw, adj) in p.iter().zip(&adjusted) {
            prop_assert!(adj >= raw && *adj <= 1.0, "{raw} → {adj}");
        }
        // the order of the raw p-values is kept
        for i in 0..p.len() {
            for j in 0..p.len() {
                if p[i] < p[j] {
                    prop_assert!(adjusted[i] <= adjusted[j]);
                }
            }
        }
    }

    #[test]
    fn a_sample_against_itself_is_never_significant(xs in proptest::collection::vec(0.001f64..1000.0, 1..30)) {
        let c = compare(&xs, &xs);
        prop_assert!(!c.significant && c.verdict == Verdict::WithinNoise, "{c:?}");
        prop_assert!((c.ratio - 1.0).abs() < 1e-12);
    }

    #[test]
    fn median_ci_brackets_the_median(xs in proptest::collection::vec(0.001f64..1000.0, 1..40)) {
        let s = summarize(&xs);
        prop_assert!(s.min <= s.median_ci[0] && s.median_ci[0] <= s.median);
        prop_assert!(s.median <= s.median_ci[1] && s.median_ci[1] <= s.max);
        prop_assert!(s.min <= s.median && s.median <= s.max);
    }

    #[test]
    fn order_statistic_ci_brackets_the_median(xs in proptest::collection::vec(0.001f64..1000.0, 2..60)) {
        let (ci, level) = median_range_ci(&xs).unwrap();
        let m = median(&xs);
        prop_assert!(ci[0] <= m && m <= ci[1], "{ci:?} {m}");
        prop_assert!((0.5..1.0).contains(&level), "{level}");
        // from 6 samples on, at least 95%
        prop_assert!(xs.len() < 6 || level >= 1.0 - ALPHA, "{level}");
    }

    #[test]
    fn scaling_a_sample_scales_the_ratio(xs in proptest::collection::vec(0.1f64..10.0, 2..30), k in 1.5f64..4.0) {
        let scaled: Vec<f64> = xs.iter().map(|x| x * k).collect();
        let c = compare(&scaled, &xs);
        prop_assert!((c.ratio - k).abs() < 1e-9);
    }

    #[test]
    fn p_value_is_a_probability(a in proptest::collection::vec(0.0f64..1.0, 1..20), b in proptest::collection::vec(0.0f64..1.0, 1..20)) {
        let p = mann_whitney_p(&a, &b);
        prop_assert!((0.0..=1.0).contains(&p));
        prop_assert!((p - mann_whitney_p(&b, &a)).abs() < 1e-12, "symmetric");
    }
}

#[test]
fn the_smallest_p_value_a_number_of_runs_allows() {
    // 3 against 3 wholly apart: 0.081 (the normal approximation with its
    // continuity correction), never a verdict
    let p3 = smallest_p(3, 3);
    assert!((p3 - 0.081).abs() < 0.001, "{p3}");
    assert!(smallest_p(5, 5) < smallest_p(4, 4));
    assert!(smallest_p(4, 4) < ALPHA && 2.0 * smallest_p(4, 4) >= ALPHA);
    assert_eq!(runs_needed(1), 4);
    assert_eq!(runs_needed(2), 5);
    // more comparisons need more runs
    assert!(runs_needed(20) > runs_needed(2));
    // a sample wholly below its baseline gives exactly that p-value
    assert_eq!(mann_whitney_p(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), p3);
}

/// A comparison within noise says which rule decided it: its own p, Holm,
/// a CI that holds 1, or the minimum effect (the first one it fails);
/// one that passes every rule names none.
#[test]
fn within_noise_names_the_rule_that_decided() {
    let judged = |ratio: f64, ci: [f64; 2], p: f64, family: usize| {
        let mut all: Vec<Comparison> = std::iter::once((ratio, ci, p))
            .chain(std::iter::repeat_n((1.0, [0.9, 1.1], 0.9), family - 1))
            .map(|(ratio, ratio_ci, p_value)| Comparison {
                ratio,
                ratio_ci,
                p_value,
                p_adjusted: None,
                significant: false,
                verdict: Verdict::WithinNoise,
                direction: Default::default(),
                rule: Default::default(),
                within_noise: None,
            })
            .collect();
        let mut refs: Vec<&mut Comparison> = all.iter_mut().collect();
        correct(&mut refs);
        (all[0].verdict, all[0].within_noise)
    };
    use crate::results::measure::NoiseRule::*;
    assert_eq!(judged(0.9, [0.8, 0.95], 0.2, 1).1, Some(PValue));
    assert_eq!(judged(0.9, [0.8, 0.95], 0.02, 4).1, Some(Holm));
    assert_eq!(judged(0.97, [0.95, 1.0], 0.01, 1).1, Some(CiIncludesOne));
    assert_eq!(judged(0.995, [0.99, 0.998], 0.001, 1).1, Some(MinEffect));
    assert_eq!(judged(0.9, [0.85, 0.95], 0.001, 4), (Verdict::Better, None));
}
