//! Statistics for runtime samples, shared by the producer (`measure`) and
//! the consumers that compare documents: it imports only `results`, whose
//! `Summary` and `Comparison` it fills.
//!
//! - Location and spread: median, mean, sample standard deviation, min, max.
//! - Outliers: the modified Z-score `0.6745 (x − median) / MAD`, flagged above
//!   3.5 (Iglewicz & Hoaglin, 1993). With MAD = 0 nothing is an outlier.
//! - Confidence intervals: percentile bootstrap (Efron & Tibshirani, 1993),
//!   10,000 resamples from a fixed seed, so a document is reproducible from
//!   its samples. The CI of a constant sample is that constant.
//! - Ratio of two configurations: the ratio of medians, its CI by resampling
//!   each sample independently.
//! - Significance: the two-sided Mann–Whitney U test with the normal
//!   approximation, tie correction and continuity correction (Mann & Whitney,
//!   1947); differences with p ≥ 0.05, or whose ratio CI contains 1, are
//!   reported as inside the noise. The verdict is decided here, once, and
//!   recorded in the results: no renderer re-decides it.
//! - Many comparisons at once: a document compares every configuration
//!   with baseline on every workload, and at p < 0.05 one comparison in
//!   twenty is "significant" by chance alone. [`correct`] adjusts the
//!   p-values of all of them together by Holm's step-down method (Holm,
//!   1979, "A simple sequentially rejective multiple test procedure",
//!   Scandinavian Journal of Statistics 6: 65–70), which keeps the chance
//!   of even one false verdict in the document below 5%, and no effect
//!   smaller than [`MIN_EFFECT`] is called at all.

pub use crate::results::measure::{Comparison, Direction, NoiseRule, Rule, Summary, Verdict};

/// Bootstrap resamples.
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;
/// The smallest effect called faster or slower: a ratio of medians within
/// 1% of 1 is within the noise whatever its p-value.
pub use crate::results::measure::MIN_EFFECT;
/// Significance level of the two-sided test, and 1 − confidence of the CIs.
pub use crate::results::statistics::ALPHA;

/// SplitMix64: a tiny, well-known generator (Steele, Lea & Flood, 2014),
/// enough for resampling indices and shuffling run orders reproducibly.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Median of a sample (sorted copy); NaN for an empty one.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn percentile_sorted(v: &[f64], p: f64) -> f64 {
    let idx = (p * (v.len() - 1) as f64).round() as usize;
    v[idx.min(v.len() - 1)]
}

fn bootstrap_medians(xs: &[f64], rng: &mut SplitMix64) -> Vec<f64> {
    let mut buf = vec![0.0; xs.len()];
    (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            for slot in buf.iter_mut() {
                *slot = xs[rng.below(xs.len())];
            }
            median(&buf)
        })
        .collect()
}

/// Summarises a non-empty sample.
pub fn summarize(xs: &[f64]) -> Summary {
    let n = xs.len();
    let med = median(xs);
    let mean = xs.iter().sum::<f64>() / n as f64;
    let stddev = if n > 1 {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let deviations: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&deviations);
    let outliers = if mad > 0.0 {
        xs.iter()
            .enumerate()
            .filter(|(_, x)| (0.6745 * (*x - med) / mad).abs() > 3.5)
            .map(|(i, _)| i)
            .collect()
    } else {
        Vec::new()
    };
    let mut rng = SplitMix64(0x5eed);
    let mut boot = bootstrap_medians(xs, &mut rng);
    boot.sort_by(f64::total_cmp);
    Summary {
        n,
        median: med,
        mean,
        stddev,
        min: xs.iter().copied().fold(f64::INFINITY, f64::min),
        max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mad,
        outliers,
        median_ci: [
            percentile_sorted(&boot, ALPHA / 2.0),
            percentile_sorted(&boot, 1.0 - ALPHA / 2.0),
        ],
    }
}

/// A distribution-free confidence interval of the median of `xs`, for
/// the few samples of repeated builds, where a bootstrap has too little to
/// resample: the order statistics `[x(k), x(n+1−k)]` with the largest `k`
/// whose coverage `P(k ≤ B ≤ n−k)`, `B ~ Binomial(n, ½)`, is at least
/// `1 − ALPHA`; with fewer than 6 samples no `k` reaches it, and the range
/// (`k = 1`) is returned with the coverage it has (75% for 3 samples,
/// 94% for 5). `None` for fewer than 2 samples. Returns the interval and
/// its coverage.
pub fn median_range_ci(xs: &[f64]) -> Option<([f64; 2], f64)> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    // P(B < k) for B ~ Binomial(n, ½), by adding the terms C(n, i) / 2^n
    let coverage = |k: usize| -> f64 {
        let mut term = 0.5f64.powi(n as i32); // C(n, 0) / 2^n
        let mut below = 0.0;
        for i in 0..k {
            below += term;
            term *= (n - i) as f64 / (i + 1) as f64;
        }
        1.0 - 2.0 * below
    };
    let mut k = 1;
    while k < n / 2 && coverage(k + 1) >= 1.0 - ALPHA {
        k += 1;
    }
    Some(([v[k - 1], v[n - k]], coverage(k)))
}

/// Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf, |error| < 1.5e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// Two-sided Mann–Whitney U p-value (normal approximation with tie and
/// continuity corrections). 1.0 when the samples cannot be told apart at all.
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    let mut all: Vec<(f64, usize)> = a
        .iter()
        .map(|&x| (x, 0))
        .chain(b.iter().map(|&x| (x, 1)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let n = all.len();
    let mut ranks = vec![0.0; n];
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for r in ranks.iter_mut().take(j + 1).skip(i) {
            *r = rank;
        }
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let r1: f64 = all
        .iter()
        .zip(&ranks)
        .filter(|(x, _)| x.1 == 0)
        .map(|(_, r)| r)
        .sum();
    let u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    let mean_u = n1 * n2 / 2.0;
    let nn = n1 + n2;
    let var_u = n1 * n2 / 12.0 * ((nn + 1.0) - tie_term / (nn * (nn - 1.0)));
    if var_u <= 0.0 {
        return 1.0;
    }
    let z = ((u1 - mean_u).abs() - 0.5).max(0.0) / var_u.sqrt();
    (2.0 * (1.0 - normal_cdf(z))).clamp(0.0, 1.0)
}

/// The smallest p-value [`mann_whitney_p`] can give `n1` runs against
/// `n2`: every one of one side below every one of the other.
pub fn smallest_p(n1: usize, n2: usize) -> f64 {
    let a: Vec<f64> = (0..n1).map(|i| i as f64).collect();
    let b: Vec<f64> = (n1..n1 + n2).map(|i| i as f64).collect();
    mann_whitney_p(&a, &b)
}

/// The fewest runs each side needs for a comparison among `family` to be
/// able to reach p < [`ALPHA`] after Holm's adjustment (at most 1000).
pub fn runs_needed(family: usize) -> usize {
    (2..1000)
        .find(|&n| family.max(1) as f64 * smallest_p(n, n) < ALPHA)
        .unwrap_or(1000)
}

/// Compares `sample` with `baseline` (both non-empty), the time metric's
/// way: lower is better, sampled; see [`compare_by`].
#[cfg(test)]
pub fn compare(sample: &[f64], baseline: &[f64]) -> Comparison {
    compare_by(sample, baseline, Direction::Lower, Rule::Sampled)
}

/// Compares `sample` with `baseline` (both non-empty) for a metric whose
/// better way is `direction`, judged by `rule`, as one comparison alone;
/// [`correct`] adjusts the sampled ones among others.
pub fn compare_by(
    sample: &[f64],
    baseline: &[f64],
    direction: Direction,
    rule: Rule,
) -> Comparison {
    let ratio = median(sample) / median(baseline);
    let mut rng = SplitMix64(0xc0ffee);
    let a = bootstrap_medians(sample, &mut rng);
    let b = bootstrap_medians(baseline, &mut rng);
    let mut ratios: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x / y).collect();
    ratios.sort_by(f64::total_cmp);
    let ratio_ci = [
        percentile_sorted(&ratios, ALPHA / 2.0),
        percentile_sorted(&ratios, 1.0 - ALPHA / 2.0),
    ];
    let p_value = mann_whitney_p(sample, baseline);
    let mut c = Comparison {
        ratio,
        ratio_ci,
        p_value,
        p_adjusted: (rule == Rule::Sampled).then_some(p_value),
        significant: false,
        verdict: Verdict::WithinNoise,
        direction,
        rule,
        within_noise: None,
    };
    decide(&mut c);
    c
}

/// Sets `significant` and `verdict`: for a sampled metric from the
/// adjusted p-value, the CI and the minimum effect; for a count from the
/// CI and the minimum effect alone (a deterministic count's p-value says
/// only how many runs there were); better or worse by the direction.
fn decide(c: &mut Comparison) {
    let p = c.p_adjusted.unwrap_or(c.p_value);
    let ci_excludes_one = !(c.ratio_ci[0] <= 1.0 && 1.0 <= c.ratio_ci[1]);
    let sampled = c.rule == Rule::Sampled;
    c.within_noise = if sampled && c.p_value >= ALPHA {
        Some(NoiseRule::PValue)
    } else if sampled && p >= ALPHA {
        Some(NoiseRule::Holm)
    } else if !ci_excludes_one {
        Some(NoiseRule::CiIncludesOne)
    } else if (c.ratio - 1.0).abs() < MIN_EFFECT {
        Some(NoiseRule::MinEffect)
    } else {
        None
    };
    c.significant = c.within_noise.is_none();
    let lower = c.ratio < 1.0;
    c.verdict = match (c.significant, lower == (c.direction == Direction::Lower)) {
        (false, _) => Verdict::WithinNoise,
        (true, true) => Verdict::Better,
        (true, false) => Verdict::Worse,
    };
}

/// Makes `c` within noise by `rule`, whatever it was.
pub fn no_verdict(c: &mut Comparison, rule: NoiseRule) {
    c.significant = false;
    c.verdict = Verdict::WithinNoise;
    c.within_noise = Some(rule);
}

/// Holm's step-down adjusted p-values of `p`, in the same order: the
/// smallest times m, the next times m − 1, …, each at least the one before
/// it, at most 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Adjusts every comparison of one family (a document's sampled ones, a
/// check's) for how many were made, and decides each verdict again from
/// its adjusted p-value.
pub fn correct(family: &mut [&mut Comparison]) {
    let raw: Vec<f64> = family.iter().map(|c| c.p_value).collect();
    for (c, p) in family.iter_mut().zip(holm(&raw)) {
        c.p_adjusted = Some(p);
        decide(c);
    }
}

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod tests;

/// The geometric mean of `ratios` (each with its 95% CI) and its 95% CI,
/// taking each ratio's CI as a normal interval of its logarithm and the
/// ratios as independent; None without ratios. A ratio or bound that is
/// not positive is left out.
pub fn geomean_ci(ratios: &[(f64, [f64; 2])]) -> Option<(f64, [f64; 2])> {
    const Z: f64 = 1.959_964;
    let logs: Vec<(f64, f64)> = ratios
        .iter()
        .filter(|(r, [lo, hi])| *r > 0.0 && *lo > 0.0 && *hi > 0.0)
        .map(|(r, [lo, hi])| (r.ln(), (hi.ln() - lo.ln()).abs() / (2.0 * Z)))
        .collect();
    if logs.is_empty() {
        return None;
    }
    let k = logs.len() as f64;
    let mean = logs.iter().map(|(l, _)| l).sum::<f64>() / k;
    let se = logs.iter().map(|(_, s)| s * s).sum::<f64>().sqrt() / k;
    Some((mean.exp(), [(mean - Z * se).exp(), (mean + Z * se).exp()]))
}

#[cfg(test)]
mod geomean_tests {
    use super::geomean_ci;

    #[test]
    fn geomean_of_ratios_with_their_cis() {
        assert_eq!(geomean_ci(&[]), None);
        let (g, [lo, hi]) = geomean_ci(&[(0.5, [0.5, 0.5]), (2.0, [2.0, 2.0])]).unwrap();
        assert!((g - 1.0).abs() < 1e-12 && (lo - 1.0).abs() < 1e-12 && (hi - 1.0).abs() < 1e-12);
        // one ratio: its own CI back
        let (g, [lo, hi]) = geomean_ci(&[(0.8, [0.7, 0.9])]).unwrap();
        assert!((g - 0.8).abs() < 1e-12);
        assert!((lo - (0.8f64.ln() - (0.9f64.ln() - 0.7f64.ln()) / 2.0).exp()).abs() < 1e-9);
        assert!(lo < g && g < hi);
        // more ratios of the same spread: a narrower CI
        let four = geomean_ci(&[(0.8, [0.7, 0.9]); 4]).unwrap();
        assert!(four.1[1] - four.1[0] < hi - lo);
    }
}

/// Kendall's tau-b between two rankings of the same items (`x[i]` and
/// `y[i]` are item i's values): 1 for the same order, −1 reversed; None
/// with fewer than two items, or when one side has every value tied.
pub fn kendall_tau(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut tied_x, mut tied_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (x[i] - x[j], y[i] - y[j]);
            match (a == 0.0, b == 0.0) {
                (true, true) => {}
                (true, false) => tied_x += 1,
                (false, true) => tied_y += 1,
                (false, false) if (a > 0.0) == (b > 0.0) => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let pairs_x = (concordant + discordant + tied_y) as f64;
    let pairs_y = (concordant + discordant + tied_x) as f64;
    (pairs_x > 0.0 && pairs_y > 0.0)
        .then(|| (concordant - discordant) as f64 / (pairs_x * pairs_y).sqrt())
}

#[cfg(test)]
mod kendall_tests {
    use super::kendall_tau;

    #[test]
    fn kendall_tau_of_orders() {
        assert_eq!(
            kendall_tau(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]),
            Some(1.0)
        );
        assert_eq!(kendall_tau(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(kendall_tau(&[1.0], &[1.0]), None);
        assert_eq!(kendall_tau(&[1.0, 1.0], &[1.0, 2.0]), None);
        // one swapped pair of three: (2 − 1) / 3
        let t = kendall_tau(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).unwrap();
        assert!((t - 1.0 / 3.0).abs() < 1e-12);
    }
}
