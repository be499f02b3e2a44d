//! The advice documents as blocks: a recommendation (the choice, its
//! reasons, every candidate's figures, why the others lost, the TOML to
//! paste) and a doctor report (findings with where, why and the fix).

use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use super::reasons;
use crate::results::BASELINE;
use crate::results::advice::{DoctorReport, Explanation, Recommendation, RuntimeFigure, Severity};
use crate::results::measure::{SeriesKind, Verdict};

/// For a recommended configuration with pipeline steps: that its TOML is
/// only the profile part.
pub(super) fn pipeline_text(r: &Recommendation) -> Option<String> {
    (!r.pipeline.is_empty()).then(|| format!(
        "{}: a pipeline around `cargo build` (PGO: an instrumented build, a training run, a build with the profile; BOLT: instrumenting, training and optimizing the linked binary), which no Cargo.toml can hold: `cargo lto apply --recommended` writes the profile part and the training (a `train` table in the metadata) and prints the `cargo lto build {}` line that builds the release. The profile part alone, below, gives none of what the pipeline adds:",
        r.pipeline
            .iter()
            .map(|s| format!("{} = \"on\"", s.name()))
            .collect::<Vec<_>>()
            .join(", "),
        r.choice.as_deref().unwrap_or("CONFIG")
    ))
}

/// A recommendation as blocks.
pub fn recommendation(r: &Recommendation) -> Report {
    let goal = reasons::goal(r.goal);
    let mut blocks = vec![Block::Text(match &r.choice {
        Some(name) => format!("Recommended for --goal {goal}: {name}"),
        None => format!("Recommended for --goal {goal}: keep what you have"),
    })];
    if let Some(costs) = reasons::costs(r) {
        blocks.push(Block::Text(costs));
    }
    blocks.push(Block::List(reasons::reasons(r)));
    if let Some(text) = pipeline_text(r) {
        blocks.push(Block::Text(text));
    } else if !r.toml.is_empty() {
        blocks.push(Block::Text(
            "Paste this into the workspace root's Cargo.toml, or run `cargo lto apply --recommended`:"
                .into(),
        ));
    }
    if !r.toml.is_empty() {
        blocks.push(Block::Code {
            language: "toml".into(),
            text: r.toml.clone(),
        });
    }
    if !r.candidates.is_empty() {
        let base = &r.baseline;
        let mut table = Table::new(&[
            ("config", Align::Left),
            ("front", Align::Left),
            ("shipped", Align::Right),
            ("shipped ±", Align::Right),
            ("file ±", Align::Right),
            ("build", Align::Right),
            ("link RSS", Align::Right),
            ("runtime × base", Align::Right),
        ])
        .titled("the configurations that met every constraint".to_string());
        for c in &r.candidates {
            let chosen = r.choice.as_deref() == Some(c.name.as_str())
                || (r.choice.is_none() && c.name == BASELINE);
            table.row(vec![
                Cell::Text(if chosen {
                    format!("{} ←", c.name)
                } else {
                    c.name.clone()
                }),
                Cell::Mark(if c.pareto { "yes" } else { "-" }),
                Cell::Bytes(c.shipped_bytes),
                Cell::Change(c.shipped_bytes as f64 / base.shipped_bytes as f64 - 1.0),
                Cell::Change(c.size_bytes as f64 / base.size_bytes as f64 - 1.0),
                Cell::Seconds(c.build_s),
                c.link_peak_rss_bytes.map_or(Cell::Mark("?"), Cell::Bytes),
                Cell::Text(
                    c.runtime
                        .iter()
                        .map(|f| {
                            let verdict =
                                super::figures::verdict_word(f.verdict, f.metric, f.ratio);
                            format!("{} ×{:.3} {verdict}", f.workload, f.ratio)
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
        table.footnotes.push(format!(
            "front: no other configuration is as good on every figure and better on one\nbuild: {}",
            super::figures::builds_footnote(r.candidates.iter().map(|c| c.builds), false)
        ));
        blocks.push(Block::Table(table));
    }
    if !r.rejected.is_empty() {
        blocks.push(Block::Text("Not chosen:".into()));
        blocks.push(Block::List(
            r.rejected
                .iter()
                .map(|x| format!("{}: {}", x.name, reasons::rejected(x)))
                .collect(),
        ));
    }
    blocks.push(Block::Notes(vec![format!(
        "{}; docs/advice.md explains the rules",
        reasons::sources(r)
    )]));
    Report {
        title: "cargo lto recommend".into(),
        blocks,
    }
}

/// A doctor report as blocks.
pub fn doctor(d: &DoctorReport) -> Report {
    let mut blocks = Vec::new();
    if d.findings.is_empty() {
        blocks.push(Block::Text(format!(
            "No findings: the build setup of {} has none of the mistakes `cargo lto doctor` knows.",
            d.workspace_root.display()
        )));
    }
    for f in &d.findings {
        let severity = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let place = match f.line {
            Some(line) => format!("{}:{line}", f.file),
            None => f.file.clone(),
        };
        blocks.push(Block::Text(format!(
            "{severity}[{}]: {}\n  --> {place}\n  = fix: {}",
            f.detail.id(),
            super::doctor::message(&f.detail),
            super::doctor::fix(&f.detail)
        )));
    }
    let count = |s: Severity| d.findings.iter().filter(|f| f.severity == s).count();
    if !d.findings.is_empty() {
        blocks.push(Block::Text(format!(
            "{} error(s), {} warning(s), {} info",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        )));
    }
    Report {
        title: "cargo lto doctor".into(),
        blocks,
    }
}

/// `explain SETTING` as blocks.
pub fn explanation(e: &Explanation) -> Report {
    let mut blocks = vec![
        Block::Text(e.summary.clone()),
        Block::Text(format!(
            "Set in: {}\nRelease default: {}",
            e.lives_in, e.release_default
        )),
        Block::Heading("Values".into()),
        Block::List(
            e.values
                .iter()
                .map(|v| format!("{}: {}", v.value, v.meaning))
                .collect(),
        ),
        Block::Text(format!("Costs: {}.\nBuys: {}.", e.costs, e.buys)),
    ];
    if !e.notes.is_empty() {
        blocks.push(Block::Heading("Often gotten wrong".into()));
        blocks.push(Block::List(e.notes.clone()));
    }
    if let Some(id) = &e.results_id {
        blocks.push(Block::Heading(format!("In this project (results {id})")));
        if e.measured.is_empty() {
            blocks.push(Block::Text(format!(
                "No two measured configurations differ in `{}` alone: measure one that does, e.g. `cargo lto measure --with {}=VALUE`.",
                e.setting, e.setting
            )));
        } else {
            let mut table = Table::new(&[
                ("from → to", Align::Left),
                ("values", Align::Left),
                ("shipped ±", Align::Right),
                ("file ±", Align::Right),
                ("build ×", Align::Right),
                ("link RSS ×", Align::Right),
                ("runtime", Align::Left),
            ]);
            for o in &e.measured {
                let runtime: Vec<String> = o
                    .runtime
                    .iter()
                    .map(|p| {
                        let side = |f: &Option<RuntimeFigure>| match f {
                            Some(f) => format!("×{:.3}{}", f.ratio, verdict_mark(f.verdict)),
                            None => "×1".into(),
                        };
                        let what = match p.kind {
                            SeriesKind::Workload => "",
                            SeriesKind::Benchmark => "benchmark ",
                            SeriesKind::Load => "server ",
                        };
                        if let Some(why) = &p.unusable {
                            format!("{what}`{}` {why}", p.workload)
                        } else {
                            let (from, to) = (side(&p.from), side(&p.to));
                            format!("{what}`{}` {from} → {to}", p.workload)
                        }
                    })
                    .collect();
                table.row(vec![
                    Cell::Text(format!("{} → {}", o.from, o.to)),
                    Cell::Text(format!("{} → {}", o.from_value, o.to_value)),
                    Cell::Change(o.shipped_change),
                    Cell::Change(o.size_change),
                    Cell::Ratio(o.build_ratio),
                    o.link_rss_ratio.map_or(Cell::Mark("?"), Cell::Ratio),
                    Cell::Text(runtime.join(", ")),
                ]);
            }
            table.footnotes.push(format!(
                "build: {}; runtime: each side against baseline (* beyond the noise)",
                super::figures::builds_footnote(e.measured.iter().map(|o| o.builds), true)
            ));
            for o in &e.measured {
                let changed = super::figures::where_changed(&o.sections_change, 4);
                if let Some(parts) = changed.strip_prefix(": ") {
                    table.footnotes.push(format!(
                        "{} → {}: the file changed in {parts}",
                        o.from, o.to
                    ));
                }
            }
            blocks.push(Block::Table(table));
        }
    }
    blocks.push(Block::Heading("Sources".into()));
    blocks.push(Block::List(e.sources.clone()));
    Report {
        title: format!("cargo lto explain {}", e.setting),
        blocks,
    }
}

fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::WithinNoise => "",
        Verdict::Better | Verdict::Worse => "*",
    }
}

/// `explain` without a setting: one line per setting.
pub fn settings(list: &[(&str, &str)]) -> Report {
    Report {
        title: "cargo lto explain".into(),
        blocks: vec![
            Block::List(list.iter().map(|(s, m)| format!("{s}: {m}")).collect()),
            Block::Text("`cargo lto explain SETTING` says what each value does, what it costs and buys, and what it did in your measurements.".into()),
        ],
    }
}
