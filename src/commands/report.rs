//! `cargo lto report [RESULTS…]`: the documents (the newest by default),
//! each with its recommendation, as Markdown for a pull request (or a
//! table, or JSON), on stdout or into `-o FILE`.

use std::io::Write;

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::error::exit;
use crate::render::{self, report::Section};
use crate::results;

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
    let text = render::report(&sections, args.format.into())?;
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
