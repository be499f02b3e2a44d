//! The report people paste into an issue or a pull request: where and how
//! it was measured, one table of the configurations, the recommendation
//! with its reasons, and the TOML to paste. Every figure comes from the
//! documents; the recommendation was decided by `advise`.

use std::time::{Duration, UNIX_EPOCH};

use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use crate::results::advice::Recommendation;
use crate::results::measure::{Configuration, Counter, SeriesKind, Status};
use crate::results::{BASELINE, MeasureDocument};

/// One document and what was recommended from it (or why nothing was).
pub struct Section<'a> {
    /// The measure document.
    pub doc: &'a MeasureDocument,
    /// The recommendation, or the reason there is none.
    pub advice: Result<&'a Recommendation, String>,
}

/// `when`, `machine`, `toolchain`, `commit` in one paragraph.
fn provenance(doc: &MeasureDocument) -> String {
    let m = &doc.machine;
    let when =
        humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(doc.started_unix_s));
    let rustc = doc.toolchain.rustc_vv.lines().next().unwrap_or("rustc ?");
    let source = match &doc.source {
        Some(s) => format!(
            ", commit {}{}",
            &s.commit[..s.commit.len().min(12)],
            if s.dirty {
                " (with uncommitted changes)"
            } else {
                ""
            }
        ),
        None => String::new(),
    };
    format!(
        "{}{}; measured {when} on {} × {}, {} memory, {}; {rustc}{source}; profile `{}`{}.",
        super::figures::bins_of_packages(&doc.project),
        doc.project
            .target
            .as_ref()
            .map_or(String::new(), |t| format!(" for {t}")),
        m.cores,
        m.cpu_model,
        Cell::Bytes(m.memory_bytes).text(),
        m.os,
        doc.base_profile,
        if doc.builds_warm() {
            " (warm builds)"
        } else if doc.warm {
            " (a warm run; clean builds carried from earlier results)"
        } else {
            ""
        }
    )
}

/// The command line as a shell would take it.
fn command_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The configurations table: sizes, build, link memory, runtime ratios.
fn table(doc: &MeasureDocument) -> Table {
    let base = doc
        .config(BASELINE)
        .filter(|c| c.status == Status::Ok)
        .and_then(|c| c.sizes(None));
    let build = if doc.builds_warm() {
        "warm build"
    } else {
        "clean build"
    };
    let mut headers: Vec<(String, Align)> = [
        ("config", Align::Left),
        ("file", Align::Right),
        ("shipped", Align::Right),
        ("shipped ±", Align::Right),
        (build, Align::Right),
        ("link peak", Align::Right),
    ]
    .iter()
    .map(|(h, a)| (h.to_string(), *a))
    .collect();
    for w in &doc.workloads {
        headers.push((format!("`{}` × base", w.name), Align::Right));
    }
    // a merged document: which machine each row was measured on
    let hosts = super::measure::hosts(doc);
    if hosts.len() > 1 {
        headers.insert(1, ("host".to_string(), Align::Left));
    }
    let refs: Vec<(&str, Align)> = headers.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut table = Table::new(&refs);
    for c in &doc.configurations {
        let mut r = row(doc, c, base.as_ref());
        if hosts.len() > 1 {
            r.insert(
                1,
                Cell::Text(super::measure::host_label(&hosts, doc.machine_of(c))),
            );
        }
        table.row(r);
    }
    if hosts.len() > 1 {
        for h in &hosts {
            table.footnotes.push(format!(
                "host {}: {} × {}, {}",
                super::measure::host_label(&hosts, h),
                h.cores,
                h.cpu_model,
                Cell::Bytes(h.memory_bytes).text()
            ));
        }
    }
    table
}

fn row(
    doc: &MeasureDocument,
    c: &Configuration,
    base: Option<&crate::results::measure::Sizes>,
) -> Vec<Cell> {
    let name = match &c.identical_to {
        Some(o) => format!("{} (= {o})", c.name),
        None => c.name.clone(),
    };
    let mut row = vec![Cell::Text(name)];
    if c.status != Status::Ok {
        row.push(Cell::Text(format!("{:?}", c.status).to_lowercase()));
        row.extend(std::iter::repeat_n(Cell::Empty, 4 + doc.workloads.len()));
        return row;
    }
    let bin = c.sizes(None);
    let build = c.build.as_ref();
    row.extend([
        bin.as_ref()
            .map_or(Cell::Empty, |b| Cell::Bytes(b.size_bytes)),
        bin.as_ref()
            .map_or(Cell::Empty, |b| Cell::Bytes(b.shipped_bytes)),
        match (&bin, base) {
            (Some(b), Some(bb)) => {
                Cell::Change(b.shipped_bytes as f64 / bb.shipped_bytes as f64 - 1.0)
            }
            _ => Cell::Empty,
        },
        build.map_or(Cell::Empty, |b| {
            if b.warm && !doc.builds_warm() {
                Cell::Text(format!("{} warm", crate::units::seconds(b.wall_s)))
            } else {
                // a pipeline's whole, as in the measure table
                super::measure::pipeline_cell(c).unwrap_or(Cell::Seconds(b.wall_s))
            }
        }),
        super::measure::peak_cell(c),
    ]);
    for w in &doc.workloads {
        let r = c
            .series
            .iter()
            .find(|r| r.kind == SeriesKind::Workload && r.name == w.name);
        row.push(match r {
            None => Cell::Empty,
            Some(r) if r.output_differs => Cell::Text("OUTPUT DIFFERS".into()),
            Some(r) if r.status != Status::Ok => Cell::Text("failed".into()),
            Some(r) => match &r.vs_baseline {
                Some(v) => Cell::Text(format!(
                    "{} {}",
                    Cell::RatioCi {
                        ratio: v.ratio,
                        low: v.ratio_ci[0],
                        high: v.ratio_ci[1],
                    }
                    .text(),
                    super::figures::verdict_word(v.verdict, r.metric, v.ratio)
                )),
                None if c.name == BASELINE => Cell::Text("reference".into()),
                None => Cell::Empty,
            },
        });
    }
    row
}

/// The report of `sections`, one per document.
pub fn report(sections: &[Section]) -> Report {
    let mut blocks = Vec::new();
    for s in sections {
        let doc = s.doc;
        if sections.len() > 1 {
            blocks.push(Block::Heading(format!("Results {}", doc.id)));
        }
        blocks.push(Block::Text(provenance(doc)));
        if !doc.invocation.is_empty() {
            blocks.push(Block::Code {
                language: "sh".into(),
                text: format!("{}\n", command_line(&doc.invocation)),
            });
        }
        let mut t = table(doc);
        t.footnotes.push(format!(
            "shipped: bytes loaded at run time (what strip keeps){}, ± against baseline; {}{}; link peak: the final rustc's peak memory{}{}",
            if doc.project.bins.len() > 1 {
                ", of the binaries together (the next table has each one's)"
            } else {
                ""
            },
            if doc.builds_warm() {
                "warm build: one build in a reused directory, not a clean build".to_string()
            } else {
                format!(
                    "clean build{}: {}",
                    if doc.warm {
                        " (carried from earlier results that built the same binary; `warm`: this run's own, where none did)"
                    } else {
                        ""
                    },
                    super::figures::builds_footnote(
                        doc.configurations
                            .iter()
                            .filter_map(|c| c.build.as_ref())
                            .map(|b| b.used_samples().len()),
                        false
                    )
                )
            },
            if doc
                .configurations
                .iter()
                .any(|c| c.status == Status::Ok && !crate::results::pipeline::steps(&c.pipeline).is_empty())
            {
                " (`pgo`, `bolt`: the whole pipeline, its peak memory the largest stage's)"
            } else {
                ""
            },
            if doc.project.bins.len() > 1 {
                " (the largest of the binaries' links)"
            } else {
                ""
            },
            match &doc.runtime_plan {
                Some(p) => format!(
                    "; runtime: ratio of medians to baseline's [95% CI] over interleaved runs ({}), `noise` unless {}",
                    match p.counter {
                        Counter::Time => "wall time",
                        Counter::PerfEvent => "instructions, perf",
                        Counter::Callgrind => "instructions, callgrind",
                        Counter::Cachegrind => "instructions, cachegrind",
                        Counter::CachegrindFetchMisses => "simulated instruction-fetch misses, cachegrind",
                    },
                    match p.counter {
                        // deterministic counts: no p-value (docs/results-schema.md)
                        Counter::Time => "the p-value adjusted for every comparison is under 0.05, the CI excludes 1 and the effect is at least 1%",
                        _ => "the CI excludes 1, the effect is at least 1% and outside the A/A floor (counts vary too little for a p-value to say more)",
                    }
                ),
                None => String::new(),
            }
        ));
        blocks.push(Block::Table(t));
        blocks.extend(super::sizes::per_binary(doc).map(Block::Table));
        blocks.extend(super::stages::stages(doc).map(Block::Table));
        let view = super::View { wide: false };
        blocks.extend(
            super::bench::tables(doc, view)
                .into_iter()
                .map(Block::Table),
        );
        blocks.extend(
            super::serve::tables(doc, false)
                .into_iter()
                .map(Block::Table),
        );
        match &s.advice {
            Ok(r) => {
                let goal = super::reasons::goal(r.goal);
                blocks.push(Block::Text(match &r.choice {
                    Some(c) => {
                        format!("**Recommended** (`cargo lto recommend --goal {goal}`): `{c}`")
                    }
                    None => format!(
                        "**Recommended** (`cargo lto recommend --goal {goal}`): keep what you have"
                    ),
                }));
                blocks.extend(super::reasons::costs(r).map(Block::Text));
                blocks.push(Block::List(super::reasons::reasons(r)));
                blocks.extend(super::advice::pipeline_text(r).map(Block::Text));
                if !r.toml.is_empty() {
                    blocks.push(Block::Code {
                        language: "toml".into(),
                        text: r.toml.clone(),
                    });
                }
                if !r.rejected.is_empty() {
                    blocks.push(Block::Text("Not chosen:".into()));
                    blocks.push(Block::List(
                        r.rejected
                            .iter()
                            .map(|x| format!("{}: {}", x.name, super::reasons::rejected(x)))
                            .collect(),
                    ));
                }
                blocks.push(Block::Text(format!(
                    "The recommendation is {}.",
                    super::reasons::sources(r)
                )));
            }
            Err(why) => blocks.push(Block::Text(format!("No recommendation: {why}"))),
        }
        let notes: Vec<String> = doc
            .notes
            .iter()
            .map(|n| super::notes::text(&n.kind))
            .chain(super::runtime::earlier_notes(doc))
            .collect();
        if !notes.is_empty() {
            blocks.push(Block::Notes(notes));
        }
    }
    let title = match sections.first() {
        Some(s) => format!("cargo lto: {}", s.doc.project.bin_names().join(", ")),
        None => "cargo lto".into(),
    };
    Report { title, blocks }
}
