//! The runtime tables of a measure document: per workload, each
//! configuration's median with its CI, its ratio to baseline and the
//! verdict the document recorded, and the workload's A/A noise floor.

use super::blocks::{Align, Table};
use super::cells::{Cell, Metric};
use super::{View, own};
use crate::results::BASELINE;
use crate::results::measure::{
    Configuration, Counter, LeftOut, MeasureDocument, Series, SeriesKind, Status, Workload,
};

/// Per workload: each configuration's median with its CI, the ratio to
/// baseline with its CI, and the verdict recorded with them; `wide` adds
/// the runs' peak RSS and the outliers.
pub(super) fn runtime(doc: &MeasureDocument, view: View) -> Vec<Table> {
    let Some(plan) = &doc.runtime_plan else {
        return Vec::new();
    };
    let mut tables = Vec::new();
    for w in &doc.workloads {
        let rows: Vec<(&Configuration, _)> = doc
            .configurations
            .iter()
            .filter_map(|c| {
                let own = |r: &&Series| r.kind == SeriesKind::Workload && r.name == w.name;
                Some((c, c.series.iter().find(own)?))
            })
            .collect();
        let Some((_, first)) = rows.first() else {
            continue;
        };
        let metric = first.metric;
        let mut headers = vec![
            ("config", Align::Left),
            ("status", Align::Left),
            ("median [95% CI]", Align::Right),
            ("× base [95% CI]", Align::Right),
            ("verdict", Align::Left),
            ("n", Align::Right),
        ];
        if view.wide {
            headers.extend([("peak RSS", Align::Right), ("outliers", Align::Right)]);
        }
        let mut table = Table::new(&headers).titled(format!(
            "runtime of `{}` ({}: median of n interleaved runs [95% bootstrap CI]; {}){}",
            w.name,
            match metric {
                Metric::Seconds => "wall time",
                Metric::Instructions => "instructions",
                Metric::FetchMisses => "simulated instruction-fetch misses",
                Metric::NsPerIter => "time per iteration",
                Metric::RequestsPerSecond => "requests per second",
                Metric::CpuPerRequest => "CPU time per request",
                Metric::CpuSeconds => "CPU time",
                Metric::InstructionsPerRequest => "instructions per request",
            },
            plan.counter_source,
            match &w.carried_from {
                Some(id) => format!(", carried from results {id}"),
                None => String::new(),
            }
        ));
        for (c, r) in rows {
            let status = match (&c.identical_to, r.status, r.output_differs) {
                (Some(original), _, _) => format!("= {original}"),
                (None, Status::Ok, false) => "ok".to_string(),
                (None, Status::Ok, true) => "OUTPUT DIFFERS".to_string(),
                (None, _, _) => format!("FAILED ({})", r.exit_code.unwrap_or(-1)),
            };
            let mut row = vec![Cell::Text(c.name.clone()), Cell::Text(status)];
            row.push(r.summary.as_ref().map_or(Cell::Empty, |s| Cell::MetricCi {
                value: s.median,
                low: s.median_ci[0],
                high: s.median_ci[1],
                metric,
            }));
            row.extend(comparison_cells(
                r,
                w.noise.as_ref(),
                c.name == BASELINE && r.summary.is_some(),
            ));
            row.push(Cell::Count(r.samples.len() as u64));
            if view.wide {
                row.push(
                    r.peak_rss_bytes
                        .iter()
                        .max()
                        .map_or(Cell::Empty, |b| Cell::Bytes(*b)),
                );
                row.push(
                    r.summary
                        .as_ref()
                        .map_or(Cell::Empty, |s| Cell::Count(s.outliers.len() as u64)),
                );
            }
            table.row(row);
        }
        let family = doc
            .configurations
            .iter()
            .filter(own)
            .flat_map(|c| &c.series)
            .filter(|r| {
                r.vs_baseline
                    .as_ref()
                    .is_some_and(|v| v.p_adjusted.is_some())
            })
            .count();
        if family > 1 {
            table.footnotes.push(format!(
                "p: adjusted for the document's {family} comparisons (Holm–Bonferroni); an effect under 1% is within noise"
            ));
        }
        table.footnotes.extend(failures(doc, w));
        let baseline_busy = doc
            .config(BASELINE)
            .and_then(|b| b.series.iter().find(|r| r.name == w.name))
            .is_some_and(|r| r.busy);
        if let Some(n) = &w.noise {
            table.footnotes.push(if baseline_busy {
                format!(
                    "A/A: a copy of baseline's binary ran ×{:.3} [{:.3}–{:.3}] of baseline, on a busy machine: it says nothing about the quiet noise",
                    n.ratio, n.ratio_ci[0], n.ratio_ci[1]
                )
            } else if n.significant {
                format!(
                    "A/A: a copy of baseline's binary ran ×{:.3} [{:.3}–{:.3}] of baseline ({}): too noisy to judge `{}`; --counter instructions does not vary with load",
                    n.ratio, n.ratio_ci[0], n.ratio_ci[1], crate::units::p_value(n.p_value), w.name
                )
            } else {
                format!(
                    "A/A: a copy of baseline's binary ran ×{:.3} [{:.3}–{:.3}] of baseline: the noise floor; an effect inside it is within noise",
                    n.ratio, n.ratio_ci[0], n.ratio_ci[1]
                )
            });
        }
        tables.push(table);
    }
    tables
}

/// What the document holds of the workloads earlier results ran on the
/// same binaries: carried (by a `--warm` sweep), or left out and why.
pub(super) fn earlier_notes(doc: &MeasureDocument) -> Vec<String> {
    doc.earlier_workloads
        .iter()
        .map(|e| {
            let list = |names: &[String]| {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let rebuilt = if e.rebuilt.is_empty() {
                String::new()
            } else {
                format!(
                    "; not for {}, whose binary is not the one measured then",
                    list(&e.rebuilt)
                )
            };
            match &e.left_out {
                None => format!(
                    "workload `{}`: runs carried from results {} for {} (the same binaries byte for byte, run the same way on the same input, counter, machine and toolchain){rebuilt}; their verdicts are decided with this run's",
                    e.workload,
                    e.results_id,
                    list(&e.carried)
                ),
                Some(why) => format!(
                    "workload `{}` of results {} ran on these same binaries and is not in these results: {}",
                    e.workload,
                    e.results_id,
                    left_out(why)
                ),
            }
        })
        .collect()
}

/// Why an earlier workload's runs were not carried, in words.
pub fn left_out(why: &LeftOut) -> String {
    match why {
        LeftOut::NotWarm => "a sweep without --warm measures afresh and carries nothing (`measure --warm --run …` adds workloads to earlier runs of the same binaries)".into(),
        LeftOut::OtherCounter { earlier, now } => format!(
            "it was counted as {}, these results as {}",
            counter(*earlier),
            counter(*now)
        ),
        LeftOut::Redefined => {
            "a workload of that name here runs another command, directory or input".into()
        }
        LeftOut::BaselineRebuilt => {
            "baseline's binary has changed since, and its ratios were against that one".into()
        }
        LeftOut::OtherMachine => "it was measured on another machine".into(),
    }
}

/// A counter in words.
fn counter(c: Counter) -> &'static str {
    match c {
        Counter::Time => "wall time",
        Counter::PerfEvent => "instructions (perf)",
        Counter::Callgrind => "instructions (callgrind)",
        Counter::Cachegrind => "instructions (cachegrind)",
        Counter::CachegrindFetchMisses => "simulated instruction-fetch misses",
    }
}

/// What a failing workload did, in words: once when it failed the same
/// way on every configuration (baseline too), else per configuration. The
/// exit code or signal, the command as run (quoted as a shell would need
/// it), and the last lines of stderr that say something, each a line.
fn failures(doc: &MeasureDocument, w: &Workload) -> Vec<String> {
    let ran: Vec<(&str, &Series)> = doc
        .configurations
        .iter()
        .filter(own)
        .filter_map(|c| Some((c.name.as_str(), c.series.iter().find(|r| r.name == w.name)?)))
        .collect();
    let failed: Vec<&(&str, &Series)> =
        ran.iter().filter(|(_, r)| r.status != Status::Ok).collect();
    let Some((_, first)) = failed.first() else {
        return Vec::new();
    };
    let how = |r: &Series| match r.exit_code {
        Some(code) if code < 0 => format!("killed by signal {}", -code),
        Some(code) => format!("exit {code}"),
        None => "failed".into(),
    };
    let same = failed
        .windows(2)
        .all(|p| p[0].1.exit_code == p[1].1.exit_code && p[0].1.stderr_tail == p[1].1.stderr_tail);
    let mut lines = Vec::new();
    let mut said = |head: String, r: &Series| {
        lines.push(head);
        for l in meaningful(r.stderr_tail.as_deref().unwrap_or("")) {
            lines.push(format!("    stderr: {l}"));
        }
    };
    if failed.len() == ran.len() && ran.len() > 1 && same {
        said(
            format!(
                "  `{}` failed on every configuration, baseline too ({})",
                w.name,
                how(first)
            ),
            first,
        );
    } else {
        for (name, r) in &failed {
            said(format!("  {name} failed `{}` ({})", w.name, how(r)), r);
        }
    }
    lines.insert(
        1,
        format!("    ran `{}`", command_line(w, &doc.project.bin_names())),
    );
    lines
}

/// The workload's command as a shell would need it typed, `{bin}` as the
/// binary's name (the only one), `{bin:NAME}` as NAME.
fn command_line(w: &Workload, bins: &[&str]) -> String {
    let words: Vec<String> = w
        .command
        .iter()
        .map(|word| {
            crate::results::runtime::substitute(word, &|name| {
                name.or(bins.first().copied())
                    .unwrap_or("{bin}")
                    .to_string()
            })
        })
        .collect();
    if w.shell {
        format!("sh -c {}", shell_words::quote(&words.join(" ")))
    } else {
        shell_words::join(&words)
    }
}

/// The last lines of `stderr` that say something: blank lines and lines of
/// box drawing alone are skipped, the frame around a message trimmed; at
/// most 3 lines of at most 160 characters.
fn meaningful(stderr: &str) -> Vec<String> {
    let frame = |c: char| c.is_whitespace() || ('\u{2500}'..='\u{257f}').contains(&c) || c == '|';
    let lines: Vec<String> = stderr
        .lines()
        .map(|l| l.trim_matches(frame))
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .map(|l| {
            if l.chars().count() > 160 {
                format!("{}…", l.chars().take(159).collect::<String>())
            } else {
                l.to_string()
            }
        })
        .collect();
    lines[lines.len().saturating_sub(3)..].to_vec()
}

/// A series' two cells against baseline: its ratio with CI and its
/// verdict (judged against `floor`, its A/A comparison); `too noisy` or
/// `busy` where no verdict could be drawn; `reference` for baseline's own.
pub(super) fn comparison_cells(
    r: &Series,
    floor: Option<&crate::results::measure::Comparison>,
    reference: bool,
) -> [Cell; 2] {
    let too_noisy = floor.filter(|n| n.significant);
    match &r.vs_baseline {
        Some(_) if let Some(n) = too_noisy => [
            Cell::Mark("-"),
            Cell::Text(format!("too noisy (A/A ×{:.2})", n.ratio)),
        ],
        Some(_) if r.busy => [
            Cell::Mark("busy"),
            Cell::Text(format!(
                "busy ({:.0}% used by others): not judged",
                r.contention.unwrap_or(0.0) * 100.0
            )),
        ],
        Some(cmp) => [
            Cell::RatioCi {
                ratio: cmp.ratio,
                low: cmp.ratio_ci[0],
                high: cmp.ratio_ci[1],
            },
            Cell::Verdict {
                comparison: cmp.clone(),
                floor: floor.map(|n| n.ratio_ci),
                metric: r.metric,
            },
        ],
        None if reference => [Cell::Text("reference".into()), Cell::Empty],
        None => [Cell::Empty, Cell::Empty],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_lines_that_say_something() {
        let boxed = "\n╭──────╮\n│ error: bad input │\n│ at line 3 │\n╰──────╯\n\n";
        assert_eq!(meaningful(boxed), ["error: bad input", "at line 3"]);
        let long = "x".repeat(300);
        assert_eq!(meaningful(&long)[0].chars().count(), 160);
        assert_eq!(meaningful("a\nb\nc\nd"), ["b", "c", "d"]);
        assert!(meaningful("──╯").is_empty());
    }
}
