//! The CI gate's answer as blocks: the verdict, one row per comparison,
//! and why each failure failed and each skip was skipped.

use super::blocks::{Align, Block, Report, Table};
use super::cells::{Cell, Metric};
use crate::results::gate::{CheckReport, Outcome};

fn figure(value: Option<f64>, unit: &str) -> Cell {
    match (value, unit) {
        (None, _) => Cell::Empty,
        (Some(v), "bytes") => Cell::Bytes(v as u64),
        (Some(v), "seconds") => Cell::Seconds(v),
        (Some(v), "instructions") => Cell::MetricCi {
            value: v,
            low: v,
            high: v,
            metric: Metric::Instructions,
        },
        (Some(v), _) => Cell::Number {
            value: v,
            decimals: 3,
        },
    }
}

/// A check report as blocks.
pub fn check(r: &CheckReport) -> Report {
    let count = |o: Outcome| r.rows.iter().filter(|x| x.outcome == o).count();
    let verdict = if r.failed {
        format!(
            "FAILED: {} of {} checks over their limits ({} skipped)",
            count(Outcome::Fail),
            r.rows.len(),
            count(Outcome::Skipped)
        )
    } else {
        format!(
            "passed: {} checks within their limits ({} skipped)",
            count(Outcome::Pass),
            count(Outcome::Skipped)
        )
    };
    let mut blocks = vec![Block::Text(format!(
        "{verdict}\nbaseline {} → new {}",
        r.baseline_id, r.new_id
    ))];
    let mut table = Table::new(&[
        ("config", Align::Left),
        ("check", Align::Left),
        ("baseline", Align::Right),
        ("new", Align::Right),
        ("change", Align::Right),
        ("limit", Align::Right),
        ("result", Align::Left),
    ]);
    for row in &r.rows {
        table.row(vec![
            Cell::Text(row.config.clone()),
            Cell::Text(row.check.clone()),
            figure(row.old, &row.unit),
            figure(row.new, &row.unit),
            row.change.map_or(Cell::Empty, Cell::Change),
            Cell::Text(row.limit.clone()),
            Cell::Text(
                match row.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "FAIL",
                    Outcome::Skipped => "skipped",
                }
                .into(),
            ),
        ]);
    }
    // one line per distinct note, naming the rows it is about
    let mut notes: Vec<(&str, Vec<String>)> = Vec::new();
    for row in r.rows.iter().filter(|x| !x.note.is_empty()) {
        let at = format!("{} {}", row.config, row.check);
        match notes.iter_mut().find(|(n, _)| *n == row.note) {
            Some((_, rows)) => rows.push(at),
            None => notes.push((&row.note, vec![at])),
        }
    }
    for (note, rows) in notes {
        table
            .footnotes
            .push(format!("  {}: {note}", rows.join(", ")));
    }
    blocks.push(Block::Table(table));
    if !r.notes.is_empty() {
        blocks.push(Block::Notes(r.notes.clone()));
    }
    Report {
        title: "cargo lto check".into(),
        blocks,
    }
}
