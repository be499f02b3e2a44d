//! `report --history`: the measure documents of a results directory as a
//! trend per configuration — file size, shipped size, clean build time and
//! each workload's runtime ratio — one row per document, oldest first,
//! labelled with its date and git commit.

use std::time::{Duration, UNIX_EPOCH};

use super::axis::Unit;
use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use super::svg;
use crate::results::MeasureDocument;
use crate::results::history::{Entry, Point};
use crate::results::measure::Status;

/// The history of `docs` (any order): oldest first.
pub fn entries(docs: &[MeasureDocument]) -> Vec<Entry> {
    let mut docs: Vec<&MeasureDocument> = docs.iter().collect();
    docs.sort_by(|a, b| {
        a.started_unix_s
            .cmp(&b.started_unix_s)
            .then(a.id.cmp(&b.id))
    });
    docs.into_iter()
        .map(|d| Entry {
            id: d.id.clone(),
            started: humantime::format_rfc3339_seconds(
                UNIX_EPOCH + Duration::from_secs(d.started_unix_s),
            )
            .to_string(),
            commit: d.source.as_ref().map(|s| s.commit.clone()),
            dirty: d.source.as_ref().is_some_and(|s| s.dirty),
            configs: d
                .configurations
                .iter()
                .filter(|c| c.status == Status::Ok)
                .map(|c| {
                    // several binaries: their sizes added up
                    let bin = c.sizes(None);
                    (
                        c.name.clone(),
                        Point {
                            size_bytes: bin.as_ref().map(|b| b.size_bytes),
                            shipped_bytes: bin.as_ref().map(|b| b.shipped_bytes),
                            build_s: c.build.as_ref().filter(|b| !b.warm).and(c.whole_build_s()),
                            runtime: c
                                .series
                                .iter()
                                .filter_map(|r| {
                                    Some((r.name.clone(), r.vs_baseline.as_ref()?.ratio))
                                })
                                .collect(),
                        },
                    )
                })
                .collect(),
        })
        .collect()
}

/// `2026-11-26 11:27 abc1234*`.
fn label(e: &Entry) -> String {
    let when = e.started.replace('T', " ");
    let when = when.get(..16).unwrap_or(&when).to_string();
    match &e.commit {
        Some(c) => format!(
            "{when} {}{}",
            &c[..c.len().min(7)],
            if e.dirty { "*" } else { "" }
        ),
        None => when,
    }
}

/// Every configuration that appears, in first-seen order.
fn names(entries: &[Entry]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in entries {
        for (n, _) in &e.configs {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
    }
    out
}

/// Every workload that appears.
fn workloads(entries: &[Entry]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in entries {
        for (_, p) in &e.configs {
            for (w, _) in &p.runtime {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
    }
    out
}

/// A metric: its title and how to read it from a point.
type Metric<'a> = (
    String,
    Box<dyn Fn(&Point) -> Option<f64> + 'a>,
    fn(f64) -> Cell,
);

fn metrics(entries: &[Entry]) -> Vec<Metric<'static>> {
    let mut out: Vec<Metric> = vec![
        (
            "file size".into(),
            Box::new(|p: &Point| p.size_bytes.map(|v| v as f64)),
            |v| Cell::Bytes(v as u64),
        ),
        (
            "shipped size".into(),
            Box::new(|p: &Point| p.shipped_bytes.map(|v| v as f64)),
            |v| Cell::Bytes(v as u64),
        ),
        (
            "clean build".into(),
            Box::new(|p: &Point| p.build_s),
            Cell::Seconds,
        ),
    ];
    for w in workloads(entries) {
        let key = w.clone();
        out.push((
            format!("runtime of `{w}` × baseline"),
            Box::new(move |p: &Point| p.runtime.iter().find(|(x, _)| *x == key).map(|(_, r)| *r)),
            |v| Cell::Number {
                value: v,
                decimals: 3,
            },
        ));
    }
    out
}

fn series(entries: &[Entry], name: &str, get: &dyn Fn(&Point) -> Option<f64>) -> Vec<Option<f64>> {
    entries
        .iter()
        .map(|e| {
            e.configs
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, p)| get(p))
        })
        .collect()
}

/// The history as blocks: one table per metric, a row per document.
pub fn report(entries: &[Entry]) -> Report {
    let names = names(entries);
    let mut blocks = vec![Block::Text(format!(
        "{} measure documents, oldest first (`*`: uncommitted changes were measured).",
        entries.len()
    ))];
    for (title, get, cell) in metrics(entries) {
        let mut headers: Vec<(&str, Align)> = vec![("document", Align::Left)];
        headers.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
        let mut table = Table::new(&headers).titled(title);
        for e in entries {
            let mut row = vec![Cell::Text(label(e))];
            for n in &names {
                row.push(
                    e.configs
                        .iter()
                        .find(|(x, _)| x == n)
                        .and_then(|(_, p)| get(p))
                        .map_or(Cell::Empty, cell),
                );
            }
            table.row(row);
        }
        blocks.push(Block::Table(table));
    }
    Report {
        title: "cargo lto: history".into(),
        blocks,
    }
}

/// The HTML line charts of the history, one per metric.
pub fn charts(entries: &[Entry]) -> Vec<String> {
    let names = names(entries);
    let labels: Vec<String> = entries.iter().map(label).collect();
    let mut out = Vec::new();
    for (i, (title, get, cell)) in metrics(entries).into_iter().enumerate() {
        let series: Vec<(String, Vec<Option<f64>>)> = names
            .iter()
            .map(|n| (n.clone(), self::series(entries, n, &*get)))
            .filter(|(_, v)| v.iter().any(Option::is_some))
            .collect();
        if series.is_empty() {
            continue;
        }
        let chart = svg::lines(
            &format!("History: {title}"),
            "One point per measure document, oldest on the left; one line per configuration",
            &labels,
            &series,
            (&title, Unit::of(&cell(0.0))),
        );
        let mut data = Table::new(&[
            ("document", Align::Left),
            ("config", Align::Left),
            ("value", Align::Right),
        ]);
        for (n, values) in &series {
            for (l, v) in labels.iter().zip(values) {
                if let Some(v) = v {
                    data.row(vec![Cell::Text(l.clone()), Cell::Text(n.clone()), cell(*v)]);
                }
            }
        }
        out.push(super::html::figure(
            &format!("history-{i}"),
            &format!("History: {title}"),
            chart,
            data,
        ));
    }
    out
}
