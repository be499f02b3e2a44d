//! A server measured under load (`measure --serve`): per load, each
//! measure (requests per second, latency, CPU time per request,
//! instructions per request) for every configuration against baseline's,
//! and the failures with their sentences. Every figure is the document's;
//! the verdicts were decided when it was measured.

use super::blocks::{Align, Table};
use super::cells::Cell;
use crate::results::BASELINE;
use crate::results::measure::{MeasureDocument, SeriesKind, Status};
use crate::results::serve::{Measure, series_name};

/// One table per load, when a server was measured.
pub(super) fn tables(doc: &MeasureDocument, wide: bool) -> Vec<Table> {
    let Some(server) = &doc.server else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for load in &server.loads {
        let mut headers = vec![
            ("measure", Align::Left),
            ("config", Align::Left),
            ("median [95% CI]", Align::Right),
            ("× base [95% CI]", Align::Right),
            ("verdict", Align::Left),
            ("n", Align::Right),
        ];
        if wide {
            headers.push(("server peak RSS", Align::Right));
        }
        let mut table = Table::new(&headers).titled(format!(
            "server under load `{}` ({}; median of n load runs, each against a fresh server [95% bootstrap CI])",
            load.name,
            match load.generator {
                Some(g) => format!("{}'s figures, the server's CPU time from /proc", g.label()),
                None => "an unknown generator: the load's wall time and the server's CPU time".into(),
            }
        ));
        let mut failures = Vec::new();
        for measure in Measure::ALL {
            let name = series_name(&load.name, measure);
            let floor = load
                .noise
                .iter()
                .find(|f| f.series == name)
                .map(|f| f.noise.clone());
            for c in &doc.configurations {
                let Some(r) = c
                    .series
                    .iter()
                    .find(|s| s.kind == SeriesKind::Load && s.name == name)
                else {
                    continue;
                };
                if r.status != Status::Ok {
                    if measure == Measure::Throughput || r.samples.is_empty() {
                        failures.push((c.name.clone(), r.stderr_tail.clone().unwrap_or_default()));
                    }
                    continue;
                }
                let metric = r.metric;
                let mut row = vec![
                    Cell::Text(label(measure).into()),
                    Cell::Text(match &c.identical_to {
                        Some(o) => format!("{} (= {o})", c.name),
                        None => c.name.clone(),
                    }),
                    r.summary.as_ref().map_or(Cell::Empty, |s| Cell::MetricCi {
                        value: s.median,
                        low: s.median_ci[0],
                        high: s.median_ci[1],
                        metric,
                    }),
                ];
                row.extend(super::runtime::comparison_cells(
                    r,
                    floor.as_ref(),
                    c.name == BASELINE,
                ));
                row.push(Cell::Count(r.samples.len() as u64));
                if wide {
                    let peak = r.peak_rss_bytes.iter().max().copied();
                    row.push(peak.map_or(Cell::Empty, Cell::Bytes));
                }
                table.row(row);
            }
        }
        failures.dedup();
        for (config, why) in failures {
            let first = why.lines().next().unwrap_or("").to_string();
            table.footnotes.push(format!("{config} FAILED: {first}"));
        }
        table.footnotes.push(
            "rps: requests per second (higher is better); p50, p99: latency percentiles; cpu/req: the server's CPU time (every process and thread of it) per request; instr/req: instructions per request under cachegrind, an idle start subtracted".into(),
        );
        out.push(table);
    }
    out
}

/// A measure's row label.
fn label(m: Measure) -> &'static str {
    match m {
        Measure::Throughput => "rps",
        Measure::LatencyP50 => "p50 latency",
        Measure::LatencyP99 => "p99 latency",
        Measure::CpuPerRequest => "cpu/req",
        Measure::ServerCpu => "server CPU",
        Measure::LoadWall => "load wall",
        Measure::InstructionsPerRequest => "instr/req",
    }
}
