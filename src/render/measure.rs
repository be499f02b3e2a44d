//! A measure document as blocks: the configuration table with its legend,
//! one runtime table per workload, the per-crate cost table, notes, and the
//! failures with cargo's stderr. Every figure comes from the document; the
//! verdicts were decided when it was measured.

use std::collections::BTreeMap;

use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use super::{View, own};
use crate::results::BASELINE;
use crate::results::measure::{Build, Configuration, Machine, MeasureDocument, Status, Unit};
use crate::results::pipeline;

/// How many crates the per-crate cost table shows.
const TOP_UNITS: usize = 8;
/// Lines of a failure's stderr shown (the document keeps more).
const STDERR_LINES: usize = 8;

/// The whole report of a sweep; `view.wide` adds the figures that do not
/// fit 100 columns.
pub fn report(doc: &MeasureDocument, view: View) -> Report {
    let mut blocks = vec![
        Block::Table(configurations(doc, view)),
        Block::Text(legend(doc, view)),
    ];
    if let Some(each) = super::sizes::per_binary(doc) {
        blocks.push(Block::Table(each));
    }
    if let Some(bytes) = super::sizes::by_group(doc, view) {
        blocks.push(Block::Table(bytes));
    }
    if view.wide
        && let Some(stages) = super::stages::stages(doc)
    {
        blocks.push(Block::Table(stages));
    }
    blocks.extend(
        super::runtime::runtime(doc, view)
            .into_iter()
            .map(Block::Table),
    );
    blocks.extend(
        super::bench::tables(doc, view)
            .into_iter()
            .map(Block::Table),
    );
    blocks.extend(
        super::serve::tables(doc, view.wide)
            .into_iter()
            .map(Block::Table),
    );
    if let Some(units) = units(doc) {
        blocks.push(Block::Table(units));
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
    for c in doc
        .configurations
        .iter()
        .filter(own)
        .filter(|c| c.status != Status::Ok)
    {
        let tail = c.stderr_tail.as_deref().unwrap_or("");
        let lines: Vec<&str> = tail.lines().collect();
        blocks.push(Block::Quote {
            title: format!("{} {}", c.name, status_text(c)),
            lines: lines[lines.len().saturating_sub(STDERR_LINES)..]
                .iter()
                .map(|l| l.to_string())
                .collect(),
        });
    }
    for c in doc.configurations.iter().filter(own) {
        if let Some(err) = c.build.as_ref().and_then(|b| b.rebuild_error.as_ref()) {
            blocks.push(Block::Text(format!(
                "{}: no rebuild figure: {}",
                c.name,
                err.lines().next().unwrap_or("")
            )));
        }
    }
    Report {
        title: format!("cargo lto measure: {}", doc.project.bin_names().join(", ")),
        blocks,
    }
}

fn status_text(c: &Configuration) -> String {
    if let Some(original) = &c.identical_to {
        return format!("= {original}");
    }
    match (c.status, c.exit_code) {
        (Status::Ok, _) => "ok".into(),
        (Status::Failed, Some(code)) => format!("FAILED ({code})"),
        (Status::Failed, None) => "FAILED".into(),
        (Status::Timeout, _) => "TIMEOUT".into(),
        (Status::Interrupted, _) => "interrupted".into(),
    }
}

/// `value / base` as a ratio cell; `n/a` when the base is zero.
fn ratio(value: f64, base: f64) -> Cell {
    Cell::Ratio(value / base)
}

/// One row per configuration: build, link step, binary. `wide` adds CPU,
/// peak RSS, the link step's time, the rebuild, .text and symbols.
fn configurations(doc: &MeasureDocument, view: View) -> Table {
    let wide = view.wide;
    let hosts = hosts(doc);
    let base_host = doc.config(BASELINE).map(|b| doc.machine_of(b));
    let base = doc.config(BASELINE).filter(|c| c.status == Status::Ok);
    let base_build = base.and_then(|b| b.build.as_ref());
    let base_link = base_build.and_then(|b| b.link.as_ref());
    let base_stages = base.map_or(0.0, |b| pipeline::cost(&b.pipeline).0);
    let base_bin = base.and_then(|b| b.sizes(None));
    let mut headers = vec![("config", Align::Left), ("status", Align::Left)];
    if hosts.len() > 1 {
        headers.push(("host", Align::Left));
    }
    headers.extend([
        ("build", Align::Right),
        ("build ×", Align::Right),
        ("CPU", Align::Right),
    ]);
    if wide {
        headers.extend([("peak RSS", Align::Right), ("link", Align::Right)]);
    }
    headers.push(("link RSS", Align::Right));
    if wide {
        headers.push(("RSS ×", Align::Right));
    }
    if wide {
        headers.push(("rebuild", Align::Right));
    }
    headers.extend([
        ("size", Align::Right),
        ("size ±", Align::Right),
        ("shipped", Align::Right),
        ("shipped ±", Align::Right),
    ]);
    if wide {
        headers.extend([(".text", Align::Right), ("symbols", Align::Right)]);
    }
    let mut table = Table::new(&headers);
    let mixed = doc.warm && !doc.builds_warm();
    for c in &doc.configurations {
        let mut row = vec![Cell::Text(c.name.clone()), Cell::Text(status_text(c))];
        let host = doc.machine_of(c);
        if hosts.len() > 1 {
            row.push(Cell::Text(host_label(&hosts, host)));
        }
        // a time compares only with one from the same machine
        let comparable = doc.cross_host_times || base_host.is_none_or(|b| b == host);
        match c.build.as_ref().filter(|_| c.status == Status::Ok) {
            Some(b) => {
                let link = b.link.as_ref();
                // a pipeline's build is the whole pipeline: its stages, then
                // the timed build; its memory the largest stage's
                let (stages_s, stages_cpu, _) = pipeline::cost(&c.pipeline);
                row.extend([
                    pipeline_cell(c).unwrap_or_else(|| build_cell(b, wide, mixed)),
                    match base_build {
                        Some(bb) if b.busy || bb.busy => Cell::Mark("busy"),
                        Some(bb) if b.warm != bb.warm => Cell::Mark("warm"),
                        Some(bb) if comparable => {
                            ratio(b.wall_s + stages_s, bb.wall_s + base_stages)
                        }
                        Some(_) => Cell::Mark("other host"),
                        None => Cell::Empty,
                    },
                    Cell::Seconds(b.cpu_s + stages_cpu),
                ]);
                if wide {
                    row.extend([
                        Cell::Bytes(b.peak_rss_bytes),
                        // no link step recorded: the document's notes say why
                        link.map_or(Cell::Mark("?"), |l| Cell::Seconds(l.wall_s)),
                    ]);
                }
                row.push(peak_cell(c));
                if wide {
                    row.push(match (link, base_link) {
                        (Some(l), Some(bl)) => {
                            ratio(l.peak_rss_bytes as f64, bl.peak_rss_bytes as f64)
                        }
                        _ => Cell::Empty,
                    });
                    row.push(b.rebuild_wall_s.map_or(Cell::Mark("-"), Cell::Seconds));
                }
            }
            None => row.extend(std::iter::repeat_n(Cell::Empty, if wide { 8 } else { 4 })),
        }
        if let Some(bin) = c.sizes(None) {
            row.extend([
                Cell::Bytes(bin.size_bytes),
                base_bin.as_ref().map_or(Cell::Empty, |bb| {
                    Cell::Change(bin.size_bytes as f64 / bb.size_bytes as f64 - 1.0)
                }),
                Cell::Bytes(bin.shipped_bytes),
                base_bin.as_ref().map_or(Cell::Empty, |bb| {
                    Cell::Change(bin.shipped_bytes as f64 / bb.shipped_bytes as f64 - 1.0)
                }),
            ]);
            if wide {
                row.extend([Cell::Bytes(bin.group("text")), Cell::Count(bin.symbols)]);
            }
        }
        table.row(row);
    }
    table
}

/// A pipeline configuration's build figure: its whole pipeline, marked
/// with its steps (`6.75 s pgo`); None for a plain build.
pub(super) fn pipeline_cell(c: &Configuration) -> Option<Cell> {
    let steps = pipeline::mark(&c.pipeline)?;
    let whole = c.whole_build_s()?;
    Some(Cell::Text(format!(
        "{} {steps}",
        crate::units::seconds(whole)
    )))
}

/// A build's peak memory: its link step's, or a pipeline's largest
/// stage's; `?` when no link step was recorded.
pub(super) fn peak_cell(c: &Configuration) -> Cell {
    c.whole_peak_bytes().map_or(Cell::Mark("?"), Cell::Bytes)
}

/// A build's wall time: `busy` beside a busy one; with several builds,
/// the median, and in the wide view the wider side of its CI (`12.4 s ±4%`).
fn build_cell(b: &Build, wide: bool, mixed: bool) -> Cell {
    let wall = crate::units::seconds(b.wall_s);
    match b.wall_s_ci {
        _ if b.busy => Cell::Text(format!("{wall} busy")),
        // a warm build beside clean ones carried from earlier results
        _ if b.warm && mixed => Cell::Text(format!("{wall} warm")),
        Some([low, high]) if wide => {
            let side = (b.wall_s - low).max(high - b.wall_s) / b.wall_s;
            Cell::Text(format!("{wall} ±{}", crate::units::percent(side, 0)))
        }
        _ => Cell::Seconds(b.wall_s),
    }
}

/// The distinct machines of a (merged) document, in order of appearance.
pub(super) fn hosts(doc: &MeasureDocument) -> Vec<&Machine> {
    let mut out: Vec<&Machine> = Vec::new();
    for c in &doc.configurations {
        let m = doc.machine_of(c);
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// `A`, `B`, … for the machines of a merged document.
pub(super) fn host_label(hosts: &[&Machine], m: &Machine) -> String {
    let i = hosts.iter().position(|h| *h == m).unwrap_or(0);
    char::from(b'A' + (i % 26) as u8).to_string()
}

/// What each figure of the configuration table is, in lines that fit.
fn legend(doc: &MeasureDocument, view: View) -> String {
    let mut lines = vec![
        build_legend(doc),
        "CPU: user+sys time of the build, which other work on the machine moves less than wall time.".into(),
    ];
    // only where the table shows a pipeline's figure
    if doc
        .configurations
        .iter()
        .any(|c| c.status == Status::Ok && !pipeline::steps(&c.pipeline).is_empty())
    {
        lines.push("`pgo`, `bolt`: the whole pipeline (pgo: instrumented build, training, merge, the build with the profile; bolt: the build, then BOLT's instrumentation, training and optimization; the notes have each stage); its link RSS is the largest stage's.".into());
    }
    lines.extend([link_legend(doc), size_legend(doc)]);
    lines.retain(|l| !l.is_empty());
    lines.extend([format!(
        "build ×, size ±, shipped ± (-v: RSS ×): against `baseline` ({} as your files resolve it).",
        doc.base_profile
    )]);
    let hosts = hosts(doc);
    if hosts.len() > 1 {
        for h in &hosts {
            lines.push(format!(
                "host {}: {} × {}, {} ({})",
                host_label(&hosts, h),
                h.cores,
                h.cpu_model,
                Cell::Bytes(h.memory_bytes).text(),
                h.os
            ));
        }
        lines.push(if doc.cross_host_times {
            "build × compares times from different hosts (merge --allow-cross-host).".into()
        } else {
            "build ×: only against a baseline from the same host (merge --allow-cross-host compares across).".into()
        });
    }
    if view.wide {
        lines.push(
            "peak RSS: the build's largest single process; link: the final rustc's time.".into(),
        );
        lines.push(format!(
            "rebuild: `cargo build` recompiling {}, as after an edit to it; .text: machine code.",
            match doc.project.bins.as_slice() {
                [one] => format!("`{}`'s crate", one.name),
                _ => "each binary's crate".to_string(),
            }
        ));
    }
    lines.join("\n")
}

/// What the link RSS column is.
fn link_legend(doc: &MeasureDocument) -> String {
    match doc.project.bins.as_slice() {
        [] => "link RSS, size, shipped: none, as no binary was measured (only benchmarks: their bench binaries are built after the timed build, which compiles the library).".into(),
        [one] => format!(
            "link RSS: peak memory of the final rustc of `{}` (its compile, LTO, the linker).",
            one.name
        ),
        _ => "link RSS: peak memory of the binaries' final rustc (its compile, LTO, the linker), the largest of them.".into(),
    }
}

/// What the size columns are.
fn size_legend(doc: &MeasureDocument) -> String {
    let what = "size: the file; shipped: the sections loaded at run time, what `strip` keeps";
    match doc.project.bins.len() {
        0 => String::new(),
        1 => format!("{what}."),
        n => format!(
            "{what};
of the {n} binaries together (the table below has each one's)."
        ),
    }
}

/// What the build column is: one clean build, the median of several (and
/// what its ± is), or a warm build.
fn build_legend(doc: &MeasureDocument) -> String {
    if doc.builds_warm() {
        return "build: `cargo build` in the reused directory (--warm): WARM, not a clean build."
            .into();
    }
    if doc.warm {
        return "build: the clean build of earlier results that built the same binary (notes say which);\n`warm`: this run's own build in the reused directory, where none did (not compared).".into();
    }
    let builds: Vec<&Build> = doc
        .configurations
        .iter()
        .filter(own)
        .filter_map(|c| c.build.as_ref())
        .collect();
    let n = match super::figures::builds_range(builds.iter().map(|b| b.samples.len())) {
        Some((_, most, n)) if most > 1 => n,
        _ => return "build: wall time of one clean `cargo build` (n = 1).".into(),
    };
    let mut levels: Vec<String> = builds
        .iter()
        .filter_map(|b| b.wall_s_ci_level)
        .map(|l| crate::units::percent(l, 0))
        .collect();
    levels.sort();
    levels.dedup();
    format!(
        "build: median wall time of {n} clean `cargo build`s (interleaved; busy ones left out);\nwith -v, ±: the wider side of its {} CI (from the builds' order statistics).",
        levels.join("/")
    )
}

/// A unit's label: the crate, or `package (build.rs)` for a build script.
fn unit_label(u: &Unit) -> String {
    if u.crate_name.starts_with("build_script_") {
        format!("{} (build.rs)", u.package.as_deref().unwrap_or("?"))
    } else {
        u.crate_name.clone()
    }
}

/// CPU seconds per crate and configuration, the costliest crates first.
fn units(doc: &MeasureDocument) -> Option<Table> {
    // identical configurations were not built: no column of their own
    let measured: Vec<&Configuration> = doc
        .configurations
        .iter()
        .filter(own)
        .filter(|c| c.build.is_some())
        .collect();
    if measured.is_empty() {
        return None;
    }
    let mut cost: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (i, c) in measured.iter().enumerate() {
        for u in c.build.iter().flat_map(|b| &b.units) {
            let row = cost
                .entry(unit_label(u))
                .or_insert_with(|| vec![0.0; measured.len()]);
            row[i] += u.cpu_s;
        }
    }
    let total = cost.len();
    if total == 0 {
        return None; // no rustc ran (a warm build with nothing to do)
    }
    let mut rows: Vec<(String, Vec<f64>)> = cost.into_iter().collect();
    rows.sort_by(|a, b| {
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        max(&b.1).total_cmp(&max(&a.1)).then_with(|| a.0.cmp(&b.0))
    });
    let mut headers: Vec<(&str, Align)> = vec![("crate (CPU s)", Align::Left)];
    headers.extend(measured.iter().map(|c| (c.name.as_str(), Align::Right)));
    let mut table = Table::new(&headers);
    for (label, values) in rows.iter().take(TOP_UNITS) {
        let mut row = vec![Cell::Text(label.clone())];
        row.extend(values.iter().map(|v| Cell::Number {
            value: *v,
            decimals: 2,
        }));
        table.row(row);
    }
    table.footnotes.push(if total > TOP_UNITS {
        format!(
            "({} more crates in the JSON; user+sys CPU of each rustc invocation, the linker included)",
            total - TOP_UNITS
        )
    } else {
        "(user+sys CPU of each rustc invocation, the linker included)".into()
    });
    Some(table)
}
