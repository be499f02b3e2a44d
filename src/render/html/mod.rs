//! The HTML report: one self-contained page (no network, no script, no
//! external font) with the report's blocks and inline SVG charts — shipped
//! size against clean build time with the recommendation's Pareto front,
//! runtime ratios with CI whiskers, link peak memory with the limit, size
//! per crate and cross-crate call sites (from an inspect document), and
//! the history. Light, dark and print styles; each chart has a title and a
//! data table.

use std::fmt::Write;

use super::Render;
use super::axis::Unit;
use super::blocks::{Align, Block, Report, Table};
use super::cells::Cell;
use super::report::Section;
use super::svg::{self, Bar, Point, esc};
use crate::results::{BASELINE, InspectDocument};

mod bench;
mod inspect;
use crate::results::measure::{MeasureDocument, Status, Verdict};

const STYLE: &str = r#"
:root{--fg:#1b1f24;--bg:#fff;--muted:#57606a;--grid:#d0d7de;--accent:#0969da;--good:#1a7f37;--bad:#cf222e;--noise:#8c959f;--front:#bf8700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8d96a0;--grid:#30363d;--accent:#4493f8;--good:#3fb950;--bad:#f85149;--noise:#6e7681;--front:#d29922}}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:1000px;margin:0 auto;padding:24px}
table{border-collapse:collapse;margin:8px 0 16px;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid var(--grid)}
th{text-align:left}td.num,th.num{text-align:right}td.num{white-space:nowrap}
pre{background:color-mix(in srgb,var(--fg) 6%,transparent);padding:10px;overflow:auto}
.notes{color:var(--muted)}
figure.chart{margin:24px 0;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;max-width:640px;display:block}
svg text{fill:var(--fg);font-size:11px}svg .tick{fill:var(--muted)}
svg .axis{stroke:var(--fg)}svg .grid{stroke:var(--grid)}
svg circle.mark{fill:var(--bg);stroke:var(--accent);stroke-width:2}svg circle.on-front{fill:var(--accent)}svg circle.chosen{fill:none;stroke:var(--good);stroke-width:3}
svg .front{fill:none;stroke:var(--front);stroke-width:2;stroke-dasharray:5 3}
svg rect.mark{fill:var(--accent)}svg rect.better{fill:var(--good)}svg rect.worse,svg rect.over{fill:var(--bad)}svg rect.noise{fill:var(--noise)}
svg .whisker{stroke:var(--fg);stroke-width:1.5}svg .limit{stroke:var(--bad);stroke-width:2;stroke-dasharray:6 3}svg .limit-label{fill:var(--bad)}
svg .series{fill:none;stroke-width:2}
svg .s0{stroke:#0969da;fill:#0969da}svg .s1{stroke:#bf3989;fill:#bf3989}svg .s2{stroke:#1a7f37;fill:#1a7f37}svg .s3{stroke:#bc4c00;fill:#bc4c00}
svg .s4{stroke:#8250df;fill:#8250df}svg .s5{stroke:#1b7c83;fill:#1b7c83}svg .s6{stroke:#9a6700;fill:#9a6700}svg .s7{stroke:#57606a;fill:#57606a}
svg text.label{fill:var(--fg)}
svg circle.dot.s0{fill:#0969da;stroke:#0969da}svg circle.dot.s1{fill:#bf3989;stroke:#bf3989}svg circle.dot.s2{fill:#1a7f37;stroke:#1a7f37}svg circle.dot.s3{fill:#bc4c00;stroke:#bc4c00}svg circle.dot.s4{fill:#8250df;stroke:#8250df}svg circle.dot.s5{fill:#1b7c83;stroke:#1b7c83}svg circle.dot.s6{fill:#9a6700;stroke:#9a6700}svg circle.dot.s7{fill:#57606a;stroke:#57606a}
svg circle.dot.hollow{fill:var(--bg);stroke-width:2}
@media print{body{font-size:11px}main{max-width:none;padding:0}details{display:none}}
"#;

/// Lays out report blocks as HTML.
pub struct Html;

fn table_html(t: &Table) -> String {
    let mut s = String::new();
    if let Some(title) = &t.title {
        let _ = write!(s, "<p><strong>{}</strong></p>", esc(title));
    }
    s.push_str("<table><thead><tr>");
    for c in &t.columns {
        let class = if c.align == Align::Right {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(s, "<th{class}>{}</th>", inline(&c.header));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for (cell, c) in row.iter().zip(&t.columns) {
            let class = if c.align == Align::Right {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(s, "<td{class}>{}</td>", esc(&cell.text()));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    for f in &t.footnotes {
        let _ = write!(s, "<p class=\"notes\">{}</p>", esc(f.trim()));
    }
    s
}

/// Escaped text with the two inline Markdown marks the report blocks use:
/// `**strong**` and `` `code` ``.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(text).split("**").enumerate() {
        let part: String = part
            .split('`')
            .enumerate()
            .map(|(j, p)| {
                if j % 2 == 1 {
                    format!("<code>{p}</code>")
                } else {
                    p.to_string()
                }
            })
            .collect();
        if i % 2 == 1 {
            let _ = write!(out, "<strong>{part}</strong>");
        } else {
            out.push_str(&part);
        }
    }
    out
}

impl Render for Html {
    fn render(&self, report: &Report) -> String {
        let mut s = String::new();
        for block in &report.blocks {
            match block {
                Block::Heading(h) => {
                    let _ = write!(s, "<h2>{}</h2>", esc(h));
                }
                Block::Table(t) => s.push_str(&table_html(t)),
                Block::Text(t) => {
                    let _ = write!(s, "<p>{}</p>", inline(t).replace('\n', "<br>"));
                }
                Block::List(items) => {
                    s.push_str("<ul>");
                    for i in items {
                        let _ = write!(s, "<li>{}</li>", inline(i));
                    }
                    s.push_str("</ul>");
                }
                Block::Notes(items) => {
                    s.push_str("<ul class=\"notes\">");
                    for i in items {
                        let _ = write!(s, "<li>{}</li>", inline(i));
                    }
                    s.push_str("</ul>");
                }
                Block::Code { language, text } => {
                    let _ = write!(
                        s,
                        "<pre><code class=\"language-{}\">{}</code></pre>",
                        esc(language),
                        esc(text)
                    );
                }
                Block::Quote { title, lines } => {
                    let _ = write!(
                        s,
                        "<p><strong>{}</strong></p><pre>{}</pre>",
                        esc(title),
                        esc(&lines.join("\n"))
                    );
                }
            }
        }
        s
    }
}

/// A figure: caption, chart, and its data as a table.
pub(in crate::render) fn figure(id: &str, caption: &str, svg: String, data: Table) -> String {
    noted_figure(id, caption, svg, None, data)
}

/// A figure with a line under its chart that says how to read it.
fn noted_figure(id: &str, caption: &str, svg: String, note: Option<&str>, data: Table) -> String {
    let note = note.map_or(String::new(), |n| {
        format!("<p class=\"notes\">{}</p>", inline(n))
    });
    format!(
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>{svg}{note}<details><summary>Data</summary>{}</details></figure>",
        inline(caption),
        table_html(&data)
    )
}

fn built(doc: &MeasureDocument) -> impl Iterator<Item = &crate::results::measure::Configuration> {
    doc.configurations
        .iter()
        .filter(|c| c.status == Status::Ok && c.identical_to.is_none() && c.built())
}

/// Shipped size against clean build time, the recommendation's front marked.
fn size_vs_build(s: &Section, id: &str) -> Option<String> {
    let doc = s.doc;
    let front = |name: &str| {
        s.advice
            .as_ref()
            .ok()
            .and_then(|r| r.candidates.iter().find(|c| c.name == name))
            .is_some_and(|c| c.pareto)
    };
    // what is recommended: the choice, or baseline when it is to keep
    // what you have
    let chosen = |name: &str| {
        s.advice
            .as_ref()
            .is_ok_and(|r| r.choice.as_deref().unwrap_or(BASELINE) == name)
    };
    // a warm build beside clean ones is not on the same axis
    let all_warm = doc.builds_warm();
    let points: Vec<Point> = built(doc)
        .filter(|c| all_warm || c.build.as_ref().is_some_and(|b| !b.warm))
        .filter_map(|c| {
            Some(Point {
                label: c.name.clone(),
                // a pipeline's whole, as in the tables
                x: c.whole_build_s()?,
                y: c.sizes(None)?.shipped_bytes as f64,
                front: front(&c.name),
                chosen: chosen(&c.name),
            })
        })
        .collect();
    if points.len() < 2 {
        return None;
    }
    let mut data = Table::new(&[
        ("config", Align::Left),
        ("clean build", Align::Right),
        ("shipped", Align::Right),
        ("Pareto front", Align::Left),
    ]);
    for p in &points {
        data.row(vec![
            Cell::Text(p.label.clone()),
            Cell::Seconds(p.x),
            Cell::Bytes(p.y as u64),
            Cell::Mark(if p.front { "yes" } else { "-" }),
        ]);
    }
    let build = if all_warm {
        "warm build (s)"
    } else {
        "clean build (s)"
    };
    let title = "Shipped size against clean build time";
    let legend = "Filled points: on the Pareto front of the recommendation (no other configuration is as good on every figure it weighs, runtimes and link memory included, and better on one); open points: dominated; ringed, ◀ recommended: the configuration recommended.";
    let svg = svg::scatter(
        title,
        &format!(
            "Each configuration's bytes loaded at run time{} against its clean build's wall time (the median, when builds were repeated). {legend}",
            if doc.project.bins.len() > 1 {
                " (its binaries' together)"
            } else {
                ""
            }
        ),
        &points,
        (build, "shipped size"),
        (Unit::Plain, Unit::Bytes),
        (&|v| format!("{v:.0}"), &|v| {
            Cell::Bytes(v.max(0.0) as u64).text()
        }),
    );
    Some(noted_figure(
        &format!("{id}-size-vs-build"),
        title,
        svg,
        Some(legend),
        data,
    ))
}

/// Per workload, each configuration's runtime ratio with its CI.
fn runtime(doc: &MeasureDocument, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, w) in doc.workloads.iter().enumerate() {
        let bars: Vec<Bar> = built(doc)
            .filter_map(|c| {
                let own = |r: &&crate::results::measure::Series| {
                    r.kind == crate::results::measure::SeriesKind::Workload && r.name == w.name
                };
                let r = c.series.iter().find(own)?;
                let v = r.vs_baseline.as_ref()?;
                (!r.output_differs && r.status == Status::Ok).then(|| Bar {
                    label: c.name.clone(),
                    value: v.ratio,
                    whisker: Some((v.ratio_ci[0], v.ratio_ci[1])),
                    class: match v.verdict {
                        Verdict::Better => "better",
                        Verdict::Worse => "worse",
                        Verdict::WithinNoise => "noise",
                    },
                })
            })
            .collect();
        if bars.is_empty() {
            continue;
        }
        let mut data = Table::new(&[
            ("config", Align::Left),
            ("× baseline", Align::Right),
            ("95% CI", Align::Right),
            ("verdict", Align::Left),
        ]);
        for b in &bars {
            let (lo, hi) = b.whisker.unwrap_or((b.value, b.value));
            data.row(vec![
                Cell::Text(b.label.clone()),
                Cell::Number {
                    value: b.value,
                    decimals: 3,
                },
                Cell::Text(format!("{lo:.3}–{hi:.3}")),
                Cell::Text(b.class.into()),
            ]);
        }
        let title = format!("Runtime of `{}` against baseline", w.name);
        let svg = svg::bars(
            &title,
            "Ratio of medians to baseline's with its 95% bootstrap CI; green: better beyond the noise (faster, fewer), red: worse, grey: within the noise",
            &bars,
            1.0,
            None,
            (Unit::Ratio, &|v| format!("×{v:.3}")),
        );
        out.push(figure(&format!("{id}-runtime-{i}"), &title, svg, data));
    }
    out
}

/// Each configuration's link peak memory, with the limit when given.
fn link_memory(doc: &MeasureDocument, id: &str, limit: Option<u64>) -> Option<String> {
    let bars: Vec<Bar> = built(doc)
        .filter_map(|c| {
            let peak = c.whole_peak_bytes()?;
            Some(Bar {
                label: c.name.clone(),
                value: peak as f64,
                whisker: None,
                class: if limit.is_some_and(|l| peak > l) {
                    "over"
                } else {
                    "mark"
                },
            })
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let mut data = Table::new(&[("config", Align::Left), ("link peak", Align::Right)]);
    for b in &bars {
        data.row(vec![
            Cell::Text(b.label.clone()),
            Cell::Bytes(b.value as u64),
        ]);
    }
    let limit_label = limit.map(|l| format!("--max-link-memory {}", Cell::Bytes(l).text()));
    let title = "Link step peak memory";
    let svg = svg::bars(
        title,
        "Peak RSS of the final rustc invocation (its compile, LTO and the linker); the dashed line is --max-link-memory",
        &bars,
        0.0,
        limit
            .zip(limit_label.as_deref())
            .map(|(l, t)| (l as f64, t)),
        (Unit::Bytes, &|v| Cell::Bytes(v.max(0.0) as u64).text()),
    );
    Some(figure(&format!("{id}-link-memory"), title, svg, data))
}

/// A bar chart from zero with its data table: `headers` name the label and
/// value columns, `cell` shows a value in both; `note` says how to read it.
fn bar_figure(
    (id, title, desc): (&str, &str, &str),
    bars: &[Bar],
    headers: (&str, &str),
    cell: impl Fn(f64) -> Cell,
    note: Option<&str>,
) -> String {
    let mut data = Table::new(&[(headers.0, Align::Left), (headers.1, Align::Right)]);
    for b in bars {
        data.row(vec![Cell::Text(b.label.clone()), cell(b.value)]);
    }
    let unit = Unit::of(&cell(0.0));
    let svg = svg::bars(title, desc, bars, 0.0, None, (unit, &|v| cell(v).text()));
    noted_figure(id, title, svg, note, data)
}

/// What a page shows beside its blocks: the charts of the report's
/// documents, of an inspect document (per crate), the link-memory limit
/// line, and any further figures (the history's).
#[derive(Default)]
pub struct Charts<'a> {
    /// The report's documents, each with its recommendation.
    pub sections: &'a [Section<'a>],
    /// The inspect document, for the per-crate charts.
    pub inspect: Option<&'a InspectDocument>,
    /// `--max-link-memory`, drawn as a line.
    pub link_limit: Option<u64>,
    /// Figures drawn elsewhere (the history's line charts).
    pub extra: Vec<String>,
}

/// A whole self-contained page: the blocks laid out as HTML, then the
/// charts.
pub struct Page<'a>(pub &'a Charts<'a>);

impl Render for Page<'_> {
    fn render(&self, report: &Report) -> String {
        page(report, self.0)
    }
}

/// The whole page.
fn page(report: &Report, c: &Charts) -> String {
    let mut charts = String::new();
    for (i, s) in c.sections.iter().enumerate() {
        let id = format!("r{i}");
        if let Some(f) = size_vs_build(s, &id) {
            charts.push_str(&f);
        }
        for f in runtime(s.doc, &id) {
            charts.push_str(&f);
        }
        if let Some(f) = bench::benchmarks(s.doc, &id) {
            charts.push_str(&f);
        }
        if let Some(f) = bench::servers(s.doc, &id) {
            charts.push_str(&f);
        }
        if let Some(f) = link_memory(s.doc, &id, c.link_limit) {
            charts.push_str(&f);
        }
    }
    if let Some(doc) = c.inspect {
        for f in inspect::charts(doc) {
            charts.push_str(&f);
        }
    }
    for f in &c.extra {
        charts.push_str(f);
    }
    if !charts.is_empty() {
        charts.insert_str(0, "<h2>Charts</h2>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><title>{t}</title><style>{STYLE}</style></head><body><main><h1>{t}</h1>{body}{charts}</main></body></html>\n",
        t = esc(&report.title),
        body = Html.render(report)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_marks_in_headers_and_captions_are_code() {
        let t = Table::new(&[("`o2` × base", Align::Right)]);
        assert!(table_html(&t).contains("<code>o2</code> × base"));
        let f = figure("f", "Runtime of `o2`", String::new(), t);
        assert!(
            f.contains("<figcaption>Runtime of <code>o2</code></figcaption>"),
            "{f}"
        );
    }
}
