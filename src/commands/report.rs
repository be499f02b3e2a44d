//! `cargo lto report [RESULTS…]`: the documents (the newest by default),
//! each with its recommendation, as Markdown for a pull request (or a
//! table, or JSON), on stdout or into `-o FILE`.

use std::io::Write;

use anyhow::Result;

use crate::cli::{ReportArgs, ReportFormat};
use crate::error::{UsageError, exit};
use crate::render::{self, Format, report::Section};
use crate::results;

/// An inspect document, read and checked like a results document.
fn read_inspect(path: &std::path::Path) -> Result<results::InspectDocument> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError::Project(format!("cannot read {}: {e}", path.display())))?;
    let doc: results::InspectDocument = serde_json::from_str(&text).map_err(|e| {
        UsageError::Project(format!(
            "{} is not an inspect document (`cargo lto inspect --format json`): {e}",
            path.display()
        ))
    })?;
    Ok(doc)
}

/// Runs `report`; returns the exit code.
pub fn run(args: &ReportArgs) -> Result<i32> {
    let hint = "or pass results documents";
    let mut found = Vec::new();
    if args.results.is_empty() {
        found.push(super::measured(&args.project, None, hint, false)?);
    } else {
        for path in &args.results {
            // documents of this project, or of any when run outside one
            found.push(super::measured(&args.project, Some(path), hint, false)?);
        }
    }
    let advice: Vec<Result<_, String>> = found
        .iter()
        .map(|f| super::recommend::decide(f, &args.advice).map_err(|e| format!("{e:#}")))
        .collect();
    let sections: Vec<Section> = found
        .iter()
        .zip(&advice)
        .map(|(f, a)| Section {
            doc: &f.doc,
            advice: a.as_ref().map_err(Clone::clone),
        })
        .collect();
    let inspect = match &args.inspect {
        Some(path) => Some(read_inspect(path)?),
        None => None,
    };
    let text = match args.format {
        ReportFormat::Html => render::report_html(
            &sections,
            inspect.as_ref(),
            args.advice.max_link_memory,
            &[],
        ),
        ReportFormat::Table => render::report(&sections, Format::Table)?,
        ReportFormat::Markdown => render::report(&sections, Format::Markdown)?,
        ReportFormat::Json => render::report(&sections, Format::Json)?,
    };
    match &args.output {
        Some(path) => results::write_atomic(path, text.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(exit::OK)
}
