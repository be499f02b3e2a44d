//! Axis ticks: round values in the unit an axis is read in, each worded
//! with as many decimals as the step between them needs, so that no two
//! ticks read the same (two ticks "1.3 MiB" on one axis) and none reads a
//! value it is not at (a tick at 1,300,000 bytes labelled "1.2 MiB").

use super::cells::Cell;

/// What an axis measures, and so how its ticks are placed and worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes, ticks round in the binary unit shown: `1.25 MiB`.
    Bytes,
    /// Seconds: `12.5 s`.
    Seconds,
    /// A ratio: `×1.05`.
    Ratio,
    /// Whole numbers: `40`.
    Count,
    /// A plain number (the axis label names its unit): `1.5`.
    Plain,
}

impl Unit {
    /// The axis unit for figures shown as `cell`.
    pub fn of(cell: &Cell) -> Unit {
        match cell {
            Cell::Bytes(_) | Cell::BytesDelta(_) => Unit::Bytes,
            Cell::Seconds(_) => Unit::Seconds,
            Cell::Ratio(_) | Cell::RatioCi { .. } => Unit::Ratio,
            Cell::Count(_) => Unit::Count,
            _ => Unit::Plain,
        }
    }
}

/// Round values covering `[lo, hi]`, four to six of them, and their step.
fn round(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let span = (hi - lo).max(f64::EPSILON);
    let mag = 10f64.powf((span / 4.0).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 5.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    // multiples of the step, not sums of it: no drift, and never `-0`
    let values = (first..=last).map(|k| k as f64 * step).collect();
    (values, step)
}

/// The fewest decimals that write every value of `values` exactly (to a
/// millionth of `step`).
fn decimals(values: &[f64], step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let f = 10f64.powi(d as i32);
            values
                .iter()
                .all(|v| ((v * f).round() / f - v).abs() <= step * 1e-6)
        })
        .unwrap_or(6)
}

/// Ticks covering `[lo, hi]` on an axis of `unit`: each value and its label.
pub fn ticks(unit: Unit, lo: f64, hi: f64) -> Vec<(f64, String)> {
    const BINARY: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (div, prefix, suffix) = match unit {
        Unit::Bytes => {
            let top = lo.abs().max(hi.abs());
            let k = (0..BINARY.len())
                .find(|&k| top < 1024f64.powi(k as i32 + 1))
                .unwrap_or(BINARY.len() - 1);
            (1024f64.powi(k as i32), "", BINARY[k])
        }
        Unit::Seconds => (1.0, "", "s"),
        Unit::Ratio => (1.0, "×", ""),
        Unit::Count | Unit::Plain => (1.0, "", ""),
    };
    let (mut values, step) = round(lo / div, hi / div);
    if unit == Unit::Count {
        values.retain(|v| v.fract() == 0.0);
    }
    let d = decimals(&values, step);
    let space = if suffix.is_empty() { "" } else { " " };
    values
        .into_iter()
        .map(|v| (v * div, format!("{prefix}{v:.d$}{space}{suffix}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(unit: Unit, lo: f64, hi: f64) -> Vec<String> {
        ticks(unit, lo, hi).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t: Vec<f64> = ticks(Unit::Plain, 0.0, 10.0).iter().map(|t| t.0).collect();
        assert_eq!(t, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(Unit::Ratio, 0.93, 1.07);
        assert!(
            t.len() >= 3 && t[0].0 >= 0.93 && t.last().unwrap().0 <= 1.07,
            "{t:?}"
        );
    }

    #[test]
    fn byte_ticks_are_distinct_and_round_in_the_unit_shown() {
        // the example's sizes: 1.26 MiB to 1.38 MiB read "1.3 MiB" twice
        let mib = 1024.0 * 1024.0;
        let l = labels(Unit::Bytes, 1.26 * mib, 1.38 * mib);
        assert_eq!(
            l,
            [
                "1.275 MiB",
                "1.300 MiB",
                "1.325 MiB",
                "1.350 MiB",
                "1.375 MiB"
            ]
        );
        let mut dedup = l.clone();
        dedup.dedup();
        assert_eq!(dedup, l);
        for (v, label) in ticks(Unit::Bytes, 1.26 * mib, 1.38 * mib) {
            let shown: f64 = label.trim_end_matches(" MiB").parse().unwrap();
            assert!((shown * mib - v).abs() < 1.0, "{label} is at {v}");
        }
        assert_eq!(labels(Unit::Bytes, 0.0, 600.0)[1], "200 B");
        assert_eq!(labels(Unit::Bytes, 0.0, 3.0 * mib)[1], "1 MiB");
    }

    #[test]
    fn other_units_are_worded_as_their_cells() {
        assert_eq!(labels(Unit::Ratio, 0.95, 1.05)[0], "×0.950");
        assert_eq!(labels(Unit::Seconds, 0.0, 100.0)[1], "20 s");
        assert_eq!(labels(Unit::Count, 0.0, 3.0), ["0", "1", "2", "3"]);
        assert_eq!(
            labels(Unit::Plain, -1.0, 1.0),
            ["-1.0", "-0.5", "0.0", "0.5", "1.0"]
        );
        assert_eq!(Unit::of(&Cell::Bytes(1)), Unit::Bytes);
        assert_eq!(Unit::of(&Cell::Seconds(1.0)), Unit::Seconds);
    }
}
