//! Typed table cells and how each kind of figure is written: every format
//! shows a size, a duration or a ratio the same way.

use crate::results::measure::{Comparison, NoiseRule, Verdict};
use crate::units;

pub use crate::results::measure::Metric;

/// One table cell: a figure with its kind, so each format writes it right.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Text as is.
    Text(String),
    /// A figure that has no value, shown as this mark (`?` not measured, `-` not asked for).
    Mark(&'static str),
    /// Bytes: `512 B`, `497.2 KiB`.
    Bytes(u64),
    /// A signed change in bytes: `+1.9 KiB`, `-19.5 KiB`, `0`.
    BytesDelta(i64),
    /// A duration in seconds: `0.42 s`, `12.3 s`.
    Seconds(f64),
    /// A plain number with this many decimals.
    Number {
        value: f64,
        /// Decimals shown.
        decimals: usize,
    },
    Count(u64),
    /// A ratio: `×1.85` (`n/a` when not finite).
    Ratio(f64),
    /// A relative change, 0.05 meaning +5%: `+5.0%` (`n/a` when not finite).
    Change(f64),
    /// A part of a whole, 0.012 meaning 1.2%: `1.2%`.
    Share(f64),
    /// A runtime figure with its confidence interval, in the figure's unit:
    /// `7.14 ms [6.99–7.41]`.
    MetricCi {
        /// The figure (a median).
        value: f64,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Their unit.
        metric: Metric,
    },
    /// A ratio with its confidence interval: `×0.912 [0.901–0.925]`.
    RatioCi {
        ratio: f64,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// A runtime verdict with its size and p-value: `8.8% faster (p <
    /// 0.001)`; within noise, with the rule that decided it: `within
    /// noise: inside A/A 0.962–1.030 (p = 0.001)`.
    Verdict {
        /// The comparison and what the statistics decided.
        comparison: Comparison,
        /// The workload's A/A noise floor (its CI), when it had one.
        floor: Option<[f64; 2]>,
        /// Time or instructions (`faster` or `fewer`).
        metric: Metric,
    },
}

impl Cell {
    /// The cell as text.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Mark(m) => (*m).to_string(),
            Cell::Bytes(n) => units::bytes(*n),
            Cell::BytesDelta(n) => units::bytes_delta(*n),
            Cell::Seconds(s) => units::seconds(*s),
            Cell::Number { value, decimals } => format!("{value:.decimals$}"),
            Cell::Count(n) => n.to_string(),
            Cell::Ratio(r) => units::ratio(*r, 2),
            Cell::Change(c) => units::change(*c),
            Cell::Share(s) => units::percent(*s, 1),
            Cell::MetricCi {
                value,
                low,
                high,
                metric,
            } => {
                let (scale, decimals, unit) = metric_unit(*metric, *value);
                let n = |x: f64| format!("{:.decimals$}", x * scale);
                format!("{}{unit} [{}–{}]", n(*value), n(*low), n(*high))
            }
            Cell::RatioCi { ratio, low, high } => format!("×{ratio:.3} [{low:.3}–{high:.3}]"),
            Cell::Verdict {
                comparison: c,
                floor,
                metric,
            } => {
                let pct = (c.ratio - 1.0).abs() * 100.0;
                let word = super::figures::change_word(*metric, c.ratio);
                match (c.verdict, c.rule) {
                    (Verdict::WithinNoise, _) => within_noise(c, *floor),
                    (_, crate::results::measure::Rule::Sampled) => format!(
                        "{pct:.1}% {word} ({})",
                        units::p_value(c.p_adjusted.unwrap_or(c.p_value))
                    ),
                    // a count is judged without a p-value
                    (_, crate::results::measure::Rule::Count) => {
                        format!("{pct:.1}% {word} (count)")
                    }
                }
            }
        }
    }
}

/// `within noise` with the rule that decided it (docs/results-schema.md,
/// `within_noise`).
pub fn within_noise(c: &Comparison, floor: Option<[f64; 2]>) -> String {
    let own = units::p_value(c.p_value);
    // a count's verdict rests on no p-value
    let adjusted = match c.rule {
        crate::results::measure::Rule::Count => "count".to_string(),
        crate::results::measure::Rule::Sampled => units::p_value(c.p_adjusted.unwrap_or(c.p_value)),
    };
    match (c.within_noise, floor) {
        (Some(NoiseRule::PValue) | None, _) => format!("within noise ({own})"),
        (Some(NoiseRule::Holm), _) => format!(
            "within noise: Holm ({own} alone, {} adjusted)",
            adjusted.trim_start_matches("p ").trim_start_matches("= ")
        ),
        (Some(NoiseRule::CiIncludesOne), _) => format!("within noise: CI holds 1 ({adjusted})"),
        (Some(NoiseRule::MinEffect), _) => format!(
            "within noise: under {} ({adjusted})",
            units::percent(crate::results::measure::MIN_EFFECT, 0)
        ),
        (Some(NoiseRule::AaFloor), Some([low, high])) => {
            format!("within noise: inside A/A {low:.3}–{high:.3} ({adjusted})")
        }
        (Some(NoiseRule::AaFloor), None) => format!("within noise: inside A/A ({adjusted})"),
        (Some(NoiseRule::Busy), _) => "not judged: busy".into(),
        (Some(NoiseRule::TooNoisy), _) => "not judged: too noisy".into(),
    }
}

/// The scale, decimals and unit a runtime figure of size `v` is shown in:
/// µs, ms or s; k, M or G instructions.
fn metric_unit(metric: Metric, v: f64) -> (f64, usize, &'static str) {
    match metric {
        Metric::Instructions | Metric::FetchMisses | Metric::InstructionsPerRequest => match v {
            v if v >= 1e9 => (1e-9, 3, " G"),
            v if v >= 1e6 => (1e-6, 3, " M"),
            v if v >= 1e3 => (1e-3, 3, " k"),
            _ => (1.0, 0, ""),
        },
        Metric::RequestsPerSecond => match v {
            v if v >= 1e6 => (1e-6, 3, "M rps"),
            v if v >= 1e4 => (1e-3, 2, "k rps"),
            _ => (1.0, 1, " rps"),
        },
        Metric::Seconds | Metric::CpuPerRequest | Metric::CpuSeconds => match v {
            v if v < 1e-5 => (1e6, 2, " µs"),
            v if v < 1e-3 => (1e6, 0, " µs"),
            v if v < 1.0 => (1e3, 2, " ms"),
            _ => (1.0, 3, " s"),
        },
        Metric::NsPerIter => match v {
            v if v < 10.0 => (1.0, 3, " ns"),
            v if v < 1e3 => (1.0, 1, " ns"),
            v if v < 1e6 => (1e-3, 3, " µs"),
            v if v < 1e9 => (1e-6, 3, " ms"),
            _ => (1e-9, 3, " s"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(Cell::Bytes(512).text(), "512 B");
        assert_eq!(Cell::Bytes(509_168).text(), "497.2 KiB");
        assert_eq!(Cell::Bytes(3 * 1024 * 1024).text(), "3.0 MiB");
        assert_eq!(Cell::BytesDelta(-20_000).text(), "-19.5 KiB");
        assert_eq!(Cell::BytesDelta(0).text(), "0");
        assert_eq!(Cell::Seconds(0.421).text(), "0.42 s");
        assert_eq!(Cell::Seconds(12.34).text(), "12.3 s");
        assert_eq!(Cell::Change(424_008.0 / 509_168.0 - 1.0).text(), "-16.7%");
        assert_eq!(Cell::Ratio(2.0).text(), "×2.00");
        assert_eq!(Cell::Ratio(2.0 / 0.0).text(), "n/a");
        assert_eq!(Cell::Change(f64::NAN).text(), "n/a");
        assert_eq!(Cell::Share(0.0012).text(), "0.1%");
        assert_eq!(
            Cell::Number {
                value: 1.5,
                decimals: 2
            }
            .text(),
            "1.50"
        );
    }

    #[test]
    fn runtime_cells() {
        let m = Metric::Seconds;
        let point = |value, metric| {
            Cell::MetricCi {
                value,
                low: value,
                high: value,
                metric,
            }
            .text()
        };
        assert_eq!(point(0.000_85, m), "850 µs [850–850]");
        assert_eq!(point(0.0123, m), "12.30 ms [12.30–12.30]");
        assert_eq!(point(1.23e9, Metric::Instructions), "1.230 G [1.230–1.230]");
        let ci = Cell::RatioCi {
            ratio: 0.912,
            low: 0.9011,
            high: 0.925,
        };
        assert_eq!(ci.text(), "×0.912 [0.901–0.925]");
        let median = Cell::MetricCi {
            value: 0.00714,
            low: 0.00699,
            high: 0.00741,
            metric: m,
        };
        assert_eq!(median.text(), "7.14 ms [6.99–7.41]");
        let comparison = |verdict, within_noise| Comparison {
            ratio: 0.912,
            ratio_ci: [0.90, 0.93],
            p_value: 0.0001,
            p_adjusted: Some(0.0004),
            significant: verdict != Verdict::WithinNoise,
            verdict,
            direction: Default::default(),
            rule: Default::default(),
            within_noise,
        };
        let v = |verdict, metric| {
            Cell::Verdict {
                comparison: comparison(verdict, None),
                floor: None,
                metric,
            }
            .text()
        };
        assert_eq!(v(Verdict::Better, m), "8.8% faster (p < 0.001)");
        assert_eq!(
            v(Verdict::Better, Metric::Instructions),
            "8.8% fewer (p < 0.001)"
        );
        assert_eq!(v(Verdict::WithinNoise, m), "within noise (p < 0.001)");
        // within noise says what decided it
        let noise = |rule, floor| {
            Cell::Verdict {
                comparison: comparison(Verdict::WithinNoise, Some(rule)),
                floor,
                metric: m,
            }
            .text()
        };
        assert_eq!(
            noise(NoiseRule::AaFloor, Some([0.9, 1.02])),
            "within noise: inside A/A 0.900–1.020 (p < 0.001)"
        );
        assert_eq!(
            noise(NoiseRule::MinEffect, None),
            "within noise: under 1% (p < 0.001)"
        );
        assert_eq!(
            noise(NoiseRule::CiIncludesOne, None),
            "within noise: CI holds 1 (p < 0.001)"
        );
        assert_eq!(units::p_value(0.043), "p = 0.04", "was p0.04");
        assert_eq!(units::p_value(0.0043), "p = 0.004");
    }
}
