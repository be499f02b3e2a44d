//! One renderer for every document and format. A document becomes a
//! [`blocks::Report`] once (`measure.rs`, `inspect.rs`); each text format
//! implements [`Render`] over that block model in a file of its own
//! (`table.rs` for the terminal, `markdown.rs`); JSON is the document itself
//! (`json.rs`). Renderers read only `results/`: they show what was measured
//! and decided there, and decide nothing themselves.

pub mod advice;
pub mod axis;
pub mod bench;
pub mod blocks;
pub mod cells;
pub mod doctor;
pub mod figures;
pub mod gate;
pub mod history;
pub mod html;
pub mod inspect;
pub mod json;
pub mod markdown;
pub mod measure;
pub mod notes;
pub mod reasons;
pub mod report;
pub mod runtime;
pub mod serve;
pub mod sizes;
pub mod stages;
pub mod svg;
pub mod table;

use crate::results::advice::{
    ADVICE_SCHEMA_VERSION, DoctorReport, Explanation, Recommendation, SettingList, SettingSummary,
};
use crate::results::gate::CheckReport;
use crate::results::measure::Configuration;
use crate::results::report::{REPORT_SCHEMA_VERSION, ReportDocument, ReportEntry};
use crate::results::{InspectDocument, MeasureDocument};

/// Not identical to another configuration: its failures are its own to show
/// (an identical one shares its original's, shown once).
fn own(c: &&Configuration) -> bool {
    c.identical_to.is_none()
}

/// A text format: lays out a report's blocks.
pub trait Render {
    /// The report as this format's text.
    fn render(&self, report: &blocks::Report) -> String;
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables for a terminal.
    Table,
    /// The document as JSON.
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page (`html.rs`), with charts where the
    /// document has them.
    Html,
}

fn text(format: Format, report: impl FnOnce() -> blocks::Report) -> Option<String> {
    text_with(format, &html::Charts::default(), report)
}

/// `format`'s text of a report; HTML adds `charts` to the page.
fn text_with(
    format: Format,
    charts: &html::Charts,
    report: impl FnOnce() -> blocks::Report,
) -> Option<String> {
    match format {
        Format::Table => Some(table::Terminal.render(&report())),
        Format::Markdown => Some(markdown::Markdown.render(&report())),
        Format::Html => Some(html::Page(charts).render(&report())),
        Format::Json => None,
    }
}

/// What the text formats show of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// Every figure (`-v`), not just those that fit 100 columns.
    pub wide: bool,
}

/// A measure document in `format`.
pub fn measure(doc: &MeasureDocument, format: Format, view: View) -> serde_json::Result<String> {
    match text(format, || measure::report(doc, view)) {
        Some(text) => Ok(text),
        None => json::render(doc),
    }
}

/// An inspect document in `format`, text formats showing `top` rows per list.
pub fn inspect(doc: &InspectDocument, format: Format, top: usize) -> serde_json::Result<String> {
    match text(format, || inspect::report(doc, top)) {
        Some(text) => Ok(text),
        None => json::render(doc),
    }
}

#[cfg(test)]
mod tests;

/// A recommendation in `format`.
pub fn recommendation(r: &Recommendation, format: Format) -> serde_json::Result<String> {
    match text(format, || advice::recommendation(r)) {
        Some(text) => Ok(text),
        None => json::render(&json::recommendation(r)?),
    }
}

/// A doctor report in `format`.
pub fn doctor(d: &DoctorReport, format: Format) -> serde_json::Result<String> {
    match text(format, || advice::doctor(d)) {
        Some(text) => Ok(text),
        None => json::render(&json::doctor(d)?),
    }
}

/// An explanation in `format`.
pub fn explanation(e: &Explanation, format: Format) -> serde_json::Result<String> {
    match text(format, || advice::explanation(e)) {
        Some(text) => Ok(text),
        None => json::render(e),
    }
}

/// The list of settings `explain` knows, in `format`.
pub fn settings(list: &[(&str, &str)], format: Format) -> serde_json::Result<String> {
    match text(format, || advice::settings(list)) {
        Some(text) => Ok(text),
        None => json::render(&SettingList {
            schema_version: ADVICE_SCHEMA_VERSION,
            settings: list
                .iter()
                .map(|(s, m)| SettingSummary {
                    setting: s.to_string(),
                    summary: m.to_string(),
                })
                .collect(),
        }),
    }
}

/// A check report in `format`.
pub fn check(r: &CheckReport, format: Format) -> serde_json::Result<String> {
    match text(format, || gate::check(r)) {
        Some(text) => Ok(text),
        None => json::render(&json::check(r)?),
    }
}

/// The report of measure documents with their recommendations, in
/// `format`; its HTML page charts them, and `inspect`'s crates, with
/// `link_limit` drawn as a line.
pub fn report(
    sections: &[report::Section],
    format: Format,
    inspect: Option<&InspectDocument>,
    link_limit: Option<u64>,
) -> serde_json::Result<String> {
    let charts = html::Charts {
        sections,
        inspect,
        link_limit,
        extra: Vec::new(),
    };
    match text_with(format, &charts, || report::report(sections)) {
        Some(text) => Ok(text),
        None => {
            let doc = ReportDocument {
                schema_version: REPORT_SCHEMA_VERSION,
                reports: sections
                    .iter()
                    .map(|s| ReportEntry {
                        results: s.doc.clone(),
                        recommendation: s.advice.as_ref().ok().map(|r| (*r).clone()),
                        no_recommendation: s.advice.as_ref().err().cloned(),
                    })
                    .collect(),
            };
            json::render(&json::report(&doc)?)
        }
    }
}

/// The history of a results directory in `format` (HTML: with line charts).
pub fn history(
    entries: &[crate::results::history::Entry],
    format: Format,
) -> serde_json::Result<String> {
    let charts = html::Charts {
        extra: if format == Format::Html {
            history::charts(entries)
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    match text_with(format, &charts, || history::report(entries)) {
        Some(text) => Ok(text),
        None => json::render(&crate::results::history::HistoryDocument {
            schema_version: crate::results::history::HISTORY_SCHEMA_VERSION,
            history: entries.to_vec(),
        }),
    }
}
