//! `cargo lto report [RESULTS…]`: the documents (the newest by default),
//! each with its recommendation, as Markdown for a pull request (or a
//! table, JSON or an HTML page), on stdout or into `-o FILE`. The layout is
//! `render::report` (and `render/html/` for the page's charts,
//! `render/history.rs` for `--history`); the recommendation is
//! `advise::recommend`'s, through `commands::recommend::decide`.

use std::io::Write;

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::error::exit;
use crate::render::{self, report::Section};
use crate::results;
use crate::workspace::{self, CargoFlags};

/// An inspect document, read and checked like a results document.
fn read_inspect(path: &std::path::Path) -> Result<results::InspectDocument> {
    let text = std::fs::read_to_string(path).map_err(|source| super::Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let doc: results::InspectDocument =
        serde_json::from_str(&text).map_err(|source| super::Error::NotInspect {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(doc)
}

/// The documents of the history: those given, or every one in the
/// project's results directory (those another version cannot read are
/// skipped, and said so).
fn history_docs(args: &ReportArgs) -> Result<Vec<results::MeasureDocument>> {
    if !args.results.is_empty() {
        return args
            .results
            .iter()
            .map(|p| Ok(results::load(p, None)?))
            .collect();
    }
    let cargo = workspace::cargo_binary();
    let located = workspace::locate(&cargo, &CargoFlags::from(&args.project))?;
    let dir = results::results_dir(&located.target_dir);
    let mut docs = Vec::new();
    for listed in results::list(&dir)? {
        match results::load(&listed.path, Some(&located.root)) {
            Ok(doc) => docs.push(doc),
            Err(e) => eprintln!("skipped: {e}"),
        }
    }
    if docs.is_empty() {
        return Err(results::Error::NoResults { dir }.into());
    }
    Ok(docs)
}

/// Writes `text` to `-o FILE` or stdout.
fn emit(args: &ReportArgs, text: &str) -> Result<()> {
    match &args.output {
        Some(path) => {
            results::write_atomic(path, text.as_bytes())?;
            // the report is the file: where it went is for the person
            // (stderr, like cargo's own `Finished`), printed unless -q
            if !args.quiet {
                eprintln!(
                    "cargo lto: wrote the report to {}",
                    std::path::absolute(path)
                        .unwrap_or_else(|_| path.clone())
                        .display()
                );
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Runs `report`; returns the exit code.
pub fn run(args: &ReportArgs) -> Result<i32> {
    if args.history {
        let entries = render::history::entries(&history_docs(args)?);
        emit(args, &render::history(&entries, args.format.into())?)?;
        return Ok(exit::OK);
    }
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
    let text = render::report(
        &sections,
        args.format.into(),
        inspect.as_ref(),
        args.advice.max_link_memory,
    )?;
    emit(args, &text)?;
    Ok(exit::OK)
}
