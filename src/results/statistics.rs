//! What the statistics of a runtime series say, as the documents record
//! them: a sample's summary, and its comparison with baseline's
//! (docs/results-schema.md).

use serde::{Deserialize, Serialize};

/// Significance level of the two-sided test, and 1 − confidence of the
/// CIs (`stats` decides with it).
pub const ALPHA: f64 = 0.05;

/// The smallest effect called a difference: a ratio within 1% of 1 is
/// within noise whatever its p-value (`stats` decides with it; sizes in
/// `recommend` tie within it too).
pub const MIN_EFFECT: f64 = 0.01;

/// Summary of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sample size.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 for n < 2.
    pub stddev: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Median absolute deviation (unscaled).
    pub mad: f64,
    /// Indices of outliers by the modified Z-score (> 3.5).
    pub outliers: Vec<usize>,
    /// 95% percentile-bootstrap CI of the median: [low, high].
    pub median_ci: [f64; 2],
}

/// A comparison against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// median(this) / median(baseline).
    pub ratio: f64,
    /// 95% bootstrap CI of that ratio.
    pub ratio_ci: [f64; 2],
    /// Two-sided Mann–Whitney U p-value, of this comparison alone.
    pub p_value: f64,
    /// The p-value adjusted for every sampled comparison of the document
    /// (Holm–Bonferroni); the verdict rests on it. Null for counts, whose
    /// verdict rests on no p-value, and for comparisons not judged.
    #[serde(default)]
    pub p_adjusted: Option<f64>,
    /// A real difference, not noise: for sampled metrics the adjusted
    /// p < 0.05, the CI excludes 1 and the effect is at least 1%; for
    /// counts the CI excludes 1 and the effect is at least 1%; either way
    /// outside the A/A floor.
    pub significant: bool,
    /// What the comparison says, decided with the statistics.
    pub verdict: Verdict,
    /// Which way of the ratio is better.
    #[serde(default)]
    pub direction: Direction,
    /// How it was judged: `sampled` (p-values, Holm) or `count` (the
    /// ratio's CI, the minimum effect and the A/A floor alone).
    #[serde(default)]
    pub rule: Rule,
    /// For a verdict `within_noise`: the rule that decided it (the first
    /// one the comparison did not pass). Null otherwise, and in documents
    /// made before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_noise: Option<NoiseRule>,
}

/// Which rule made a comparison `within_noise`, in the order they are
/// applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseRule {
    /// Its own p-value was 0.05 or more.
    PValue,
    /// Its own p-value was under 0.05, but not once adjusted for every
    /// comparison of the document (Holm–Bonferroni).
    Holm,
    /// The ratio's 95% CI contains 1.
    CiIncludesOne,
    /// The ratio is within the minimum effect (1%) of 1.
    MinEffect,
    /// The ratio is inside the workload's A/A noise floor (the CI of
    /// baseline against a copy of itself).
    AaFloor,
    /// Its runs, or baseline's, competed for the CPU: not judged.
    Busy,
    /// Baseline differed from a copy of itself on this workload: not
    /// judged.
    TooNoisy,
}

impl Comparison {
    /// How much worse than baseline, whatever the direction: the ratio
    /// less 1 where lower is better, its inverse less 1 where higher is
    /// (0.10: 10% worse; negative: better).
    pub fn worse_by(&self) -> f64 {
        self.cost(self.ratio) - 1.0
    }

    /// The ratio's CI as [`worse_by`](Self::worse_by) figures, low first.
    pub fn worse_by_ci(&self) -> [f64; 2] {
        let [a, b] = self.ratio_ci.map(|r| self.cost(r) - 1.0);
        [a.min(b), a.max(b)]
    }

    fn cost(&self, ratio: f64) -> f64 {
        match self.direction {
            Direction::Lower => ratio,
            Direction::Higher => 1.0 / ratio,
        }
    }
}

/// A runtime comparison's conclusion, by the metric's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Better than baseline beyond the noise (faster, fewer instructions,
    /// more requests per second).
    Better,
    /// Worse than baseline beyond the noise.
    Worse,
    /// Not distinguishable from baseline.
    WithinNoise,
}

/// Which way of a metric is better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Less is better: times, counts, latencies.
    #[default]
    Lower,
    /// More is better: a throughput (requests per second).
    Higher,
}

/// How a metric's figures vary, and so how its comparisons are judged
/// (docs/results-schema.md, "How a runtime verdict is decided").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Noisy samples (times): Mann–Whitney U, adjusted for every sampled
    /// comparison of the document (Holm), the ratio's CI, the minimum
    /// effect, the A/A floor.
    #[default]
    Sampled,
    /// Deterministic counts (instructions under valgrind): no p-value can
    /// say more than the counts do, and a harness may report one; judged
    /// by the ratio's CI, the minimum effect and the A/A floor alone.
    Count,
}
