//! The rules by metric: a sampled metric (a time) keeps the p-value rule
//! and its false-verdict rate; a deterministic count is judged by its CI
//! and the minimum effect, with any number of runs, one included; a
//! metric where more is better is better when higher.

use super::tests::noisy;
use super::*;
use proptest::prelude::*;

/// jaq with `--counter instructions --runs 3`: three runs agreeing to
/// 0.002%, fat + PGO at ×0.863 of baseline. The p-value rule can never
/// judge 3 runs each (0.081 at best); the count rule does.
#[test]
fn a_deterministic_count_is_judged_without_a_p_value() {
    let base = [1_000_000.0, 1_000_020.0, 999_990.0];
    let pgo: Vec<f64> = base.iter().map(|x| x * 0.863).collect();
    let sampled = compare_by(&pgo, &base, Direction::Lower, Rule::Sampled);
    assert_eq!(sampled.verdict, Verdict::WithinNoise);
    assert_eq!(sampled.within_noise, Some(NoiseRule::PValue));
    let counted = compare_by(&pgo, &base, Direction::Lower, Rule::Count);
    assert_eq!(counted.verdict, Verdict::Better, "{counted:?}");
    assert_eq!(counted.p_adjusted, None, "no p-value decides a count");
    // a harness that reports one count: n = 1 is judged too
    let one = compare_by(&[863.0], &[1000.0], Direction::Lower, Rule::Count);
    assert_eq!(one.verdict, Verdict::Better);
    assert_eq!(one.ratio_ci, [0.863, 0.863]);
    // and a count within the minimum effect is within noise
    let close = compare_by(&[995.0], &[1000.0], Direction::Lower, Rule::Count);
    assert_eq!(close.within_noise, Some(NoiseRule::MinEffect));
    // a count whose own runs spread across 1 is not a difference either
    let spread = compare_by(
        &[900.0, 1100.0, 1000.0],
        &[1000.0; 3],
        Direction::Lower,
        Rule::Count,
    );
    assert_eq!(spread.verdict, Verdict::WithinNoise);
    // Holm leaves a count alone: it is in no family
    let mut family = [counted.clone(), sampled.clone()];
    let mut refs: Vec<&mut Comparison> = family.iter_mut().collect();
    correct(&mut refs);
    assert_eq!(family[0].verdict, Verdict::Better);
}

/// Requests per second: more is better. ×1.2 is better, ×0.8 worse, and
/// how much worse is the cost, whatever the direction.
#[test]
fn a_metric_where_more_is_better_is_better_when_higher() {
    let base = noisy(1000.0, 5.0, 30, 1);
    let up: Vec<f64> = base.iter().map(|x| x * 1.2).collect();
    let down: Vec<f64> = base.iter().map(|x| x * 0.8).collect();
    let better = compare_by(&up, &base, Direction::Higher, Rule::Sampled);
    let worse = compare_by(&down, &base, Direction::Higher, Rule::Sampled);
    assert_eq!(better.verdict, Verdict::Better);
    assert_eq!(worse.verdict, Verdict::Worse);
    assert!(
        (worse.worse_by() - 0.25).abs() < 0.01,
        "{}",
        worse.worse_by()
    );
    assert!(better.worse_by() < 0.0);
    // the same ratios of a time are the other way round
    assert_eq!(
        compare_by(&up, &base, Direction::Lower, Rule::Sampled).verdict,
        Verdict::Worse
    );
}

/// How often the sampled rule calls two samples of one distribution
/// different, over `trials` seeded pairs of `n` runs each.
fn false_verdicts(n: usize, spread: f64, seed: u64, trials: u64) -> f64 {
    let calls = (0..trials)
        .filter(|t| {
            let a = noisy(100.0, spread, n, seed.wrapping_add(2 * t));
            let b = noisy(100.0, spread, n, seed.wrapping_add(2 * t + 1));
            compare_by(&a, &b, Direction::Lower, Rule::Sampled).verdict != Verdict::WithinNoise
        })
        .count();
    calls as f64 / trials as f64
}

proptest! {
    // each case runs 60 comparisons of 10,000 bootstrap resamples each
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Noisy samples of one distribution keep the sampled rule's false
    /// verdicts at its 5% level (at most 9 of 60 by chance: a binomial
    /// tail under 1%), whatever their size and spread: the direction and
    /// the count rule changed nothing for times.
    #[test]
    fn noisy_samples_keep_the_false_verdict_rate(
        n in 5usize..25,
        spread in 0.5f64..20.0,
        seed in any::<u64>(),
    ) {
        let rate = false_verdicts(n, spread, seed, 60);
        prop_assert!(rate <= 9.0 / 60.0, "{rate} false verdicts for n = {n}, spread {spread}");
    }

    /// A time is always judged by the sampled rule, a count by the count
    /// rule: the metric decides, not the caller.
    #[test]
    fn the_metric_picks_the_rule(k in 0usize..3) {
        use crate::results::measure::Metric;
        let m = [Metric::Seconds, Metric::Instructions, Metric::FetchMisses][k];
        prop_assert_eq!(m.rule() == Rule::Sampled, m.is_time());
        prop_assert_eq!(m.direction(), Direction::Lower);
    }
}
